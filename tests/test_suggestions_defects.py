"""Issue 8 (a walk-through as the users): publication after screening, staff errors on the
page, filtered links, leaders' names and pages, staff anonymity, overdue screening, pages past
the end, wording and the compact verified mark."""
import re

import pytest

from tests.staff_helpers import signed_in  # noqa: F401  (fixture)
from tests.web_helpers import html


def listed_ids(page):
    return {int(i) for i in re.findall(r'data-suggestion-id="(\d+)"', page)}


# ---------------------------------------------------------------- 1. published after screening (先审后发)

def test_an_unscreened_suggestion_is_seen_only_by_its_author_addressee_and_staff(
        app, db, client, make_suggestion, make_user, make_leader, signed_in):
    addressee = make_leader(username="d1_addressee", real_name="李收信")
    s = make_suggestion(state="submitted", addressee=addressee, title="先审后发：尚未受理的建议")
    people = make_suggestion.people
    outsider = make_user(username="d1_outsider")

    assert s.id not in listed_ids(html(client.get("/suggestions/")))
    assert client.get(f"/suggestions/{s.id}").status_code == 404
    assert client.get(f"/api/v1/suggestions/{s.id}").status_code == 404
    assert s.id not in {row["id"] for row in client.get("/api/v1/suggestions").get_json()["items"]}
    assert signed_in(outsider).get(f"/suggestions/{s.id}").status_code == 404
    for person in (people["author"], addressee, people["staff"]):
        assert signed_in(person).get(f"/suggestions/{s.id}").status_code == 200, person.username
    leader_page = html(client.get(f"/leaders/{addressee.id}"))
    assert s.title not in leader_page and re.search(r'data-figure="received">\s*0\s*<', leader_page)
    assert s.title not in html(client.get("/")) and s.title not in html(client.get(people["author"].url))

    from webapp.suggestions import services
    services.accept(people["staff"], s)
    db.session.commit()
    assert s.id in listed_ids(html(client.get("/suggestions/")))
    assert client.get(f"/suggestions/{s.id}").status_code == 200
    assert client.get(f"/api/v1/suggestions/{s.id}").status_code == 200


def test_a_refused_or_overdue_unscreened_suggestion_never_becomes_public(app, db, client, make_suggestion, clock):
    refused = make_suggestion(state="not_accepted", title="先审后发：不予受理的建议")
    waiting = make_suggestion(state="submitted", title="先审后发：超过受理期限的建议")
    clock.set_day(waiting.screen_due_date.replace(day=1).replace(year=waiting.screen_due_date.year + 1))
    page = html(client.get("/suggestions/"))
    assert not {refused.id, waiting.id} & listed_ids(page)
    assert client.get(f"/suggestions/{refused.id}").status_code == 404
    # The public filter offers no state that can never match.
    assert 'value="not_accepted"' not in page and 'value="submitted"' not in page
    assert not {refused.id, waiting.id} & listed_ids(html(client.get("/suggestions/?state=not_accepted")))


def test_co_signing_opens_on_acceptance(app, db, make_suggestion, make_user, signed_in):
    from webapp.core.errors import NotFound
    from webapp.suggestions import services

    s = make_suggestion(state="submitted", title="先审后发：联名在受理后开放")
    signer = make_user(username="d1_signer")
    assert not s.collects_signatures
    assert not services.can_support(signer, s)
    with pytest.raises(NotFound):  # not published yet: as if it did not exist
        services.support(signer, s)
    services.accept(make_suggestion.people["staff"], s)
    db.session.commit()
    assert s.collects_signatures and services.can_support(signer, s)
    assert "support-button" in html(signed_in(signer).get(f"/suggestions/{s.id}"))


def test_a_profile_lists_only_what_the_viewer_may_see(app, db, client, make_suggestion, make_user):
    author = make_user(username="d1_profile_author")
    waiting = make_suggestion(author=author, state="submitted", title="先审后发：主页上不应出现")
    shown = make_suggestion(author=author, state="accepted", title="先审后发：主页上应当出现")
    page = html(client.get(author.url))
    assert shown.title in page and waiting.title not in page


# ---------------------------------------------------------------- 2. reassigning; a refused staff action

def _select_options(page, select_id):
    select = page[page.index(f'id="{select_id}"'):]
    select = select[:select.index("</select>")]
    return set(re.findall(r'<option[^>]*value="(\d+)"', select))


def test_reassigning_does_not_offer_the_current_leader(app, db, make_suggestion, make_leader, signed_in):
    current = make_leader(username="d2_current", real_name="张现任")
    other = make_leader(username="d2_other", real_name="李另选")
    s = make_suggestion(state="assigned", leader=current)
    page = html(signed_in(make_suggestion.people["staff"]).get(f"/suggestions/{s.id}"))
    offered = _select_options(page, "assign-leader_id")
    assert str(other.id) in offered and str(current.id) not in offered


def test_a_refused_staff_action_comes_back_to_the_page_with_the_message_and_what_was_typed(
        app, db, make_suggestion, make_leader, signed_in, post_form):
    current = make_leader(username="d2_same", real_name="王同一")
    s = make_suggestion(state="assigned", leader=current)
    client = signed_in(make_suggestion.people["staff"])
    resp = post_form(client, f"/suggestions/{s.id}/assign",
                     {"assign-leader_id": str(current.id), "assign-note": "请抓紧办理这条建议"})
    page = html(resp)
    assert resp.status_code == 409
    assert "该建议已交办给这位领导" in page and "返回首页" not in page
    assert 'id="staff-panel"' in page and "请抓紧办理这条建议" in page
    # A conflict of state (screening twice) also lands on the suggestion's page.
    resp = post_form(client, f"/suggestions/{s.id}/screen", {"decision": "accept", "accept-note": "再次受理"})
    assert resp.status_code == 409
    page = html(resp)
    assert "该建议已经受理过了" in page and s.title in page and "返回首页" not in page


# ---------------------------------------------------------------- 5. staff act as the association

def test_staff_are_the_association_in_notifications_but_named_in_the_audit_log(
        app, db, make_suggestion, make_staff, make_leader, signed_in, api_token):
    from webapp.core.models import AuditLog
    from webapp.suggestions import services

    staff = make_staff(username="wang_xiaomei", display_name="王晓梅")
    first, second = make_leader(username="d5_first"), make_leader(username="d5_second")
    s = make_suggestion(state="submitted", staff=staff)
    refused = make_suggestion(state="submitted", staff=staff, title="工作人员匿名：不予受理的建议")
    services.accept(staff, s)
    services.assign(staff, s, first.id)
    services.assign(staff, s, second.id, note="调整分工")
    services.hide(staff, s, "含个人信息")
    services.refuse(staff, refused, reason_id=services.screening_reasons()[0].id)
    db.session.commit()

    for person in (make_suggestion.people["author"], first, second):
        page = html(signed_in(person).get("/notifications/"))
        assert "通知" in page and "notification-item" in page
        assert "王晓梅" not in page and "wang_xiaomei" not in page, person.username
        assert "来自 科协工作人员" in page
        body = signed_in(person).get("/api/v1/notifications",
                                     headers={"Authorization": f"Bearer {api_token(person)}"}).get_data(as_text=True)
        assert "王晓梅" not in body and "wang_xiaomei" not in body and "科协工作人员" in body
    actors = {a.actor_id for a in AuditLog.query.filter(AuditLog.action.like("suggestion.%"))}
    assert actors == {staff.id}


def test_a_role_granted_by_an_administrator_comes_from_the_association(app, db, make_user, make_admin):
    from webapp.accounts import services as accounts
    from webapp.notifications.models import Notification

    admin = make_admin(username="d5_admin", display_name="管理员张三")
    member = make_user(username="d5_member")
    accounts.grant_role(admin, member, "editor")
    [note] = Notification.query.filter_by(user_id=member.id, kind="role.granted").all()
    assert note.actor_id is None and note.sender_name == "科协工作人员"


# ---------------------------------------------------------------- 6. overdue screening

def test_screening_past_its_date_shows_late_to_the_author_and_on_the_staff_page(
        app, db, make_suggestion, signed_in, clock):
    from datetime import timedelta

    s = make_suggestion(state="submitted")
    author = signed_in(make_suggestion.people["author"])
    staff = signed_in(make_suggestion.people["staff"])
    clock.set_day(s.screen_due_date)
    for client in (author, staff):
        assert "受理超期" not in html(client.get(f"/suggestions/{s.id}"))
    clock.set_day(s.screen_due_date + timedelta(days=1))
    for client in (author, staff):
        page = html(client.get(f"/suggestions/{s.id}"))
        assert 'class="badge text-bg-danger screening-late"' in page and "受理超期" in page
    assert "受理超期" in html(author.get("/suggestions/mine"))
    assert "受理超期" in html(staff.get("/admin/suggestions/"))


# ---------------------------------------------------------------- 7. a page past the end

EMPTY_WORDING = ("还没有公开的建议", "写下第一条建议", "您还没有提交过建议", "没有待答复的建议", "这个队列里没有建议",
                 "暂无通知", "暂无记录", "没有符合条件的用户")


@pytest.mark.parametrize("path", ["/suggestions/", "/suggestions/mine", "/leaders/inbox", "/admin/suggestions/",
                                  "/admin/suggestions/?queue=all", "/notifications/", "/admin/audit", "/admin/users"])
def test_a_page_past_the_end_says_so_and_links_to_the_last_page(app, db, make_suggestion, make_user, signed_in,
                                                               path):
    person = make_user(username="d7_everyone", roles=["member", "staff", "leader"], verified=True)
    s = make_suggestion(author=person, state="submitted")
    from webapp.suggestions import services
    services.accept(make_suggestion.people["staff"], s, leader_id=person.id)  # listed, inboxed, notified, audited
    services.submit(person, "第二条：仍在受理队列中的建议", "正文足够长，用来测试受理队列的分页。",
                    services.categories()[0].id)
    db.session.commit()
    client = signed_in(person)
    first = html(client.get(path))
    assert "page-past-end" not in first
    sep = "&" if "?" in path else "?"
    resp = client.get(f"{path}{sep}page=99")
    page = html(resp)
    assert resp.status_code == 200
    assert "page-past-end" in page and "第 99 页超出了范围（共 1 页）" in page, path
    for wording in EMPTY_WORDING:
        assert wording not in page, (path, wording)
    last = re.search(r'href="([^"]+)" class="page-last-link"', page).group(1).replace("&amp;", "&")
    assert "page=1" in last
    assert "page-past-end" not in html(client.get(last))


# ---------------------------------------------------------------- 9. wording

def _product_text():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    paths = [*root.joinpath("webapp").rglob("*.html"), *root.joinpath("webapp").rglob("*.py"),
             *root.joinpath("content").rglob("*.json")]
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in paths}


@pytest.mark.parametrize("word, instead", [("所致", "致 / 收信领导"), ("向TA", "向该领导提建议"),
                                           ("未予受理", "不予受理"), ("不受理", "不予受理")])
def test_wording_of_the_association(word, instead):
    offenders = [path for path, text in _product_text().items() if word in text]
    assert offenders == [], f"{word} → {instead}"


def test_a_quoted_title_with_quotes_nests_them_as_single_quotes(app, db, make_suggestion):
    from webapp.notifications.models import Notification

    s = make_suggestion(state="not_accepted", title="关于“双一流”建设经费的建议")
    [note] = Notification.query.filter_by(user_id=s.author_id, kind="suggestion.not_accepted").all()
    assert note.title == "您的建议“关于‘双一流’建设经费的建议”不予受理"


def test_the_leader_page_and_the_suggestion_page_use_the_association_wording(app, db, client, make_suggestion,
                                                                            make_leader):
    leader = make_leader(username="d9_leader", real_name="周收信")
    s = make_suggestion(state="accepted", addressee=leader)
    assert "向该领导提建议" in html(client.get(f"/leaders/{leader.id}"))
    facts = html(client.get(f"/suggestions/{s.id}")).split('class="card mb-3 suggestion-facts"')[1]
    assert ">致</span>" in facts


# ---------------------------------------------------------------- 4. leaders' names and pages, profiles

def test_a_verified_leaders_name_leads_to_their_leader_page(app, db, client, make_suggestion, make_leader):
    leader = make_leader(username="d4_leader", real_name="李建国", position="党组书记、常务副主席")
    s = make_suggestion(state="answered", leader=leader)
    author = make_suggestion.people["author"]
    for path in ("/suggestions/", f"/suggestions/{s.id}"):
        page = html(client.get(path))
        assert f'href="/leaders/{leader.id}"' in page, path
        assert f'href="/u/{leader.username}"' not in page, path
    assert f'href="/u/{author.username}"' in html(client.get(f"/suggestions/{s.id}"))  # a member: the profile


def test_a_profile_shows_the_persons_suggestions_and_co_signs_the_viewer_may_see(
        app, db, client, make_suggestion, make_user, signed_in):
    from webapp.suggestions import services

    person = make_user(username="d4_person")
    mine = make_suggestion(author=person, state="accepted", title="个人主页：本人提出的建议")
    private = make_suggestion(author=person, state="accepted", visibility="private", title="个人主页：不公开的建议")
    other = make_suggestion(state="accepted", title="个人主页：联名支持的建议")
    services.support(person, other)
    db.session.commit()
    page = html(client.get(person.url))
    assert mine.title in page and other.title in page and private.title not in page
    assert f'href="/suggestions/{mine.id}"' in page and f'href="/suggestions/{other.id}"' in page
    assert private.title in html(signed_in(person).get(person.url))  # the person sees their own


def test_a_leader_page_writes_to_that_leader(app, db, client, make_leader, make_user, signed_in, suggestion_lists):
    leader = make_leader(username="d4_addressed", real_name="赵收信")
    page = html(client.get(f"/leaders/{leader.id}"))
    link = re.search(r'href="([^"]+)"[^>]*id="write-to-leader"', page).group(1).replace("&amp;", "&")
    form = html(signed_in(make_user(username="d4_writer")).get(link))
    assert re.search(rf'<option selected value="{leader.id}">|<option value="{leader.id}" selected>', form)


# ---------------------------------------------------------------- 11. the verified badge once; no 联名 on closed ones

def test_the_full_verified_badge_shows_once_and_a_compact_mark_elsewhere(app, db, client, make_suggestion,
                                                                        make_leader):
    from webapp.suggestions import services

    leader = make_leader(username="d11_leader", real_name="李建国", position="党组书记、常务副主席")
    s = make_suggestion(state="answered", leader=leader, addressee=leader)
    services.ask_follow_up(s.author, s, "请问何时可以落实？")
    services.answer_follow_up(leader, s, "预计下个月落实。")
    db.session.commit()
    page = html(client.get(f"/suggestions/{s.id}"))
    assert page.count("实名认证 · 李建国 · 党组书记、常务副主席") == 1
    assert page.count('class="verified-mark') >= 3
    assert '<span class="visually-hidden">实名认证</span>' in page
    listing = html(client.get("/suggestions/"))
    assert "实名认证 · 李建国" not in listing and 'class="verified-mark' in listing
    # The leader's own page introduces them with the full badge, once.
    assert html(client.get(f"/leaders/{leader.id}")).count("实名认证 · 李建国 · 党组书记、常务副主席") == 1


def test_a_closed_suggestion_shows_no_co_signing_count(app, db, client, make_suggestion):
    closed = make_suggestion(state="closed", title="已办结、无人联名的建议")
    open_one = make_suggestion(state="accepted", title="受理中、可以联名的建议")
    listing = html(client.get("/suggestions/"))
    row = lambda s: listing[listing.index(f'data-suggestion-id="{s.id}"'):].split("</li>")[0]  # noqa: E731
    assert "联名 0" not in row(closed) and "联名 0" in row(open_one)
    page = html(client.get(f"/suggestions/{closed.id}"))
    assert "cosign-panel" not in page and "/ 100" not in page
    assert "cosign-panel" in html(client.get(f"/suggestions/{open_one.id}"))


# ---------------------------------------------------------------- 3. every filtered link the site builds filters

def _matches(s, name, value):
    if name == "leader_id":
        return s.assigned_leader_id == int(value) or (s.assigned_leader_id is None and s.addressee_id == int(value))
    if name == "category_id":
        return s.category_id == int(value)
    if name == "state":
        return s.state == value
    if name == "answered":
        return (s.state in ("answered", "closed")) == (value in ("true", "1", "yes"))
    raise AssertionError(f"a link filters by {name}, which the list does not read")


def test_every_link_to_a_filtered_list_filters(app, db, make_suggestion, make_leader, suggestion_lists, signed_in):
    from collections import deque
    from urllib.parse import parse_qsl, urlsplit

    from webapp.suggestions.models import Suggestion

    cats = suggestion_lists["categories"]
    a = make_leader(username="d3_a", real_name="甲领导")
    b = make_leader(username="d3_b", real_name="乙领导")
    made = [make_suggestion(state="answered", leader=a, category=cats[0], title="爬取测试：甲已答复"),
            make_suggestion(state="assigned", leader=a, category=cats[1], title="爬取测试：甲办理中"),
            make_suggestion(state="closed", leader=b, category=cats[2], title="爬取测试：乙已办结"),
            make_suggestion(state="accepted", addressee=None, category=cats[3], title="爬取测试：待交办")]
    everyone = {s.id for s in made}
    visitors = [signed_in(make_suggestion.people["author"]), signed_in(make_suggestion.people["staff"])]
    from flask.testing import FlaskClient  # noqa: F401  (an anonymous client too)
    visitors.append(app.test_client())
    starts = ["/", "/suggestions/", "/leaders/", f"/leaders/{a.id}", f"/leaders/{b.id}",
              *[f"/suggestions/{s.id}" for s in made], make_suggestion.people["author"].url, "/suggestions/mine"]
    crawlable = ("/", "/suggestions", "/leaders", "/u/", "/admin/suggestions")
    filtered_links = set()
    for client in visitors:
        seen, todo = set(), deque(starts)
        while todo and len(seen) < 60:
            path = todo.popleft()
            if path in seen:
                continue
            seen.add(path)
            resp = client.get(path)
            if resp.status_code != 200 or "text/html" not in resp.content_type:
                continue
            for href in re.findall(r'href="(/[^"#]*)"', html(resp)):
                href = href.replace("&amp;", "&")
                parts = urlsplit(href)
                if parts.path == "/suggestions/" and parts.query:
                    filtered_links.add(href)
                if any(parts.path == p or parts.path.startswith(p.rstrip("/") + "/") for p in crawlable) \
                        and "/attachments/" not in parts.path:
                    todo.append(href)
    filters = {"leader_id", "category_id", "state", "answered", "leader", "category"}
    checked = 0
    anonymous = visitors[-1]
    for link in sorted(filtered_links):
        query = [(k, v) for k, v in parse_qsl(urlsplit(link).query) if k not in ("page", "per_page", "sort")]
        if not query:
            continue
        listed = {int(i) for i in re.findall(r'data-suggestion-id="(\d+)"', html(anonymous.get(link)))} & everyone
        for name, value in query:
            assert name in filters, f"{link}: the list does not read {name}"
            name = {"leader": "leader_id", "category": "category_id"}.get(name, name)
            for sid in listed:
                assert _matches(db.session.get(Suggestion, sid), name, value), (link, sid)
        expected = {s.id for s in made if all(_matches(s, {"leader": "leader_id", "category": "category_id"}
                                                       .get(k, k), v) for k, v in query)}
        assert listed == expected, link
        checked += 1
    assert checked >= 2, filtered_links  # the leaders' 查看全部 at least


# ---------------------------------------------------------------- 13. dev server noise

def test_the_development_server_starts_without_the_production_warning(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(INSTANCE_DIR=str(tmp_path), PORT=str(port), SOCKETIO_ASYNC_MODE="threading")
    # As `make run` is often started: no terminal on stdin.
    proc = subprocess.Popen([sys.executable, "wsgi.py"], cwd=root, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    assert resp.status == 200
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.time() < deadline, "the development server did not start"
                time.sleep(0.3)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert "appears to be used in a production deployment" not in output, output
    assert "Running on http://127.0.0.1" in output


def test_the_home_pages_login_link_has_no_dangling_question_mark(client):
    page = html(client.get("/"))
    links = re.findall(r'href="(/login[^"]*)"', page)
    assert links and all(not link.endswith("?") and "next=/?" not in link and "%3F" not in link for link in links)
    page = html(client.get("/suggestions/?sort=supported"))
    assert 'href="/login?next=/suggestions/?sort%3Dsupported"' in page
    assert 'href="/login?next=/suggestions/"' in html(client.get("/suggestions/"))


# ---------------------------------------------------------------- missing: the leader's photo and 分工

def _png():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (300, 300), (30, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


def test_staff_edit_a_leaders_responsibilities_and_photo_shown_on_the_leader_page(
        app, db, client, make_leader, make_staff, make_user, signed_in, post_form):
    import io

    from webapp.core.models import AuditLog

    leader = make_leader(username="m_leader", real_name="钱分工")
    staff = make_staff(username="m_staff")
    url = f"/admin/suggestions/leaders/{leader.id}"
    for outsider in (make_user(username="m_member"), leader):
        assert signed_in(outsider).get(url).status_code == 403
    staff_client = signed_in(staff)
    assert "分工" in html(staff_client.get(url))
    # Too long: the form comes back with the problem under the field and what was typed.
    resp = post_form(staff_client, url, {"responsibilities": "长" * 1001})
    assert resp.status_code == 422 and "不能超过 1000 个字" in html(resp)
    resp = staff_client.post(url, data={
        "csrf_token": _csrf(app, staff_client), "responsibilities": "负责学会工作、科普工作和对外联络。",
        "photo": (io.BytesIO(_png()), "照片.png")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.refresh(leader)
    assert leader.avatar_key
    page = html(client.get(f"/leaders/{leader.id}"))
    with app.test_request_context():
        photo = leader.avatar_url("large")
    assert "负责学会工作、科普工作和对外联络。" in page and photo in page and "default-avatar" not in photo
    entry = AuditLog.query.filter_by(action="suggestion.leader_profile").one()
    assert entry.actor_id == staff.id and entry.object_id == leader.id
    # Staff see the way to the form on the leader page; others do not.
    assert f'href="{url}"' in html(staff_client.get(f"/leaders/{leader.id}"))
    assert f'href="{url}"' not in page


def _csrf(app, client):
    from tests.conftest import csrf_token_for

    return csrf_token_for(app, client)


def test_the_api_reads_and_staff_write_a_leaders_responsibilities(app, db, client, make_leader, make_staff,
                                                                   make_user, api_token):
    leader = make_leader(username="m_api_leader", real_name="孙分工")
    staff = {"Authorization": f"Bearer {api_token(make_staff(username='m_api_staff'))}"}
    member = {"Authorization": f"Bearer {api_token(make_user(username='m_api_member'))}"}
    url = f"/api/v1/leaders/{leader.id}/profile"
    assert client.put(url, json={"responsibilities": "分管学术交流。"}).status_code == 401
    assert client.put(url, json={"responsibilities": "分管学术交流。"}, headers=member).status_code == 403
    bad = client.put(url, json={"responsibilities": "长" * 1001}, headers=staff)
    assert bad.status_code == 422 and "responsibilities" in bad.get_json()["error"]["fields"]
    resp = client.put(url, json={"responsibilities": "分管学术交流。"}, headers=staff)
    assert resp.status_code == 200 and resp.get_json()["responsibilities"] == "分管学术交流。"
    [row] = [r for r in client.get("/api/v1/leaders").get_json()["items"] if r["id"] == leader.id]
    assert row["responsibilities"] == "分管学术交流。"
    assert client.get(f"/api/v1/leaders/{leader.id}/stats").status_code == 200


# ---------------------------------------------------------------- missing: navigation, the home page

def test_my_suggestions_in_the_account_menu_and_the_inbox_in_the_navigation_for_leaders(
        app, db, make_user, make_leader, signed_in):
    member_page = html(signed_in(make_user(username="nav_member")).get("/"))
    menu = member_page[member_page.index('class="dropdown-menu'):]
    assert re.search(r'<a class="dropdown-item" href="/suggestions/mine"[^>]*>我的建议</a>', menu)
    assert "/leaders/inbox" not in member_page
    leader_page = html(signed_in(make_leader(username="nav_leader")).get("/"))
    assert re.search(r'<a class="nav-link[^"]*" href="/leaders/inbox" id="nav-leader-inbox"[^>]*>\s*领导信箱', leader_page)


def test_the_home_page_shows_the_latest_answers_and_the_leaders_figures_in_few_queries(
        app, db, client, make_suggestion, make_leader):
    from tests.test_suggestions_web import count_queries

    a = make_leader(username="home_a", real_name="吴答复")
    b = make_leader(username="home_b", real_name="郑办理")
    answered = make_suggestion(state="answered", leader=a, title="首页：已答复的公开建议")
    make_suggestion(state="answered", leader=a, visibility="private", title="首页：已答复的不公开建议")
    make_suggestion(state="assigned", leader=b, title="首页：办理中的建议")
    answered_id, a_id, b_id = answered.id, a.id, b.id
    db.session.expunge_all()
    with count_queries(db) as statements:
        page = html(client.get("/"))
    # A visitor: 6 for the suggestions' answers and figures, plus one each for the forum's,
    # science's and salons' columns; a member adds their account, roles, unread count.
    assert len(statements) <= 6 + 3, statements
    latest = page[page.index('id="home-latest-answers"'):]
    latest = latest[:latest.index("</section>")]
    assert "首页：已答复的公开建议" in latest and "不公开" not in latest and "办理中" not in latest
    assert f'href="/suggestions/{answered_id}"' in latest
    figures = page[page.index('id="home-leaders"'):]
    figures = figures[:figures.index("</section>")]
    assert f'href="/leaders/{a_id}"' in figures and f'href="/leaders/{b_id}"' in figures
    assert "吴答复" in figures and re.search(r'data-figure="answered"[^>]*>\s*2\s*<', figures)
    for title in ("建言献策", "科技社区"):  # the sections are still there
        assert title in page
