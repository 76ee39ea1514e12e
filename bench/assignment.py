"""Benchmark of automatic reviewer assignment (webapp.review.services.assignment.solve).

    .venv/bin/python -m bench.assignment            # 1,000 submissions × 300 reviewers × k = 3
    .venv/bin/python -m bench.assignment --small    # only the optimality checks

Random expertise (each reviewer 3–6 tags of 40, each submission 3–5 keywords), 5 % of the
pairs in conflict, load limit 12 (3,600 places for 3,000 reviews). Reports the time to assign
and the quality figures of the optimal method against a greedy baseline (best remaining pair
first), and checks that the optimum equals an independent solver's on smaller cases: a mixed-
integer programme (scipy.optimize.milp, branch and cut, no use of the LP's integrality) on
60 × 25, and exhaustive search on 5 × 6. Needs no database.
"""
import argparse
import itertools
import time

import numpy as np

from webapp.review.services.assignment import solve


def instance(S, R, k, limit, seed, tags=40, conflicts=0.05):
    rng = np.random.default_rng(seed)
    expertise = np.zeros((R, tags), dtype=bool)
    for j in range(R):
        expertise[j, rng.choice(tags, rng.integers(3, 7), replace=False)] = True
    keywords = np.zeros((S, tags), dtype=bool)
    for i in range(S):
        keywords[i, rng.choice(tags, rng.integers(3, 6), replace=False)] = True
    match = (keywords.astype(int) @ expertise.T.astype(int)).astype(float)
    allowed = rng.random((S, R)) >= conflicts
    return [k] * S, [limit] * R, match, allowed


def greedy(need, capacity, match, allowed):
    need, capacity = list(need), list(capacity)
    chosen = np.zeros(match.shape, dtype=bool)
    order = np.argsort(-np.where(allowed, match, -1).ravel(), kind="stable")
    R = match.shape[1]
    for flat in order:
        i, j = divmod(int(flat), R)
        if not allowed[i, j]:
            break
        if need[i] and capacity[j]:
            chosen[i, j] = True
            need[i] -= 1
            capacity[j] -= 1
    return chosen


def quality(chosen, need, capacity, match, allowed):
    per = (chosen * match).sum(axis=1)
    load = chosen.sum(axis=0)
    return {"total": float(per.sum()), "mean": round(float(per.mean()), 3), "min": float(per.min()),
            "no_expert": int(((chosen * match).max(axis=1) == 0).sum()),
            "exactly_k": int((chosen.sum(axis=1) == np.asarray(need)).sum()),
            "over_limit": int((load > np.asarray(capacity)).sum()), "conflicts": int((chosen & ~allowed).sum()),
            "load": f"{int(load.min())}–{int(load.max())}"}


def milp_optimum(need, capacity, match, allowed):
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    rows, cols = np.nonzero(allowed)
    n = len(rows)
    S, R = allowed.shape
    a_eq = coo_matrix((np.ones(n), (rows, np.arange(n))), shape=(S, n))
    a_ub = coo_matrix((np.ones(n), (cols, np.arange(n))), shape=(R, n))
    res = milp(-match[rows, cols], integrality=np.ones(n), bounds=Bounds(0, 1),
               constraints=[LinearConstraint(a_eq, need, need), LinearConstraint(a_ub, 0, capacity)])
    return -res.fun


def brute_optimum(need, capacity, match, allowed):
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    for name, (S, R, k, limit), oracle in (("60×25", (60, 25, 3, 8), milp_optimum),
                                          ("5×6", (5, 6, 2, 2), brute_optimum)):
        need, capacity, match, allowed = instance(S, R, k, limit, seed=11)
        ours = float((solve(need, capacity, match, allowed) * match).sum())
        theirs = oracle(need, capacity, match, allowed)
        print(f"optimality {name}: ours {ours:.0f}, independent {theirs:.0f}, equal: {abs(ours - theirs) < 1e-6}")
    if args.small:
        return
    need, capacity, match, allowed = instance(1000, 300, 3, 12, seed=2026)
    t = time.perf_counter()
    chosen = solve(need, capacity, match, allowed)
    optimal_s = time.perf_counter() - t
    t = time.perf_counter()
    base = greedy(need, capacity, match, allowed)
    greedy_s = time.perf_counter() - t
    print("| method | time | total match | mean / min per submission | no expert | with exactly k | over limit "
          "| conflicts | load |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, c, secs in (("optimal (LP of the min-cost flow, HiGHS)", chosen, optimal_s), ("greedy baseline", base, greedy_s)):
        q = quality(c, need, capacity, match, allowed)
        print(f"| {label} | {secs:.2f} s | {q['total']:.0f} | {q['mean']} / {q['min']:.0f} | {q['no_expert']} "
              f"| {q['exactly_k']} / 1000 | {q['over_limit']} | {q['conflicts']} | {q['load']} |")


if __name__ == "__main__":
    main()
