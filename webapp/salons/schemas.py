"""The salons API's request and response schemas. Limits are the models' constants; what a
viewer may see or do is asked of the services."""
from datetime import UTC, datetime
from typing import ClassVar

from marshmallow import fields, validate

from webapp.accounts.schemas import UserSchema
from webapp.api.fields import REQUIRED, Bool, Choice, Computed, Flag, Id, Markdown, Text, TextLength, UtcDateTime
from webapp.api.schemas import PageArgs, QuerySchema, RequestSchema, ResponseSchema, viewer
from webapp.salons import models as m
from webapp.salons import services
from webapp.salons.models import RegistrationStatus, SalonFormat, SalonState

FORMATS = [f.value for f in SalonFormat]
STATES = [s.value for s in SalonState]
STATUSES = [s.value for s in RegistrationStatus]


class AwareDateTime(fields.DateTime):
    """ISO 8601 with an offset ("2026-12-20T14:00:00+08:00"), loaded as naive UTC."""

    default_error_messages: ClassVar[dict] = {"required": REQUIRED, "null": REQUIRED,
                                              "invalid": "须为带时区的 ISO 8601 时间，如 2026-12-20T14:00:00+08:00",
                                              "naive": "须带时区偏移，如 +08:00"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 40:
            raise self.make_error("invalid")
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.make_error("invalid") from None
        if moment.tzinfo is None:
            raise self.make_error("naive")
        if not 2000 <= moment.year <= 2100:
            raise self.make_error("invalid")
        return moment.astimezone(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------- requests

class SpeakerInSchema(RequestSchema):
    error_messages: ClassVar[dict] = {"type": "每位主讲人须是对象"}

    user_id = Id(metadata={"description": "A registered user (the name and affiliation default to theirs)"})
    name = Text(validate=TextLength(max=m.NAME_MAX), metadata={"maxLength": m.NAME_MAX})
    affiliation = Text(validate=TextLength(max=m.AFFILIATION_MAX), metadata={"maxLength": m.AFFILIATION_MAX})


class SalonCreateSchema(RequestSchema):
    title = Text(required=True, validate=TextLength(min=m.TITLE_MIN, max=m.TITLE_MAX),
                 metadata={"minLength": m.TITLE_MIN, "maxLength": m.TITLE_MAX})
    discipline = Choice(m.DISCIPLINES, required=True)
    description = Text(required=True, validate=TextLength(min=m.DESCRIPTION_MIN, max=m.DESCRIPTION_MAX),
                       metadata={"minLength": m.DESCRIPTION_MIN, "maxLength": m.DESCRIPTION_MAX,
                                 "description": "Markdown"})
    format = Choice(FORMATS, required=True)
    room_id = Id(metadata={"description": "A room of GET /salons/rooms (offline and hybrid)"})
    address = Text(validate=TextLength(max=m.ADDRESS_MAX), metadata={
        "maxLength": m.ADDRESS_MAX, "description": "A free address when no room is chosen"})
    online_url = Text(validate=TextLength(max=m.URL_MAX), metadata={
        "maxLength": m.URL_MAX, "description": "http(s) link (online and hybrid)"})
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(m.CAPACITY_MIN, m.CAPACITY_MAX, error=f"须为 {m.CAPACITY_MIN}–{m.CAPACITY_MAX} 的整数"),
                              error_messages={"required": REQUIRED, "null": REQUIRED, "invalid": "必须是整数"})
    requires_approval = Bool(load_default=False, metadata={"description": "The host confirms each registration"})
    start = AwareDateTime(required=True)
    end = AwareDateTime(required=True)
    registration_deadline = AwareDateTime(required=True)
    speakers = fields.List(fields.Nested(SpeakerInSchema, error_messages={"type": "每位主讲人须是对象", "null": "每位主讲人须是对象"}),
                           load_default=list, allow_none=True, error_messages={"invalid": "须是主讲人的数组"},
                           validate=validate.Length(max=m.SPEAKERS_MAX, error=f"主讲人最多 {m.SPEAKERS_MAX} 位"),
                           metadata={"maxItems": m.SPEAKERS_MAX})


class ReviewSchema(RequestSchema):
    decision = Choice(["approve", "return"], required=True)
    comment = Text(validate=TextLength(max=m.COMMENT_MAX), metadata={
        "maxLength": m.COMMENT_MAX, "description": "Required when returning"})


class SalonListArgs(PageArgs):
    discipline = Choice(m.DISCIPLINES)
    when = Choice(["upcoming", "past", "all"], load_default="upcoming")
    state = Choice(STATES, metadata={"description": "Staff (any state) or the caller's own salons (mine=true)"})
    mine = Flag(load_default=False, metadata={"description": "Only the salons the caller hosts, in any state"})


class ReportArgs(QuerySchema):
    from_ = fields.Date(data_key="from", required=True, error_messages={"required": REQUIRED,
                                                                      "invalid": "须为日期，如 2026-09-01"})
    to = fields.Date(required=True, error_messages={"required": REQUIRED, "invalid": "须为日期，如 2026-12-31"})
    format = Choice(["json", "csv"], load_default="json")

    def service_problems(self, valid):
        return {}


class FeedArgs(QuerySchema):
    token = Text(required=True, validate=validate.Length(min=1, max=64, error="订阅令牌无效"), metadata={"maxLength": 64})


# ---------------------------------------------------------------- responses

class RoomSchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()
    address = fields.String()
    capacity = fields.Integer()


class SpeakerSchema(ResponseSchema):
    user_id = fields.Integer(allow_none=True)
    name = fields.String()
    affiliation = fields.String()


class RegistrationSchema(ResponseSchema):
    status = fields.String(metadata={"enum": STATUSES})
    status_title = Computed("title_of_status", fields.String())
    position = Computed("position_in_list", fields.Integer(allow_none=True, metadata={
        "description": "Place in the waiting list (1 is next); null unless waiting"}))

    def title_of_status(self, reg):
        return RegistrationStatus(reg.status).title

    def position_in_list(self, reg):
        return services.waiting_position(reg)


class SalonPermissionsSchema(ResponseSchema):
    edit = fields.Boolean()
    file = fields.Boolean()
    review = fields.Boolean()
    cancel = fields.Boolean()
    register = fields.Boolean()
    manage_registrations = fields.Boolean()
    record_attendance = fields.Boolean()
    file_report = fields.Boolean()
    see_materials = fields.Boolean()


class SalonSchema(ResponseSchema):
    id = fields.Integer()
    url = fields.String(metadata={"description": "Path of the salon's page"})
    state = fields.String(metadata={"enum": STATES})
    state_title = Computed("title_of_state", fields.String())
    title = fields.String()
    discipline = fields.String()
    description = fields.String()
    description_html = Markdown(attribute="description")
    format = fields.String(metadata={"enum": FORMATS})
    room_id = fields.Integer(allow_none=True)
    room = fields.Nested(RoomSchema, allow_none=True)
    address = fields.String()
    online_url = fields.String()
    capacity = fields.Integer()
    requires_approval = fields.Boolean()
    start = UtcDateTime(attribute="starts_at")
    end = UtcDateTime(attribute="ends_at")
    registration_deadline = UtcDateTime()
    speakers = fields.Nested(SpeakerSchema, many=True)
    host = fields.Nested(UserSchema)
    registered_count = fields.Integer()
    waiting_count = fields.Integer()
    places_left = fields.Integer()
    my_registration = Computed("registration_of_viewer", fields.Nested(RegistrationSchema, allow_none=True))
    review_comment = Computed("comment_for_viewer", fields.String(allow_none=True, metadata={
        "description": "Staff's comment on the filing: only for the host and staff"}))
    permissions = Computed("permissions_of_viewer", fields.Nested(SalonPermissionsSchema))
    created_at = UtcDateTime()
    filed_at = UtcDateTime(allow_none=True)

    def title_of_state(self, salon):
        return salon.state_enum.title

    def registration_of_viewer(self, salon):
        reg = services.registration_of(viewer(), salon)
        return reg if reg is not None and reg.status != RegistrationStatus.cancelled.value else None

    def comment_for_viewer(self, salon):
        from webapp.salons.services.rules import is_host, is_staff

        user = viewer()
        return salon.review_comment if is_host(user, salon) or is_staff(user) else None

    def permissions_of_viewer(self, salon):
        return services.permissions(viewer(), salon)


class SalonReportRowSchema(ResponseSchema):
    discipline = fields.String()
    salons = fields.Integer()
    registered = fields.Integer()
    attended = fields.Integer()
    people = fields.Integer(metadata={"description": "Hosts and speakers (appearances)"})
    young = fields.Integer(metadata={"description": "Of them under 45 (from the private birth year)"})
    unknown = fields.Integer(metadata={"description": "Guests and members without a birth year"})
    young_share = fields.Float(allow_none=True, metadata={"description": "young / people; null without people"})


class SalonReportSchema(ResponseSchema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    rows = fields.Nested(SalonReportRowSchema, many=True)
    total = fields.Nested(SalonReportRowSchema)
    target = fields.Float(metadata={"description": "The target share of young hosts and speakers (1/3)"})
