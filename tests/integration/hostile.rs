//! Hostile inputs (issue 8; docs/hardening.md): each gives a clear error or
//! a correct result, never a panic, a hang or unbounded memory. The large
//! files are generated here, in a temporary folder, never committed.

use crate::common::{repo_arg, run, run_limited, workdir, write, Outcome};
use std::io::Write;
use std::path::Path;

/// A model with one grade, one rater group, one category and `n`
/// competencies `C0`, `C1`, … each required at level 3.
fn model_with(n: usize) -> String {
    let mut m = String::from(
        "schema = 1\nid = \"h\"\nname = \"Hostile\"\nversion = \"1\"\n\n[scale]\nmin = 1\nmax = 5\n\n\
         [[grades]]\nid = \"g\"\nname = \"G\"\n\n[[raters]]\nid = \"sup\"\nname = \"Sup\"\nweight = 1\n\n\
         [[categories]]\nid = \"K\"\nname = \"Knowledge\"\nweight = 1\n",
    );
    for i in 0..n {
        m.push_str(&format!(
            "\n[[competencies]]\nid = \"C{i}\"\nname = \"Competency {i}\"\ncategory = \"K\"\nrequired = {{ g = 3 }}\n"
        ));
    }
    m
}

const HEADER: &str = "person_id,period,grade,rater,competency,score,comment\n";

fn score(dir: &Path, evals: &str) -> Outcome {
    run(
        dir,
        &[
            "score", "--model", "m.toml", "--evals", evals, "--format", "csv",
        ],
    )
}

/// No panic text and one of the documented exit statuses.
fn assert_orderly(o: &Outcome) {
    assert!(!o.stderr.contains("panicked"), "panic: {}", o.stderr);
    assert!(matches!(o.code, Some(0) | Some(2)), "{o:?}");
}

#[test]
fn a_100_mb_field_stops_at_the_row_limit() {
    let dir = workdir();
    write(dir.path(), "m.toml", &model_with(1));
    let path = dir.path().join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(HEADER.as_bytes()).unwrap();
    f.write_all(b"P1,2026H1,g,sup,C0,3,ok\nP1,2026H1,g,sup,C0,4,\"")
        .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\"\n").unwrap();
    drop(f);
    let o = score(dir.path(), "big.csv");
    assert_orderly(&o);
    assert_eq!(o.code, Some(2));
    assert_eq!(
        o.errors(),
        ["error: big.csv:3: the row is longer than 8 MiB, the limit on one row; a quote (\") opened in it is never closed"]
    );
}

#[test]
fn a_header_of_100000_columns_is_refused_naming_the_limit() {
    let dir = workdir();
    write(dir.path(), "m.toml", &model_with(1));
    let mut header = String::from("person_id,period,competency,score");
    for i in 0..100_000 {
        header.push_str(&format!(",x{i}"));
    }
    write(
        dir.path(),
        "wide.csv",
        &format!("{header}\nP1,2026H1,C0,3\n"),
    );
    let o = score(dir.path(), "wide.csv");
    assert_orderly(&o);
    assert_eq!(
        o.errors(),
        ["error: wide.csv:1: the header has 100004 columns; ksa reads at most 16,384 (the column limit, as in Excel)"]
    );
}

#[test]
fn an_unterminated_quote_at_the_end_is_an_error_or_a_whole_field() {
    let dir = workdir();
    write(dir.path(), "m.toml", &model_with(1));
    write(
        dir.path(),
        "q.csv",
        &format!("{HEADER}P1,2026H1,g,sup,C0,3,\"never closed\nP2,2026H1,g,sup,C0,5,x\n"),
    );
    let o = score(dir.path(), "q.csv");
    assert_orderly(&o);
    // The quote swallows the rest of the file into P1's comment, so P2 is
    // not a row: the result must say one row was read, never two.
    if o.code == Some(0) {
        assert!(
            o.stdout.contains("P1") && !o.stdout.contains("P2"),
            "{}",
            o.stdout
        );
        assert_eq!(
            o.last_stderr_line(),
            "summary: rows_read=1 used=1 blank=0 rejected=0 ratings=1"
        );
    } else {
        assert_eq!(o.errors().len(), 1, "{}", o.stderr);
        assert!(o.errors()[0].starts_with("error: q.csv:2:"), "{}", o.stderr);
    }
}

#[test]
fn nul_bytes_are_data_or_an_error_naming_the_line() {
    let dir = workdir();
    write(dir.path(), "m.toml", &model_with(1));
    // A NUL inside a score is not a number; inside a person id it is data
    // (an id is any text) and must not reach a file name unchanged.
    write(
        dir.path(),
        "nul.csv",
        &format!("{HEADER}P\u{0}1,2026H1,g,sup,C0,3,a\u{0}b\nP2,2026H1,g,sup,C0,3\u{0},\n"),
    );
    let o = score(dir.path(), "nul.csv");
    assert_orderly(&o);
    assert_eq!(o.code, Some(2));
    assert_eq!(
        o.errors(),
        ["error: nul.csv:3: column \"score\": \"3\\0\" is not a number"]
    );
}

#[test]
fn mixed_line_endings_read_as_lines() {
    let dir = workdir();
    write(dir.path(), "m.toml", &model_with(2));
    let rows = [
        "P1,2026H1,g,sup,C0,3,",
        "P1,2026H1,g,sup,C1,4,\"two\rlines\"",
        "",
        "P2,2026H1,g,sup,C0,2,",
        "P2,2026H1,g,sup,C1,5,",
    ];
    let header = HEADER.trim_end();
    let unix = format!("{header}\n{}\n", rows.join("\n"));
    // The same lines ended by \r\n, \r and \n in turn.
    let mut mixed = String::from(header);
    for (i, r) in rows.iter().enumerate() {
        mixed.push_str(["\r\n", "\r", "\n"][i % 3]);
        mixed.push_str(r);
    }
    mixed.push('\r');
    write(dir.path(), "unix.csv", &unix);
    write(dir.path(), "mixed.csv", &mixed);
    let a = score(dir.path(), "unix.csv");
    let b = score(dir.path(), "mixed.csv");
    assert_eq!(a.code, Some(0), "{}", a.stderr);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(
        b.last_stderr_line(),
        "summary: rows_read=4 used=4 blank=0 rejected=0 ratings=4"
    );
    // Line numbers count every kind of line ending: the bad score is on
    // line 4 whichever ending came before it.
    let bad = mixed.replace("C0,2,", "C0,9,");
    write(dir.path(), "bad.csv", &bad);
    let c = score(dir.path(), "bad.csv");
    assert_eq!(
        c.errors(),
        ["error: bad.csv:5: column \"score\": 9 is outside the scale [1, 5]"]
    );
}

#[test]
fn a_byte_order_mark_in_the_middle_is_text_not_a_header() {
    let dir = workdir();
    write(dir.path(), "m.toml", &model_with(1));
    // Two exports pasted together: the second header, with its BOM, is a
    // row, and its first value ksa checks, the grade "grade", is invalid.
    let part = format!("{HEADER}P1,2026H1,g,sup,C0,3,\n");
    write(
        dir.path(),
        "two.csv",
        &format!("\u{feff}{part}\u{feff}{part}"),
    );
    let o = score(dir.path(), "two.csv");
    assert_orderly(&o);
    assert_eq!(
        o.errors(),
        ["error: two.csv:3: column \"grade\": \"grade\" is not a grade of model h (grades: g)"]
    );
}

#[test]
fn a_million_distinct_people_in_bounded_memory() {
    let dir = workdir();
    write(dir.path(), "m.toml", &model_with(1));
    let path = dir.path().join("many.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(b"person_id,period,rater,competency,score\n")
        .unwrap();
    for i in 0..1_000_000u32 {
        writeln!(f, "P{i:07},2026H1,sup,C0,{}", 1 + i % 5).unwrap();
    }
    drop(f);
    // Under a 1 GiB address-space limit (threads reserve much of it).
    let out = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "ulimit -v 1048576 && exec {} score --model m.toml --evals many.csv --format csv --out scores.csv",
            env!("CARGO_BIN_EXE_ksa")
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.ends_with(
            "summary: rows_read=1000000 used=1000000 blank=0 rejected=0 ratings=1000000\n"
        ),
        "{stderr}"
    );
    let scores = std::fs::read_to_string(dir.path().join("scores.csv")).unwrap();
    // Every person is there, with the score given (row for C0 of P0000003).
    assert!(scores.contains("\nP0000003,2026H1,"), "missing person");
    assert!(scores.lines().filter(|l| l.contains(",C0,")).count() >= 1_000_000);
}

#[test]
fn a_model_of_10000_competencies_loads_and_scores() {
    let dir = workdir();
    write(dir.path(), "m.toml", &model_with(10_000));
    let mut csv = String::from("person_id,period,grade,rater,competency,score\n");
    for c in (0..10_000).step_by(7) {
        csv.push_str(&format!("P1,2026H1,g,sup,C{c},4\n"));
    }
    write(dir.path(), "e.csv", &csv);
    let check = run(dir.path(), &["model", "check", "m.toml"]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
    let o = score(dir.path(), "e.csv");
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(o.stdout.contains("P1,2026H1,C9996,") || o.stdout.contains(",C9996,"));
}

#[test]
fn deeply_nested_toml_is_a_syntax_error() {
    let dir = workdir();
    let deep = format!(
        "schema = 1\nx = {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    write(dir.path(), "deep.toml", &deep);
    let o = run(dir.path(), &["model", "check", "deep.toml"]);
    assert_orderly(&o);
    assert_eq!(o.code, Some(2));
    assert_eq!(o.errors().len(), 1, "{}", o.stderr);
    assert!(
        o.errors()[0].starts_with("error: deep.toml:2: TOML syntax:"),
        "{}",
        o.stderr
    );
    let tables = format!("schema = 1\n[{}]\n", vec!["a"; 100_000].join("."));
    write(dir.path(), "dotted.toml", &tables);
    let o = run(dir.path(), &["model", "check", "dotted.toml"]);
    assert_orderly(&o);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
}

#[test]
fn a_huge_model_file_is_refused_naming_the_limit() {
    let dir = workdir();
    let path = dir.path().join("huge.toml");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(model_with(1).as_bytes()).unwrap();
    let comment = format!("# {}\n", "x".repeat(1000));
    for _ in 0..17_000 {
        f.write_all(comment.as_bytes()).unwrap();
    }
    drop(f);
    let o = run(dir.path(), &["model", "check", "huge.toml"]);
    assert_eq!(
        o.errors(),
        ["error: huge.toml: the model file is larger than 16 MiB, the limit on a model file"]
    );
    assert_eq!(o.code, Some(2));
}

/// Every file and folder under `root`, relative to it.
fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(root).unwrap().display().to_string());
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn hostile_person_ids_never_write_outside_out() {
    let dir = workdir();
    let work = dir.path().join("a/b/c");
    std::fs::create_dir_all(&work).unwrap();
    let long = "长".repeat(300);
    let ids = [
        "../../x",
        "../../../../../../tmp/ksa-escape",
        "/etc/passwd",
        "CON",
        "con.txt",
        "a/b",
        "a\\b",
        "..",
        ".",
        "-rf",
        "x\u{1}y\u{7f}\tz",
        "line\nbreak",
        long.as_str(),
        "NUL",
        "aux",
        "trailing.",
        "名字 空格",
    ];
    let mut csv = String::from("person_id,period,grade,rater,competency,score\n");
    for id in ids {
        let quoted = format!("\"{}\"", id.replace('"', "\"\""));
        csv.push_str(&format!("{quoted},2026H1,g,sup,C0,3\n"));
    }
    write(&work, "m.toml", &model_with(1));
    write(&work, "e.csv", &csv);
    let before = tree(dir.path());
    let o = run(
        &work,
        &[
            "report",
            "individual",
            "--model",
            "m.toml",
            "--evals",
            "e.csv",
            "--out",
            "out",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let after = tree(dir.path());
    let new: Vec<&String> = after.iter().filter(|p| !before.contains(p)).collect();
    let outside: Vec<&&String> = new.iter().filter(|p| !p.starts_with("a/b/c/out")).collect();
    assert!(outside.is_empty(), "written outside --out: {outside:?}");
    // One report per person and the index, each a plain file name printed
    // on stdout.
    let reports: Vec<&&String> = new
        .iter()
        .filter(|p| p.starts_with("a/b/c/out/") && p.ends_with(".html"))
        .collect();
    assert_eq!(reports.len(), ids.len() + 1, "{reports:?}");
    for r in &reports {
        let name = Path::new(r.as_str()).file_name().unwrap().to_str().unwrap();
        assert!(
            name.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')),
            "{name:?}"
        );
        assert!(name.len() < 200, "{name}");
    }
    assert_eq!(o.stdout.lines().count(), ids.len() + 1, "{}", o.stdout);
    assert!(!Path::new("/tmp/ksa-escape").exists());

    // The index maps every person id, as it was, to its report's file.
    let index = std::fs::read_to_string(work.join("out/index.html")).unwrap();
    let html = scraper::Html::parse_document(&index);
    let row = scraper::Selector::parse("#people tbody tr").unwrap();
    let link = scraper::Selector::parse("td a").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    let mut mapped = std::collections::BTreeMap::new();
    for tr in html.select(&row) {
        let href = tr
            .select(&link)
            .next()
            .unwrap()
            .value()
            .attr("href")
            .unwrap();
        let id: String = tr.select(&cell).nth(1).unwrap().text().collect();
        assert!(work.join("out").join(href).is_file(), "{href}");
        let report = std::fs::read_to_string(work.join("out").join(href)).unwrap();
        assert!(report.contains("<html"), "{href}");
        assert!(mapped.insert(id, href.to_string()).is_none());
    }
    assert_eq!(mapped.len(), ids.len(), "{mapped:?}");
    let files: std::collections::BTreeSet<&String> = mapped.values().collect();
    assert_eq!(
        files.len(),
        ids.len(),
        "two people share a file: {mapped:?}"
    );
    for id in ids.iter().filter(|id| !id.chars().any(char::is_control)) {
        // Leading and trailing space is not part of an id (evaluations.md).
        assert!(
            mapped.contains_key(id.trim()),
            "{id:?} not in the index: {mapped:?}"
        );
    }
}

#[test]
fn out_equal_to_an_input_is_refused_by_every_writing_command() {
    let dir = workdir();
    let d = dir.path();
    std::fs::copy(repo_arg("models/bank-rm.toml"), d.join("m.toml")).unwrap();
    std::fs::copy(repo_arg("data/evaluations.csv"), d.join("e.csv")).unwrap();
    let before_m = std::fs::read(d.join("m.toml")).unwrap();
    let before_e = std::fs::read(d.join("e.csv")).unwrap();
    let cases: &[&[&str]] = &[
        &[
            "score", "--model", "m.toml", "--evals", "e.csv", "--out", "e.csv",
        ],
        &[
            "score", "--model", "m.toml", "--evals", "e.csv", "--out", "m.toml",
        ],
        &[
            "place", "--model", "m.toml", "--evals", "e.csv", "--out", "./e.csv",
        ],
        &[
            "plan", "--model", "m.toml", "--evals", "e.csv", "--out", "e.csv",
        ],
        &[
            "stats", "alpha", "--model", "m.toml", "--evals", "e.csv", "--out", "e.csv",
        ],
        &[
            "score", "--model", "m.toml", "--evals", "e.csv", "--format", "xlsx", "--out", "e.csv",
        ],
        &["model", "diff", "m.toml", "m.toml", "--out", "m.toml"],
        &[
            "score",
            "--model",
            "m.toml",
            "--evals",
            "e.csv",
            "--skip-invalid",
            "--rejects",
            "e.csv",
        ],
    ];
    for args in cases {
        let o = run(d, args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("input"),
            "{args:?}: no message naming the input: {}",
            o.stderr
        );
    }
    assert_eq!(std::fs::read(d.join("m.toml")).unwrap(), before_m);
    assert_eq!(std::fs::read(d.join("e.csv")).unwrap(), before_e);
    // Report folders and the demo: --out is a folder, so it cannot be a
    // file; a file given as the folder is an error, and it is unchanged.
    for args in [
        &[
            "report", "team", "--model", "m.toml", "--evals", "e.csv", "--out", "e.csv",
        ][..],
        &["demo", "--model", "m.toml", "--out", "m.toml"][..],
    ] {
        let o = run(d, args);
        assert_ne!(o.code, Some(0), "{args:?}");
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    }
    assert_eq!(std::fs::read(d.join("m.toml")).unwrap(), before_m);
    assert_eq!(std::fs::read(d.join("e.csv")).unwrap(), before_e);
}

/// A 6 KB workbook whose last cell sits at XFD1048576: a dense grid of the
/// sheet would be 16,384 × 1,048,576 cells (about 550 GB), which aborted
/// ksa. Sheets stream row by row, so it is the one row it is: a row wider
/// than the header, invalid like a CSV row with too many fields. Run under
/// a 2 GB address-space limit so that a regression fails here instead of
/// exhausting the machine.
#[cfg(unix)]
#[test]
fn a_sheet_with_a_far_corner_cell_reads_in_bounded_memory() {
    let dir = workdir();
    let d = dir.path();
    write(d, "m.toml", &model_with(1));
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in [
        "person_id",
        "period",
        "grade",
        "rater",
        "competency",
        "score",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["P1", "2026H1", "g", "sup", "C0"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_number(1, 5, 4.0).unwrap();
    ws.write_number(1_048_575, 16_383, 1.0).unwrap();
    book.save(d.join("corner.xlsx")).unwrap();
    assert!(std::fs::metadata(d.join("corner.xlsx")).unwrap().len() < 20_000);

    let limited = |args: &[&str]| {
        let o = run_limited(d, args, 2 << 30);
        (o.code, o.stdout, o.stderr)
    };
    let base = ["score", "--model", "m.toml", "--evals", "corner.xlsx"];
    let (code, _, stderr) = limited(&base);
    assert_eq!(code, Some(2), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert!(
        errors.len() == 1 && errors[0].starts_with("error: corner.xlsx[Sheet1]:1048576:"),
        "{stderr}"
    );
    let mut skip = base.to_vec();
    skip.extend([
        "--skip-invalid",
        "--rejects",
        "rejects.csv",
        "--format",
        "csv",
    ]);
    let (code, stdout, stderr) = limited(&skip);
    assert_eq!(code, Some(0), "{stderr}");
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("P1,2026H1,g,competency,C0,4.00,"))
        .collect();
    assert_eq!(rows.len(), 1, "{stdout}");
    let rejects = std::fs::read_to_string(d.join("rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 2, "{rejects}");
    assert!(
        rejects.lines().nth(1).unwrap().contains(",1048576,"),
        "{rejects}"
    );
}

// ---- issue 13: bounded memory on hostile files and flags

/// `--pseudonymize file:/dev/zero` read until the kernel killed ksa (24
/// GB): the key is read only as far as its limit.
#[cfg(unix)]
#[test]
fn a_key_file_without_end_is_refused_at_the_key_limit() {
    let dir = workdir();
    let d = dir.path();
    write(d, "m.toml", &model_with(1));
    write(d, "e.csv", &format!("{HEADER}P1,2026H1,g,sup,C0,3,\n"));
    let o = run_limited(
        d,
        &[
            "score",
            "--model",
            "m.toml",
            "--evals",
            "e.csv",
            "--pseudonymize",
            "file:/dev/zero",
        ],
        1 << 30,
    );
    assert_orderly(&o);
    assert_eq!(
        o.errors(),
        ["error: --pseudonymize file:/dev/zero: the key is longer than 4096 bytes, the limit on a key"]
    );
    assert_eq!(o.code, Some(2));
    assert!(o.stdout.is_empty());
}

/// `ksa sample --people 18446744073709551615` panicked and `--periods
/// 4294967295` ran until memory ran out: both are refused, naming the
/// limit, before a file is written.
#[cfg(unix)]
#[test]
fn sample_sizes_over_the_limits_are_refused() {
    let dir = workdir();
    let d = dir.path();
    let model = repo_arg("models/bank-rm.toml");
    for (flag, value, says) in [
        (
            "--people",
            "18446744073709551615",
            "error: --people 18446744073709551615: more than 1,000,000, the limit on staff in generated data",
        ),
        (
            "--periods",
            "4294967295",
            "error: --periods 4294967295: more than 20, the limit on periods in generated data",
        ),
        (
            "--candidates",
            "1000001",
            "error: --candidates 1000001: more than 1,000,000, the limit on candidates in generated data",
        ),
    ] {
        let o = run_limited(
            d,
            &["sample", "--model", &model, flag, value, "--out", "out"],
            1 << 30,
        );
        assert_orderly(&o);
        assert_eq!(o.errors(), [says]);
        assert_eq!(o.code, Some(2));
        assert!(!d.join("out").exists(), "{flag}: a folder was made");
    }
    // At the limits the flags are taken (a small run: the periods limit).
    let o = run(
        d,
        &[
            "sample",
            "--model",
            &model,
            "--people",
            "3",
            "--periods",
            "20",
            "--out",
            "out",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let csv = std::fs::read_to_string(d.join("out/evaluations.csv")).unwrap();
    assert!(csv.contains(",2016H2,") && csv.contains(",2026H1,"));
}

/// The extreme models of issue 13 passed `model check`; then reports
/// panicked (a scale of 2⁶⁴ levels: capacity overflow), aborted (10¹²
/// levels) or `score` printed 0.00 for NaN (rater weights of 1e308). Each
/// is now refused by every command, naming the key and its line; the runs
/// are under an address-space limit so a regression fails here.
#[cfg(unix)]
#[test]
fn extreme_models_are_refused_by_every_command() {
    let dir = workdir();
    let d = dir.path();
    let base = model_with(1);
    let cases = [
        (
            base.replace(
                "min = 1\nmax = 5",
                "min = -9223372036854775808\nmax = 9223372036854775807",
            ),
            "error: m.toml:8: scale: `max` − `min` is 18446744073709551615 levels, more than 100, the limit on a scale's width (the levels a chart can draw)",
        ),
        (
            base.replace("min = 1\nmax = 5", "min = 0\nmax = 1000000000000"),
            "error: m.toml:8: scale: `max` is 1000000000000, beyond ±1,000,000, the limit on a scale's ends",
        ),
        (
            base.replace("weight = 1\n\n[[categories]]", "weight = 1e308\n\n[[raters]]\nid = \"peer\"\nname = \"Peer\"\nweight = 1e308\n\n[[categories]]"),
            "error: m.toml:17: rater group \"sup\": `weight` is 1e308, more than 1,000,000, the limit on a weight",
        ),
    ];
    write(
        d,
        "e.csv",
        "person_id,period,grade,rater,competency,score\nP1,2026H1,g,sup,C0,1\nP2,2026H1,g,sup,C0,2\nP3,2026H1,g,sup,C0,3\n",
    );
    for (model, first_error) in cases {
        write(d, "m.toml", &model);
        let check = run(d, &["model", "check", "m.toml"]);
        assert_eq!(check.code, Some(2), "{model}\n{}", check.stderr);
        assert!(check.errors().contains(&first_error), "{}", check.stderr);
        for args in [
            &[
                "score", "--model", "m.toml", "--evals", "e.csv", "--format", "csv",
            ][..],
            &[
                "report",
                "individual",
                "--model",
                "m.toml",
                "--evals",
                "e.csv",
                "--out",
                "r",
            ][..],
        ] {
            let o = run_limited(d, args, 2 << 30);
            assert_orderly(&o);
            assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
            assert!(o.errors().contains(&first_error), "{}", o.stderr);
            assert!(!o.stdout.contains("0.00"), "{}", o.stdout);
        }
        assert!(!d.join("r").exists() || std::fs::read_dir(d.join("r")).unwrap().next().is_none());
    }
}

/// 10⁵ competencies with a 1,000-row file took 2.6 GB and a minute for
/// `score`: a model has at most 10,000 (the test above scores one of that
/// size), and the first one past the limit is named.
#[test]
fn a_model_of_100000_competencies_is_refused_naming_the_limit() {
    let dir = workdir();
    let d = dir.path();
    let model = model_with(100_000);
    let line = model[..model.find("id = \"C10000\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    write(d, "m.toml", &model);
    let o = run(d, &["model", "check", "m.toml"]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert_eq!(
        o.errors(),
        [format!(
            "error: m.toml:{line}: `competencies` has 100000 entries; a model has at most 10,000 competencies, the limit on a model's size"
        )]
    );
}

/// Rows of 8 million commas are each within the 8 MiB row limit, but each
/// parses into 8 million fields (64 MB): 150 of them took 9.6 GB before the
/// first was reported, as whole batches of 4,096 rows were read ahead. The
/// read-ahead is bounded in bytes; run under a 1 GiB address-space limit.
#[cfg(unix)]
#[test]
fn rows_of_millions_of_fields_are_read_ahead_in_bounded_memory() {
    let dir = workdir();
    let d = dir.path();
    write(d, "m.toml", &model_with(1));
    let mut f = std::io::BufWriter::new(std::fs::File::create(d.join("commas.csv")).unwrap());
    f.write_all(HEADER.as_bytes()).unwrap();
    let mut row = b"P1,2026H1,g,sup,C0,3,".to_vec();
    row.resize(row.len() + 8_000_000, b',');
    row.push(b'\n');
    for _ in 0..20 {
        f.write_all(&row).unwrap();
    }
    drop(f);
    let base = ["score", "--model", "m.toml", "--evals", "commas.csv"];
    let o = run_limited(d, &base, 1 << 30);
    assert_orderly(&o);
    assert_eq!(
        o.errors(),
        ["error: commas.csv:2: the row has 8000007 fields but the header has 7"]
    );
    let mut skip = base.to_vec();
    skip.extend([
        "--skip-invalid",
        "--rejects",
        "/dev/null",
        "--format",
        "csv",
    ]);
    let o = run_limited(d, &skip, 1 << 30);
    assert_orderly(&o);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(
        o.last_stderr_line(),
        "summary: rows_read=20 used=0 blank=0 rejected=20 ratings=0"
    );
}

/// A minimal `.xlsx` package: one sheet whose `<sheetData>` content and
/// shared strings table `sheet_data` and `shared` write (streamed and
/// deflated, so a hostile part of hundreds of MB is a small file).
fn package(
    path: &Path,
    sheet_data: &mut dyn FnMut(&mut dyn Write),
    shared: &mut dyn FnMut(&mut dyn Write),
) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    for (name, text) in [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ),
    ] {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    write!(z, r#"<worksheet xmlns="{ns}"><sheetData>"#).unwrap();
    sheet_data(&mut z);
    z.write_all(b"</sheetData></worksheet>").unwrap();
    z.start_file("xl/sharedStrings.xml", opts).unwrap();
    shared(&mut z);
    z.finish().unwrap();
}

/// The header row of `HEADER` and one valid row 2 whose comment cell G2 is
/// `comment` (raw XML of the cell's content and type, or none).
fn rows_1_and_2(w: &mut dyn Write, comment: Option<(&str, &str)>) {
    let inline = |r: &str, s: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{s}</t></is></c>"#);
    let mut xml = String::from(r#"<row r="1">"#);
    for (i, h) in HEADER.trim_end().split(',').enumerate() {
        xml.push_str(&inline(&format!("{}1", (b'A' + i as u8) as char), h));
    }
    xml.push_str(r#"</row><row r="2">"#);
    for (r, v) in [
        ("A2", "P1"),
        ("B2", "2026H1"),
        ("C2", "g"),
        ("D2", "sup"),
        ("E2", "C0"),
    ] {
        xml.push_str(&inline(r, v));
    }
    xml.push_str(r#"<c r="F2"><v>3</v></c>"#);
    if let Some((t, content)) = comment {
        xml.push_str(&format!(r#"<c r="G2" t="{t}">{content}</c>"#));
    }
    xml.push_str("</row>");
    w.write_all(xml.as_bytes()).unwrap();
}

fn sst(w: &mut dyn Write, attributes: &str, strings: &mut dyn FnMut(&mut dyn Write)) {
    write!(
        w,
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"{attributes}>"#
    )
    .unwrap();
    strings(w);
    w.write_all(b"</sst>").unwrap();
}

/// A 2 MB workbook of 5×10⁷ shared strings took 2.7 GB: the table is
/// bounded in strings (declared or counted) and in bytes, before calamine
/// reads it.
#[cfg(unix)]
#[test]
fn a_workbook_of_millions_of_shared_strings_is_refused_naming_the_limit() {
    let dir = workdir();
    let d = dir.path();
    write(d, "m.toml", &model_with(1));
    package(
        &d.join("declared.xlsx"),
        &mut |w| rows_1_and_2(w, None),
        &mut |w| {
            sst(w, r#" count="50000000" uniqueCount="50000000""#, &mut |w| {
                w.write_all(b"<si><t>a</t></si>").unwrap()
            })
        },
    );
    package(
        &d.join("counted.xlsx"),
        &mut |w| rows_1_and_2(w, None),
        &mut |w| {
            sst(w, "", &mut |w| {
                let chunk = b"<si><t>a</t></si>".repeat(10_000);
                for _ in 0..500 {
                    w.write_all(&chunk).unwrap();
                }
            })
        },
    );
    assert!(std::fs::metadata(d.join("counted.xlsx")).unwrap().len() < 1_000_000);
    for (file, says) in [
        ("declared.xlsx", "error: declared.xlsx: the workbook declares 50000000 shared strings (distinct texts); ksa reads at most 4,194,304, the limit on a workbook's shared strings"),
        ("counted.xlsx", "error: counted.xlsx: the workbook has more than 4,194,304 shared strings (distinct texts), the limit on a workbook's shared strings"),
    ] {
        let o = run_limited(d, &["score", "--model", "m.toml", "--evals", file], 1 << 30);
        assert_orderly(&o);
        assert_eq!(o.errors(), [says]);
        assert_eq!(o.code, Some(2));
    }
}

/// One 1 GiB cell in a 1 MB workbook took 4–5 GB and aborted under a 2 GB
/// limit: the 8 MiB row limit holds for workbook rows and cells, whether
/// the text is a shared string, an inline string or several shared strings
/// of one row (64 MiB here, as good as a GiB for the limit).
#[cfg(unix)]
#[test]
fn a_huge_cell_in_a_workbook_stops_at_the_row_limit() {
    let dir = workdir();
    let d = dir.path();
    write(d, "m.toml", &model_with(1));
    let big = vec![b'x'; 1 << 20];
    let strings = |n: usize, mib: usize| {
        move |w: &mut dyn Write| {
            sst(w, "", &mut |w| {
                for _ in 0..n {
                    w.write_all(b"<si><t>").unwrap();
                    for _ in 0..mib {
                        w.write_all(&vec![b'x'; 1 << 20]).unwrap();
                    }
                    w.write_all(b"</t></si>").unwrap();
                }
            })
        }
    };
    package(
        &d.join("shared.xlsx"),
        &mut |w| rows_1_and_2(w, Some(("s", "<v>0</v>"))),
        &mut strings(1, 64),
    );
    package(
        &d.join("inline.xlsx"),
        &mut |w| {
            rows_1_and_2(w, None);
            w.write_all(br#"<row r="3"><c r="G3" t="inlineStr"><is><t>"#)
                .unwrap();
            for _ in 0..64 {
                w.write_all(&big).unwrap();
            }
            w.write_all(b"</t></is></c></row>").unwrap();
        },
        &mut |w| sst(w, "", &mut |_| {}),
    );
    package(
        &d.join("two.xlsx"),
        &mut |w| {
            rows_1_and_2(w, None);
            w.write_all(
                br#"<row r="3"><c r="A3" t="s"><v>0</v></c><c r="G3" t="s"><v>1</v></c></row>"#,
            )
            .unwrap();
        },
        &mut strings(2, 5),
    );
    for (file, says) in [
        (
            "shared.xlsx",
            "error: shared.xlsx: shared string 1 is longer than 8 MiB, the limit on one row",
        ),
        (
            "inline.xlsx",
            "error: inline.xlsx[Sheet1]:3: the row is longer than 8 MiB, the limit on one row",
        ),
        (
            "two.xlsx",
            "error: two.xlsx[Sheet1]:3: the row is longer than 8 MiB, the limit on one row",
        ),
    ] {
        for args in [
            &["score", "--model", "m.toml", "--evals", file][..],
            &[
                "report",
                "individual",
                "--model",
                "m.toml",
                "--evals",
                file,
                "--out",
                "r",
            ][..],
        ] {
            let o = run_limited(d, args, 2 << 30);
            assert_orderly(&o);
            assert_eq!(o.errors(), [says], "{args:?}");
            assert_eq!(o.code, Some(2));
        }
    }
    // Row 2, before the row over the limit, was read and checked first: a
    // bad score there is the error.
    package(
        &d.join("bad-first.xlsx"),
        &mut |w| {
            let mut head = Vec::new();
            rows_1_and_2(&mut head, None);
            let head = String::from_utf8(head)
                .unwrap()
                .replace("<v>3</v>", "<v>9</v>");
            w.write_all(head.as_bytes()).unwrap();
            w.write_all(br#"<row r="3"><c r="G3" t="inlineStr"><is><t>"#)
                .unwrap();
            for _ in 0..16 {
                w.write_all(&big).unwrap();
            }
            w.write_all(b"</t></is></c></row>").unwrap();
        },
        &mut |w| sst(w, "", &mut |_| {}),
    );
    let o = run_limited(
        d,
        &["score", "--model", "m.toml", "--evals", "bad-first.xlsx"],
        2 << 30,
    );
    assert_eq!(
        o.errors(),
        ["error: bad-first.xlsx[Sheet1]:2: column \"score\": 9 is outside the scale [1, 5]"]
    );
}

/// A 221 KB workbook whose 20,000 rows each have one cell at column XFD
/// wrote a 329 MB rejects file (16,384 fields a row): a rejected sheet row
/// keeps the cells up to the header's last column, and says how many more
/// were cut.
#[test]
fn a_rejected_sheet_row_keeps_only_the_header_columns() {
    let dir = workdir();
    let d = dir.path();
    write(d, "m.toml", &model_with(1));
    package(
        &d.join("xfd.xlsx"),
        &mut |w| {
            rows_1_and_2(w, None);
            for r in 3..2003 {
                write!(w, r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>P{r}</t></is></c><c r="XFD{r}"><v>1</v></c></row>"#).unwrap();
            }
        },
        &mut |w| sst(w, "", &mut |_| {}),
    );
    let o = run(
        d,
        &[
            "score",
            "--model",
            "m.toml",
            "--evals",
            "xfd.xlsx",
            "--skip-invalid",
            "--rejects",
            "rejects.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(
        o.last_stderr_line(),
        "summary: rows_read=2001 used=1 blank=0 rejected=2000 ratings=1"
    );
    let rejects = std::fs::read_to_string(d.join("rejects.csv")).unwrap();
    assert!(rejects.len() < 500_000, "{} bytes", rejects.len());
    let rows = crate::common::csv_records(&rejects);
    assert_eq!(rows.len(), 2001);
    assert_eq!(rows[1].len(), 7 + 3, "{:?}", rows[1]);
    assert_eq!(rows[1][0], "P3");
    assert_eq!(
        rows[1][9],
        "the row has 16384 fields but the header has 7; only the cells up to the header's last column are written here (1 more cell cut)"
    );
}

/// An `.ods` of `rows` (the XML of `table:table-row` elements) after the
/// header row of `HEADER`, on a sheet named Sheet1.
fn ods(path: &Path, rows: &str) {
    let cell = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let header: String = HEADER.trim_end().split(',').map(cell).collect();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row>{header}</table:table-row>{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("META-INF/manifest.xml", deflated).unwrap();
    z.write_all(br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#).unwrap();
    z.start_file("content.xml", deflated).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap();
}

/// An 841-byte `.ods` of 999,990 rows × 100 repeated cells took 12 GB
/// before failing on row 2: the repeats are counted before calamine
/// expands them. The empty row a spreadsheet program repeats down to row
/// 1,048,576 is not expanded by calamine, and is read as before.
#[cfg(unix)]
#[test]
fn repeated_ods_cells_are_counted_before_they_are_expanded() {
    let dir = workdir();
    let d = dir.path();
    write(d, "m.toml", &model_with(1));
    ods(
        &d.join("repeats.ods"),
        r#"<table:table-row table:number-rows-repeated="999990"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/></table:table-row>"#,
    );
    assert!(std::fs::metadata(d.join("repeats.ods")).unwrap().len() < 2_000);
    let o = run_limited(
        d,
        &["score", "--model", "m.toml", "--evals", "repeats.ods"],
        1 << 30,
    );
    assert_orderly(&o);
    assert_eq!(
        o.errors(),
        ["error: repeats.ods[Sheet1]:2: the workbook holds more than 10,000,000 cells up to this row, repeated rows and columns counted, the limit on an .ods workbook (every sheet is read whole)"]
    );
    assert_eq!(o.code, Some(2));

    let row: String = ["P1", "2026H1", "g", "sup", "C0"]
        .iter()
        .map(|v| format!(r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#))
        .collect();
    ods(
        &d.join("padded.ods"),
        &format!(
            r#"<table:table-row>{row}<table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
        ),
    );
    let o = run_limited(
        d,
        &[
            "score",
            "--model",
            "m.toml",
            "--evals",
            "padded.ods",
            "--format",
            "csv",
        ],
        1 << 30,
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(
        o.stdout.contains("P1,2026H1,g,competency,C0,3.00,"),
        "{}",
        o.stdout
    );
}
