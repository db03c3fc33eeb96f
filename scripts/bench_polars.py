#!/usr/bin/env python3
"""The competency-level part of `ksa score` (scoring.md §1) in polars' lazy
API, for the side-by-side benchmark in scripts/bench.sh.

    bench_polars.py MODEL.toml EVALUATIONS.csv OUT.csv

Per person, period and competency: the mean rating of each rater group, then
s_c = sum(w_g * m_g) / sum(w_g) over the groups with a rating and w_g > 0.
Blank scores are skipped. (No validation, no categories, no overall: ksa does
strictly more work.)
"""
import sys
import tomllib

import polars as pl

model_path, evals_path, out_path = sys.argv[1:4]
with open(model_path, "rb") as fh:
    model = tomllib.load(fh)
weights = pl.LazyFrame(
    {
        "rater": [r["id"] for r in model["raters"]],
        "w": [float(r["weight"]) for r in model["raters"]],
    }
)

ratings = pl.scan_csv(
    evals_path,
    schema_overrides={"person_id": pl.Utf8, "period": pl.Utf8, "rater_id": pl.Utf8, "score": pl.Float64},
).filter(pl.col("score").is_not_null())

scores = (
    ratings.group_by("person_id", "period", "competency", "rater")
    .agg(pl.col("score").mean().alias("m"), pl.len().alias("n"))
    .join(weights, on="rater")
    .filter(pl.col("w") > 0)
    .group_by("person_id", "period", "competency")
    .agg(
        ((pl.col("w") * pl.col("m")).sum() / pl.col("w").sum()).alias("score"),
        pl.col("n").sum().alias("ratings"),
    )
    .sort("person_id", "period", "competency")
)
scores.sink_csv(out_path)
