//! `--format xlsx`: each workbook is read back with calamine and compared
//! cell by cell with the CSV output of the same command; the About sheet,
//! the gap heatmap (against `ksa score`'s gaps), formula-like text, the
//! usage error and atomic writing.

use crate::common::{fixture, repo_arg, run, run_ok, workdir, write};
use calamine::{open_workbook, Data, Reader, Xlsx};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

fn model() -> String {
    repo_arg("models/bank-rm.toml")
}

fn staff() -> String {
    repo_arg("data/evaluations.csv")
}

fn candidates() -> String {
    repo_arg("data/candidates.csv")
}

fn open(path: &Path) -> Xlsx<BufReader<File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{} does not open: {e}", path.display()))
}

/// The rows of a table's sheets — `name`, then `name (2)`, … — with the
/// header once.
fn table_rows(book: &mut Xlsx<BufReader<File>>, name: &str) -> Vec<Vec<Data>> {
    let mut out: Vec<Vec<Data>> = Vec::new();
    let names = book.sheet_names();
    for (i, sheet) in std::iter::once(name.to_string())
        .chain((2..).map(|n| format!("{name} ({n})")))
        .take_while(|s| names.contains(s))
        .enumerate()
    {
        let range = book.worksheet_range(&sheet).expect("sheet reads");
        assert_eq!(range.start(), Some((0, 0)), "{sheet} starts at A1");
        let rows = range.rows().map(|r| r.to_vec());
        out.extend(rows.skip(if i == 0 { 0 } else { 1 }));
    }
    assert!(!out.is_empty(), "no sheet {name:?} in {names:?}");
    out
}

/// Whether a cell holds what the CSV text says: a number equal to the
/// CSV's rounded text, a boolean `true`/`false`, the text itself (without
/// the `'` CSV puts before formula-like text), or nothing for empty.
fn same_value(csv: &str, cell: &Data) -> bool {
    match cell {
        Data::Empty => csv.is_empty(),
        Data::Float(x) => csv.parse::<f64>().ok() == Some(*x),
        Data::Int(i) => csv.parse::<f64>().ok() == Some(*i as f64),
        Data::Bool(b) => csv == if *b { "true" } else { "false" },
        Data::String(s) => {
            let unquoted = csv
                .strip_prefix('\'')
                .filter(|t| t.starts_with(['=', '+', '-', '@']));
            s == unquoted.unwrap_or(csv)
        }
        _ => false,
    }
}

/// Asserts the sheet rows hold the CSV's values, cell by cell, and that the
/// `numeric` columns hold numbers (not text that looks like one).
fn assert_same_as_csv(csv: &str, rows: &[Vec<Data>], numeric: &[&str], what: &str) {
    let records = crate::common::csv_records(csv);
    assert_eq!(rows.len(), records.len(), "{what}: rows");
    let header = &records[0];
    let numeric_cols: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            numeric
                .iter()
                .any(|n| n == h || (n.ends_with('*') && h.starts_with(&n[..n.len() - 1])))
        })
        .map(|(i, _)| i)
        .collect();
    assert_eq!(rows[0].len(), header.len(), "{what}: columns");
    for (r, (rec, row)) in records.iter().zip(rows).enumerate() {
        for (c, text) in rec.iter().enumerate() {
            let cell = row.get(c).unwrap_or(&Data::Empty);
            assert!(
                same_value(text, cell),
                "{what}: row {} column {:?}: CSV {text:?}, workbook {cell:?}",
                r + 1,
                header[c]
            );
            if r > 0 && numeric_cols.contains(&c) {
                assert!(
                    matches!(cell, Data::Float(_) | Data::Empty),
                    "{what}: row {} column {:?} is not a number: {cell:?}",
                    r + 1,
                    header[c]
                );
            }
        }
    }
}

/// Runs one command twice, to `out.csv` and to `out.xlsx` (the format
/// following the extension), and returns the CSV text and the workbook.
fn csv_and_workbook(dir: &Path, args: &[&str]) -> (String, Xlsx<BufReader<File>>) {
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--out", "out.csv"]);
    run_ok(dir, &a);
    let mut b: Vec<&str> = args.to_vec();
    b.extend(["--out", "out.xlsx"]);
    run_ok(dir, &b);
    let csv = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    (csv, open(&dir.join("out.xlsx")))
}

/// `ksa score`'s competency gaps by (person_id, period, competency).
fn score_gaps(dir: &Path, extra: &[&str]) -> HashMap<(String, String, String), String> {
    let (m, e) = (model(), staff());
    let mut args = vec!["score", "--model", &m, "--evals", &e, "--format", "csv"];
    args.extend(extra);
    let records = crate::common::csv_records(&run_ok(dir, &args));
    records[1..]
        .iter()
        .filter(|r| r[3] == "competency")
        .map(|r| ((r[0].clone(), r[1].clone(), r[4].clone()), r[7].clone()))
        .collect()
}

/// Asserts the heatmap has one row per person and period in `order`, with
/// `target` as target grade and each competency column equal to `gaps`.
fn assert_heatmap(
    rows: &[Vec<Data>],
    order: &[(String, String)],
    target: &dyn Fn(&str, &str) -> String,
    gaps: &HashMap<(String, String, String), String>,
) {
    let header: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    assert_eq!(header[..3], ["person_id", "period", "target_grade"]);
    let got: Vec<(String, String)> = rows[1..]
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert_eq!(got, order, "heatmap rows");
    let mut compared = 0;
    for row in &rows[1..] {
        let (p, q) = (row[0].to_string(), row[1].to_string());
        assert!(same_value(&target(&p, &q), &row[2]), "{p} {q} target");
        for (c, heading) in header.iter().enumerate().skip(3) {
            // `ID NAME`: the id, then the name the model gives it.
            let (comp, name) = heading.split_once(' ').expect("an id and a name");
            assert!(!name.is_empty(), "{heading}");
            let comp = comp.to_string();
            let expected = &gaps[&(p.clone(), q.clone(), comp.clone())];
            assert!(
                same_value(expected, &row[c]),
                "heatmap {p} {q} {comp}: score gap {expected:?}, cell {:?}",
                row[c]
            );
            compared += usize::from(!expected.is_empty());
        }
    }
    assert!(compared > 100, "only {compared} gaps compared");
}

#[test]
fn score_workbook_holds_the_csv_values_and_the_gap_heatmap() {
    let dir = workdir();
    let (m, e) = (model(), staff());
    let (csv, mut book) = csv_and_workbook(dir.path(), &["score", "--model", &m, "--evals", &e]);
    assert_eq!(book.sheet_names(), ["About", "scores", "gap heatmap"]);
    let rows = table_rows(&mut book, "scores");
    assert_same_as_csv(
        &csv,
        &rows,
        &["score", "required", "gap", "ratings"],
        "score",
    );

    let records = crate::common::csv_records(&csv);
    let overall: Vec<&Vec<String>> = records[1..].iter().filter(|r| r[3] == "overall").collect();
    let order: Vec<(String, String)> = overall
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let targets: HashMap<(String, String), String> = overall
        .iter()
        .map(|r| ((r[0].clone(), r[1].clone()), r[2].clone()))
        .collect();
    let heat = table_rows(&mut book, "gap heatmap");
    let gaps = score_gaps(dir.path(), &[]);
    assert_heatmap(
        &heat,
        &order,
        &|p, q| targets[&(p.into(), q.into())].clone(),
        &gaps,
    );
}

#[test]
fn place_workbook_holds_the_csv_values() {
    let dir = workdir();
    let (m, e) = (model(), staff());
    let (csv, mut book) = csv_and_workbook(dir.path(), &["place", "--model", &m, "--evals", &e]);
    assert_eq!(book.sheet_names(), ["About", "placements"]);
    let rows = table_rows(&mut book, "placements");
    assert_same_as_csv(&csv, &rows, &["fit_*"], "place");
    // meets_* are Excel booleans.
    assert!(rows[1..].iter().all(|r| matches!(r[5], Data::Bool(_))));
}

#[test]
fn compare_workbook_holds_the_csv_values_and_gaps_against_the_grade() {
    let dir = workdir();
    let (m, c) = (model(), candidates());
    let args = [
        "compare",
        "--model",
        &m,
        "--evals",
        &c,
        "--grade",
        "rm",
        "--weighting",
        "recruitment",
    ];
    let (csv, mut book) = csv_and_workbook(dir.path(), &args);
    assert_eq!(book.sheet_names(), ["About", "candidates", "gap heatmap"]);
    let rows = table_rows(&mut book, "candidates");
    let numeric = ["rank", "fit", "overall", "K", "S", "A"];
    assert_same_as_csv(&csv, &rows, &numeric, "compare");

    // Heatmap rows in rank order, gaps against rm as `ksa score --grade rm`.
    let records = crate::common::csv_records(&csv);
    let order: Vec<(String, String)> = records[1..]
        .iter()
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    let (ms, cs) = (model(), candidates());
    let out = run_ok(
        dir.path(),
        &[
            "score", "--model", &ms, "--evals", &cs, "--grade", "rm", "--format", "csv",
        ],
    );
    let gaps: HashMap<(String, String, String), String> = crate::common::csv_records(&out)[1..]
        .iter()
        .filter(|r| r[3] == "competency")
        .map(|r| ((r[0].clone(), r[1].clone(), r[4].clone()), r[7].clone()))
        .collect();
    let heat = table_rows(&mut book, "gap heatmap");
    assert_heatmap(&heat, &order, &|_, _| "rm".to_string(), &gaps);
}

#[test]
fn plan_workbooks_hold_the_csv_values() {
    let dir = workdir();
    let (m, e) = (model(), staff());
    let args = ["plan", "--model", &m, "--evals", &e, "--budget-hours", "40"];
    let (csv, mut book) = csv_and_workbook(dir.path(), &args);
    assert_eq!(book.sheet_names(), ["About", "plans", "gap heatmap"]);
    let rows = table_rows(&mut book, "plans");
    let numeric = [
        "score",
        "required",
        "gap",
        "after",
        "closed",
        "weighted_shortfall",
        "weighted_closed",
        "hours",
        "cost",
    ];
    assert_same_as_csv(&csv, &rows, &numeric, "plan");

    // Against each person's own grade: the gaps of a plain `ksa score`.
    let records = crate::common::csv_records(&csv);
    let plan_rows: Vec<&Vec<String>> = records[1..].iter().filter(|r| r[3] == "plan").collect();
    let order: Vec<(String, String)> = plan_rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let targets: HashMap<(String, String), String> = plan_rows
        .iter()
        .map(|r| ((r[0].clone(), r[1].clone()), r[2].clone()))
        .collect();
    let heat = table_rows(&mut book, "gap heatmap");
    let gaps = score_gaps(dir.path(), &[]);
    assert_heatmap(
        &heat,
        &order,
        &|p, q| targets[&(p.into(), q.into())].clone(),
        &gaps,
    );

    let team = [
        "plan",
        "--model",
        &m,
        "--evals",
        &e,
        "--team",
        "--budget-cost",
        "50000",
    ];
    let (csv, mut book) = csv_and_workbook(dir.path(), &team);
    assert_eq!(book.sheet_names(), ["About", "team plan"]);
    let rows = table_rows(&mut book, "team plan");
    let numeric = [
        "needed_by",
        "need_weighted",
        "attendees",
        "hours_each",
        "cost",
    ];
    assert_same_as_csv(&csv, &rows, &numeric, "team plan");
}

/// Commands without a layout of their own write the generic workbook.
#[test]
fn stats_workbook_holds_the_csv_values() {
    let dir = workdir();
    let (m, e) = (model(), staff());
    let args = ["stats", "precision", "--model", &m, "--evals", &e];
    let (csv, mut book) = csv_and_workbook(dir.path(), &args);
    assert_eq!(book.sheet_names(), ["About", "data"]);
    let rows = table_rows(&mut book, "data");
    assert_same_as_csv(
        &csv,
        &rows,
        &["score", "ratings", "sd", "se"],
        "stats precision",
    );
}

#[test]
fn about_sheet_names_model_inputs_and_ksa_version() {
    let dir = workdir();
    let (m, e) = (model(), staff());
    let json = run_ok(
        dir.path(),
        &["score", "--model", &m, "--evals", &e, "--format", "json"],
    );
    let top: serde_json::Value = serde_json::from_str(&json).unwrap();
    let epoch = "1767225600"; // 2026-01-01 00:00:00 UTC
    let out = crate::common::ksa()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", epoch)
        .args(["place", "--model", &m, "--evals", &e, "--out", "a.xlsx"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut book = open(&dir.path().join("a.xlsx"));
    assert_eq!(book.sheet_names()[0], "About");
    let about = book.worksheet_range("About").unwrap();
    let rows: Vec<Vec<String>> = about
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    let sha = |p: &str| -> String {
        let digest = Sha256::digest(std::fs::read(p).unwrap());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    };
    let expected: Vec<Vec<String>> = [
        ["field", "value", "sha256"],
        ["model_id", top["model_id"].as_str().unwrap(), ""],
        ["model_version", top["model_version"].as_str().unwrap(), ""],
        ["ksa_version", env!("CARGO_PKG_VERSION"), ""],
        ["generated", "2026-01-01 00:00:00 UTC", ""],
        ["input", "bank-rm.toml", &sha(&m)],
        ["input", "evaluations.csv", &sha(&e)],
    ]
    .iter()
    .map(|r| r.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(rows, expected);

    // The same inputs and SOURCE_DATE_EPOCH give the same bytes.
    let again = crate::common::ksa()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", epoch)
        .args(["place", "--model", &m, "--evals", &e, "--out", "b.xlsx"])
        .output()
        .unwrap();
    assert!(again.status.success());
    let (a, b) = (
        std::fs::read(dir.path().join("a.xlsx")).unwrap(),
        std::fs::read(dir.path().join("b.xlsx")).unwrap(),
    );
    assert!(a == b, "two runs with SOURCE_DATE_EPOCH differ");
}

#[test]
fn formula_like_ids_are_strings_never_formulas() {
    let dir = workdir();
    let ids = ["=HYPERLINK(\"x\")", "+1", "-x", "@x"];
    let mut text = String::from("person_id,grade,unit,period,competency,score\n");
    for id in ids {
        text.push_str(&format!(
            "\"{}\",junior,U1,P2,K.prod,2\n",
            id.replace('"', "\"\"")
        ));
    }
    write(dir.path(), "evals.csv", &text);
    let m = fixture("plan/model.toml");
    let m = m.to_str().unwrap();
    let args = [
        "score",
        "--model",
        m,
        "--evals",
        "evals.csv",
        "--out",
        "f.xlsx",
    ];
    run_ok(dir.path(), &args);
    let mut book = open(&dir.path().join("f.xlsx"));
    for sheet in ["scores", "gap heatmap"] {
        let formulas = book.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has formulas"
        );
        let rows = table_rows(&mut book, sheet);
        let mut seen: Vec<String> = Vec::new();
        for r in &rows[1..] {
            match &r[0] {
                Data::String(s) => seen.push(s.clone()),
                other => panic!("{sheet}: person_id {other:?} is not a string cell"),
            }
        }
        seen.dedup();
        // Sorted in code-point order, as the CSV.
        let mut expected: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(seen, expected, "{sheet}");
    }
}

#[test]
fn xlsx_without_out_is_a_usage_error() {
    let dir = workdir();
    let (m, e) = (model(), staff());
    for cmd in [&["score"][..], &["stats", "precision"][..]] {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend(["--model", &m, "--evals", &e, "--format", "xlsx"]);
        let out = run(dir.path(), &args);
        assert_eq!(out.code, Some(2), "{cmd:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{cmd:?} wrote to stdout");
        assert_eq!(
            out.errors(),
            ["error: --format xlsx writes a binary Excel workbook, not text for stdout: give --out FILE.xlsx"]
        );
    }
}

/// A text longer than an Excel cell stops the run before the file is
/// renamed into place: nothing is left in the folder, not even a temporary.
#[test]
fn a_failed_workbook_leaves_nothing_behind() {
    let dir = workdir();
    let long = "x".repeat(40_000);
    let text =
        format!("person_id,grade,unit,period,competency,score\n{long},junior,U1,P2,K.prod,2\n");
    write(dir.path(), "evals.csv", &text);
    let m = fixture("plan/model.toml");
    let args = [
        "score",
        "--model",
        m.to_str().unwrap(),
        "--evals",
        "evals.csv",
        "--out",
        "f.xlsx",
    ];
    let out = run(dir.path(), &args);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.errors(),
        ["error: f.xlsx: Excel workbook: column \"person_id\": a text of 40000 characters is longer than an Excel cell holds (32767); use --format csv"]
    );
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["evals.csv"]);
}
