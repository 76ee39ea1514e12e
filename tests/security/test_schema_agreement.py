"""The OpenAPI document and the server agree on what is a valid request (schemathesis's
`positive_data_acceptance` and `negative_data_rejection`): input the document admits is
never refused as malformed (400/422), and input it refuses is never accepted — e.g.
`per_page=null` or `unread=null` were accepted, and empty registration fields,
`category_id` 0 or a negative `leader_id` were admitted by the document and refused by the
server. The generated proof is the bounded schemathesis run of every operation
(tests/security/test_schemathesis_api.py, with the checks of schema_checks.py); the
targeted cases here pin the findings down."""
import pytest

API = "/api/v1"


# ---------------------------------------------------------------- the findings, one by one

@pytest.fixture
def member_headers(make_user, auth_headers):
    return auth_headers(make_user("sa_one"))


@pytest.mark.parametrize("path, args", [
    ("/notifications", {"per_page": "null"}),
    ("/notifications", {"unread": "null"}),
    ("/notifications", {"page": "null"}),
    ("/notifications", {"page": "0"}),
    ("/notifications", {"per_page": "-1"}),
    ("/notifications", {"page": "x"}),
    ("/suggestions", {"per_page": "null"}),
    ("/suggestions", {"leader_id": "-1"}),
    ("/suggestions", {"category_id": "0"}),
    ("/auth/tokens", {"per_page": "1.5"}),
])
def test_query_values_the_document_refuses_are_refused(client, member_headers, path, args):
    resp = client.get(API + path, query_string=args, headers=member_headers)
    assert resp.status_code == 422, resp.get_json()
    assert set(resp.get_json()["error"]["fields"]) == set(args)


def query_parameter(document, path, name):
    for parameter in document["paths"][API + path]["get"]["parameters"]:
        if parameter["name"] == name:
            return parameter["schema"]
    raise KeyError(name)


def body_property(document, path, name):
    body = document["paths"][API + path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return body["properties"][name]


def test_the_document_says_what_the_server_refuses(client):
    document = client.get(f"{API}/openapi.json").get_json()
    for name in ("username", "email", "password", "display_name"):
        assert body_property(document, "/auth/register", name).get("minLength", 0) >= 1, name
        assert not body_property(document, "/auth/register", name).get("nullable"), name
    assert body_property(document, "/suggestions", "category_id")["minimum"] == 1
    assert body_property(document, "/suggestions/{suggestion_id}/assign", "leader_id")["minimum"] == 1
    assert query_parameter(document, "/suggestions", "leader_id")["minimum"] == 1
    for name in ("page", "per_page"):
        schema = query_parameter(document, "/notifications", name)
        assert schema["type"] == "integer" and schema["minimum"] == 1 and not schema.get("nullable")
    assert not query_parameter(document, "/notifications", "unread").get("nullable")


@pytest.mark.parametrize("field", ["username", "email", "password", "display_name"])
def test_empty_registration_fields_are_refused_as_the_document_says(client, field):
    body = {"username": "li_ming", "email": "li@example.org", "password": "Qiming-Star-2026", "display_name": "李明",
            field: ""}
    resp = client.post(f"{API}/auth/register", json=body)
    assert resp.status_code == 422 and field in resp.get_json()["error"]["fields"]
