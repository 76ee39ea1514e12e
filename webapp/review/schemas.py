"""The review API's request and response schemas. Schemas present what the services decided:
whether the viewer sees authors (never a reviewer of a double-blind call), other reviews
(only after their own), decisions (only once published) are asked of `services`."""
import json
from datetime import UTC

from flask import url_for
from marshmallow import ValidationError as SchemaError
from marshmallow import fields, validate

from webapp.accounts.schemas import UserSchema
from webapp.api.fields import Bool, Choice, Computed, Id, Text, TextLength, Upload, UtcDateTime
from webapp.api.schemas import RequestSchema, ResponseSchema, viewer
from webapp.review import services
from webapp.review.models import (
    ABSTRACT_MAX,
    ABSTRACT_MIN,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Anonymity,
    AssignmentState,
    AwardLevel,
    CallKind,
    ConflictKind,
    Recommendation,
    SubmissionState,
)

KINDS = [k.value for k in CallKind]
ANONYMITIES = [a.value for a in Anonymity]
RECOMMENDATIONS = [r.value for r in Recommendation]
DECISIONS = [a.value for a in AwardLevel] + ["accept", "reject"]


def _enum(values, **metadata):
    return {"enum": list(values), **metadata}


def _zh(**messages):
    return {"required": "必填", "null": "必填", **messages}


def Int(**kw):  # noqa: N802  (a field factory, read as a type)
    return fields.Integer(strict=True, error_messages=_zh(invalid="必须是整数"), **kw)


def Num(**kw):  # noqa: N802
    return fields.Float(error_messages=_zh(invalid="必须是数字", special="必须是有限的数字"), allow_nan=False, **kw)


def NumDict(**kw):  # noqa: N802
    return fields.Dict(keys=fields.String(error_messages={"invalid": "必须是字符串"}), values=Num(),
                       error_messages=_zh(invalid="必须是对象"), **kw)


def Objects(schema, **kw):  # noqa: N802
    return fields.List(fields.Nested(schema, error_messages=_zh(type="必须是对象")),
                       error_messages=_zh(invalid="必须是数组"), **kw)


class UtcInput(fields.DateTime):
    """An ISO 8601 date-time; with an offset it is converted, without one it is UTC."""

    default_error_messages = {"invalid": "必须是 ISO 8601 日期时间", "required": "必填", "null": "必填",  # noqa: RUF012
                              "format": "必须是 ISO 8601 日期时间"}

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment


class JsonList(fields.List):
    """A list: in JSON as it is, in a multipart form as a JSON string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) and value[0][:1] == "[":
            value = value[0]  # a multipart form gives every value of a list field
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise SchemaError("必须是 JSON 数组") from None
        return super()._deserialize(value, attr, data, **kwargs)


# ---------------------------------------------------------------- calls

class ReviewCriterionSchema(ResponseSchema):
    name = fields.String()
    weight = fields.Float()
    min = fields.Integer(attribute="min_score")
    max = fields.Integer(attribute="max_score")


class ReviewCallPermissionsSchema(ResponseSchema):
    can_submit = fields.Boolean()
    can_manage = fields.Boolean()


class ReviewCallSchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("page", fields.String())
    title = fields.String()
    description = fields.String()
    kind = fields.String(metadata=_enum(KINDS))
    kind_title = Computed("title_of_kind", fields.String())
    anonymity = fields.String(metadata=_enum(ANONYMITIES))
    phase = Computed("phase_of", fields.String(metadata=_enum(services.PHASES)))
    phase_title = Computed("title_of_phase", fields.String())
    submission_opens = UtcDateTime()
    submission_closes = UtcDateTime()
    review_due = UtcDateTime()
    disciplines = fields.List(fields.String())
    reviewers_per_submission = fields.Integer()
    max_load = fields.Integer()
    max_pages = fields.Integer()
    max_mb = fields.Integer()
    criteria = fields.Nested(ReviewCriterionSchema, many=True)
    permissions = Computed("permissions_of", fields.Nested(ReviewCallPermissionsSchema))

    def page(self, call):
        return url_for("review.call", call_id=call.id)

    def title_of_kind(self, call):
        return call.kind_enum.title

    def phase_of(self, call):
        return services.phase(call)

    def title_of_phase(self, call):
        return services.PHASES[services.phase(call)]

    def permissions_of(self, call):
        user = viewer()
        return {"can_submit": services.can_submit(user, call), "can_manage": services.can_manage(user, call)}


class CriterionInput(RequestSchema):
    error_messages = {"type": "必须是对象"}  # noqa: RUF012

    name = Text(required=True, validate=TextLength(min=1, max=32))
    weight = Num(required=True)
    min = Int(required=True)
    max = Int(required=True)


class ReviewCallCreateSchema(RequestSchema):
    title = Text(required=True, validate=TextLength(min=TITLE_MIN, max=TITLE_MAX))
    description = Text(load_default="", validate=TextLength(max=DESCRIPTION_MAX))
    kind = Choice(KINDS, required=True)
    anonymity = Choice(ANONYMITIES, load_default=Anonymity.double_blind.value)
    reviewers_per_submission = Int(load_default=3, allow_none=True,
                                   validate=validate.Range(1, 10, error="每篇的评审专家人数为 1–10"))
    max_load = Int(load_default=10, allow_none=True, validate=validate.Range(1, 200, error="每位专家的评审上限为 1–200"))
    submission_opens = UtcInput(required=True)
    submission_closes = UtcInput(required=True)
    review_due = UtcInput(required=True)
    disciplines = fields.List(Text(validate=TextLength(min=1, max=32)), load_default=list, allow_none=True,
                              error_messages=_zh(invalid="必须是数组"))
    criteria = Objects(CriterionInput, load_default=None, allow_none=True,
                           validate=validate.Length(min=1, max=12, error="评分指标需要 1–12 项"),
                           metadata={"description": "Default (absent or null): 创新性, 科学性, 应用价值, 规范性"})


# ---------------------------------------------------------------- submissions

class ReviewAuthorSchema(ResponseSchema):
    name = fields.String()
    institution = fields.String()
    email = fields.String()


class ReviewVersionSchema(ResponseSchema):
    number = fields.Integer()
    pages = fields.Integer()
    size = fields.Integer(metadata={"description": "Bytes"})
    created_at = UtcDateTime()
    pdf_url = Computed("download", fields.String())

    def download(self, version):
        return url_for("review.version_pdf", submission_id=version.submission_id, number=version.number)


class ReviewCommentSchema(ResponseSchema):
    reviewer = fields.String(metadata={"description": "评审专家 1, 2, … unless the call is open"})
    comments = fields.String()


class ReviewSubmissionPermissionsSchema(ResponseSchema):
    can_revise = fields.Boolean()
    can_withdraw = fields.Boolean()


class ReviewSubmissionSchema(ResponseSchema):
    """A submission as its author (or an organiser) sees it."""

    id = fields.Integer()
    url = Computed("page", fields.String())
    call_id = fields.Integer()
    title = fields.String()
    abstract = fields.String()
    keywords = fields.List(fields.String())
    discipline = fields.String()
    authors = fields.Nested(ReviewAuthorSchema, many=True)
    state = Computed("state_of", fields.String(metadata=_enum(s.value for s in SubmissionState) | {
        "description": "An undecided-looking `submitted` until the results are published (organisers: at once)"}))
    state_title = Computed("title_of_state", fields.String())
    versions = fields.Nested(ReviewVersionSchema, many=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    decision = Computed("decision_of", fields.String(allow_none=True, metadata={
        "description": "Null until the results are published (organisers see it at once)"}))
    comments = Computed("comments_of", fields.Nested(ReviewCommentSchema, many=True, allow_none=True))
    permissions = Computed("permissions_of", fields.Nested(ReviewSubmissionPermissionsSchema))

    def page(self, s):
        return url_for("review.submission", submission_id=s.id)

    def state_of(self, s):
        if s.state in ("submitted", "withdrawn") or services.can_see_decision(viewer(), s):
            return s.state
        return SubmissionState.submitted.value

    def title_of_state(self, s):
        return SubmissionState(self.state_of(s)).title

    def decision_of(self, s):
        return services.decision_title(s) if services.can_see_decision(viewer(), s) else None

    def comments_of(self, s):
        if not services.can_see_decision(viewer(), s):
            return None
        return [{"reviewer": label, "comments": text} for label, text in services.comments_for_author(viewer(), s)]

    def permissions_of(self, s):
        user = viewer()
        return {"can_revise": services.can_revise(user, s), "can_withdraw": services.can_withdraw(user, s)}


class AuthorInput(RequestSchema):
    error_messages = {"type": "必须是对象"}  # noqa: RUF012

    name = Text(required=True, validate=TextLength(min=1, max=64))
    institution = Text(load_default="", validate=TextLength(max=128))
    email = Text(load_default="", validate=TextLength(max=254))


class ConflictInput(RequestSchema):
    error_messages = {"type": "必须是对象"}  # noqa: RUF012

    reviewer_id = Id(required=True)
    kind = Choice([k.value for k in ConflictKind], required=True)


class ReviewSubmitSchema(RequestSchema):
    title = Text(required=True, validate=TextLength(min=TITLE_MIN, max=TITLE_MAX))
    abstract = Text(required=True, validate=TextLength(min=ABSTRACT_MIN, max=ABSTRACT_MAX))
    keywords = JsonList(Text(validate=TextLength(min=1, max=32)), required=True, error_messages=_zh(invalid="必须是数组"),
                        metadata={"description": "In a multipart form: a JSON array"})
    discipline = Text(load_default="", validate=TextLength(max=32))
    authors = JsonList(fields.Nested(AuthorInput, error_messages=_zh(type="必须是对象")), required=True,
                       error_messages=_zh(invalid="必须是数组"),
                       metadata={"description": '[{"name", "institution", "email"}]; in a multipart form a JSON string'})
    conflicts = JsonList(fields.Nested(ConflictInput, error_messages=_zh(type="必须是对象")), load_default=list,
                         error_messages=_zh(invalid="必须是数组"), metadata={
        "description": "Conflicts the author declares with named reviewers of the pool"})


class ReviewSubmitFormSchema(ReviewSubmitSchema):
    pdf = Upload(required=True, metadata={"description": "The paper or application (PDF)"})


# ---------------------------------------------------------------- assignments and reviews

class ReviewOwnSchema(ResponseSchema):
    scores = fields.Dict(keys=fields.String(), values=fields.Float())
    recommendation = fields.String(allow_none=True, metadata=_enum(RECOMMENDATIONS))
    comments_to_authors = fields.String()
    comments_to_organisers = fields.String()
    weighted_score = fields.Float(allow_none=True, metadata={"description": "0–100, weights and scales applied"})
    submitted = Computed("is_submitted", fields.Boolean())
    submitted_at = UtcDateTime(allow_none=True)
    updated_at = UtcDateTime()

    def is_submitted(self, review):
        return review.submitted_at is not None


class ReviewOtherSchema(ResponseSchema):
    """Another reviewer's submitted review (no name, no confidential comments)."""

    scores = fields.Dict(keys=fields.String(), values=fields.Float())
    recommendation = fields.String(allow_none=True, metadata=_enum(RECOMMENDATIONS))
    weighted_score = fields.Float(allow_none=True)
    comments_to_authors = fields.String()


class ReviewBlindSubmissionSchema(ResponseSchema):
    """The submission as a reviewer may see it: no author in a double-blind call."""

    id = fields.Integer()
    title = fields.String()
    abstract = fields.String()
    keywords = fields.List(fields.String())
    discipline = fields.String()
    pages = Computed("pages_of", fields.Integer())
    authors = Computed("authors_of", fields.Nested(ReviewAuthorSchema, many=True, allow_none=True, metadata={
        "description": "Null in a double-blind call"}))

    def pages_of(self, s):
        return s.current_version.pages if s.current_version else 0

    def authors_of(self, s):
        return s.authors if services.reviewer_sees_authors(s.call) else None


class ReviewAssignmentPermissionsSchema(ResponseSchema):
    can_review = fields.Boolean()
    can_decline = fields.Boolean()


class ReviewAssignmentSummarySchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("page", fields.String())
    call_id = fields.Integer()
    call_title = Computed("title_of_call", fields.String())
    submission_title = Computed("title_of_submission", fields.String())
    state = fields.String(metadata=_enum(s.value for s in AssignmentState))
    state_title = Computed("title_of_state", fields.String())
    review_due = Computed("due_of", UtcDateTime())

    def page(self, a):
        return url_for("review.assignment", assignment_id=a.id)

    def title_of_call(self, a):
        return a.call.title

    def title_of_submission(self, a):
        return a.submission.title

    def title_of_state(self, a):
        return a.state_enum.title

    def due_of(self, a):
        return a.call.review_due


class ReviewAssignmentSchema(ReviewAssignmentSummarySchema):
    anonymity = Computed("anonymity_of", fields.String(metadata=_enum(ANONYMITIES)))
    criteria = Computed("criteria_of", fields.Nested(ReviewCriterionSchema, many=True))
    submission = fields.Nested(ReviewBlindSubmissionSchema)
    pdf_url = Computed("pdf_of", fields.String(metadata={
        "description": "The PDF under a neutral name (the web session's download; checks the assignment)"}))
    review = fields.Nested(ReviewOwnSchema, allow_none=True)
    other_reviews = Computed("others_of", fields.Nested(ReviewOtherSchema, many=True, allow_none=True, metadata={
        "description": "Null until the caller has submitted their own review"}))
    decline_reason = fields.String(allow_none=True)
    permissions = Computed("permissions_of", fields.Nested(ReviewAssignmentPermissionsSchema))

    def anonymity_of(self, a):
        return a.call.anonymity

    def criteria_of(self, a):
        return a.call.criteria

    def pdf_of(self, a):
        return url_for("review.assignment_pdf", assignment_id=a.id)

    def others_of(self, a):
        if not services.can_see_other_reviews(viewer(), a):
            return None
        return services.other_reviews(viewer(), a)

    def permissions_of(self, a):
        user = viewer()
        return {"can_review": services.can_review(user, a), "can_decline": services.can_decline(user, a)}


class ReviewInputSchema(RequestSchema):
    scores = NumDict(required=True,
                         metadata={"description": "Criterion name → score within its scale ({} for none yet)"})
    recommendation = Choice(RECOMMENDATIONS)
    comments_to_authors = Text(load_default="", validate=TextLength(max=COMMENT_MAX))
    comments_to_organisers = Text(load_default="", validate=TextLength(max=COMMENT_MAX),
                                  metadata={"description": "Confidential: only organisers read it"})
    submit = Bool(load_default=False, metadata={"description": "true: submit (final); false: save the draft"})


# ---------------------------------------------------------------- organisers

class AutoAssignInputSchema(RequestSchema):
    confirm = Bool(required=True, metadata={"description": "false: only propose; true: save the proposal"})


class ReviewProblemSchema(ResponseSchema):
    submission_id = fields.Integer(allow_none=True)
    message = fields.String()


class ReviewPairSchema(ResponseSchema):
    submission_id = fields.Integer()
    reviewer = fields.Nested(UserSchema)
    match = fields.Float()


class ReviewQualitySchema(ResponseSchema):
    total_match = fields.Float()
    mean_match = fields.Float()
    min_match = fields.Float()
    without_expert = fields.Integer(metadata={"description": "Submissions with no reviewer matching its keywords"})
    load_min = fields.Integer()
    load_max = fields.Integer()
    load_mean = fields.Float()
    new_assignments = fields.Integer()


class ReviewAutoAssignmentSchema(ResponseSchema):
    """Dumps {"proposal": Proposal, "confirmed": bool}."""

    confirmed = fields.Boolean()
    feasible = Computed("is_feasible", fields.Boolean())
    problems = Computed("problems_of", fields.Nested(ReviewProblemSchema, many=True))
    quality = Computed("quality_of", fields.Nested(ReviewQualitySchema, allow_none=True))
    assignments = Computed("pairs_of", fields.Nested(ReviewPairSchema, many=True))
    alternates = Computed("alternates_of", fields.Nested(ReviewPairSchema, many=True))

    def is_feasible(self, out):
        return not out["proposal"].problems

    def problems_of(self, out):
        return [{"submission_id": s.id if s else None, "message": m} for s, m in out["proposal"].problems]

    def quality_of(self, out):
        return out["proposal"].quality or None

    def pairs_of(self, out):
        return [{"submission_id": s.id, "reviewer": r, "match": m} for s, r, m in out["proposal"].pairs]

    def alternates_of(self, out):
        return [{"submission_id": s.id, "reviewer": r, "match": m} for s, r, m, _ in out["proposal"].alternates]


class ReviewScoreSchema(ResponseSchema):
    reviewer = fields.Nested(UserSchema)
    weighted_score = fields.Float()
    recommendation = fields.String(allow_none=True, metadata=_enum(RECOMMENDATIONS))


class ReviewRankingRowSchema(ResponseSchema):
    rank = fields.Integer(allow_none=True)
    submission_id = fields.Integer()
    title = fields.String()
    scores = fields.Nested(ReviewScoreSchema, many=True)
    mean = fields.Float(allow_none=True)
    spread = fields.Float(allow_none=True)
    calibrated = fields.Float(allow_none=True, metadata={"description": "Reviewer-offset model (see README)"})
    disagreement = fields.Boolean()
    decision = fields.String(allow_none=True)


class ReviewOffsetSchema(ResponseSchema):
    reviewer = fields.Nested(UserSchema)
    offset = fields.Float(metadata={"description": "Negative: harsher than average"})


class ReviewRankingSchema(ResponseSchema):
    items = fields.Nested(ReviewRankingRowSchema, many=True)
    reviewer_offsets = fields.Nested(ReviewOffsetSchema, many=True)


class DecisionInputSchema(RequestSchema):
    decision = Choice(DECISIONS, required=True, metadata={
        "description": "Paper awards: first/second/third/excellent or reject; projects: accept or reject"})
