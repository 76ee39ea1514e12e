"""API-wide conventions: JSON error envelopes for every failure, and an OpenAPI document
that describes every routed API operation (checked against app.url_map, so a route added
without @api_route fails here with its name)."""
import re

import pytest
from flask import Blueprint, Flask

from tests.conftest import TEST_PASSWORD

API_PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
BODY_METHODS = {"POST", "PUT", "PATCH"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------- helpers

def to_openapi_path(rule):
    """Flask rule → OpenAPI path: `<int:token_id>` and `<username>` become `{token_id}`, `{username}`."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", r"{\1}", rule)


def routed_operations(url_map, prefix=API_PREFIX):
    """{(METHOD, openapi path)} for every rule under the API prefix, HEAD/OPTIONS aside."""
    operations = set()
    for rule in url_map.iter_rules():
        if rule.rule == prefix or rule.rule.startswith(prefix + "/"):
            for method in rule.methods - IGNORED_METHODS:
                operations.add((method, to_openapi_path(rule.rule)))
    return operations


def documented_operations(document):
    return {(method.upper(), path) for path, ops in document.get("paths", {}).items() for method in ops}


def undocumented_operations(url_map, document, prefix=API_PREFIX):
    """Sorted "METHOD /path" of routed API operations the document lacks (or lists without responses)."""
    missing = []
    for method, path in sorted(routed_operations(url_map, prefix), key=lambda op: (op[1], op[0])):
        operation = document.get("paths", {}).get(path, {}).get(method.lower())
        if not operation or not operation.get("responses"):
            missing.append(f"{method} {path}")
    return missing


def all_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


def resolve(document, ref):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int, "number": (int, float)}


def schema_errors(instance, schema, document, where="$"):
    """Errors of `instance` against an OpenAPI 3.0 schema (the subset we use)."""
    if "$ref" in schema:
        return schema_errors(instance, resolve(document, schema["$ref"]), document, where)
    errors = []
    for part in schema.get("allOf", []):
        errors += schema_errors(instance, part, document, where)
    if instance is None:
        if schema.get("type") and not schema.get("nullable"):
            errors.append(f"{where}: null but not nullable")
        return errors
    kind = schema.get("type")
    if kind:
        expected = _TYPES[kind]
        if not isinstance(instance, expected) or (kind in ("integer", "number") and isinstance(instance, bool)):
            return errors + [f"{where}: expected {kind}, got {type(instance).__name__}"]
    if isinstance(instance, dict):
        for name in schema.get("required", []):
            if name not in instance:
                errors.append(f"{where}: missing required {name!r}")
        properties = schema.get("properties", {})
        for name, value in instance.items():
            if name in properties:
                errors += schema_errors(value, properties[name], document, f"{where}.{name}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(value, schema["additionalProperties"], document, f"{where}.{name}")
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            errors += schema_errors(item, schema["items"], document, f"{where}[{i}]")
    return errors


def assert_envelope(resp, status, code=None):
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and re.fullmatch(r"[a-z_]+", error["code"])
    assert isinstance(error["message"], str) and CHINESE.search(error["message"]), error["message"]
    assert isinstance(error["fields"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in error["fields"].items())
    if code:
        assert error["code"] == code, error
    return error


def example_url(path, parameters):
    """A concrete URL for an OpenAPI path: integers → 999999, strings → "nobody"."""
    kinds = {p["name"]: p.get("schema", {}).get("type") for p in parameters if p["in"] == "path"}
    return re.sub(r"\{(\w+)\}", lambda m: "999999" if kinds.get(m.group(1)) == "integer" else "nobody", path)


@pytest.fixture
def document(client):
    resp = client.get(f"{API_PREFIX}/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    return resp.get_json()


def operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


# ---------------------------------------------------------------- error envelopes

@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/no-such-thing"),
    ("POST", "/api/v1/no/such/thing"),
    ("DELETE", "/api/v1/auth/tokens/not-a-number"),
    ("GET", "/api/v1/me/"),           # strict slashes: no redirect to an HTML page
    ("GET", "/api/v1/"),
    ("GET", "/api/v2/me"),
])
def test_unknown_api_path_is_a_404_envelope(client, method, path):
    assert_envelope(client.open(path, method=method), 404, "not_found")


def test_html_pages_still_get_html_errors(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    resp = client.get("/logout")  # POST only
    assert resp.status_code == 405 and resp.mimetype == "text/html"
    assert "POST" in resp.headers["Allow"]


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/api/v1/me", {"GET"}),
    ("DELETE", "/api/v1/auth/register", {"POST"}),
    ("GET", "/api/v1/auth/tokens/1", {"DELETE"}),
    ("PATCH", "/api/v1/auth/tokens", {"GET", "POST"}),
    ("POST", "/api/v1/openapi.json", {"GET"}),
])
def test_wrong_method_is_a_405_envelope_with_allow(client, method, path, allowed):
    resp = client.open(path, method=method, json={})
    assert_envelope(resp, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in resp.headers["Allow"].split(",")}


def test_payload_too_large_is_a_413_envelope(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    resp = client.post("/api/v1/auth/register", json={"bio": "长" * 2000})
    assert_envelope(resp, 413, "payload_too_large")


@pytest.fixture
def error_responses(client, make_user, api_token, app, monkeypatch):
    """One response of each kind of API failure."""
    user = make_user("zhang")
    make_user("lisi")
    bearer = {"Authorization": f"Bearer {api_token(user)}"}
    monkeypatch.setitem(app.config, "LOGIN_FAIL_LIMIT_ACCOUNT", 1)
    client.post("/api/v1/auth/tokens", json={"username": "lisi", "password": "wrong-password-1"})
    return {
        "not_found_route": client.get("/api/v1/nothing-here"),
        "not_found_resource": client.get("/api/v1/users/nobody"),
        "not_found_token": client.delete("/api/v1/auth/tokens/424242", headers=bearer),
        "method_not_allowed": client.put("/api/v1/me"),
        "malformed_json": client.post("/api/v1/auth/tokens", data="{oops", content_type="application/json"),
        "json_array": client.post("/api/v1/auth/register", json=[]),
        "validation": client.post("/api/v1/auth/register", json={"username": "x"}),
        "bad_credentials": client.post("/api/v1/auth/tokens", json={"username": "zhang", "password": "nope-nope-1"}),
        "no_token": client.get("/api/v1/me"),
        "bad_token": client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}),
        "throttled": client.post("/api/v1/auth/tokens", json={"username": "lisi", "password": TEST_PASSWORD}),
    }


def test_every_error_body_is_exactly_code_message_fields(error_responses):
    statuses = {}
    for name, resp in error_responses.items():
        assert 400 <= resp.status_code < 500, name
        body = resp.get_json()
        assert body is not None, f"{name}: not JSON"
        assert list(body) == ["error"], f"{name}: {body}"
        assert sorted(body["error"]) == ["code", "fields", "message"], f"{name}: {body}"
        assert_envelope(resp, resp.status_code)
        statuses[name] = resp.status_code
    assert statuses == {
        "not_found_route": 404, "not_found_resource": 404, "not_found_token": 404, "method_not_allowed": 405,
        "malformed_json": 400, "json_array": 400, "validation": 422, "bad_credentials": 422,
        "no_token": 401, "bad_token": 401, "throttled": 429,
    }
    assert error_responses["validation"].get_json()["error"]["fields"]
    for name in ("no_token", "bad_token"):
        assert error_responses[name].headers["WWW-Authenticate"].startswith("Bearer"), name
    assert int(error_responses["throttled"].headers["Retry-After"]) > 0


def test_error_bodies_match_the_documented_error_schema(error_responses, document):
    for name, resp in error_responses.items():
        assert schema_errors(resp.get_json(), {"$ref": "#/components/schemas/Error"}, document) == [], name


# ---------------------------------------------------------------- resources

def test_public_user_resource_has_id_and_url(client, make_user):
    user = make_user("zhang")
    body = client.get("/api/v1/users/ZHANG").get_json()
    assert body["id"] == user.id and body["url"] == "/u/zhang"
    assert "email" not in body and "password_hash" not in body
    assert client.get(body["url"]).status_code == 200  # the url is the HTML page


# ---------------------------------------------------------------- the OpenAPI document

def test_document_is_openapi_3(document):
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert isinstance(document["paths"], dict) and document["paths"]
    assert isinstance(document["components"]["schemas"], dict)
    assert all(path.startswith(API_PREFIX + "/") for path in document["paths"])


def assert_every_route_documented(url_map, document):
    missing = undocumented_operations(url_map, document)
    assert not missing, (
        "API routes missing from /api/v1/openapi.json — register them with @api_route "
        "(webapp/api/__init__.py), not @bp.route:\n  " + "\n  ".join(missing)
    )


def test_every_api_route_is_documented(app, document):
    assert_every_route_documented(app.url_map, document)


def test_nothing_documented_that_is_not_routed(app, document):
    stale = documented_operations(document) - routed_operations(app.url_map)
    assert not stale, f"documented but not routed: {sorted(stale)}"


def test_every_operation_has_responses_with_descriptions(document):
    for method, path, op in operations(document):
        assert op["responses"], f"{method} {path}"
        for status, response in op["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", status), f"{method} {path}: {status}"
            assert response.get("description"), f"{method} {path} {status}"
            if "content" in response:  # JSON, or a file of a declared media type (iCalendar, CSV)
                assert all("schema" in media for media in response["content"].values()), f"{method} {path} {status}"
        successes = [s for s in op["responses"] if s.startswith("2")]
        assert successes, f"{method} {path} has no success response"
        for status in op["responses"]:
            if status.startswith("4"):
                schema = op["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {status}"


def test_request_bodies_are_json_schemas(document):
    seen = 0
    for method, path, op in operations(document):
        if "requestBody" not in op:
            continue
        assert method in BODY_METHODS, f"{method} {path} declares a body"
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        assert isinstance(schema, dict) and ("type" in schema or "$ref" in schema or "allOf" in schema), \
            f"{method} {path}"
        # A body can be malformed or invalid: both are documented.
        assert {"400", "422"} <= set(op["responses"]), f"{method} {path}"
        seen += 1
    assert seen >= 2  # at least register and token creation


def test_auth_request_bodies_name_their_required_fields(document):
    for path, method in (("/api/v1/auth/register", "post"), ("/api/v1/auth/tokens", "post")):
        required = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        assert {"username", "password"} <= set(required["required"])


def test_every_ref_resolves_to_a_component(document):
    refs = set(all_refs(document))
    assert "#/components/schemas/Error" in refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        name = ref.rsplit("/", 1)[1]
        assert name in document["components"]["schemas"], f"dangling $ref {ref}"


def test_path_parameters_are_declared(document):
    for method, path, op in operations(document):
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"\{(\w+)\}", path)), f"{method} {path}"
        assert all(p["required"] for p in op.get("parameters", []) if p["in"] == "path")


def test_operation_ids_are_unique(document):
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids))


def test_security_schemes_exist(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    for method, path, op in operations(document):
        for requirement in op.get("security", []):
            assert set(requirement) <= set(schemes), f"{method} {path}"


def test_token_protected_views_are_documented_as_such(app, document):
    wrong = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        protected = getattr(app.view_functions[rule.endpoint], "token_required", False)
        for method in rule.methods - IGNORED_METHODS:
            op = document["paths"][to_openapi_path(rule.rule)][method.lower()]
            if protected != bool(op.get("security")) or (protected and "401" not in op["responses"]):
                wrong.append(f"{method} {rule.rule}")
    assert not wrong, f"security in the document disagrees with @token_required: {wrong}"


def test_every_protected_operation_refuses_missing_and_bad_tokens(client, document):
    checked = 0
    for method, path, op in operations(document):
        if not op.get("security"):
            continue
        url = example_url(path, op.get("parameters", []))
        body = {"json": {}} if method in BODY_METHODS else {}
        resp = client.open(url, method=method, **body)
        assert_envelope(resp, 401, "unauthorized")
        assert "WWW-Authenticate" in resp.headers, f"{method} {path}"
        resp = client.open(url, method=method, headers={"Authorization": "Bearer sh_forged"}, **body)
        assert_envelope(resp, 401, "invalid_token")
        checked += 1
    assert checked >= 3


def test_every_json_body_route_refuses_malformed_json(client, document, make_user, api_token):
    admin = make_user("admin1", roles=["member", "staff", "admin"])
    headers = {"Authorization": f"Bearer {api_token(admin)}"}
    for method, path, op in operations(document):
        if "requestBody" not in op:
            continue
        url = example_url(path, op.get("parameters", []))
        resp = client.open(url, method=method, data="{not json", content_type="application/json", headers=headers)
        if "{" in path:
            # The object may be looked up (and not found) before the body is read.
            assert resp.status_code in (400, 404), f"{method} {path}: {resp.status_code}"
            assert_envelope(resp, resp.status_code)
        else:
            assert_envelope(resp, 400, "malformed_json")


def test_responses_match_their_documented_schemas(client, document, make_user):
    def check(resp, method, path):
        response = document["paths"][path][method]["responses"][str(resp.status_code)]
        if resp.status_code == 204:
            assert resp.get_data() == b"" and "content" not in response
            return
        schema = response["content"]["application/json"]["schema"]
        assert schema_errors(resp.get_json(), schema, document) == [], f"{method} {path} {resp.status_code}"

    make_user("zhang", verified=True, bio="**简介**")
    resp = client.post("/api/v1/auth/register", json={"username": "li_ming", "email": "li@example.org",
                                                      "password": "Qiming-Star-2026", "display_name": "李明"})
    check(resp, "post", "/api/v1/auth/register")
    resp = client.post("/api/v1/auth/tokens", json={"username": "zhang", "password": TEST_PASSWORD})
    check(resp, "post", "/api/v1/auth/tokens")
    token = resp.get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    check(client.get("/api/v1/me", headers=headers), "get", "/api/v1/me")
    check(client.get("/api/v1/auth/tokens", headers=headers), "get", "/api/v1/auth/tokens")
    check(client.get("/api/v1/users/zhang"), "get", "/api/v1/users/{username}")
    check(client.get("/api/v1/users/nobody"), "get", "/api/v1/users/{username}")
    check(client.post("/api/v1/auth/register", json={}), "post", "/api/v1/auth/register")
    check(client.delete(f"/api/v1/auth/tokens/{token['id']}", headers=headers), "delete",
          "/api/v1/auth/tokens/{token_id}")
    check(client.get("/api/v1/me", headers=headers), "get", "/api/v1/me")  # now 401


def test_the_schema_checker_itself_finds_mismatches(document):
    # Guard against a validator that accepts everything.
    user = {"$ref": "#/components/schemas/User"}
    assert schema_errors({"id": 1}, user, document)
    assert schema_errors({"id": "1", "url": "/u/x", "username": "x", "display_name": "x"}, user, document)
    assert schema_errors({"id": True, "url": "/u/x", "username": "x", "display_name": "x"}, user, document)
    assert not schema_errors({"id": 1, "url": "/u/x", "username": "x", "display_name": "x",
                              "verification": None}, user, document)
    assert schema_errors({"error": {"code": "x", "message": "y"}}, {"$ref": "#/components/schemas/Error"}, document)


# ---------------------------------------------------------------- the completeness check catches strays

def _throwaway_app(document_paths):
    """A minimal app with API rules: some documented (via the real registry), one not."""
    from webapp.api.openapi import Registry

    registry = Registry()
    app = Flask(__name__)
    bp = Blueprint("stray_api", __name__, url_prefix=API_PREFIX)

    def view(**kwargs):
        return {}

    for rule, methods in document_paths.items():
        bp.add_url_rule(rule, endpoint=f"documented{len(registry.operations)}{rule}", view_func=view, methods=methods)
        for method in methods:
            registry.add(rule, method, view)
    # Registered on the blueprint directly, bypassing @api_route.
    bp.add_url_rule("/things/<int:thing_id>/secret", endpoint="stray", view_func=view, methods=["GET", "PATCH"])
    app.register_blueprint(bp)
    app.add_url_rule("/about", endpoint="about", view_func=view)  # not API: ignored
    return app, registry.document()


def test_completeness_check_reports_a_route_added_without_api_route():
    app, document = _throwaway_app({"/things": ["GET", "POST"], "/things/<int:thing_id>": ["DELETE"]})
    assert undocumented_operations(app.url_map, document) == [
        "GET /api/v1/things/{thing_id}/secret",
        "PATCH /api/v1/things/{thing_id}/secret",
    ]
    with pytest.raises(AssertionError) as failure:
        assert_every_route_documented(app.url_map, document)
    assert "GET /api/v1/things/{thing_id}/secret" in str(failure.value)
    assert "PATCH /api/v1/things/{thing_id}/secret" in str(failure.value)
    assert "/about" not in str(failure.value)


def test_completeness_check_reports_a_method_missing_from_a_documented_path():
    app, document = _throwaway_app({"/things": ["GET"]})
    app.add_url_rule(API_PREFIX + "/things", endpoint="extra", view_func=lambda: {}, methods=["PUT"])
    assert "PUT /api/v1/things" in undocumented_operations(app.url_map, document)
    assert "GET /api/v1/things" not in undocumented_operations(app.url_map, document)


def test_completeness_check_reports_an_operation_without_responses():
    app, document = _throwaway_app({"/things": ["GET"]})
    document["paths"]["/api/v1/things"]["get"]["responses"] = {}
    assert "GET /api/v1/things" in undocumented_operations(app.url_map, document)


def test_path_conversion():
    assert to_openapi_path("/api/v1/auth/tokens/<int:token_id>") == "/api/v1/auth/tokens/{token_id}"
    assert to_openapi_path("/api/v1/users/<username>") == "/api/v1/users/{username}"
    assert to_openapi_path("/api/v1/a/<path:rest>/<string:b>") == "/api/v1/a/{rest}/{b}"
