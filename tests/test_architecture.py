"""The shape every capability follows: one transaction per action, one rule per action,
one visibility definition for SQL and Python, modules that import on their own."""
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from webapp.core.errors import Conflict

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_imports_alone():
    """Each module of webapp/ imports in an interpreter where no other webapp module is loaded yet."""
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (ROOT / "webapp").rglob("*.py")
    )
    script = (
        "import importlib, sys, traceback\n"
        f"modules = {modules!r}\n"
        "failed = []\n"
        "for name in modules:\n"
        "    for loaded in [m for m in sys.modules if m == 'webapp' or m.startswith('webapp.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failed.append((name, traceback.format_exc(limit=3)))\n"
        "for name, tb in failed:\n"
        "    print(name, tb)\n"
        "sys.exit(1 if failed else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "webapp.suggestions.services.rules" in modules and len(modules) > 40


def test_services_never_commit():
    """Services flush; the unit of work of the request or command commits."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "webapp").rglob("*.py")
                 if ("services" in p.parts or p.name == "services.py") and "session.commit(" in p.read_text()]
    assert offenders == []


# ---------------------------------------------------------------- one transaction per action

def test_two_services_in_one_action_commit_together_or_not_at_all(app, db, make_user, make_suggestion):
    """A grant then a failing transition in one unit of work: neither is kept, and the
    notification queued by the first is never sent."""
    from webapp.accounts import services as accounts
    from webapp.accounts.models import Role
    from webapp.core.db import after_commit
    from webapp.core.uow import unit_of_work
    from webapp.notifications.models import Notification
    from webapp.suggestions import services

    admin = make_user(username="uow_admin", roles=["member", "admin"])
    member = make_user(username="uow_member")
    suggestion = make_suggestion(state="closed")
    sent = []
    with pytest.raises(Conflict), unit_of_work():
        accounts.grant_role(admin, member, Role.editor)
        after_commit(db.session(), lambda: sent.append("pushed"))
        services.close(make_suggestion.people["staff"], suggestion)  # already closed: refused
    db.session.expire_all()
    assert not member.has_role(Role.editor)
    assert Notification.query.filter_by(user_id=member.id, kind="role.granted").count() == 0
    assert sent == []

    with unit_of_work():
        accounts.grant_role(admin, member, Role.editor)
        after_commit(db.session(), lambda: sent.append("pushed"))
    db.session.expire_all()
    assert member.has_role(Role.editor) and sent == ["pushed"]
    assert Notification.query.filter_by(user_id=member.id, kind="role.granted").count() == 1


def test_a_refused_page_action_writes_nothing(app, db, make_suggestion, login, post_form, make_client):
    """A form re-rendered with the service's error (422) is rolled back by the unit of work."""
    from webapp.core.models import AuditLog
    from webapp.suggestions.models import Suggestion

    s = make_suggestion(state="submitted")
    client = make_client()
    login(client, make_suggestion.people["staff"])
    audits = AuditLog.query.count()
    resp = post_form(client, f"/suggestions/{s.id}/screen", {"decision": "reject", "reject-reason_id": "",
                                                             "reject-note": "缺少理由"})
    assert resp.status_code == 422
    db.session.expire_all()
    assert db.session.get(Suggestion, s.id).state == "submitted" and AuditLog.query.count() == audits


def test_files_written_for_a_rolled_back_action_are_removed(app, db, make_user, suggestion_lists):
    """An attachment stored by `submit` disappears again when the action's transaction rolls back."""
    import io

    from PIL import Image

    from webapp.core.uow import unit_of_work
    from webapp.suggestions import services

    author = make_user(username="uow_author")
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buf, "PNG")
    buf.seek(0)
    folder = Path(app.config["UPLOAD_DIR"]) / services.ATTACHMENT_KIND
    with pytest.raises(RuntimeError), unit_of_work():
        s = services.submit(author, "关于附件回滚的测试建议", "正文足够长，用来测试附件在回滚后被删除。",
                            suggestion_lists["categories"][0].id, attachments=[(buf, "图.png")])
        [stored] = list(folder.iterdir())
        assert stored.name == s.attachments[0].storage_key + ".part"  # staged until the commit
        raise RuntimeError("the action fails after the file was written")
    assert list(folder.iterdir()) == []


def test_bearer_bookkeeping_writes_at_most_once_a_minute(app, db, client, make_user, api_token, clock):
    from webapp.accounts.models import ApiToken

    user = make_user(username="uow_token")
    headers = {"Authorization": f"Bearer {api_token(user)}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    first = db.session.query(ApiToken.last_used_at).filter_by(user_id=user.id).scalar()
    clock.set(clock.now.replace(second=30))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert db.session.query(ApiToken.last_used_at).filter_by(user_id=user.id).scalar() == first
    clock.set(clock.now.replace(minute=clock.now.minute + 2))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert db.session.query(ApiToken.last_used_at).filter_by(user_id=user.id).scalar() == clock.now


# ---------------------------------------------------------------- one visibility definition

SUGGESTION_STATES = ["submitted", "not_accepted", "accepted", "assigned", "answered", "closed"]
VIEWER_KINDS = ["anonymous", "member", "author", "addressee", "assignee", "staff", "admin", "other_leader"]


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_visibility_filter_and_predicate_agree(app, db, make_user, make_suggestion, kind):
    """For each viewer kind, every state × public/private × hidden or not: the SQL filter
    lists a suggestion exactly when the Python predicate lets the viewer see it."""
    from webapp.suggestions import services
    from webapp.suggestions.models import Suggestion

    author = make_user(username="vis_author")
    addressee = make_user(username="vis_addressee", roles=["member", "leader"], verified=True)
    assignee = make_user(username="vis_assignee", roles=["member", "leader"], verified=True)
    built = []
    for state, visibility, hidden in itertools.product(SUGGESTION_STATES, ["public", "private"], [False, True]):
        s = make_suggestion(author=author, state=state, visibility=visibility, addressee=addressee,
                            leader=assignee, title=f"可见性测试：{state} {visibility} {hidden}")
        if hidden:
            services.hide(make_suggestion.people["staff"], s, "测试隐藏")
        built.append(s)
    db.session.commit()
    viewer = {
        "anonymous": lambda: None,
        "member": lambda: make_user(username="vis_member"),
        "author": lambda: author,
        "addressee": lambda: addressee,
        "assignee": lambda: assignee,
        "staff": lambda: make_suggestion.people["staff"],
        "admin": lambda: make_user(username="vis_admin", roles=["member", "admin"]),
        "other_leader": lambda: make_user(username="vis_leader", roles=["member", "leader"], verified=True),
    }[kind]()
    ids = {s.id for s in built}
    listed = {sid for (sid,) in db.session.query(Suggestion.id).filter(
        Suggestion.id.in_(ids), Suggestion.is_visible_to(viewer))}
    for s in built:
        assert (s.id in listed) == s.is_visible_to(viewer) == services.can_view(viewer, s), s.title
    assert len(built) == 24
    # The rule is not trivial: the public sees part, the parties and staff more.
    public = {s.id for s in built if s.is_visible_to(None)}
    assert 0 < len(public) < len(ids)
    if kind in ("author", "addressee", "staff", "admin"):
        assert listed == ids
    elif kind == "assignee":  # once assigned, and only then
        assert public < listed < ids
    else:
        assert listed == public


# ---------------------------------------------------------------- one rule per action

class _Undo(Exception):
    """Raised to roll a savepoint back after an allowed call."""


def test_permissions_are_exactly_the_rules_the_services_enforce(app, db, make_user, make_suggestion):
    """For every action the page and API expose, the flag is true exactly when the service
    call would be allowed (checked by calling it inside a rolled-back savepoint)."""
    from webapp.core.errors import ServiceError
    from webapp.suggestions import services

    people = make_suggestion.people
    s_states = {state: make_suggestion(state=state) for state in ("submitted", "accepted", "assigned",
                                                                   "answered", "closed")}
    users = [None, people["author"], people["staff"], people["leader"], make_user(username="perm_member")]
    other_leader = make_user(username="perm_leader", roles=["member", "leader"], verified=True)
    calls = {
        "support": lambda u, s: services.support(u, s),
        "screen": lambda u, s: services.accept(u, s),
        "assign": lambda u, s: services.assign(u, s, other_leader.id),
        "answer": lambda u, s: services.save_answer(u, s, "这是一条足够长的答复内容，用于测试。"),
        "follow_up": lambda u, s: services.ask_follow_up(u, s, "请问何时能落实？"),
        "rate": lambda u, s: services.rate(u, s, "satisfied"),
        "close": lambda u, s: services.close(u, s),
        "edit": lambda u, s: services.edit(u, s, title="修改后的建议标题足够长"),
        "withdraw": lambda u, s: services.withdraw(u, s),
        "withdraw_support": lambda u, s: services.withdraw_support(u, s),
        "recategorise": lambda u, s: services.recategorise(
            u, s, next(c.id for c in services.categories() if c.id != s.category_id)),
    }
    signer = users[-1]
    for s in s_states.values():
        if services.can_support(signer, s):
            services.support(signer, s)  # so withdrawing a co-signature is sometimes allowed
    compared = 0
    for (state, s), user in itertools.product(s_states.items(), users):
        flags = services.permissions(user, s)
        for action, call in calls.items():
            try:
                with db.session.begin_nested():
                    call(user, s)
                    raise _Undo
            except _Undo:
                allowed = True
            except ServiceError:
                allowed = False
            db.session.expire_all()
            assert flags[f"can_{action}"] == allowed, (state, getattr(user, "username", None), action)
            compared += 1
    assert compared == 5 * 5 * len(calls)


def test_after_commit_waits_for_the_real_commit_not_a_savepoint(app, db, make_user, make_suggestion, outbox):
    """A mail queued before a service's savepoint (co-signing uses one) goes out only when the
    action commits — and never if it is rolled back."""
    from webapp.core.mail import send_mail
    from webapp.suggestions import services

    signer = make_user(username="uow_signer")
    s = make_suggestion(state="accepted")
    send_mail("someone@example.org", "测试", "正文")
    assert services.support(signer, s) is True  # releases a savepoint inside
    assert outbox() == []
    db.session.rollback()
    assert outbox() == []
    send_mail("someone@example.org", "测试", "正文")
    services.support(signer, s)
    db.session.commit()
    assert len(outbox()) == 1


def test_one_failing_callback_does_not_stop_the_others(app, db):
    from webapp.core.db import after_commit

    ran = []

    def broken():
        raise RuntimeError("push service down")

    after_commit(db.session(), broken)
    after_commit(db.session(), lambda: ran.append("mail"))
    db.session.commit()
    assert ran == ["mail"]


def test_a_proof_stored_for_a_rolled_back_application_is_removed(app, db, make_user):
    import io

    from PIL import Image

    from webapp.accounts import services

    user = make_user(username="uow_applicant")
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 80, 150)).save(buf, "PNG")
    buf.seek(0)
    folder = Path(app.config["UPLOAD_DIR"]) / "proofs"
    services.apply_for_verification(user, "王测试", "某研究所", "研究员", buf)
    assert len(list(folder.iterdir())) == 1
    db.session.rollback()
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("path", ["/suggestions/", "/notifications/", "/admin/users", "/admin/audit",
                                  "/leaders/inbox", "/suggestions/mine"])
def test_a_page_number_no_offset_reaches_is_past_the_end(app, make_user, login, make_client, path):
    client = make_client()
    login(client, make_user(username="pager", roles=["member", "staff", "leader"]))
    assert client.get(f"{path}?page=99999999999999999999").status_code == 200
