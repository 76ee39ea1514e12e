"""The accounts API's request and response schemas: users (public, and the caller's own
with private fields), bearer tokens, registration."""
from marshmallow import fields, validate

from webapp.accounts import services
from webapp.api.fields import REQUIRED, Bool, Computed, PlainHtml, Text, UtcDateTime
from webapp.api.schemas import RequestSchema, ResponseSchema
from webapp.notifications.services import unread_count

# ---------------------------------------------------------------- users

class UserVerificationSchema(ResponseSchema):
    real_name = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    position = fields.String(allow_none=True)
    verified_at = UtcDateTime()


class UserSchema(ResponseSchema):
    """A user's public profile: nothing private (no e-mail)."""

    class Meta:
        # What the document has always promised; the other fields are there too.
        required = ("id", "url", "username", "display_name")

    id = fields.Integer()
    url = fields.String(metadata={"description": "Path of the profile page"})
    username = fields.String()
    display_name = fields.String()
    institution = fields.String()
    discipline_tags = fields.List(fields.String())
    bio = fields.String()
    bio_html = PlainHtml(attribute="bio")
    avatar_url = Computed("avatar", fields.String())
    roles = Computed("role_names", fields.List(fields.String()))
    verified = fields.Boolean(attribute="is_verified")
    verification = Computed("verification_of", fields.Nested(UserVerificationSchema, allow_none=True))
    created_at = UtcDateTime()

    def avatar(self, user):
        return user.avatar_url()

    def role_names(self, user):
        return sorted(r.value for r in user.roles)

    def verification_of(self, user):
        return user if user.is_verified else None


class MeSchema(UserSchema):
    """The authenticated user, with private fields."""

    email = fields.String()
    unread_notifications = Computed("unread", fields.Integer())
    last_login_at = UtcDateTime(allow_none=True)
    email_notifications = fields.Boolean(metadata={
        "description": "E-mail when one's suggestion is answered or one is assigned a suggestion"})

    def unread(self, user):
        return unread_count(user)


# ---------------------------------------------------------------- tokens

class ApiTokenSchema(ResponseSchema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "First characters of the secret, to recognise it"})
    created_at = UtcDateTime()
    last_used_at = UtcDateTime(allow_none=True)
    expires_at = UtcDateTime(allow_none=True)


class NewApiTokenSchema(ApiTokenSchema):
    """Dumps an `IssuedToken`."""

    token = fields.String(attribute="secret", metadata={"description": "The bearer secret, shown only once"})
    user = fields.Nested(MeSchema)


class IssuedToken:
    """A token just created, with its secret (never stored, shown once)."""

    def __init__(self, token, secret):
        self.token, self.secret = token, secret

    def __getattr__(self, name):
        return getattr(self.token, name)


# ---------------------------------------------------------------- requests

NOT_EMPTY = validate.Length(min=1, error=REQUIRED)


class SettingsSchema(RequestSchema):
    email_notifications = Bool(required=True, metadata={
        "description": "false: no e-mail about one's suggestions (in-site notifications stay)"})


class RegistrationSchema(RequestSchema):
    error_message = "注册信息有误"

    username = Text(required=True, metadata={"pattern": services.USERNAME_RE.pattern})
    email = Text(required=True)
    password = Text(required=True, metadata={"minLength": services.MIN_PASSWORD_LENGTH})
    display_name = Text(required=True)

    def service_problems(self, valid):
        _, problems = services.registration_problems(valid.get("username"), valid.get("email"),
                                                     valid.get("password"), valid.get("display_name"))
        return problems


class TokenRequestSchema(RequestSchema):
    error_message = "请填写用户名和密码"

    username = Text(required=True, validate=NOT_EMPTY, metadata={"description": "Username or e-mail"})
    password = Text(required=True, validate=NOT_EMPTY)
    name = Text(metadata={"description": "A label, e.g. the device"})
