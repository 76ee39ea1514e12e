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


def review_site(people, ids, make_user):
    """Review objects for tests/test_accessibility.py (committed, in real time): a call open now
    with a submission assigned to a reviewer, and a decided call with a published result."""
    from flask import current_app

    from webapp.core.db import utcnow
    from webapp.extensions import db
    from webapp.review import services

    reviewer = make_user("a11y_reviewer", roles=["member", "reviewer"], display_name="评审专家甲")
    people["reviewer"] = reviewer
    now = utcnow()
    staff, author = people["staff"], people["author"]
    authors = [{"name": author.display_name, "institution": "某研究院", "email": author.email}]
    with current_app.test_request_context("/"):
        open_call = services.create_call(staff, "2026 年度优秀科技论文评选", "paper_award", "double_blind",
                                         now - timedelta(days=1), now + timedelta(days=10), now + timedelta(days=30),
                                         reviewers_per_submission=1, disciplines=["信息技术", "环境科学"])
        s = services.submit(author, open_call, "多源数据融合的城市内涝预警方法", "本文提出一种融合雨量站与雷达数据的"
                            "城市内涝预警方法，并在三个城市验证了有效性。", ["水文"], "环境科学", authors,
                            io.BytesIO(pdf_bytes()))
        services.confirm(staff, open_call)
        decided = services.create_call(staff, "2025 年度软科学研究课题", "project_application", "double_blind",
                                       now - timedelta(days=1), now + timedelta(days=1), now + timedelta(days=10),
                                       reviewers_per_submission=1)
        d = services.submit(author, decided, "青年科技人才评价机制研究", "本课题研究青年科技人才评价中的突出问题，"
                            "提出分类评价的改进建议。", ["人才评价"], "", authors, io.BytesIO(pdf_bytes()))
        services.confirm(staff, decided)
        (a,) = [x for x in services.my_assignments(reviewer) if x.call_id == decided.id]
        services.save_review(reviewer, a, {c.name: 8 for c in decided.criteria}, "accept",
                             "论证充分，建议立项。", "", submit=True)
        services.decide(staff, d, "accept")
        services.publish(staff, decided)
    db.session.commit()
    (assignment,) = [x for x in services.my_assignments(reviewer) if x.call_id == open_call.id]
    ids.update(review_call=open_call.id, review_submission=s.id, review_assignment=assignment.id,
               review_decided=decided.id, review_result=d.id, review_decided_submission=d.id)
