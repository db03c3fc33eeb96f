//! Text from the data or the model that would act when shown (issue 13):
//! spreadsheet formulas in CSV outputs and rejects files, and terminal
//! control sequences in tables.

use crate::common::{csv_records, fixture, repo, run, workdir, write};
use std::path::Path;

/// Whether a CSV cell would start a formula in a spreadsheet: what
/// `files::looks_like_formula` refuses, checked here on its own.
fn live_formula(cell: &str) -> bool {
    let starts = [
        "=", "+", "-", "@", "\t", "\r", "\u{ff1d}", "\u{ff0b}", "\u{ff0d}", "\u{ff20}",
    ];
    let number = cell.trim().parse::<f64>().is_ok();
    !number && starts.iter().any(|s| cell.starts_with(s))
}

fn assert_no_live_formula(csv: &str, what: &str) {
    for (i, r) in csv_records(csv).iter().enumerate() {
        for c in r {
            assert!(!live_formula(c), "{what}: row {i}: live formula {c:?}");
        }
    }
}

fn ok(o: &crate::common::Outcome) {
    assert_eq!(o.code, Some(0), "{}", o.stderr);
}

/// Rejected rows are written with formula-like text quoted (`'=…`), as
/// every CSV output is, and numbers as they were. Before, the rejects file
/// held `=cmd|' /C calc'!A0` raw.
#[test]
fn rejects_files_quote_formulas_and_keep_numbers() {
    let dir = workdir();
    let d = dir.path();
    let model = repo("models/bank-rm.en.toml");
    let model = model.to_str().unwrap();
    write(
        d,
        "e.csv",
        "person_id,name,unit,grade,period,rater,rater_id,competency,score\n\
         RM1,Ann,U,rm,2026H1,supervisor,M1,K.product,3\n\
         \"=cmd|' /C calc'!A0\",Bob,U,rm,2026H1,supervisor,M1,K.product,-1\n\
         RM2,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",@SUM(A1),rm,2026H1,supervisor,M1,=K,+4\n\
         RM3,\tTab,\u{ff1d}1+1,rm,2026H1,supervisor,M1,K.product,9\n",
    );
    let o = run(
        d,
        &[
            "score",
            "--model",
            model,
            "--evals",
            "e.csv",
            "--skip-invalid",
            "--out",
            "s.csv",
        ],
    );
    ok(&o);
    let rejects = std::fs::read_to_string(d.join("rejects.csv")).unwrap();
    assert_no_live_formula(&rejects, "rejects.csv");
    let rows = csv_records(&rejects);
    assert_eq!(rows.len(), 4, "{rejects}");
    assert_eq!(rows[1][0], "'=cmd|' /C calc'!A0");
    assert_eq!(rows[1][8], "-1", "a number stays a number");
    assert_eq!(rows[2][1], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(rows[2][2], "'@SUM(A1)");
    assert_eq!(rows[2][7], "'=K");
    assert_eq!(rows[2][8], "+4", "a number stays a number");
    assert_eq!(rows[3][1], "'\tTab");
    assert_eq!(rows[3][2], "'\u{ff1d}1+1");
    assert_eq!(rows[3][9], "e.csv");

    // The results rejects of `ksa appraise` are written the same way.
    write(
        d,
        "results.csv",
        "工号,考核期,任务得分,目标得分\n=1+2,P2,-5,@x\n",
    );
    let o = run(
        d,
        &[
            "appraise",
            "--model",
            fixture("plan/model.toml").to_str().unwrap(),
            "--evals",
            fixture("plan/appraise-evals.csv").to_str().unwrap(),
            "--results",
            "results.csv",
            "--from",
            "P1",
            "--to",
            "P2",
            "--skip-invalid",
            "--out",
            "a.csv",
        ],
    );
    ok(&o);
    let rejects = std::fs::read_to_string(d.join("results-rejects.csv")).unwrap();
    let rows = csv_records(&rejects);
    assert_eq!(rows[1][..4], ["'=1+2", "P2", "-5", "'@x"], "{rejects}");
}

/// The bank model (English) with names that start like formulas: a TAB, a
/// CR, full-width ＝ ＋ － ＠, and the ASCII ones.
fn hostile_model(d: &Path) -> String {
    let base = std::fs::read_to_string(repo("models/bank-rm.en.toml")).unwrap();
    let renames = [
        (
            "name = \"Product knowledge e-learning\"",
            "name = \"\\t=HYPERLINK(\\\"http://x\\\")\"",
        ),
        (
            "name = \"Corporate and retail product suite\"",
            "name = \"\\r=1+1\"",
        ),
        ("name = \"Teamwork\"", "name = \"\u{ff1d}1+1\""),
        (
            "name = \"Relevant macro policy\"",
            "name = \"-1+\u{ff0b}2\"",
        ),
        ("name = \"Product knowledge\"", "name = \"\u{ff20}SUM(1)\""),
    ];
    let mut m = base.clone();
    for (from, to) in renames {
        assert!(m.contains(from), "{from}");
        m = m.replacen(from, to, 1);
    }
    let p = write(d, "hostile.toml", &m);
    p.to_str().unwrap().to_string()
}

/// Model text reaches `plan` and `model diff` CSV quoted like data; numbers
/// (hours, costs, scores) stay numbers. Before, a course name beginning
/// with TAB or a full-width ＝ was written raw.
#[test]
fn model_text_in_plan_and_model_diff_csv_is_quoted() {
    let dir = workdir();
    let d = dir.path();
    let model = hostile_model(d);
    let evals = repo("data/evaluations.csv");
    let evals = evals.to_str().unwrap();
    let o = run(
        d,
        &[
            "plan", "--model", &model, "--evals", evals, "--format", "csv",
        ],
    );
    ok(&o);
    assert_no_live_formula(&o.stdout, "plan");
    assert!(
        o.stdout.contains("'\t=HYPERLINK(\"\"http://x\"\")"),
        "the course is not in the plan:\n{}",
        &o.stdout[..o.stdout.len().min(2000)]
    );
    let o = run(
        d,
        &[
            "plan", "--model", &model, "--evals", evals, "--team", "--format", "csv",
        ],
    );
    ok(&o);
    assert_no_live_formula(&o.stdout, "plan --team");

    let base = repo("models/bank-rm.en.toml");
    let o = run(
        d,
        &[
            "model",
            "diff",
            base.to_str().unwrap(),
            &model,
            "--format",
            "csv",
        ],
    );
    ok(&o);
    assert_no_live_formula(&o.stdout, "model diff");
    for quoted in ["'\u{ff1d}1+1", "'\u{ff20}SUM(1)", "\"'\r=1+1\""] {
        assert!(
            o.stdout.contains(quoted),
            "{quoted:?} missing:\n{}",
            o.stdout
        );
    }
}

/// What a terminal must never receive from the data: C0 controls other
/// than the line feed ending each line (ESC, BEL, CR, …), DEL, and C1
/// controls (U+0080–U+009F, such as the one-character CSI U+009B).
fn raw_controls(s: &str) -> Vec<char> {
    s.chars().filter(|&c| c != '\n' && c.is_control()).collect()
}

/// Every table output escapes control characters of the data as error
/// messages do (`\u{1b}`, `\r`), so a person id cannot retitle or clear
/// the terminal. Before, ESC, BEL and CR reached it raw.
#[test]
fn tables_escape_control_characters() {
    let dir = workdir();
    let d = dir.path();
    // Ids, a name and a unit with an OSC title sequence, a screen clear, a
    // CR that would overwrite the line, and a C1 CSI.
    let evil_id = "RM\u{1b}]0;pwned\u{7}1";
    let evil_name = "Ann\u{1b}[2J\rEve";
    let evil_unit = "U\u{9b}31m";
    let base = std::fs::read_to_string(fixture("plan/appraise-evals.csv")).unwrap();
    let mut evals = String::from("person_id,name,unit,period,K.prod,K.risk,A.drive\n");
    for line in base.lines().skip(1) {
        let (id, rest) = line.split_once(',').unwrap();
        let (_unit, rest) = rest.split_once(',').unwrap();
        let id = if id == "a1" { evil_id } else { id };
        evals.push_str(&format!(
            "\"{id}\",\"{evil_name}\",\"{evil_unit}\",{rest}\n"
        ));
    }
    write(d, "e.csv", &evals);
    write(
        d,
        "r.csv",
        &format!("工号,考核期,任务得分,目标得分\n\"{evil_id}\",P2,80,90\na2,P2,70,70\n"),
    );
    let model = fixture("plan/model.toml");
    let model = model.to_str().unwrap();
    let common = ["--model", model, "--evals", "e.csv", "--format", "table"];
    let mut cases: Vec<Vec<&str>> = vec![
        vec!["score"],
        vec!["place"],
        vec!["plan"],
        vec!["plan", "--team"],
        vec!["promote"],
        vec!["stats", "precision"],
        vec!["stats", "population"],
        vec![
            "appraise",
            "--results",
            "r.csv",
            "--from",
            "P1",
            "--to",
            "P2",
        ],
    ];
    let grades = std::fs::read_to_string(fixture("plan/model.toml")).unwrap();
    let first_grade = grades
        .lines()
        .skip_while(|l| !l.starts_with("[[grades]]"))
        .find_map(|l| l.strip_prefix("id = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap()
        .to_string();
    cases.push(vec!["compare", "--grade", &first_grade]);
    for case in &cases {
        let mut args = case.clone();
        args.extend(common);
        let o = run(d, &args);
        ok(&o);
        assert!(
            raw_controls(&o.stdout).is_empty(),
            "{case:?}: {:?} in the table:\n{}",
            raw_controls(&o.stdout),
            o.stdout
        );
    }
    let o = run(
        d,
        &[
            "score", "--model", model, "--evals", "e.csv", "--format", "table",
        ],
    );
    assert!(
        o.stdout.contains("RM\\u{1b}]0;pwned\\u{7}1"),
        "{}",
        o.stdout
    );

    // Model text: `model show` and `model diff` tables.
    let m = std::fs::read_to_string(model).unwrap();
    let first_name = m
        .lines()
        .find(|l| l.starts_with("name = \""))
        .unwrap()
        .to_string();
    let evil = m.replacen(
        &first_name,
        "name = \"Model\\u001b]0;x\\u0007\\r\\u009b2J\"",
        1,
    );
    let evil = evil.replacen("version = \"", "version = \"\\u001b[2J", 1);
    write(d, "evil.toml", &evil);
    for args in [
        &["model", "show", "evil.toml"][..],
        &["model", "diff", model, "evil.toml", "--format", "table"][..],
        &[
            "model",
            "diff",
            model,
            "evil.toml",
            "--format",
            "table",
            "--evals",
            "e.csv",
        ][..],
    ] {
        let o = run(d, args);
        ok(&o);
        assert!(
            raw_controls(&o.stdout).is_empty(),
            "{args:?}: {:?} in:\n{}",
            raw_controls(&o.stdout),
            o.stdout
        );
        assert!(o.stdout.contains("\\u{1b}"), "{args:?}: {}", o.stdout);
    }
}
