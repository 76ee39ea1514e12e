"""The forum's rules, through its services: posting, quoting, editing with history, likes,
mentions, subscriptions and mute, read tracking, accepted answers, anti-spam."""
import pytest

from tests.forum_helpers import board, make_reply, make_thread  # noqa: F401  (fixtures)
from webapp.core.errors import Conflict, PermissionDenied, RateLimited, ValidationError
from webapp.extensions import db
from webapp.forum import services
from webapp.forum.models import PostRevision, Subscription
from webapp.notifications.models import Notification


def notes(user, kind=None):
    q = Notification.query.filter_by(user_id=user.id)
    if kind:
        q = q.filter_by(kind=kind)
    return q.all()


def test_start_thread_and_reply_number_posts_and_update_counts(make_thread, make_reply, make_user, board):
    thread = make_thread(title="一个关于拓扑绝缘体的问题", tags=["凝聚态", "凝聚态", " 拓扑 "])
    assert thread.post_count == 1 and thread.tags == ["凝聚态", "拓扑"]
    first = services.first_post(thread)
    assert first.number == 0 and '<span class="math-inline">T_2</span>' in first.body_html
    other = make_user(verified=True)
    r1 = make_reply(other, thread)
    r2 = make_reply(other, thread, "第二条回复。")
    assert (r1.number, r2.number) == (1, 2)
    assert thread.post_count == 3 and thread.reply_count == 2
    assert board.thread_count == 1 and board.post_count == 3
    assert thread.last_poster_id == other.id


def test_thread_fields_are_validated_all_at_once(make_user, board):
    user = make_user(verified=True)
    with pytest.raises(ValidationError) as exc:
        services.start_thread(user, board, "短", "", ["a" * 21], "poll")
    assert set(exc.value.fields) == {"title", "body", "tags", "kind"}
    with pytest.raises(ValidationError) as exc:
        services.start_thread(user, board, "五个标签太多了", "正文内容", ["a", "b", "c", "d", "e"])
    assert "tags" in exc.value.fields


def test_quote_links_back_and_notifies_the_quoted_author(make_thread, make_reply, make_user):
    asker = make_user(verified=True)
    thread = make_thread(asker, body="原帖的内容\n第二行")
    first = services.first_post(thread)
    replier = make_user(verified=True, display_name="王回复")
    post = make_reply(replier, thread, "我同意。", quote=first)
    assert post.quote_post_id == first.id
    assert post.body.startswith(f"> **{asker.display_name}** 在 [#0](/forum/posts/{first.id}) 中写道：")
    assert "> 原帖的内容" in post.body and post.body.endswith("我同意。")
    assert f'href="/forum/posts/{first.id}"' in post.body_html and "<blockquote>" in post.body_html
    assert [n.kind for n in notes(asker)] == ["forum.quoted"]


def test_quote_of_a_post_of_another_thread_is_refused(make_thread, make_user):
    a, b = make_thread(), make_thread(title="另一个主题标题")
    with pytest.raises(ValidationError) as exc:
        services.reply(make_user(verified=True), b, "引用别处", services.first_post(a).id)
    assert "quote_post_id" in exc.value.fields


def test_edit_keeps_every_revision_and_marks_edited(make_thread, make_user):
    author = make_user(verified=True)
    thread = make_thread(author, body="第一版内容")
    post = services.first_post(thread)
    services.edit_post(author, post, "第二版内容", title="改过的主题标题", tags=["新标签"])
    services.edit_post(author, post, "第三版内容")
    db.session.commit()
    assert post.edited and post.body == "第三版内容" and thread.title == "改过的主题标题" and thread.tags == ["新标签"]
    revisions = services.revisions(author, post)
    assert [r.body for r in revisions] == ["第二版内容", "第一版内容"]
    with pytest.raises(PermissionDenied):
        services.edit_post(make_user(verified=True), post, "别人改")
    with pytest.raises(PermissionDenied):
        services.revisions(make_user(), post)


def test_staff_view_history(make_thread, make_user, make_staff):
    author = make_user(verified=True)
    post = services.first_post(make_thread(author, body="原来的内容"))
    services.edit_post(author, post, "新的内容")
    assert [r.body for r in services.revisions(make_staff(), post)] == ["原来的内容"]
    assert db.session.query(PostRevision).count() == 1


def test_soft_delete_by_the_author_only(make_thread, make_reply, make_user):
    thread = make_thread()
    author = make_user(verified=True)
    post = make_reply(author, thread)
    with pytest.raises(PermissionDenied):
        services.delete_post(make_user(), post)
    services.delete_post(author, post)
    assert post.deleted_at is not None and post.body  # kept, only marked
    with pytest.raises(Conflict):
        services.delete_post(author, post)


def test_likes_are_one_per_user_and_idempotent(make_thread, make_user):
    author = make_user(verified=True)
    post = services.first_post(make_thread(author))
    fan = make_user()
    assert services.like(fan, post) is True
    assert services.like(fan, post) is False
    assert post.like_count == 1
    assert services.unlike(fan, post) is True and services.unlike(fan, post) is False
    assert post.like_count == 0
    with pytest.raises(Conflict) as exc:
        services.like(author, post)
    assert exc.value.code == "own_post"


def test_mentions_notify_the_mentioned_user_once(make_thread, make_reply, make_user):
    thread = make_thread()
    zhang = make_user("zhang_san")
    writer = make_user(verified=True)
    make_reply(writer, thread, "请 @zhang_san 看看，@zhang_san 还有 @nobody_here 和我自己 @" + writer.username)
    mentions = notes(zhang, "forum.mention")
    assert len(mentions) == 1 and mentions[0].actor_id == writer.id and "/forum/threads/" in mentions[0].link
    assert notes(writer, "forum.mention") == []


def test_subscribers_are_notified_of_replies_until_they_mute(make_thread, make_reply, make_user):
    asker = make_user(verified=True)
    thread = make_thread(asker)
    a, b = make_user(verified=True), make_user(verified=True)
    make_reply(a, thread)
    assert len(notes(asker, "forum.reply")) == 1  # the starter is subscribed
    make_reply(b, thread)
    assert len(notes(asker, "forum.reply")) == 2 and len(notes(a, "forum.reply")) == 1  # repliers too
    services.mute(asker, thread)
    make_reply(asker, thread, "我再补充一句。")  # replying again does not undo the mute
    make_reply(b, thread, "再回复一次。")
    assert len(notes(asker, "forum.reply")) == 2
    assert len(notes(a, "forum.reply")) == 3
    services.subscribe(asker, thread)
    make_reply(a, thread, "第三次回复。")
    assert len(notes(asker, "forum.reply")) == 3


def test_a_reader_is_not_subscribed_by_reading(make_thread, make_reply, make_user):
    thread = make_thread()
    reader = make_user()
    services.mark_read(reader, thread, 0)
    make_reply(make_user(verified=True), thread)
    assert notes(reader) == []


def test_read_tracking_marks_unread_and_opens_at_first_unread(make_thread, make_reply, make_user):
    thread = make_thread()
    reader = make_user()
    replier = make_user(verified=True)
    for i in range(3):
        make_reply(replier, thread, f"回复 {i}")
    sub = services.subscription_of(reader, thread)
    assert sub is None and services.first_unread_number(sub, thread) == 0
    sub = services.mark_read(reader, thread, 2)
    assert services.has_unread(sub, thread) and services.first_unread_number(sub, thread) == 3
    services.mark_read(reader, thread, 1)  # going back does not unread
    assert sub.last_read_number == 2
    services.mark_read(reader, thread, 99)  # capped at the last post
    assert sub.last_read_number == 3 and not services.has_unread(sub, thread)
    make_reply(replier, thread, "新回复")
    assert services.has_unread(sub, thread) and services.first_unread_number(sub, thread) == 4


def test_only_the_asker_accepts_one_answer_of_a_question(make_thread, make_reply, make_user):
    asker = make_user(verified=True)
    question = make_thread(asker, kind="question", title="这个积分怎么算？")
    answerer = make_user(verified=True)
    a1, a2 = make_reply(answerer, question, "答案一"), make_reply(answerer, question, "答案二")
    with pytest.raises(PermissionDenied):
        services.accept(answerer, a1)
    with pytest.raises(Conflict):
        services.accept(asker, services.first_post(question))
    services.accept(asker, a1)
    services.accept(asker, a2)
    assert question.accepted_post_id == a2.id
    assert len(notes(answerer, "forum.accepted")) == 2
    discussion = make_thread(asker)
    reply = make_reply(answerer, discussion)
    with pytest.raises(Conflict) as exc:
        services.accept(asker, reply)
    assert exc.value.code == "not_a_question"


def test_new_unverified_accounts_cannot_post_links_until_approved_posts(app, make_thread, make_reply, make_user):
    newcomer = make_user()
    thread = make_thread()
    for body in ("看 https://example.org", "[链接](http://evil.example)", "www.example.com 上有", "![x](https://a.b/c.png)"):
        with pytest.raises(ValidationError) as exc:
            services.reply(newcomer, thread, body)
        assert exc.value.code == "links_not_allowed" and "body" in exc.value.fields
    make_reply(newcomer, thread, "图 ![图](/forum/uploads/abc.png) 可以")  # our own uploads are no link
    for i in range(app.config["FORUM_LINK_MIN_POSTS"] - 1):
        make_reply(newcomer, thread, f"普通回复 {i}")
    make_reply(newcomer, thread, "现在可以了 https://example.org")
    expert = make_user(verified=True)
    make_reply(expert, thread, "实名用户直接发 https://example.org")


def test_unverified_accounts_are_rate_limited_per_account(app, make_thread, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_NEW_POST_LIMIT", 2)
    thread = make_thread()
    newcomer = make_user()
    services.reply(newcomer, thread, "第一条")
    services.reply(newcomer, thread, "第二条")
    with pytest.raises(RateLimited) as exc:
        services.reply(newcomer, thread, "第三条")
    assert exc.value.retry_after > 0
    expert = make_user(verified=True)
    for i in range(4):
        services.reply(expert, thread, f"实名用户第 {i} 条")


def test_suspended_and_forum_suspended_users_are_refused(make_thread, make_user, make_staff, clock):
    from datetime import timedelta

    thread = make_thread()
    user = make_user(verified=True)
    staff = make_staff()
    services.suspend(staff, user, clock.now + timedelta(days=3), "多次发布广告")
    with pytest.raises(PermissionDenied) as exc:
        services.reply(user, thread, "还能发吗")
    assert exc.value.code == "forum_suspended"
    clock.set(clock.now + timedelta(days=3, minutes=1))
    services.rules.forget_suspensions()
    services.reply(user, thread, "禁言期满可以发了")
    user.suspended_at = clock.now
    with pytest.raises(PermissionDenied) as exc:
        services.reply(user, thread, "账号停用")
    assert exc.value.code == "account_suspended"


def test_locked_thread_refuses_replies_with_thread_locked(make_thread, make_user, make_staff):
    thread = make_thread()
    services.lock(make_staff(), thread, "讨论已充分")
    with pytest.raises(Conflict) as exc:
        services.reply(make_user(verified=True), thread, "还想说")
    assert exc.value.code == "thread_locked" and exc.value.status == 409


def test_views_are_counted_without_a_write_and_flushed_later(make_thread):
    thread = make_thread()
    services.counters.flush_views()
    for _ in range(3):
        services.counters.count_view(thread.id)
    assert thread.view_count == 0 and services.counters.pending(thread.id) == 3
    services.counters.flush_views()
    db.session.refresh(thread)
    assert thread.view_count == 3 and services.counters.pending(thread.id) == 0


def test_subscription_rows_are_unique_per_user_and_thread(make_thread, make_reply, make_user):
    thread = make_thread()
    user = make_user(verified=True)
    make_reply(user, thread)
    make_reply(user, thread, "再一条")
    services.set_bookmark(user, thread)
    assert db.session.query(Subscription).filter_by(user_id=user.id).count() == 1
    assert services.bookmarks(user) == [thread]
