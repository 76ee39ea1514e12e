"""Suggestions API: submit, list, read, support, screen, assign, answer, follow up, rate;
leaders, their figures and the leader's inbox.

Each view parses its input (a wrong type is a 422 naming the field), calls one service
and serialises the result; every rule lives in `webapp.suggestions.services`.
"""
from flask import request
from flask_login import current_user

from webapp.api import api_route
from webapp.api.auth import json_body, list_response, page_args, text_fields, token_required
from webapp.api.openapi import list_of, openapi_path, ref, registry
from webapp.core.db import MAX_ID
from webapp.core.errors import ValidationError
from webapp.core.pagination import Page, paginate
from webapp.suggestions import services
from webapp.suggestions.models import Satisfaction, SuggestionState, Visibility
from webapp.suggestions.serializers import (CATEGORY_SCHEMA, FOLLOW_UP_SCHEMA, LEADER_SCHEMA, LEADER_STATS_SCHEMA,
                                            RATING_SCHEMA, SCREENING_REASON_SCHEMA, SUGGESTION_SCHEMA,
                                            SUMMARY_SCHEMA, SUPPORT_SCHEMA, category_json, follow_up_json,
                                            leader_json, leader_stats_json, rating_json, screening_reason_json,
                                            suggestion_json, summaries, support_json)

TAGS = ["suggestions"]
LEADER_TAGS = ["leaders"]
ERROR = ref("Error")
TRUE, FALSE = ("true", "1"), ("false", "0")


# ---------------------------------------------------------------- parsing

def _int_value(value, field, problems):
    """An id from JSON (an integer) or a form/query string of digits; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 < value <= MAX_ID:
            return value
        problems[field] = "不是有效的编号"
        return None
    problems[field] = "必须是整数"
    return None


def parse_body(data, text=(), ints=(), bools=()):
    """The named fields of a JSON object or form, typed; every type error at once as a 422.

    Returns ({name: value}, problems) so a caller can merge the service's own checks.
    """
    problems = {}
    values = {}
    try:
        values.update(zip(text, text_fields(data, *text)))
    except ValidationError as exc:
        problems.update(exc.fields)
        values.update({name: data.get(name) if isinstance(data.get(name), str) else None for name in text})
    for name in ints:
        values[name] = _int_value(data.get(name), name, problems)
    for name in bools:
        value = data.get(name)
        if value is not None and not isinstance(value, bool):
            problems[name] = "必须是 true 或 false"
            value = None
        values[name] = value
    return values, problems


def _raise(problems, message="请求参数有误"):
    if problems:
        raise ValidationError(message, fields=problems)


def _flag(args, name, problems):
    """A true/false query parameter; None when absent."""
    value = (args.get(name) or "").strip().lower()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    problems[name] = "可选 true、false"
    return None


def _list_page(items):
    """One page of an already-built Python list."""
    page, per_page = page_args()
    start = (page - 1) * per_page
    return Page(items=items[start:start + per_page], page=page, per_page=per_page, total=len(items))


def _summary_page(query):
    page = paginate(query, *page_args())
    page.items = summaries(page.items, current_user)
    return list_response(page, lambda item: item)


def _suggestion(suggestion_id):
    return services.get_suggestion(suggestion_id, current_user)


def _also_multipart(rule, method, schema):
    """Document a second, multipart/form-data body next to the JSON one."""
    operation = registry.operations[openapi_path("/api/v1" + rule)][method]
    operation["requestBody"]["content"]["multipart/form-data"] = {"schema": schema}


def _query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


# ---------------------------------------------------------------- request bodies

_ID = {"type": "integer"}
_TEXT = {"type": "string"}
SUBMIT_FIELDS = {
    "title": {"type": "string", "minLength": services.TITLE_MIN, "maxLength": services.TITLE_MAX},
    "body": {"type": "string", "minLength": services.BODY_MIN, "maxLength": services.BODY_MAX,
             "description": "Markdown"},
    "category_id": {"type": "integer", "description": "From GET /api/v1/suggestions/categories"},
    "addressee_id": {"type": "integer", "nullable": True,
                     "description": "A verified leader (GET /api/v1/leaders); null: the association"},
    "visibility": {"type": "string", "enum": [v.value for v in Visibility], "default": Visibility.public.value,
                   "description": "private: only the author, the addressee and staff can see it"},
}
SUBMIT_REQUEST = {"type": "object", "required": ["title", "body", "category_id"], "properties": SUBMIT_FIELDS}
SUBMIT_MULTIPART = {
    "type": "object", "required": ["title", "body", "category_id"],
    "properties": {**SUBMIT_FIELDS,
                   "addressee_id": {"type": "string", "description": "A verified leader's id; empty: the association"},
                   "attachments": {"type": "array", "items": {"type": "string", "format": "binary"},
                                   "description": "Images (JPEG/PNG/WebP) or PDF files, "
                                                  "at most SUGGESTION_MAX_ATTACHMENTS"}},
}
SCREEN_REQUEST = {
    "type": "object", "required": ["decision"],
    "properties": {
        "decision": {"type": "string", "enum": ["accept", "reject"]},
        "reason_id": {**_ID, "description": "Required to reject: GET /api/v1/suggestions/screening-reasons"},
        "note": {**_TEXT, "maxLength": services.NOTE_MAX, "description": "Shown to the author"},
        "leader_id": {**_ID, "nullable": True,
                      "description": "accept: assign to this leader at once (default: the addressee, if a leader)"},
    },
}
ASSIGN_REQUEST = {
    "type": "object", "required": ["leader_id"],
    "properties": {"leader_id": _ID, "note": {**_TEXT, "maxLength": services.NOTE_MAX}},
}
ANSWER_REQUEST = {
    "type": "object", "required": ["body"],
    "properties": {"body": {**_TEXT, "maxLength": services.ANSWER_MAX, "description": "Markdown"},
                   "draft": {"type": "boolean", "default": False,
                             "description": "true: save a draft only the leader sees; false: publish"}},
}
FOLLOW_UP_REQUEST = {
    "type": "object", "required": ["question"],
    "properties": {"question": {**_TEXT, "minLength": 5, "maxLength": services.NOTE_MAX}},
}
FOLLOW_UP_ANSWER_REQUEST = {
    "type": "object", "required": ["body"],
    "properties": {"body": {**_TEXT, "minLength": 5, "maxLength": services.ANSWER_MAX, "description": "Markdown"}},
}
RATING_REQUEST = {
    "type": "object", "required": ["value"],
    "properties": {"value": {"type": "string", "enum": [v.value for v in Satisfaction],
                             "description": "满意 / 基本满意 / 不满意"},
                   "comment": {**_TEXT, "maxLength": services.COMMENT_MAX}},
}


# ---------------------------------------------------------------- suggestions

@api_route("/suggestions", methods=["POST"], summary="Submit a suggestion (JSON, or multipart with attachments)",
           tags=TAGS, auth=True, request=SUBMIT_REQUEST, responses={201: SUGGESTION_SCHEMA, 429: ERROR},
           endpoint="submit_suggestion",
           description="Every invalid field is reported at once in `fields`. Posting is rate-limited per "
                       "user (429 with Retry-After).")
@token_required
def submit_suggestion():
    if request.mimetype == "multipart/form-data":
        data = request.form.to_dict()
        uploads = [(f.stream, f.filename) for f in request.files.getlist("attachments") if f and f.filename]
    else:
        data = json_body()
        uploads = []
    if data.get("addressee_id") in (0, "0"):  # as the service reads it: the association
        data["addressee_id"] = None
    values, problems = parse_body(data, text=("title", "body", "visibility"), ints=("category_id", "addressee_id"))
    visibility = values["visibility"] or Visibility.public.value
    if problems:
        fields = services.suggestion_problems(values["title"], values["body"], values["category_id"],
                                              values["addressee_id"], visibility)
        fields.update(problems)
        raise ValidationError("请修改标出的内容", fields=fields)
    suggestion = services.submit(current_user, values["title"], values["body"], values["category_id"],
                                 values["addressee_id"], visibility, attachments=uploads)
    return suggestion_json(suggestion, current_user), 201


_also_multipart("/suggestions", "post", SUBMIT_MULTIPART)


@api_route("/suggestions", methods=["GET"], summary="Public suggestions plus the caller's own, filtered",
           tags=TAGS, paginated=True, endpoint="list_suggestions",
           description="Anonymous callers see public suggestions; with a bearer token the caller also sees "
                       "their own and those addressed or assigned to them (staff: all).",
           parameters=[
               _query("category_id", {"type": "integer"}, "Only this category"),
               _query("state", {"type": "string", "enum": [s.value for s in SuggestionState]}, "Only this state"),
               _query("leader_id", {"type": "integer"}, "Assigned to (or, unassigned, addressed to) this leader"),
               _query("answered", {"type": "string", "enum": ["true", "false"]}, "Answered (or closed) or not"),
               _query("sort", {"type": "string", "enum": list(services.SORTS), "default": "newest"},
                      "newest, most supported, or longest waiting first"),
               _query("mine", {"type": "string", "enum": ["true", "false"]},
                      "true: only the caller's own (needs a token)"),
           ],
           responses={200: list_of(SUMMARY_SCHEMA), 401: ERROR, 422: ERROR})
def list_suggestions():
    args = request.args
    problems = {}
    category_id = _int_value(args.get("category_id"), "category_id", problems)
    leader_id = _int_value(args.get("leader_id"), "leader_id", problems)
    answered = _flag(args, "answered", problems)
    mine = _flag(args, "mine", problems)
    state = args.get("state") or None
    if state is not None and state not in {s.value for s in SuggestionState}:
        problems["state"] = "可选 " + "、".join(s.value for s in SuggestionState)
    sort = args.get("sort") or "newest"
    if sort not in services.SORTS:
        problems["sort"] = "可选 " + "、".join(services.SORTS)
    _raise(problems, "筛选条件有误")
    query = services.list_suggestions(current_user, category_id=category_id, state=state, leader_id=leader_id,
                                      answered=answered, sort=sort, mine=bool(mine))
    return _summary_page(query)


@api_route("/suggestions/categories", methods=["GET"], summary="The categories a suggestion can be filed under",
           tags=TAGS, paginated=True, endpoint="list_suggestion_categories",
           responses={200: list_of(CATEGORY_SCHEMA)})
def list_suggestion_categories():
    return list_response(_list_page(services.categories()), category_json)


@api_route("/suggestions/screening-reasons", methods=["GET"], summary="Standard reasons for not accepting (staff)",
           tags=TAGS, auth=True, paginated=True, endpoint="list_screening_reasons",
           responses={200: list_of(SCREENING_REASON_SCHEMA), 403: ERROR})
@token_required
def list_screening_reasons():
    services.require_staff(current_user)
    return list_response(_list_page(services.screening_reasons()), screening_reason_json)


@api_route("/suggestions/<int:suggestion_id>", methods=["GET"], endpoint="get_suggestion",
           summary="A suggestion with its answer, follow-up, rating, attachments, timeline and deadline",
           description="404 for a private suggestion the caller may not see, exactly as for a missing one.",
           tags=TAGS, responses={200: SUGGESTION_SCHEMA})
def get_suggestion(suggestion_id):
    return suggestion_json(_suggestion(suggestion_id), current_user)


@api_route("/suggestions/<int:suggestion_id>/support", methods=["POST"], endpoint="support_suggestion",
           summary="Co-sign (联名支持) a public suggestion; idempotent",
           description="201 for a new co-signature, 200 when the caller had already co-signed. 409: "
                       "own_suggestion, not_public, support_closed.",
           tags=TAGS, auth=True, responses={201: SUPPORT_SCHEMA, 200: SUPPORT_SCHEMA, 409: ERROR})
@token_required
def support_suggestion(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    new = services.support(current_user, suggestion)
    return support_json(suggestion), 201 if new else 200


@api_route("/suggestions/<int:suggestion_id>/screen", methods=["POST"], endpoint="screen_suggestion",
           summary="Accept (受理) or reject (不予受理) a submitted suggestion (staff)",
           description="409 illegal_transition when already screened, threshold_reached when rejecting a "
                       "suggestion whose co-signatures reached the threshold.",
           tags=TAGS, auth=True, request=SCREEN_REQUEST, responses={200: SUGGESTION_SCHEMA, 403: ERROR, 409: ERROR})
@token_required
def screen_suggestion(suggestion_id):
    services.require_staff(current_user)
    suggestion = _suggestion(suggestion_id)
    values, problems = parse_body(json_body(), text=("decision", "note"), ints=("reason_id", "leader_id"))
    if "decision" not in problems and values["decision"] not in ("accept", "reject"):
        problems["decision"] = "可选 accept、reject"
    _raise(problems)
    if values["decision"] == "accept":
        services.accept(current_user, suggestion, note=values["note"] or "", leader_id=values["leader_id"])
    else:
        services.refuse(current_user, suggestion, reason_id=values["reason_id"], note=values["note"] or "")
    return suggestion_json(suggestion, current_user)


@api_route("/suggestions/<int:suggestion_id>/assign", methods=["POST"], endpoint="assign_suggestion",
           summary="Assign an accepted suggestion to a leader, or reassign it before the answer (staff)",
           tags=TAGS, auth=True, request=ASSIGN_REQUEST, responses={200: SUGGESTION_SCHEMA, 403: ERROR, 409: ERROR})
@token_required
def assign_suggestion(suggestion_id):
    services.require_staff(current_user)
    suggestion = _suggestion(suggestion_id)
    values, problems = parse_body(json_body(), text=("note",), ints=("leader_id",))
    _raise(problems)
    services.assign(current_user, suggestion, values["leader_id"], note=values["note"] or "")
    return suggestion_json(suggestion, current_user)


CLOSE_REQUEST = {"type": "object", "properties": {"note": {**_TEXT, "maxLength": services.NOTE_MAX}}}
HIDE_REQUEST = {
    "type": "object", "required": ["reason"],
    "properties": {"reason": {**_TEXT, "maxLength": services.NOTE_MAX,
                              "description": "Shown to the author (and the leader, for an answer)"}},
}
# Staff moderation: (path suffix, endpoint, summary, service, takes a reason).
MODERATION = [
    ("close", "close_suggestion", "Close an answered suggestion the author has not rated (staff)", services.close,
     False),
    ("hide", "hide_suggestion", "Hide a suggestion from the public, with a reason (staff)", services.hide, True),
    ("unhide", "unhide_suggestion", "Show a hidden suggestion again (staff)", services.unhide, None),
    ("answer/hide", "hide_answer", "Hide a published answer from the public, with a reason (staff)",
     services.hide_answer, True),
    ("answer/unhide", "unhide_answer", "Show a hidden answer again (staff)", services.unhide_answer, None),
]


def _moderation_view(action, takes_reason):
    def view(suggestion_id):
        services.require_staff(current_user)
        suggestion = _suggestion(suggestion_id)
        if takes_reason is None:
            action(current_user, suggestion)
        else:
            field = "reason" if takes_reason else "note"
            values, problems = parse_body(json_body(), text=(field,))
            _raise(problems)
            action(current_user, suggestion, values[field] or "")
        return suggestion_json(suggestion, current_user)

    return view


for _suffix, _endpoint, _summary, _action, _reason in MODERATION:
    _view = token_required(_moderation_view(_action, _reason))
    _view.__name__ = _endpoint
    api_route(f"/suggestions/<int:suggestion_id>/{_suffix}", methods=["POST"], endpoint=_endpoint,
              summary=_summary, tags=TAGS, auth=True,
              request={True: HIDE_REQUEST, False: CLOSE_REQUEST}.get(_reason),
              responses={200: SUGGESTION_SCHEMA, 403: ERROR, 409: ERROR})(_view)


@api_route("/suggestions/<int:suggestion_id>/answer", methods=["POST"], endpoint="answer_suggestion",
           summary="Publish the answer, or save a draft (the assigned leader)",
           description="201 when published; 200 when a draft was saved (returned in `draft`, to this leader only).",
           tags=TAGS, auth=True, request=ANSWER_REQUEST,
           responses={201: SUGGESTION_SCHEMA, 200: SUGGESTION_SCHEMA, 403: ERROR, 409: ERROR})
@token_required
def answer_suggestion(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    values, problems = parse_body(json_body(), text=("body",), bools=("draft",))
    _raise(problems)
    draft = bool(values["draft"])
    services.save_answer(current_user, suggestion, values["body"], publish=not draft)
    return suggestion_json(suggestion, current_user), 200 if draft else 201


@api_route("/suggestions/<int:suggestion_id>/follow-up", methods=["POST"], endpoint="ask_follow_up",
           summary="Ask the one follow-up question on the answer (the author)",
           tags=TAGS, auth=True, request=FOLLOW_UP_REQUEST,
           responses={201: FOLLOW_UP_SCHEMA, 403: ERROR, 409: ERROR})
@token_required
def ask_follow_up(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    values, problems = parse_body(json_body(), text=("question",))
    _raise(problems)
    return follow_up_json(services.ask_follow_up(current_user, suggestion, values["question"])), 201


@api_route("/suggestions/<int:suggestion_id>/follow-up/answer", methods=["POST"], endpoint="answer_follow_up",
           summary="Answer the author's follow-up question (the assigned leader)",
           tags=TAGS, auth=True, request=FOLLOW_UP_ANSWER_REQUEST,
           responses={200: FOLLOW_UP_SCHEMA, 403: ERROR, 409: ERROR})
@token_required
def answer_follow_up(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    values, problems = parse_body(json_body(), text=("body",))
    _raise(problems)
    return follow_up_json(services.answer_follow_up(current_user, suggestion, values["body"]))


@api_route("/suggestions/<int:suggestion_id>/rating", methods=["POST"], endpoint="rate_suggestion",
           summary="Rate the answer once (the author); closes the suggestion",
           description="409 already_rated the second time; follow_up_pending while a follow-up awaits its reply.",
           tags=TAGS, auth=True, request=RATING_REQUEST, responses={201: RATING_SCHEMA, 403: ERROR, 409: ERROR})
@token_required
def rate_suggestion(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    values, problems = parse_body(json_body(), text=("value", "comment"))
    _raise(problems)
    return rating_json(services.rate(current_user, suggestion, values["value"], values["comment"] or "")), 201


# ---------------------------------------------------------------- leaders

@api_route("/leaders", methods=["GET"], summary="Verified leaders with their public figures, ranked",
           tags=LEADER_TAGS, paginated=True, endpoint="list_leaders",
           description="Ranked by response rate (sufficient samples first), then answers.",
           responses={200: list_of(LEADER_SCHEMA)})
def list_leaders():
    page = _list_page(services.ranking())
    return list_response(page, lambda row: leader_json(*row))


@api_route("/leaders/inbox", methods=["GET"], summary="The calling leader's inbox, sorted by due date",
           tags=LEADER_TAGS, auth=True, paginated=True, endpoint="leader_inbox",
           parameters=[_query("tab", {"type": "string", "enum": list(services.INBOX_TABS), "default": "pending"},
                              "pending 待答复, overdue 已逾期, answered 已答复")],
           responses={200: list_of(SUMMARY_SCHEMA), 403: ERROR, 422: ERROR})
@token_required
def leader_inbox():
    tab = request.args.get("tab") or "pending"
    if tab not in services.INBOX_TABS:
        _raise({"tab": "可选 " + "、".join(services.INBOX_TABS)})
    return _summary_page(services.leader_inbox(current_user, tab))


@api_route("/leaders/<int:leader_id>/stats", methods=["GET"], summary="A leader's public figures",
           tags=LEADER_TAGS, endpoint="leader_stats",
           description="Counts include private suggestions (never their content). Rates are null below "
                       "min_sample received suggestions. 404 for a user who is not a verified leader.",
           responses={200: LEADER_STATS_SCHEMA})
def leader_stats(leader_id):
    leader = services.get_leader(leader_id)
    return leader_stats_json(leader, services.leader_stats(leader))
