//! Messages that lead to the fix (issue 14, part A): each one the analyst
//! meets, with its exact wording.

use crate::common::*;
use crate::excel_in::{xlsx, Cells};
use std::path::Path;

fn model() -> String {
    repo_arg("models/bank-rm.toml")
}

/// The bundled evaluations' first `n` lines (header included), without BOM.
fn lines(n: usize) -> Vec<String> {
    std::fs::read_to_string(repo("data/evaluations.csv"))
        .unwrap()
        .trim_start_matches('\u{feff}')
        .lines()
        .take(n)
        .map(str::to_string)
        .collect()
}

fn text(lines: &[String]) -> String {
    lines.join("\n") + "\n"
}

/// `ksa score` on `evals` in `dir` with `extra`; the outcome.
fn score(dir: &Path, evals: &str, extra: &[&str]) -> Outcome {
    let m = model();
    let mut args = vec!["score", "--model", &m, "--evals", evals];
    args.extend(extra);
    run(dir, &args)
}

fn only_error(o: &Outcome) -> String {
    assert_eq!(o.code, Some(2), "exit 2: {:?}", o.stderr);
    let errors = o.errors();
    assert_eq!(errors.len(), 1, "{:?}", o.stderr);
    errors[0].to_string()
}

const PERSON_ALIASES: &str =
    "person_id (employee_id, candidate_id, 工号, 员工编号, 人员编号, 候选人编号)";

#[test]
fn a_title_row_above_the_header_is_named_with_header_row() {
    let dir = workdir();
    let d = dir.path();
    let data = lines(20);
    let plain = write(d, "plain.csv", &text(&data));
    let mut titled = vec!["2026年上半年客户经理能力评价".to_string(), String::new()];
    titled.extend(data.iter().cloned());
    write(d, "title.csv", &text(&titled));
    assert_eq!(
        only_error(&score(d, "title.csv", &[])),
        format!(
            "error: title.csv: header: no person column; the header has \"2026年上半年客户经理能力评价\"; \
             a person column is named {PERSON_ALIASES}, or map yours with --column person_id=HEADER; \
             line 1 looks like a title: line 3 has a person column, so add --header-row 3"
        )
    );
    let expected = score(d, plain.to_str().unwrap(), &[]);
    let got = score(d, "title.csv", &["--header-row", "3"]);
    assert_eq!(got.code, Some(0), "{}", got.stderr);
    assert_eq!(got.stdout, expected.stdout);

    // The same in a workbook: the title on row 1, the header on row 3.
    let mut book = vec!["2026年上半年客户经理能力评价".to_string(), String::new()];
    book.extend(data.iter().cloned());
    xlsx(
        &d.join("title.xlsx"),
        &[("评分", &text(&book))],
        Cells::Numbers,
        0,
    );
    let e = only_error(&score(d, "title.xlsx", &[]));
    assert!(
        e.ends_with("; row 1 looks like a title: row 3 has a person column, so add --header-row 3"),
        "{e}"
    );
    let got = score(d, "title.xlsx", &["--header-row", "3"]);
    assert_eq!(got.code, Some(0), "{}", got.stderr);
    assert_eq!(got.stdout, expected.stdout);
}

#[test]
fn data_on_the_second_sheet_is_named_with_sheet() {
    let dir = workdir();
    let d = dir.path();
    let data = text(&lines(20));
    xlsx(
        &d.join("second_sheet.xlsx"),
        &[("说明", "本表为 2026 年评价结果\n"), ("数据", &data)],
        Cells::Numbers,
        0,
    );
    assert_eq!(
        only_error(&score(d, "second_sheet.xlsx", &[])),
        format!(
            "error: second_sheet.xlsx[说明]: header: no person column; the header has \"本表为 2026 年评价结果\"; \
             a person column is named {PERSON_ALIASES}, or map yours with --column person_id=HEADER; \
             sheet \"数据\" has a person column: add --sheet 数据"
        )
    );
    assert_eq!(
        score(d, "second_sheet.xlsx", &["--sheet", "数据"]).code,
        Some(0)
    );
}

#[test]
fn a_csv_file_named_xlsx_is_read_as_csv_and_an_html_xls_is_named() {
    let dir = workdir();
    let d = dir.path();
    let data = text(&lines(20));
    write(d, "plain.csv", &data);
    write(d, "renamed.xlsx", &data);
    let got = score(d, "renamed.xlsx", &[]);
    assert_eq!(got.code, Some(0), "{}", got.stderr);
    assert_eq!(
        got.warnings(),
        ["warning: renamed.xlsx: named .xlsx but is CSV text; read as CSV (rename it to .csv to say so)"]
    );
    assert_eq!(got.stdout, score(d, "plain.csv", &[]).stdout);
    write(
        d,
        "page.xls",
        "<html><body><table><tr><td>1</td></tr></table></body></html>\n",
    );
    assert_eq!(
        only_error(&score(d, "page.xls", &[])),
        "error: page.xls: named .xls but is an HTML page, not a workbook; open it in Excel or LibreOffice and save it as .xlsx or .csv"
    );
}

#[test]
fn a_missing_score_column_lists_the_header_and_column_maps_it() {
    let dir = workdir();
    let d = dir.path();
    let data = lines(20);
    write(d, "plain.csv", &text(&data));
    let mut renamed = data.clone();
    renamed[0] = renamed[0].replace(",score,", ",成绩,");
    write(d, "grades.csv", &text(&renamed));
    assert_eq!(
        only_error(&score(d, "grades.csv", &[])),
        "error: grades.csv: header: a `competency` column without a `score` column (the long format needs both, \
         the wide format neither); the header has \"person_id\", \"name\", \"unit\", \"grade\", \"period\", \"rater\", \
         \"rater_id\", \"competency\", \"成绩\", \"comment\"; a score column is named score (得分, 分数, 评分), \
         or map yours with --column score=成绩"
    );
    let got = score(d, "grades.csv", &["--column", "score=成绩"]);
    assert_eq!(got.code, Some(0), "{}", got.stderr);
    assert_eq!(got.stdout, score(d, "plain.csv", &[]).stdout);
    assert_eq!(
        only_error(&score(d, "grades.csv", &["--column", "scroe=成绩"])),
        "error: --column scroe=成绩: \"scroe\" is not a column of ksa (columns: person_id, name, grade, unit, \
         period, rater, rater_id, competency, score, comment); did you mean score?"
    );
    assert_eq!(
        only_error(&score(d, "grades.csv", &["--column", "score"])),
        "error: --column score: write it as COLUMN=HEADER, e.g. --column score=成绩"
    );
}

#[test]
fn unknown_values_suggest_the_nearest() {
    let dir = workdir();
    let d = dir.path();
    let data = lines(2);
    let with = |name: &str, from: &str, to: &str| {
        write(
            d,
            name,
            &text(&[data[0].clone(), data[1].replace(from, to)]),
        );
    };
    with("comp.csv", ",K.product,", ",产品知织,");
    with("grade.csv", ",assistant,", ",客户经里助理,");
    with("rater.csv", ",supervisor,", ",supervisr,");
    assert_eq!(
        only_error(&score(d, "comp.csv", &[])),
        "error: comp.csv:2: column \"competency\": \"产品知织\" is not a competency of model bank-rm; did you mean 产品知识 (K.product)?"
    );
    assert_eq!(
        only_error(&score(d, "grade.csv", &[])),
        "error: grade.csv:2: column \"grade\": \"客户经里助理\" is not a grade of model bank-rm (grades: assistant, rm, senior); did you mean 客户经理助理 (assistant)?"
    );
    assert_eq!(
        only_error(&score(d, "rater.csv", &[])),
        "error: rater.csv:2: column \"rater\": \"supervisr\" is not a rater group of model bank-rm (groups: supervisor, peer, customer, self, interviewer); did you mean 上级 (supervisor)?"
    );
    let evals = repo_arg("data/evaluations.csv");
    assert_eq!(
        only_error(&score(d, &evals, &["--grade", "客户经里"])),
        "error: --grade: \"客户经里\" is not a grade of model bank-rm (grades: assistant 客户经理助理, rm 客户经理, senior 高级客户经理); did you mean 客户经理 (rm)?"
    );
    let m = model();
    let report = |extra: &[&str]| {
        let mut a = vec![
            "report",
            "individual",
            "--model",
            &m,
            "--evals",
            &evals,
            "--out",
            "r",
        ];
        a.extend(extra);
        only_error(&run(d, &a))
    };
    assert_eq!(
        report(&["--person", "RM999"]),
        "error: --person: \"RM999\" is not a person of the data (nearest ids: RM009, RM019, RM029)"
    );
    assert_eq!(
        report(&["--unit", "总行/华东分行/城东分行/一团队"]),
        "error: --unit: \"总行/华东分行/城东分行/一团队\" is not a unit of the data (units: 总行/华东分行/城东支行/一团队, 总行/华北分行/城东支行/一团队, 总行/华南分行/城东支行/一团队); did you mean 总行/华东分行/城东支行/一团队?"
    );
    assert_eq!(
        report(&["--period", "2026h1"]),
        "error: --period: \"2026h1\" is not a period of the data (periods: 2025H2, 2026H1); did you mean 2026H1?"
    );
    let team = only_error(&run(
        d,
        &[
            "report",
            "team",
            "--model",
            &m,
            "--evals",
            &evals,
            "--out",
            "t",
            "--unit",
            "总行/华东分行/城东分行/一团队",
        ],
    ));
    assert_eq!(
        team,
        "error: --unit: no one of unit \"总行/华东分行/城东分行/一团队\" in period \"2026H1\" (units: 总行/华东分行/城东支行/一团队, 总行/华北分行/城东支行/一团队, 总行/华南分行/城东支行/一团队); did you mean 总行/华东分行/城东支行/一团队?"
    );
}

#[test]
fn model_file_mistakes_say_what_toml_wants() {
    let dir = workdir();
    let d = dir.path();
    let m = std::fs::read_to_string(repo("models/bank-rm.toml")).unwrap();
    let line_of = |text: &str, needle: &str| text[..text.find(needle).unwrap()].lines().count() + 1;
    let check = |name: &str, text: &str| -> String {
        write(d, name, text);
        only_error(&run(d, &["model", "check", name]))
    };
    let yes = m.replacen("critical = true", "critical = yes", 1);
    assert_eq!(
        check("yes.toml", &yes),
        format!(
            "error: yes.toml:{}: key `critical`: yes is not a TOML value; write true or false (lowercase, without quotes)",
            line_of(&yes, "critical = yes")
        )
    );
    let tables = m.replacen("[[competencies]]", "[[competencys]]", 1);
    assert_eq!(
        check("tables.toml", &tables),
        format!(
            "error: tables.toml:{}: unknown table `competencys`; did you mean competencies?",
            line_of(&tables, "[[competencys]]")
        )
    );
    let quoted = m.replacen("weight = 1.5", "weight = \"1.5\"", 1);
    assert_eq!(
        check("quoted.toml", &quoted),
        format!(
            "error: quoted.toml:{}: key `weight`: must be a number (without quotes), not the text \"1.5\"",
            line_of(&quoted, "weight = \"1.5\"")
        )
    );
    std::fs::copy(repo("data/evaluations.csv"), d.join("evals.csv")).unwrap();
    let o = run(
        d,
        &["score", "--model", "evals.csv", "--evals", "evals.csv"],
    );
    assert_eq!(
        only_error(&o),
        "error: evals.csv: this looks like an evaluation file (a CSV header on line 1), not a model; pass it with --evals, and the model's .toml file with --model"
    );
}

#[test]
fn other_messages_give_the_fix() {
    let dir = workdir();
    let d = dir.path();
    let data = lines(20);
    let gbk: Vec<u8> = encoding_rs::GB18030.encode(&text(&data)).0.into_owned();
    std::fs::write(d.join("gbk.csv"), gbk).unwrap();
    let e = only_error(&score(d, "gbk.csv", &["--encoding", "utf-8"]));
    assert!(
        e.starts_with("error: gbk.csv: the file is not valid UTF-8, the encoding --encoding names (bad bytes at byte offset ")
            && e.ends_with("); leave --encoding out to detect it, or name the file's real encoding (GBK files: --encoding gb18030)"),
        "{e}"
    );
    std::fs::create_dir(d.join("outdir")).unwrap();
    assert_eq!(
        only_error(&score(d, "gbk.csv", &["--out", "outdir"])),
        format!(
            "error: outdir: is a folder; this writes one file, so name a file (e.g. {})",
            Path::new("outdir").join("result.csv").display()
        )
    );
    let m = model();
    let o = run(
        d,
        &[
            "report",
            "team",
            "--model",
            &m,
            "--evals",
            "gbk.csv",
            "--out",
            "team.html",
        ],
    );
    assert_eq!(
        only_error(&o),
        "error: --out team.html: ksa report writes a folder of pages, not one file; name a folder (e.g. --out reports) and the page goes inside it"
    );
    assert!(!d.join("team.html").exists(), "no folder made");
}

#[test]
fn weighting_has_help_and_the_demo_speaks_english() {
    for cmd in [
        "score", "place", "compare", "plan", "promote", "explain", "appraise", "report",
    ] {
        let help = String::from_utf8(ksa().args([cmd, "--help"]).output().unwrap().stdout).unwrap();
        let lines: Vec<&str> = help.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with("--weighting"))
            .unwrap_or_else(|| panic!("{cmd}: no --weighting"));
        // clap puts the text beside the flag or, when it is long, below.
        let text = format!("{} {}", lines[at], lines.get(at + 1).unwrap_or(&""));
        assert!(
            text.contains("Category weights of this named weighting"),
            "{cmd}: {text}"
        );
    }
    let dir = workdir();
    let o = run(dir.path(), &["demo", "--out", "d", "--lang", "en"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(
        o.last_stderr_line(),
        format!(
            "demo: open {} in a browser: it links every report",
            Path::new("d").join("index.html").display()
        )
    );
    let inputs = dir.path().join("d/inputs");
    assert!(inputs.join("bank-rm.en.toml").exists() && inputs.join("bank-rm.toml").exists());
    let team = std::fs::read_to_string(dir.path().join("d/reports/team.html")).unwrap();
    assert!(
        team.contains("<html lang=\"en\"") && team.contains("Team report"),
        "English report"
    );
    assert!(
        team.contains("bank-rm.en.toml"),
        "the English model is the one read"
    );
    assert_eq!(
        only_error(&run(dir.path(), &["demo", "--out", "e", "--lang", "fr"])),
        "error: --lang: \"fr\" is not a supported language (zh or en)"
    );
}

#[test]
fn whole_numbers_in_workbooks_read_as_the_sheet_shows_them() {
    let dir = workdir();
    let d = dir.path();
    let csv = "person_id,rater,competency,score\n1234567890123456,supervisor,K.product,3\n\
               1000000000000000,supervisor,K.product,4\n";
    xlsx(&d.join("ids.xlsx"), &[("评分", csv)], Cells::Numbers, 0);
    let o = score(d, "ids.xlsx", &[]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let ids: Vec<String> = csv_records(&o.stdout)[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(ids, ["1000000000000000", "1234567890123456"]);
}

/// The reading flags are declared once (`cli::ReadingArgs`) and flattened
/// into every command that reads evaluations, `ksa model diff` included:
/// each one's help lists all of them, in the same order.
#[test]
fn every_reading_command_has_the_same_reading_flags() {
    const READING: [&str; 9] = [
        "--sheet",
        "--skip-invalid",
        "--rejects",
        "--strict",
        "--column",
        "--header-row",
        "--delimiter",
        "--encoding",
        "--pseudonymize",
    ];
    for cmd in [
        &["score"][..],
        &["place"],
        &["compare"],
        &["plan"],
        &["promote"],
        &["explain"],
        &["appraise"],
        &["report"],
        &["stats"],
        &["model", "diff"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let help = String::from_utf8(ksa().args(&args).output().unwrap().stdout).unwrap();
        let flags: Vec<&str> = help
            .lines()
            // A flag's own line, not a help text wrapped below one.
            .filter(|l| l.len() - l.trim_start().len() <= 6)
            .filter_map(|l| l.trim_start().split([' ', '\t']).next())
            .filter(|f| READING.contains(f))
            .collect();
        assert_eq!(flags, READING, "{cmd:?}:\n{help}");
    }
}

/// `ksa model diff` reads evaluations only with `--evals`: a reading flag
/// without it says so in one line; with it, `--header-row` (new to model
/// diff with the shared flags) skips a title line.
#[test]
fn model_diff_reading_flags_need_evals() {
    let dir = workdir();
    let m = repo_arg("models/bank-rm.toml");
    for (flag, value) in [
        ("--sheet", Some("评分")),
        ("--skip-invalid", None),
        ("--header-row", Some("2")),
    ] {
        let mut args = vec!["model", "diff", m.as_str(), m.as_str(), flag];
        args.extend(value);
        let o = run(dir.path(), &args);
        assert_eq!(o.code, Some(2), "{flag}: {}", o.stderr);
        assert_eq!(
            only_error(&o),
            format!("error: {flag} says how evaluation files are read, but no --evals FILE was given: add --evals, or leave {flag} out")
        );
    }
    let evals = std::fs::read_to_string(repo("data/evaluations.csv")).unwrap();
    write(
        dir.path(),
        "titled.csv",
        &format!("2026年评分导出\n{}", evals.trim_start_matches('\u{feff}')),
    );
    let plain = run(
        dir.path(),
        &[
            "model",
            "diff",
            &m,
            &m,
            "--evals",
            &repo_arg("data/evaluations.csv"),
            "--format",
            "csv",
        ],
    );
    assert_eq!(plain.code, Some(0), "{}", plain.stderr);
    let titled = run(
        dir.path(),
        &[
            "model",
            "diff",
            &m,
            &m,
            "--evals",
            "titled.csv",
            "--header-row",
            "2",
            "--format",
            "csv",
        ],
    );
    assert_eq!(titled.code, Some(0), "{}", titled.stderr);
    assert_eq!(titled.stdout, plain.stdout);
    let summary = |e: &str| {
        e.lines()
            .filter(|l| l.contains("people change"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(summary(&titled.stderr), summary(&plain.stderr));
    assert!(!summary(&plain.stderr).is_empty(), "{}", plain.stderr);
}
