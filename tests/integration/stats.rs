//! `ksa stats` (README, "Measurement quality") through the real binary.
//!
//! 1. Golden numbers: `tests/fixtures/stats/reference.json` was computed by
//!    `scripts/stats_reference.py` with pingouin, scipy and numpy on the
//!    fixture data beside it; ksa's JSON output (unrounded) must agree within
//!    1e-9 relative, and be "not computable" exactly where the reference is
//!    null. This comparison always runs; only re-running the script needs
//!    Python.
//! 2. Degenerate inputs (one rater, zero variance, one person): an empty
//!    value and a note, never NaN or infinity, never a panic.
//! 3. Small cases worked by hand: r_wg, rater leniency, self-other classes.

use crate::common::*;
use serde_json::Value as J;
use std::collections::BTreeMap;
use std::path::Path;

const REL: f64 = 1e-9;

fn reference() -> J {
    let text = std::fs::read_to_string(fixture("stats/reference.json")).expect("reference.json");
    serde_json::from_str(&text).expect("reference.json is JSON")
}

/// `ksa stats KIND --model <fixture model> --evals <fixture file> --format
/// json EXTRA…` and its rows.
fn stats_json(kind: &str, file: &str, extra: &[&str]) -> Vec<serde_json::Map<String, J>> {
    let model = fixture("stats/model.toml");
    let evals = fixture("stats").join(file);
    let mut args = vec![
        "stats",
        kind,
        "--model",
        model.to_str().unwrap(),
        "--evals",
        evals.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = run(Path::new("."), &args);
    assert_eq!(out.code, Some(0), "ksa {args:?}:\n{}", out.stderr);
    assert!(
        out.last_stderr_line().starts_with("summary: "),
        "{}",
        out.stderr
    );
    let doc: J = serde_json::from_str(&out.stdout).expect("JSON output");
    assert_eq!(doc["model_id"], "stats-fixture");
    doc["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r.as_object().expect("row object").clone())
        .collect()
}

/// Equal within `REL` relative (an absolute 1e-12 for values at zero), or
/// both not computable.
fn assert_close(what: &str, ours: &J, theirs: &J) {
    match (ours.as_f64(), theirs.as_f64()) {
        (None, None) => assert!(
            ours.is_null() && theirs.is_null(),
            "{what}: {ours} vs {theirs}"
        ),
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= REL * a.abs().max(b.abs()) + 1e-12,
            "{what}: ksa {a:.17} vs reference {b:.17} (relative {:.2e})",
            (a - b).abs() / b.abs()
        ),
        _ => panic!("{what}: ksa {ours} vs reference {theirs} (one is not computable)"),
    }
}

fn text(row: &serde_json::Map<String, J>, key: &str) -> String {
    row[key].as_str().unwrap_or("").to_string()
}

/// The reference entries of one table and file.
fn entries<'a>(r: &'a J, table: &str, file: &str) -> Vec<&'a serde_json::Map<String, J>> {
    let all: Vec<_> = r[table]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_object().unwrap())
        .filter(|e| e["file"] == file)
        .collect();
    assert!(
        !all.is_empty(),
        "reference has no {table} entries for {file}"
    );
    all
}

// ------------------------------------------------------------ golden

#[test]
fn icc_matches_pingouin_and_the_multilevel_formula() {
    let r = reference();
    for file in ["panel.csv", "360.csv"] {
        let rows = stats_json("icc", file, &[]);
        let by_key: BTreeMap<(String, String), _> = rows
            .iter()
            .map(|row| ((text(row, "competency"), text(row, "statistic")), row))
            .collect();
        assert_eq!(rows.len(), 6 * 6, "{file}: 6 competencies × 6 statistics");
        for e in entries(&r, "icc", file) {
            let comp = e["competency"].as_str().unwrap();
            for stat in ["ICC1", "ICC1k", "ICC2", "ICC2k", "ICC3", "ICC3k"] {
                let row = by_key[&(comp.to_string(), stat.to_string())];
                let what = format!("{file} {comp} {stat}");
                assert_close(&what, &row["value"], &e[stat]);
                assert_eq!(
                    row["value"].is_null(),
                    row["note"].is_string(),
                    "{what}: a missing value needs a note and only then"
                );
                if stat.starts_with("ICC2") || stat.starts_with("ICC3") {
                    assert_eq!(row["raters"], e["panel_raters"], "{what}: panel size");
                }
            }
        }
    }
}

#[test]
fn icc_panel_uses_only_raters_who_rated_everyone() {
    // panel.csv: on b interviewer I4 missed candidate C03, so the panel is
    // I1–I3 (18 cells), while ICC(1) takes all 23 ratings; on e only I1
    // rated everyone, so there is no panel.
    let rows = stats_json("icc", "panel.csv", &[]);
    let get = |c: &str, s: &str| {
        rows.iter()
            .find(|r| r["competency"] == c && r["statistic"] == s)
            .unwrap()
            .clone()
    };
    let b2 = get("b", "ICC2");
    assert_eq!(
        (b2["raters"].as_u64(), b2["ratings"].as_u64()),
        (Some(3), Some(18))
    );
    assert_eq!(get("b", "ICC1")["ratings"].as_u64(), Some(23));
    let e3 = get("e", "ICC3");
    assert!(e3["value"].is_null());
    assert_eq!(
        e3["note"],
        "no panel: fewer than 2 raters rated every person"
    );
    assert_eq!(get("c", "ICC1")["note"], "not assessed");
}

#[test]
fn precision_intervals_match_scipy() {
    let r = reference();
    for file in ["360.csv", "panel.csv"] {
        let rows = stats_json("precision", file, &[]);
        let by_key: BTreeMap<(String, String, String), _> = rows
            .iter()
            .map(|row| {
                (
                    (
                        text(row, "person_id"),
                        text(row, "period"),
                        text(row, "competency"),
                    ),
                    row,
                )
            })
            .collect();
        let refs = entries(&r, "precision", file);
        for e in &refs {
            let key = (
                text(e, "person_id"),
                text(e, "period"),
                text(e, "competency"),
            );
            let row = by_key
                .get(&key)
                .unwrap_or_else(|| panic!("{file}: no row {key:?}"));
            let what = format!("{file} {key:?}");
            assert_eq!(row["ratings"], e["n"], "{what}: n");
            for (ours, theirs) in [
                ("score", "score"),
                ("sd", "sd"),
                ("se", "se"),
                ("ci_low", "ci_low"),
                ("ci_high", "ci_high"),
            ] {
                assert_close(&format!("{what} {ours}"), &row[ours], &e[theirs]);
            }
        }
        // Rows the reference does not have are the competencies nobody rated.
        for row in &rows {
            if row["ratings"] == 0 {
                assert_eq!(row["note"], "not assessed");
                assert!(row["score"].is_null() && row["low_precision"].is_null());
            }
        }
        assert_eq!(
            rows.iter().filter(|r| r["ratings"] != 0).count(),
            refs.len(),
            "{file}: assessed rows"
        );
    }
}

#[test]
fn rwg_matches_numpy() {
    let r = reference();
    let rows = stats_json("rwg", "360.csv", &[]);
    for e in entries(&r, "rwg", "360.csv") {
        let row = rows
            .iter()
            .find(|row| {
                row["person_id"] == e["person_id"]
                    && row["period"] == e["period"]
                    && row["competency"] == e["competency"]
            })
            .expect("rwg row");
        assert_close(&format!("rwg {e:?}"), &row["rwg"], &e["rwg"]);
    }
}

#[test]
fn alpha_matches_pingouin() {
    let r = reference();
    for file in ["alpha.csv", "360.csv"] {
        let rows = stats_json("alpha", file, &[]);
        for e in entries(&r, "alpha", file) {
            let row = rows
                .iter()
                .find(|row| row["category"] == e["category"])
                .expect("alpha row");
            let what = format!("{file} alpha {}", e["category"]);
            assert_close(&what, &row["alpha"], &e["alpha"]);
            if let Some(n) = e.get("people") {
                assert_eq!(&row["people"], n, "{what}: people");
            }
        }
    }
    // A has one competency.
    let rows = stats_json("alpha", "alpha.csv", &[]);
    assert_eq!(rows[2]["note"], "fewer than 2 competencies");
}

#[test]
fn rater_t_tests_match_scipy() {
    let r = reference();
    let min = r["min_ratings"].as_u64().unwrap().to_string();
    for file in ["360.csv", "panel.csv"] {
        let rows = stats_json("raters", file, &["--min-ratings", &min]);
        let refs = entries(&r, "raters", file);
        let ours: Vec<String> = rows.iter().map(|r| text(r, "rater_id")).collect();
        let theirs: Vec<String> = refs.iter().map(|e| text(e, "rater_id")).collect();
        assert_eq!(ours, theirs, "{file}: raters listed");
        for (row, e) in rows.iter().zip(&refs) {
            let what = format!("{file} {}", e["rater_id"]);
            assert_eq!(row["ratings"], e["n"], "{what}: n");
            assert_eq!(row["df"], e["df"], "{what}: df");
            for k in ["mean_deviation", "t", "p"] {
                assert_close(&format!("{what} {k}"), &row[k], &e[k]);
            }
        }
    }
}

#[test]
fn population_quartiles_match_numpy() {
    let r = reference();
    let rows = stats_json("population", "360.csv", &[]);
    for e in entries(&r, "population", "360.csv") {
        let row = rows
            .iter()
            .find(|row| {
                row["period"] == e["period"]
                    && row["grade"] == e["grade"]
                    && row["competency"] == e["competency"]
            })
            .expect("population row");
        let what = format!("population {e:?}");
        assert_eq!(row["n"], e["n"], "{what}: n");
        for k in ["mean", "median", "q1", "q3", "share_met"] {
            assert_close(&format!("{what} {k}"), &row[k], &e[k]);
        }
    }
}

// ------------------------------------------------------------ degenerate

/// The fixture model with a tiny data file, every kind, every format:
/// success, no NaN or infinity anywhere, the summary last.
fn all_kinds(dir: &Path, csv: &str) -> BTreeMap<&'static str, String> {
    std::fs::copy(fixture("stats/model.toml"), dir.join("model.toml")).unwrap();
    write(dir, "evals.csv", csv);
    let mut csvs = BTreeMap::new();
    for kind in [
        "precision",
        "icc",
        "rwg",
        "alpha",
        "raters",
        "self-other",
        "population",
    ] {
        for format in ["csv", "json", "table"] {
            let out = run(
                dir,
                &[
                    "stats",
                    kind,
                    "--model",
                    "model.toml",
                    "--evals",
                    "evals.csv",
                    "--format",
                    format,
                    "--min-ratings",
                    "1",
                ],
            );
            assert_eq!(out.code, Some(0), "{kind} {format}: {}", out.stderr);
            assert!(!out.stderr.contains("panicked"), "{kind}: {}", out.stderr);
            let lower = out.stdout.to_lowercase();
            for bad in ["nan", "inf"] {
                assert!(
                    !lower.contains(bad),
                    "{kind} {format} has {bad}:\n{}",
                    out.stdout
                );
            }
            assert!(out.last_stderr_line().starts_with("summary: "));
            if format == "csv" {
                csvs.insert(kind, out.stdout);
            }
        }
    }
    csvs
}

/// The value of `column` in the CSV row whose first cells are `key`.
fn cell(csv: &str, key: &[&str], column: &str) -> String {
    let recs = csv_records(csv);
    let col = recs[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    recs[1..]
        .iter()
        .find(|r| r.iter().zip(key).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("no row {key:?} in\n{csv}"))[col]
        .clone()
}

#[test]
fn one_rater_gives_not_computable_with_reasons() {
    let dir = workdir();
    // Two people, each rated once by one supervisor, on a only.
    let out = all_kinds(
        dir.path(),
        "person_id,rater,rater_id,competency,score\n\
         p,sup,m,a,4\n\
         q,sup,m,a,2\n",
    );
    let p = &out["precision"];
    assert_eq!(cell(p, &["p", "", "a"], "sd"), "");
    assert_eq!(cell(p, &["p", "", "a"], "note"), "one rating");
    assert_eq!(cell(p, &["p", "", "a"], "low_precision"), "true");
    assert_eq!(cell(&out["rwg"], &["p", "", "a"], "note"), "one rating");
    assert_eq!(
        cell(&out["icc"], &["a", "ICC1"], "note"),
        "one rating per person"
    );
    assert_eq!(
        cell(&out["icc"], &["a", "ICC2"], "note"),
        "no panel: fewer than 2 raters rated every person"
    );
    // m's ratings have no other rating to be compared with: not listed.
    assert_eq!(csv_records(&out["raters"]).len(), 1);
    assert_eq!(
        cell(&out["self-other"], &["p", ""], "note"),
        "no self rating"
    );
}

#[test]
fn zero_variance_gives_not_computable_with_reasons() {
    let dir = workdir();
    // Everyone gives 3 on a and b; self 3 too.
    let mut csv = String::from("person_id,grade,rater,rater_id,competency,score\n");
    for p in ["p", "q", "r"] {
        for (g, id) in [("sup", "m"), ("peer", "x"), ("peer", "y"), ("self", p)] {
            for c in ["a", "b", "c"] {
                csv.push_str(&format!("{p},g1,{g},{id},{c},3\n"));
            }
        }
    }
    let out = all_kinds(dir.path(), &csv);
    let p = &out["precision"];
    assert_eq!(cell(p, &["p", "", "a"], "sd"), "0.0000");
    assert_eq!(cell(p, &["p", "", "a"], "ci_low"), "");
    assert_eq!(cell(p, &["p", "", "a"], "note"), "zero variance");
    // Perfect agreement is computable for r_wg.
    assert_eq!(cell(&out["rwg"], &["p", "", "a"], "rwg"), "1.0000");
    for s in ["ICC1", "ICC1k", "ICC2", "ICC2k", "ICC3", "ICC3k"] {
        assert_eq!(cell(&out["icc"], &["a", s], "value"), "");
        assert_eq!(cell(&out["icc"], &["a", s], "note"), "zero variance");
    }
    assert_eq!(cell(&out["alpha"], &["K"], "note"), "zero variance");
    assert_eq!(cell(&out["raters"], &["m"], "t"), "");
    assert_eq!(cell(&out["raters"], &["m"], "note"), "zero variance");
    assert_eq!(cell(&out["raters"], &["m"], "outlier"), "false");
    assert_eq!(
        cell(&out["self-other"], &["p", ""], "class"),
        "in agreement"
    );
    assert_eq!(cell(&out["population"], &["", "g1", "a"], "q1"), "3.00");
}

#[test]
fn one_person_gives_not_computable_with_reasons() {
    let dir = workdir();
    let out = all_kinds(
        dir.path(),
        "person_id,rater,rater_id,competency,score\n\
         p,sup,m,a,4\n\
         p,peer,x,a,2\n\
         p,peer,y,a,3\n\
         p,sup,m,b,5\n\
         p,peer,x,b,3\n\
         p,sup,m,c,4\n\
         p,self,p,a,5\n",
    );
    for s in ["ICC1", "ICC1k", "ICC2", "ICC3k"] {
        assert_eq!(cell(&out["icc"], &["a", s], "note"), "one person");
    }
    assert_eq!(cell(&out["alpha"], &["K"], "note"), "one person");
    // One person still has a precision interval and r_wg.
    assert_ne!(cell(&out["precision"], &["p", "", "a"], "ci_low"), "");
    // a: 4, 2, 3 → s² = 1, r_wg = 1 − 1/2.
    assert_eq!(cell(&out["rwg"], &["p", "", "a"], "rwg"), "0.5000");
    assert_eq!(cell(&out["rwg"], &["p", "", "a"], "low_agreement"), "true");
}

#[test]
fn empty_data_gives_headers_only() {
    let dir = workdir();
    let out = all_kinds(dir.path(), "person_id,rater,rater_id,competency,score\n");
    assert_eq!(
        out["precision"],
        "person_id,period,competency,score,ratings,sd,se,ci_low,ci_high,low_precision,note\n"
    );
    assert_eq!(out["raters"].lines().count(), 1);
    // ICC and alpha still have one row per competency / category.
    assert_eq!(cell(&out["icc"], &["a", "ICC1"], "note"), "not assessed");
    assert_eq!(
        cell(&out["alpha"], &["K"], "note"),
        "no person has every competency assessed"
    );
}

// ------------------------------------------------------------ by hand

/// Runs `ksa stats KIND` on `csv` with the fixture model; (stdout, stderr).
fn stats_csv(dir: &Path, kind: &str, csv: &str, extra: &[&str]) -> (String, String) {
    std::fs::copy(fixture("stats/model.toml"), dir.join("model.toml")).unwrap();
    write(dir, "evals.csv", csv);
    let mut args = vec![
        "stats",
        kind,
        "--model",
        "model.toml",
        "--evals",
        "evals.csv",
        "--format",
        "csv",
    ];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    (out.stdout, out.stderr)
}

#[test]
fn rwg_by_hand() {
    // Scale 1–5: A = 5, σ²_EU = (25 − 1)/12 = 2.
    //   a: 3, 4, 4, 5 → s² = 2/3, r_wg = 1 − (2/3)/2 = 0.6667 (low)
    //   b: 4, 4, 5 → s² = 1/3, r_wg = 1 − 1/6 = 0.8333
    //   c: 1, 5, 1, 5 → s² = 16/3 > 2 → truncated to 0, with a note
    //   self (weight 0) never enters.
    let dir = workdir();
    let (out, _) = stats_csv(
        dir.path(),
        "rwg",
        "person_id,rater,rater_id,competency,score\n\
         p,sup,m,a,3\np,peer,x,a,4\np,peer,y,a,4\np,cust,,a,5\n\
         p,sup,m,b,4\np,peer,x,b,4\np,peer,y,b,5\np,self,p,b,1\n\
         p,sup,m,c,1\np,peer,x,c,5\np,peer,y,c,1\np,cust,,c,5\n",
        &[],
    );
    let expected = "person_id,period,competency,ratings,variance,rwg,low_agreement,note\n\
                    p,,a,4,0.6667,0.6667,true,\n\
                    p,,b,3,0.3333,0.8333,false,\n\
                    p,,c,4,5.3333,0.0000,true,truncated to 0: variance above the uniform null\n\
                    p,,d,0,,,,not assessed\n\
                    p,,e,0,,,,not assessed\n\
                    p,,f,0,,,,not assessed\n";
    assert_same_text(expected, &out, "rwg");
}

#[test]
fn rater_leniency_by_hand() {
    // Deviation = own rating − mean of the other counted ratings:
    //   p.a: L 5, x 3, y 4 → L +1.5, x −1.5, y 0
    //   p.b: L 4, x 3, y 3 → L +1,   x −0.5, y −0.5
    //   q.a: L 5, x 4, anonymous 4 → L +1, x −0.5
    //   q.b: L 3 alone (self not counted) → no deviation
    // L: 1.5, 1, 1 → mean 7/6 = 1.1667, sd √(1/12) = 0.2887,
    //    t = (7/6)/(1/6) = 7, df 2, p = 1 − 7/√51 = 0.0198: large but
    //    not significant at 0.01, so not an outlier.
    // x: −1.5, −0.5, −0.5 → mean −0.8333, sd 0.5774, t = −2.5, p 0.1296.
    // y: 0, −0.5: n = 2 < 3 (--min-ratings 3) → not listed, noted on stderr.
    let dir = workdir();
    let (out, err) = stats_csv(
        dir.path(),
        "raters",
        "person_id,rater,rater_id,competency,score\n\
         p,sup,L,a,5\np,peer,x,a,3\np,peer,y,a,4\n\
         p,sup,L,b,4\np,peer,x,b,3\np,peer,y,b,3\n\
         q,sup,L,a,5\nq,peer,x,a,4\nq,cust,,a,4\n\
         q,sup,L,b,3\nq,self,q,b,5\n",
        &["--min-ratings", "3"],
    );
    let expected =
        "rater_id,groups,ratings,people,mean_deviation,sd,t,df,p,outlier,direction,note\n\
                    L,sup,3,2,1.1667,0.2887,7.0000,2,0.0198,false,lenient,\n\
                    x,peer,3,2,-0.8333,0.5774,-2.5000,2,0.1296,false,severe,\n";
    assert_same_text(expected, &out, "raters");
    assert!(
        err.contains("note: 1 rater(s) with fewer than 3 compared ratings not listed"),
        "{err}"
    );
}

#[test]
fn a_consistently_lenient_rater_is_an_outlier() {
    // Rater L rates 12 people, each also rated 3 by four peers. L gives 4
    // or 5 alternately: deviations 1 and 2, mean 1.5, t ≈ 9.9, p < 0.01.
    // A peer's deviations are 3 − (4 + 9)/4 = −0.25 or 3 − (5 + 9)/4 = −0.5:
    // mean −0.375, significant but below 0.5 levels, so not an outlier.
    // (With only two other raters the lenient one would push each of them
    // to −0.75: the comparison is with the others, README.)
    let dir = workdir();
    let mut csv = String::from("person_id,rater,rater_id,competency,score\n");
    for i in 0..12 {
        csv.push_str(&format!("p{i:02},sup,L,a,{}\n", 4 + i % 2));
        for peer in ["w", "x", "y", "z"] {
            csv.push_str(&format!("p{i:02},peer,{peer},a,3\n"));
        }
    }
    let (out, _) = stats_csv(dir.path(), "raters", &csv, &[]);
    assert_eq!(cell(&out, &["L"], "outlier"), "true");
    assert_eq!(cell(&out, &["L"], "direction"), "lenient");
    assert_eq!(cell(&out, &["L"], "mean_deviation"), "1.5000");
    assert_eq!(cell(&out, &["x"], "outlier"), "false");
}

#[test]
fn self_other_classes_and_shares() {
    // o: self 5 and 4 on a, b; others 3 (sup) and 3.5 (peers 3, 4):
    //    self 4.5 − others 3.25 = +1.25 → over-rater
    // u: self 2; others (0.5·4 + 0.3·5)/0.8 = 4.375 → −2.375 under-rater
    // e: self 3.7, others 3.2: exactly 0.5 → in agreement (not beyond)
    // n: no self rating → no class
    let dir = workdir();
    let (out, err) = stats_csv(
        dir.path(),
        "self-other",
        "person_id,period,rater,rater_id,competency,score\n\
         o,2026H1,self,o,a,5\no,2026H1,self,o,b,4\no,2026H1,sup,s,a,3\n\
         o,2026H1,peer,x,b,3\no,2026H1,peer,y,b,4\n\
         u,2026H1,self,u,a,2\nu,2026H1,sup,s,a,4\nu,2026H1,peer,x,a,5\n\
         e,2026H1,self,e,a,3.7\ne,2026H1,sup,s,a,3.2\n\
         n,2026H1,sup,s,a,3\n",
        &[],
    );
    let expected = "person_id,period,competencies,self_mean,others_mean,difference,class,note\n\
                    e,2026H1,1,3.70,3.20,0.50,in agreement,\n\
                    n,2026H1,0,,,,,no self rating\n\
                    o,2026H1,2,4.50,3.25,1.25,over-rater,\n\
                    u,2026H1,1,2.00,4.38,-2.38,under-rater,\n";
    assert_same_text(expected, &out, "self-other");
    assert!(
        err.contains(
            "self-other 2026H1: over-rater 1 (33.3%), under-rater 1 (33.3%), \
             in agreement 1 (33.3%) of 3 classified; 1 unclassified"
        ),
        "{err}"
    );
    // A threshold of 1.5 puts o in agreement.
    let (out, _) = stats_csv(
        dir.path(),
        "self-other",
        &std::fs::read_to_string(dir.path().join("evals.csv")).unwrap(),
        &["--threshold", "1.5"],
    );
    assert_eq!(cell(&out, &["o", "2026H1"], "class"), "in agreement");
}

// ------------------------------------------------------------ usage

#[test]
fn bad_flags_and_models_exit_2() {
    let dir = workdir();
    std::fs::copy(fixture("stats/model.toml"), dir.path().join("model.toml")).unwrap();
    write(
        dir.path(),
        "evals.csv",
        "person_id,competency,score\np,a,3\n",
    );
    let base = ["--model", "model.toml", "--evals", "evals.csv"];
    let bad = run(
        dir.path(),
        &[&["stats", "self-other", "--threshold=-1"][..], &base].concat(),
    );
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(bad.errors()[0].contains("--threshold"), "{}", bad.stderr);
    let unknown = run(dir.path(), &[&["stats", "kappa"][..], &base].concat());
    assert_eq!(unknown.code, Some(2));
    let noself = std::fs::read_to_string(dir.path().join("model.toml"))
        .unwrap()
        .replace("id = \"self\"", "id = \"me\"");
    write(dir.path(), "noself.toml", &noself);
    let out = run(
        dir.path(),
        &[
            "stats",
            "self-other",
            "--model",
            "noself.toml",
            "--evals",
            "evals.csv",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.errors()[0].contains("no rater group with id \"self\""),
        "{}",
        out.stderr
    );
}

#[test]
fn writes_atomically_to_out_with_bom_and_table() {
    let dir = workdir();
    std::fs::copy(fixture("stats/model.toml"), dir.path().join("model.toml")).unwrap();
    std::fs::copy(fixture("stats/panel.csv"), dir.path().join("panel.csv")).unwrap();
    run_ok(
        dir.path(),
        &[
            "stats",
            "icc",
            "--model",
            "model.toml",
            "--evals",
            "panel.csv",
            "--out",
            "icc.csv",
            "--bom",
        ],
    );
    let bytes = std::fs::read(dir.path().join("icc.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcompetency,statistic,value,"));
    let table = run_ok(
        dir.path(),
        &[
            "stats",
            "alpha",
            "--model",
            "model.toml",
            "--evals",
            "panel.csv",
            "--format",
            "table",
        ],
    );
    assert!(table.starts_with("category"), "{table}");
}
