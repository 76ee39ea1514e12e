"""Review services: windows and deadlines, PDFs, versions, conflicts, assignment, scoring,
calibration, decisions, reminders, CSV."""
import io
import itertools

import numpy as np
import pytest
from pypdf import PdfReader

from tests.review_helpers import IN_REVIEW, pdf_bytes, review_env  # noqa: F401
from webapp.core.errors import Conflict, ValidationError
from webapp.extensions import db
from webapp.review import services
from webapp.review.models import AssignmentState, ConflictState, ReviewAssignment

# ---------------------------------------------------------------- windows, PDFs, versions

def test_submission_window_edges(review_env, make_member, clock):
    call = review_env.call()
    author = make_member("rv_author")
    clock.set(call.submission_opens - __import__("datetime").timedelta(seconds=1))
    with pytest.raises(Conflict, match="尚未开始"):
        review_env.submit(call, author)
    clock.set(call.submission_opens)
    review_env.submit(call, author)
    clock.set(call.submission_closes - __import__("datetime").timedelta(seconds=1))
    s = review_env.submit(call, author, title="截止前一秒提交的论文")
    clock.set(call.submission_closes)
    with pytest.raises(Conflict, match="截止"):
        review_env.submit(call, author, title="截止时刻提交的论文")
    with pytest.raises(Conflict, match="截止"):
        services.revise(author, s, io.BytesIO(pdf_bytes()))


def test_a_jpeg_renamed_pdf_is_refused_and_limits_hold(review_env, make_member):
    from PIL import Image

    call = review_env.call(max_pages=2)
    author = make_member("rv_author")
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 10, 10)).save(buf, format="JPEG")
    with pytest.raises(ValidationError) as exc:
        review_env.submit(call, author, pdf=buf.getvalue())
    assert "不是 PDF" in exc.value.fields["pdf"]
    with pytest.raises(ValidationError) as exc:
        review_env.submit(call, author, pdf=b"%PDF-1.4\n%%EOF\n")
    assert "pdf" in exc.value.fields
    with pytest.raises(ValidationError) as exc:
        review_env.submit(call, author, pdf=pdf_bytes(pages=3))
    assert "不能超过 2 页" in exc.value.fields["pdf"]
    call.max_mb = 0
    with pytest.raises(ValidationError) as exc:
        review_env.submit(call, author)
    assert "文件过大" in exc.value.fields["pdf"]


def _stored(app, submission, number=-1):
    return services.pdf_path(submission.versions[number].file_key).with_name(
        submission.versions[number].file_key + ".part").read_bytes()


def test_double_blind_strips_pdf_metadata_single_blind_keeps_it(app, review_env, make_member):
    author = make_member("rv_author", display_name="王晓明")
    blind = review_env.submit(review_env.call(), author, pdf=pdf_bytes(author="Wang Xiaoming"))
    data = _stored(app, blind)
    meta = PdfReader(io.BytesIO(data)).metadata
    assert b"Wang Xiaoming" not in data and "/Author" not in meta and "/Creator" not in meta
    assert meta["/Producer"] == "Scientists' Home"
    assert blind.versions[0].file_key.endswith(".pdf") and "Wang" not in blind.versions[0].file_key
    single = review_env.submit(review_env.call(anonymity="single_blind"), author, pdf=pdf_bytes(author="Wang Xiaoming"))
    assert PdfReader(io.BytesIO(_stored(app, single))).metadata["/Author"] == "Wang Xiaoming"


def test_revisions_keep_every_version_and_withdrawal(review_env, make_member):
    author = make_member("rv_author")
    s = review_env.submit(review_env.call(), author)
    services.revise(author, s, io.BytesIO(pdf_bytes(pages=2)))
    services.revise(author, s, io.BytesIO(pdf_bytes(pages=3)))
    assert [(v.number, v.pages) for v in s.versions] == [(1, 1), (2, 2), (3, 3)]
    assert len({v.file_key for v in s.versions}) == 3
    other = make_member("rv_other")
    with pytest.raises(Exception, match="只有提交人"):
        services.revise(other, s, io.BytesIO(pdf_bytes()))
    services.withdraw(author, s)
    assert s.state == "withdrawn"
    with pytest.raises(Conflict):
        services.revise(author, s, io.BytesIO(pdf_bytes()))


# ---------------------------------------------------------------- conflicts

def _conflicts(call):
    return {(c.submission_id, c.reviewer_id, c.source, c.state) for c in services.conflicts_of(call)}


def test_each_conflict_rule(review_env, make_member):
    call = review_env.call()
    r_author = review_env.reviewer("rv_r1", institution="清华大学")
    r_inst = review_env.reviewer("rv_r2", institution=" 浙江大学 计算机学院 ")
    r_domain = review_env.reviewer("rv_r3", email="li@zju.edu.cn")
    r_public = review_env.reviewer("rv_r4", email="zhang@qq.com")
    r_coauthor = review_env.reviewer("rv_r5")
    r_declared = review_env.reviewer("rv_r6")
    r_named = review_env.reviewer("rv_r7")
    clean = review_env.reviewer("rv_r8", institution="复旦大学", email="x@fudan.edu.cn")
    services.save_profile(r_declared, [], ["chen@zju.edu.cn"])
    author = make_member("rv_author", email="chen@zju.edu.cn", institution="浙江大学计算机学院")
    s1 = review_env.submit(call, author, authors=[
        {"name": "陈作者", "institution": "浙江大学计算机学院", "email": "chen@zju.edu.cn"},
        {"name": "某同名", "institution": "清华大学 ", "email": r_author.email},  # the reviewer's own account
        {"name": "张三", "institution": "", "email": "someone@qq.com"}],
        conflicts=[(r_named.id, "advisor")])
    # r_coauthor co-authors another submission with the same author
    other = make_member("rv_author2")
    review_env.submit(call, other, title="另一篇合作论文的题目", authors=[
        {"name": "另一作者", "institution": "", "email": other.email},
        {"name": "陈作者", "institution": "", "email": "chen@zju.edu.cn"},
        {"name": "合作专家", "institution": "", "email": r_coauthor.email}])
    found = _conflicts(call)
    assert (s1.id, r_author.id, "auto_author", "pending") in found
    assert (s1.id, r_author.id, "auto_institution", "pending") in found  # 清华大学 after normalising
    assert (s1.id, r_inst.id, "auto_institution", "pending") in found  # spaces dropped
    assert (s1.id, r_domain.id, "auto_institution", "pending") in found  # zju.edu.cn
    assert not any(c[1] == r_public.id for c in found)  # qq.com is no institution
    assert (s1.id, r_coauthor.id, "auto_coauthor", "pending") in found
    assert (s1.id, r_declared.id, "reviewer", "confirmed") in found
    assert (s1.id, r_named.id, "author", "confirmed") in found
    assert not any(c[1] == clean.id for c in found)
    pending = next(c for c in services.conflicts_of(call) if c.reviewer_id == r_inst.id)
    services.decide_conflict(review_env.organiser, pending.id, confirm=False)
    assert pending.state == ConflictState.dismissed.value
    declared = next(c for c in services.conflicts_of(call) if c.source == "author")
    with pytest.raises(Conflict):
        services.decide_conflict(review_env.organiser, declared.id, confirm=False)


def test_typed_names_alone_are_no_identity(review_env, make_member):
    call = review_env.call()
    reviewer = review_env.reviewer("rv_r1", display_name="李四")
    author = make_member("rv_author")
    review_env.submit(call, author, authors=[{"name": "李四", "institution": "", "email": "lisi@other.example.net"}])
    assert not [c for c in services.conflicts_of(call) if c.reviewer_id == reviewer.id]


# ---------------------------------------------------------------- assignment

def brute_force(need, capacity, match, allowed):
    """The best total match over every assignment (small cases only)."""
    S, R = allowed.shape
    options = [[c for c in itertools.combinations(range(R), need[i]) if all(allowed[i, j] for j in c)]
               for i in range(S)]
    best = None
    for combo in itertools.product(*options):
        load = np.zeros(R, dtype=int)
        for c in combo:
            load[list(c)] += 1
        if (load <= capacity).all():
            total = sum(match[i, j] for i, c in enumerate(combo) for j in c)
            best = total if best is None else max(best, total)
    return best


def test_solver_reaches_the_brute_force_optimum_where_greedy_does_not():
    # Greedy (best pair first) gives s0 both strong reviewers and leaves s1 with a weak one.
    match = np.array([[5.0, 4.0, 0.0], [4.0, 0.0, 0.0]])
    allowed = np.array([[True, True, True], [True, False, True]])
    need, capacity = [1, 1], [1, 1, 1]
    chosen = services.solve(need, capacity, match, allowed)
    total = float((match * chosen).sum())
    assert total == brute_force(need, capacity, match, allowed) == 8.0  # s0→r1, s1→r0
    rng = np.random.default_rng(7)
    for _ in range(20):
        match = rng.integers(0, 4, size=(4, 5)).astype(float)
        allowed = rng.random((4, 5)) > 0.2
        need, capacity = [2] * 4, [2] * 5
        best = brute_force(need, capacity, match, allowed)
        if best is None:
            continue
        chosen = services.solve(need, capacity, match, allowed)
        assert (chosen.sum(axis=1) == 2).all() and (chosen.sum(axis=0) <= 2).all() and not (chosen & ~allowed).any()
        assert float((match * chosen).sum()) == best


def test_auto_assignment_on_a_known_optimum(review_env, make_member, outbox):
    call = review_env.call(reviewers_per_submission=2, max_load=2)
    hydro = review_env.reviewer("rv_h", ["水文", "深度学习"])
    ml = review_env.reviewer("rv_m", ["深度学习"])
    review_env.reviewer("rv_t", ["材料"])
    chem = review_env.reviewer("rv_c", ["材料", "化学"])
    a1, a2 = make_member("rv_a1"), make_member("rv_a2")
    s1 = review_env.submit(call, a1, keywords=["水文", "深度学习"], conflicts=[(ml.id, "collaborator")])
    s2 = review_env.submit(call, a2, title="新型储能材料的界面化学研究", keywords=["材料", "化学", "深度学习"])
    prop = services.propose(review_env.organiser, call)
    assert prop.problems == []
    pairs = {(s.id, r.id) for s, r, _ in prop.pairs}
    # s1 may not have ml (declared): its best is hydro (2) + chem/mat (0); s2 takes chem (2), ml (1) → 5 in all;
    # mat (1) instead of ml would give the same total, so only the total and the rules are fixed.
    assert (s1.id, ml.id) not in pairs and (s1.id, hydro.id) in pairs and (s2.id, chem.id) in pairs
    assert prop.quality["total_match"] == 2 + 0 + 2 + 1
    assert sum(1 for s, _ in pairs if s == s1.id) == sum(1 for s, _ in pairs if s == s2.id) == 2
    services.confirm(review_env.organiser, call)
    rows = ReviewAssignment.query.filter_by(call_id=call.id, state="assigned").all()
    assert len(rows) == 4
    loads = {}
    for r in rows:
        loads[r.reviewer_id] = loads.get(r.reviewer_id, 0) + 1
    assert max(loads.values()) <= 2
    assert services.propose(review_env.organiser, call).pairs == []  # nothing more to assign


def test_infeasible_assignment_says_which_and_why(review_env, make_member):
    call = review_env.call(reviewers_per_submission=2)
    r1 = review_env.reviewer("rv_r1")
    review_env.reviewer("rv_r2")
    s = review_env.submit(call, make_member("rv_a1"), conflicts=[(r1.id, "personal")])
    prop = services.propose(review_env.organiser, call)
    assert prop.pairs == [] and prop.problems[0][0].id == s.id
    assert "只有 1 位可用" in prop.problems[0][1] and "1 位有利益冲突" in prop.problems[0][1]
    with pytest.raises(ValidationError):
        services.confirm(review_env.organiser, call)
    assert ReviewAssignment.query.filter_by(call_id=call.id).count() == 0


def test_pending_conflicts_block_until_dismissed(review_env, make_member):
    call = review_env.call(reviewers_per_submission=1)
    same = review_env.reviewer("rv_r1", institution="中山大学")
    s = review_env.submit(call, make_member("rv_a1", institution="中山大学"), authors=[
        {"name": "作者", "institution": "中山大学", "email": "a1@sysu.edu.cn"}])
    assert services.propose(review_env.organiser, call).problems
    (c,) = services.conflicts_of(call)
    services.decide_conflict(review_env.organiser, c.id, confirm=False)
    prop = services.propose(review_env.organiser, call)
    assert [(x.id, r.id) for x, r, _ in prop.pairs] == [(s.id, same.id)]


def test_decline_and_reassign_to_the_alternate(review_env, make_member):
    call = review_env.call(reviewers_per_submission=1)
    r1, r2 = review_env.reviewer("rv_r1", ["水文"]), review_env.reviewer("rv_r2", ["深度学习"])
    review_env.submit(call, make_member("rv_a1"), keywords=["水文"])
    services.confirm(review_env.organiser, call)
    a = ReviewAssignment.query.filter_by(call_id=call.id, state="assigned").one()
    assert a.reviewer_id == r1.id
    services.decline(r1, a, "出差无法按时完成")
    new = services.reassign(review_env.organiser, a.submission)
    assert new.reviewer_id == r2.id and new.state == AssignmentState.assigned.value


# ---------------------------------------------------------------- reviewing, scores, calibration

def test_weighted_score_exact():
    class C:
        def __init__(self, name, weight, lo, hi):
            self.name, self.weight, self.min_score, self.max_score = name, weight, lo, hi

    class Call:
        criteria = [C("创新性", 0.4, 1, 10), C("科学性", 0.6, 1, 10)]

    assert services.weighted_score(Call, {"创新性": 10, "科学性": 5.5}) == 70.0
    assert services.weighted_score(Call, {"创新性": 1, "科学性": 1}) == 0.0
    assert services.weighted_score(Call, {"创新性": 10}) is None


def test_calibration_exact_numbers():
    # P1: A 50, B 70; P2: B 80; P3: A 60. With λ = 1 the normal equations give b_A = −10/(1+λ) = −5,
    # b_B = +5, and q = (60, 75, 65): A is harsh, B lenient; the raw means are (60, 80, 60).
    q, b = services.calibrate([("P1", "A", 50), ("P1", "B", 70), ("P2", "B", 80), ("P3", "A", 60)], lam=1.0)
    assert q == pytest.approx({"P1": 60.0, "P2": 75.0, "P3": 65.0}, abs=1e-9)
    assert b == pytest.approx({"A": -5.0, "B": 5.0}, abs=1e-9)
    q, b = services.calibrate([("P1", "A", 50), ("P1", "B", 70), ("P2", "B", 80), ("P3", "A", 60)], lam=3.0)
    assert b["A"] == pytest.approx(-2.5) and q["P3"] == pytest.approx(62.5)


def _assigned_pair(review_env, make_member, k=2):
    call = review_env.call(reviewers_per_submission=k,
                           criteria=[{"name": "创新性", "weight": 0.4, "min": 1, "max": 10},
                                     {"name": "科学性", "weight": 0.6, "min": 1, "max": 10}])
    reviewers = [review_env.reviewer(f"rv_r{i}") for i in range(k)]
    s = review_env.submit(call, make_member("rv_a1", display_name="王晓明"))
    services.confirm(review_env.organiser, call)
    return call, s, reviewers


def test_review_deadline_and_no_peeking(review_env, make_member, clock):
    call, s, (r1, r2) = _assigned_pair(review_env, make_member)
    a1 = ReviewAssignment.query.filter_by(submission_id=s.id, reviewer_id=r1.id).one()
    a2 = ReviewAssignment.query.filter_by(submission_id=s.id, reviewer_id=r2.id).one()
    clock.set(IN_REVIEW)
    services.save_review(r1, a1, {"创新性": 8}, None, "草稿", "", submit=False)
    assert a1.state == "assigned" and a1.review.weighted_score is None
    with pytest.raises(ValidationError) as exc:
        services.save_review(r1, a1, {"创新性": 8}, "accept", "意见写得足够长一些了", "", submit=True)
    assert "科学性" in exc.value.fields["scores"]
    with pytest.raises(ValidationError):
        services.save_review(r1, a1, {"创新性": 11, "科学性": 5}, "accept", "意见写得足够长一些了", "", submit=True)
    services.save_review(r1, a1, {"创新性": 10, "科学性": 5.5}, "accept", "创新性突出，实验充分。", "可评一等奖", submit=True)
    assert a1.review.weighted_score == 70.0
    with pytest.raises(Exception, match="提交自己的评审意见后"):
        services.other_reviews(r2, a2)
    assert [r.id for r in services.other_reviews(r1, a1)] == []
    clock.set(call.review_due)
    with pytest.raises(Conflict, match="截止"):
        services.save_review(r2, a2, {"创新性": 5, "科学性": 5}, "reject", "意见写得足够长一些了", "", submit=True)


def test_reminders_are_sent_once(review_env, make_member, clock):
    from webapp.notifications.models import Notification

    call, s, (r1, r2) = _assigned_pair(review_env, make_member)
    clock.set(call.review_due - __import__("datetime").timedelta(days=2))
    assert services.remind() == 2
    assert services.remind() == 0
    notes = Notification.query.filter_by(kind="review.reminder").all()
    assert len(notes) == 2 and all("王晓明" not in n.title + n.body for n in notes)


def test_decisions_notify_authors_with_anonymised_comments(review_env, make_member, clock):
    from webapp.notifications.models import Notification

    call, s, (r1, r2) = _assigned_pair(review_env, make_member)
    clock.set(IN_REVIEW)
    for r, score in ((r1, 9), (r2, 3)):
        a = ReviewAssignment.query.filter_by(submission_id=s.id, reviewer_id=r.id).one()
        services.save_review(r, a, {"创新性": score, "科学性": score}, "accept", f"{r.username} 的意见：方法可靠。",
                             "保密：不要给作者看", submit=True)
    rows, _ = services.ranking(call)
    assert rows[0]["spread"] == pytest.approx(66.6667, abs=1e-3) and rows[0]["disagreement"]
    with pytest.raises(Conflict):
        services.publish(review_env.organiser, call)
    services.decide(review_env.organiser, s, "first")
    author = s.author
    with pytest.raises(Exception, match="尚未公布"):
        services.comments_for_author(author, s)
    services.publish(review_env.organiser, call)
    (note,) = Notification.query.filter_by(kind="review.decision", user_id=author.id).all()
    assert "一等奖" in note.body
    comments = services.comments_for_author(author, s)
    assert [label for label, _ in comments] == ["评审专家 1", "评审专家 2"]
    assert all("保密" not in text for _, text in comments)


def test_csv_has_bom_chinese_and_every_criterion(review_env, make_member, clock):
    import csv

    call, s, (r1, r2) = _assigned_pair(review_env, make_member)
    clock.set(IN_REVIEW)
    a = ReviewAssignment.query.filter_by(submission_id=s.id, reviewer_id=r1.id).one()
    services.save_review(r1, a, {"创新性": 10, "科学性": 5.5}, "accept", "创新性突出，实验充分。", "保密意见", submit=True)
    text = services.ranking_csv(call)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][6:8] == ["创新性", "科学性"]
    assert rows[1][2] == s.title and rows[1][6:9] == ["10", "5.5", "70.00"] and "王晓明" in rows[1][4]
    assert rows[1][10:12] == ["创新性突出，实验充分。", "保密意见"]
    db.session.flush()


def test_flask_review_remind_is_idempotent(app, review_env, make_member, clock):
    call, s, (r1, r2) = _assigned_pair(review_env, make_member)
    db.session.commit()
    runner = app.test_cli_runner()
    clock.set(IN_REVIEW)  # 15 days before the deadline: too early
    assert "Sent 0 reminders." in runner.invoke(args=["review", "remind"]).output
    clock.set(call.review_due + __import__("datetime").timedelta(hours=1))  # late
    first = runner.invoke(args=["review", "remind"])
    assert first.exit_code == 0 and "Sent 2 reminders." in first.output, first.output
    assert "Sent 0 reminders." in runner.invoke(args=["review", "remind"]).output
