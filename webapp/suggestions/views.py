"""Suggestion pages: browse, write, read, support, answer, rate, and the staff actions on a suggestion.

Each view parses its form, calls one function of suggestions.services and renders or
redirects. A refused action re-renders the suggestion's page with what was typed: a
ValidationError with the problems under the fields (422), any other refusal said on top.
"""
import re
from functools import wraps

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user, login_required

from webapp.api.parsing import lenient_query
from webapp.core import uploads
from webapp.core.errors import RateLimited, ServiceError, ValidationError
from webapp.core.forms import (
    OneTimeSubmission,
    already_submitted,
    flash_service_error,
    redirect_after_submission,
    show_service_error,
)
from webapp.core.pagination import paginate_by_key, parse_page_args
from webapp.core.permissions import is_staff
from webapp.suggestions import services
from webapp.suggestions.forms import (
    AcceptForm,
    ActionForm,
    AnswerForm,
    AssignForm,
    CategoryForm,
    CloseForm,
    FilterForm,
    FollowUpAnswerForm,
    FollowUpForm,
    HideForm,
    RatingForm,
    RejectForm,
    SuggestionForm,
    WithdrawForm,
    choices,
    leader_label,
)
from webapp.suggestions.models import (
    BODY_MAX,
    OPEN_STATES,
    PUBLISHED_STATES,
    TITLE_MAX,
    Suggestion,
    SuggestionState,
    Visibility,
)
from webapp.suggestions.schemas import SuggestionListArgs
from webapp.suggestions.services.rules import why_not_edit

# The localStorage key of the write page's draft (per browser; cleared after a submission).
DRAFT_KEY = "suggestion-draft:new"

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions", template_folder="templates")

PER_PAGE = 20


# ---------------------------------------------------------------- helpers

def viewer():
    """The logged-in User itself (not the proxy), or None for an anonymous visitor."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def login_to_act(view):
    """POST actions: an anonymous visitor is sent to log in and back to the suggestion."""
    @wraps(view)
    def wrapper(suggestion_id, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=url_for(".detail", suggestion_id=suggestion_id)))
        return view(suggestion_id, **kwargs)
    return wrapper


def _leader_choices(first):
    return choices([("", first)] + [(leader.id, leader_label(leader)) for leader in services.leader_names()])


@bp.app_template_global()
def suggestions_on_home():
    """The home page's section (main/index.html includes it when this capability is installed):
    the latest answers everyone may read and the leaders' figures."""
    ranked = services.ranking()
    return {"answers": services.latest_answered(limit=5), "leaders": ranked[:6],
            "names": {leader.id: leader.real_name or leader.display_name for leader, _ in ranked}}


@bp.app_template_global()
def suggestions_on_profile(person):
    """The profile's section of suggestions (accounts' profile page includes it when this
    capability is installed): what `person` wrote and co-signed, as far as the viewer may see."""
    return services.profile_suggestions(person, viewer())


@bp.app_template_global()
def screening_late(suggestion):
    """受理超期: the one rule (services.screening_late) for every page that shows it."""
    return services.screening_late(suggestion)


# ---------------------------------------------------------------- browsing

# Names the list page read before it shared the API's filters; old links keep working.
LEGACY_FILTERS = {"category": "category_id", "leader": "leader_id"}
LEGACY_ANSWERED = {"yes": "true", "no": "false"}
FILTERS = ("category_id", "state", "leader_id", "answered", "sort")


def _filters(args):
    """The list filters from the query string, read with the API's schema; a value it
    refuses is dropped (the page shows the list unfiltered by it)."""
    args = args.to_dict()
    for old, new in LEGACY_FILTERS.items():
        if old in args and new not in args:
            args[new] = args.pop(old)
    args["answered"] = LEGACY_ANSWERED.get(args.get("answered"), args.get("answered", ""))
    values = lenient_query(SuggestionListArgs, args)
    return {name: values.get(name) for name in FILTERS}


def _list_page(query, total=None):
    """A page of suggestions with what each row shows, without a query per row."""
    page = paginate_by_key(query, Suggestion.id, *parse_page_args(request.args, PER_PAGE, 50), total=total)
    # A list row names the leader it is with, not its author.
    services.with_people(page.items, people=("addressee", "assigned_leader"))
    me = viewer()
    supported = services.supported_ids(me, [s.id for s in page.items])
    deadlines = {s.id: services.deadline(s) for s in page.items if s.state in OPEN_STATES}
    return page, supported, deadlines


@bp.route("/")
def index():
    filters = _filters(request.args)
    form = FilterForm(formdata=None, **{name: "" if value is None else str(value).lower()
                                        for name, value in filters.items()})
    form.category_id.choices = choices([("", "全部分类")] + [(c.id, c.name) for c in
                                                        services.categories(include_inactive=True)])
    form.leader_id.choices = _leader_choices("全部领导")
    me = viewer()
    states = [s for s in SuggestionState if is_staff(me) or s.value in PUBLISHED_STATES]
    form.state.choices = choices([("", "全部状态")] + [(s.value, s.title) for s in states])
    page, supported, deadlines = _list_page(services.list_suggestions(viewer(), **filters),
                                            total=services.count_suggestions(viewer(), **filters))
    return render_template("suggestions/index.html", form=form, page=page, supported=supported,
                           deadlines=deadlines, threshold=services.support_threshold(),
                           filtered=any(v not in (None, "newest") for v in filters.values()))


@bp.route("/mine")
@login_required
def mine():
    page, supported, deadlines = _list_page(services.list_suggestions(viewer(), mine=True),
                                            total=services.count_suggestions(viewer(), mine=True))
    return render_template("suggestions/mine.html", page=page, supported=supported, deadlines=deadlines,
                           threshold=services.support_threshold())


# ---------------------------------------------------------------- writing

def _suggestion_form():
    form = SuggestionForm()
    form.category_id.choices = choices([("", "请选择分类")] + [(c.id, c.name) for c in services.categories()])
    form.addressee_id.choices = _leader_choices("科协（不指定领导）")
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = _suggestion_form()
    status, headers = 200, {}
    if request.method == "GET":
        to = request.args.get("to", "")
        if to and to in {c.value for c in form.addressee_id.choices}:
            form.addressee_id.data = to
        form.visibility.data = Visibility.public.value
    else:
        done = already_submitted(viewer(), form)  # a double click or a resubmitted page
        if done:
            return done
        files = [(f.stream, f.filename) for f in request.files.getlist(form.attachments.name) if f and f.filename]
        try:
            suggestion = services.submit(viewer(), form.title.data, form.body.data, form.category_id.data,
                                         form.addressee_id.data or None, form.visibility.data, files)
        except RateLimited as exc:
            status = show_service_error(form, exc)
            if exc.retry_after:
                headers["Retry-After"] = str(exc.retry_after)
        except ValidationError as exc:
            show_service_error(form, exc)
            status = exc.status
        else:
            flash(f"建议已提交。科协工作人员将在 {current_app.config['SUGGESTION_SCREEN_DAYS']} 个工作日内受理，"
                  "受理后公开（不公开的建议除外），结果会通知您。", "success")
            # The next page tells the browser to drop the draft it kept while typing.
            session["clear_draft"] = DRAFT_KEY
            return redirect_after_submission(viewer(), form, url_for(".detail", suggestion_id=suggestion.id))
        # Browsers cannot refill a file input: say so when files were chosen.
        if files and not form.attachments.errors:
            form.attachments.errors = ["请重新选择附件"]
    return render_template("suggestions/new.html", form=form, draft_key=DRAFT_KEY,
                           max_attachments=current_app.config["SUGGESTION_MAX_ATTACHMENTS"]), status, headers


@bp.route("/<int:suggestion_id>/edit", methods=["GET", "POST"])
@login_required
def edit(suggestion_id):
    """The author edits the suggestion until it is screened (rules.why_not_edit)."""
    suggestion = services.get_suggestion(suggestion_id, viewer())
    refusal = why_not_edit(viewer(), suggestion)
    if refusal is not None:
        flash_service_error(refusal)
        return redirect(url_for(".detail", suggestion_id=suggestion.id))
    if request.method == "GET":
        form = SuggestionForm(formdata=None, title=suggestion.title, body=suggestion.body,
                              category_id=str(suggestion.category_id), addressee_id=str(suggestion.addressee_id or ""),
                              visibility=suggestion.visibility)
        status = 200
    else:
        form = SuggestionForm()
        try:
            services.edit(viewer(), suggestion, title=form.title.data, body=form.body.data,
                          category_id=form.category_id.data, addressee_id=form.addressee_id.data or None,
                          visibility=form.visibility.data)
        except ValidationError as exc:
            status = show_service_error(form, exc)
        except ServiceError as exc:
            flash_service_error(exc)
            return redirect(url_for(".detail", suggestion_id=suggestion.id))
        else:
            flash("修改已保存。", "success")
            return redirect(url_for(".detail", suggestion_id=suggestion.id))
    form.category_id.choices = choices([("", "请选择分类")] + [(c.id, c.name) for c in services.categories()])
    form.addressee_id.choices = _leader_choices("科协（不指定领导）")
    return render_template("suggestions/new.html", form=form, editing=suggestion,
                           max_attachments=current_app.config["SUGGESTION_MAX_ATTACHMENTS"]), status


@bp.route("/preview", methods=["POST"])
@login_required
def preview():
    """The body as it will be shown: the same Markdown → bleach pipeline as the page (JSON)."""
    from webapp.core.text import render_markdown

    body = request.form.get("body", "")
    if len(body) > BODY_MAX:
        return jsonify(error={"code": "validation_error", "message": f"正文不能超过 {BODY_MAX} 个字",
                              "fields": {"body": f"不能超过 {BODY_MAX} 个字"}}), 422
    return jsonify(body_html=str(render_markdown(body)))


@bp.route("/similar")
def similar():
    """Visible suggestions whose titles share words with `?title=` (JSON, for the write page)."""
    title = request.args.get("title", "")[:TITLE_MAX]
    exclude = request.args.get("exclude_id", type=int)
    found = services.similar_suggestions(viewer(), title, exclude_id=exclude)
    return jsonify(items=[{"id": s.id, "title": s.title, "url": url_for(".detail", suggestion_id=s.id),
                           "state_title": s.state_enum.title, "support_count": s.support_count,
                           "collects_signatures": s.collects_signatures} for s in found])


# ---------------------------------------------------------------- reading

# Which permission (`can` key below) shows each form of the detail page.
FORM_PERMISSIONS = {"support": "support", "answer": "answer", "follow_up": "follow_up", "reply": "reply",
                    "rating": "rate", "accept": "screen", "reject": "screen", "assign": "assign", "close": "close",
                    "hide": "hide", "unhide": "unhide", "answer_hide": "hide_answer",
                    "answer_unhide": "unhide_answer", "unsupport": "withdraw_support", "withdraw": "withdraw",
                    "category": "recategorise"}


def _forms_for(suggestion, can):
    """The forms the viewer may use on the page, empty (or prefilled with the leader's
    draft); none for a visitor who can do nothing, and no leader or reason list unless a
    staff form needs it."""
    draft = suggestion.answer if suggestion.answer is not None and suggestion.answer.is_draft else None
    makers = {
        "support": lambda: ActionForm(formdata=None, prefix="support"),
        "answer": lambda: AnswerForm(formdata=None, body=draft.body if draft else ""),
        "follow_up": lambda: FollowUpForm(formdata=None),
        "reply": lambda: FollowUpAnswerForm(formdata=None, prefix="reply"),
        "rating": lambda: RatingForm(formdata=None),
        "accept": lambda: AcceptForm(formdata=None, prefix="accept"),
        "reject": lambda: RejectForm(formdata=None, prefix="reject"),
        "assign": lambda: AssignForm(formdata=None, prefix="assign"),
        "close": lambda: CloseForm(formdata=None, prefix="close"),
        "hide": lambda: HideForm(formdata=None, prefix="hide"),
        "unhide": lambda: ActionForm(formdata=None, prefix="unhide"),
        "answer_hide": lambda: HideForm(formdata=None, prefix="answer_hide"),
        "answer_unhide": lambda: ActionForm(formdata=None, prefix="answer_unhide"),
        "unsupport": lambda: ActionForm(formdata=None, prefix="unsupport"),
        "withdraw": lambda: WithdrawForm(formdata=None, prefix="withdraw"),
        "category": lambda: CategoryForm(formdata=None, prefix="category"),
    }
    return {key: make() for key, make in makers.items() if can[FORM_PERMISSIONS[key]]}


def _fill_choices(forms, suggestion):
    if "accept" in forms or "assign" in forms:
        people = [(leader.id, leader_label(leader)) for leader in services.leader_names()]
        first = "交办给收信领导" if suggestion.addressee_id else "暂不交办"
        if "accept" in forms:
            forms["accept"].leader_id.choices = choices([("", first)] + people)
        if "assign" in forms:
            # Reassigning (改派) to the leader who has it already would only be refused.
            others = [(value, label) for value, label in people if value != suggestion.assigned_leader_id]
            forms["assign"].leader_id.choices = choices([("", "请选择领导")] + others)
    if "reject" in forms:
        forms["reject"].reason_id.choices = choices([("", "请选择理由")] + [(r.id, r.title) for r in
                                                                        services.screening_reasons()])
    if "category" in forms:
        forms["category"].category_id.choices = choices(
            [("", "请选择分类")] + [(c.id, c.name) for c in services.categories() if c.id != suggestion.category_id])


def _permissions(suggestion, me):
    """Which forms to show: the services' rules (`can_<action>`), each checked again by its action."""
    rules = services.permissions(me, suggestion, actions=services.PAGE_ACTIONS)
    return {
        "support": rules["can_support"],
        "answer": rules["can_answer"],
        "follow_up": rules["can_follow_up"],
        "reply": rules["can_answer_follow_up"],
        "rate": rules["can_rate"],
        "staff": is_staff(me),
        "screen": rules["can_screen"],
        "assign": rules["can_assign"],
        "close": rules["can_close"],
        "refuse": rules["can_refuse"],
        "hide": rules["can_hide"],
        "unhide": rules["can_unhide"],
        "hide_answer": rules["can_hide_answer"],
        "unhide_answer": rules["can_unhide_answer"],
        "is_author": me is not None and suggestion.author_id == me.id,
        "withdraw_support": rules["can_withdraw_support"],
        "edit": rules["can_edit"],
        "withdraw": rules["can_withdraw"],
        "recategorise": rules["can_recategorise"],
    }


def render_detail(suggestion, submitted=None, status=200):
    """The suggestion's page; `submitted` maps a form key to a form that came back with errors."""
    me = viewer()
    can = _permissions(suggestion, me)
    forms = _forms_for(suggestion, can)
    forms.update(submitted or {})
    _fill_choices(forms, suggestion)
    threshold = services.support_threshold()
    return render_template(
        "suggestions/detail.html", suggestion=suggestion, forms=forms, can=can,
        deadline=services.deadline(suggestion), answer=services.answer_visible_to(suggestion, me),
        supported=services.has_supported(me, suggestion), threshold=threshold,
        staff_events=services.STAFF_EVENT_KINDS, staff_actor_name=services.STAFF_ACTOR_NAME, open_states=OPEN_STATES,
        note_of=lambda event: services.event_note_for(me, event),
        screening_note=services.screening_note_for(me, suggestion),
        clear_draft=session.pop("clear_draft", None),
    ), status


@bp.route("/<int:suggestion_id>")
def detail(suggestion_id):
    return render_detail(services.suggestion_page(suggestion_id, viewer()))


@bp.route("/<int:suggestion_id>/attachments/<int:attachment_id>")
def attachment(suggestion_id, attachment_id):
    item, path = services.attachment_for(viewer(), suggestion_id, attachment_id)
    # Images (re-encoded from pixels) show inline; anything else, PDFs included, is a
    # sandboxed download: a PDF viewer inside the browser runs on our origin.
    response = send_file(path, mimetype=item.mime, as_attachment=not item.is_image,
                         download_name=safe_filename(item.filename), max_age=0)
    if not item.is_image:
        uploads.download_headers(response)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Who may see it can change (hidden, reassigned): never from a shared cache.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def safe_filename(name):
    """A download name without path separators, quotes or control characters."""
    name = re.sub(r'[\x00-\x1f\x7f/\\"<>:|?*;]', "_", name or "").strip(" .")
    return name[:120] or "附件"


# ---------------------------------------------------------------- actions on a suggestion

def _act(suggestion_id, key, form, call, success):
    """Run one service call for a posted form. When the service refuses, show the suggestion's
    page again with the refusal's status, keeping what was typed in that form: a ValidationError
    puts its problems under the fields, any other refusal (403, 409…) is said on top of the page,
    where it shows whether or not the form is still offered."""
    suggestion = services.get_suggestion(suggestion_id, viewer())
    once = isinstance(form, OneTimeSubmission)
    done = already_submitted(viewer(), form) if once else None
    if done:
        return done
    try:
        result = call(suggestion)
    except ValidationError as exc:
        show_service_error(form, exc)
        return render_detail(suggestion, {key: form}, exc.status)
    except ServiceError as exc:
        show_service_error(form, exc, flash_unplaced=True)
        return render_detail(suggestion, {key: form}, exc.status)
    message = success(result) if callable(success) else success
    if message:
        flash(message, "success")
    location = url_for(".detail", suggestion_id=suggestion_id)
    return redirect_after_submission(viewer(), form, location) if once else redirect(location)


@bp.route("/<int:suggestion_id>/support", methods=["POST"])
@login_to_act
def support(suggestion_id):
    return _act(suggestion_id, "support", ActionForm(prefix="support"),
                lambda s: services.support(viewer(), s),
                lambda added: "已联名支持，感谢您的参与。" if added else "您已经联名支持过这条建议。")


@bp.route("/<int:suggestion_id>/support/withdraw", methods=["POST"])
@login_to_act
def withdraw_support(suggestion_id):
    return _act(suggestion_id, "unsupport", ActionForm(prefix="unsupport"),
                lambda s: services.withdraw_support(viewer(), s), "已撤回联名。")


@bp.route("/<int:suggestion_id>/withdraw", methods=["POST"])
@login_to_act
def withdraw(suggestion_id):
    form = WithdrawForm(prefix="withdraw")
    return _act(suggestion_id, "withdraw", form, lambda s: services.withdraw(viewer(), s, form.reason.data),
                "建议已撤回。它不再出现在列表中，您仍可在“我的建议”中看到。")


@bp.route("/<int:suggestion_id>/category", methods=["POST"])
@login_to_act
def recategorise(suggestion_id):
    form = CategoryForm(prefix="category")
    return _act(suggestion_id, "category", form,
                lambda s: services.recategorise(viewer(), s, form.category_id.data, form.note.data),
                lambda s: f"分类已调整为“{s.category.name}”。")


@bp.route("/<int:suggestion_id>/answer", methods=["POST"])
@login_to_act
def answer(suggestion_id):
    form = AnswerForm()
    publish = bool(form.publish.data)
    return _act(suggestion_id, "answer", form,
                lambda s: services.save_answer(viewer(), s, form.body.data, publish=publish),
                "答复已发布，建议人会收到通知。" if publish else "草稿已保存（发布前只有您能看到）。")


@bp.route("/<int:suggestion_id>/follow-up", methods=["POST"])
@login_to_act
def follow_up(suggestion_id):
    form = FollowUpForm()
    return _act(suggestion_id, "follow_up", form,
                lambda s: services.ask_follow_up(viewer(), s, form.question.data),
                "追问已提交，领导答复后会通知您。")


@bp.route("/<int:suggestion_id>/follow-up/answer", methods=["POST"])
@login_to_act
def follow_up_answer(suggestion_id):
    form = FollowUpAnswerForm(prefix="reply")
    return _act(suggestion_id, "reply", form,
                lambda s: services.answer_follow_up(viewer(), s, form.body.data),
                "已答复追问。")


@bp.route("/<int:suggestion_id>/rating", methods=["POST"])
@login_to_act
def rating(suggestion_id):
    form = RatingForm()

    def rate(suggestion):
        # The service names the API's values (satisfied, …); a person just chose nothing.
        if not form.value.data:
            raise ValidationError("请选择满意、基本满意或不满意", fields={"value": "请选择一项评价"})
        return services.rate(viewer(), suggestion, form.value.data, form.comment.data)

    return _act(suggestion_id, "rating", form, rate, "感谢您的评价，这条建议已办结。")


@bp.route("/<int:suggestion_id>/screen", methods=["POST"])
@login_to_act
def screen(suggestion_id):
    if request.form.get("decision") == "reject":
        form = RejectForm(prefix="reject")
        return _act(suggestion_id, "reject", form,
                    lambda s: services.refuse(viewer(), s, reason_id=form.reason_id.data, note=form.note.data),
                    "已不予受理，建议人会收到通知。")
    form = AcceptForm(prefix="accept")

    def accepted(s):
        if s.assigned_leader is not None:
            return f"已受理，并交办给 {leader_label(s.assigned_leader)}。"
        return "已受理。请尽快交办给一位领导。"

    return _act(suggestion_id, "accept", form,
                lambda s: services.accept(viewer(), s, note=form.note.data, leader_id=form.leader_id.data or None),
                accepted)


@bp.route("/<int:suggestion_id>/assign", methods=["POST"])
@login_to_act
def assign(suggestion_id):
    form = AssignForm(prefix="assign")
    return _act(suggestion_id, "assign", form,
                lambda s: services.assign(viewer(), s, form.leader_id.data, note=form.note.data),
                lambda s: f"已交办给 {leader_label(s.assigned_leader)}。")


@bp.route("/<int:suggestion_id>/close", methods=["POST"])
@login_to_act
def close(suggestion_id):
    form = CloseForm(prefix="close")
    return _act(suggestion_id, "close", form, lambda s: services.close(viewer(), s, form.note.data),
                "建议已办结。")


@bp.route("/<int:suggestion_id>/hide", methods=["POST"])
@login_to_act
def hide(suggestion_id):
    form = HideForm(prefix="hide")
    return _act(suggestion_id, "hide", form, lambda s: services.hide(viewer(), s, form.reason.data),
                "建议已隐藏，建议人会收到通知。")


@bp.route("/<int:suggestion_id>/unhide", methods=["POST"])
@login_to_act
def unhide(suggestion_id):
    return _act(suggestion_id, "unhide", ActionForm(prefix="unhide"), lambda s: services.unhide(viewer(), s),
                "建议已恢复显示。")


@bp.route("/<int:suggestion_id>/answer/hide", methods=["POST"])
@login_to_act
def hide_answer(suggestion_id):
    form = HideForm(prefix="answer_hide")
    return _act(suggestion_id, "answer_hide", form,
                lambda s: services.hide_answer(viewer(), s, form.reason.data), "答复已隐藏。")


@bp.route("/<int:suggestion_id>/answer/unhide", methods=["POST"])
@login_to_act
def unhide_answer(suggestion_id):
    return _act(suggestion_id, "answer_unhide", ActionForm(prefix="answer_unhide"),
                lambda s: services.unhide_answer(viewer(), s), "答复已恢复显示。")
