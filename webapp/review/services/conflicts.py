"""Conflicts of interest between a submission and a reviewer.

Declared ones are confirmed at once: an author's (when submitting, against named reviewers of
the pool) and a reviewer's (the e-mail addresses of people they conflict with, in their
profile). Potential ones are found automatically and wait for organisers to confirm or
dismiss them (one list per call):
- the reviewer is an author (their account is the submitter, or an author's e-mail is theirs);
- the reviewer shares an institution with an author: institution names normalised (NFKC,
  case, spaces and punctuation dropped), or the same mail domain, where public mail domains
  (qq.com, 163.com, gmail.com, …) never count as an institution;
- the reviewer co-authored another submission of the same call with an author.
Identity is matched on accounts (an author's e-mail names the account), not on typed names.
Automatic assignment never uses a pair with a confirmed or a pending conflict: only a
dismissed one clears a pair (decided: a conflict nobody looked at is still a conflict).
"""
import re
import unicodedata

from sqlalchemy.orm import joinedload, selectinload

from webapp.accounts.models import User
from webapp.core import audit
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import Conflict as StateConflict
from webapp.core.errors import NotFound
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.review.models import Conflict, ConflictKind, ConflictSource, ConflictState, ReviewAction, Submission
from webapp.review.services.pool import pool, profiles
from webapp.review.services.rules import why_not_manage

PUBLIC_MAIL_DOMAINS = frozenset({
    "qq.com", "vip.qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "vip.163.com", "sina.com",
    "sina.cn", "sohu.com", "139.com", "189.cn", "aliyun.com", "tom.com", "21cn.com", "gmail.com",
    "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "icloud.com",
    "me.com", "proton.me", "protonmail.com", "example.com", "example.org"})
BLOCKING = (ConflictState.pending.value, ConflictState.confirmed.value)


def normalise_institution(name):
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return re.sub(r"[\s\W_]+", "", text)


def institution_domain(email):
    domain = (email or "").rpartition("@")[2].strip().lower()
    if not domain or domain in PUBLIC_MAIL_DOMAINS:
        return None
    return domain


def _reasons(submission, reviewer, profile, coauthors, account_emails):
    """[(source, kind, note)] of the conflicts found between them."""
    found = []
    emails = {a.email for a in submission.authors if a.email}
    accounts = coauthors[submission.id]
    if reviewer.id in accounts or reviewer.email.lower() in emails:
        found.append((ConflictSource.auto_author.value, ConflictKind.other.value, "专家是本篇作者"))
    mine = normalise_institution(reviewer.institution)
    domain = institution_domain(reviewer.email)
    for a in submission.authors:
        if mine and normalise_institution(a.institution) == mine:
            found.append((ConflictSource.auto_institution.value, ConflictKind.same_institution.value,
                          "与作者单位相同"))
            break
        if domain and institution_domain(a.email) == domain:
            found.append((ConflictSource.auto_institution.value, ConflictKind.same_institution.value,
                          f"与作者邮箱域名相同（{domain}）"))
            break
    if any(reviewer.id in group and group & (accounts - {reviewer.id})
           for sid, group in coauthors.items() if sid != submission.id):
        found.append((ConflictSource.auto_coauthor.value, ConflictKind.collaborator.value,
                      "在本次征集的另一篇申报中与作者合作"))
    declared = set(profile.conflict_emails) if profile else set()
    if declared & (emails | {account_emails[uid] for uid in accounts if uid in account_emails}):
        found.append((ConflictSource.reviewer.value, ConflictKind.other.value, "专家申报的利益冲突"))
    return found


def _coauthors(submissions):
    """submission id → the accounts of its authors."""
    return {s.id: {a.user_id for a in s.authors if a.user_id} | {s.author_id} for s in submissions}


def detect(call, submissions=None):
    """Record the automatic (pending) and reviewer-declared (confirmed) conflicts of `call`
    not recorded yet; decisions already taken stay. Returns how many were added."""
    reviewers = pool(call)
    everything = (Submission.query.options(selectinload(Submission.authors))
                  .filter(Submission.call_id == call.id, Submission.state != "withdrawn").all())
    if submissions is None:
        submissions = everything
    if not reviewers or not submissions:
        return 0
    profs = profiles([r.id for r in reviewers])
    coauthors = _coauthors(everything)
    ids = set().union(*coauthors.values())
    account_emails = {uid: email.lower() for uid, email in
                      db.session.query(User.id, User.email).filter(User.id.in_(list(ids)))}
    existing = {(c.submission_id, c.reviewer_id, c.source)
                for c in Conflict.query.filter(Conflict.call_id == call.id)}
    added = 0
    for s in submissions:
        for r in reviewers:
            for source, kind, note in _reasons(s, r, profs.get(r.id), coauthors, account_emails):
                if (s.id, r.id, source) in existing:
                    continue
                state = ConflictState.confirmed.value if source == ConflictSource.reviewer.value \
                    else ConflictState.pending.value
                db.session.add(Conflict(call_id=call.id, submission_id=s.id, reviewer_id=r.id, source=source,
                                        kind=kind, state=state, note=note))
                existing.add((s.id, r.id, source))
                added += 1
    db.session.flush()
    return added


def detect_for_submission(submission):
    # Co-authorship reaches other submissions of the call: check the whole call.
    return detect(submission.call)


def blocked_pairs(call):
    """{(submission_id, reviewer_id)} that assignment must never use."""
    return {(s, r) for s, r in db.session.query(Conflict.submission_id, Conflict.reviewer_id)
            .filter(Conflict.call_id == call.id, Conflict.state.in_(BLOCKING))}


def conflicts_of(call):
    return (Conflict.query.options(joinedload(Conflict.reviewer)).filter(Conflict.call_id == call.id)
            .order_by(Conflict.state.desc(), Conflict.submission_id, Conflict.reviewer_id).all())


def decide(user, conflict_id, confirm):
    conflict = get_by_id(Conflict, conflict_id)
    if conflict is None:
        raise NotFound("找不到该利益冲突")
    guard(why_not_manage(user))
    if conflict.source in (ConflictSource.author.value, ConflictSource.reviewer.value) and not confirm:
        raise StateConflict("当事人申报的利益冲突不能排除")
    conflict.state = ConflictState.confirmed.value if confirm else ConflictState.dismissed.value
    conflict.decided_at = utcnow()
    audit.record(user, ReviewAction.conflict, "review_conflict", conflict.id,
                 summary=f"{conflict.state_enum.title}：申报 #{conflict.submission_id} / 专家 #{conflict.reviewer_id}")
    db.session.flush()
    return conflict
