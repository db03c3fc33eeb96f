//! Scoring (scoring.md §1–7) through the real binary: `ksa score`, `ksa
//! place` and `ksa compare` on a tiny model and ratings written in each
//! test, with the expected numbers worked out by hand in the comments; then
//! golden files of the sample data, and the output rules (`--out`, `--bom`,
//! a closed pipe).

use crate::common::*;
use std::path::Path;

/// The scoring model of these tests. Rater weights 0.5/0.3/0.2 and a self
/// group of weight 0; categories K (W=2), S (W=1) and X (W=0); tolerance 0.5;
/// K.b is critical. Requirements:
///
/// | comp | w_c | g1 | g2 | g3 |
/// |------|-----|----|----|----|
/// | K.a  | 1   | 2  | 3  | 4  |
/// | K.b  | 3   | 3  | 4  | 5  |  (critical)
/// | S.c  | 1   | -  | 3  | 4  |
/// | X.d  | 1   | -  | -  | -  |
///
/// Weighting `hire`: K = 1, S = 3 (X keeps 0).
pub const TINY: &str = r#"schema = 1
id = "tiny"
name = "Tiny scoring model"
version = "0.1"

[scale]
min = 1
max = 5

[[grades]]
id = "g1"
name = "Junior"

[[grades]]
id = "g2"
name = "Senior"

[[grades]]
id = "g3"
name = "Chief"

[[raters]]
id = "sup"
name = "Supervisor"
weight = 0.5

[[raters]]
id = "peer"
name = "Peer"
weight = 0.3
min_count = 3

[[raters]]
id = "cust"
name = "Customer"
weight = 0.2

[[raters]]
id = "self"
name = "Self"
weight = 0

[[categories]]
id = "K"
name = "Knowledge"
weight = 2

[[categories]]
id = "S"
name = "Skills"
weight = 1

[[categories]]
id = "X"
name = "Extras"
weight = 0

[[competencies]]
id = "K.a"
name = "Alpha"
category = "K"
required = { g1 = 2, g2 = 3, g3 = 4 }

[[competencies]]
id = "K.b"
name = "Beta"
category = "K"
weight = 3
critical = true
required = { g1 = 3, g2 = 4, g3 = 5 }

[[competencies]]
id = "S.c"
name = "Gamma"
category = "S"
required = { g2 = 3, g3 = 4 }

[[competencies]]
id = "X.d"
name = "Delta"
category = "X"
trainable = false

[[weightings]]
id = "hire"
name = "Hiring"
categories = { K = 1, S = 3 }

[placement]
tolerance = 0.5

[[training]]
id = "t"
name = "Course"
competencies = ["K.a", "K.b", "S.c"]
"#;

/// `TINY` with one replacement (which must match exactly once).
fn tiny_with(from: &str, to: &str) -> String {
    assert_eq!(TINY.matches(from).count(), 1, "{from:?}");
    TINY.replacen(from, to, 1)
}

/// A folder with `tiny.toml` (the given model text) and `evals.csv`.
fn setup(model: &str, csv: &str) -> tempfile::TempDir {
    let dir = workdir();
    write(dir.path(), "tiny.toml", model);
    write(dir.path(), "evals.csv", csv);
    dir
}

/// Runs `ksa CMD --model tiny.toml --evals evals.csv --format csv EXTRA...`
/// and returns stdout (the run must succeed).
fn csv_of(dir: &Path, cmd: &str, extra: &[&str]) -> String {
    let mut args = vec![
        cmd,
        "--model",
        "tiny.toml",
        "--evals",
        "evals.csv",
        "--format",
        "csv",
    ];
    args.extend_from_slice(extra);
    run_ok(dir, &args)
}

const SCORE_HEADER: &str = "person_id,period,target_grade,kind,id,score,required,gap,ratings\n";
const PLACE_HEADER: &str =
    "person_id,period,grade,placement,fit_g1,meets_g1,fit_g2,meets_g2,fit_g3,meets_g3\n";
const COMPARE_HEADER: &str = "rank,person_id,period,fit,meets,overall,K,S,X\n";

// ------------------------------------------------------------ §1

#[test]
fn rater_weights_are_renormalised_over_the_groups_present() {
    // P1: sup 4, peers 2 and 3 (mean 2.5), no customer:
    //   s = (0.5·4 + 0.3·2.5) / (0.5 + 0.3) = 2.75 / 0.8 = 3.4375 → 3.44
    // P2: sup 4, peer 3, customer 2: (2 + 0.9 + 0.4) / 1.0 = 3.30
    // Only K.a is assessed, so S_K = s_{K.a} and O = S_K (§2).
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         P1,sup,s1,K.a,4\n\
         P1,peer,p1,K.a,2\n\
         P1,peer,p2,K.a,3\n\
         P2,sup,s1,K.a,4\n\
         P2,peer,p1,K.a,3\n\
         P2,cust,c1,K.a,2\n",
    );
    let expected = format!(
        "{SCORE_HEADER}\
         P1,,,overall,overall,3.44,,,3\n\
         P1,,,category,K,3.44,,,3\n\
         P1,,,competency,K.a,3.44,,,3\n\
         P1,,,competency,K.b,,,,0\n\
         P1,,,category,S,,,,0\n\
         P1,,,competency,S.c,,,,0\n\
         P1,,,category,X,,,,0\n\
         P1,,,competency,X.d,,,,0\n\
         P2,,,overall,overall,3.30,,,3\n\
         P2,,,category,K,3.30,,,3\n\
         P2,,,competency,K.a,3.30,,,3\n\
         P2,,,competency,K.b,,,,0\n\
         P2,,,category,S,,,,0\n\
         P2,,,competency,S.c,,,,0\n\
         P2,,,category,X,,,,0\n\
         P2,,,competency,X.d,,,,0\n"
    );
    assert_same_text(&expected, &csv_of(dir.path(), "score", &[]), "score");
}

#[test]
fn self_ratings_of_weight_zero_do_not_count_and_are_not_in_ratings() {
    // P1: sup 3, self 5 → s = 0.5·3 / 0.5 = 3.00; ratings 1 (self excluded).
    // P2: only self → K.a not assessed (empty), ratings 0; nothing is
    // assessed, so K and overall are empty too.
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         P1,sup,s1,K.a,3\n\
         P1,self,P1,K.a,5\n\
         P2,self,P2,K.a,5\n",
    );
    let out = csv_of(dir.path(), "score", &[]);
    let rows = csv_records(&out);
    let row = |p: &str, id: &str| -> Vec<String> {
        rows.iter()
            .find(|r| r[0] == p && r[4] == id)
            .unwrap_or_else(|| panic!("no row {p} {id}:\n{out}"))
            .clone()
    };
    assert_eq!(row("P1", "K.a")[5..], ["3.00", "", "", "1"]);
    assert_eq!(row("P1", "overall")[5..], ["3.00", "", "", "1"]);
    assert_eq!(row("P2", "K.a")[5..], ["", "", "", "0"]);
    assert_eq!(row("P2", "K")[5..], ["", "", "", "0"]);
    assert_eq!(row("P2", "overall")[5..], ["", "", "", "0"]);
    assert_eq!(rows.iter().filter(|r| r[0] == "P2").count(), 8, "{out}");
}

#[test]
fn a_group_below_min_count_still_counts_in_the_score() {
    // One peer (min_count 3) and the supervisor:
    //   s = (0.5·3 + 0.3·5) / 0.8 = 3 / 0.8 = 3.75; ratings 2.
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         P1,sup,s1,K.a,3\n\
         P1,peer,p1,K.a,5\n",
    );
    let out = csv_of(dir.path(), "score", &[]);
    assert!(
        out.contains("P1,,,competency,K.a,3.75,,,2\n"),
        "expected K.a 3.75 from 2 ratings:\n{out}"
    );
}

#[test]
fn unassessed_competencies_and_all_blank_people_still_get_every_row() {
    // P1 has one rating (K.a 4); everything else is unassessed: empty score,
    // ratings 0. P9's only row is blank: they still get all rows (§7).
    // The tree order: overall, K, K.a, K.b, S, S.c, X, X.d.
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         P9,sup,s1,K.a,\n\
         P1,sup,s1,K.a,4\n",
    );
    let expected = format!(
        "{SCORE_HEADER}\
         P1,,,overall,overall,4.00,,,1\n\
         P1,,,category,K,4.00,,,1\n\
         P1,,,competency,K.a,4.00,,,1\n\
         P1,,,competency,K.b,,,,0\n\
         P1,,,category,S,,,,0\n\
         P1,,,competency,S.c,,,,0\n\
         P1,,,category,X,,,,0\n\
         P1,,,competency,X.d,,,,0\n\
         P9,,,overall,overall,,,,0\n\
         P9,,,category,K,,,,0\n\
         P9,,,competency,K.a,,,,0\n\
         P9,,,competency,K.b,,,,0\n\
         P9,,,category,S,,,,0\n\
         P9,,,competency,S.c,,,,0\n\
         P9,,,category,X,,,,0\n\
         P9,,,competency,X.d,,,,0\n"
    );
    assert_same_text(&expected, &csv_of(dir.path(), "score", &[]), "score");
}

// ------------------------------------------------------------ §2–3

/// P1, grade g2, rated by the supervisor only: K.a 4, K.b 2, S.c 5, X.d 1.
const P1_G2: &str = "person_id,grade,rater,rater_id,competency,score\n\
                     P1,g2,sup,s1,K.a,4\n\
                     P1,g2,sup,s1,K.b,2\n\
                     P1,g2,sup,s1,S.c,5\n\
                     P1,g2,sup,s1,X.d,1\n";

#[test]
fn categories_overall_requirements_and_gaps() {
    // S_K = (1·4 + 3·2) / 4 = 2.5;  S_S = 5;  S_X = 1 (weight 0: shown, not in O)
    // O   = (2·2.5 + 1·5) / (2 + 1) = 10/3 = 3.333… → 3.33; ratings 2 + 1 = 3
    // At g2: R_K = (1·3 + 3·4) / 4 = 3.75, gap_K = 2.5 − 3.75 = −1.25
    //        R_S = 3, gap_S = 2;  X requires nothing: R_X and gap_X empty
    //        R   = (2·3.75 + 1·3) / 3 = 3.5, gap = 3.333… − 3.5 = −0.1667 → −0.17
    //        gap_c: K.a 4−3 = 1, K.b 2−4 = −2, S.c 5−3 = 2; X.d not required
    let dir = setup(TINY, P1_G2);
    let expected = format!(
        "{SCORE_HEADER}\
         P1,,g2,overall,overall,3.33,3.50,-0.17,3\n\
         P1,,g2,category,K,2.50,3.75,-1.25,2\n\
         P1,,g2,competency,K.a,4.00,3.00,1.00,1\n\
         P1,,g2,competency,K.b,2.00,4.00,-2.00,1\n\
         P1,,g2,category,S,5.00,3.00,2.00,1\n\
         P1,,g2,competency,S.c,5.00,3.00,2.00,1\n\
         P1,,g2,category,X,1.00,,,1\n\
         P1,,g2,competency,X.d,1.00,,,1\n"
    );
    assert_same_text(&expected, &csv_of(dir.path(), "score", &[]), "score");
}

#[test]
fn a_weighting_replaces_the_category_weights() {
    // Weighting hire: W_K = 1, W_S = 3, W_X = 0 (left out: keeps its own 0).
    //   O = (1·2.5 + 3·5) / 4 = 17.5 / 4 = 4.375 → 4.38 (exact tie, away from 0)
    //   R = (1·3.75 + 3·3) / 4 = 12.75 / 4 = 3.1875 → 3.19
    //   gap = 4.375 − 3.1875 = 1.1875 → 1.19
    // Category and competency rows do not depend on W.
    let dir = setup(TINY, P1_G2);
    let expected = format!(
        "{SCORE_HEADER}\
         P1,,g2,overall,overall,4.38,3.19,1.19,3\n\
         P1,,g2,category,K,2.50,3.75,-1.25,2\n\
         P1,,g2,competency,K.a,4.00,3.00,1.00,1\n\
         P1,,g2,competency,K.b,2.00,4.00,-2.00,1\n\
         P1,,g2,category,S,5.00,3.00,2.00,1\n\
         P1,,g2,competency,S.c,5.00,3.00,2.00,1\n\
         P1,,g2,category,X,1.00,,,1\n\
         P1,,g2,competency,X.d,1.00,,,1\n"
    );
    let out = csv_of(dir.path(), "score", &["--weighting", "hire"]);
    assert_same_text(&expected, &out, "score --weighting hire");
}

#[test]
fn a_weighting_that_zeroes_a_category_drops_it_from_overall() {
    // A weighting K = 0: O = S_S = 5, R = R_S = 3, gap 2; overall ratings
    // count only S (1). K's rows are still written.
    let model = tiny_with("categories = { K = 1, S = 3 }", "categories = { K = 0 }");
    let dir = setup(&model, P1_G2);
    let out = csv_of(dir.path(), "score", &["--weighting", "hire"]);
    let rows = csv_records(&out);
    assert_eq!(
        rows[1][3..],
        ["overall", "overall", "5.00", "3.00", "2.00", "1"]
    );
    assert_eq!(
        rows[2][3..],
        ["category", "K", "2.50", "3.75", "-1.25", "2"]
    );
}

// ------------------------------------------------------------ §4–5

#[test]
fn fit_per_grade_with_capped_attainment() {
    // P1 (K.a 4, K.b 2, S.c 5, X.d 1), a_c = min((s−1)/(req−1), 1):
    //   g1: a_K.a = min(3/1,1) = 1, a_K.b = 1/2 → fit_K = (1 + 3·0.5)/4 = 0.625;
    //       S requires nothing at g1 → fit = 0.6250
    //   g2: a_K.a = 1, a_K.b = 1/3 → fit_K = 0.5; a_S.c = min(4/2,1) = 1 →
    //       fit = (2·0.5 + 1·1)/3 = 0.6667
    //   g3: a_K.a = 1, a_K.b = 1/4 → fit_K = 0.4375; a_S.c = 1 →
    //       fit = (2·0.4375 + 1)/3 = 0.6250
    // K.b (critical) is below every requirement: no grade met, no placement.
    let dir = setup(TINY, P1_G2);
    let expected = format!("{PLACE_HEADER}P1,,g2,,0.6250,false,0.6667,false,0.6250,false\n");
    assert_same_text(&expected, &csv_of(dir.path(), "place", &[]), "place");
    // With hire (W_K = 1, W_S = 3): g2 (1·0.5 + 3·1)/4 = 0.875,
    // g3 (0.4375 + 3)/4 = 0.859375 → 0.8594; g1 has only K → 0.6250.
    let expected = format!("{PLACE_HEADER}P1,,g2,,0.6250,false,0.8750,false,0.8594,false\n");
    let out = csv_of(dir.path(), "place", &["--weighting", "hire"]);
    assert_same_text(&expected, &out, "place --weighting hire");
}

#[test]
fn fit_counts_unassessed_requirements_as_zero_and_tolerance_spares_only_non_critical() {
    // Rated by the supervisor only; no grade column (grade empty).
    // P2: K.a 5 only. K.b, S.c unassessed → a = 0.
    //   g1 (1·1 + 3·0)/4 = 0.25; g2 fit_K 0.25, fit_S 0 → 0.5/3 = 0.1667; g3 same.
    // P3: all 5: every a capped at 1 → 1.0000 everywhere, meets all → g3.
    // P4: K.a 1.5, K.b 3. g1: K.a short by 0.5 = tolerance (non-critical) and
    //   K.b meets 3 → meets g1. fit (0.5 + 3·1)/4 = 0.8750 (fit has no tolerance).
    //   g2: a = 0.25, 2/3 → fit_K 0.5625, S.c unassessed → 2·0.5625/3 = 0.3750
    //   g3: a = 0.5/3, 0.5 → fit_K 0.41667 → 0.2778
    // P5: K.a 2, K.b 2.6: K.b (critical) short by 0.4 < tolerance → not met.
    //   g1 (1 + 3·0.8)/4 = 0.8500; g2 (0.5 + 3·1.6/3)/4 = 0.525 → 0.3500;
    //   g3 (1/3 + 3·0.4)/4 = 0.38333 → 0.2556
    // P6: K.a 1.4 (short by 0.6 > tolerance), K.b 3 → g1 not met.
    //   g1 (0.4 + 3)/4 = 0.8500; g2 (0.2 + 2)/4 = 0.55 → 0.3667;
    //   g3 (0.4/3 + 1.5)/4 = 0.40833 → 0.2722
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         P2,sup,s,K.a,5\n\
         P3,sup,s,K.a,5\n\
         P3,sup,s,K.b,5\n\
         P3,sup,s,S.c,5\n\
         P4,sup,s,K.a,1.5\n\
         P4,sup,s,K.b,3\n\
         P5,sup,s,K.a,2\n\
         P5,sup,s,K.b,2.6\n\
         P6,sup,s,K.a,1.4\n\
         P6,sup,s,K.b,3\n",
    );
    let expected = format!(
        "{PLACE_HEADER}\
         P2,,,,0.2500,false,0.1667,false,0.1667,false\n\
         P3,,,g3,1.0000,true,1.0000,true,1.0000,true\n\
         P4,,,g1,0.8750,true,0.3750,false,0.2778,false\n\
         P5,,,,0.8500,false,0.3500,false,0.2556,false\n\
         P6,,,,0.8500,false,0.3667,false,0.2722,false\n"
    );
    assert_same_text(&expected, &csv_of(dir.path(), "place", &[]), "place");
}

#[test]
fn meets_compares_with_a_1e9_allowance_but_fit_does_not() {
    // K.b (critical, no tolerance) requires 3.1 at g1. P1's two supervisor
    // ratings 1.4 and 4.8 average to 3.1 exactly, but in f64 the mean is
    // 3.0999999999999996 whatever the order of summation: P1 meets g1 only
    // thanks to the 1e-9 allowance (§5). P2 (3.09) and P3 (3.0999, short
    // by 1e-4) do not. K.a is 5 for everyone.
    let model = tiny_with("g1 = 3, g2 = 4, g3 = 5", "g1 = 3.1, g2 = 4, g3 = 5");
    let dir = setup(
        &model,
        "person_id,rater,rater_id,competency,score\n\
         P1,sup,s1,K.a,5\n\
         P1,sup,s1,K.b,1.4\n\
         P1,sup,s2,K.b,4.8\n\
         P2,sup,s1,K.a,5\n\
         P2,sup,s1,K.b,3.09\n\
         P3,sup,s1,K.a,5\n\
         P3,sup,s1,K.b,3.0999\n",
    );
    let rows = csv_records(&csv_of(dir.path(), "place", &[]));
    let meets_g1: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(meets_g1, [("P1", "true"), ("P2", "false"), ("P3", "false")]);
    // "The 1e-9 allowance applies only to meets, not to a_c": P1's fit to g1
    // is (1 + 3·(2.0999999999999996/2.1))/4, just below 1 — visible unrounded
    // in JSON.
    let out = run_ok(
        dir.path(),
        &[
            "place",
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--format",
            "json",
        ],
    );
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let p1 = &j["rows"][0];
    assert_eq!(p1["person_id"], "P1");
    assert_eq!(p1["meets_g1"], true);
    let fit = p1["fit_g1"].as_f64().unwrap();
    assert!(fit < 1.0 && fit > 0.999_999, "fit_g1 = {fit}");
}

#[test]
fn placement_is_the_last_grade_met_even_if_a_junior_one_is_not() {
    // X.d (category X, weight 0) is required at g1 only, at 4 (non-critical,
    // tolerance 0.5). Q (all 5, X.d 2) misses g1 but meets g2 and g3 → g3.
    // Q2 (K.a 3, K.b 4, S.c 3, X.d 2) misses g1, meets g2, misses g3 → g2.
    // fit_g1 is 1 for both: X has W = 0, so fit_X does not enter fit (§4),
    // yet meeting a grade looks at every required competency (§5).
    //   Q2 g3: a = 2/3, 3/4, 2/3 → fit_K = (2/3 + 2.25)/4 = 0.72917,
    //   fit = (2·0.72917 + 0.66667)/3 = 0.7083
    let model = tiny_with(
        "trainable = false\n",
        "trainable = false\nrequired = { g1 = 4 }\n",
    );
    let dir = setup(
        &model,
        "person_id,rater,rater_id,competency,score\n\
         Q,sup,s,K.a,5\n\
         Q,sup,s,K.b,5\n\
         Q,sup,s,S.c,5\n\
         Q,sup,s,X.d,2\n\
         Q2,sup,s,K.a,3\n\
         Q2,sup,s,K.b,4\n\
         Q2,sup,s,S.c,3\n\
         Q2,sup,s,X.d,2\n",
    );
    let expected = format!(
        "{PLACE_HEADER}\
         Q,,,g3,1.0000,false,1.0000,true,1.0000,true\n\
         Q2,,,g2,1.0000,false,1.0000,true,0.7083,false\n"
    );
    assert_same_text(&expected, &csv_of(dir.path(), "place", &[]), "place");
}

#[test]
fn a_grade_that_requires_nothing_has_empty_fit_and_is_met_by_everyone() {
    // g4 (last) requires nothing: fit empty, met by everyone — so everyone,
    // even P9 with no rating at all, is placed at g4 (the last grade met).
    let model = tiny_with(
        "[[raters]]\nid = \"sup\"",
        "[[grades]]\nid = \"g4\"\nname = \"Honorary\"\n\n[[raters]]\nid = \"sup\"",
    );
    let dir = setup(
        &model,
        "person_id,rater,rater_id,competency,score\n\
         P1,sup,s,K.a,2\n\
         P9,sup,s,K.a,\n",
    );
    // P1 (K.a 2 only): g1 a_K.a = 1, K.b unassessed → 1/4 = 0.2500;
    //   g2 a_K.a = 1/2 → fit_K 0.125, fit_S 0 → 2·0.125/3 = 0.0833;
    //   g3 a_K.a = 1/3 → fit_K 0.08333 → 2·0.08333/3 = 0.0556.
    // P9 (blank only): every requirement unassessed → 0.
    let expected = "person_id,period,grade,placement,fit_g1,meets_g1,fit_g2,meets_g2,fit_g3,meets_g3,fit_g4,meets_g4\n\
         P1,,,g4,0.2500,false,0.0833,false,0.0556,false,,true\n\
         P9,,,g4,0.0000,false,0.0000,false,0.0000,false,,true\n";
    assert_same_text(expected, &csv_of(dir.path(), "place", &[]), "place");
    // Against g4 the score has no requirement and no gap.
    let out = csv_of(dir.path(), "score", &["--grade", "g4"]);
    for r in &csv_records(&out)[1..] {
        assert_eq!(r[2], "g4");
        assert_eq!((r[6].as_str(), r[7].as_str()), ("", ""), "{out}");
    }
}

// ------------------------------------------------------------ §6

#[test]
fn ranking_uses_competition_ranks_and_puts_undefined_overall_last() {
    // For g1 (requires K.a 2, K.b 3), rated by the supervisor:
    //   A, B: K.a 5, K.b 5 → fit 1, O = S_K = 5           → rank 1, 1
    //   C: K.a 5, K.b 5, S.c 1 → fit 1, O = (2·5 + 1)/3 = 3.67 → rank 3
    //   D: K.a 2, K.b 2 → fit (1 + 3·0.5)/4 = 0.625, O = 2  → rank 4
    //   G: S.c 3 → K unassessed → fit 0, O = 3              → rank 5
    //   F: K.a 1 → a = 0, K.b unassessed → fit 0, O = 1     → rank 6
    //   E: only a self rating → fit 0, O undefined: last    → rank 7
    // B is listed before A in the data; ties are ordered by person_id.
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         E,self,E,K.a,4\n\
         B,sup,s,K.a,5\n\
         B,sup,s,K.b,5\n\
         A,sup,s,K.a,5\n\
         A,sup,s,K.b,5\n\
         C,sup,s,K.a,5\n\
         C,sup,s,K.b,5\n\
         C,sup,s,S.c,1\n\
         D,sup,s,K.a,2\n\
         D,sup,s,K.b,2\n\
         F,sup,s,K.a,1\n\
         G,sup,s,S.c,3\n",
    );
    let expected = format!(
        "{COMPARE_HEADER}\
         1,A,,1.0000,true,5.00,5.00,,\n\
         1,B,,1.0000,true,5.00,5.00,,\n\
         3,C,,1.0000,true,3.67,5.00,1.00,\n\
         4,D,,0.6250,false,2.00,2.00,,\n\
         5,G,,0.0000,false,3.00,,3.00,\n\
         6,F,,0.0000,false,1.00,1.00,,\n\
         7,E,,0.0000,false,,,,\n"
    );
    let out = csv_of(dir.path(), "compare", &["--grade", "g1"]);
    assert_same_text(&expected, &out, "compare --grade g1");
}

#[test]
fn ranking_ties_and_order_use_fit_and_overall_rounded_to_4_decimals() {
    // For g1, with K.a 2 (a = 1) and K.b = b (a = (b−1)/2):
    //   I: b 2.33328 → fit (1 + 3·0.66664)/4 = 0.74998  → 0.7500
    //      S.c 5: O = (2·(2 + 3·2.33328)/4 + 5)/3 = (2·2.24996 + 5)/3 = 3.16664
    //   H: b 2.33336 → fit 0.75001 → 0.7500; O = S_K = (2 + 7.00008)/4 = 2.25002
    //   J: b 2.33337 → fit 0.75001375 → 0.7500; O = 2.2500275 → 2.2500
    // Rounded, the fits tie: I comes first on O although its raw fit is the
    // lowest; H and J tie on both rounded values and share rank 2 (although
    // J's raw fit and O are both higher), ordered by person_id.
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         J,sup,s,K.a,2\n\
         J,sup,s,K.b,2.33337\n\
         H,sup,s,K.a,2\n\
         H,sup,s,K.b,2.33336\n\
         I,sup,s,K.a,2\n\
         I,sup,s,K.b,2.33328\n\
         I,sup,s,S.c,5\n\
         Z,sup,s,K.a,5\n",
    );
    // Z: K.a 5 only → fit 0.25, O 5 → rank 4 (competition ranking: 1, 2, 2, 4).
    let expected = format!(
        "{COMPARE_HEADER}\
         1,I,,0.7500,false,3.17,2.25,5.00,\n\
         2,H,,0.7500,false,2.25,2.25,,\n\
         2,J,,0.7500,false,2.25,2.25,,\n\
         4,Z,,0.2500,false,5.00,5.00,,\n"
    );
    let out = csv_of(dir.path(), "compare", &["--grade", "g1"]);
    assert_same_text(&expected, &out, "compare --grade g1");
}

#[test]
fn candidates_are_ranked_within_each_period() {
    // Ranks restart in every period; rows sorted by period, then rank.
    let dir = setup(
        TINY,
        "person_id,period,rater,rater_id,competency,score\n\
         P,2026H1,sup,s,K.a,5\n\
         P,2026H1,sup,s,K.b,5\n\
         P,2025H2,sup,s,K.a,2\n\
         P,2025H2,sup,s,K.b,2\n\
         Q,2026H1,sup,s,K.a,2\n\
         Q,2026H1,sup,s,K.b,2\n\
         Q,2025H2,sup,s,K.a,5\n\
         Q,2025H2,sup,s,K.b,5\n",
    );
    let expected = format!(
        "{COMPARE_HEADER}\
         1,Q,2025H2,1.0000,true,5.00,5.00,,\n\
         2,P,2025H2,0.6250,false,2.00,2.00,,\n\
         1,P,2026H1,1.0000,true,5.00,5.00,,\n\
         2,Q,2026H1,0.6250,false,2.00,2.00,,\n"
    );
    let out = csv_of(dir.path(), "compare", &["--grade", "g1"]);
    assert_same_text(&expected, &out, "compare");
}

#[test]
fn ranking_for_a_grade_that_requires_nothing_goes_by_overall() {
    // fit is undefined for everyone (sorts last, all equal), so O decides.
    let model = tiny_with(
        "[[raters]]\nid = \"sup\"",
        "[[grades]]\nid = \"g4\"\nname = \"Honorary\"\n\n[[raters]]\nid = \"sup\"",
    );
    let dir = setup(
        &model,
        "person_id,rater,rater_id,competency,score\n\
         A,sup,s,K.a,2\n\
         B,sup,s,K.a,4\n\
         C,sup,s,K.a,4\n",
    );
    let expected = "rank,person_id,period,fit,meets,overall,K,S,X\n\
                    1,B,,,true,4.00,4.00,,\n\
                    1,C,,,true,4.00,4.00,,\n\
                    3,A,,,true,2.00,2.00,,\n";
    let out = csv_of(dir.path(), "compare", &["--grade", "g4"]);
    assert_same_text(expected, &out, "compare --grade g4");
}

// ------------------------------------------------------------ §7 numbers and text

#[test]
fn rounding_is_half_away_from_zero_and_never_negative_zero() {
    // P1: two supervisor ratings 3.5 and 3.75 → K.a = 3.625 exactly → 3.63.
    //     Against g1 (K.a 2): gap 1.625 → 1.63.
    // P2: K.a 1.998 → gap against g1 = −0.002 → "0.00", never "-0.00".
    //     K.b 1.375 → gap against g1 (3) = −1.625 → −1.63 (away from zero).
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         P1,sup,s1,K.a,3.5\n\
         P1,sup,s2,K.a,3.75\n\
         P2,sup,s1,K.a,1.998\n\
         P2,sup,s1,K.b,1.375\n",
    );
    let out = csv_of(dir.path(), "score", &["--grade", "g1"]);
    assert!(
        out.contains("P1,,g1,competency,K.a,3.63,2.00,1.63,2\n"),
        "{out}"
    );
    assert!(
        out.contains("P2,,g1,competency,K.a,2.00,2.00,0.00,1\n"),
        "{out}"
    );
    assert!(
        out.contains("P2,,g1,competency,K.b,1.38,3.00,-1.63,1\n"),
        "{out}"
    );
    assert!(!out.contains("-0.00"), "{out}");
}

#[test]
fn text_cells_that_could_be_formulas_are_quoted_and_numbers_are_not() {
    // §7: text beginning with =, +, - or @ gets a leading '; sorting uses the
    // raw person_id. Negative gaps are numbers and stay as they are.
    let dir = setup(
        TINY,
        "person_id,grade,rater,rater_id,competency,score\n\
         =SUM(A1),g1,sup,s,K.a,1.5\n\
         +1,g1,sup,s,K.a,2\n\
         -5,g1,sup,s,K.a,2\n\
         @me,g1,sup,s,K.a,2\n\
         0k,g1,sup,s,K.a,2\n",
    );
    let out = csv_of(dir.path(), "place", &[]);
    let ids: Vec<String> = csv_records(&out)[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    // Code points: + (2B) < - (2D) < 0 (30) < = (3D) < @ (40).
    assert_eq!(ids, ["'+1", "'-5", "0k", "'=SUM(A1)", "'@me"]);
    let out = csv_of(dir.path(), "score", &[]);
    assert!(
        out.contains("'=SUM(A1),,g1,competency,K.a,1.50,2.00,-0.50,1\n"),
        "{out}"
    );
    let out = csv_of(dir.path(), "compare", &["--grade", "g1"]);
    assert!(out.lines().any(|l| l.contains(",'@me,")), "{out}");
}

#[test]
fn rows_are_sorted_by_person_id_then_period_in_code_point_order() {
    let dir = setup(
        TINY,
        "person_id,period,rater,rater_id,competency,score\n\
         b1,2026H1,sup,s,K.a,3\n\
         B9,2026H1,sup,s,K.a,3\n\
         张三,2026H1,sup,s,K.a,3\n\
         B10,2026H1,sup,s,K.a,3\n\
         李四,2026H1,sup,s,K.a,3\n\
         =A,2026H1,sup,s,K.a,3\n\
         B1,2026H1,sup,s,K.a,3\n\
         B1,2025H2,sup,s,K.a,3\n",
    );
    let out = csv_of(dir.path(), "place", &[]);
    let keys: Vec<(String, String)> = csv_records(&out)[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    // 张 is U+5F20, 李 U+674E: code points, not pinyin or stroke order.
    let want = [
        ("'=A", "2026H1"),
        ("B1", "2025H2"),
        ("B1", "2026H1"),
        ("B10", "2026H1"),
        ("B9", "2026H1"),
        ("b1", "2026H1"),
        ("张三", "2026H1"),
        ("李四", "2026H1"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(keys, want);
    // The same order in score (8 rows per person-period).
    let out = csv_of(dir.path(), "score", &[]);
    let firsts: Vec<String> = csv_records(&out)[1..]
        .iter()
        .step_by(8)
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(firsts, want.iter().map(|k| k.0.clone()).collect::<Vec<_>>());
}

// ------------------------------------------------------------ target grade

#[test]
fn grade_given_by_name_is_written_as_its_id() {
    // --grade Senior (the name of g2) overrides everyone's own grade.
    let dir = setup(TINY, P1_G2.replace(",g2,", ",Junior,").as_str());
    let out = csv_of(dir.path(), "score", &["--grade", "Senior"]);
    let rows = csv_records(&out);
    assert!(rows[1..].iter().all(|r| r[2] == "g2"), "{out}");
    assert_eq!(rows[3][5..8], ["4.00", "3.00", "1.00"], "K.a against g2");
    // Without --grade the person's own grade (named "Junior" = g1) is used.
    let out = csv_of(dir.path(), "score", &[]);
    let rows = csv_records(&out);
    assert!(rows[1..].iter().all(|r| r[2] == "g1"), "{out}");
    let out = csv_of(dir.path(), "place", &[]);
    assert_eq!(csv_records(&out)[1][2], "g1", "{out}");
    // compare takes a name too.
    let out = csv_of(dir.path(), "compare", &["--grade", "Chief"]);
    assert!(out.starts_with(COMPARE_HEADER), "{out}");
}

#[test]
fn target_grade_follows_promotions_between_periods() {
    // P was g1 in 2025H2 and g2 in 2026H1, with the same K.a rating 3:
    //   2025H2: required 2, gap 1;  2026H1: required 3, gap 0.
    let dir = setup(
        TINY,
        "person_id,period,grade,rater,rater_id,competency,score\n\
         P,2026H1,g2,sup,s,K.a,3\n\
         P,2025H2,g1,sup,s,K.a,3\n",
    );
    let out = csv_of(dir.path(), "score", &[]);
    assert!(
        out.contains("P,2025H2,g1,competency,K.a,3.00,2.00,1.00,1\n"),
        "{out}"
    );
    assert!(
        out.contains("P,2026H1,g2,competency,K.a,3.00,3.00,0.00,1\n"),
        "{out}"
    );
    let out = csv_of(dir.path(), "place", &[]);
    let rows = csv_records(&out);
    assert_eq!((rows[1][1].as_str(), rows[1][2].as_str()), ("2025H2", "g1"));
    assert_eq!((rows[2][1].as_str(), rows[2][2].as_str()), ("2026H1", "g2"));
}

// ------------------------------------------------------------ JSON

#[test]
fn json_output_has_model_id_version_and_unrounded_rows() {
    // Same data as the renormalisation test: K.a = 3.4375 unrounded.
    let dir = setup(
        TINY,
        "person_id,rater,rater_id,competency,score\n\
         P1,sup,s1,K.a,4\n\
         P1,peer,p1,K.a,2\n\
         P1,peer,p2,K.a,3\n",
    );
    let json = |cmd: &[&str]| -> serde_json::Value {
        let mut args = cmd.to_vec();
        args.extend([
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--format",
            "json",
        ]);
        serde_json::from_str(&run_ok(dir.path(), &args)).expect("JSON")
    };
    let j = json(&["score"]);
    assert_eq!(j["model_id"], "tiny");
    assert_eq!(j["model_version"], "0.1");
    let rows = j["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 8);
    let ka = rows.iter().find(|r| r["id"] == "K.a").unwrap();
    assert_eq!(ka["score"].as_f64(), Some(3.4375));
    assert_eq!(ka["ratings"].as_u64(), Some(3));
    assert!(ka["required"].is_null() && ka["gap"].is_null());
    assert!(ka["target_grade"].is_null());
    assert_eq!(ka["kind"], "competency");
    let kb = rows.iter().find(|r| r["id"] == "K.b").unwrap();
    assert!(kb["score"].is_null());
    // The same fields as the CSV columns.
    let keys: Vec<&String> = ka.as_object().unwrap().keys().collect();
    let mut want: Vec<&str> = SCORE_HEADER.trim().split(',').collect();
    want.sort();
    let mut keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(keys, want);

    let j = json(&["place"]);
    assert_eq!(j["model_id"], "tiny");
    let r = &j["rows"][0];
    // g1: a_K.a = min(3.4375 − 1, 1) = 1, K.b unassessed → 1/4.
    assert_eq!(r["fit_g1"].as_f64(), Some(0.25));
    assert_eq!(r["meets_g1"], false);
    assert!(r["placement"].is_null() && r["grade"].is_null());

    let j = json(&["compare", "--grade", "g1"]);
    let r = &j["rows"][0];
    assert_eq!(r["rank"].as_u64(), Some(1));
    assert_eq!(r["overall"].as_f64(), Some(3.4375));
    assert!(r["S"].is_null());
}

// ------------------------------------------------------------ flags

#[test]
fn unknown_grade_or_weighting_and_compare_without_grade_exit_2() {
    let dir = setup(TINY, P1_G2);
    for args in [
        vec!["score", "--grade", "g9"],
        vec!["score", "--grade", "junior"], // names match exactly
        vec!["score", "--weighting", "nope"],
        vec!["place", "--weighting", "nope"],
        vec!["compare", "--grade", "g9"],
        vec!["compare", "--grade", "g1", "--weighting", "nope"],
        vec!["compare"],
    ] {
        let mut all = args.clone();
        all.extend([
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--format",
            "csv",
        ]);
        let out = run(dir.path(), &all);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains("error"), "{args:?}: {}", out.stderr);
    }
}

// ------------------------------------------------------------ golden files on data/

/// Runs `ksa` in the repository folder, with the paths of the issue.
fn in_repo(args: &[&str]) -> String {
    run_ok(&repo(""), args)
}

#[test]
fn golden_score_of_the_sample_evaluations() {
    let out = in_repo(&[
        "score",
        "--model",
        "models/bank-rm.toml",
        "--evals",
        "data/evaluations.csv",
        "--format",
        "csv",
    ]);
    assert_golden("score.evaluations.csv", &out);
}

#[test]
fn golden_place_of_the_sample_evaluations() {
    let out = in_repo(&[
        "place",
        "--model",
        "models/bank-rm.toml",
        "--evals",
        "data/evaluations.csv",
        "--format",
        "csv",
    ]);
    assert_golden("place.evaluations.csv", &out);
}

#[test]
fn golden_compare_of_the_sample_candidates() {
    let out = in_repo(&[
        "compare",
        "--model",
        "models/bank-rm.toml",
        "--evals",
        "data/candidates.csv",
        "--grade",
        "rm",
        "--weighting",
        "recruitment",
        "--format",
        "csv",
    ]);
    assert_golden("compare.candidates.rm.recruitment.csv", &out);
}

// ------------------------------------------------------------ outputs

#[test]
fn out_writes_the_same_bytes_as_stdout_and_leaves_no_temporary_file() {
    let dir = setup(TINY, P1_G2);
    let stdout = csv_of(dir.path(), "score", &[]);
    csv_of(dir.path(), "score", &["--out", "scores.csv"]);
    let written = std::fs::read_to_string(dir.path().join("scores.csv")).unwrap();
    assert_eq!(written, stdout);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["evals.csv", "scores.csv", "tiny.toml"]);
}

#[test]
fn a_failed_run_leaves_an_existing_out_file_untouched() {
    // cli.md: files are written whole or not at all.
    let dir = setup(TINY, "person_id,competency,score\nP1,K.a,3\nP1,K.b,9\n");
    write(dir.path(), "scores.csv", "old results\n");
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--out",
            "scores.csv",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("scores.csv")).unwrap(),
        "old results\n"
    );
    let n = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(n, 3, "no temporary file left behind");
}

#[test]
fn out_refuses_to_overwrite_an_input_file() {
    let dir = setup(TINY, P1_G2);
    for (target, original) in [("evals.csv", P1_G2), ("tiny.toml", TINY)] {
        for cmd in [
            vec!["score"],
            vec!["place"],
            vec!["compare", "--grade", "g1"],
        ] {
            let mut args = cmd.clone();
            args.extend([
                "--model",
                "tiny.toml",
                "--evals",
                "evals.csv",
                "--out",
                target,
            ]);
            let out = run(dir.path(), &args);
            assert_eq!(out.code, Some(2), "--out {target}: {}", out.stderr);
            assert!(!out.errors().is_empty(), "{}", out.stderr);
            let now = std::fs::read_to_string(dir.path().join(target)).unwrap();
            assert_eq!(now, original, "{target} was changed");
        }
    }
    // Also through another spelling of the same path.
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--out",
            "./evals.csv",
        ],
    );
    assert_eq!(out.code, Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("evals.csv")).unwrap(),
        P1_G2
    );
}

#[test]
fn bom_adds_a_utf8_byte_order_mark_once() {
    let dir = setup(TINY, P1_G2);
    let plain = ksa()
        .current_dir(dir.path())
        .args([
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--format",
            "csv",
        ])
        .output()
        .unwrap()
        .stdout;
    let with = ksa()
        .current_dir(dir.path())
        .args([
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--format",
            "csv",
            "--bom",
        ])
        .output()
        .unwrap()
        .stdout;
    assert!(plain.starts_with(b"person_id,"), "no BOM without --bom");
    assert_eq!(&with[..3], b"\xEF\xBB\xBF");
    assert_eq!(&with[3..], &plain[..]);
    csv_of(dir.path(), "place", &["--bom", "--out", "p.csv"]);
    let p = std::fs::read(dir.path().join("p.csv")).unwrap();
    assert!(p.starts_with(b"\xEF\xBB\xBFperson_id,period,grade,placement,"));
}

/// Starts `ksa score` on 300 sample people with stdout piped, reads one
/// line and closes the pipe, as `ksa score ... | head -1` does.
fn score_into_a_closed_pipe(format: &str) -> (Option<i32>, String) {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    let dir = workdir();
    sample_into(dir.path(), ".", 300, &[]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ksa"))
        .current_dir(dir.path())
        .args([
            "score",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--evals",
            "evaluations.csv",
            "--format",
            format,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(!first.is_empty());
    drop(stdout); // the reader goes away, like `head -1`
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code(), stderr)
}

#[test]
fn broken_pipe_during_csv_output_exits_0_quietly() {
    // STYLE.md: "A broken pipe (ksa score | head) is not an error: exit 0
    // quietly."
    // (Failed until 9cf9fb4: the CSV writer turned the broken pipe into an
    // io::ErrorKind::Other, which exited 1 with `error: <stdout>: Broken pipe`.)
    let (code, stderr) = score_into_a_closed_pipe("csv");
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn broken_pipe_during_json_output_exits_0_quietly() {
    let (code, stderr) = score_into_a_closed_pipe("json");
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}
