"""Accounts API: register, bearer tokens, the current user."""
from flask import request
from flask_login import current_user

from webapp.accounts import services
from webapp.accounts.serializers import ME_SCHEMA, USER_SCHEMA, iso, me_json, user_json
from webapp.api import api_route
from webapp.api.auth import json_body, list_response, page_args, text_fields, token_required
from webapp.api.openapi import list_of, ref, registry
from webapp.core.errors import ValidationError
from webapp.core.pagination import paginate

TOKEN_SCHEMA = registry.schema("ApiToken", {
    "type": "object",
    "required": ["id", "name", "prefix", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "prefix": {"type": "string", "description": "First characters of the secret, to recognise it"},
        "created_at": {"type": "string", "format": "date-time"},
        "last_used_at": {"type": "string", "format": "date-time", "nullable": True},
        "expires_at": {"type": "string", "format": "date-time", "nullable": True},
    },
})
NEW_TOKEN_SCHEMA = registry.schema("NewApiToken", {
    "allOf": [ref("ApiToken"), {
        "type": "object", "required": ["token", "user"],
        "properties": {"token": {"type": "string", "description": "The bearer secret, shown only once"},
                       "user": ref("Me")},
    }],
})


def token_json(token):
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "created_at": iso(token.created_at),
            "last_used_at": iso(token.last_used_at), "expires_at": iso(token.expires_at)}


@api_route("/auth/register", methods=["POST"], summary="Register a member account", tags=["auth"],
           request={"type": "object", "required": ["username", "email", "password", "display_name"],
                    "properties": {"username": {"type": "string"}, "email": {"type": "string"},
                                   "password": {"type": "string"}, "display_name": {"type": "string"}}},
           responses={201: USER_SCHEMA})
def register():
    username, email, password, display_name = text_fields(json_body(), "username", "email", "password",
                                                          "display_name")
    user = services.register_user(username, email, password, display_name)
    return user_json(user), 201


@api_route("/auth/tokens", methods=["POST"], summary="Exchange username and password for a bearer token",
           tags=["auth"],
           request={"type": "object", "required": ["username", "password"],
                    "properties": {"username": {"type": "string", "description": "Username or e-mail"},
                                   "password": {"type": "string"},
                                   "name": {"type": "string", "description": "A label, e.g. the device"}}},
           responses={201: NEW_TOKEN_SCHEMA, 429: ref("Error")})
def create_token():
    username, password, name = text_fields(json_body(), "username", "password", "name")
    missing = {f: "必填" for f, value in (("username", username), ("password", password)) if not value}
    if missing:
        raise ValidationError("请填写用户名和密码", fields=missing)
    user = services.authenticate(username, password, ip=request.remote_addr)
    token, secret = services.create_token(user, name or request.headers.get("User-Agent", "")[:64])
    body = token_json(token)
    body.update({"token": secret, "user": me_json(user)})
    return body, 201


@api_route("/auth/tokens", methods=["GET"], summary="List the caller's active tokens", tags=["auth"], auth=True,
           responses={200: list_of(TOKEN_SCHEMA)}, paginated=True, endpoint="list_tokens")
@token_required
def list_tokens():
    return list_response(paginate(services.active_tokens(current_user), *page_args()), token_json)


@api_route("/auth/tokens/<int:token_id>", methods=["DELETE"], summary="Revoke one of the caller's tokens",
           tags=["auth"], auth=True, responses={204: None})
@token_required
def revoke_token(token_id):
    services.revoke_token(current_user, token_id)
    return "", 204


@api_route("/me", methods=["GET"], summary="The authenticated user, with private fields", tags=["auth"],
           auth=True, responses={200: ME_SCHEMA})
@token_required
def me():
    return me_json(current_user)


@api_route("/users/<username>", methods=["GET"], summary="A user's public profile", tags=["users"],
           responses={200: USER_SCHEMA})
def user_profile(username):
    return user_json(services.get_user_by_username(username))
