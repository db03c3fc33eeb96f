#!/usr/bin/env python3
"""Independent cross-check of the golden files of `ksa score`, `ksa place`
and `ksa compare` on the committed sample data (scoring.md §1-7).

It shares no code with ksa: it reads the model (tomllib) and the CSV (csv),
recomputes every row from the spec's formulas and compares it cell by cell
with the golden file. A cell whose unrounded value lies within 1e-9 of a
rounding boundary may differ by one unit in the last place (the last bit of
an f64 depends on the order of summation); every other cell must be equal.

Run from the repository root after changing a golden file:

    python3 tests/golden/crosscheck.py

Python 3.11+ standard library only.
"""

import csv
import sys
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALIASES = {
    "person_id": ["person_id", "employee_id", "candidate_id", "工号", "员工编号", "人员编号", "候选人编号"],
    "name": ["name", "姓名"],
    "grade": ["grade", "职级", "岗位层级", "层级"],
    "unit": ["unit", "department", "branch", "部门", "机构", "支行"],
    "period": ["period", "考核期", "期间"],
    "rater": ["rater", "rater_group", "评价人类型", "评价者类型"],
    "rater_id": ["rater_id", "评价人", "评价人编号"],
    "competency": ["competency", "能力项", "指标"],
    "score": ["score", "得分", "分数", "评分"],
    "comment": ["comment", "评语", "备注"],
}


def rnd(x, places):
    """Half away from zero on the exact value of the float; -0 → 0."""
    if x is None:
        return ""
    q = Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    s = f"{q:.{places}f}"
    return s[1:] if s.startswith("-") and float(q) == 0 else s


def near_boundary(x, places):
    if x is None:
        return False
    scaled = abs(x) * 10**places
    return abs(scaled - int(scaled) - 0.5) < 1e-6


def resolve(items, key):
    for i, it in enumerate(items):
        if it["id"] == key:
            return i
    for i, it in enumerate(items):
        if it["name"] == key:
            return i
    return None


class Model:
    def __init__(self, path):
        m = tomllib.loads(path.read_text(encoding="utf-8"))
        self.m = m
        self.min = m["scale"]["min"]
        self.grades = m["grades"]
        self.raters = m["raters"]
        self.cats = m["categories"]
        self.comps = m["competencies"]
        self.tol = m.get("placement", {}).get("tolerance", 0)
        self.cat_of = [next(k for k, c in enumerate(self.cats) if c["id"] == comp["category"]) for comp in self.comps]

    def weights(self, weighting):
        w = [c.get("weight", 1) for c in self.cats]
        if weighting:
            wt = next(x for x in self.m.get("weightings", []) if x["id"] == weighting)
            for k, c in enumerate(self.cats):
                if c["id"] in wt.get("categories", {}):
                    w[k] = wt["categories"][c["id"]]
        return w

    def req(self, c, g):
        return self.comps[c].get("required", {}).get(self.grades[g]["id"])


def read(model, path):
    """{(person, period): {"grade": g, "cells": {(c, group): [scores]}}}"""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip().lower() for h in rows[0]]
    col = {}
    for key, names in ALIASES.items():
        for i, h in enumerate(header):
            if h in [n.lower() for n in names]:
                col[key] = i
    people = {}
    for r in rows[1:]:
        if not r or r == [""]:
            continue
        get = lambda k: r[col[k]].strip() if k in col else ""
        key = (get("person_id"), get("period"))
        p = people.setdefault(key, {"grade": None, "cells": {}})
        g = get("grade")
        if g and p["grade"] is None:
            p["grade"] = resolve(model.grades, g)
        s = get("score")
        if s == "":
            continue
        c = resolve(model.comps, get("competency"))
        grp = resolve(model.raters, get("rater")) if get("rater") else 0
        p["cells"].setdefault((c, grp), []).append(float(s))
    return people


def scores(model, p, W):
    n = len(model.comps)
    s, cnt = [None] * n, [0] * n
    for c in range(n):
        num = den = 0.0
        k = 0
        for g, r in enumerate(model.raters):
            v = p["cells"].get((c, g))
            if v and r["weight"] > 0:
                num += r["weight"] * sum(v) / len(v)
                den += r["weight"]
                k += len(v)
        if den > 0:
            s[c], cnt[c] = num / den, k
    S, Sc = [], []
    for k in range(len(model.cats)):
        num = den = 0.0
        r = 0
        for c in range(n):
            if model.cat_of[c] == k and s[c] is not None:
                w = model.comps[c].get("weight", 1)
                num += w * s[c]
                den += w
                r += cnt[c]
        S.append(num / den if den else None)
        Sc.append(r)
    num = den = 0.0
    orat = 0
    for k in range(len(model.cats)):
        if S[k] is not None and W[k] > 0:
            num += W[k] * S[k]
            den += W[k]
            orat += Sc[k]
    O = num / den if den else None
    return s, cnt, S, Sc, O, orat


def gaps(model, s, S, O, W, g):
    n = len(model.comps)
    req = [model.req(c, g) for c in range(n)]
    Rk = []
    for k in range(len(model.cats)):
        num = den = 0.0
        for c in range(n):
            if model.cat_of[c] == k and req[c] is not None:
                w = model.comps[c].get("weight", 1)
                num += w * req[c]
                den += w
        Rk.append(num / den if den else None)
    num = den = 0.0
    for k in range(len(model.cats)):
        if Rk[k] is not None and W[k] > 0:
            num += W[k] * Rk[k]
            den += W[k]
    R = num / den if den else None
    return req, Rk, R


def fit(model, s, W, g):
    num, den = {}, {}
    for c, comp in enumerate(model.comps):
        r = model.req(c, g)
        if r is None:
            continue
        a = 0.0 if s[c] is None else min((s[c] - model.min) / (r - model.min), 1.0)
        k = model.cat_of[c]
        w = comp.get("weight", 1)
        num[k] = num.get(k, 0.0) + w * a
        den[k] = den.get(k, 0.0) + w
    fn = fd = 0.0
    for k in num:
        if W[k] > 0:
            fn += W[k] * num[k] / den[k]
            fd += W[k]
    return fn / fd if fd else None


def meets(model, s, g):
    for c, comp in enumerate(model.comps):
        r = model.req(c, g)
        if r is None:
            continue
        tol = 0 if comp.get("critical", False) else model.tol
        if s[c] is None or s[c] < r - tol - 1e-9:
            return False
    return True


def sub(a, b):
    return None if a is None or b is None else a - b


def score_rows(model, people, W):
    for key in sorted(people):
        p = people[key]
        s, cnt, S, Sc, O, orat = scores(model, p, W)
        g = p["grade"]
        req, Rk, R = gaps(model, s, S, O, W, g) if g is not None else (None, None, None)
        tg = model.grades[g]["id"] if g is not None else ""
        yield [key[0], key[1], tg, "overall", "overall"], [(O, 2), (R, 2), (sub(O, R), 2)], orat
        for k, cat in enumerate(model.cats):
            rk = Rk[k] if Rk else None
            yield [key[0], key[1], tg, "category", cat["id"]], [(S[k], 2), (rk, 2), (sub(S[k], rk), 2)], Sc[k]
            for c, comp in enumerate(model.comps):
                if model.cat_of[c] == k:
                    rc = req[c] if req else None
                    yield [key[0], key[1], tg, "competency", comp["id"]], [(s[c], 2), (rc, 2), (sub(s[c], rc), 2)], cnt[c]


def place_rows(model, people, W):
    for key in sorted(people):
        p = people[key]
        s = scores(model, p, W)[0]
        met = [meets(model, s, g) for g in range(len(model.grades))]
        placed = max((g for g in range(len(model.grades)) if met[g]), default=None)
        text = [key[0], key[1], model.grades[p["grade"]]["id"] if p["grade"] is not None else "",
                model.grades[placed]["id"] if placed is not None else ""]
        nums = []
        for g in range(len(model.grades)):
            nums.append((fit(model, s, W, g), 4))
            nums.append(("true" if met[g] else "false", None))
        yield text, nums


def compare_rows(model, people, W, grade):
    g = resolve(model.grades, grade)
    by_period = {}
    for key, p in people.items():
        by_period.setdefault(key[1], []).append((key, p))
    for period in sorted(by_period):
        cand = []
        for key, p in by_period[period]:
            s, _, S, _, O, _ = scores(model, p, W)
            f = fit(model, s, W, g)
            cand.append((key[0], f, O, meets(model, s, g), S))
        k4 = lambda v: None if v is None else Decimal(v).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        def sort_key(c):
            f, o = k4(c[1]), k4(c[2])
            return (f is None, -(f or 0), o is None, -(o or 0), c[0])
        cand.sort(key=sort_key)
        rank = 0
        for i, c in enumerate(cand):
            if i == 0 or (k4(c[1]), k4(c[2])) != (k4(cand[i - 1][1]), k4(cand[i - 1][2])):
                rank = i + 1
            yield [str(rank), c[0], period], [(c[1], 4), ("true" if c[3] else "false", None), (c[2], 2)] + [(x, 2) for x in c[4]]


def check(golden, expected_rows, text_cols, label):
    with open(ROOT / "tests/golden" / golden, encoding="utf-8", newline="") as f:
        got = list(csv.reader(f))[1:]
    exp = list(expected_rows)
    problems = boundary = 0
    if len(got) != len(exp):
        print(f"{label}: {len(got)} rows, expected {len(exp)}")
        return 1
    for row, e in zip(got, exp):
        text, nums = e[0], e[1]
        want = list(text)
        for v, places in nums:
            want.append(v if places is None else rnd(v, places))
        if len(e) > 2:
            want.append(str(e[2]))
        for i, (a, b) in enumerate(zip(row, want)):
            if a == b:
                continue
            j = i - len(text)
            if 0 <= j < len(nums) and nums[j][1] is not None and near_boundary(nums[j][0], nums[j][1]):
                boundary += 1
                continue
            problems += 1
            print(f"{label}: row {row[:5]} column {i}: golden {a!r}, independent {b!r}")
    print(f"{label}: {len(got)} rows checked, {problems} differences, {boundary} on a rounding boundary")
    return problems


def main():
    model = Model(ROOT / "models/bank-rm.toml")
    staff = read(model, ROOT / "data/evaluations.csv")
    cands = read(model, ROOT / "data/candidates.csv")
    W = model.weights(None)
    bad = check("score.evaluations.csv", score_rows(model, staff, W), 5, "score")
    bad += check("place.evaluations.csv", place_rows(model, staff, W), 4, "place")
    bad += check("compare.candidates.rm.recruitment.csv",
                 compare_rows(model, cands, model.weights("recruitment"), "rm"), 3, "compare")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
