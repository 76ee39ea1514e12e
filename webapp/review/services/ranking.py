"""Ranking: per submission each reviewer's weighted score, the mean, the spread, and a
calibrated score correcting for harsh or lenient reviewers.

Calibration is the reviewer-offset model (as NIPS has used since 2002):

    score_ij = q_i + b_j + noise,

q_i the submission's quality, b_j reviewer j's offset (harsh < 0 < lenient), fitted by
regularised least squares: minimise Σ (s_ij − q_i − b_j)² + λ Σ b_j². The penalty pulls the
offsets toward 0 (a reviewer with few reviews is trusted to be average) and fixes the scale's
origin (without it, q + c and b − c fit equally). The calibrated score is q_i, shown beside the
raw mean; λ is REVIEW_CALIBRATION_LAMBDA (default 1.0, in the units of the 0–100 score).
"""
import numpy as np
from flask import current_app
from sqlalchemy.orm import joinedload

from webapp.review.models import AssignmentState, ReviewAssignment, SubmissionState
from webapp.review.services.submissions import active_submissions

DISAGREEMENT = 25.0
_EAGER = (joinedload(ReviewAssignment.review), joinedload(ReviewAssignment.reviewer))  # points of spread (on 0–100) flagged as disagreement


def calibrate(observations, lam=1.0):
    """observations: [(submission_key, reviewer_key, score)] → ({submission: q}, {reviewer: b})."""
    subs = sorted({o[0] for o in observations})
    revs = sorted({o[1] for o in observations})
    if not observations:
        return {}, {}
    si = {s: i for i, s in enumerate(subs)}
    ri = {r: j for j, r in enumerate(revs)}
    n_q, n_b = len(subs), len(revs)
    a = np.zeros((len(observations) + n_b, n_q + n_b))
    y = np.zeros(len(observations) + n_b)
    for row, (s, r, score) in enumerate(observations):
        a[row, si[s]] = 1.0
        a[row, n_q + ri[r]] = 1.0
        y[row] = score
    root = np.sqrt(lam)
    for j in range(n_b):
        a[len(observations) + j, n_q + j] = root
    x, *_ = np.linalg.lstsq(a, y, rcond=None)
    return ({s: float(x[si[s]]) for s in subs}, {r: float(x[n_q + ri[r]]) for r in revs})


def ranking(call):
    """Rows for the ranking table, best calibrated score first, and the reviewers' offsets."""
    submissions = active_submissions(call)
    assignments = (ReviewAssignment.query.options(*_EAGER).filter(ReviewAssignment.call_id == call.id,
                                                 ReviewAssignment.state == AssignmentState.submitted.value)
                   .order_by(ReviewAssignment.id).all())
    by_sub = {}
    obs = []
    for a in assignments:
        if a.review is None or a.review.weighted_score is None:
            continue
        by_sub.setdefault(a.submission_id, []).append(a)
        obs.append((a.submission_id, a.reviewer_id, a.review.weighted_score))
    q, b = calibrate(obs, current_app.config.get("REVIEW_CALIBRATION_LAMBDA", 1.0))
    rows = []
    for s in submissions:
        reviews = by_sub.get(s.id, [])
        scores = [a.review.weighted_score for a in reviews]
        recs = {a.review.recommendation for a in reviews}
        mean = sum(scores) / len(scores) if scores else None
        spread = max(scores) - min(scores) if scores else None
        disagree = bool(scores) and (spread >= DISAGREEMENT or ({"strong_accept", "accept"} & recs and "reject" in recs))
        rows.append({"submission": s, "reviews": reviews, "scores": scores, "mean": mean, "spread": spread,
                     "calibrated": q.get(s.id), "disagreement": bool(disagree),
                     "decision": s.state if s.state != SubmissionState.submitted.value else None})
    rows.sort(key=lambda r: (r["calibrated"] is None, -(r["calibrated"] or 0), r["submission"].id))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank if row["calibrated"] is not None else None
    return rows, b


def distributions(call, bins=5):
    """Per reviewer: their weighted scores counted in `bins` bands of 0–100 (the chart)."""
    out = {}
    for a in ReviewAssignment.query.options(*_EAGER).filter(ReviewAssignment.call_id == call.id,
                                                            ReviewAssignment.state == AssignmentState.submitted.value):
        if a.review is None or a.review.weighted_score is None:
            continue
        counts = out.setdefault(a.reviewer, [0] * bins)
        counts[min(int(a.review.weighted_score // (100 / bins)), bins - 1)] += 1
    return sorted(out.items(), key=lambda item: item[0].id)


def progress(call):
    """Reviews due and done per reviewer and per submission (the organisers' dashboard)."""
    per_reviewer, per_submission = {}, {}
    for a in ReviewAssignment.query.options(joinedload(ReviewAssignment.reviewer)).filter(
            ReviewAssignment.call_id == call.id, ReviewAssignment.state.in_((AssignmentState.assigned.value,
                                                                       AssignmentState.submitted.value,
                                                                       AssignmentState.declined.value))):
        r = per_reviewer.setdefault(a.reviewer, {"due": 0, "done": 0, "declined": 0})
        s = per_submission.setdefault(a.submission_id, {"due": 0, "done": 0, "declined": 0})
        key = {"assigned": "due", "submitted": "done", "declined": "declined"}[a.state]
        r[key] += 1
        s[key] += 1
    return sorted(per_reviewer.items(), key=lambda item: item[0].id), per_submission
