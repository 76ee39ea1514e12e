"""Moderation through the services: each action is audited with who and why, illegal ones
are refused, reporters learn the outcome, suspensions end at their date or when lifted."""
from datetime import timedelta

import pytest

from tests.forum_helpers import board, make_reply, make_thread  # noqa: F401  (fixtures)
from webapp.core.errors import Conflict, PermissionDenied, ValidationError
from webapp.core.models import AuditLog
from webapp.extensions import db
from webapp.forum import services
from webapp.forum.models import Board, ReportState
from webapp.notifications.models import Notification


def last_audit(action):
    return AuditLog.query.filter_by(action=action).order_by(AuditLog.id.desc()).first()


def test_hide_and_restore_are_audited_and_resolve_reports(make_thread, make_reply, make_user, make_staff):
    staff = make_staff()
    thread = make_thread()
    author = make_user(verified=True)
    post = make_reply(author, thread, "有问题的帖子")
    reporter = make_user()
    report = services.report(reporter, post, "涉嫌广告")
    assert services.report(reporter, post, "再报一次") is report  # one open report per reporter and post
    services.hide_post(staff, post, "广告内容")
    entry = last_audit("forum.hide_post")
    assert entry.actor_id == staff.id and entry.reason == "广告内容" and entry.object_id == post.id
    assert report.state == ReportState.upheld.value and report.resolved_by_id == staff.id
    outcome = Notification.query.filter_by(user_id=reporter.id, kind="forum.report_outcome").one()
    assert outcome.actor_id is None and outcome.sender_name == "科协工作人员" and "广告内容" in outcome.body
    assert Notification.query.filter_by(user_id=author.id, kind="forum.post_hidden").count() == 1
    with pytest.raises(Conflict):
        services.hide_post(staff, post, "再隐藏")
    services.restore_post(staff, post, "申诉成立")
    assert post.hidden_at is None and last_audit("forum.restore_post").reason == "申诉成立"
    with pytest.raises(Conflict):
        services.restore_post(staff, post)


def test_dismissing_reports_tells_the_reporter(make_thread, make_user, make_staff):
    thread = make_thread()
    first = services.first_post(thread)
    reporter = make_user()
    services.report(reporter, first, "我不同意")
    services.dismiss_reports(make_staff(), first, "观点分歧，不属违规")
    note = Notification.query.filter_by(user_id=reporter.id, kind="forum.report_outcome").one()
    assert "未发现违规" in note.title and last_audit("forum.dismiss_report").reason == "观点分歧，不属违规"
    with pytest.raises(Conflict):
        services.dismiss_reports(make_staff(), first)
    assert services.open_reports() == []


def test_hiding_needs_a_reason_and_staff(make_thread, make_user, make_staff):
    post = services.first_post(make_thread())
    with pytest.raises(ValidationError):
        services.hide_post(make_staff(), post, "")
    with pytest.raises(PermissionDenied):
        services.hide_post(make_user(), post, "不是工作人员")
    with pytest.raises(Conflict):
        services.report(post.author, post, "举报自己")


def test_lock_pin_move_refuse_illegal_transitions_and_keep_counts(make_thread, make_staff, board):
    staff = make_staff()
    thread = make_thread()
    for do, undo in ((services.lock, services.unlock), (services.pin, services.unpin)):
        with pytest.raises(Conflict):
            undo(staff, thread)
        do(staff, thread, "理由")
        with pytest.raises(Conflict):
            do(staff, thread)
        undo(staff, thread)
    other = Board(slug="earth", name="地球科学", group_name="地球科学")
    db.session.add(other)
    db.session.flush()
    services.move(staff, thread, other.id, "更适合地球科学版")
    assert (board.thread_count, other.thread_count, other.post_count) == (0, 1, 1)
    assert last_audit("forum.move_thread").data == {"from": board.id, "to": other.id}
    with pytest.raises(Conflict):
        services.move(staff, thread, other.id)
    with pytest.raises(ValidationError):
        services.move(staff, thread, 999999)


def test_suspension_until_a_date_and_lifting_it(make_thread, make_user, make_staff, clock):
    staff = make_staff()
    user = make_user(verified=True)
    thread = make_thread()
    with pytest.raises(ValidationError):
        services.suspend(staff, user, clock.now - timedelta(hours=1), "过去的时间")
    with pytest.raises(ValidationError):
        services.suspend(staff, user, clock.now + timedelta(days=1), "")
    services.suspend(staff, user, clock.now + timedelta(days=7), "人身攻击")
    assert last_audit("forum.suspend_user").object_id == user.id
    assert Notification.query.filter_by(user_id=user.id, kind="forum.suspended").count() == 1
    for action in (lambda: services.reply(user, thread, "被禁言时回复"),
                   lambda: services.start_thread(user, thread.board, "被禁言时发帖", "正文"),
                   lambda: services.like(user, services.first_post(thread))):
        with pytest.raises(PermissionDenied):
            action()
    services.lift_suspension(staff, user, "已道歉")
    services.rules.forget_suspensions()
    services.reply(user, thread, "解除后可以回复")
    assert last_audit("forum.lift_suspension").reason == "已道歉"
    with pytest.raises(Conflict):
        services.lift_suspension(staff, user)
