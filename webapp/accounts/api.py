"""Accounts API: register, bearer tokens, the current user."""
from flask import request
from flask_login import current_user

from webapp.accounts import services
from webapp.accounts.schemas import (
    ApiTokenSchema,
    IssuedToken,
    MeSchema,
    NewApiTokenSchema,
    RegistrationSchema,
    RegistrationSentSchema,
    SettingsSchema,
    TokenRequestSchema,
    UserSchema,
)
from webapp.accounts.views import absolute_url, login_link_url, registration_link_url
from webapp.api import api_route
from webapp.api.auth import bearer_token_loader
from webapp.api.schemas import PageArgs, page_of
from webapp.core.pagination import paginate

bearer_token_loader(services.user_for_token)


def _registration_attempt():
    # Before the body is checked: the username check answers, so it is throttled per IP too.
    services.registration_attempt(request.remote_addr)


@api_route("/auth/register", methods=["POST"], summary="Register a member account", tags=["auth"],
           description="Two requests with the same fields: the first e-mails the address a confirmation "
                       "code (202, the same answer whether or not the address is registered; its owner "
                       "is told by mail); the second, with `code`, creates the account (201). "
                       "Throttled per IP (REGISTER_LIMIT_IP per REGISTER_LIMIT_WINDOW).",
           before=_registration_attempt, request=RegistrationSchema,
           responses={201: UserSchema, 202: RegistrationSentSchema}, errors=[429],
           context={"own_account": True})
def register(username, email, password, display_name, code=None, accept_terms=False):
    if code:
        return services.complete_registration(code, password, display_name=display_name, username=username,
                                              email=email, accept_terms=accept_terms)
    message, _ = services.request_registration(username, email, display_name, registration_link_url,
                                               absolute_url("accounts.login"), password=password)
    return {"message": message}, 202


@api_route("/auth/tokens", methods=["POST"], summary="Exchange username and password for a bearer token",
           tags=["auth"], request=TokenRequestSchema, responses={201: NewApiTokenSchema}, errors=[429])
def create_token(username, password, name=None):
    user = services.authenticate(username, password, ip=request.remote_addr, login_link_for=login_link_url)
    token, secret = services.create_token(user, name or request.headers.get("User-Agent", "")[:64])
    return IssuedToken(token, secret)


@api_route("/auth/tokens", methods=["GET"], summary="List the caller's active tokens", tags=["auth"], auth=True,
           query=PageArgs, responses={200: page_of(ApiTokenSchema)}, endpoint="list_tokens")
def list_tokens(page, per_page):
    return paginate(services.active_tokens(current_user), page, per_page)


@api_route("/auth/tokens/<int:token_id>", methods=["DELETE"], summary="Revoke one of the caller's tokens",
           tags=["auth"], auth=True, responses={204: None})
def revoke_token(token_id):
    services.revoke_token(current_user, token_id)


@api_route("/me", methods=["GET"], summary="The authenticated user, with private fields", tags=["auth"],
           auth=True, responses={200: MeSchema})
def me():
    return current_user


@api_route("/me", methods=["PATCH"], summary="Change the caller's settings (e-mail notifications, birth year)",
           tags=["auth"], auth=True, request=SettingsSchema, responses={200: MeSchema}, endpoint="update_me",
           description="Only the fields given change (an object without them changes nothing).")
def update_me(**changes):
    if changes.get("email_notifications", False) is None:  # null: not given, as for every optional field
        del changes["email_notifications"]
    return services.update_settings(current_user, **changes)


@api_route("/users/<username>", methods=["GET"], summary="A user's public profile", tags=["users"],
           responses={200: UserSchema})
def user_profile(username):
    return services.get_user_by_username(username)
