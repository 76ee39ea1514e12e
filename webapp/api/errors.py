"""The API's error envelope."""
from flask import jsonify


def error_response(status, code, message, fields=None, headers=None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    if headers:
        response.headers.update(headers)
    if status == 401:
        challenge = 'Bearer realm="api"'
        if code == "invalid_token":  # RFC 6750 §3.1
            challenge += ', error="invalid_token"'
        response.headers.setdefault("WWW-Authenticate", challenge)
    return response
