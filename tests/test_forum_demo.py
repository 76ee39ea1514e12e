"""The forum's demo loader: the content/forum/ format replayed through the services,
idempotent, and the real corpus (when present) meets the issue's figures."""
from pathlib import Path

import pytest

from webapp.core.models import AuditLog
from webapp.extensions import db
from webapp.forum import demo, services
from webapp.forum.models import Board, Post, PostLike, Thread
from webapp.notifications.models import Notification

SAMPLE = Path(__file__).parent / "data" / "forum_sample"


@pytest.fixture
def demo_accounts(app):
    from webapp.accounts.cli import seed_accounts

    seed_accounts()
    db.session.commit()


def test_parse_thread_file_reads_front_matter_and_replies():
    meta, first, replies = demo.parse_thread_file(SAMPLE / "threads/math/01-gauss-integral.md")
    assert meta["kind"] == "question" and meta["accepted"] == 1 and meta["tags"] == ["数学分析", "积分"]
    assert first.startswith("课本上") and len(replies) == 2
    assert replies[0]["author"] == "sample_wang" and replies[0]["likes"] == ["member3", "member2"]
    assert replies[1]["quote"] == 1 and replies[1]["after"].days == 1 and "@member3" in replies[1]["body"]


def test_sample_corpus_is_replayed_through_the_services_once(app, demo_accounts):
    line = demo.load_directory(SAMPLE)
    db.session.commit()
    assert "2 boards, 3 threads, 7 posts" in line and "sample_wang" in line
    assert Board.query.count() == 2 and Thread.query.count() == 3 and Post.query.count() == 7
    question = Thread.query.filter(Thread.title.like("高斯积分%")).one()
    answer = Post.query.filter_by(thread_id=question.id, number=1).one()
    assert question.accepted_post_id == answer.id and answer.like_count == 2
    assert '<div class="math-display">I^2' in answer.body_html
    quoting = Post.query.filter_by(thread_id=question.id, number=2).one()
    assert quoting.quote_post_id == answer.id and "<blockquote>" in quoting.body_html
    member3 = db.session.scalar(db.select(__import__("webapp.accounts.models", fromlist=["User"]).User)
                                .filter_by(username="member3"))
    kinds = {n.kind for n in Notification.query.filter_by(user_id=member3.id)}
    assert {"forum.mention", "forum.reply"} <= kinds
    rules_thread = Thread.query.filter(Thread.title.like("物理学版块规则%")).one()
    fft = Thread.query.filter(Thread.title.like("用 numpy%")).one()
    assert rules_thread.pinned and fft.locked and fft.lock_reason == "讨论已充分，转入线下沙龙。"
    assert "language-python" in services.first_post(fft).body_html
    # Timestamps: before now, replies after their thread, in order.
    posts = Post.query.filter_by(thread_id=question.id).order_by(Post.number).all()
    assert [p.created_at for p in posts] == sorted(p.created_at for p in posts)
    assert {a.action for a in AuditLog.query.filter(AuditLog.action.like("forum.%"))} >= {
        "forum.pin_thread", "forum.lock_thread", "forum.create_board"}
    likes = PostLike.query.count()
    assert demo.load_directory(SAMPLE).startswith("forum: 0 boards, 0 threads")
    assert Thread.query.count() == 3 and PostLike.query.count() == likes


def test_the_real_corpus_when_present(app, demo_accounts):
    root = demo.CONTENT
    if not (root / "boards.yaml").exists():
        pytest.skip("content/forum/ is written by the forumtext helper")
    demo.load_directory(root)
    assert Board.query.count() >= 10 and Thread.query.count() >= 60
    assert Thread.query.filter(Thread.locked.is_(True)).count() >= 1
    assert Thread.query.filter(Thread.accepted_post_id.isnot(None)).count() >= 1
