"""The staff API's schemas: users with private fields, verification requests, the audit
log, and their requests and filters."""
from flask import url_for
from marshmallow import fields

from webapp.accounts.models import Role, VerificationState
from webapp.accounts.schemas import UserSchema
from webapp.admin import services
from webapp.api.fields import Bool, Choice, Computed, Id, Text, UtcDateTime
from webapp.api.schemas import PageArgs, RequestSchema, ResponseSchema, dump_context

ROLE_NAMES = [r.value for r in Role]
VERIFICATION_STATES = [s.value for s in VerificationState]


class AdminUserSchema(UserSchema):
    """A user as staff see them, with private fields."""

    class Meta:
        required = (*UserSchema.Meta.required, "email", "suspended")

    email = fields.String()
    suspended = fields.Boolean(attribute="is_suspended")
    suspended_at = UtcDateTime(allow_none=True)
    suspended_reason = fields.String(allow_none=True)
    last_login_at = UtcDateTime(allow_none=True)


class VerificationRequestSchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("page_url", fields.String())
    user = fields.Nested(UserSchema)
    real_name = fields.String()
    organisation = fields.String()
    position = fields.String()
    id_number_masked = fields.String(allow_none=True, metadata={
        "description": "First and last character only; the full number is never stored"})
    state = fields.String(metadata={"enum": VERIFICATION_STATES})
    state_title = Computed("title_of_state", fields.String())
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True, metadata={
        "description": "Why it was rejected, or the approver's note"})

    def page_url(self, req):
        # The applicant's own page (GET /me/verification sets it) or the staff page.
        if dump_context().get("own_requests"):  # the applicant's own view links to their page
            return url_for("accounts.verification")
        return url_for("admin.verification", request_id=req.id)

    def title_of_state(self, req):
        return req.state_enum.title


class AuditEntrySchema(ResponseSchema):
    id = fields.Integer()
    created_at = UtcDateTime()
    actor = fields.Nested(UserSchema, allow_none=True)
    action = fields.String()
    action_title = Computed("title_of_action", fields.String())
    object_type = fields.String()
    object_id = fields.Integer(allow_none=True)
    summary = fields.String()
    reason = fields.String(allow_none=True)

    def title_of_action(self, entry):
        return services.action_title(entry.action)


# ---------------------------------------------------------------- requests and filters

class UserSearchArgs(PageArgs):
    q = Text(metadata={"description": "Part of the username, e-mail, display name or real name"})
    role = Choice(ROLE_NAMES)
    state = Choice(services.USER_STATES)


class VerificationQueueArgs(PageArgs):
    state = Choice(VERIFICATION_STATES, load_default=VerificationState.pending.value)


class AuditLogArgs(PageArgs):
    action = Text(metadata={"description": "e.g. role.grant"})
    object_type = Text(metadata={"description": "e.g. user"})
    object_id = Id()


class RoleGrantSchema(RequestSchema):
    role = Choice(ROLE_NAMES, required=True)


class ReasonSchema(RequestSchema):
    reason = Text(required=True)


class NoteSchema(RequestSchema):
    note = Text()


class ApproveVerificationSchema(NoteSchema):
    override = Bool(load_default=False, metadata={
        "description": "Approve although another verified account holds the same real name, organisation "
                       "and position (needs override_reason; recorded in the audit log)"})
    override_reason = Text(metadata={"description": "Why the duplicate identity is approved"})
