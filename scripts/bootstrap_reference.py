#!/usr/bin/env python3
"""Reference intervals for the candidate bootstrap of `ksa report compare`
(src/analysis/bootstrap.rs), from scipy.stats.bootstrap.

Reads tests/fixtures/bootstrap/ (model.toml, candidates.csv). Each
candidate's counted ratings form one sample per (competency, rater group)
cell with a group weight above 0; scipy resamples every sample
independently (paired=False), which is the stratified resampling ksa does.
The statistics — overall score, fit to grade g2 and rank (scoring.md §1-2,
§4, §6) — are written out here from the spec, independently of ksa. The
intervals are scipy's percentile intervals (method="percentile", 95%).

The result goes to tests/fixtures/bootstrap/reference.json, which
tests/integration/bootstrap.rs compares with ksa's intervals within the
Monte Carlo error of two independent bootstraps (the random streams differ):

    python3 scripts/bootstrap_reference.py           # rewrite reference.json
    python3 scripts/bootstrap_reference.py --check   # recompute and compare (CI)

The packages and the environment are those of scripts/stats_reference.py.
"""

import csv
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stats_reference import ensure_venv  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "bootstrap"
REFERENCE = FIXTURES / "reference.json"
GRADE = "g2"
RESAMPLES = 10000
SEED = 20261202


def load():
    import tomllib

    with open(FIXTURES / "model.toml", "rb") as f:
        m = tomllib.load(f)
    groups = [r["id"] for r in m["raters"]]
    weight = {r["id"]: float(r["weight"]) for r in m["raters"]}
    comps = [c["id"] for c in m["competencies"]]
    cells = {}
    with open(FIXTURES / "candidates.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if weight[row["rater"]] <= 0:
                continue
            key = (comps.index(row["competency"]), groups.index(row["rater"]))
            cells.setdefault(row["candidate_id"], {}).setdefault(key, []).append(float(row["score"]))
    people = sorted(cells)
    # One list of (competency, group weight) and one of samples per person,
    # in (competency, group) order.
    layout = {p: sorted(cells[p]) for p in people}
    return m, weight, groups, people, layout, cells


def scores(m, groups, weight, keys, means):
    """(overall, fit to GRADE) from the group means of each cell."""
    lo = float(m["scale"]["min"])
    comps = m["competencies"]
    num = [0.0] * len(comps)
    den = [0.0] * len(comps)
    for (c, g), x in zip(keys, means):
        w = weight[groups[g]]
        num[c] += w * x
        den[c] += w
    s = [num[c] / den[c] if den[c] > 0 else None for c in range(len(comps))]
    cat_w = {k["id"]: float(k.get("weight", 1)) for k in m["categories"]}
    overall_num = overall_den = fit_num = fit_den = 0.0
    for k in m["categories"]:
        members = [(i, c) for i, c in enumerate(comps) if c["category"] == k["id"]]
        cw = [(float(c.get("weight", 1)), s[i]) for i, c in members if s[i] is not None]
        wk = cat_w[k["id"]]
        if cw and wk > 0:
            overall_num += wk * sum(w * x for w, x in cw) / sum(w for w, _ in cw)
            overall_den += wk
        req = [(i, c) for i, c in members if GRADE in c.get("required", {})]
        if req and wk > 0:
            a = []
            for i, c in req:
                r = float(c["required"][GRADE])
                a.append((float(c.get("weight", 1)), 0.0 if s[i] is None else min((s[i] - lo) / (r - lo), 1.0)))
            fit_num += wk * sum(w * x for w, x in a) / sum(w for w, _ in a)
            fit_den += wk
    return (
        overall_num / overall_den if overall_den > 0 else math.nan,
        fit_num / fit_den if fit_den > 0 else math.nan,
    )


def ranks(people, fits, overalls):
    """Competition ranks of scoring.md section 6: fit, then overall, both
    rounded to 4 decimals, descending; then person_id."""
    key = lambda i: (-round(fits[i], 4), -round(overalls[i], 4), people[i])  # noqa: E731
    order = sorted(range(len(people)), key=key)
    out = [0] * len(people)
    for pos, i in enumerate(order):
        if pos and key(i)[:2] == key(order[pos - 1])[:2]:
            out[i] = out[order[pos - 1]]
        else:
            out[i] = pos + 1
    return out


def compute():
    import numpy as np
    from scipy import stats

    m, weight, groups, people, layout, cells = load()
    samples, spans = [], []
    for p in people:
        start = len(samples)
        samples.extend(np.array(cells[p][k]) for k in layout[p])
        spans.append((start, len(samples)))

    def statistic(*drawn):
        overall, fit = [], []
        for p, (a, b) in zip(people, spans):
            o, f = scores(m, groups, weight, layout[p], [float(np.mean(x)) for x in drawn[a:b]])
            overall.append(o)
            fit.append(f)
        return np.array(overall + fit + ranks(people, fit, overall), dtype=float)

    res = stats.bootstrap(
        samples,
        statistic,
        n_resamples=RESAMPLES,
        method="percentile",
        confidence_level=0.95,
        vectorized=False,
        paired=False,
        rng=np.random.default_rng(SEED),
    )
    n = len(people)
    lo, hi = res.confidence_interval.low, res.confidence_interval.high
    dist = res.bootstrap_distribution
    out = []
    for i, p in enumerate(people):
        def interval(j):
            return {"low": float(lo[j]), "high": float(hi[j]), "se": float(res.standard_error[j])}

        out.append(
            {
                "person_id": p,
                "overall": interval(i),
                "fit": interval(n + i),
                "rank": {
                    "low": float(lo[2 * n + i]),
                    "high": float(hi[2 * n + i]),
                    "mean": float(np.mean(dist[2 * n + i])),
                    "sd": float(np.std(dist[2 * n + i])),
                },
            }
        )
    import scipy

    return {
        "generated_by": "scripts/bootstrap_reference.py",
        "scipy": scipy.__version__,
        "grade": GRADE,
        "resamples": RESAMPLES,
        "method": "percentile",
        "candidates": out,
    }


def main():
    check = "--check" in sys.argv[1:]
    ensure_venv(check)
    ref = compute()
    if not check:
        REFERENCE.write_text(json.dumps(ref, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {REFERENCE.relative_to(ROOT)}")
        return
    old = json.loads(REFERENCE.read_text())
    bad = []
    for a, b in zip(old["candidates"], ref["candidates"]):
        for part in ("overall", "fit", "rank"):
            for k, x in a[part].items():
                if not math.isclose(x, b[part][k], rel_tol=1e-9, abs_tol=1e-12):
                    bad.append(f"{a['person_id']} {part}.{k}: committed {x}, recomputed {b[part][k]}")
    if len(old["candidates"]) != len(ref["candidates"]):
        bad.append("the number of candidates differs")
    for line in bad:
        print(f"bootstrap_reference: {line}", file=sys.stderr)
    if bad:
        sys.exit(1)
    print(f"bootstrap_reference: {len(ref['candidates'])} candidates agree with {REFERENCE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
