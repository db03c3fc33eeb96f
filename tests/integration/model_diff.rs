//! `ksa model diff`: a revision of the bundled model with a known set of
//! changes gives exactly those changes, and re-scoring known ratings under it
//! lists exactly the people it affects (tests/fixtures/model_diff/README.md).

use crate::common::*;
use std::path::{Path, PathBuf};

/// `text` with `from` replaced by `to`, where `from` occurs exactly once
/// (so a change in the bundled model cannot make an edit silently miss).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "edit anchor {from:?}");
    text.replacen(from, to, 1)
}

const ADDED: &str = r#"[[competencies]]
id = "A.integrity"
name = "诚信合规"
category = "A"
group = "通用行为能力"
weight = 1
trainable = false
required = { senior = 3 }

"#;

/// Revision 2026.2 of models/bank-rm.toml: rename K.product, raise K.macro
/// at rm from 2.5 to 3, weigh S.sales 1.5, add A.integrity, remove A.market
/// (and from duty D.development, which names it).
fn new_revision(dir: &Path) -> PathBuf {
    let old = std::fs::read_to_string(repo("models/bank-rm.toml")).unwrap();
    let mut t = edit(&old, "version = \"2026.1\"", "version = \"2026.2\"");
    t = edit(&t, "name = \"产品知识\"\n", "name = \"产品与服务知识\"\n");
    t = edit(
        &t,
        "required = { assistant = 2, rm = 2.5, senior = 3.5 }",
        "required = { assistant = 2, rm = 3, senior = 3.5 }",
    );
    t = edit(
        &t,
        "本行产品的技巧。\"\nweight = 1\n",
        "本行产品的技巧。\"\nweight = 1.5\n",
    );
    // A.market's block runs to the next section's comment.
    let start = t.find("[[competencies]]\nid = \"A.market\"").unwrap();
    let end = start + t[start..].find("\n# ").unwrap() + 1;
    t.replace_range(start..end, ADDED);
    t = edit(&t, "\"K.finance\", \"A.market\", ", "\"K.finance\", ");
    write(dir, "bank-rm-2026.2.toml", &t)
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture("model_diff").join(name)).unwrap()
}

/// Compares with a golden file in tests/fixtures/model_diff (rewritten
/// instead with `UPDATE_GOLDEN=1`; review the diff before committing it).
fn assert_golden_fixture(name: &str, actual: &str) {
    let path = fixture("model_diff").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    assert_same_text(&fixture_text(name), actual, name);
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn known_changes_are_reported_exactly() {
    let dir = workdir();
    let new = new_revision(dir.path());
    let old = repo_arg("models/bank-rm.toml");
    let out = run(
        dir.path(),
        &["model", "diff", &old, s(&new), "--format", "csv"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_same_text(&fixture_text("diff.csv"), &out.stdout, "model diff CSV");
    assert_eq!(
        out.stderr.lines().collect::<Vec<_>>(),
        ["bank-rm 2026.1 → bank-rm 2026.2: 11 changes"]
    );

    let table = run_ok(
        dir.path(),
        &["model", "diff", &old, s(&new), "--format", "table"],
    );
    assert_golden_fixture("diff.txt", &table);

    // JSON: the same rows, values as text, absent values null.
    let json = run_ok(
        dir.path(),
        &["model", "diff", &old, s(&new), "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["model_id"], "bank-rm");
    assert_eq!(v["model_version"], "2026.2");
    let rows = v["rows"].as_array().unwrap();
    let csv = csv_records(&fixture_text("diff.csv"));
    assert_eq!(rows.len(), csv.len() - 1);
    for (row, rec) in rows.iter().zip(&csv[1..]) {
        for (col, cell) in csv[0].iter().zip(rec) {
            let expected = if cell.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::Value::from(cell.as_str())
            };
            assert_eq!(row[col], expected, "column {col} of {rec:?}");
        }
    }
}

#[test]
fn rescoring_lists_exactly_the_people_affected() {
    let dir = workdir();
    let new = new_revision(dir.path());
    let old = repo_arg("models/bank-rm.toml");
    let evals = fixture("model_diff/evals.csv");
    let out = run(
        dir.path(),
        &[
            "model",
            "diff",
            &old,
            s(&new),
            "--evals",
            s(&evals),
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let expected = fixture_text("diff.csv") + &fixture_text("people.csv");
    assert_same_text(&expected, &out.stdout, "model diff --evals CSV");
    assert_eq!(
        out.stderr.lines().collect::<Vec<_>>(),
        [
            "bank-rm 2026.1 → bank-rm 2026.2: 11 changes",
            "note: not scored under the old revision (2026.1), which does not have them: \
             competency A.integrity (5 ratings)",
            "note: not scored under the new revision (2026.2), which does not have them: \
             competency A.market (6 ratings)",
            "re-scored: 3 of 6 people change placement, 5 change fit",
            "summary: rows_read=6 used=6 blank=0 rejected=0 ratings=119",
        ]
    );

    // The terminal layout lists the same people, every grade's fit.
    let table = run_ok(
        dir.path(),
        &[
            "model",
            "diff",
            &old,
            s(&new),
            "--evals",
            s(&evals),
            "--format",
            "table",
        ],
    );
    let people = table.split("Re-scored: ").nth(1).expect("a people section");
    assert_same_text(
        "3 of 6 people change placement, 5 change fit\n\
         \n\
         person_id  period  name  placement       fit_assistant    fit_rm           fit_senior\n\
         ---------  ------  ----  --------------  ---------------  ---------------  ---------------\n\
         P02        2026H1  钱二  senior → rm     1.0000           1.0000           1.0000 → 0.9600\n\
         P03        2026H1  孙三  rm → assistant  1.0000           1.0000 → 0.9900  0.6785 → 0.6925\n\
         P04        2026H1  李四  rm              1.0000           1.0000           0.9778 → 0.9692\n\
         P05        2026H1  周五  assistant       1.0000           0.5387 → 0.5351  0.3632 → 0.3703\n\
         P06        2026H1  吴六  - → rm          0.9600 → 1.0000  0.9600 → 1.0000  0.6598 → 0.7005\n",
        people,
        "people table",
    );
}

#[test]
fn rescoring_reads_the_chosen_sheet_of_a_workbook() {
    // The fixture's ratings on the second sheet of a workbook, behind a notes
    // sheet: `--sheet` by name gives what the CSV gives.
    let dir = workdir();
    let new = new_revision(dir.path());
    let old = repo_arg("models/bank-rm.toml");
    let csv = fixture("model_diff/evals.csv");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write(0, 0, "评分见下一页")
        .unwrap();
    let ratings = book.add_worksheet().set_name("评分").unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    for (r, record) in csv_records(&text).iter().enumerate() {
        for (c, cell) in record.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => ratings.write(r, c, n).unwrap(),
                _ => ratings.write(r, c, cell.as_str()).unwrap(),
            };
        }
    }
    let xlsx = dir.path().join("evals.xlsx");
    book.save(&xlsx).unwrap();

    let diff = |evals: &Path, extra: &[&str]| {
        let mut args = vec!["model", "diff", &old, s(&new), "--evals", s(evals)];
        args.extend(extra);
        args.extend(["--format", "csv"]);
        run(dir.path(), &args)
    };
    let from_csv = diff(&csv, &[]);
    assert_eq!(from_csv.code, Some(0), "{}", from_csv.stderr);
    let from_sheet = diff(&xlsx, &["--sheet", "评分"]);
    assert_eq!(from_sheet.code, Some(0), "{}", from_sheet.stderr);
    assert_same_text(&from_csv.stdout, &from_sheet.stdout, "--sheet 评分");
    // The first sheet holds no header: that is the file's error, by sheet.
    let first = diff(&xlsx, &[]);
    assert_eq!(first.code, Some(2), "{}", first.stderr);
    assert!(
        first.stderr.contains("evals.xlsx[说明]"),
        "{}",
        first.stderr
    );
}

#[test]
fn the_same_model_rewritten_has_no_differences() {
    let dir = workdir();
    // Comments and blank lines gone, defaults written out: the TOML text
    // differs, the model does not.
    let old = std::fs::read_to_string(repo("models/bank-rm.toml")).unwrap();
    let mut t: String = old
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    t = edit(
        &t,
        "[placement]\ntolerance = 0.25\n",
        "[placement]\ntolerance = 0.250\n",
    );
    let same = write(dir.path(), "same.toml", &t);
    let old = repo_arg("models/bank-rm.toml");
    let table = run_ok(
        dir.path(),
        &["model", "diff", &old, s(&same), "--format", "table"],
    );
    assert_eq!(table, "bank-rm 2026.1 → bank-rm 2026.1: no differences\n");
    let out = run(
        dir.path(),
        &["model", "diff", &old, s(&same), "--format", "csv"],
    );
    assert_eq!(out.code, Some(0));
    assert_eq!(
        out.stdout,
        "section,id,name,period,change,field,grade,old,new\n"
    );
    assert_eq!(
        out.stderr,
        "bank-rm 2026.1 → bank-rm 2026.1: no differences\n"
    );

    // With ratings: nobody changes.
    let evals = fixture("model_diff/evals.csv");
    let out = run(
        dir.path(),
        &[
            "model",
            "diff",
            &old,
            s(&same),
            "--evals",
            s(&evals),
            "--format",
            "csv",
            "--quiet",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "section,id,name,period,change,field,grade,old,new\n"
    );
    assert_eq!(
        out.stderr.lines().collect::<Vec<_>>(),
        [
            "re-scored: 0 of 6 people change placement, 0 change fit",
            "summary: rows_read=6 used=6 blank=0 rejected=0 ratings=114",
        ]
    );
}

#[test]
fn a_bad_model_exits_2_with_the_checkers_message() {
    let dir = workdir();
    let good = repo_arg("models/bank-rm.toml");
    let text = std::fs::read_to_string(repo("models/bank-rm.toml")).unwrap();
    let bad = write(
        dir.path(),
        "bad.toml",
        &edit(
            &text,
            "required = { assistant = 2, rm = 2.5, senior = 3.5 }",
            "required = { assistant = 2, rm = 9, director = 3 }",
        ),
    );
    let check = run(dir.path(), &["model", "check", s(&bad)]);
    assert_eq!(check.code, Some(2));
    assert!(!check.errors().is_empty());
    for args in [[&good[..], s(&bad)], [s(&bad), &good[..]]] {
        let out = run(
            dir.path(),
            &["model", "diff", args[0], args[1], "--format", "csv"],
        );
        assert_eq!(out.code, Some(2), "{}", out.stderr);
        assert_eq!(out.errors(), check.errors());
        assert_eq!(out.stdout, "", "nothing written");
    }
    // Both bad: every problem of both, as `ksa model check` gives them.
    let both = run(dir.path(), &["model", "diff", s(&bad), s(&bad)]);
    assert_eq!(both.code, Some(2));
    assert_eq!(both.errors().len(), 2 * check.errors().len());
}

#[test]
fn an_output_file_is_written_whole_and_never_over_an_input() {
    let dir = workdir();
    let new = new_revision(dir.path());
    let old = repo_arg("models/bank-rm.toml");
    let out_path = dir.path().join("diff.csv");
    run_ok(
        dir.path(),
        &["model", "diff", &old, s(&new), "--out", s(&out_path)],
    );
    assert_same_text(
        &fixture_text("diff.csv"),
        &std::fs::read_to_string(&out_path).unwrap(),
        "--out diff.csv",
    );
    let before = std::fs::read_to_string(&new).unwrap();
    let out = run(
        dir.path(),
        &["model", "diff", &old, s(&new), "--out", s(&new)],
    );
    assert_eq!(out.code, Some(2));
    assert!(
        out.errors()[0].contains("that is an input file"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&new).unwrap(), before);
}

/// models/bank-rm.en.toml is the English twin of bank-rm.toml: "same ids,
/// numbers and flags". The diff says so — only texts differ — and the
/// bundled data places everyone the same under both.
#[test]
fn the_english_twin_differs_only_in_text() {
    let dir = workdir();
    let out = run(
        dir.path(),
        &[
            "model",
            "diff",
            &repo_arg("models/bank-rm.toml"),
            &repo_arg("models/bank-rm.en.toml"),
            "--evals",
            &repo_arg("data/evaluations.csv"),
            "--format",
            "csv",
            "--quiet",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let rows = csv_records(&out.stdout);
    assert!(rows.len() > 1, "the names differ");
    for r in &rows[1..] {
        let (section, change, field) = (&r[0], &r[4], r[5].as_str());
        let text_only = change == "renamed"
            || matches!(field, "description" | "language" | "group" | "tasks")
            || field.starts_with("labels.")
            || field.starts_with("indicators.");
        assert!(text_only, "not a text change: {r:?}");
        assert_ne!(section, "person", "{r:?}");
    }
    assert_eq!(
        out.stderr.lines().next(),
        Some("re-scored: 0 of 80 people change placement, 0 change fit")
    );
}
