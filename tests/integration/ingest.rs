//! Reading evaluation files (evaluations.md): every invalid-row rule, both
//! stopping at the first invalid row (the default) and `--skip-invalid`
//! with a rejects file and the run summary; file-level errors; encodings,
//! delimiters, header aliases and the wide format.

use crate::common::*;
use crate::score::TINY;
use std::path::Path;

/// One invalid-row case on the `TINY` model (see score.rs).
struct Case<'a> {
    csv: &'a str,
    /// Line of the first invalid row and the column its message must name
    /// (`None` where no single column is at fault: a wrong field count).
    line: usize,
    column: Option<&'a str>,
    /// Text the first error message must contain (e.g. the bad value).
    says: &'a [&'a str],
    /// rows_read, used, blank, rejected, ratings under `--skip-invalid`.
    summary: [u64; 5],
    /// The `line` of each record of the rejects file, in order.
    rejected: &'a [usize],
}

fn summary_line(s: [u64; 5]) -> String {
    format!(
        "summary: rows_read={} used={} blank={} rejected={} ratings={}",
        s[0], s[1], s[2], s[3], s[4]
    )
}

/// Checks a case both ways and returns the `--skip-invalid` score output.
///
/// Default (evaluations.md, "Invalid rows"): exit 2, one message
/// `error: FILE:LINE: column "X": reason`, nothing on stdout and no output
/// file. `--skip-invalid --rejects R`: exit 0, the summary as the last line
/// of stderr (rows read = used + blank + rejected), and a rejects file with
/// the original header plus `source_file,line,reason` and one record per
/// rejected row.
fn check(case: &Case) -> String {
    let dir = workdir();
    write(dir.path(), "tiny.toml", TINY);
    write(dir.path(), "evals.csv", case.csv);
    let base = [
        "score",
        "--model",
        "tiny.toml",
        "--evals",
        "evals.csv",
        "--format",
        "csv",
    ];

    // ---- default: stop at the first invalid row
    let mut args = base.to_vec();
    args.extend(["--out", "out.csv"]);
    let out = run(dir.path(), &args);
    assert_eq!(
        out.code,
        Some(2),
        "default run must exit 2:\n{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);
    assert!(
        !dir.path().join("out.csv").exists(),
        "no output file may be written"
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let errors = out.errors();
    assert_eq!(errors.len(), 1, "one message: {}", out.stderr);
    let prefix = match case.column {
        Some(c) => format!("error: evals.csv:{}: column \"{c}\": ", case.line),
        None => format!("error: evals.csv:{}: ", case.line),
    };
    assert!(
        errors[0].starts_with(&prefix),
        "expected a message starting {prefix:?}, got:\n{}",
        errors[0]
    );
    for s in case.says {
        assert!(
            errors[0].contains(s),
            "message should mention {s:?}: {}",
            errors[0]
        );
    }
    let out = run(dir.path(), &base);
    assert_eq!(out.code, Some(2));
    assert!(out.stdout.is_empty(), "stdout: {}", out.stdout);

    // ---- --skip-invalid
    let s = case.summary;
    assert_eq!(
        s[0],
        s[1] + s[2] + s[3],
        "the case's own counts must add up"
    );
    assert_eq!(s[3] as usize, case.rejected.len());
    let mut args = base.to_vec();
    args.extend([
        "--skip-invalid",
        "--rejects",
        "rejects.csv",
        "--out",
        "out.csv",
    ]);
    let out = run(dir.path(), &args);
    assert_eq!(
        out.code,
        Some(0),
        "--skip-invalid must exit 0:\n{}",
        out.stderr
    );
    assert_eq!(
        out.last_stderr_line(),
        summary_line(s),
        "stderr:\n{}",
        out.stderr
    );
    let rejects = std::fs::read_to_string(dir.path().join("rejects.csv")).expect("rejects file");
    let recs = csv_records(&rejects);
    let input = csv_records(case.csv);
    let mut header = input[0].clone();
    header.extend(["source_file", "line", "reason"].map(String::from));
    assert_eq!(recs[0], header, "rejects header");
    let lines: Vec<usize> = recs[1..]
        .iter()
        .map(|r| r[r.len() - 2].parse().expect("line is a number"))
        .collect();
    assert_eq!(
        lines, case.rejected,
        "lines of the rejected rows:\n{rejects}"
    );
    let physical: Vec<&str> = case.csv.split('\n').collect();
    for r in &recs[1..] {
        let n = r.len();
        assert_eq!(r[n - 3], "evals.csv", "source_file");
        assert!(!r[n - 1].trim().is_empty(), "a reason: {r:?}");
        // The original fields, when the record sits on one physical line.
        let line: usize = r[n - 2].parse().unwrap();
        let text = physical[line - 1].trim_end_matches('\r');
        if text.matches('"').count() % 2 == 0 {
            let orig = &csv_records(text)[0];
            assert_eq!(&r[..n - 3], &orig[..], "original fields of line {line}");
        }
    }
    std::fs::read_to_string(dir.path().join("out.csv")).expect("output written")
}

/// The score row `(person, id)` of a score CSV: [score, required, gap, ratings].
fn score_cells(out: &str, person: &str, id: &str) -> Vec<String> {
    csv_records(out)
        .into_iter()
        .find(|r| r[0] == person && r[4] == id)
        .unwrap_or_else(|| panic!("no row {person} {id} in\n{out}"))[5..]
        .to_vec()
}

/// Runs one three-line file (header, a valid row, then `bad_row`) and
/// expects the default run to stop at line 3 naming `column` and `says`.
fn stops_at_line_3(valid_row: &str, bad_row: &str, column: &str, says: &str) {
    let csv = format!("person_id,grade,rater,competency,score\n{valid_row}\n{bad_row}\n");
    let dir = workdir();
    write(dir.path(), "tiny.toml", TINY);
    write(dir.path(), "evals.csv", &csv);
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.code, Some(2), "{bad_row:?}: {}", out.stderr);
    assert!(out.stdout.is_empty());
    let errors = out.errors();
    let prefix = format!("error: evals.csv:3: column \"{column}\": ");
    assert!(
        errors.len() == 1 && errors[0].starts_with(&prefix) && errors[0].contains(says),
        "{bad_row:?}: expected one error starting {prefix:?} mentioning {says:?}, got:\n{}",
        out.stderr
    );
}

// ------------------------------------------------------------ scores

#[test]
fn unparseable_scores_are_invalid() {
    // evaluations.md: inf, nan, decimal commas and full-width digits are
    // invalid, as is anything that is not sign, digits, fraction, exponent.
    for bad in [
        "3分", "\"3,5\"", "inf", "nan", "NaN", "-inf", "Infinity", "４", "4.5.1", "four", ".",
        "1_0", "0x3", "3 4", "e3",
    ] {
        let shown = bad.trim_matches('"');
        stops_at_line_3(
            "P1,,sup,K.a,3",
            &format!("P1,,sup,K.a,{bad}"),
            "score",
            shown,
        );
    }
}

#[test]
fn valid_score_forms_are_read_with_their_value() {
    // +4, 4e0, " 4 ", 4., .5e1 (= 5), 3.25, 5.00, 1 and a score padded with
    // an ideographic space (Unicode white space is trimmed) are all valid;
    // "" and "   " are blank. All are anonymous supervisor ratings of K.b:
    //   (4 + 4 + 4 + 4 + 5 + 3.25 + 5 + 1 + 4) / 9 = 34.25 / 9 = 3.8055… → 3.81
    let csv = "person_id,competency,score\n\
               P1,K.b,+4\nP1,K.b,4e0\nP1,K.b, 4 \nP1,K.b,4.\nP1,K.b,.5e1\n\
               P1,K.b,3.25\nP1,K.b,5.00\nP1,K.b,1\nP1,K.b,\u{3000}4\u{3000}\n\
               P1,K.b,\nP1,K.b,   \n";
    let dir = workdir();
    write(dir.path(), "tiny.toml", TINY);
    write(dir.path(), "evals.csv", csv);
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "evals.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(score_cells(&out.stdout, "P1", "K.b"), ["3.81", "", "", "9"]);
    assert_eq!(
        out.last_stderr_line(),
        summary_line([11, 9, 2, 0, 9]),
        "{}",
        out.stderr
    );
}

#[test]
fn unparseable_scores_with_skip_invalid() {
    let out = check(&Case {
        csv: "person_id,competency,score\n\
              P1,K.a,3分\n\
              P1,K.a,\"3,5\"\n\
              P1,K.a,inf\n\
              P1,K.a,4\n\
              P1,K.a,nan\n\
              P1,K.a,４\n\
              P1,K.a,\n\
              P1,K.a,4.5.1\n\
              P1,K.a,2\n",
        line: 2,
        column: Some("score"),
        says: &["3分"],
        summary: [9, 2, 1, 6, 2],
        rejected: &[2, 3, 4, 6, 7, 9],
    });
    // Only 4 and 2 were used: K.a = 3.00 from 2 ratings.
    assert_eq!(score_cells(&out, "P1", "K.a"), ["3.00", "", "", "2"]);
}

#[test]
fn out_of_range_scores_are_invalid() {
    for bad in ["6", "0", "-1", "5.01", "0.99", "1e1", "-0"] {
        stops_at_line_3("P1,,sup,K.a,5", &format!("P1,,sup,K.a,{bad}"), "score", bad);
    }
    check(&Case {
        csv: "person_id,competency,score\n\
              P1,K.a,1\n\
              P1,K.a,6\n\
              P1,K.a,5\n\
              P1,K.a,0\n\
              P1,K.a,5.0\n\
              P1,K.a,-1\n",
        line: 3,
        column: Some("score"),
        says: &["6"],
        summary: [6, 3, 0, 3, 3],
        rejected: &[3, 5, 7],
    });
}

// ------------------------------------------------------------ model references

#[test]
fn unknown_competencies_are_invalid_even_with_a_blank_score() {
    // Cell values match exactly after trimming: "k.a" (case) and "alpha" do
    // not resolve; " Alpha " (the name, padded) does. An unknown competency
    // with a blank score is invalid, not blank; so is an empty one.
    let out = check(&Case {
        csv: "person_id,competency,score\n\
              P1,K.a,3\n\
              P1,K.z,3\n\
              P1,k.a,3\n\
              P1, Alpha ,5\n\
              P1,alpha,3\n\
              P1,Q.q,\n\
              P1,,\n\
              P1,K.b,\n",
        line: 3,
        column: Some("competency"),
        says: &["K.z"],
        summary: [8, 2, 1, 5, 2],
        rejected: &[3, 4, 6, 7, 8],
    });
    assert_eq!(score_cells(&out, "P1", "K.a"), ["4.00", "", "", "2"]);
}

#[test]
fn unknown_grades_are_invalid_and_case_matters() {
    // Grade g1 is named "Junior": "g1", "Junior" and " g2 " resolve,
    // "G1", "junior" and "Boss" do not; an empty grade is no grade.
    let out = check(&Case {
        csv: "person_id,grade,competency,score\n\
              P1,g1,K.a,3\n\
              P2,G1,K.a,3\n\
              P3,Junior,K.a,3\n\
              P4,junior,K.a,3\n\
              P5, g2 ,K.a,3\n\
              P6,,K.a,3\n\
              P7,Boss,K.a,\n",
        line: 3,
        column: Some("grade"),
        says: &["G1"],
        summary: [7, 4, 0, 3, 4],
        rejected: &[3, 5, 8],
    });
    let target = |p: &str| score_cells(&out, p, "overall")[1].clone();
    assert_eq!(target("P1"), "2.75", "P1 is g1: R = R_K = (2 + 3·3)/4");
    assert_eq!(target("P3"), "2.75", "P3's Junior is g1");
    let rows = csv_records(&out);
    let grade_of = |p: &str| rows.iter().find(|r| r[0] == p).unwrap()[2].clone();
    assert_eq!(grade_of("P5"), "g2");
    assert_eq!(grade_of("P6"), "");
    assert!(!rows
        .iter()
        .any(|r| r[0] == "P2" || r[0] == "P4" || r[0] == "P7"));
}

#[test]
fn unknown_rater_groups_are_invalid() {
    // "SUP" (case) and "boss" are unknown; "Supervisor" and "Self" (names)
    // resolve; an empty rater means the first group (sup).
    //   P1 K.a: sup 4 (by id), sup 2 (empty → first group), Supervisor 3,
    //   self 5 (weight 0) → mean of sup = 3.00 from 3 ratings.
    let out = check(&Case {
        csv: "person_id,rater,competency,score\n\
              P1,sup,K.a,4\n\
              P1,SUP,K.a,1\n\
              P1,,K.a,2\n\
              P1,boss,K.a,1\n\
              P1,Supervisor,K.a,3\n\
              P1,Self,K.a,5\n",
        line: 3,
        column: Some("rater"),
        says: &["SUP"],
        summary: [6, 4, 0, 2, 4],
        rejected: &[3, 5],
    });
    assert_eq!(score_cells(&out, "P1", "K.a"), ["3.00", "", "", "3"]);
}

#[test]
fn empty_or_blank_person_ids_are_invalid() {
    // A person_id of spaces, or of an ideographic space (Unicode white
    // space), is empty.
    check(&Case {
        csv: "person_id,competency,score\n\
              P1,K.a,3\n\
              ,K.a,3\n\
              \x20  ,K.a,3\n\
              \u{3000},K.a,\n\
              P2,K.a,\n",
        line: 3,
        column: Some("person_id"),
        says: &[],
        summary: [5, 1, 1, 3, 1],
        rejected: &[3, 4, 5],
    });
}

#[test]
fn rows_with_a_wrong_number_of_fields_are_invalid() {
    // Line 3 has one field too few, line 5 one too many (a trailing comma);
    // a quoted comma on line 4 is not a separator.
    check(&Case {
        csv: "person_id,name,competency,score\n\
              P1,Ann,K.a,3\n\
              P1,K.a,3\n\
              P3,\"Ng, B.\",K.b,3\n\
              P2,Bo,K.a,3,\n\
              P2,Bo,K.a,4\n",
        line: 3,
        column: None,
        says: &[],
        summary: [5, 3, 0, 2, 3],
        rejected: &[3, 5],
    });
}

// ------------------------------------------------------------ contradictions

#[test]
fn a_name_that_contradicts_an_earlier_row_is_invalid() {
    // Same person and period: "Ann" then "Anne" contradicts; an empty name
    // never contradicts; another period is free.
    check(&Case {
        csv: "person_id,name,period,competency,score\n\
              P1,Ann,2026H1,K.a,3\n\
              P1,,2026H1,K.b,3\n\
              P1,Anne,2026H1,S.c,3\n\
              P1,Anne,2025H2,S.c,3\n\
              P1,Ann,2026H1,X.d,3\n",
        line: 4,
        column: Some("name"),
        says: &["Anne"],
        summary: [5, 4, 0, 1, 4],
        rejected: &[4],
    });
}

#[test]
fn a_unit_that_contradicts_an_earlier_row_is_invalid() {
    check(&Case {
        csv: "person_id,unit,competency,score\n\
              P1,North,K.a,3\n\
              P1,South,K.b,3\n\
              P1,,K.b,4\n\
              P1, North ,S.c,4\n",
        line: 3,
        column: Some("unit"),
        says: &["South"],
        summary: [4, 3, 0, 1, 3],
        rejected: &[3],
    });
}

#[test]
fn grades_are_compared_after_resolving_names() {
    // "Junior" is g1's name: no contradiction; "g2" then contradicts, and so
    // does "Senior" (g2 by name).
    let out = check(&Case {
        csv: "person_id,grade,competency,score\n\
              P1,g1,K.a,3\n\
              P1,Junior,K.b,3\n\
              P1,g2,S.c,3\n\
              P1,,S.c,4\n\
              P1,Senior,X.d,4\n",
        line: 4,
        column: Some("grade"),
        says: &["g2"],
        summary: [5, 3, 0, 2, 3],
        rejected: &[4, 6],
    });
    assert!(csv_records(&out)[1..].iter().all(|r| r[2] == "g1"), "{out}");
}

#[test]
fn a_rejected_row_sets_nothing() {
    // Line 2 (grade g2) is rejected for its score, so it does not fix P3's
    // grade: line 3 (g1) is accepted and P3 is scored against g1.
    let out = check(&Case {
        csv: "person_id,grade,competency,score\n\
              P3,g2,K.a,x\n\
              P3,g1,K.a,3\n\
              P3,g3,K.b,3\n",
        line: 2,
        column: Some("score"),
        says: &["x"],
        summary: [3, 1, 0, 2, 1],
        rejected: &[2, 4],
    });
    assert!(csv_records(&out)[1..].iter().all(|r| r[2] == "g1"), "{out}");
}

#[test]
fn a_blank_score_row_sets_the_persons_values() {
    // Line 2 has no rating but is accepted: it makes P4's grade g2, so the
    // g1 on line 3 contradicts it.
    let out = check(&Case {
        csv: "person_id,grade,competency,score\n\
              P4,g2,K.a,\n\
              P4,g1,K.a,3\n\
              P4,,K.b,3\n",
        line: 3,
        column: Some("grade"),
        says: &["g1"],
        summary: [3, 1, 1, 1, 1],
        rejected: &[3],
    });
    assert!(csv_records(&out)[1..].iter().all(|r| r[2] == "g2"), "{out}");
}

// ------------------------------------------------------------ repeats

#[test]
fn a_repeated_rating_is_invalid() {
    // Key: person, period, rater group, rater_id (non-empty), competency —
    // compared after resolving names to ids.
    //   2 P1 sup r1 K.a           first
    //   3 P1 sup r1 K.a           repeat
    //   4 P1 Supervisor r1 Alpha  repeat (names of sup and K.a)
    //   5 P1 sup r2 K.a           another rater: fine
    //   6 P1 peer r1 K.a          another group: fine
    //   7 P1 sup r1 K.a (2025H2)  another period: fine
    //   8,9 P1 sup "" K.a         anonymous: never a repeat
    //  10 P2 sup r1 K.a blank     a blank is never an earlier rating …
    //  11 P2 sup r1 K.a 3         … so this is the first
    //  12 P2 sup r1 K.a blank     and a blank is never a repeat
    //  13 P2 sup r1 K.a 4         repeat of line 11
    let out = check(&Case {
        csv: "person_id,period,rater,rater_id,competency,score\n\
              P1,2026H1,sup,r1,K.a,3\n\
              P1,2026H1,sup,r1,K.a,4\n\
              P1,2026H1,Supervisor,r1,Alpha,4\n\
              P1,2026H1,sup,r2,K.a,5\n\
              P1,2026H1,peer,r1,K.a,2\n\
              P1,2025H2,sup,r1,K.a,1\n\
              P1,2026H1,sup,,K.a,3\n\
              P1,2026H1,sup,,K.a,3\n\
              P2,2026H1,sup,r1,K.a,\n\
              P2,2026H1,sup,r1,K.a,3\n\
              P2,2026H1,sup,r1,K.a,\n\
              P2,2026H1,sup,r1,K.a,4\n",
        line: 3,
        column: Some("competency"),
        says: &["K.a"],
        summary: [12, 7, 2, 3, 7],
        rejected: &[3, 4, 13],
    });
    // P1 2026H1 K.a: sup 3, 5, 3, 3 (mean 3.5), peer 2:
    //   (0.5·3.5 + 0.3·2) / 0.8 = 2.35 / 0.8 = 2.9375 → 2.94, 5 ratings.
    let rows = csv_records(&out);
    let ka = rows
        .iter()
        .find(|r| r[0] == "P1" && r[1] == "2026H1" && r[4] == "K.a")
        .unwrap();
    assert_eq!(ka[5..], ["2.94", "", "", "5"]);
}

// ------------------------------------------------------------ wide format

#[test]
fn in_the_wide_format_one_bad_cell_rejects_the_whole_row() {
    // Competency columns by id (K.a, S.c) and by name (Beta), matched
    // case-insensitively. W2's "x" and W4's 9 reject their rows: none of
    // their other cells is used (W2 appears nowhere). W3 rates nothing.
    let out = check(&Case {
        csv: "person_id,rater_id,k.a,Beta,S.c\n\
              W1,r1,3,4,5\n\
              W2,r1,3,x,5\n\
              W3,r1,,,\n\
              W4,r1,2,,9\n\
              W4,r2,2,,\n",
        line: 3,
        column: Some("Beta"),
        says: &["x"],
        summary: [5, 2, 1, 2, 4],
        rejected: &[3, 5],
    });
    assert_eq!(score_cells(&out, "W1", "K.b"), ["4.00", "", "", "1"]);
    assert_eq!(score_cells(&out, "W4", "K.a"), ["2.00", "", "", "1"]);
    assert_eq!(score_cells(&out, "W4", "S.c"), ["", "", "", "0"]);
    assert!(!csv_records(&out).iter().any(|r| r[0] == "W2"), "{out}");
}

// ------------------------------------------------------------ line numbers

#[test]
fn line_numbers_count_physical_lines_of_quoted_fields() {
    // The comment of line 2 spans lines 2–4; the bad row starts on line 5,
    // and the one after a second multi-line record on line 8.
    check(&Case {
        csv: "person_id,competency,score,comment\n\
              P1,K.a,3,\"first\nsecond\nthird\"\n\
              P1,K.b,x,\n\
              P1,K.b,4,\"a\nb\"\n\
              P1,S.c,y,\n",
        line: 5,
        column: Some("score"),
        says: &["x"],
        summary: [4, 2, 0, 2, 2],
        rejected: &[5, 8],
    });
}

#[test]
fn line_numbers_with_crlf_line_endings_and_empty_lines() {
    // CRLF throughout, an empty line (4) and a quoted CRLF inside a field
    // (line 5–6). Empty lines are not rows but are lines.
    check(&Case {
        csv: "person_id,competency,score,comment\r\n\
              P1,K.a,3,\r\n\
              P1,K.b,x,\r\n\
              \r\n\
              P1,K.b,4,\"two\r\nlines\"\r\n\
              P1,S.c,6,\r\n",
        line: 3,
        column: Some("score"),
        says: &["x"],
        summary: [4, 2, 0, 2, 2],
        rejected: &[3, 7],
    });
}

#[test]
fn line_numbers_count_empty_lines_with_lf_endings() {
    // evaluations.md: "Empty lines are skipped and are not rows (not
    // counted). Line numbers are the physical line on which the record
    // starts." The bad rows are on lines 4 and 7.
    // (Failed until 6ef0501: the csv crate skipped LF empty lines uncounted.)
    check(&Case {
        csv: "person_id,competency,score\n\
              P1,K.a,3\n\
              \n\
              P1,K.b,x\n\
              \n\
              \n\
              P1,S.c,y\n",
        line: 4,
        column: Some("score"),
        says: &["x"],
        summary: [3, 1, 0, 2, 1],
        rejected: &[4, 7],
    });
}

#[test]
fn empty_lines_are_not_rows() {
    // Counted neither as rows read nor as blank rows (LF and CRLF).
    for csv in [
        "person_id,competency,score\n\nP1,K.a,3\n\n\nP1,K.b,\n\n",
        "person_id,competency,score\r\n\r\nP1,K.a,3\r\n\r\nP1,K.b,\r\n",
    ] {
        let dir = workdir();
        write(dir.path(), "tiny.toml", TINY);
        write(dir.path(), "evals.csv", csv);
        let out = run(
            dir.path(),
            &[
                "score",
                "--model",
                "tiny.toml",
                "--evals",
                "evals.csv",
                "--format",
                "csv",
            ],
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert_eq!(
            out.last_stderr_line(),
            summary_line([2, 1, 1, 0, 1]),
            "{csv:?}"
        );
    }
}

// ------------------------------------------------------------ file-level errors

/// Runs `score` on `files` (already in `dir`), with and without
/// `--skip-invalid`, and expects exit 2 with an error naming `names`,
/// nothing on stdout and no output file.
fn file_error(dir: &Path, files: &[&str], extra: &[&str], names: &str) {
    for skip in [false, true] {
        let mut args = vec!["score", "--model", "tiny.toml", "--evals"];
        args.extend_from_slice(files);
        args.extend(["--format", "csv", "--out", "out.csv"]);
        args.extend_from_slice(extra);
        if skip {
            args.extend(["--skip-invalid", "--rejects", "rejects.csv"]);
        }
        let out = run(dir, &args);
        assert_eq!(out.code, Some(2), "{files:?} skip={skip}: {}", out.stderr);
        assert!(out.stdout.is_empty());
        assert!(!dir.join("out.csv").exists(), "no output for {files:?}");
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert!(
            out.errors().iter().any(|l| l.contains(names)),
            "{files:?} skip={skip}: an error naming {names}: {}",
            out.stderr
        );
    }
}

fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = workdir();
    write(dir.path(), "tiny.toml", TINY);
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

#[test]
fn a_header_without_a_person_column_is_a_file_error() {
    let dir = dir_with(&[("e.csv", b"staff_no,competency,score\nP1,K.a,3\n")]);
    file_error(dir.path(), &["e.csv"], &[], "e.csv");
}

#[test]
fn only_one_of_competency_and_score_is_a_file_error() {
    let dir = dir_with(&[
        ("c.csv", b"person_id,competency\nP1,K.a\n"),
        ("s.csv", b"person_id,score,K.a\nP1,3,3\n"),
    ]);
    file_error(dir.path(), &["c.csv"], &[], "c.csv");
    file_error(dir.path(), &["s.csv"], &[], "s.csv");
}

#[test]
fn two_headers_naming_the_same_column_are_a_file_error() {
    let dir = dir_with(&[
        (
            "p.csv",
            "person_id,工号,competency,score\nP1,P1,K.a,3\n".as_bytes(),
        ),
        ("w.csv", b"person_id,K.a,Alpha\nP1,3,3\n"),
        ("s.csv", b"person_id,competency,score,Score \nP1,K.a,3,3\n"),
    ]);
    file_error(dir.path(), &["p.csv"], &[], "p.csv");
    file_error(dir.path(), &["w.csv"], &[], "w.csv");
    file_error(dir.path(), &["s.csv"], &[], "s.csv");
}

#[test]
fn empty_missing_and_undecodable_files_are_file_errors() {
    let dir = dir_with(&[
        ("empty.csv", b""),
        // 0x81 0x20: a GB18030 lead byte followed by a space is invalid in
        // GB18030, and 0x81 is invalid in UTF-8.
        (
            "bad81.csv",
            b"person_id,competency,score\nP1,K.a,3\n\x81\x20,K.b,3\n",
        ),
        ("badff.csv", b"person_id,competency,score\nP1,K.a,3\xff\n"),
        ("ok.csv", b"person_id,competency,score\nP1,K.a,3\n"),
    ]);
    file_error(dir.path(), &["empty.csv"], &[], "empty.csv");
    file_error(dir.path(), &["missing.csv"], &[], "missing.csv");
    file_error(dir.path(), &["bad81.csv"], &[], "bad81.csv");
    file_error(dir.path(), &["badff.csv"], &[], "badff.csv");
    // Also when a good file comes first.
    file_error(dir.path(), &["ok.csv", "badff.csv"], &[], "badff.csv");
    file_error(dir.path(), &["ok.csv", "missing.csv"], &[], "missing.csv");
}

#[test]
fn an_unknown_column_is_a_file_error_under_strict() {
    let dir = dir_with(&[("e.csv", b"person_id,competency,score,remark\nP1,K.a,3,x\n")]);
    file_error(dir.path(), &["e.csv"], &["--strict"], "remark");
    // A misspelt competency header in the wide format, likewise.
    let dir = dir_with(&[("w.csv", b"person_id,K.a,K.bb\nP1,3,3\n")]);
    file_error(dir.path(), &["w.csv"], &["--strict"], "K.bb");
}

#[test]
fn an_unknown_column_is_warned_about_once_per_file() {
    // Without --strict: a warning naming the file and the column, once per
    // file however many rows; the ratings are read.
    let rows: String = (0..50).map(|i| format!("P{i},K.a,3,x\n")).collect();
    let a = format!("person_id,competency,score,remark\n{rows}");
    let dir = dir_with(&[("a.csv", a.as_bytes()), ("b.csv", a.as_bytes())]);
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "a.csv",
            "b.csv",
            "--format",
            "csv",
        ],
    );
    // b.csv repeats a.csv's ratings anonymously: no repeats, all used.
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let w = out.warnings();
    for f in ["a.csv", "b.csv"] {
        let about: Vec<_> = w.iter().filter(|l| l.contains(f)).collect();
        assert_eq!(about.len(), 1, "one warning for {f}: {w:?}");
        assert!(about[0].contains("remark"), "{about:?}");
    }
    assert_eq!(out.last_stderr_line(), summary_line([100, 100, 0, 0, 100]));
}

#[test]
fn a_misspelt_wide_competency_header_is_warned_about() {
    let dir = dir_with(&[("w.csv", b"person_id,K.a,Betta\nP1,3,3\n")]);
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "w.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.warnings()
            .iter()
            .any(|l| l.contains("w.csv") && l.contains("Betta")),
        "{}",
        out.stderr
    );
}

#[test]
fn a_header_only_file_gives_header_only_outputs() {
    let dir = dir_with(&[("h.csv", b"person_id,competency,score\n")]);
    for (cmd, header) in [
        (
            vec!["score"],
            "person_id,period,target_grade,kind,id,score,required,gap,ratings\n",
        ),
        (
            vec!["place"],
            "person_id,period,grade,placement,fit_g1,meets_g1,fit_g2,meets_g2,fit_g3,meets_g3\n",
        ),
        (
            vec!["compare", "--grade", "g1"],
            "rank,person_id,period,fit,meets,overall,K,S,X\n",
        ),
    ] {
        let mut args = cmd.clone();
        args.extend([
            "--model",
            "tiny.toml",
            "--evals",
            "h.csv",
            "--format",
            "csv",
        ]);
        let out = run(dir.path(), &args);
        assert_eq!(out.code, Some(0), "{cmd:?}: {}", out.stderr);
        assert_eq!(out.stdout, header, "{cmd:?}");
        assert_eq!(out.last_stderr_line(), summary_line([0, 0, 0, 0, 0]));
    }
}

#[test]
fn rejects_take_their_header_from_the_first_file_with_a_rejected_row() {
    // Two files, different layouts; only the second has invalid rows. Its
    // header starts the rejects file; counts cover both files.
    let dir = dir_with(&[
        ("a.csv", b"person_id,competency,score\nP1,K.a,3\n"),
        (
            "b.csv",
            b"employee_id,score,competency\nP2,x,K.a\nP2,4,K.a\nP3,9,K.b\n",
        ),
    ]);
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "a.csv",
            "b.csv",
            "--format",
            "csv",
            "--skip-invalid",
            "--rejects",
            "r.csv",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.last_stderr_line(), summary_line([4, 2, 0, 2, 2]));
    let r = csv_records(&std::fs::read_to_string(dir.path().join("r.csv")).unwrap());
    assert_eq!(
        r[0],
        [
            "employee_id",
            "score",
            "competency",
            "source_file",
            "line",
            "reason"
        ]
    );
    assert_eq!(r[1][..5], ["P2", "x", "K.a", "b.csv", "2"]);
    assert_eq!(r[2][..5], ["P3", "9", "K.b", "b.csv", "4"]);
    assert_eq!(r.len(), 3);
}

// ------------------------------------------------------------ encodings and layouts

/// Ratings of the bank model in one place, written out in several layouts
/// and encodings below: (person, name, grade id, grade name, unit, period,
/// rater group id, group name, rater id, competency index, score).
struct Rating {
    person: &'static str,
    name: &'static str,
    grade: (&'static str, &'static str),
    unit: &'static str,
    period: &'static str,
    group: (&'static str, &'static str),
    rater_id: String,
    competency: usize,
    score: String,
}

/// The bundled model's competencies: (id, name), in model order.
fn bank_competencies() -> Vec<(String, String)> {
    let m: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo("models/bank-rm.toml")).unwrap()).unwrap();
    m["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A small deterministic data set: 3 people, 2 periods (one promotion),
/// supervisor, 2 peers and self, every competency rated by most raters.
fn bank_ratings() -> Vec<Rating> {
    let people = [
        ("RM01", "张伟", "城东支行"),
        ("RM02", "李娜", "城西支行"),
        ("RM03", "王芳", "城东支行"),
    ];
    let groups = [
        (("supervisor", "上级"), "MGR1"),
        (("peer", "同事"), "E1"),
        (("peer", "同事"), "E2"),
        (("self", "自评"), "SELF"),
    ];
    let mut out = Vec::new();
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for (pi, (person, name, unit)) in people.iter().enumerate() {
        for period in ["2025H2", "2026H1"] {
            let grade = match (pi, period) {
                (0, _) => ("assistant", "客户经理助理"),
                (1, "2025H2") => ("assistant", "客户经理助理"),
                (1, _) => ("rm", "客户经理"),
                _ => ("senior", "高级客户经理"),
            };
            for (group, rater) in groups {
                let rater_id = if group.0 == "self" {
                    person.to_string()
                } else {
                    rater.to_string()
                };
                for c in 0..19 {
                    if next() % 7 == 0 {
                        continue; // not rated
                    }
                    let score = ["1", "2", "2.5", "3", "3.5", "4", "4.5", "5"][next() % 8];
                    out.push(Rating {
                        person,
                        name,
                        grade,
                        unit,
                        period,
                        group,
                        rater_id: rater_id.clone(),
                        competency: c,
                        score: score.to_string(),
                    });
                }
            }
        }
    }
    out
}

/// (a) Long, UTF-8, English headers, everything by id.
fn long_utf8(ratings: &[Rating], comps: &[(String, String)]) -> String {
    let mut s = String::from("person_id,name,grade,unit,period,rater,rater_id,competency,score\n");
    for r in ratings {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            r.person,
            r.name,
            r.grade.0,
            r.unit,
            r.period,
            r.group.0,
            r.rater_id,
            comps[r.competency].0,
            r.score
        ));
    }
    s
}

/// (b) Wide, Chinese headers, competency names as headers, grade and rater
/// group by name; one row per person, period and rater.
fn wide_chinese(ratings: &[Rating], comps: &[(String, String)]) -> String {
    let mut s = String::from("工号,姓名,职级,支行,考核期,评价人类型,评价人");
    for (_, name) in comps {
        s.push(',');
        s.push_str(name);
    }
    s.push('\n');
    let mut i = 0;
    while i < ratings.len() {
        let r = &ratings[i];
        let mut cells = vec![String::new(); comps.len()];
        let mut j = i;
        while j < ratings.len()
            && ratings[j].person == r.person
            && ratings[j].period == r.period
            && ratings[j].rater_id == r.rater_id
            && ratings[j].group == r.group
        {
            cells[ratings[j].competency] = ratings[j].score.clone();
            j += 1;
        }
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            r.person,
            r.name,
            r.grade.1,
            r.unit,
            r.period,
            r.group.1,
            r.rater_id,
            cells.join(",")
        ));
        i = j;
    }
    s
}

/// (c) Long, tab-separated, CRLF, competencies by name, Chinese aliases.
fn long_tab_crlf(ratings: &[Rating], comps: &[(String, String)]) -> String {
    let mut s =
        String::from("员工编号\t姓名\t层级\t部门\t期间\t评价者类型\t评价人编号\t指标\t评分\r\n");
    for r in ratings {
        s.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\r\n",
            r.person,
            r.name,
            r.grade.0,
            r.unit,
            r.period,
            r.group.0,
            r.rater_id,
            comps[r.competency].1,
            r.score
        ));
    }
    s
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    let bytes = bytes.into_owned();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK text must not be UTF-8 too"
    );
    bytes
}

/// `ksa CMD --model bank-rm --evals FILES... --format csv EXTRA...` → stdout bytes.
fn bank_output(dir: &Path, cmd: &str, files: &[&str], extra: &[&str]) -> Vec<u8> {
    let out = ksa()
        .current_dir(dir)
        .arg(cmd)
        .args(["--model", &repo_arg("models/bank-rm.toml"), "--evals"])
        .args(files)
        .args(["--format", "csv"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{cmd} {files:?} {extra:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn assert_same_outputs(dir: &Path, reference: &[&str], other: &[&str], extra: &[&str]) {
    for cmd in ["score", "place"] {
        let a = bank_output(dir, cmd, reference, &[]);
        let b = bank_output(dir, cmd, other, extra);
        assert!(a.len() > 100, "{cmd} gives rows");
        assert_same_text(
            &String::from_utf8(a).unwrap(),
            &String::from_utf8(b).unwrap(),
            &format!("{cmd} of {other:?} {extra:?} against {reference:?}"),
        );
    }
}

#[test]
fn long_utf8_wide_gbk_and_utf16_tab_crlf_give_identical_outputs() {
    let comps = bank_competencies();
    let ratings = bank_ratings();
    let dir = workdir();
    std::fs::write(dir.path().join("long.csv"), long_utf8(&ratings, &comps)).unwrap();
    std::fs::write(
        dir.path().join("wide-gbk.csv"),
        gbk(&wide_chinese(&ratings, &comps)),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("utf16.tsv"),
        utf16le_with_bom(&long_tab_crlf(&ratings, &comps)),
    )
    .unwrap();
    assert_same_outputs(dir.path(), &["long.csv"], &["wide-gbk.csv"], &[]);
    assert_same_outputs(dir.path(), &["long.csv"], &["utf16.tsv"], &[]);
    // The targets really differ by grade and period: a promotion shows.
    let out = String::from_utf8(bank_output(dir.path(), "place", &["long.csv"], &[])).unwrap();
    assert!(
        out.contains("RM02,2025H2,assistant,") && out.contains("RM02,2026H1,rm,"),
        "{out}"
    );
}

#[test]
fn bom_utf8_semicolons_forced_gbk_and_header_spelling_give_identical_outputs() {
    let comps = bank_competencies();
    let ratings = bank_ratings();
    let long = long_utf8(&ratings, &comps);
    let dir = workdir();
    std::fs::write(dir.path().join("long.csv"), &long).unwrap();
    // UTF-8 with a byte-order mark.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(long.as_bytes());
    std::fs::write(dir.path().join("bom.csv"), bom).unwrap();
    assert_same_outputs(dir.path(), &["long.csv"], &["bom.csv"], &[]);
    // --delimiter ';'
    std::fs::write(dir.path().join("semi.csv"), long.replace(',', ";")).unwrap();
    assert_same_outputs(
        dir.path(),
        &["long.csv"],
        &["semi.csv"],
        &["--delimiter", ";"],
    );
    // --encoding gbk on a GBK file.
    std::fs::write(
        dir.path().join("gbk.csv"),
        gbk(&wide_chinese(&ratings, &comps)),
    )
    .unwrap();
    assert_same_outputs(
        dir.path(),
        &["long.csv"],
        &["gbk.csv"],
        &["--encoding", "gbk"],
    );
    // Headers in another case and padded with spaces.
    let (head, body) = long.split_once('\n').unwrap();
    let odd_head = head
        .split(',')
        .map(|h| format!("  {}\t", h.to_uppercase()))
        .collect::<Vec<_>>()
        .join(",");
    std::fs::write(dir.path().join("odd.csv"), format!("{odd_head}\n{body}")).unwrap();
    assert_same_outputs(dir.path(), &["long.csv"], &["odd.csv"], &[]);
}

#[test]
fn encoding_overrides_detection() {
    // UTF-16LE without a byte-order mark looks like (valid) UTF-8 with NUL
    // bytes; only --encoding utf-16le reads it right.
    let comps = bank_competencies();
    let ratings = bank_ratings();
    let long = long_utf8(&ratings, &comps);
    let dir = workdir();
    std::fs::write(dir.path().join("long.csv"), &long).unwrap();
    let mut b = Vec::new();
    for u in long.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.path().join("nobom16.csv"), b).unwrap();
    assert_same_outputs(
        dir.path(),
        &["long.csv"],
        &["nobom16.csv"],
        &["--encoding", "utf-16le"],
    );
}

#[test]
fn several_evals_files_are_one_data_set() {
    // The rows of one file split over three files (one person's ratings
    // across files) give the same outputs as the single file.
    let comps = bank_competencies();
    let ratings = bank_ratings();
    let long = long_utf8(&ratings, &comps);
    let (head, body) = long.split_once('\n').unwrap();
    let lines: Vec<&str> = body.lines().collect();
    let third = lines.len() / 3 + 5;
    let dir = workdir();
    std::fs::write(dir.path().join("long.csv"), &long).unwrap();
    for (i, chunk) in lines.chunks(third).enumerate() {
        std::fs::write(
            dir.path().join(format!("part{i}.csv")),
            format!("{head}\n{}\n", chunk.join("\n")),
        )
        .unwrap();
    }
    assert_same_outputs(
        dir.path(),
        &["long.csv"],
        &["part2.csv", "part0.csv", "part1.csv"],
        &[],
    );
    // compare too.
    let a = bank_output(dir.path(), "compare", &["long.csv"], &["--grade", "rm"]);
    let b = bank_output(
        dir.path(),
        "compare",
        &["part1.csv", "part0.csv", "part2.csv"],
        &["--grade", "rm"],
    );
    assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
}

#[test]
fn a_tab_separated_header_is_detected_without_being_told() {
    let dir = dir_with(&[("t.tsv", b"person_id\tcompetency\tscore\nP1\tK.a\t3,5\n")]);
    // "3,5" in a tab-separated file is one (invalid) score: a decimal comma.
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "t.tsv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.errors()
            .iter()
            .any(|l| l.starts_with("error: t.tsv:2: column \"score\": ")),
        "{}",
        out.stderr
    );
}

#[test]
fn quiet_silences_warnings_but_not_the_summary_or_errors() {
    // evaluations.md: `--quiet` suppresses warnings and progress, not errors;
    // the summary stays the last line of stderr.
    let dir = dir_with(&[
        (
            "e.csv",
            b"person_id,competency,score,remark\nP1,K.a,3,x\nP1,K.b,,y\n",
        ),
        ("bad.csv", b"person_id,competency,score\nP1,K.a,x\n"),
    ]);
    let base = [
        "--model",
        "tiny.toml",
        "--format",
        "csv",
        "--quiet",
        "--evals",
    ];
    let mut args = vec!["score"];
    args.extend(base);
    args.push("e.csv");
    let out = run(dir.path(), &args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.warnings().is_empty(), "{}", out.stderr);
    assert_eq!(out.stderr.trim_end(), summary_line([2, 1, 1, 0, 1]));
    let mut args = vec!["score"];
    args.extend(base);
    args.push("bad.csv");
    let out = run(dir.path(), &args);
    assert_eq!(out.code, Some(2));
    assert!(
        out.errors()[0].starts_with("error: bad.csv:2: column \"score\": "),
        "{}",
        out.stderr
    );
}

#[test]
fn the_rejects_file_defaults_to_rejects_csv_beside_the_output() {
    let dir = dir_with(&[("e.csv", b"person_id,competency,score\nP1,K.a,x\nP1,K.a,3\n")]);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let out = run(
        dir.path(),
        &[
            "score",
            "--model",
            "tiny.toml",
            "--evals",
            "e.csv",
            "--skip-invalid",
            "--out",
            "out/scores.csv",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let r = std::fs::read_to_string(dir.path().join("out/rejects.csv")).expect("out/rejects.csv");
    assert_eq!(csv_records(&r)[1][..5], ["P1", "K.a", "x", "e.csv", "2"]);
}
