"""The API's error envelope: {"error": {"code", "message", "fields"}}."""
from flask import jsonify

from webapp.api.schemas import ErrorSchema, response_schema


def error_response(status, code, message, fields=None, headers=None):
    body = response_schema(ErrorSchema).dump({"error": {"code": code, "message": message, "fields": fields or {}}})
    response = jsonify(body)
    response.status_code = status
    if headers:
        response.headers.update(headers)
    if status == 401:
        challenge = 'Bearer realm="api"'
        if code == "invalid_token":  # RFC 6750 §3.1
            challenge += ', error="invalid_token"'
        response.headers.setdefault("WWW-Authenticate", challenge)
    return response
