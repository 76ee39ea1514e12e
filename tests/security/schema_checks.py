"""schemathesis checks that the document and the server agree on what a valid request is,
used by the bounded run (tests/security/test_schemathesis_api.py)."""
from urllib.parse import parse_qs, urlsplit

from schemathesis.generation.meta import negated_parameters
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

# Rules the document cannot state: a password the service finds too common or too like the
# username, a username or e-mail already taken, credentials that do not match.
SERVER_RULES = {"POST /api/v1/auth/register", "POST /api/v1/auth/tokens",
                # Salons: a start in the future and before the end, a deadline before the start, a room or
                # an address, a link for online ones, the filing days, a comment when returning.
                "POST /api/v1/salons", "POST /api/v1/salons/{salon_id}/file", "POST /api/v1/salons/{salon_id}/review",
                # review: dates in order and a coherent review form; a PDF (a JSON body has none);
                # scores named after the call's own criteria
                "POST /api/v1/calls", "POST /api/v1/calls/{call_id}/submissions",
                "POST /api/v1/assignments/{assignment_id}/review"}
UNSTORABLE = "含有无法保存的字符"


def refused_when_the_document_refuses(ctx, response, case):
    """negative_data_rejection, except where the fault never reached the server: a missing
    Authorization header the test itself supplies, or a query value serialised as empty
    (`?page=`, which every list reads as not given, as the API's conventions say)."""
    negated = list(negated_parameters(case.meta))
    sent = parse_qs(urlsplit(response.request.url).query, keep_blank_values=True)
    if response.request.headers.get("Authorization") and any(name.lower() == "authorization"
                                                             for name, _ in negated):
        return None
    if negated and all(location == "query" and sent.get(name) in ([""], None) for name, location in negated):
        return None
    return negative_data_rejection(ctx, response, case)


def _short_once_stripped(value, message):
    """The service keeps text stripped of surrounding white space (str.strip: also the
    control characters U+001C–U+001F), so "至少 N 个字" counts what is left — which a
    document's minLength, counting every character, cannot say."""
    return (isinstance(value, str) and message.startswith("至少 ") and value.strip() != value)


def accepted_when_the_document_accepts(ctx, response, case):
    """positive_data_acceptance: no 400/422 for a request the document admits — save for what
    no document can foresee: an id naming no row (a category, a leader, a reason), text with
    characters no database stores (NUL, lone surrogates), text too short once stripped, and
    an Idempotency-Key the same caller already used for another request."""
    if case.operation.label in SERVER_RULES:
        return None
    if response.status_code == 422:
        error = response.json()["error"]
        if error["code"] == "idempotency_key_reused":
            return None
        fields = error["fields"] or {}
        body = case.body if isinstance(case.body, dict) else {}
        if fields and all(name.endswith("_id") or message == UNSTORABLE or _short_once_stripped(body.get(name), message)
                          for name, message in fields.items()):
            return None
    return positive_data_acceptance(ctx, response, case)
