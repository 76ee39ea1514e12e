"""The suggestions API's request and response schemas: suggestions and their parts,
co-signing, leaders and their figures; the bodies of every step and the list filters.

Schemas only present what the services decided: who may see a suggestion, which answer
a viewer may read and what they may do are asked of `services`, for `viewer()`.
Limits are the services' constants. Rendered user text (`*_html`) sits next to the raw
text.
"""
from flask import current_app, url_for
from marshmallow import ValidationError, fields, pre_dump, validates_schema

from webapp.accounts.schemas import UserSchema
from webapp.api.fields import (
    Bool,
    Choice,
    Computed,
    EscapedHtml,
    Flag,
    Id,
    Markdown,
    PlainHtml,
    Text,
    TextLength,
    Upload,
    UtcDateTime,
)
from webapp.api.schemas import PageArgs, QuerySchema, RequestSchema, ResponseSchema, dump_context, viewer
from webapp.suggestions import services
from webapp.suggestions.models import ANSWERED_STATES, EventKind, Satisfaction, SuggestionState, Visibility

STATES = [s.value for s in SuggestionState]
# What the list filters by: a withdrawn suggestion is in no list but its author's own.
LIST_STATES = [s for s in STATES if s != SuggestionState.withdrawn.value]
VISIBILITIES = [v.value for v in Visibility]
SATISFACTIONS = [v.value for v in Satisfaction]
DEADLINE_STATUSES = list(services.DEADLINE_TITLES)
DECISIONS = ["accept", "reject"]
FOLLOW_UP_MIN = services.FOLLOW_UP_MIN
# Steps taken by staff: the timeline names the association, never the staff member.
STAFF_EVENT_KINDS = services.STAFF_EVENT_KINDS
STAFF_ACTOR_NAME = services.STAFF_ACTOR_NAME


def _enum(values, **metadata):
    return {"enum": list(values), **metadata}


# ---------------------------------------------------------------- managed lists

class SuggestionCategorySchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()


class ScreeningReasonSchema(ResponseSchema):
    id = fields.Integer()
    title = fields.String()


# ---------------------------------------------------------------- parts of a suggestion

class SuggestionDeadlineSchema(ResponseSchema):
    """Dumps services.deadline(suggestion)."""

    class Meta:
        description = "The answer deadline in working days; all null before the suggestion is accepted."

    status = fields.String(allow_none=True, metadata=_enum(DEADLINE_STATUSES))
    status_title = Computed("title_of_status", fields.String(allow_none=True))
    due_date = fields.Date(allow_none=True, metadata={"description": "Answer due by this date (N working days)"})
    long_due_date = fields.Date(allow_none=True,
                                metadata={"description": "Long overdue after this date (2N working days)"})
    working_days_left = fields.Integer(allow_none=True, metadata={
        "description": "Negative when overdue; counted to the answer once answered"})

    def title_of_status(self, deadline):
        return services.DEADLINE_TITLES.get(deadline["status"])


class SuggestionAnswerSchema(ResponseSchema):
    body = fields.String(metadata={"description": "Markdown source"})
    body_html = Markdown(attribute="body")
    leader = fields.Nested(UserSchema, allow_none=True)
    published_at = UtcDateTime()
    updated_at = UtcDateTime()
    hidden = Computed("is_hidden", fields.Boolean(
        metadata={"description": "Hidden by staff: shown only to the parties and staff"}))
    hidden_reason = Computed("reason_hidden", fields.String(allow_none=True))

    def is_hidden(self, answer):
        return answer.hidden_at is not None

    def reason_hidden(self, answer):
        return answer.hidden_reason if answer.hidden_at is not None else None


class SuggestionAnswerDraftSchema(ResponseSchema):
    class Meta:
        description = "The assigned leader's unpublished draft; shown to that leader only."

    body = fields.String()
    body_html = Markdown(attribute="body")
    updated_at = UtcDateTime()


class SuggestionFollowUpSchema(ResponseSchema):
    suggestion_id = fields.Integer()
    question = fields.String()
    question_html = PlainHtml(attribute="question")
    asked_at = UtcDateTime()
    answer = fields.String(allow_none=True,
                           metadata={"description": "The leader's reply (Markdown), null while pending"})
    answer_html = Markdown(attribute="answer", allow_none=True)
    answered_at = UtcDateTime(allow_none=True)


class SuggestionRatingSchema(ResponseSchema):
    suggestion_id = fields.Integer()
    value = fields.String(metadata=_enum(SATISFACTIONS))
    value_title = Computed("title_of_value", fields.String())
    comment = fields.String()
    comment_html = PlainHtml(attribute="comment")
    created_at = UtcDateTime()

    def title_of_value(self, rating):
        return rating.value_enum.title


class SuggestionAttachmentSchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("download_path", fields.String(
        metadata={"description": "Download path; served to those who may see the suggestion"}))
    filename = fields.String()
    mime = fields.String(metadata={"description": "image/jpeg or image/png (images are re-encoded) or application/pdf"})
    size = fields.Integer(metadata={"description": "Bytes"})

    def download_path(self, attachment):
        return url_for("suggestions.attachment", suggestion_id=attachment.suggestion_id, attachment_id=attachment.id)


class SuggestionEventSchema(ResponseSchema):
    """A timeline step. Staff steps name the association, never the staff member."""

    kind = fields.String(metadata=_enum(k.value for k in EventKind))
    kind_title = Computed("title_of_kind", fields.String())
    created_at = UtcDateTime()
    note = Computed("note_for_viewer", fields.String(allow_none=True, metadata={
        "description": "Null where the note is a moderation reason the caller may not read"}))
    actor = Computed("shown_actor", fields.Nested(UserSchema, allow_none=True), metadata={
        "description": "The author or leader who acted; null for staff steps and automatic ones"})
    actor_name = Computed("shown_actor_name", fields.String(allow_none=True), metadata={
        "description": f"Who acted, as shown: “{STAFF_ACTOR_NAME}” for staff"})
    subject = fields.Nested(UserSchema, allow_none=True, metadata={"description": "The leader an assignment names"})

    def title_of_kind(self, event):
        return event.kind_enum.title

    def note_for_viewer(self, event):
        return services.event_note_for(viewer(), event)

    def shown_actor(self, event):
        return None if event.kind in STAFF_EVENT_KINDS else event.actor

    def shown_actor_name(self, event):
        if event.kind in STAFF_EVENT_KINDS:
            return STAFF_ACTOR_NAME
        actor = event.actor
        if actor is None:
            return None
        return actor.real_name or actor.display_name if actor.is_verified else actor.display_name


PERMISSIONS = ("can_support", "can_screen", "can_assign", "can_answer", "can_follow_up", "can_answer_follow_up",
               "can_rate", "can_close", "can_withdraw_support", "can_edit", "can_withdraw", "can_recategorise")


class SuggestionPermissionsSchema(ResponseSchema):
    """Dumps services.permissions(viewer, suggestion)."""

    class Meta:
        description = "What the caller may do now."

    can_support = fields.Boolean()
    can_screen = fields.Boolean()
    can_assign = fields.Boolean()
    can_answer = fields.Boolean()
    can_follow_up = fields.Boolean()
    can_answer_follow_up = fields.Boolean()
    can_rate = fields.Boolean()
    can_close = fields.Boolean()
    can_withdraw_support = fields.Boolean(metadata={"description": "Withdraw the caller's co-signature"})
    can_edit = fields.Boolean(metadata={"description": "The author, until the suggestion is screened"})
    can_withdraw = fields.Boolean(metadata={"description": "The author, until the suggestion is screened"})
    can_recategorise = fields.Boolean(metadata={"description": "Staff: file it under another category"})


class SuggestionScreeningSchema(ResponseSchema):
    """Dumps a screened suggestion."""

    class Meta:
        description = "The screening decision, once screened"

    screened_at = UtcDateTime()
    accepted = Computed("was_accepted", fields.Boolean())
    reason = Computed("refusal_reason", fields.String(
        allow_none=True, metadata={"description": "The standard reason for not accepting"}))
    note = Computed("screening_note", fields.String(allow_none=True, metadata={
        "description": "Shown to the author, the leaders concerned and staff; null for everyone else"}))
    note_html = Computed("screening_note", PlainHtml(allow_none=True))

    def was_accepted(self, suggestion):
        return suggestion.state != SuggestionState.not_accepted.value

    def refusal_reason(self, suggestion):
        if self.was_accepted(suggestion) or suggestion.screening_reason is None:
            return None
        return suggestion.screening_reason.title

    def screening_note(self, suggestion):
        return services.screening_note_for(viewer(), suggestion)


# ---------------------------------------------------------------- the suggestion

class SuggestionSummarySchema(ResponseSchema):
    """A suggestion in a list. Co-signatures of the viewer are looked up once per page."""

    id = fields.Integer()
    url = Computed("page_path", fields.String(metadata={"description": "Path of the suggestion's page"}))
    title = fields.String(metadata={"description": "Plain text as typed"})
    title_html = EscapedHtml(attribute="title", metadata={"description": "The title escaped for HTML"})
    category = fields.Nested(SuggestionCategorySchema)
    state = fields.String(metadata=_enum(STATES))
    state_title = Computed("title_of_state", fields.String())
    visibility = fields.String(metadata=_enum(VISIBILITIES))
    author = fields.Nested(UserSchema)
    addressee = fields.Nested(UserSchema, allow_none=True,
                              metadata={"description": "The leader addressed; null: the association"})
    assigned_leader = fields.Nested(UserSchema, allow_none=True)
    created_at = UtcDateTime()
    answered_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)
    answered = Computed("is_answered", fields.Boolean())
    support_count = fields.Integer()
    supported = Computed("supported_by_viewer", fields.Boolean(
        metadata={"description": "Whether the caller co-signed it"}))
    hidden = fields.Boolean(attribute="is_hidden",
                            metadata={"description": "Hidden by staff: shown only to the parties and staff"})
    deadline = Computed("deadline_of", fields.Nested(SuggestionDeadlineSchema))

    @pre_dump(pass_collection=True)
    def _viewer_cosigned(self, data, many, **kwargs):
        suggestions = data if many else [data]
        dump_context()["cosigned"] = services.supported_ids(viewer(), [s.id for s in suggestions])
        return data

    def page_path(self, suggestion):
        return url_for("suggestions.detail", suggestion_id=suggestion.id)

    def title_of_state(self, suggestion):
        return suggestion.state_enum.title

    def is_answered(self, suggestion):
        return suggestion.state in ANSWERED_STATES

    def supported_by_viewer(self, suggestion):
        return suggestion.id in dump_context().get("cosigned", ())

    def deadline_of(self, suggestion):
        return services.deadline(suggestion)


class SuggestionSchema(SuggestionSummarySchema):
    """The whole suggestion as the viewer may see it (the view checked `can_view`)."""

    body = fields.String(metadata={"description": "Markdown source"})
    body_html = Markdown(attribute="body")
    hidden_reason = Computed("reason_hidden", fields.String(allow_none=True))
    screening = Computed("screened", fields.Nested(SuggestionScreeningSchema, allow_none=True))
    accepted_at = UtcDateTime(allow_none=True)
    assigned_at = UtcDateTime(allow_none=True)
    answer = Computed("answer_for_viewer", fields.Nested(SuggestionAnswerSchema, allow_none=True), metadata={
        "description": "The published answer the caller may read"})
    draft = Computed("draft_for_viewer", fields.Nested(SuggestionAnswerDraftSchema, allow_none=True), metadata={
        "description": "Only for the assigned leader, while unpublished"})
    follow_up = fields.Nested(SuggestionFollowUpSchema, allow_none=True)
    rating = fields.Nested(SuggestionRatingSchema, allow_none=True)
    attachments = fields.List(fields.Nested(SuggestionAttachmentSchema))
    timeline = fields.List(fields.Nested(SuggestionEventSchema), attribute="events")
    support_threshold = Computed("threshold", fields.Integer(
        metadata={"description": "Co-signatures at which staff must accept and have it answered"}))
    threshold_reached_at = UtcDateTime(allow_none=True)
    permissions = Computed("permissions_of_viewer", fields.Nested(SuggestionPermissionsSchema))

    def reason_hidden(self, suggestion):
        return suggestion.hidden_reason if suggestion.is_hidden else None

    def screened(self, suggestion):
        return suggestion if suggestion.screened_at is not None else None

    def answer_for_viewer(self, suggestion):
        return services.answer_visible_to(suggestion, viewer())

    def draft_for_viewer(self, suggestion):
        return services.draft_visible_to(suggestion, viewer())

    def threshold(self, suggestion):
        return services.support_threshold()

    def permissions_of_viewer(self, suggestion):
        return services.permissions(viewer(), suggestion)


class SuggestionSupportSchema(ResponseSchema):
    """Dumps the co-signed suggestion."""

    suggestion_id = fields.Integer(attribute="id")
    supported = Computed("cosigned", fields.Boolean())
    support_count = fields.Integer()
    support_threshold = Computed("threshold", fields.Integer())

    def cosigned(self, suggestion):
        return services.has_supported(viewer(), suggestion)

    def threshold(self, suggestion):
        return services.support_threshold()


# ---------------------------------------------------------------- leaders

class SatisfactionCountsSchema(ResponseSchema):
    satisfied = fields.Integer()
    basically = fields.Integer()
    unsatisfied = fields.Integer()


class LeaderStatsSchema(ResponseSchema):
    """Dumps {"leader": user, "stats": services.leader_stats(user)}."""

    class Meta:
        description = ("Public figures. Counts include private suggestions (never their content); the rates are "
                       "null until the leader has received `min_sample` suggestions (样本不足).")

    leader_id = fields.Integer()
    received = fields.Integer(metadata={"description": "Suggestions assigned to the leader"})
    answered = fields.Integer()
    pending = fields.Integer()
    overdue = fields.Integer(metadata={"description": "Answered late or still unanswered after the deadline"})
    overdue_open = fields.Integer(metadata={"description": "Still unanswered after the deadline"})
    long_overdue = fields.Integer()
    rated = fields.Integer()
    satisfaction = fields.Nested(SatisfactionCountsSchema)
    sample_sufficient = fields.Boolean()
    min_sample = fields.Integer()
    response_rate = fields.Float(allow_none=True, metadata={"description": "answered / received, 0–1"})
    median_working_days = fields.Float(allow_none=True,
                                        metadata={"description": "Working days from acceptance to answer"})
    satisfaction_rate = fields.Float(allow_none=True,
                                      metadata={"description": "(satisfied + basically) / rated, 0–1"})

    @pre_dump
    def _flatten(self, row, **kwargs):
        return {"leader_id": row["leader"].id, **row["stats"]}


class LeaderSchema(ResponseSchema):
    """Dumps {"leader": user, "stats": …} as LeaderStatsSchema does."""

    id = fields.Integer(attribute="leader.id")
    url = Computed("page_path", fields.String(metadata={"description": "Path of the leader's public page"}))
    user = fields.Nested(UserSchema, attribute="leader")
    real_name = fields.String(attribute="leader.real_name", allow_none=True)
    position = fields.String(attribute="leader.position", allow_none=True)
    organisation = fields.String(attribute="leader.organisation", allow_none=True)
    responsibilities = fields.String(metadata={"description": "The leader's responsibilities (分工), kept by staff; "
                                                              "\"\" when none are recorded"})
    stats = Computed("row", fields.Nested(LeaderStatsSchema))

    def page_path(self, row):
        return url_for("leaders.detail", leader_id=row["leader"].id)

    def row(self, row):
        return row


# ---------------------------------------------------------------- requests

NOTE = TextLength(max=services.NOTE_MAX)


class SuggestionSubmitSchema(RequestSchema):
    title = Text(required=True, validate=TextLength(min=services.TITLE_MIN, max=services.TITLE_MAX))
    body = Text(required=True, validate=TextLength(min=services.BODY_MIN, max=services.BODY_MAX),
                metadata={"description": "Markdown"})
    category_id = Id(required=True, error_messages={"required": "请选择分类", "null": "请选择分类"},
                     metadata={"description": "From GET /api/v1/suggestions/categories"})
    addressee_id = Id(zero_is_none=True, metadata={
        "description": "A verified leader (GET /api/v1/leaders); null or 0: the association"})
    visibility = Choice(VISIBILITIES, message="请选择公开或不公开", load_default=Visibility.public.value,
                        metadata={"description": "private: only the author, the addressee and staff can see it"})

    def service_problems(self, valid):
        return services.suggestion_problems(valid.get("title"), valid.get("body"), valid.get("category_id"),
                                            valid.get("addressee_id"), valid.get("visibility", "public"))


def _at_most_max_attachments(files):
    # As services.submit counts them, so a form with other bad fields reports this too.
    limit = current_app.config["SUGGESTION_MAX_ATTACHMENTS"]
    if len(files) > limit:
        raise ValidationError(f"最多上传 {limit} 个附件")


class _Attachments(fields.List):
    """The list of uploaded files; the document states the configured maximum (maxItems)."""

    def openapi_properties(self):
        return {"maxItems": current_app.config["SUGGESTION_MAX_ATTACHMENTS"]}


class SuggestionSubmitFormSchema(SuggestionSubmitSchema):
    attachments = _Attachments(Upload(), validate=_at_most_max_attachments, metadata={
        "description": "Images (JPEG/PNG/WebP) or PDF files, at most SUGGESTION_MAX_ATTACHMENTS"})


class SuggestionEditSchema(RequestSchema):
    """The author's changes before screening: only the fields given change."""

    title = Text(validate=TextLength(min=services.TITLE_MIN, max=services.TITLE_MAX))
    body = Text(validate=TextLength(min=services.BODY_MIN, max=services.BODY_MAX),
                metadata={"description": "Markdown"})
    category_id = Id(error_messages={"null": "请选择分类"}, metadata={"description": "An active category"})
    addressee_id = Id(zero_is_none=True, metadata={"description": "A verified leader; null or 0: the association"})
    visibility = Choice(VISIBILITIES, message="请选择公开或不公开")


class WithdrawSchema(RequestSchema):
    reason = Text(validate=NOTE, metadata={"description": "Optional; shown on the timeline"})


class RecategoriseSchema(RequestSchema):
    category_id = Id(required=True, error_messages={"required": "请选择分类", "null": "请选择分类"},
                     metadata={"description": "An active category (GET /api/v1/suggestions/categories)"})
    note = Text(validate=NOTE, metadata={"description": "Why; on the timeline and in the audit log"})


class PreviewSchema(RequestSchema):
    body = Text(required=True, validate=TextLength(max=services.BODY_MAX), metadata={"description": "Markdown"})


class PreviewResponseSchema(ResponseSchema):
    """Dumps {"body": text}: the Markdown rendered and sanitised exactly as a suggestion is shown."""

    body_html = Markdown(attribute="body")


class SimilarArgs(QuerySchema):
    title = Text(required=True, validate=TextLength(min=1, max=services.TITLE_MAX),
                 metadata={"description": "The title being written"})
    exclude_id = Id(metadata={"description": "Leave out this suggestion (the one being edited)"})


class ScreeningSchema(RequestSchema):
    decision = Choice(DECISIONS, required=True)
    reason_id = Id(metadata={"description": "Required to reject: GET /api/v1/suggestions/screening-reasons"})
    note = Text(validate=NOTE, metadata={"description": "Shown to the author"})
    leader_id = Id(metadata={
        "description": "accept: assign to this leader at once (default: the addressee, if a leader)"})


class AssignmentSchema(RequestSchema):
    leader_id = Id(required=True, error_messages={"required": "请选择领导", "null": "请选择领导"})
    note = Text(validate=NOTE)


class LeaderProfileSchema(RequestSchema):
    responsibilities = Text(required=True, validate=TextLength(max=services.RESPONSIBILITIES_MAX),
                            metadata={"description": "The leader's responsibilities (分工), shown on their page"})


class CloseSchema(RequestSchema):
    note = Text(validate=NOTE)


class HideSchema(RequestSchema):
    reason = Text(required=True, validate=TextLength(min=1, max=services.NOTE_MAX),
                  metadata={"description": "Shown to the author (and the leader, for an answer)"})


class AnswerSchema(RequestSchema):
    body = Text(required=True, validate=TextLength(min=1, max=services.ANSWER_MAX), metadata={
        "description": f"Markdown; at least {services.ANSWER_MIN} characters to publish"})
    draft = Bool(load_default=False, metadata={
        "description": "true: save a draft only the leader sees; false: publish"})

    @validates_schema
    def _long_enough_to_publish(self, data, **kwargs):
        if not data.get("draft"):
            try:
                TextLength(min=services.ANSWER_MIN)(data["body"])
            except ValidationError as exc:
                raise ValidationError(exc.messages, field_name="body") from None


class FollowUpSchema(RequestSchema):
    question = Text(required=True, validate=TextLength(min=FOLLOW_UP_MIN, max=services.NOTE_MAX))


class FollowUpAnswerSchema(RequestSchema):
    body = Text(required=True, validate=TextLength(min=FOLLOW_UP_MIN, max=services.ANSWER_MAX),
                metadata={"description": "Markdown"})


class RatingSchema(RequestSchema):
    value = Choice(SATISFACTIONS, required=True, metadata={"description": "满意 / 基本满意 / 不满意"})
    comment = Text(validate=TextLength(max=services.COMMENT_MAX))


# ---------------------------------------------------------------- list filters

class SuggestionListArgs(PageArgs):
    category_id = Id(metadata={"description": "Only this category"})
    state = Choice(LIST_STATES, metadata={"description": "Only this state"})
    leader_id = Id(metadata={"description": "Assigned to (or, unassigned, addressed to) this leader"})
    answered = Flag(metadata={"description": "Answered (or closed) or not"})
    sort = Choice(services.SORTS, load_default="newest",
                  metadata={"description": "newest, most supported, or longest waiting first"})
    mine = Flag(load_default=False, metadata={"description": "true: only the caller's own (needs a token)"})


class LeaderInboxArgs(PageArgs):
    tab = Choice(services.INBOX_TABS, load_default="pending",
                 metadata={"description": "pending 待答复, overdue 已逾期, answered 已答复"})
