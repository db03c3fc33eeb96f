#!/usr/bin/env python3
"""Golden numbers for `ksa stats` from independent, trusted implementations.

Reads the fixture data in tests/fixtures/stats/ (model.toml, panel.csv,
360.csv, alpha.csv) and computes, with pingouin, scipy, numpy and pandas
installed from PyPI into a private virtual environment:

- ICC(1), ICC(1,k) per competency from every counted rating (numpy, by the
  one-way ANOVA formula of R's multilevel::ICC1 with the mean group size; for
  a balanced panel also cross-checked against pingouin's ICC(1,1)/ICC(1,k));
- ICC(2,1), ICC(2,k), ICC(3,1), ICC(3,k) on the complete targets x raters
  matrix of the raters who rated every target (pingouin.intraclass_corr:
  ICC(A,1), ICC(A,k), ICC(C,1), ICC(C,k) in its McGraw & Wong naming);
- Cronbach's alpha per category (pingouin.cronbach_alpha, listwise);
- 95% t-intervals around each competency score (scipy.stats.t.interval);
- rater leniency t-tests (scipy.stats.ttest_1samp), r_wg and population
  quartiles (numpy.percentile, linear) as further cross-checks.

Not computable values are written as null. The result goes to
tests/fixtures/stats/reference.json, which tests/integration/stats.rs
compares with ksa's JSON output (1e-9 relative).

    python3 scripts/stats_reference.py           # rewrite reference.json
    python3 scripts/stats_reference.py --check   # compare with it (CI)

The packages are pinned so a rerun reproduces the committed file; the
environment is kept in ~/.cache/ksa (or $KSA_STATS_VENV) between runs.
Needs Python 3.11+ (tomllib) and PyPI. In --check mode an environment that
cannot be installed (no network) is a skip with a note, not a failure.
"""

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

PINS = ["numpy==2.4.6", "pandas==3.1.1", "scipy==1.17.1", "pingouin==0.7.0"]
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "stats"
REFERENCE = FIXTURES / "reference.json"
REL_TOL = 1e-9


def ensure_venv(check: bool) -> None:
    """Re-executes the running script (this one, or another reference script
    that imports this function) inside a venv that has the pinned packages."""
    if os.environ.get("KSA_STATS_IN_VENV") == "1":
        return
    key = hashlib.sha256(" ".join(PINS).encode()).hexdigest()[:12]
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    where = Path(os.environ.get("KSA_STATS_VENV", default / "ksa" / f"stats-reference-{key}"))
    python = where / "bin" / "python"
    stamp = where / "pins.txt"
    try:
        if not (python.exists() and stamp.exists() and stamp.read_text() == "\n".join(PINS)):
            print(f"stats_reference: installing {' '.join(PINS)} into {where}", file=sys.stderr)
            venv.EnvBuilder(with_pip=True, clear=True).create(where)
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS],
                check=True,
            )
            stamp.write_text("\n".join(PINS))
    except (subprocess.CalledProcessError, OSError) as e:
        if check:
            name = Path(sys.argv[0]).stem
            print(f"note: {name} check skipped: cannot install {PINS} ({e})", file=sys.stderr)
            sys.exit(0)
        raise
    env = dict(os.environ, KSA_STATS_IN_VENV="1")
    script = str(Path(sys.argv[0]).resolve())
    sys.exit(subprocess.run([str(python), script, *sys.argv[1:]], env=env).returncode)


# ---------------------------------------------------------------- data


def load_model():
    import tomllib

    with open(FIXTURES / "model.toml", "rb") as f:
        m = tomllib.load(f)
    weights = {r["id"]: float(r["weight"]) for r in m["raters"]}
    return m, weights


def read_long(name, weights):
    """Ratings as ksa reads them: one row per rating; person_id may be
    called candidate_id; no period column means period ""; wide files are
    melted (an empty cell is not a rating)."""
    import pandas as pd

    df = pd.read_csv(FIXTURES / name, dtype=str, keep_default_na=False)
    df = df.rename(columns={"candidate_id": "person_id"})
    if "competency" not in df.columns:
        comps = [c for c in df.columns if c not in ("person_id", "grade", "period", "rater", "rater_id", "name", "unit")]
        df = df.melt(
            id_vars=[c for c in df.columns if c not in comps],
            value_vars=comps,
            var_name="competency",
            value_name="score",
        )
        df = df[df["score"].str.strip() != ""]
    for col in ("period", "grade", "rater_id"):
        if col not in df.columns:
            df[col] = ""
    df["score"] = df["score"].astype(float)
    df["weight"] = df["rater"].map(weights)
    return df.reset_index(drop=True)


def competency_scores(df):
    """s_c per (person_id, period, competency): weighted mean of the group
    means over the groups with weight > 0 (scoring.md section 1)."""
    counted = df[df["weight"] > 0]
    g = counted.groupby(["person_id", "period", "competency", "rater"], sort=True).agg(
        m=("score", "mean"), w=("weight", "first")
    )
    g["wm"] = g["m"] * g["w"]
    s = g.groupby(level=[0, 1, 2]).agg(num=("wm", "sum"), den=("w", "sum"))
    return (s["num"] / s["den"]).rename("s")


def num(x):
    """A JSON number, or null when not computable (NaN or infinite)."""
    import math

    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


# ---------------------------------------------------------------- statistics


def icc_rows(name, df, competencies):
    import numpy as np
    import pandas as pd
    import pingouin as pg

    out = []
    counted = df[df["weight"] > 0].copy()
    counted["target"] = counted["person_id"] + "\u0001" + counted["period"]
    for comp in competencies:
        d = counted[counted["competency"] == comp]
        row = {"file": name, "competency": comp}
        # One-way, unbalanced allowed: multilevel::ICC1 / ICC2.
        groups = [g["score"].to_numpy() for _, g in d.groupby("target")]
        j, n = len(groups), sum(len(g) for g in groups)
        icc1 = icc1k = None
        if j >= 2 and n > j:
            grand = np.concatenate(groups).mean()
            ssb = sum(len(g) * (g.mean() - grand) ** 2 for g in groups)
            ssw = sum(((g - g.mean()) ** 2).sum() for g in groups)
            msb, msw = ssb / (j - 1), ssw / (n - j)
            k = n / j
            if ssb + ssw > 0:
                icc1 = (msb - msw) / (msb + (k - 1) * msw)
                icc1k = (msb - msw) / msb if msb > 0 else None
        row["ICC1"], row["ICC1k"] = num(icc1), num(icc1k)
        # Two-way: the named raters who rated every target.
        targets = sorted(d["target"].unique())
        named = d[d["rater_id"] != ""]
        wide = named.pivot_table(index="target", columns="rater_id", values="score", aggfunc="mean")
        wide = wide.reindex(targets).dropna(axis=1, how="any")
        row["panel_raters"] = int(wide.shape[1])
        for key in ("ICC2", "ICC2k", "ICC3", "ICC3k"):
            row[key] = None
        if wide.shape[1] >= 2 and wide.shape[0] >= 2:
            long = wide.reset_index().melt(id_vars="target", var_name="rater", value_name="score")
            res = pg.intraclass_corr(data=long, targets="target", raters="rater", ratings="score")
            icc = dict(zip(res["Type"], res["ICC"]))
            row["ICC2"], row["ICC2k"] = num(icc["ICC(A,1)"]), num(icc["ICC(A,k)"])
            row["ICC3"], row["ICC3k"] = num(icc["ICC(C,1)"]), num(icc["ICC(C,k)"])
            if wide.shape[1] * wide.shape[0] == len(d):
                # Balanced: the one-way numbers must agree with pingouin's.
                for ours, theirs in (("ICC1", "ICC(1,1)"), ("ICC1k", "ICC(1,k)")):
                    assert abs(row[ours] - icc[theirs]) <= 1e-12 * abs(icc[theirs]), (comp, ours)
        out.append(row)
    return out


def precision_rows(name, df):
    import numpy as np
    from scipy import stats

    s = competency_scores(df)
    out = []
    counted = df[df["weight"] > 0]
    for (pid, period, comp), g in counted.groupby(["person_id", "period", "competency"], sort=True):
        x = g["score"].to_numpy()
        n = len(x)
        row = {"file": name, "person_id": pid, "period": period, "competency": comp, "n": n}
        row["score"] = num(s[(pid, period, comp)])
        sd = float(np.std(x, ddof=1)) if n >= 2 else None
        se = sd / np.sqrt(n) if sd is not None else None
        row["sd"], row["se"] = num(sd), num(se)
        if sd:
            lo, hi = stats.t.interval(0.95, n - 1, loc=row["score"], scale=se)
            row["ci_low"], row["ci_high"] = num(lo), num(hi)
        else:
            row["ci_low"] = row["ci_high"] = None
        out.append(row)
    return out


def rwg_rows(name, df, scale):
    import numpy as np

    null = ((scale["max"] - scale["min"] + 1) ** 2 - 1) / 12
    out = []
    counted = df[df["weight"] > 0]
    for (pid, period, comp), g in counted.groupby(["person_id", "period", "competency"], sort=True):
        x = g["score"].to_numpy()
        var = float(np.var(x, ddof=1)) if len(x) >= 2 else None
        rwg = None if var is None else (0.0 if var > null else 1 - var / null)
        out.append({"file": name, "person_id": pid, "period": period, "competency": comp, "rwg": num(rwg)})
    return out


def alpha_rows(name, df, model):
    import pandas as pd
    import pingouin as pg

    s = competency_scores(df).reset_index()
    s["pp"] = s["person_id"] + "\u0001" + s["period"]
    wide = s.pivot(index="pp", columns="competency", values="s")
    out = []
    for cat in model["categories"]:
        items = [c["id"] for c in model["competencies"] if c["category"] == cat["id"]]
        row = {"file": name, "category": cat["id"], "alpha": None}
        if len(items) >= 2:
            m = wide.reindex(columns=items).dropna(how="any")
            row["people"] = int(len(m))
            row["alpha"] = num(pg.cronbach_alpha(data=m, nan_policy="listwise")[0])
        out.append(row)
    return out


def rater_rows(name, df, min_ratings):
    import numpy as np
    from scipy import stats

    counted = df[df["weight"] > 0]
    devs = {}
    for _, g in counted.groupby(["person_id", "period", "competency"], sort=True):
        for rid, mine in g[g["rater_id"] != ""].groupby("rater_id"):
            others = g[g["rater_id"] != rid]["score"]
            if len(others):
                devs.setdefault(rid, []).append(mine["score"].mean() - others.mean())
    out = []
    for rid in sorted(devs):
        d = np.array(devs[rid])
        if len(d) < min_ratings:
            continue
        t = stats.ttest_1samp(d, 0.0)
        out.append(
            {
                "file": name,
                "rater_id": rid,
                "n": int(len(d)),
                "mean_deviation": num(d.mean()),
                "t": num(t.statistic),
                "df": int(len(d) - 1),
                "p": num(t.pvalue),
            }
        )
    return out


def population_rows(name, df, model):
    import numpy as np

    s = competency_scores(df).reset_index()
    grades = df.groupby(["person_id", "period"])["grade"].first()
    s["grade"] = [grades[(p, q)] for p, q in zip(s["person_id"], s["period"])]
    out = []
    for (period, grade, comp), g in s.groupby(["period", "grade", "competency"], sort=True):
        x = g["s"].to_numpy()
        comp_def = next(c for c in model["competencies"] if c["id"] == comp)
        req = comp_def.get("required", {}).get(grade)
        row = {
            "file": name,
            "period": period,
            "grade": grade,
            "competency": comp,
            "n": int(len(x)),
            "mean": num(x.mean()),
            "median": num(np.percentile(x, 50)),
            "q1": num(np.percentile(x, 25)),
            "q3": num(np.percentile(x, 75)),
            "share_met": None,
        }
        if req is not None and grade:
            tol = 0.0 if comp_def.get("critical") else model["placement"]["tolerance"]
            row["share_met"] = num(np.mean(x >= req - tol - 1e-9))
        out.append(row)
    return out


def compute():
    import numpy
    import pandas
    import pingouin
    import scipy

    model, weights = load_model()
    comps = [c["id"] for c in model["competencies"]]
    panel = read_long("panel.csv", weights)
    p360 = read_long("360.csv", weights)
    alpha = read_long("alpha.csv", weights)
    return {
        "about": "Written by scripts/stats_reference.py; do not edit. null = not computable.",
        "versions": {
            "numpy": numpy.__version__,
            "pandas": pandas.__version__,
            "scipy": scipy.__version__,
            "pingouin": pingouin.__version__,
        },
        "min_ratings": 3,
        "icc": icc_rows("panel.csv", panel, comps) + icc_rows("360.csv", p360, comps),
        "precision": precision_rows("360.csv", p360) + precision_rows("panel.csv", panel),
        "rwg": rwg_rows("360.csv", p360, model["scale"]),
        "alpha": alpha_rows("alpha.csv", alpha, model) + alpha_rows("360.csv", p360, model),
        "raters": rater_rows("360.csv", p360, 3) + rater_rows("panel.csv", panel, 3),
        "population": population_rows("360.csv", p360, model),
    }


def differences(a, b, path="$"):
    """Where two JSON values differ beyond the relative tolerance."""
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            if abs(a - b) <= REL_TOL * max(abs(a), abs(b)) + 1e-12:
                return []
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} entries != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def main():
    check = "--check" in sys.argv[1:]
    if sys.version_info < (3, 11):
        print("note: stats reference needs Python 3.11+ (tomllib); skipped", file=sys.stderr)
        sys.exit(0 if check else 2)
    ensure_venv(check)
    fresh = compute()
    if check:
        committed = json.loads(REFERENCE.read_text(encoding="utf-8"))
        diffs = differences(committed, fresh)
        if diffs:
            print(f"{REFERENCE} differs from a fresh computation:", file=sys.stderr)
            for d in diffs[:50]:
                print(f"  {d}", file=sys.stderr)
            sys.exit(1)
        print(f"ok: {REFERENCE.relative_to(ROOT)} matches a fresh computation", file=sys.stderr)
        return
    REFERENCE.write_text(json.dumps(fresh, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {REFERENCE.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
