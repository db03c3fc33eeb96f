//! `ksa appraise` and the model's `[appraisal]` section. Expected values are
//! worked out by hand from tests/fixtures/plan (model.toml,
//! appraise-evals.csv, results.csv); the comments show the arithmetic.

use crate::common::*;
use std::path::Path;

fn fx(name: &str) -> String {
    fixture("plan").join(name).to_str().unwrap().to_string()
}

fn ksa_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = ksa().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn appraise_args<'a>(model: &'a str, evals: &'a str, results: &'a str) -> Vec<&'a str> {
    vec![
        "appraise",
        "--model",
        model,
        "--evals",
        evals,
        "--results",
        results,
        "--from",
        "P1",
        "--to",
        "P2",
        "--format",
        "csv",
    ]
}

/// The fixture model with an `[appraisal]` section appended.
fn model_with(dir: &Path, section: &str) -> String {
    let base = std::fs::read_to_string(fixture("plan").join("model.toml")).unwrap();
    let p = write(
        dir,
        "model.toml",
        &format!("{base}\n[appraisal]\n{section}\n"),
    );
    p.to_str().unwrap().to_string()
}

/// O is the mean of S_K and S_A; every competency of a person has one
/// rating, all equal, so O is that rating. D = 50 + 50·ΔO/(5 − 1):
/// a1 2 → 3: 62.5; a2 4 → 3: 37.5; a3 3 → 3: 50; b1 2 → 2.5: 56.25; a4 has
/// no P1, so no D and no composite. Equal weights:
/// a1 (80 + 62.5 + 90)/3 = 77.5; a2 (90 + 37.5 + 100)/3 = 75.83;
/// a3 (85 + 50 + 92.5)/3 = 75.83 (a tie: both rank 2); b1 62.08.
/// a1's P1 result is another period's: read, counted, not used.
#[test]
fn appraisal_by_hand_with_equal_weights() {
    let dir = workdir();
    let (m, e, r) = (
        fx("model.toml"),
        fx("appraise-evals.csv"),
        fx("results.csv"),
    );
    let (code, out, err) = ksa_in(dir.path(), &appraise_args(&m, &e, &r));
    assert_eq!(code, Some(0), "{err}");
    let expected = "\
unit,rank,person_id,name,task,competency,objective,composite,overall_from,overall_to
U1,1,a1,,80.00,62.50,90.00,77.50,2.00,3.00
U1,2,a2,,90.00,37.50,100.00,75.83,4.00,3.00
U1,2,a3,,85.00,50.00,92.50,75.83,3.00,3.00
U1,,a4,,75.00,,75.00,,,3.00
U2,1,b1,,70.00,56.25,60.00,62.08,2.00,2.50
";
    assert_same_text(expected, &out, "ksa appraise");
    assert!(
        err.contains("results: rows_read=6 used=5 blank=0 other_period=1 rejected=0"),
        "{err}"
    );
    assert!(
        err.lines().last().unwrap().starts_with("summary: "),
        "{err}"
    );
}

/// task 2, competency 1, objective 1: a1 (160 + 62.5 + 90)/4 = 78.125 →
/// 78.13; a2 (180 + 37.5 + 100)/4 = 79.375 → 79.38; a3 (170 + 50 + 92.5)/4
/// = 78.125, tied with a1. With `objective = 0` a4's missing D still leaves
/// no composite; with `competency = 0` it has one: (75 + 75)/2.
#[test]
fn appraisal_weights_from_the_model() {
    let dir = workdir();
    let (e, r) = (fx("appraise-evals.csv"), fx("results.csv"));
    let m = model_with(dir.path(), "task = 2\ncompetency = 1\nobjective = 1");
    let out = run_ok(dir.path(), &appraise_args(&m, &e, &r));
    let expected = "\
unit,rank,person_id,name,task,competency,objective,composite,overall_from,overall_to
U1,1,a2,,90.00,37.50,100.00,79.38,4.00,3.00
U1,2,a1,,80.00,62.50,90.00,78.13,2.00,3.00
U1,2,a3,,85.00,50.00,92.50,78.13,3.00,3.00
U1,,a4,,75.00,,75.00,,,3.00
U2,1,b1,,70.00,56.25,60.00,64.06,2.00,2.50
";
    assert_same_text(expected, &out, "ksa appraise, weights 2/1/1");
    let m = model_with(dir.path(), "competency = 0");
    let out = run_ok(dir.path(), &appraise_args(&m, &e, &r));
    assert!(
        out.contains("\nU1,1,a2,,90.00,37.50,100.00,95.00,"),
        "{out}"
    );
    assert!(out.contains("U1,4,a4,,75.00,,75.00,75.00,"), "{out}");
}

#[test]
fn results_in_gbk_tab_separated_with_english_aliases() {
    let dir = workdir();
    let text = "employee_id\tperiod\ttask\tobjective\t姓名\n\
                a1\tP2\t80\t90\t张三\na2\tP2\t90\t100\t李四\n";
    let (bytes, _, bad) = encoding_rs::GBK.encode(text);
    assert!(!bad);
    let r = dir.path().join("results-gbk.csv");
    std::fs::write(&r, &bytes).unwrap();
    let (m, e) = (fx("model.toml"), fx("appraise-evals.csv"));
    let out = run_ok(dir.path(), &appraise_args(&m, &e, r.to_str().unwrap()));
    assert!(
        out.contains("U1,1,a1,张三,80.00,62.50,90.00,77.50,"),
        "{out}"
    );
    assert!(out.contains("U1,2,a2,李四,"), "{out}");
}

/// Bad results rows behave like bad evaluation rows: the first stops the
/// run with FILE:LINE and the column; with --skip-invalid each goes to the
/// rejects file and is counted.
#[test]
fn bad_results_rows_error_or_are_rejected_and_counted() {
    let dir = workdir();
    let (m, e) = (fx("model.toml"), fx("appraise-evals.csv"));
    let r = write(
        dir.path(),
        "results.csv",
        "工号,考核期,任务得分,目标得分\n\
         a1,P2,80,90\n\
         a2,P2,8O,100\n\
         a3,P2,85,101\n\
         ,P2,70,70\n\
         b1,P2,70\n\
         a1,P2,81,91\n\
         a4,P2,,\n\
         b1,P2,70,60\n",
    );
    let rs = r.to_str().unwrap();
    let (code, out, err) = ksa_in(dir.path(), &appraise_args(&m, &e, rs));
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains(&format!(
            "error: {rs}:3: column \"任务得分\": \"8O\" is not a number"
        )),
        "{err}"
    );

    let mut args = appraise_args(&m, &e, rs);
    args.extend(["--skip-invalid", "--out", "appraisal.csv"]);
    let (code, _, err) = ksa_in(dir.path(), &args);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("results: rows_read=8 used=2 blank=1 other_period=0 rejected=5"),
        "{err}"
    );
    let rejects = std::fs::read_to_string(dir.path().join("results-rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(
        lines[0],
        "工号,考核期,任务得分,目标得分,source_file,line,reason"
    );
    assert_eq!(lines.len(), 6, "{rejects}");
    for (line, what) in [
        ("3", "is not a number"),
        ("4", "outside [0, 100]"),
        ("5", "the person id is empty"),
        ("6", "fields but the header has 4"),
        ("7", "repeats the result"),
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!(",{line},")) && l.contains(what)),
            "line {line} ({what}) missing:\n{rejects}"
        );
    }
    let out = std::fs::read_to_string(dir.path().join("appraisal.csv")).unwrap();
    // a2 and a3 were rejected: no task or objective, so no composite.
    assert!(out.contains("U1,,a2,,,37.50,,,"), "{out}");
    assert!(out.contains("U1,1,a1,,80.00,62.50,90.00,77.50,"), "{out}");
}

#[test]
fn appraise_usage_errors_exit_2() {
    let dir = workdir();
    let (m, e, r) = (
        fx("model.toml"),
        fx("appraise-evals.csv"),
        fx("results.csv"),
    );
    let no_task = write(
        dir.path(),
        "nt.csv",
        "person_id,period,objective_score\na1,P2,80\n",
    );
    let no_task = no_task.to_str().unwrap();
    // A copy, so a failure of the input check cannot overwrite the fixture.
    let copy = dir.path().join("results-copy.csv");
    std::fs::copy(&r, &copy).unwrap();
    let copy = copy.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "appraise",
                "--model",
                &m,
                "--evals",
                &e,
                "--results",
                &r,
                "--from",
                "P2",
                "--to",
                "P2",
            ],
            "two periods",
        ),
        (
            vec![
                "appraise",
                "--model",
                &m,
                "--evals",
                &e,
                "--results",
                &r,
                "--from",
                "P0",
                "--to",
                "P2",
            ],
            "--from",
        ),
        (
            vec![
                "appraise",
                "--model",
                &m,
                "--evals",
                &e,
                "--results",
                no_task,
                "--from",
                "P1",
                "--to",
                "P2",
            ],
            "task_score",
        ),
        (
            vec![
                "appraise",
                "--model",
                &m,
                "--evals",
                &e,
                "--results",
                "missing.csv",
                "--from",
                "P1",
                "--to",
                "P2",
            ],
            "missing.csv",
        ),
        (
            vec![
                "appraise",
                "--model",
                &m,
                "--evals",
                &e,
                "--results",
                copy,
                "--from",
                "P1",
                "--to",
                "P2",
                "--out",
                copy,
            ],
            "input",
        ),
    ];
    for (args, needle) in cases {
        let (code, _, err) = ksa_in(dir.path(), &args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn appraisal_section_is_validated_and_optional() {
    let dir = workdir();
    for (section, needle) in [
        ("task = 0\ncompetency = 0\nobjective = 0", "all 0"),
        ("task = -1", "appraisal: `task`"),
        ("bonus = 1", "bonus"),
        (
            "task = \"high\"",
            "must be a number (without quotes), not the text \"high\"",
        ),
    ] {
        let m = model_with(dir.path(), section);
        let (code, _, err) = ksa_in(dir.path(), &["model", "check", &m]);
        assert_eq!(code, Some(2), "{section}: {err}");
        assert!(err.contains(needle), "{section}: {err}");
    }
    // A model without the section still loads, with equal weights.
    let loaded = ksa::model::load_model(&fixture("plan").join("model.toml")).unwrap();
    assert_eq!(loaded.model.appraisal, ksa::model::Appraisal::default());
}

#[test]
fn appraisal_section_round_trips_through_to_toml() {
    for path in ["models/bank-rm.toml", "models/bank-rm.en.toml"] {
        let m = ksa::model::load_model(&repo(path)).unwrap().model;
        assert!(m.appraisal.task > 0.0, "{path} has an [appraisal] section");
        let text = m.to_toml();
        assert!(text.contains("[appraisal]"), "{text}");
        let again = ksa::model::load_model_str(&text, "round trip")
            .unwrap()
            .model;
        assert_eq!(again, m, "{path}");
    }
    let dir = workdir();
    let m = model_with(dir.path(), "task = 0.5\nobjective = 0.25");
    let model = ksa::model::load_model(Path::new(&m)).unwrap().model;
    assert_eq!(
        (
            model.appraisal.task,
            model.appraisal.competency,
            model.appraisal.objective
        ),
        (0.5, 1.0, 0.25)
    );
    let again = ksa::model::load_model_str(&model.to_toml(), "rt")
        .unwrap()
        .model;
    assert_eq!(again, model);
}

#[test]
fn swapped_periods_are_an_error_naming_the_periods() {
    // Fails on the code before: --from P2 --to P1 exited 0 with every
    // composite empty.
    let dir = workdir();
    let (m, e, r) = (
        fx("model.toml"),
        fx("appraise-evals.csv"),
        fx("results.csv"),
    );
    let (code, out, err) = ksa_in(
        dir.path(),
        &[
            "appraise",
            "--model",
            &m,
            "--evals",
            &e,
            "--results",
            &r,
            "--from",
            "P2",
            "--to",
            "P1",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        ["error: --from \"P2\" is after --to \"P1\": development runs from the earlier period to the later; swap them (periods: P1, P2)"]
    );
    // An unknown period names the ones there are.
    let (code, _, err) = ksa_in(
        dir.path(),
        &[
            "appraise",
            "--model",
            &m,
            "--evals",
            &e,
            "--results",
            &r,
            "--from",
            "P1",
            "--to",
            "P9",
        ],
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("error: --to: \"P9\" is not a period of the data (periods: P1, P2)"),
        "{err}"
    );
}

/// The fixture results as a workbook whose data is on the second sheet,
/// numbers stored as numbers: the same appraisal as from the CSV file.
/// Without `--sheet` the first sheet, which has no person column, is read
/// and named in the error.
#[test]
fn results_from_a_workbook_sheet_match_the_csv() {
    let dir = workdir();
    let (m, e) = (fx("model.toml"), fx("appraise-evals.csv"));
    let csv = std::fs::read_to_string(fx("results.csv")).unwrap();
    let book = dir.path().join("results.xlsx");
    crate::excel_in::xlsx(
        &book,
        &[("说明", "本表为2026年绩效结果\n"), ("结果", &csv)],
        crate::excel_in::Cells::Numbers,
        0,
    );
    let (code, from_csv, _) = ksa_in(dir.path(), &appraise_args(&m, &e, &fx("results.csv")));
    assert_eq!(code, Some(0));
    let mut args = appraise_args(&m, &e, "results.xlsx");
    args.extend(["--sheet", "结果"]);
    let (code, out, err) = ksa_in(dir.path(), &args);
    assert_eq!(code, Some(0), "{err}");
    assert_same_text(
        &from_csv,
        &out,
        "appraise --results results.xlsx --sheet 结果",
    );
    assert!(
        err.contains("results: rows_read=6 used=5 blank=0 other_period=1 rejected=0"),
        "{err}"
    );

    let (code, out, err) = ksa_in(dir.path(), &appraise_args(&m, &e, "results.xlsx"));
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty());
    assert_eq!(
        err.trim_end(),
        "error: results.xlsx[说明]: header: no `person_id` column (or employee_id, 工号, 员工编号, 人员编号)"
    );
}

/// A workbook's invalid rows go to the results' rejects file as a CSV
/// file's do: a number stored as text that is no number, a spreadsheet
/// error in a score cell, a cell right of the header (cut from the
/// rejects row and counted in its reason). Without `--skip-invalid` the
/// first one stops the run at its sheet row.
#[test]
fn workbook_results_rows_are_rejected_like_csv_rows() {
    use rust_xlsxwriter::{Formula, Workbook};
    let dir = workdir();
    let (m, e) = (fx("model.toml"), fx("appraise-evals.csv"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["工号", "考核期", "任务得分", "目标得分"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, id, task) in [(1, "a1", "80"), (2, "a2", "8O"), (3, "a3", "=")] {
        sheet.write_string(r, 0, id).unwrap();
        sheet.write_string(r, 1, "P2").unwrap();
        match task {
            "=" => sheet.write_formula(r, 2, Formula::new("=NA()").set_result("#N/A")),
            t if t.parse::<f64>().is_ok() => sheet.write_number(r, 2, t.parse::<f64>().unwrap()),
            t => sheet.write_string(r, 2, t),
        }
        .unwrap();
        sheet.write_number(r, 3, 90).unwrap();
    }
    sheet.write_string(4, 0, "b1").unwrap();
    sheet.write_string(4, 1, "P2").unwrap();
    sheet.write_number(4, 2, 70).unwrap();
    sheet.write_number(4, 3, 60).unwrap();
    sheet.write_string(4, 6, "备注").unwrap();
    book.save(dir.path().join("results.xlsx")).unwrap();

    let (code, out, err) = ksa_in(dir.path(), &appraise_args(&m, &e, "results.xlsx"));
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty());
    assert_eq!(
        err.trim_end(),
        "error: results.xlsx[Sheet1]:3: column \"任务得分\": \"8O\" is not a number"
    );

    let mut args = appraise_args(&m, &e, "results.xlsx");
    args.extend(["--skip-invalid", "--out", "appraisal.csv"]);
    let (code, _, err) = ksa_in(dir.path(), &args);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("results: rows_read=4 used=1 blank=0 other_period=0 rejected=3"),
        "{err}"
    );
    let rejects = std::fs::read_to_string(dir.path().join("results-rejects.csv")).unwrap();
    assert_same_text(
        "工号,考核期,任务得分,目标得分,source_file,line,reason\n\
         a2,P2,8O,90,results.xlsx[Sheet1],3,\"column \"\"任务得分\"\": \"\"8O\"\" is not a number\"\n\
         a3,P2,#N/A,90,results.xlsx[Sheet1],4,\"column \"\"任务得分\"\": \"\"#N/A\"\" is a spreadsheet error, not a value\"\n\
         b1,P2,70,60,results.xlsx[Sheet1],5,the row has 7 fields but the header has 4; only the cells up to the header's last column are written here (1 more cell cut)\n",
        &rejects,
        "results-rejects.csv",
    );
}

/// A results file named `.xlsx` that is CSV text is read as CSV with a
/// note; an unknown column is a warning, and under `--strict` an error.
#[test]
fn results_named_as_a_workbook_and_unknown_columns() {
    let dir = workdir();
    let (m, e) = (fx("model.toml"), fx("appraise-evals.csv"));
    let csv = std::fs::read_to_string(fx("results.csv")).unwrap();
    write(dir.path(), "results.xlsx", &csv);
    let (code, out, err) = ksa_in(dir.path(), &appraise_args(&m, &e, "results.xlsx"));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("U1,1,a1,,80.00,62.50,90.00,77.50,2.00,3.00"),
        "{out}"
    );
    assert!(
        err.contains("warning: results.xlsx: named .xlsx but is CSV text; read as CSV (rename it to .csv to say so)"),
        "{err}"
    );

    // One more column, 备注, empty on every row.
    let extra: String = csv
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{l},{}\n", if i == 0 { "备注" } else { "" }))
        .collect();
    write(dir.path(), "results.csv", &extra);
    let (code, _, err) = ksa_in(dir.path(), &appraise_args(&m, &e, "results.csv"));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: results.csv: column(s) \"备注\": not a results column; ignored"),
        "{err}"
    );
    let mut args = appraise_args(&m, &e, "results.csv");
    args.push("--strict");
    let (code, _, err) = ksa_in(dir.path(), &args);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err.trim_end(),
        "error: results.csv: unknown column(s) \"备注\" (--strict)"
    );
}
