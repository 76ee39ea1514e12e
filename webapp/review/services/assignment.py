"""Assigning reviewers to submissions.

The method. Every submission i needs k_i more reviewers (k minus those it already has), every
reviewer j takes at most c_j more (the call's load limit minus their current load), a pair
(i, j) is allowed unless it has a confirmed or pending conflict, the reviewer is an author,
already reviews it, or declined it. Among all assignments meeting these constraints exactly
we want the one with the largest total expertise match:

    maximise  sum m_ij x_ij   subject to  sum_j x_ij = k_i,  sum_i x_ij <= c_j,  0 <= x_ij <= 1.

This is a transportation (min-cost flow) problem: source → submission (capacity k_i) →
reviewer (capacity 1 per pair, cost -m_ij) → sink (capacity c_j). Its constraint matrix is
totally unimodular, so the linear programme has integral optimal vertices; we solve it with
HiGHS (scipy.optimize.linprog, method="highs": simplex, or interior point with crossover,
both ending on a vertex), i.e. a 0/1 assignment that is optimal — not a greedy loop. Should a
solution ever come back fractional, the dual simplex (method="highs-ds") solves it again. Infeasibility (some submission cannot
get k reviewers) is diagnosed per submission before solving and reported, never half-done.

The match m_ij: the reviewer's expertise tags (case-folded) that equal one of the submission's
keywords count 1 each, and the submission's discipline among the tags counts 1 more; plus
a tie-breaker of 1e-6 × (c_j / max c) spreading load toward reviewers with room.

Alternates: for each submission, up to k further allowed reviewers, best match first (then
lighter load), kept as `alternate` assignments; a decline is filled from them first.
"""
from dataclasses import dataclass, field

import numpy as np

from webapp.accounts.models import User
from webapp.core import audit
from webapp.core.db import get_by_id
from webapp.core.errors import Conflict, NotFound, ValidationError
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.notifications.services import notify
from webapp.review.models import AssignmentState, ReviewAction, ReviewAssignment, Submission
from webapp.review.services.conflicts import blocked_pairs, detect
from webapp.review.services.pool import pool, profiles
from webapp.review.services.rules import why_not_manage
from webapp.review.services.submissions import active_submissions

ACTIVE = (AssignmentState.assigned.value, AssignmentState.submitted.value)
STAFF_SENDER = "科协工作人员"


class Infeasible(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def solve(need, capacity, match, allowed):
    """The optimal 0/1 assignment of the transportation problem in the module docstring.

    need: [k_i], capacity: [c_j], match: S×R array, allowed: S×R bool array.
    Returns an S×R bool array (row i has exactly need[i] True), or raises Infeasible.
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    need, capacity = np.asarray(need, dtype=float), np.asarray(capacity, dtype=float)
    S, R = allowed.shape
    problems = [f"#{i}" for i in range(S) if allowed[i].sum() < need[i]]
    if problems:
        raise Infeasible(problems)
    rows, cols = np.nonzero(allowed)
    n = len(rows)
    result = np.zeros((S, R), dtype=bool)
    if need.sum() == 0:
        return result
    if need.sum() > capacity.sum():
        raise Infeasible(["capacity"])
    cost = -np.asarray(match, dtype=float)[rows, cols]
    var = np.arange(n)
    a_eq = coo_matrix((np.ones(n), (rows, var)), shape=(S, n))
    a_ub = coo_matrix((np.ones(n), (cols, var)), shape=(R, n))
    a_ub, a_eq = a_ub.tocsr(), a_eq.tocsr()
    x = None
    for method in ("highs", "highs-ds"):
        res = linprog(cost, A_ub=a_ub, b_ub=capacity, A_eq=a_eq, b_eq=need, bounds=(0, 1), method=method)
        if res.status == 2:
            raise Infeasible(["lp"])
        if res.status == 0 and not np.any(np.abs(res.x - np.round(res.x)) > 1e-6):
            x = res.x
            break
    if x is None:  # a vertex of a totally unimodular system is integral: the dual simplex returns one
        raise RuntimeError("no integral optimal assignment")
    chosen = x > 0.5
    result[rows[chosen], cols[chosen]] = True
    return result


def match_score(expertise, keywords, discipline):
    tags = {t.casefold() for t in expertise or ()}
    score = sum(1 for k in keywords or () if k.casefold() in tags)
    if discipline and discipline.casefold() in tags:
        score += 1
    return float(score)


@dataclass
class Proposal:
    call: object
    submissions: list
    reviewers: list
    pairs: list = field(default_factory=list)  # (submission, reviewer, match) new assignments
    alternates: list = field(default_factory=list)  # (submission, reviewer, match, rank)
    problems: list = field(default_factory=list)  # (submission or None, why)
    quality: dict = field(default_factory=dict)


def _current(call):
    rows = ReviewAssignment.query.filter(ReviewAssignment.call_id == call.id).all()
    return rows


def propose(user, call):
    """The optimal assignment of the reviewers still needed, with its quality; saves nothing."""
    guard(why_not_manage(user, call))
    detect(call)
    submissions = active_submissions(call)
    reviewers = pool(call)
    prop = Proposal(call, submissions, reviewers)
    if not submissions:
        prop.problems.append((None, "还没有申报"))
        return prop
    if not reviewers:
        prop.problems.append((None, "专家库中没有评审专家"))
        return prop
    k = call.reviewers_per_submission
    s_index = {s.id: i for i, s in enumerate(submissions)}
    r_index = {r.id: j for j, r in enumerate(reviewers)}
    existing = _current(call)
    have = np.zeros(len(submissions), dtype=int)
    load = np.zeros(len(reviewers), dtype=int)
    allowed = np.ones((len(submissions), len(reviewers)), dtype=bool)
    for a in existing:
        i, j = s_index.get(a.submission_id), r_index.get(a.reviewer_id)
        if a.state in ACTIVE:
            if i is not None:
                have[i] += 1
            if j is not None:
                load[j] += 1
        if i is not None and j is not None and a.state != AssignmentState.alternate.value:
            allowed[i, j] = False  # already theirs, or declined
    blocked = blocked_pairs(call)
    conflicts = np.zeros(len(submissions), dtype=int)
    for s_id, r_id in blocked:
        i, j = s_index.get(s_id), r_index.get(r_id)
        if i is not None and j is not None and allowed[i, j]:
            allowed[i, j] = False
            conflicts[i] += 1
    for s in submissions:
        i = s_index[s.id]
        if s.author_id in r_index:
            allowed[i, r_index[s.author_id]] = False
    profs = profiles(r_index)
    match = np.zeros(allowed.shape)
    for s in submissions:
        for r in reviewers:
            p = profs.get(r.id)
            match[s_index[s.id], r_index[r.id]] = match_score(p.expertise if p else (), s.keywords, s.discipline)
    need = np.maximum(k - have, 0)
    capacity = np.maximum(call.max_load - load, 0)
    allowed_with_room = allowed & (capacity > 0)[None, :]
    for s in submissions:
        i = s_index[s.id]
        if allowed_with_room[i].sum() < need[i]:
            prop.problems.append((s, f"需要再分配 {need[i]} 位专家，但只有 {int(allowed_with_room[i].sum())} 位可用"
                                     f"（{int(conflicts[i])} 位有利益冲突，其余已满额、已谢绝或已分配）"))
    if need.sum() > capacity.sum():
        prop.problems.append((None, f"专家的剩余评审容量（{int(capacity.sum())}）少于需要的评审数（{int(need.sum())}），"
                                    "请提高每位专家的评审上限或邀请更多专家"))
    if not prop.problems:
        tie = 1e-6 * capacity / max(capacity.max(), 1)
        try:
            chosen = solve(need, capacity, match + tie[None, :], allowed_with_room)
        except Infeasible:
            prop.problems.append((None, "在利益冲突与评审上限的约束下无法为每篇申报分配足够的专家"
                                        "（部分申报可用的专家相互重叠且已满额），请邀请更多专家或提高上限"))
            chosen = None
        if chosen is not None:
            for i, j in zip(*np.nonzero(chosen), strict=True):
                prop.pairs.append((submissions[i], reviewers[j], float(match[i, j])))
            after = load + chosen.sum(axis=0)
            for s in submissions:
                i = s_index[s.id]
                free = [j for j in np.nonzero(allowed[i] & ~chosen[i])[0]]
                free.sort(key=lambda j: (-match[i, j], after[j], reviewers[j].id))
                for rank, j in enumerate(free[:k]):
                    prop.alternates.append((s, reviewers[j], float(match[i, j]), rank))
            prop.quality = _quality(submissions, reviewers, existing, prop.pairs, s_index, r_index, match, load)
    return prop


def _quality(submissions, reviewers, existing, pairs, s_index, r_index, match, load):
    per = np.zeros(len(submissions))
    for a in existing:
        if a.state in ACTIVE and a.submission_id in s_index and a.reviewer_id in r_index:
            per[s_index[a.submission_id]] += match[s_index[a.submission_id], r_index[a.reviewer_id]]
    expert = np.zeros(len(submissions), dtype=bool)
    for a in existing:
        if a.state in ACTIVE and a.submission_id in s_index and a.reviewer_id in r_index \
                and match[s_index[a.submission_id], r_index[a.reviewer_id]] > 0:
            expert[s_index[a.submission_id]] = True
    loads = load.copy()
    for s, r, m in pairs:
        per[s_index[s.id]] += m
        loads[r_index[r.id]] += 1
        if m > 0:
            expert[s_index[s.id]] = True
    used = loads[loads > 0]
    return {"total_match": float(per.sum()), "mean_match": round(float(per.mean()), 3),
            "min_match": float(per.min()), "without_expert": int((~expert).sum()),
            "load_min": int(used.min()) if len(used) else 0, "load_max": int(loads.max()),
            "load_mean": round(float(used.mean()), 2) if len(used) else 0.0, "new_assignments": len(pairs)}


def _notify_assigned(reviewer, submission):
    from flask import url_for

    a = ReviewAssignment.query.filter_by(submission_id=submission.id, reviewer_id=reviewer.id).first()
    notify(reviewer, "review.assigned", f"新的评审任务：{submission.call.title}",
           f"请在 {submission.call.review_due:%Y-%m-%d} 前完成评审。",
           link=url_for("review.assignment", assignment_id=a.id), sender=STAFF_SENDER)


def confirm(user, call):
    """Save the proposal (recomputed: the solver is deterministic) — all of it or nothing."""
    prop = propose(user, call)
    if prop.problems:
        raise ValidationError("无法完成自动分配：" + "；".join(why for _, why in prop.problems))
    ReviewAssignment.query.filter(ReviewAssignment.call_id == call.id,
                                  ReviewAssignment.state == AssignmentState.alternate.value).delete()
    db.session.flush()
    chosen = {(s.id, r.id) for s, r, _ in prop.pairs}
    for s, r, m in prop.pairs:
        db.session.add(ReviewAssignment(call_id=call.id, submission_id=s.id, reviewer_id=r.id, match=m,
                                        state=AssignmentState.assigned.value))
    for s, r, m, rank in prop.alternates:
        if (s.id, r.id) not in chosen:
            db.session.add(ReviewAssignment(call_id=call.id, submission_id=s.id, reviewer_id=r.id, match=m,
                                            rank=rank, state=AssignmentState.alternate.value))
    db.session.flush()
    for s, r, _ in prop.pairs:
        _notify_assigned(r, s)
    audit.record(user, ReviewAction.assign, "review_call", call.id,
                 summary=f"自动分配 {len(prop.pairs)} 项评审任务", data=prop.quality)
    return prop


def assign(user, submission, reviewer_id):
    """Assign one reviewer by hand (never across a confirmed or pending conflict)."""
    guard(why_not_manage(user))
    reviewer = db.session.get(User, reviewer_id)
    call = submission.call
    if reviewer is None or reviewer.id not in {r.id for r in pool(call)}:
        raise ValidationError(fields={"reviewer_id": "请选择专家库中的专家"})
    if (submission.id, reviewer.id) in blocked_pairs(call) or reviewer.id == submission.author_id:
        raise Conflict("该专家与此申报存在利益冲突")
    row = ReviewAssignment.query.filter_by(submission_id=submission.id, reviewer_id=reviewer.id).first()
    if row is not None and row.state != AssignmentState.alternate.value:
        raise Conflict("该专家已分配过此申报（或已谢绝）")
    load = ReviewAssignment.query.filter(ReviewAssignment.call_id == call.id,
                                         ReviewAssignment.reviewer_id == reviewer.id,
                                         ReviewAssignment.state.in_(ACTIVE)).count()
    if load >= call.max_load:
        raise Conflict(f"该专家已达评审上限（{call.max_load}）")
    if row is None:
        profile = profiles([reviewer.id]).get(reviewer.id)
        row = ReviewAssignment(call_id=call.id, submission_id=submission.id, reviewer_id=reviewer.id,
                               match=match_score(profile.expertise if profile else (), submission.keywords,
                                                 submission.discipline))
        db.session.add(row)
    row.state = AssignmentState.assigned.value
    db.session.flush()
    _notify_assigned(reviewer, submission)
    audit.record(user, ReviewAction.assign, "review_assignment", row.id,
                 summary=f"申报 #{submission.id} → {reviewer.username}")
    return row


def reassign(user, submission):
    """Fill a declined place: the first alternate that is still allowed and has room."""
    guard(why_not_manage(user))
    call = submission.call
    blocked = blocked_pairs(call)
    for alt in (ReviewAssignment.query.filter_by(submission_id=submission.id, state=AssignmentState.alternate.value)
                .order_by(ReviewAssignment.rank)):
        if (submission.id, alt.reviewer_id) in blocked:
            continue
        try:
            return assign(user, submission, alt.reviewer_id)
        except Conflict:
            continue
    raise Conflict("没有可用的候补专家，请手动分配或重新运行自动分配")


def get_submission_for_staff(user, submission_id):
    guard(why_not_manage(user))
    s = get_by_id(Submission, submission_id)
    if s is None:
        raise NotFound("找不到该申报")
    return s
