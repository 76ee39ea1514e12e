"""The review part of tests/test_openapi_responses.py's walk: every review operation answered
with a 2xx (and some refusals), validated against the document by that test."""
import io

from tests.review_helpers import pdf_bytes
from webapp.core.db import utcnow

API = "/api/v1"


def review_walk(call, people, h, clock_set=None):
    from webapp.accounts.models import UserRole
    from webapp.extensions import db

    reviewers = [people["leader"], people["leader2"], people["admin"]]
    for r in reviewers:
        if not r.has_role("reviewer"):
            r.role_grants.append(UserRole(role="reviewer"))
    db.session.commit()
    now = utcnow() if clock_set is None else clock_set
    body = {"title": "2026 年度优秀学术论文评选", "kind": "paper_award", "anonymity": "double_blind",
            "reviewers_per_submission": 2, "submission_opens": (now.replace(year=now.year - 1)).isoformat() + "Z",
            "submission_closes": now.replace(year=now.year + 1).isoformat() + "Z",
            "review_due": now.replace(year=now.year + 2).isoformat() + "Z", "disciplines": ["信息技术"]}
    c = call("POST", f"{API}/calls", h["staff"], json=body).get_json()
    call("POST", f"{API}/calls", h["member"], json=body)
    call("POST", f"{API}/calls", h["staff"], json={**body, "kind": "poem"})
    call("GET", f"{API}/calls")
    call("GET", f"{API}/calls/{c['id']}", h["member"])
    call("GET", f"{API}/calls/999999")
    form = {"title": "多源数据融合的城市内涝预警", "abstract": "本文提出一种融合雨量站与雷达数据的城市内涝预警方法并验证其有效性。",
            "keywords": '["水文", "信息技术"]', "discipline": "信息技术",
            "authors": '[{"name": "提议人", "institution": "某大学", "email": "author@example.org"}]'}
    s = call("POST", f"{API}/calls/{c['id']}/submissions", h["member"], content_type="multipart/form-data",
             data={**form, "pdf": (io.BytesIO(pdf_bytes()), "paper.pdf")}).get_json()
    call("POST", f"{API}/calls/{c['id']}/submissions", h["member"], json={"title": "无文件"})
    call("GET", f"{API}/submissions/{s['id']}", h["member"])
    call("GET", f"{API}/submissions/{s['id']}", h["leader"])
    call("POST", f"{API}/calls/{c['id']}/assignments/auto", h["staff"], json={"confirm": False})
    call("POST", f"{API}/calls/{c['id']}/assignments/auto", h["staff"], json={"confirm": True})
    call("POST", f"{API}/calls/{c['id']}/assignments/auto", h["member"], json={"confirm": False})
    mine = call("GET", f"{API}/me/assignments", h["leader"]).get_json()
    a = mine["items"][0]
    call("GET", f"{API}/assignments/{a['id']}", h["leader"])
    call("GET", f"{API}/assignments/{a['id']}", h["member"])
    call("POST", f"{API}/assignments/{a['id']}/review", h["leader"], json={"scores": {"创新性": 8}})
    call("POST", f"{API}/assignments/{a['id']}/review", h["leader"], json={"scores": {"创新性": 80}, "submit": True})
    call("POST", f"{API}/assignments/{a['id']}/review", h["leader"], json={
        "scores": {"创新性": 8, "科学性": 7, "应用价值": 9, "规范性": 6}, "recommendation": "accept",
        "comments_to_authors": "研究设计合理，结论可信。", "comments_to_organisers": "建议获奖", "submit": True})
    call("GET", f"{API}/assignments/{a['id']}", h["leader"])
    call("GET", f"{API}/calls/{c['id']}/ranking", h["staff"])
    call("GET", f"{API}/calls/{c['id']}/ranking", h["member"])
    call("POST", f"{API}/submissions/{s['id']}/decision", h["staff"], json={"decision": "second"})
    call("POST", f"{API}/submissions/{s['id']}/decision", h["staff"], json={"decision": "maybe"})
    call("GET", f"{API}/submissions/{s['id']}", h["member"])


def review_path_values(admin, make_user):
    """{"call_id", "submission_id", "assignment_id"} of a call open now, a submission and an
    assignment of `admin` (staff, made a reviewer here), for tests that walk every route."""
    from datetime import timedelta

    from flask import current_app

    from webapp.accounts.models import UserRole
    from webapp.extensions import db
    from webapp.review import services

    if not admin.has_role("reviewer"):
        admin.role_grants.append(UserRole(role="reviewer"))
    author = make_user("rv_walk_author")
    now = utcnow()
    with current_app.test_request_context("/"):
        call = services.create_call(admin, "路径取值用的评审征集", "paper_award", "double_blind", now - timedelta(days=1),
                                    now + timedelta(days=30), now + timedelta(days=60), reviewers_per_submission=1)
        s = services.submit(author, call, "路径取值用的申报题目", "一段足够长的摘要，用于测试每一条路径的取值是否正确。", ["测试"], "",
                            [{"name": "作者", "institution": "", "email": author.email}], io.BytesIO(pdf_bytes()))
        services.assign(admin, s, admin.id)
    db.session.commit()
    a = s.call and services.my_assignments(admin)[0]
    return {"call_id": call.id, "submission_id": s.id, "assignment_id": a.id}
