"""Issue 8 "Missing": registration asks the user to accept 用户协议 and 隐私政策 (page, service
and API); the footer links 关于本站, 联系我们, 隐私政策, 用户协议, rendered from content/pages;
开放接口 leads to a readable API reference rendered from the OpenAPI document."""
import re

import pytest

from tests.conftest import TEST_PASSWORD
from tests.web_helpers import html, mailed_link

PAGES = {"/about": "关于本站", "/contact": "联系我们", "/privacy": "隐私政策", "/terms": "用户协议"}


def registration_link(client, post_form, outbox):
    """Through the first step of registration (username, e-mail, name): the mailed link that
    creates the account."""
    resp = post_form(client, "/register", {"username": "lihua", "email": "lihua@example.org", "display_name": "李华"})
    assert resp.status_code == 200
    (mail,) = outbox()
    return mailed_link(mail, "/register/complete/")


def password_data(**overrides):
    data = {"display_name": "李华", "password": TEST_PASSWORD, "password_confirm": TEST_PASSWORD}
    data.update(overrides)
    return data


# ---------------------------------------------------------------- terms at registration
# Accepted where the account is made: the page of the mailed link (and the API request with the code).

def test_the_registration_page_asks_to_accept_terms_and_privacy(client, post_form, outbox):
    page = html(client.get(registration_link(client, post_form, outbox)))
    assert re.search(r'<input[^>]*name="accept_terms"[^>]*required', page) or \
        re.search(r'<input[^>]*required[^>]*name="accept_terms"', page)
    assert 'href="/terms"' in page and 'href="/privacy"' in page


def test_registration_without_accepting_is_refused(client, post_form, db, outbox):
    from webapp.accounts.models import User

    resp = post_form(client, registration_link(client, post_form, outbox), password_data())
    assert resp.status_code == 422
    assert "请阅读并同意用户协议和隐私政策" in html(resp)
    assert User.query.count() == 0


def test_registration_records_the_acceptance(client, post_form, db, clock, outbox):
    from webapp.accounts.models import User

    resp = post_form(client, registration_link(client, post_form, outbox), password_data(accept_terms="y"))
    assert resp.status_code == 302
    user = User.query.filter_by(username="lihua").one()
    assert user.terms_accepted_at is not None


def test_the_service_refuses_without_acceptance(app, db):
    from webapp.accounts import services
    from webapp.core.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.sign_up("lihua", "lihua@example.org", TEST_PASSWORD, "李华", accept_terms=False)
    assert caught.value.fields["accept_terms"] == "请阅读并同意用户协议和隐私政策"
    user = services.sign_up("lihua", "lihua@example.org", TEST_PASSWORD, "李华", accept_terms=True)
    assert user.terms_accepted_at is not None


def test_the_api_asks_for_acceptance_too(client, db, outbox):
    body = {"username": "li_ming", "email": "li.ming@example.org", "password": "Qiming-Star-2026",
            "display_name": "李明"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 202  # the code goes by mail
    (mail,) = outbox()
    body["code"] = re.search(r"确认码：\s*(\S+)", mail.get_content()).group(1)
    resp = client.post("/api/v1/auth/register", json=body)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {"accept_terms": "请阅读并同意用户协议和隐私政策"}
    resp = client.post("/api/v1/auth/register", json={**body, "accept_terms": False})
    assert resp.status_code == 422
    assert client.post("/api/v1/auth/register", json={**body, "accept_terms": True}).status_code == 201
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["paths"]["/api/v1/auth/register"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "accept_terms" in schema["properties"]


# ---------------------------------------------------------------- footer pages from content/

@pytest.mark.parametrize("path,title", list(PAGES.items()))
def test_site_pages_render_from_content(client, path, title):
    from webapp.config import BASE_DIR

    resp = client.get(path)
    assert resp.status_code == 200
    page = html(resp)
    assert "<h1" in page and title in page
    source = (BASE_DIR / "content" / "pages" / f"{path.strip('/')}.md").read_text(encoding="utf-8")
    # A sentence of the content file appears in the page (rendered, not hard-coded in the template).
    sentence = next(line for line in source.splitlines() if len(line) > 30 and not line.startswith(("#", "-", "|")))
    assert sentence[:20] in page
    assert len(source) > 600


def test_the_footer_links_every_site_page_and_the_api_reference(client):
    footer = html(client.get("/")).split("<footer", 1)[1]
    for path, title in PAGES.items():
        assert re.search(rf'href="{path}"[^>]*>{title}<', footer), title
    assert re.search(r'href="/api/"[^>]*>开放接口<', footer)


def test_the_privacy_notice_covers_what_the_site_stores(client):
    page = html(client.get("/privacy"))
    for topic in ("身份证", "实名认证", "Cookie", "删除", "个人信息保护法"):
        assert topic in page, topic


# ---------------------------------------------------------------- the readable API reference

def test_the_api_reference_is_rendered_from_the_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    resp = client.get("/api/")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = html(resp)
    tags = {tag for ops in document["paths"].values() for op in ops.values() for tag in op.get("tags", [])}
    for tag in tags:
        assert f'id="tag-{tag}"' in page, tag
    count = 0
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            count += 1
            assert f"{method.upper()}</span>" in page and path.replace("{", "&#123;").replace("}", "&#125;") in page \
                or path in page, (method, path)
            for status in op["responses"]:
                assert f'data-status="{status}"' in page
    assert page.count('class="api-operation') == count
    # Parameters and fields, with their descriptions and limits.
    assert "per_page" in page and "Bearer" in page
    assert "Path of the profile page" in page
    assert 'href="/api/v1/openapi.json"' in page
    assert "<script" not in page.split("</main>")[0].split("<main", 1)[1]


def test_the_raw_document_is_unchanged_by_the_page(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.get_json()["openapi"] == "3.0.3"


@pytest.mark.parametrize("path", [*PAGES, "/api/"])
def test_the_new_pages_have_nothing_the_csp_would_block(client, path):
    from tests.test_security import _InlineScriptFinder

    finder = _InlineScriptFinder()
    finder.feed(html(client.get(path)))
    assert finder.problems == []
