"""Submissions (申报) and their versions: submit within the window, revise until it closes
(every version kept), withdraw. Authors declare conflicts with named reviewers."""
import secrets

from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from webapp.accounts.models import User
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.review.models import (
    ABSTRACT_MAX,
    ABSTRACT_MIN,
    INSTITUTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Anonymity,
    Conflict,
    ConflictKind,
    ConflictSource,
    ConflictState,
    Submission,
    SubmissionAuthor,
    SubmissionState,
    SubmissionVersion,
)
from webapp.review.services import pdfs
from webapp.review.services.rules import why_not_revise, why_not_submit, why_not_view_submission, why_not_withdraw

MAX_AUTHORS = 20
MAX_KEYWORDS = 10


def _clean_keywords(keywords):
    if isinstance(keywords, str):
        keywords = keywords.replace("，", ",").replace("；", ",").replace(";", ",").split(",")
    out = []
    for k in keywords or []:
        k = str(k).strip()
        if k and k not in out:
            out.append(k[:32])
    return out


def submission_problems(call, title, abstract, keywords, discipline, authors):
    problems = {}
    title = (title or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        problems["title"] = f"题目需要 {TITLE_MIN}–{TITLE_MAX} 个字"
    abstract = (abstract or "").strip()
    if not ABSTRACT_MIN <= len(abstract) <= ABSTRACT_MAX:
        problems["abstract"] = f"摘要需要 {ABSTRACT_MIN}–{ABSTRACT_MAX} 个字"
    kws = _clean_keywords(keywords)
    if not kws:
        problems["keywords"] = "请至少填写一个关键词"
    elif len(kws) > MAX_KEYWORDS:
        problems["keywords"] = f"关键词不能超过 {MAX_KEYWORDS} 个"
    if call.disciplines and discipline not in call.disciplines:
        problems["discipline"] = "请选择本次征集的学科"
    if not authors:
        problems["authors"] = "请至少填写一位作者"
    elif len(authors) > MAX_AUTHORS:
        problems["authors"] = f"作者不能超过 {MAX_AUTHORS} 位"
    else:
        for a in authors:
            if not isinstance(a, dict) or not str(a.get("name") or "").strip():
                problems["authors"] = "每位作者都需要填写姓名"
                break
            if len(str(a.get("name"))) > NAME_MAX or len(str(a.get("institution") or "")) > INSTITUTION_MAX:
                problems["authors"] = "作者姓名或单位过长"
                break
            email = str(a.get("email") or "").strip()
            if email and ("@" not in email or len(email) > 254):
                problems["authors"] = f"作者邮箱无效：{email}"
                break
    return problems


def _authors(authors):
    emails = [str(a.get("email") or "").strip().lower() for a in authors]
    accounts = {u.email.lower(): u.id for u in User.query.filter(func.lower(User.email).in_([e for e in emails if e]))}
    return [SubmissionAuthor(position=i, name=str(a["name"]).strip(), institution=str(a.get("institution") or "").strip(),
                             email=emails[i], user_id=accounts.get(emails[i]))
            for i, a in enumerate(authors)]


def _add_version(submission, stream):
    data, pages = pdfs.read_pdf(stream, submission.call)
    if submission.call.anonymity == Anonymity.double_blind.value:
        data = pdfs.strip_metadata(data)
    number = len(submission.versions) + 1
    version = SubmissionVersion(number=number, file_key=pdfs.store_pdf(data), size=len(data), pages=pages)
    submission.versions.append(version)
    return version


def submit(user, call, title, abstract, keywords, discipline, authors, pdf, conflicts=()):
    """A new submission with its first version. `conflicts`: [(reviewer_id, kind)] the author
    declares (confirmed at once: an author's word needs no check)."""
    guard(why_not_submit(user, call))
    problems = submission_problems(call, title, abstract, keywords, discipline, authors)
    if pdf is None:
        problems["pdf"] = "请上传 PDF 文件"
    conflict_rows = _declared(call, conflicts, problems)
    if problems:
        raise ValidationError(fields=problems)
    submission = Submission(call=call, author_id=user.id, title=title.strip(), abstract=abstract.strip(),
                            keywords=_clean_keywords(keywords), discipline=discipline or "",
                            file_token=secrets.token_hex(12))
    submission.authors = _authors(authors)
    db.session.add(submission)
    _add_version(submission, pdf)
    db.session.flush()
    for reviewer_id, kind in conflict_rows:
        db.session.add(Conflict(call_id=call.id, submission_id=submission.id, reviewer_id=reviewer_id,
                                source=ConflictSource.author.value, kind=kind, state=ConflictState.confirmed.value))
    from webapp.review.services.conflicts import detect_for_submission

    detect_for_submission(submission)
    return submission


def _declared(call, conflicts, problems):
    from webapp.review.services.pool import pool_ids

    rows = []
    pool = pool_ids(call)
    kinds = {k.value for k in ConflictKind}
    for reviewer_id, kind in conflicts or ():
        if reviewer_id not in pool:
            problems["conflicts"] = "只能对本次征集的评审专家申报利益冲突"
        elif kind not in kinds:
            problems["conflicts"] = "请选择利益冲突的类型"
        elif reviewer_id not in {r for r, _ in rows}:
            rows.append((reviewer_id, kind))
    return rows


def revise(user, submission, pdf, title=None, abstract=None, keywords=None, authors=None, discipline=None):
    """A new version (the PDF) and, if given, new metadata; earlier versions stay."""
    guard(why_not_revise(user, submission))
    new = {"title": submission.title if title is None else title,
           "abstract": submission.abstract if abstract is None else abstract,
           "keywords": submission.keywords if keywords is None else keywords,
           "discipline": submission.discipline if discipline is None else discipline,
           "authors": [{"name": a.name, "institution": a.institution, "email": a.email} for a in submission.authors]
           if authors is None else authors}
    problems = submission_problems(submission.call, **new)
    if pdf is None and title is None and abstract is None and keywords is None and authors is None:
        problems["pdf"] = "请上传新版本的 PDF 文件"
    if problems:
        raise ValidationError(fields=problems)
    submission.title, submission.abstract = new["title"].strip(), new["abstract"].strip()
    submission.keywords, submission.discipline = _clean_keywords(new["keywords"]), new["discipline"] or ""
    if authors is not None:
        submission.authors = _authors(authors)
    if pdf is not None:
        _add_version(submission, pdf)
    submission.updated_at = utcnow()
    db.session.flush()
    from webapp.review.services.conflicts import detect_for_submission

    detect_for_submission(submission)
    return submission


def withdraw(user, submission):
    guard(why_not_withdraw(user, submission))
    submission.state = SubmissionState.withdrawn.value
    submission.updated_at = utcnow()
    from webapp.review.models import AssignmentState, ReviewAssignment

    ReviewAssignment.query.filter(ReviewAssignment.submission_id == submission.id,
                                  ReviewAssignment.state == AssignmentState.alternate.value).delete()
    db.session.flush()
    return submission


def get_submission(submission_id, user):
    submission = get_by_id(Submission, submission_id)
    if submission is None:
        raise NotFound("找不到该申报")
    guard(why_not_view_submission(user, submission))
    return submission


def my_submissions(user):
    return Submission.query.options(joinedload(Submission.call)).filter_by(author_id=user.id).order_by(Submission.created_at.desc()).all()


def active_submissions(call):
    return (Submission.query.options(selectinload(Submission.authors))
            .filter(Submission.call_id == call.id, Submission.state != SubmissionState.withdrawn.value)
            .order_by(Submission.id).all())


def get_version(submission, number):
    for v in submission.versions:
        if v.number == number:
            return v
    raise NotFound("找不到该版本")


def referenced_files(names):
    return {k for (k,) in db.session.query(SubmissionVersion.file_key).filter(SubmissionVersion.file_key.in_(names))}
