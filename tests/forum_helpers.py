"""Fixtures of the forum tests: boards and threads made through the services."""
import pytest


@pytest.fixture
def board(app):
    from webapp.extensions import db
    from webapp.forum.models import Board

    b = Board(slug="physics", name="物理学", description="凝聚态、量子与光学", group_name="数理", position=1)
    db.session.add(b)
    db.session.commit()
    return b


@pytest.fixture
def make_thread(app, board, make_user):
    """make_thread(author, title=..., body=..., kind=..., tags=...) → a thread started through the service
    (the author is made a verified member unless given, so anti-spam limits stay out of the way)."""
    from webapp.core import ratelimit
    from webapp.extensions import db
    from webapp.forum import services

    def factory(author=None, title="如何理解量子退相干时间", body="请教 $T_2$ 与 $T_2^*$ 的区别。", kind="discussion",
                tags=("量子计算",), on=None):
        author = author or make_user(verified=True)
        thread = services.start_thread(author, on or board, title, body, list(tags), kind)
        ratelimit.reset(f"forum-post:{author.id}")
        db.session.commit()
        return thread

    return factory


@pytest.fixture
def make_reply(app):
    from webapp.core import ratelimit
    from webapp.extensions import db
    from webapp.forum import services

    def factory(author, thread, body="这是一条回复，内容足够。", quote=None):
        post = services.reply(author, thread, body, getattr(quote, "id", quote))
        ratelimit.reset(f"forum-post:{author.id}")
        db.session.commit()
        return post

    return factory


def forum_objects(author):
    """(board, thread, first post) for the shared API walks: made through the services and committed."""
    from webapp.extensions import db
    from webapp.forum import services
    from webapp.forum.models import Board

    board = Board(slug=f"walk-{author.id}", name="走查版块", group_name="数理")
    db.session.add(board)
    db.session.flush()
    thread = services.start_thread(author, board, "走查用的主题", "走查用的正文", ["走查"], "question")
    db.session.commit()
    return board, thread, services.first_post(thread)
