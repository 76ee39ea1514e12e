"""Review pages: calls, submitting, the reviewer's work, and the organisers' pages (pool,
conflicts, assignment, progress, ranking, decisions). Each view parses its form, calls one
service and renders or redirects; a refused action re-renders with the service's words."""
from datetime import UTC

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from webapp.core import uploads
from webapp.core.errors import ServiceError, ValidationError
from webapp.core.forms import (
    already_submitted,
    flash_service_error,
    redirect_after_submission,
    show_service_error,
    uploaded,
)
from webapp.core.permissions import is_staff, staff_required
from webapp.core.timeutil import local_zone, to_local
from webapp.extensions import db
from webapp.review import services
from webapp.review.forms import (
    ActionForm,
    AssignForm,
    CallForm,
    DecisionForm,
    DeclineForm,
    InviteForm,
    ProfileForm,
    ReviseForm,
    SubmissionForm,
    choices,
    review_form,
)
from webapp.review.models import Submission
from webapp.review.search import submission_document
from webapp.review.services.assignment import get_submission_for_staff

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")


def _utc(local):
    """A naive local (Asia/Shanghai) datetime typed in a form → naive UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def _pdf_response(path, name):
    found = uploads.stored_file(path)
    if found is None:
        abort(404)
    response = send_file(found, mimetype="application/pdf", as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return uploads.download_headers(response)


# ---------------------------------------------------------------- public and authors

@bp.route("/")
def index():
    calls = services.list_calls()
    return render_template("review/index.html", calls=calls, phase=services.phase, phases=services.PHASES,
                           can_manage=services.can_manage(current_user))


@bp.route("/calls/<int:call_id>")
def call(call_id):
    c = services.get_call(call_id)
    results = []
    if c.state == "decided":
        results = [s for s in services.active_submissions(c) if submission_document(s) is not None]
    return render_template("review/call.html", call=c, phase=services.phase(c),
                           phases=services.PHASES, can_submit=services.can_submit(current_user, c),
                           can_manage=services.can_manage(current_user, c), results=results,
                           decision_title=services.decision_title)


@bp.route("/calls/new", methods=["GET", "POST"])
@staff_required
def new_call():
    form = CallForm()
    status = 200
    if form.is_submitted():
        done = already_submitted(current_user, form)
        if done:
            return done
        criteria = []
        for line in (form.criteria.data or "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if line.strip():
                criteria.append(dict(zip(("name", "weight", "min", "max"), parts + [None] * 4, strict=False)))
        try:
            created = services.create_call(
                current_user, form.title.data, form.kind.data, form.anonymity.data, _utc(form.submission_opens.data),
                _utc(form.submission_closes.data), _utc(form.review_due.data),
                reviewers_per_submission=form.reviewers_per_submission.data, max_load=form.max_load.data,
                criteria=criteria, description=form.description.data,
                disciplines=(form.disciplines.data or "").replace("，", ",").split(","))
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("征集已创建。", "success")
            return redirect_after_submission(current_user, form, url_for("review.manage", call_id=created.id))
    return render_template("review/call_form.html", form=form), status


def _submission_form(c):
    form = SubmissionForm()
    form.discipline.choices = choices([("", "请选择")] + [(d, d) for d in c.disciplines] if c.disciplines
                                      else [("", "不限")])
    form.conflict_reviewers.choices = choices((r.id, r.display_name) for r in services.pool(c))
    return form


@bp.route("/calls/<int:call_id>/submit", methods=["GET", "POST"])
@login_required
def submit(call_id):
    c = services.get_call(call_id)
    form = _submission_form(c)
    status = 200
    if form.is_submitted():
        done = already_submitted(current_user, form)
        if done:
            return done
        authors = []
        for line in (form.authors.data or "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if line.strip():
                authors.append(dict(zip(("name", "institution", "email"), parts + ["", ""], strict=False)))
        conflicts = [(int(r), form.conflict_kind.data) for r in form.conflict_reviewers.data or [] if r.isdigit()]
        try:
            s = services.submit(current_user, c, form.title.data, form.abstract.data, form.keywords.data,
                                form.discipline.data, authors, uploaded(form.pdf), conflicts=conflicts)
        except ServiceError as exc:
            status = show_service_error(form, exc, default_field="pdf")
        else:
            flash("申报已提交。", "success")
            return redirect_after_submission(current_user, form, url_for("review.submission", submission_id=s.id))
    elif not form.authors.data:
        form.authors.data = f"{current_user.real_name or current_user.display_name},{current_user.institution},{current_user.email}"
    return render_template("review/submit.html", call=c, form=form, can_submit=services.can_submit(current_user, c)), status


@bp.route("/submissions/<int:submission_id>")
@login_required
def submission(submission_id):
    s = services.get_submission(submission_id, current_user)
    return _submission_page(s, ReviseForm())


def _submission_page(s, revise_form, status=200):
    decision_form = None
    if is_staff(current_user):
        decision_form = DecisionForm(prefix="decide-")
        decision_form.decision.choices = choices(services.decision_choices(s.call))
    see = services.can_see_decision(current_user, s)
    return render_template("review/submission.html", submission=s, revise_form=revise_form, action_form=ActionForm(),
                           decision_form=decision_form, can_revise=services.can_revise(current_user, s),
                           can_withdraw=services.can_withdraw(current_user, s), see_decision=see,
                           decision=services.decision_title(s) if see else None,
                           comments=services.comments_for_author(current_user, s) if see else []), status


@bp.route("/submissions/<int:submission_id>/revise", methods=["POST"])
@login_required
def revise(submission_id):
    s = services.get_submission(submission_id, current_user)
    form = ReviseForm()
    try:
        services.revise(current_user, s, uploaded(form.pdf))
    except ServiceError as exc:
        return _submission_page(s, form, show_service_error(form, exc, default_field="pdf"))
    flash(f"已上传第 {len(s.versions)} 版。", "success")
    return redirect(url_for("review.submission", submission_id=s.id))


@bp.route("/submissions/<int:submission_id>/withdraw", methods=["POST"])
@login_required
def withdraw(submission_id):
    s = services.get_submission(submission_id, current_user)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw(current_user, s)
            flash("申报已撤回。", "success")
        except ServiceError as exc:
            flash_service_error(exc)
    return redirect(url_for("review.submission", submission_id=s.id))


@bp.route("/submissions/<int:submission_id>/versions/<int:number>.pdf")
@login_required
def version_pdf(submission_id, number):
    s = services.get_submission(submission_id, current_user)
    v = services.get_version(s, number)
    return _pdf_response(services.pdf_path(v.file_key), f"submission-{s.file_token}-v{v.number}.pdf")


@bp.route("/results/<int:submission_id>")
def result(submission_id):
    s = db.session.get(Submission, submission_id)
    if s is None or submission_document(s) is None:
        abort(404)
    return render_template("review/result.html", submission=s, decision=services.decision_title(s))


@bp.route("/mine")
@login_required
def mine():
    return render_template("review/mine.html", submissions=services.my_submissions(current_user))


# ---------------------------------------------------------------- reviewers

@bp.route("/assignments")
@login_required
def assignments():
    return render_template("review/assignments.html", assignments=services.my_assignments(current_user))


def _review_data(a):
    r = a.review
    if r is None:
        return None
    data = {"recommendation": r.recommendation or "", "comments_to_authors": r.comments_to_authors,
            "comments_to_organisers": r.comments_to_organisers}
    for c in a.call.criteria:
        value = r.scores.get(c.name)
        data[f"score_{c.position}"] = "" if value is None else f"{value:g}"
    return data


def _assignment_page(a, form, decline_form, status=200):
    others = services.other_reviews(current_user, a) if services.can_see_other_reviews(current_user, a) else None
    return render_template("review/assignment.html", assignment=a, submission=a.submission, call=a.call, form=form,
                           decline_form=decline_form, can_review=services.can_review(current_user, a),
                           can_decline=services.can_decline(current_user, a), others=others,
                           show_authors=services.reviewer_sees_authors(a.call)), status


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def assignment(assignment_id):
    a = services.get_assignment(assignment_id, current_user)
    form = review_form(a.call) if request.method == "POST" else review_form(a.call, _review_data(a))
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        scores = {}
        for c in a.call.criteria:
            raw = (form[f"score_{c.position}"].data or "").strip()
            if raw:
                try:
                    scores[c.name] = float(raw)
                except ValueError:
                    scores[c.name] = raw
        submit_it = request.form.get("action") == "submit"
        try:
            services.save_review(current_user, a, scores, form.recommendation.data or None,
                                 form.comments_to_authors.data, form.comments_to_organisers.data, submit_it)
        except ValidationError as exc:
            fields = {k: v for k, v in exc.fields.items() if k != "scores" or not any(
                f.startswith("score_") for f in exc.fields)}
            return _assignment_page(a, form, DeclineForm(prefix="decline-"), show_service_error(form, exc, fields=fields))
        except ServiceError as exc:
            flash_service_error(exc)
            return redirect(url_for("review.assignment", assignment_id=a.id))
        flash("评审意见已提交。" if submit_it else "草稿已保存。", "success")
        return redirect(url_for("review.assignment", assignment_id=a.id))
    return _assignment_page(a, form, DeclineForm(prefix="decline-"))


@bp.route("/assignments/<int:assignment_id>/submission.pdf")
@login_required
def assignment_pdf(assignment_id):
    a = services.get_assignment(assignment_id, current_user)
    v = a.submission.current_version
    if v is None:
        abort(404)
    return _pdf_response(services.pdf_path(v.file_key), f"submission-{a.submission.file_token}.pdf")


@bp.route("/assignments/<int:assignment_id>/decline", methods=["POST"])
@login_required
def decline(assignment_id):
    a = services.get_assignment(assignment_id, current_user)
    form = DeclineForm(prefix="decline-")
    if not form.validate_on_submit():
        abort(400)
    try:
        services.decline(current_user, a, form.reason.data)
    except ServiceError as exc:
        return _assignment_page(a, review_form(a.call, _review_data(a)), form, show_service_error(form, exc))
    flash("已谢绝该评审任务。", "success")
    return redirect(url_for("review.assignments"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    p = services.profile_of(current_user.id)
    form = ProfileForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.save_profile(current_user, form.expertise.data, form.conflict_emails.data)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("评审专家资料已保存。", "success")
            return redirect(url_for("review.profile"))
    elif request.method == "GET" and p is not None:
        form.expertise.data = "，".join(p.expertise)
        form.conflict_emails.data = "，".join(p.conflict_emails)
    return render_template("review/profile.html", form=form), status


# ---------------------------------------------------------------- organisers

def _manage_page(c, invite_form=None, status=200):
    per_reviewer, per_submission = services.progress(c)
    submissions = services.active_submissions(c)
    pool = services.pool(c)
    assign_form = AssignForm(prefix="assign-")
    assign_form.reviewer_id.choices = choices((r.id, r.display_name) for r in pool)
    return render_template("review/manage.html", call=c, phase=services.phase(c), phases=services.PHASES,
                           per_reviewer=per_reviewer, per_submission=per_submission, submissions=submissions,
                           pool=pool, conflicts=services.conflicts_of(c), action_form=ActionForm(),
                           invite_form=invite_form or InviteForm(prefix="invite-"), assign_form=assign_form,
                           assignments_of=_assignments_of(c)), status


def _assignments_of(c):
    from webapp.review.models import ReviewAssignment

    out = {}
    from sqlalchemy.orm import joinedload

    for a in (ReviewAssignment.query.options(joinedload(ReviewAssignment.reviewer)).filter_by(call_id=c.id)
              .order_by(ReviewAssignment.rank, ReviewAssignment.id)):
        out.setdefault(a.submission_id, []).append(a)
    return out


@bp.route("/calls/<int:call_id>/manage")
@staff_required
def manage(call_id):
    return _manage_page(services.get_call(call_id))


@bp.route("/calls/<int:call_id>/pool/invite", methods=["POST"])
@staff_required
def invite(call_id):
    c = services.get_call(call_id)
    form = InviteForm(prefix="invite-")
    if not form.validate_on_submit():
        abort(400)
    try:
        services.invite(current_user, c, form.username.data)
    except ServiceError as exc:
        return _manage_page(c, form, show_service_error(form, exc))
    flash("已邀请该专家参加本次评审。", "success")
    return redirect(url_for("review.manage", call_id=c.id))


@bp.route("/calls/<int:call_id>/pool/<int:user_id>/remove", methods=["POST"])
@staff_required
def remove(call_id, user_id):
    c = services.get_call(call_id)
    if ActionForm().validate_on_submit():
        try:
            services.remove(current_user, c, user_id)
            flash("已将该专家移出本次评审。", "success")
        except ServiceError as exc:
            flash_service_error(exc)
    return redirect(url_for("review.manage", call_id=c.id))


@bp.route("/conflicts/<int:conflict_id>/<any(confirm, dismiss):action>", methods=["POST"])
@staff_required
def conflict(conflict_id, action):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        found = services.decide_conflict(current_user, conflict_id, action == "confirm")
    except ServiceError as exc:
        flash_service_error(exc)
        return redirect(url_for("review.index"))
    flash("已确认利益冲突。" if action == "confirm" else "已排除该利益冲突。", "success")
    return redirect(url_for("review.manage", call_id=found.call_id) + "#conflicts")


@bp.route("/calls/<int:call_id>/assign", methods=["GET", "POST"])
@staff_required
def auto_assign(call_id):
    c = services.get_call(call_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            prop = services.confirm(current_user, c)
        except ServiceError as exc:
            flash_service_error(exc)
            return redirect(url_for("review.auto_assign", call_id=c.id))
        flash(f"已保存自动分配：{len(prop.pairs)} 项评审任务。", "success")
        return redirect(url_for("review.manage", call_id=c.id))
    prop = services.propose(current_user, c)
    return render_template("review/assign.html", call=c, proposal=prop, form=form)


@bp.route("/submissions/<int:submission_id>/assign", methods=["POST"])
@staff_required
def assign_one(submission_id):
    s = get_submission_for_staff(current_user, submission_id)
    form = AssignForm(prefix="assign-")
    if not form.validate_on_submit():
        abort(400)
    try:
        services.assign(current_user, s, int(form.reviewer_id.data) if (form.reviewer_id.data or "").isdigit() else 0)
        flash("已分配。", "success")
    except ServiceError as exc:
        flash_service_error(exc)
    return redirect(url_for("review.manage", call_id=s.call_id) + f"#submission-{s.id}")


@bp.route("/submissions/<int:submission_id>/reassign", methods=["POST"])
@staff_required
def reassign(submission_id):
    s = get_submission_for_staff(current_user, submission_id)
    if ActionForm().validate_on_submit():
        try:
            a = services.reassign(current_user, s)
            flash(f"已改派给候补专家 {a.reviewer.display_name}。", "success")
        except ServiceError as exc:
            flash_service_error(exc)
    return redirect(url_for("review.manage", call_id=s.call_id) + f"#submission-{s.id}")


@bp.route("/calls/<int:call_id>/ranking")
@staff_required
def ranking(call_id):
    c = services.get_call(call_id)
    rows, offsets = services.ranking(c)
    forms = {}
    for row in rows:
        f = DecisionForm(prefix=f"d{row['submission'].id}-")
        f.decision.choices = choices(services.decision_choices(c))
        forms[row["submission"].id] = f
    return render_template("review/ranking.html", call=c, rows=rows, offsets=offsets,
                           distributions=services.distributions(c), forms=forms, action_form=ActionForm(),
                           decision_title=services.decision_title)


@bp.route("/calls/<int:call_id>/ranking.csv")
@staff_required
def ranking_csv(call_id):
    c = services.get_call(call_id)
    stamp = to_local(c.created_at).strftime("%Y%m%d")
    return Response(services.ranking_csv(c), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=review-{c.id}-ranking-{stamp}.csv"})


@bp.route("/submissions/<int:submission_id>/decide", methods=["POST"])
@staff_required
def decide(submission_id):
    s = get_submission_for_staff(current_user, submission_id)
    form = DecisionForm(prefix=request.form.get("prefix") or f"d{s.id}-")
    form.decision.choices = choices(services.decision_choices(s.call))
    if not form.validate_on_submit():
        abort(400)
    try:
        services.decide(current_user, s, form.decision.data)
        flash("已记录评审结果。", "success")
    except ServiceError as exc:
        flash_service_error(exc)
    return redirect(url_for("review.ranking", call_id=s.call_id))


@bp.route("/calls/<int:call_id>/publish", methods=["POST"])
@staff_required
def publish(call_id):
    c = services.get_call(call_id)
    if ActionForm().validate_on_submit():
        try:
            services.publish(current_user, c)
            flash("评审结果已公布，已通知全部作者。", "success")
        except ServiceError as exc:
            flash_service_error(exc)
    return redirect(url_for("review.ranking", call_id=c.id))
