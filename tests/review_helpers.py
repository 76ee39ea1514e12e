"""Factories for the review tests: a call, reviewers with expertise, PDFs, submissions."""
import io
from datetime import datetime, timedelta

import pytest

OPENS = datetime(2026, 9, 1, 0, 0)
CLOSES = datetime(2026, 10, 1, 0, 0)
DUE = datetime(2026, 10, 20, 0, 0)
IN_WINDOW = "2026-09-15T02:00"
IN_REVIEW = "2026-10-05T02:00"


def pdf_bytes(author=None, pages=1):
    from pypdf import PdfWriter

    from webapp.review.services import minimal_pdf

    if pages == 1:
        return minimal_pdf(["Anonymous manuscript", "Results and discussion"], author=author, title="Manuscript")
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if author:
        writer.add_metadata({"/Author": author})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture
def review_env(app, make_user, make_staff, clock):
    """A request context, a staff organiser, and `env.call(**kw)`, `env.reviewer(name, tags, **kw)`,
    `env.submit(call, author, **kw)` building through the services."""
    from webapp.extensions import db
    from webapp.review import services

    ctx = app.test_request_context("/")
    ctx.push()
    clock.set(IN_WINDOW)

    class Env:
        organiser = make_staff("rv_staff")

        def call(self, **kw):
            args = {"title": "2026 年度优秀科技论文评选", "kind": "paper_award", "anonymity": "double_blind",
                    "submission_opens": OPENS, "submission_closes": CLOSES, "review_due": DUE,
                    "reviewers_per_submission": 2, "max_load": 5}
            args.update(kw)
            call = services.create_call(self.organiser, **args)
            db.session.flush()
            return call

        def reviewer(self, name, tags=(), institution="", email=None, **kw):
            user = make_user(name, roles=["member", "reviewer"], institution=institution, email=email,
                             display_name=kw.pop("display_name", f"专家{name}"), **kw)
            if tags:
                services.save_profile(user, list(tags), [])
            return user

        def submit(self, call, author, title="面向城市内涝的多源数据融合预警方法", keywords=("水文", "深度学习"),
                   authors=None, pdf=None, conflicts=(), discipline=""):
            authors = authors or [{"name": author.display_name, "institution": author.institution or "",
                                   "email": author.email}]
            return services.submit(author, call, title, "本文提出一种融合雨量站、雷达与社交媒体数据的内涝预警方法，"
                                   "在三个城市的实测数据上验证了有效性。", list(keywords), discipline, authors,
                                   io.BytesIO(pdf or pdf_bytes()), conflicts=conflicts)

    yield Env()
    ctx.pop()


def as_user(client, user):
    """Log `client` in as `user` by the session (no form round trip)."""
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.session_version}"
        session["_fresh"] = True
    return client


__all__ = ["CLOSES", "DUE", "IN_REVIEW", "IN_WINDOW", "OPENS", "as_user", "pdf_bytes", "review_env", "timedelta"]
