"""The accounts API's request and response schemas: users (public, and the caller's own
with private fields), bearer tokens, registration."""
from marshmallow import fields, post_dump, validate

from webapp.accounts import services
from webapp.api.fields import REQUIRED, Bool, Computed, PlainHtml, Text, UtcDateTime
from webapp.api.schemas import RequestSchema, ResponseSchema, dump_context, viewer
from webapp.notifications.services import unread_count

# ---------------------------------------------------------------- users

class UserVerificationSchema(ResponseSchema):
    real_name = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    position = fields.String(allow_none=True)
    verified_at = UtcDateTime()


def sees_roles_of(user):
    """Roles are for staff and the user themself (the caller, or the account a response
    creates for them: `own_account` in the dump context)."""
    if dump_context().get("own_account"):
        return True
    who = viewer()
    return bool(getattr(who, "is_authenticated", False) and (who.is_staff or who.id == user.id))


class UserSchema(ResponseSchema):
    """A user's public profile: nothing private (no e-mail), and the roles only for staff
    and the user themself (the field is left out for anyone else)."""

    # MeSchema: always the caller's own account.
    roles_always = False

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
    roles = Computed("role_names", fields.List(fields.String()), metadata={
        "description": "Only for staff and the user themself; absent for anyone else"})
    verified = fields.Boolean(attribute="is_verified")
    verification = Computed("verification_of", fields.Nested(UserVerificationSchema, allow_none=True))
    created_at = UtcDateTime()

    def avatar(self, user):
        return user.avatar_url()

    def role_names(self, user):
        return sorted(r.value for r in user.roles)

    def verification_of(self, user):
        return user if user.is_verified else None

    @post_dump(pass_original=True)
    def _roles_for_staff_and_self(self, data, user, **kwargs):
        if not (self.roles_always or sees_roles_of(user)):
            data.pop("roles", None)
        return data


class MeSchema(UserSchema):
    """The authenticated user, with private fields."""

    roles_always = True

    email = fields.String()
    unread_notifications = Computed("unread", fields.Integer())
    last_login_at = UtcDateTime(allow_none=True)
    email_notifications = fields.Boolean(metadata={
        "description": "E-mail when one's suggestion is answered or one is assigned a suggestion"})
    birth_year = fields.Integer(allow_none=True, metadata={"description": "Private: only the user sees it"})

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


class BirthYear(fields.Integer):
    """A birth year from BIRTH_YEAR_MIN to this year (the service's bounds, stated in the document)."""

    def _validated(self, value):
        value = super()._validated(value)
        if value is not None and not services.BIRTH_YEAR_MIN <= value <= services.latest_birth_year():
            raise self.make_error("range")
        return value

    default_error_messages = {"range": f"出生年份须在 {services.BIRTH_YEAR_MIN} 年至今年之间"}  # noqa: RUF012

    def openapi_properties(self):
        return {"minimum": services.BIRTH_YEAR_MIN, "maximum": services.latest_birth_year()}


class SettingsSchema(RequestSchema):
    email_notifications = Bool(metadata={
        "description": "false: no e-mail about one's suggestions (in-site notifications stay)"})
    birth_year = BirthYear(allow_none=True, strict=True, error_messages={"invalid": "必须是整数"}, metadata={
        "description": "Optional and private (only in this response): used only in the salons report's "
                       "aggregate share of hosts and speakers under 45; null clears it"})


class RegistrationSchema(RequestSchema):
    error_message = "注册信息有误"

    # What the service accepts, said in the document (the service checks, and words, it all).
    username = Text(required=True, metadata={"pattern": services.USERNAME_RE.pattern, "minLength": 3, "maxLength": 32})
    email = Text(required=True, metadata={"format": "email", "minLength": 3, "maxLength": 254})
    password = Text(required=True, metadata={"minLength": services.MIN_PASSWORD_LENGTH})
    display_name = Text(required=True, metadata={"minLength": 1, "maxLength": 64, "pattern": r"\S",
                                                 "description": "Not only spaces"})
    # Optional in the document (the first one did not have it), refused unless true.
    accept_terms = Bool(load_default=False, metadata={
        "description": "Must be true in the request that carries `code` (the one that creates the account): "
                       "the user has read and accepts 用户协议 (/terms) and 隐私政策 (/privacy)"})
    code = Text(metadata={"description": "The confirmation code e-mailed by the first request: "
                                         "without it the account is not created yet (202)"})

    def service_problems(self, valid):
        # Whether the address is registered is not said here: its owner is told by e-mail.
        _, problems = services.registration_problems(valid.get("username"), valid.get("email"),
                                                     valid.get("password"), valid.get("display_name"),
                                                     # Accepted where the account is made: the step with the code.
                                                     accept_terms=valid.get("accept_terms", False) if valid.get("code")
                                                     else None,
                                                     email_taken=False)
        return problems


class RegistrationSentSchema(ResponseSchema):
    """The first step of registration: the same answer whether or not the address is registered."""

    class Meta:
        required = ("message",)

    message = fields.String()


class TokenRequestSchema(RequestSchema):
    error_message = "请填写用户名和密码"

    username = Text(required=True, validate=NOT_EMPTY, metadata={"description": "Username or e-mail"})
    password = Text(required=True, validate=NOT_EMPTY)
    name = Text(metadata={"description": "A label, e.g. the device"})
