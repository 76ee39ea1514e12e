"""Suggestions API: submit, list, read, support, screen, assign, answer, follow up, rate,
moderate; leaders, their figures and the leader's inbox.

Each view gets the values its schemas parsed, calls one service and returns the model
that its response schema dumps; every rule lives in `webapp.suggestions.services`.
"""
from flask_login import current_user

from webapp.api import api_route
from webapp.api.schemas import PageArgs, page_from_list, page_of
from webapp.core.pagination import paginate, paginate_by_key
from webapp.core.permissions import guard
from webapp.suggestions import services
from webapp.suggestions.models import Suggestion
from webapp.suggestions.schemas import (
    AnswerSchema,
    AssignmentSchema,
    CloseSchema,
    FollowUpAnswerSchema,
    FollowUpSchema,
    HideSchema,
    LeaderInboxArgs,
    LeaderProfileSchema,
    LeaderSchema,
    LeaderStatsSchema,
    PreviewResponseSchema,
    PreviewSchema,
    RatingSchema,
    RecategoriseSchema,
    ScreeningReasonSchema,
    ScreeningSchema,
    SimilarArgs,
    SuggestionCategorySchema,
    SuggestionEditSchema,
    SuggestionFollowUpSchema,
    SuggestionListArgs,
    SuggestionRatingSchema,
    SuggestionSchema,
    SuggestionSubmitFormSchema,
    SuggestionSubmitSchema,
    SuggestionSummarySchema,
    SuggestionSupportSchema,
    WithdrawSchema,
)
from webapp.suggestions.services import rules

TAGS = ["suggestions"]
LEADER_TAGS = ["leaders"]
STAFF = [403, 409]


def _suggestion(suggestion_id):
    return services.get_suggestion(suggestion_id, current_user)


def _may(rule, staff=False):
    """A `before` hook: the action's rule on the suggestion the path names, checked before the
    body is read — 403 (staff only), 404 (not visible), 403 / 409 (the rule), only then 422."""

    def before(suggestion_id):
        if staff:
            services.require_staff(current_user)
        guard(rule(current_user, _suggestion(suggestion_id)))

    return before


# ---------------------------------------------------------------- suggestions

@api_route("/suggestions", methods=["POST"], summary="Submit a suggestion (JSON, or multipart with attachments)",
           tags=TAGS, auth=True, request=SuggestionSubmitSchema, multipart=SuggestionSubmitFormSchema,
           responses={201: SuggestionSchema}, errors=[429], endpoint="submit_suggestion",
           description="Every invalid field is reported at once in `fields`. Posting is rate-limited per "
                       "user (429 with Retry-After).")
def submit_suggestion(title, body, category_id, visibility, addressee_id=None, attachments=()):
    return services.submit(current_user, title, body, category_id, addressee_id, visibility,
                           attachments=list(attachments))


@api_route("/suggestions", methods=["GET"], summary="Public suggestions plus the caller's own, filtered",
           tags=TAGS, query=SuggestionListArgs, responses={200: page_of(SuggestionSummarySchema)}, errors=[401],
           endpoint="list_suggestions",
           description="Anonymous callers see public suggestions; with a bearer token the caller also sees "
                       "their own and those addressed or assigned to them (staff: all).")
def list_suggestions(page, per_page, sort, mine, category_id=None, state=None, leader_id=None, answered=None):
    query = services.list_suggestions(current_user, category_id=category_id, state=state, leader_id=leader_id,
                                      answered=answered, sort=sort, mine=mine)
    total = services.count_suggestions(current_user, category_id=category_id, state=state, leader_id=leader_id,
                                       answered=answered, mine=mine)
    result = paginate_by_key(query, Suggestion.id, page, per_page, total=total)
    services.with_people(result.items)
    return result


@api_route("/suggestions/categories", methods=["GET"], summary="The categories a suggestion can be filed under",
           tags=TAGS, query=PageArgs, responses={200: page_of(SuggestionCategorySchema)},
           endpoint="list_suggestion_categories")
def list_suggestion_categories(page, per_page):
    return page_from_list(services.categories(), page, per_page)


@api_route("/suggestions/screening-reasons", methods=["GET"], summary="Standard reasons for not accepting (staff)",
           tags=TAGS, auth=True, query=PageArgs, responses={200: page_of(ScreeningReasonSchema)}, errors=[403],
           endpoint="list_screening_reasons")
def list_screening_reasons(page, per_page):
    services.require_staff(current_user)
    return page_from_list(services.screening_reasons(), page, per_page)


@api_route("/suggestions/<int:suggestion_id>", methods=["GET"], endpoint="get_suggestion",
           summary="A suggestion with its answer, follow-up, rating, attachments, timeline and deadline",
           description="404 for a private suggestion the caller may not see, exactly as for a missing one.",
           tags=TAGS, responses={200: SuggestionSchema})
def get_suggestion(suggestion_id):
    return _suggestion(suggestion_id)


@api_route("/suggestions/<int:suggestion_id>/support", methods=["POST"], endpoint="support_suggestion",
           summary="Co-sign (联名支持) a public suggestion; idempotent",
           description="201 for a new co-signature, 200 when the caller had already co-signed. 409: "
                       "own_suggestion, not_public, support_closed.",
           tags=TAGS, auth=True, responses={201: SuggestionSupportSchema, 200: SuggestionSupportSchema},
           errors=[409])
def support_suggestion(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    new = services.support(current_user, suggestion)
    return suggestion, 201 if new else 200


@api_route("/suggestions/<int:suggestion_id>/support", methods=["DELETE"], endpoint="withdraw_support",
           summary="Withdraw the caller's co-signature while the suggestion collects them",
           description="409 not_supported when the caller has not co-signed, support_closed once answered. "
                       "The threshold, once reached, stays reached.",
           tags=TAGS, auth=True, before=_may(rules.why_not_withdraw_support),
           responses={200: SuggestionSupportSchema}, errors=[403, 409])
def withdraw_support(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    services.withdraw_support(current_user, suggestion)
    return suggestion


@api_route("/suggestions/<int:suggestion_id>", methods=["PATCH"], endpoint="edit_suggestion",
           summary="Edit a suggestion before it is screened (the author)",
           description="Only the fields given change; 409 already_screened once staff screened it.",
           tags=TAGS, auth=True, before=_may(rules.why_not_edit), request=SuggestionEditSchema,
           responses={200: SuggestionSchema}, errors=[403, 409])
def edit_suggestion(suggestion_id, **changes):
    suggestion = _suggestion(suggestion_id)
    return services.edit(current_user, suggestion, **changes)


@api_route("/suggestions/<int:suggestion_id>/withdraw", methods=["POST"], endpoint="withdraw_suggestion",
           summary="Withdraw (撤回) a suggestion before it is screened (the author)",
           description="It leaves every list; the author still sees it, in state withdrawn.",
           tags=TAGS, auth=True, before=_may(rules.why_not_withdraw), request=WithdrawSchema, optional_body=True,
           responses={200: SuggestionSchema}, errors=[403, 409])
def withdraw_suggestion(suggestion_id, reason=None):
    return services.withdraw(current_user, _suggestion(suggestion_id), reason or "")


@api_route("/suggestions/<int:suggestion_id>/category", methods=["POST"], endpoint="recategorise_suggestion",
           summary="File a suggestion under another category (staff; on the timeline, audited)",
           tags=TAGS, auth=True, before=_may(rules.why_not_recategorise, staff=True), request=RecategoriseSchema,
           responses={200: SuggestionSchema}, errors=STAFF)
def recategorise_suggestion(suggestion_id, category_id, note=None):
    return services.recategorise(current_user, _suggestion(suggestion_id), category_id, note or "")


@api_route("/suggestions/preview", methods=["POST"], endpoint="preview_suggestion",
           summary="Render Markdown as a suggestion is shown (the same sanitising), for a preview",
           tags=TAGS, auth=True, request=PreviewSchema, responses={200: PreviewResponseSchema})
def preview_suggestion(body):
    return {"body": body}


@api_route("/suggestions/similar", methods=["GET"], endpoint="similar_suggestions",
           summary="Suggestions the caller may see whose titles share words with a title being written",
           description="At most five, the most shared words first; withdrawn and refused ones are left out.",
           tags=TAGS, query=SimilarArgs, responses={200: page_of(SuggestionSummarySchema)})
def similar_suggestions(title, exclude_id=None):
    found = services.similar_suggestions(current_user, title, exclude_id=exclude_id)
    return page_from_list(found, 1, services.SIMILAR_LIMIT)


@api_route("/suggestions/<int:suggestion_id>/screen", methods=["POST"], endpoint="screen_suggestion",
           summary="Accept (受理) or reject (不予受理) a submitted suggestion (staff)",
           description="409 illegal_transition when already screened, threshold_reached when rejecting a "
                       "suggestion whose co-signatures reached the threshold.",
           tags=TAGS, auth=True, before=_may(rules.why_not_screen, staff=True), request=ScreeningSchema, responses={200: SuggestionSchema}, errors=STAFF)
def screen_suggestion(suggestion_id, decision, reason_id=None, note=None, leader_id=None):
    suggestion = _suggestion(suggestion_id)
    if decision == "accept":
        services.accept(current_user, suggestion, note=note or "", leader_id=leader_id)
    else:
        services.refuse(current_user, suggestion, reason_id=reason_id, note=note or "")
    return suggestion


@api_route("/suggestions/<int:suggestion_id>/assign", methods=["POST"], endpoint="assign_suggestion",
           summary="Assign an accepted suggestion to a leader, or reassign it before the answer (staff)",
           tags=TAGS, auth=True, before=_may(rules.why_not_assign, staff=True), request=AssignmentSchema, responses={200: SuggestionSchema}, errors=STAFF)
def assign_suggestion(suggestion_id, leader_id, note=None):
    suggestion = _suggestion(suggestion_id)
    services.assign(current_user, suggestion, leader_id, note=note or "")
    return suggestion


# Staff moderation: (path suffix, endpoint, summary, service, its rule, request schema, the body field it takes).
MODERATION = [
    ("close", "close_suggestion", "Close an answered suggestion the author has not rated (staff)", services.close,
     rules.why_not_close, CloseSchema, "note"),
    ("hide", "hide_suggestion", "Hide a suggestion from the public, with a reason (staff)", services.hide,
     rules.why_not_hide, HideSchema, "reason"),
    ("unhide", "unhide_suggestion", "Show a hidden suggestion again (staff)", services.unhide,
     rules.why_not_unhide, None, None),
    ("answer/hide", "hide_answer", "Hide a published answer from the public, with a reason (staff)",
     services.hide_answer, rules.why_not_hide_answer, HideSchema, "reason"),
    ("answer/unhide", "unhide_answer", "Show a hidden answer again (staff)", services.unhide_answer,
     rules.why_not_unhide_answer, None, None),
]


def _moderation_view(action, field):
    def view(suggestion_id, **body):
        suggestion = _suggestion(suggestion_id)
        if field is None:
            action(current_user, suggestion)
        else:
            action(current_user, suggestion, body.get(field) or "")
        return suggestion

    return view


for _suffix, _endpoint, _summary, _action, _rule, _schema, _field in MODERATION:
    api_route(f"/suggestions/<int:suggestion_id>/{_suffix}", methods=["POST"], endpoint=_endpoint,
              summary=_summary, tags=TAGS, auth=True, before=_may(_rule, staff=True), request=_schema,
              responses={200: SuggestionSchema}, errors=STAFF)(_moderation_view(_action, _field))


@api_route("/suggestions/<int:suggestion_id>/answer", methods=["POST"], endpoint="answer_suggestion",
           summary="Publish the answer, or save a draft (the assigned leader)",
           description="201 when published; 200 when a draft was saved (returned in `draft`, to this leader only).",
           tags=TAGS, auth=True, before=_may(rules.why_not_answer), request=AnswerSchema, responses={201: SuggestionSchema, 200: SuggestionSchema},
           errors=STAFF)
def answer_suggestion(suggestion_id, body, draft):
    suggestion = _suggestion(suggestion_id)
    services.save_answer(current_user, suggestion, body, publish=not draft)
    return suggestion, 200 if draft else 201


@api_route("/suggestions/<int:suggestion_id>/follow-up", methods=["POST"], endpoint="ask_follow_up",
           summary="Ask the one follow-up question on the answer (the author)",
           tags=TAGS, auth=True, before=_may(rules.why_not_follow_up), request=FollowUpSchema, responses={201: SuggestionFollowUpSchema}, errors=STAFF)
def ask_follow_up(suggestion_id, question):
    return services.ask_follow_up(current_user, _suggestion(suggestion_id), question)


@api_route("/suggestions/<int:suggestion_id>/follow-up/answer", methods=["POST"], endpoint="answer_follow_up",
           summary="Answer the author's follow-up question (the assigned leader)",
           tags=TAGS, auth=True, before=_may(rules.why_not_answer_follow_up), request=FollowUpAnswerSchema, responses={200: SuggestionFollowUpSchema},
           errors=STAFF, idempotent=True)  # creates the reply, though it answers 200
def answer_follow_up(suggestion_id, body):
    return services.answer_follow_up(current_user, _suggestion(suggestion_id), body)


@api_route("/suggestions/<int:suggestion_id>/rating", methods=["POST"], endpoint="rate_suggestion",
           summary="Rate the answer once (the author); closes the suggestion",
           description="409 already_rated the second time; follow_up_pending while a follow-up awaits its reply.",
           tags=TAGS, auth=True, before=_may(rules.why_not_rate), request=RatingSchema, responses={201: SuggestionRatingSchema}, errors=STAFF)
def rate_suggestion(suggestion_id, value, comment=None):
    return services.rate(current_user, _suggestion(suggestion_id), value, comment or "")


# ---------------------------------------------------------------- leaders

@api_route("/leaders", methods=["GET"], summary="Verified leaders with their public figures, ranked",
           tags=LEADER_TAGS, query=PageArgs, responses={200: page_of(LeaderSchema)}, endpoint="list_leaders",
           description="Ranked by response rate (sufficient samples first), then answers.")
def list_leaders(page, per_page):
    ranked = services.ranking()
    duties = services.responsibilities_of(leader.id for leader, _ in ranked)
    rows = [{"leader": leader, "stats": stats, "responsibilities": duties[leader.id]} for leader, stats in ranked]
    return page_from_list(rows, page, per_page)


def _staff_and_leader(leader_id):
    services.require_staff(current_user)
    services.get_leader(leader_id)


@api_route("/leaders/<int:leader_id>/profile", methods=["PUT"], summary="Set a leader's responsibilities (staff)",
           tags=LEADER_TAGS, auth=True, before=_staff_and_leader, request=LeaderProfileSchema,
           responses={200: LeaderSchema}, errors=[403], endpoint="save_leader_profile",
           description="Shown on the leader's public page; recorded in the audit log. 404 for a user who is "
                       "not a verified leader.")
def save_leader_profile(leader_id, responsibilities):
    leader = services.get_leader(leader_id)
    services.save_leader_profile(current_user, leader, responsibilities=responsibilities)
    return {"leader": leader, "stats": services.leader_stats(leader),
            "responsibilities": services.responsibilities(leader)}


@api_route("/leaders/inbox", methods=["GET"], summary="The calling leader's inbox, sorted by due date",
           tags=LEADER_TAGS, auth=True, query=LeaderInboxArgs, responses={200: page_of(SuggestionSummarySchema)},
           errors=[403], endpoint="leader_inbox")
def leader_inbox(tab, page, per_page):
    return paginate(services.leader_inbox(current_user, tab), page, per_page)


@api_route("/leaders/<int:leader_id>/stats", methods=["GET"], summary="A leader's public figures",
           tags=LEADER_TAGS, endpoint="leader_stats",
           description="Counts include private suggestions (never their content). Rates are null below "
                       "min_sample received suggestions. 404 for a user who is not a verified leader.",
           responses={200: LeaderStatsSchema})
def leader_stats(leader_id):
    leader = services.get_leader(leader_id)
    return {"leader": leader, "stats": services.leader_stats(leader)}
