"""The API contract is written once, in the schemas: the generated OpenAPI document is valid,
keeps everything the first document promised (tests/data/openapi_v1_before.json), takes its
limits from the services, and requests are checked against it. The API package imports no
capability, and each capability's schemas import on their own."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_api_conventions import assert_envelope

API = "/api/v1"
BEFORE = Path(__file__).parent / "data" / "openapi_v1_before.json"
CAPABILITIES = ("accounts", "admin", "notifications", "suggestions", "forum", "science", "salons", "review", "chat",
                "search")
BODY_METHODS = {"post", "put", "patch"}


@pytest.fixture
def document(client):
    return client.get(f"{API}/openapi.json").get_json()


@pytest.fixture(scope="module")
def before():
    return json.loads(BEFORE.read_text())


# ---------------------------------------------------------------- comparing two documents

def deref(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def parts(document, node):
    """The schema and what it is composed of (allOf/anyOf/oneOf), resolved."""
    node = deref(document, node)
    yield node
    for key in ("allOf", "anyOf", "oneOf"):
        for part in node.get(key, []):
            yield from parts(document, part)


def declared(document, node, prefix=""):
    """Every property a schema declares, nested ones as "a.b" and array items as "a[]"."""
    names = set()
    for part in parts(document, node):
        for name, sub in part.get("properties", {}).items():
            names.add(prefix + name)
            names |= declared(document, sub, f"{prefix}{name}.")
        if "items" in part:
            names |= declared(document, part["items"], prefix.rstrip(".") + "[].")
    return names


def required(document, node, prefix=""):
    """Every property a schema requires, nested as `declared` names them."""
    names = set()
    for part in parts(document, node):
        names |= {prefix + name for name in part.get("required", [])}
        for name, sub in part.get("properties", {}).items():
            names |= required(document, sub, f"{prefix}{name}.")
        if "items" in part:
            names |= required(document, part["items"], prefix.rstrip(".") + "[].")
    return names


def narrowing(old, new):
    """What `new` no longer offers of `old`: operations, statuses, parameters, body media
    types, declared properties; request fields newly required, response fields no longer."""
    problems = []
    for path, operations in old["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            new_op = new["paths"].get(path, {}).get(method)
            if new_op is None:
                problems.append(f"{where}: operation gone")
                continue
            old_params = {(p["in"], p["name"]) for p in op.get("parameters", [])}
            new_params = {(p["in"], p["name"]) for p in new_op.get("parameters", [])}
            problems += [f"{where}: parameter {name} ({at}) gone" for at, name in sorted(old_params - new_params)]
            new_required = {(p["in"], p["name"]) for p in new_op.get("parameters", []) if p.get("required")}
            old_required = {(p["in"], p["name"]) for p in op.get("parameters", []) if p.get("required")}
            problems += [f"{where}: parameter {name} now required" for _, name in sorted(new_required - old_required)]
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                new_content = new_op.get("requestBody", {}).get("content", {}).get(media)
                if new_content is None:
                    problems.append(f"{where}: request body {media} gone")
                    continue
                gone = declared(old, content["schema"]) - declared(new, new_content["schema"])
                problems += [f"{where}: request field {name} gone" for name in sorted(gone)]
                newly = required(new, new_content["schema"]) - required(old, content["schema"])
                problems += [f"{where}: request field {name} now required" for name in sorted(newly)]
            for status, response in op["responses"].items():
                new_response = new_op["responses"].get(status)
                if new_response is None:
                    problems.append(f"{where}: response {status} gone")
                    continue
                for media, content in response.get("content", {}).items():
                    new_content = new_response.get("content", {}).get(media)
                    if new_content is None:
                        problems.append(f"{where} {status}: {media} gone")
                        continue
                    gone = declared(old, content["schema"]) - declared(new, new_content["schema"])
                    problems += [f"{where} {status}: field {name} gone" for name in sorted(gone)]
                    unpromised = required(old, content["schema"]) - required(new, new_content["schema"])
                    problems += [f"{where} {status}: field {name} no longer required" for name in sorted(unpromised)]
    return problems


def test_the_document_is_valid_openapi_3_0_3(document):
    import openapi_spec_validator

    assert document["openapi"] == "3.0.3"
    openapi_spec_validator.validate(document)


def test_nothing_the_first_document_promised_is_gone(document, before):
    assert narrowing(before, document) == []


def test_the_comparison_notices_what_is_gone(before):
    new = json.loads(json.dumps(before))
    del new["paths"]["/api/v1/me"]
    del new["paths"]["/api/v1/auth/tokens"]["post"]["responses"]["429"]
    user = new["components"]["schemas"]["User"]
    del user["properties"]["verification"]["properties"]["position"]
    user["required"].remove("display_name")
    register = new["paths"]["/api/v1/auth/register"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    register["properties"]["nickname"] = {"type": "string"}
    register["required"].append("nickname")
    submit = new["paths"]["/api/v1/suggestions"]["post"]["requestBody"]["content"]
    del submit["multipart/form-data"]
    listing = new["paths"]["/api/v1/suggestions"]["get"]
    listing["parameters"] = [p for p in listing["parameters"] if p["name"] != "sort"]
    problems = narrowing(before, new)
    assert "GET /api/v1/me: operation gone" in problems
    assert "POST /api/v1/auth/tokens: response 429 gone" in problems
    assert "GET /api/v1/users/{username} 200: field verification.position gone" in problems
    assert "GET /api/v1/users/{username} 200: field display_name no longer required" in problems
    # Through the $ref of a list's items, and through allOf (Me extends User).
    assert "GET /api/v1/leaders 200: field items[].user.verification.position gone" in problems
    assert "POST /api/v1/auth/tokens 201: field user.verification.position gone" in problems
    assert "POST /api/v1/auth/register: request field nickname now required" in problems
    assert "POST /api/v1/suggestions: request body multipart/form-data gone" in problems
    assert "GET /api/v1/suggestions: parameter sort (query) gone" in problems


def test_responses_are_closed_and_request_bodies_open(document):
    """A response carries only what its schema declares; a request may carry more (ignored)."""
    for name, schema in document["components"]["schemas"].items():
        assert schema.get("additionalProperties") is False, name
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            for content in op.get("requestBody", {}).get("content", {}).values():
                assert "additionalProperties" not in content["schema"], f"{method} {path}"


# ---------------------------------------------------------------- one declaration of each limit

def body_schema(document, path, method="post", media="application/json"):
    return document["paths"][API + path][method]["requestBody"]["content"][media]["schema"]["properties"]


def test_limits_in_the_document_are_the_services_constants(document):
    from webapp.accounts import services as accounts
    from webapp.core.db import MAX_ID
    from webapp.suggestions import schemas, services

    submit = body_schema(document, "/suggestions")
    assert (submit["title"]["minLength"], submit["title"]["maxLength"]) == (services.TITLE_MIN, services.TITLE_MAX)
    assert (submit["body"]["minLength"], submit["body"]["maxLength"]) == (services.BODY_MIN, services.BODY_MAX)
    assert submit["category_id"]["maximum"] == MAX_ID
    assert submit["visibility"]["enum"][:2] == ["public", "private"]
    answer = body_schema(document, "/suggestions/{suggestion_id}/answer")["body"]
    assert answer["maxLength"] == services.ANSWER_MAX and str(services.ANSWER_MIN) in answer["description"]
    follow_up = body_schema(document, "/suggestions/{suggestion_id}/follow-up")["question"]
    assert (follow_up["minLength"], follow_up["maxLength"]) == (schemas.FOLLOW_UP_MIN, services.NOTE_MAX)
    assert body_schema(document, "/suggestions/{suggestion_id}/rating")["comment"]["maxLength"] == services.COMMENT_MAX
    assert body_schema(document, "/suggestions/{suggestion_id}/screen")["note"]["maxLength"] == services.NOTE_MAX
    assert body_schema(document, "/auth/register")["password"]["minLength"] == accounts.MIN_PASSWORD_LENGTH
    listing = {p["name"]: p["schema"] for p in document["paths"][f"{API}/suggestions"]["get"]["parameters"]}
    assert listing["sort"]["enum"] == list(services.SORTS)
    inbox = {p["name"]: p["schema"] for p in document["paths"][f"{API}/leaders/inbox"]["get"]["parameters"]}
    assert inbox["tab"]["enum"] == list(services.INBOX_TABS)


def test_the_answer_minimum_is_checked_before_the_service(client, make_suggestion, auth_headers, monkeypatch):
    """The 10-character minimum to publish was missing from the schema; a draft may be shorter."""
    from webapp.suggestions import services

    s = make_suggestion(state="assigned")
    leader = s.assigned_leader
    calls = []
    monkeypatch.setattr(services, "save_answer", lambda *a, **k: calls.append(a))
    url = f"{API}/suggestions/{s.id}/answer"
    short = "答" * (services.ANSWER_MIN - 1)
    error = assert_envelope(client.post(url, json={"body": short}, headers=auth_headers(leader)), 422)
    assert error["fields"] == {"body": f"至少 {services.ANSWER_MIN} 个字"} and calls == []
    assert client.post(url, json={"body": short, "draft": True}, headers=auth_headers(leader)).status_code == 200
    assert len(calls) == 1


def test_documented_maximums_are_enforced(client, make_suggestion, auth_headers):
    from webapp.suggestions import services

    s = make_suggestion(state="accepted")
    staff = auth_headers(make_suggestion.people["staff"])
    leader = make_suggestion.people.get("leader")
    resp = client.post(f"{API}/suggestions/{s.id}/assign", headers=staff,
                       json={"leader_id": getattr(leader, "id", 1), "note": "长" * (services.NOTE_MAX + 1)})
    assert assert_envelope(resp, 422)["fields"] == {"note": f"不能超过 {services.NOTE_MAX} 个字"}


def test_every_bad_field_at_once_in_the_fields_map(client, make_suggestion, auth_headers):
    s = make_suggestion()
    staff = auth_headers(make_suggestion.people["staff"])
    resp = client.post(f"{API}/suggestions/{s.id}/screen", headers=staff,
                       json={"decision": 1, "reason_id": True, "leader_id": "x", "note": ["a"]})
    error = assert_envelope(resp, 422, "validation_error")
    assert error["fields"] == {"decision": "可选 accept、reject", "reason_id": "必须是整数", "leader_id": "必须是整数",
                               "note": "必须是字符串"}


def test_unstorable_text_is_a_field_error(client, make_user, auth_headers, suggestion_lists):
    headers = auth_headers(make_user("zhang"))
    resp = client.post(f"{API}/suggestions", headers=headers, json={
        "title": "标题\x00标题", "body": "正文" * 10, "category_id": suggestion_lists["categories"][0].id})
    assert assert_envelope(resp, 422)["fields"] == {"title": "含有无法保存的字符"}
    assert_envelope(client.get(f"{API}/users/zh%00ang"), 404, "not_found")


# ---------------------------------------------------------------- bodies that are not JSON objects

def json_body_operations(document):
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            if "application/json" in op.get("requestBody", {}).get("content", {}):
                yield method, path


ODD_BODIES = {"deep_objects": '{"a":' * 1000, "deep_arrays": "[" * 100_000 + "]" * 100_000,
              "infinite_number": '{"a": 1e999999}', "array": "[]", "null": "null",
              "huge_number": '{"n": ' + "9" * 5000 + "}"}


@pytest.mark.parametrize("name", list(ODD_BODIES))
def test_deep_or_odd_json_is_a_400_on_every_body_route(client, document, make_user, make_suggestion, auth_headers,
                                                       name):
    """Every route that reads a JSON body answers an odd one with the 400 envelope, never a 5xx.
    Who may act on what the path names comes first: a missing object is a 404, an action its
    rule refuses for this suggestion (e.g. answering an unassigned one) a 403/409."""
    body = ODD_BODIES[name]
    admin = make_user("admin1", roles=["member", "staff", "admin"])
    headers = auth_headers(admin)
    suggestion = make_suggestion(state="submitted")
    leader = make_user("leader1", roles=["member", "leader"], verified=True)
    from tests.forum_helpers import forum_objects
    from tests.review_api_walk import review_path_values

    forum_board, forum_thread, forum_post = forum_objects(admin)
    review = review_path_values(admin, make_user)
    read_the_body = checked = 0
    for method, path in json_body_operations(document):
        url = (path.replace("{suggestion_id}", str(suggestion.id)).replace("{user_id}", str(admin.id))
               .replace("{leader_id}", str(leader.id))
               .replace("{board_id}", str(forum_board.id)).replace("{thread_id}", str(forum_thread.id))
               .replace("{post_id}", str(forum_post.id)).replace("{salon_id}", "2147483647"))
        for key, value in review.items():
            url = url.replace("{" + key + "}", str(value))
        resp = client.open(url, method=method.upper(), data=body, content_type="application/json", headers=headers)
        checked += 1
        # No such verification request, salon or article: not found before the body is read.
        if "{request_id}" in path or "{salon_id}" in path or "{article_id}" in path:
            assert_envelope(resp, 404, "not_found")
        elif resp.status_code in (403, 409):
            assert resp.get_json()["error"]["code"] != "malformed_json", (method, path)
        elif name == "infinite_number" and (method, path) == ("patch", "/api/v1/me"):
            assert resp.status_code == 200  # every field optional: an object of unknown ones changes nothing
        elif name == "infinite_number":  # an object (with an infinite number): parsed, then refused
            # A body of optional fields only (a moderation reason) may well accept it.
            schema = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
            optional = not deref(document, schema).get("required")
            assert resp.status_code == 422 or optional and resp.status_code == 200, (method, path, resp.status_code)
            read_the_body += 1
        else:
            assert_envelope(resp, 400, "malformed_json")
            read_the_body += 1
    assert checked >= 15 and read_the_body >= 7


# ---------------------------------------------------------------- one place for routes, no import cycle

def run_python(code):
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parent.parent)


def test_the_api_package_imports_no_capability():
    result = run_python(
        "import sys, webapp.api, webapp.api.auth, webapp.api.errors, webapp.api.fields, webapp.api.openapi, "
        "webapp.api.parsing, webapp.api.schemas\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[:2] in {[['webapp', c] for c in CAPABILITIES]})\n"
        "print(loaded)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# Every module importing alone (each capability's schemas and api included) is
# tests/test_architecture.py::test_every_module_imports_alone.


def test_importing_a_capability_api_registers_its_routes():
    result = run_python(
        "from webapp.api.openapi import registry\n"
        "import webapp.notifications.api\n"
        "print(sorted(registry.operations))")
    assert result.returncode == 0, result.stderr
    assert "/api/v1/notifications/read-all" in result.stdout and "/api/v1/suggestions" not in result.stdout


def test_no_view_repeats_token_required():
    import webapp.api.auth

    assert not hasattr(webapp.api.auth, "token_required")
    for capability in CAPABILITIES:
        source = (Path(__file__).parent.parent / "webapp" / capability / "api.py").read_text()
        assert "token_required" not in source, capability


def test_who_may_act_is_checked_before_the_body(client, make_user, make_staff, make_suggestion, auth_headers):
    """A member sending a bad body to a staff route gets 403, and anyone naming a missing or
    hidden suggestion 404 — never a 422 that tells them about the body first."""
    member, staff = make_user(username="order_member"), make_staff(username="order_staff")
    s = make_suggestion(state="submitted", visibility="private")
    as_member, as_staff = auth_headers(member), auth_headers(staff)
    for path in (f"/api/v1/suggestions/{s.id}/screen", f"/api/v1/suggestions/{s.id}/assign",
                 f"/api/v1/suggestions/{s.id}/hide", f"/api/v1/admin/users/{member.id}/suspend",
                 f"/api/v1/admin/users/{member.id}/roles"):
        resp = client.post(path, json={"decision": 7, "leader_id": "x", "reason": 3, "role": 5}, headers=as_member)
        assert resp.status_code == 403, path
    assert client.post(f"/api/v1/admin/users/{member.id}/roles", json={"role": "nope"},
                       headers=as_staff).status_code == 403  # staff, but granting roles is the admins'
    for path in ("/api/v1/suggestions/999999/screen", "/api/v1/suggestions/999999/hide"):
        assert client.post(path, json={"decision": 7}, headers=as_staff).status_code == 404, path
    for path in (f"/api/v1/suggestions/{s.id}/follow-up", f"/api/v1/suggestions/{s.id}/rating"):
        assert client.post(path, json={"question": 1, "value": 2}, headers=as_member).status_code == 404, path
    assert client.post(f"/api/v1/suggestions/{s.id}/screen", json={"decision": 7},
                       headers=as_staff).status_code == 422


def test_the_actions_rule_is_checked_before_the_body(client, make_user, make_suggestion, auth_headers):
    """Only the author rates and asks, only the assigned leader answers (403), and an action
    the state refuses is a 409 — before any 422 about the body, as before the schemas."""
    s = make_suggestion(state="answered")
    people = make_suggestion.people
    stranger = auth_headers(make_user(username="rule_stranger"))
    for path in ("answer", "follow-up", "follow-up/answer", "rating"):
        resp = client.post(f"/api/v1/suggestions/{s.id}/{path}", json={}, headers=stranger)
        assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden", path
    closed = make_suggestion(state="closed")
    resp = client.post(f"/api/v1/suggestions/{closed.id}/assign", json={}, headers=auth_headers(people["staff"]))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "illegal_transition"
    resp = client.post(f"/api/v1/suggestions/{s.id}/rating", json={"value": "nope"},
                       headers=auth_headers(people["author"]))
    assert resp.status_code == 422 and "value" in resp.get_json()["error"]["fields"]
