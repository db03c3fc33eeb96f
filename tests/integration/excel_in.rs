//! Excel and ODS evaluation input: a sheet is read by the same rules as a
//! CSV file, so the same ratings give byte-identical outputs whatever the
//! file; messages and rejects name `FILE[SHEET]:ROW` with the row number
//! the spreadsheet shows; `--sheet` by name or tab number; damaged
//! workbooks are one-line errors. The .xlsx files are written here with
//! rust_xlsxwriter; the .ods and .xls fixtures (tests/fixtures/excel/, see
//! its README) hold the rows of `ratings.csv` there.

use crate::common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::path::{Path, PathBuf};

/// How an .xlsx stores the cells of a CSV file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cells {
    /// Numbers as numbers, the rest as text.
    Numbers,
    /// Everything as text (numbers stored as text).
    Text,
    /// Numbers and person ids as formulas with their cached results.
    Formulas,
}

/// The lines of CSV text as rows of fields; `None` for an empty line. The
/// texts used here have no line breaks inside fields, so line `i` of the
/// file is row `i` of the sheet.
fn csv_lines(text: &str) -> Vec<Option<Vec<String>>> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(|line| {
            if line.is_empty() {
                return None;
            }
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(line.as_bytes());
            let rec = rdr
                .records()
                .next()
                .expect("one record")
                .expect("valid CSV");
            Some(rec.iter().map(str::to_string).collect())
        })
        .collect()
}

fn is_number(s: &str) -> bool {
    s.parse::<f64>().is_ok()
}

/// Writes `sheets` (name, CSV text) into one workbook at `path`, the first
/// line of each text on row `first_row` (0-based), empty fields as empty
/// cells and empty lines as empty rows.
pub(crate) fn xlsx(path: &Path, sheets: &[(&str, &str)], cells: Cells, first_row: u32) {
    let mut book = Workbook::new();
    for (name, text) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).expect("sheet name");
        for (i, line) in csv_lines(text).into_iter().enumerate() {
            let Some(fields) = line else { continue };
            let row = first_row + i as u32;
            for (j, v) in fields.iter().enumerate() {
                let col = j as u16;
                if v.is_empty() {
                    continue;
                }
                let header = i == 0;
                match cells {
                    Cells::Numbers if !header && is_number(v) => {
                        sheet.write_number(row, col, v.parse::<f64>().unwrap())
                    }
                    Cells::Formulas if !header && is_number(v) => {
                        sheet.write_formula(row, col, Formula::new(format!("={v}*1")).set_result(v))
                    }
                    Cells::Formulas if !header && j == 0 => sheet.write_formula(
                        row,
                        col,
                        Formula::new(format!("=\"{v}\"")).set_result(v),
                    ),
                    _ => sheet.write_string(row, col, v),
                }
                .expect("write cell");
            }
        }
    }
    book.save(path).expect("save workbook");
}

fn model() -> String {
    repo_arg("models/bank-rm.toml")
}

/// `ksa score` on `evals` in `dir` with `extra` flags, as CSV.
fn score(dir: &Path, evals: &[&str], extra: &[&str]) -> Outcome {
    score_as("csv", dir, evals, extra)
}

/// `ksa score` in `format`: JSON has the scores unrounded, so it tells
/// 3.5 from 3.4999.
fn score_as(format: &str, dir: &Path, evals: &[&str], extra: &[&str]) -> Outcome {
    let m = model();
    let mut args = vec![
        "score",
        "--model",
        m.as_str(),
        "--format",
        format,
        "--evals",
    ];
    args.extend(evals);
    args.extend(extra);
    run(dir, &args)
}

/// Asserts that `actual` gave exactly what `expected` (the CSV run) gave.
fn assert_same_run(expected: &Outcome, actual: &Outcome, what: &str) {
    assert_eq!(actual.code, expected.code, "{what}: {}", actual.stderr);
    assert_same_text(&expected.stdout, &actual.stdout, &format!("{what}: stdout"));
    assert_same_text(&expected.stderr, &actual.stderr, &format!("{what}: stderr"));
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("excel/{name}"))).expect("fixture")
}

fn copy_fixture(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(fixture(&format!("excel/{name}")), &to).expect("copy fixture");
    to
}

#[test]
fn the_same_ratings_score_the_same_in_every_format() {
    let dir = workdir();
    let d = dir.path();
    copy_fixture(d, "ratings.csv");
    copy_fixture(d, "ratings.ods");
    copy_fixture(d, "ratings.xls");
    let csv_text = fixture_text("ratings.csv");
    // The fixture has fractional scores, blanks and an empty line: a real test
    // of number display and row counting.
    assert!(csv_text.contains(",3.5,") && csv_text.contains(",4.25,"));
    assert!(csv_text.contains("\n\n") && csv_text.contains(",,"));

    for name in ["numbers.xlsx", "text.xlsx", "formulas.xlsx"] {
        let cells = match name {
            "numbers.xlsx" => Cells::Numbers,
            "text.xlsx" => Cells::Text,
            _ => Cells::Formulas,
        };
        xlsx(&d.join(name), &[("评分", &csv_text)], cells, 0);
    }
    std::fs::copy(d.join("numbers.xlsx"), d.join("UPPER.XLSX")).unwrap();

    for format in ["csv", "json"] {
        let expected = score_as(format, d, &["ratings.csv"], &[]);
        assert_eq!(expected.code, Some(0), "{}", expected.stderr);
        assert_eq!(
            expected.stdout.lines().count(),
            93 + (format == "json") as usize
        );
        assert_eq!(
            expected.stderr,
            "summary: rows_read=600 used=595 blank=5 rejected=0 ratings=595\n"
        );
        // The extension is matched whatever its case (UPPER.XLSX).
        for name in [
            "numbers.xlsx",
            "text.xlsx",
            "formulas.xlsx",
            "UPPER.XLSX",
            "ratings.ods",
            "ratings.xls",
        ] {
            let out = score_as(format, d, &[name], &[]);
            assert_same_run(&expected, &out, &format!("{name} as {format}"));
        }
    }
}

#[test]
fn the_wide_format_reads_from_a_sheet() {
    let wide = "\
工号,姓名,考核期,评价人类型,K.product,K.policy,S.sales,A.teamwork
RM101,王芳,2026H1,supervisor,4,3.5,,5
RM101,王芳,2026H1,peer,3,4,4,

RM102,李强,2026H1,supervisor,2,2.25,3,3
";
    let dir = workdir();
    let d = dir.path();
    write(d, "wide.csv", wide);
    xlsx(&d.join("wide.xlsx"), &[("Sheet1", wide)], Cells::Numbers, 0);
    let expected = score(d, &["wide.csv"], &[]);
    assert_eq!(expected.code, Some(0), "{}", expected.stderr);
    assert!(expected.stdout.contains("RM102"));
    assert_same_run(&expected, &score(d, &["wide.xlsx"], &[]), "wide.xlsx");
}

#[test]
fn dates_and_numbers_read_as_the_sheet_shows_them() {
    // Period cells that are dates read as the sheet displays them, by their
    // number format (Excel's short date as on a Chinese system), as Excel's
    // own CSV export of the sheet writes them; person ids stored as numbers
    // read without a fraction.
    let dir = workdir();
    let d = dir.path();
    write(
        d,
        "expected.csv",
        "\
person_id,period,competency,score
10001,2026-06-30,K.product,3
10001,2026/6/30,K.policy,3.5
10002,2026/6/30 12:30,K.product,4
10003,2026年6月,K.product,2
10003,2026年6月,K.policy,5
10004,2026-06,K.product,3
10004,2026-06,K.policy,4
",
    );
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let iso = Format::new().set_num_format("yyyy-mm-dd");
    let short_date = Format::new().set_num_format_index(14);
    let date_time = Format::new().set_num_format("yyyy/m/d h:mm");
    let year_month = Format::new().set_num_format("yyyy\"年\"m\"月\"");
    let month = Format::new().set_num_format("yyyy-mm");
    for (col, h) in ["person_id", "period", "competency", "score"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    let day = ExcelDateTime::from_ymd(2026, 6, 30).unwrap();
    let first = ExcelDateTime::from_ymd(2026, 6, 1).unwrap();
    let noon = ExcelDateTime::from_ymd(2026, 6, 30)
        .unwrap()
        .and_hms(12, 30, 0)
        .unwrap();
    for (row, (id, when, fmt, comp, s)) in [
        (10001.0, &day, &iso, "K.product", 3.0),
        (10001.0, &day, &short_date, "K.policy", 3.5),
        (10002.0, &noon, &date_time, "K.product", 4.0),
        (10003.0, &day, &year_month, "K.product", 2.0),
        (10003.0, &first, &year_month, "K.policy", 5.0),
        (10004.0, &first, &month, "K.product", 3.0),
    ]
    .into_iter()
    .enumerate()
    {
        let r = row as u32 + 1;
        sheet.write_number(r, 0, id).unwrap();
        sheet.write_datetime_with_format(r, 1, when, fmt).unwrap();
        sheet.write_string(r, 2, comp).unwrap();
        sheet.write_number(r, 3, s).unwrap();
    }
    // A month typed as text joins the month shown by a date cell.
    sheet.write_number(7, 0, 10004.0).unwrap();
    sheet.write_string(7, 1, "2026-06").unwrap();
    sheet.write_string(7, 2, "K.policy").unwrap();
    sheet.write_number(7, 3, 4.0).unwrap();
    book.save(d.join("dates.xlsx")).unwrap();

    let expected = score(d, &["expected.csv"], &[]);
    assert_eq!(expected.code, Some(0), "{}", expected.stderr);
    assert!(expected.stdout.contains("10001,2026-06-30,"));
    assert!(expected.stdout.contains("10003,2026年6月,"));
    assert_same_run(&expected, &score(d, &["dates.xlsx"], &[]), "dates.xlsx");
}

/// A workbook of two ratings whose periods are dates shown as `yyyy-mm`.
fn month_workbook(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let month = Format::new().set_num_format("yyyy-mm");
    sheet
        .write_row(0, 0, ["person_id", "period", "competency", "score"])
        .unwrap();
    let day = ExcelDateTime::from_ymd(2026, 6, 30).unwrap();
    for (r, comp) in [(1, "K.product"), (2, "K.policy")] {
        sheet.write_string(r, 0, "RM001").unwrap();
        sheet
            .write_datetime_with_format(r, 1, &day, &month)
            .unwrap();
        sheet.write_string(r, 2, comp).unwrap();
        sheet.write_number(r, 3, 3.0).unwrap();
    }
    book.save(path).unwrap();
}

/// Copies the workbook `from` to `to`, every part stored uncompressed when
/// `stored`, else deflated.
fn repack(from: &Path, to: &Path, stored: bool) {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let method = if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name, options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn dates_read_as_shown_from_deflated_and_stored_packages() {
    let dir = workdir();
    let d = dir.path();
    let expected = |period: &str| {
        let name = format!("expected-{period}.csv");
        write(
            d,
            &name,
            &format!(
                "person_id,period,competency,score\n\
                 RM001,{period},K.product,3\nRM001,{period},K.policy,3\n"
            ),
        );
        score(d, &[&name], &[])
    };
    month_workbook(&d.join("month.xlsx"));
    assert_same_run(
        &expected("2026-06"),
        &score(d, &["month.xlsx"], &[]),
        "month.xlsx",
    );

    // Stored (not deflated) parts, as some tools write them.
    repack(&d.join("month.xlsx"), &d.join("stored.xlsx"), true);
    assert_same_run(
        &expected("2026-06"),
        &score(d, &["stored.xlsx"], &[]),
        "stored",
    );
}

#[test]
fn xls_dates_read_as_the_sheet_shows_them() {
    // tests/fixtures/excel/README.md: a custom format, Excel's built-in
    // short date (as on a Chinese system) and yyyy-mm, in MULRK records.
    let dir = workdir();
    let d = dir.path();
    write(
        d,
        "expected.csv",
        "person_id,competency,score,period,comment\n\
         RM001,K.product,3,2026年6月,\n\
         RM001,K.policy,3,2026年6月,2026年6月\n\
         RM002,K.product,3,2026/6/30,2026/6/30\n\
         RM003,K.product,3,2026-06,\n",
    );
    let expected = score(d, &["expected.csv"], &[]);
    assert_eq!(expected.code, Some(0), "{}", expected.stderr);
    copy_fixture(d, "dates.xls");
    assert_same_run(&expected, &score(d, &["dates.xls"], &[]), "dates.xls");
}

#[test]
fn ods_dates_read_as_iso() {
    // calamine does not hand on an .ods date's display format, so it reads
    // as ISO 8601 whatever the sheet shows (here 2026年6月).
    let dir = workdir();
    let d = dir.path();
    write(
        d,
        "expected.csv",
        "person_id,period,competency,score\nRM001,2026-06-30,K.product,3\n",
    );
    let expected = score(d, &["expected.csv"], &[]);
    assert_eq!(expected.code, Some(0), "{}", expected.stderr);
    copy_fixture(d, "dates.ods");
    assert_same_run(&expected, &score(d, &["dates.ods"], &[]), "dates.ods");
}

/// Ratings with a bad score on line 7 (the header is line 1).
const WITH_BAD_SCORE: &str = "\
person_id,period,rater,rater_id,competency,score
RM001,2026H1,supervisor,MGR001,K.product,3
RM001,2026H1,supervisor,MGR001,K.policy,4

RM001,2026H1,peer,RM002,K.product,5
RM001,2026H1,peer,RM002,K.policy,2
RM001,2026H1,peer,RM003,K.product,3分
RM001,2026H1,peer,RM003,K.policy,4
";

#[test]
fn a_bad_cell_names_the_file_the_sheet_and_the_row() {
    let dir = workdir();
    let d = dir.path();
    write(d, "ratings.csv", WITH_BAD_SCORE);
    xlsx(
        &d.join("ratings.xlsx"),
        &[("评分", WITH_BAD_SCORE)],
        Cells::Numbers,
        0,
    );
    let from_csv = score(d, &["ratings.csv"], &[]);
    assert_eq!(
        from_csv.stderr,
        "error: ratings.csv:7: column \"score\": \"3分\" is not a number\n"
    );
    let out = score(d, &["ratings.xlsx"], &[]);
    assert_eq!(out.code, Some(2));
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: ratings.xlsx[评分]:7: column \"score\": \"3分\" is not a number\n"
    );

    // Rows above the header keep the numbers Excel shows: the same data
    // starting on row 3 has its bad cell on row 9.
    xlsx(
        &d.join("lower.xlsx"),
        &[("评分", WITH_BAD_SCORE)],
        Cells::Numbers,
        2,
    );
    let out = score(d, &["lower.xlsx"], &[]);
    assert_eq!(
        out.stderr,
        "error: lower.xlsx[评分]:9: column \"score\": \"3分\" is not a number\n"
    );
}

#[test]
fn error_cells_are_invalid_values() {
    let dir = workdir();
    let d = dir.path();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (col, h) in ["person_id", "competency", "score", "note"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    // Row 2: an error in an ignored column does not matter; row 3: #DIV/0!
    // in the score column makes the row invalid.
    for (r, comp, score, note) in [
        (1, "K.product", Formula::new("=6/2").set_result("3"), "#N/A"),
        (
            2,
            "K.policy",
            Formula::new("=1/0").set_result("#DIV/0!"),
            "ok",
        ),
    ] {
        sheet.write_string(r, 0, "RM001").unwrap();
        sheet.write_string(r, 1, comp).unwrap();
        sheet.write_formula(r, 2, score).unwrap();
        if note.starts_with('#') {
            sheet
                .write_formula(r, 3, Formula::new("=NA()").set_result(note))
                .unwrap();
        } else {
            sheet.write_string(r, 3, note).unwrap();
        }
    }
    book.save(d.join("errors.xlsx")).unwrap();

    let out = score(d, &["errors.xlsx"], &[]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.errors(),
        ["error: errors.xlsx[Sheet1]:3: column \"score\": \"#DIV/0!\" is a spreadsheet error, not a value"]
    );

    let out = score(
        d,
        &["errors.xlsx"],
        &["--skip-invalid", "--rejects", "rej.csv"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.last_stderr_line(),
        "summary: rows_read=2 used=1 blank=0 rejected=1 ratings=1"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("rej.csv")).unwrap(),
        "person_id,competency,score,note,source_file,line,reason\n\
         RM001,K.policy,#DIV/0!,ok,errors.xlsx[Sheet1],3,\"column \"\"score\"\": \"\"#DIV/0!\"\" is a spreadsheet error, not a value\"\n"
    );
}

/// Invalid rows of several kinds, an empty line and an extra field.
const MIXED: &str = "\
person_id,name,period,rater,rater_id,competency,score,comment
RM001,张伟,2026H1,supervisor,MGR001,K.product,3,
RM001,张伟,2026H1,supervisor,MGR001,K.policy,abc,
RM001,张伟,2026H1,supervisor,MGR001,K.nothing,4,
,张伟,2026H1,peer,RM002,K.product,4,

RM001,张三,2026H1,peer,RM002,K.policy,4,名字不一致
RM001,张伟,2026H1,peer,RM002,K.finance,,
RM001,张伟,2026H1,peer,RM002,K.macro,9,
RM001,张伟,2026H1,peer,RM003,K.macro,2.5,\"逗号,引号\"\"\"
RM002,李娜,2026H1,boss,MGR001,K.product,4,
RM002,李娜,2026H1,supervisor,MGR001,K.product,4,,extra
RM002,李娜,2026H1,supervisor,MGR001,K.policy,5,
";

#[test]
fn skip_invalid_from_a_sheet_matches_the_csv_run() {
    let dir = workdir();
    let d = dir.path();
    write(d, "mixed.csv", MIXED);
    xlsx(&d.join("mixed.xlsx"), &[("评分", MIXED)], Cells::Numbers, 0);
    let flags = ["--skip-invalid", "--rejects", "rejects.csv"];
    let from_csv = score(d, &["mixed.csv"], &flags);
    assert_eq!(from_csv.code, Some(0), "{}", from_csv.stderr);
    assert_eq!(
        from_csv.last_stderr_line(),
        "summary: rows_read=11 used=3 blank=1 rejected=7 ratings=3"
    );
    let csv_rejects = std::fs::read_to_string(d.join("rejects.csv")).unwrap();

    let from_sheet = score(d, &["mixed.xlsx"], &flags);
    assert_same_run(&from_csv, &from_sheet, "mixed.xlsx");
    let sheet_rejects = std::fs::read_to_string(d.join("rejects.csv")).unwrap();
    assert_eq!(csv_records(&sheet_rejects).len(), 8);
    // A sheet row keeps only the cells up to the header's last column (a
    // sheet's row may reach column XFD; issue 13), and says so.
    let expected = csv_rejects
        .replace(",mixed.csv,", ",mixed.xlsx[评分],")
        .replace(
            "K.product,4,,extra,mixed.xlsx[评分],12,the row has 9 fields but the header has 8\n",
            "K.product,4,,mixed.xlsx[评分],12,the row has 9 fields but the header has 8; \
             only the cells up to the header's last column are written here (1 more cell cut)\n",
        );
    assert_ne!(
        expected,
        csv_rejects.replace(",mixed.csv,", ",mixed.xlsx[评分],")
    );
    assert_same_text(&expected, &sheet_rejects, "rejects");
}

#[test]
fn sheets_are_chosen_by_name_or_by_tab_number() {
    let dir = workdir();
    let d = dir.path();
    copy_fixture(d, "ratings.csv");
    let ratings = fixture_text("ratings.csv");
    let notes = "说明\n本表为2026年上半年评分\n";
    xlsx(
        &d.join("book.xlsx"),
        &[("说明", notes), ("评分", &ratings)],
        Cells::Numbers,
        0,
    );
    let expected = score(d, &["ratings.csv"], &[]);
    assert_eq!(expected.code, Some(0), "{}", expected.stderr);
    for choice in ["评分", "2"] {
        let out = score(d, &["book.xlsx"], &["--sheet", choice]);
        assert_same_run(&expected, &out, &format!("--sheet {choice}"));
    }

    // Without --sheet the first sheet is read: here, not ratings.
    let out = score(d, &["book.xlsx"], &[]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        "error: book.xlsx[说明]: header: no person column; the header has \"说明\"; a person column is named person_id (employee_id, candidate_id, 工号, 员工编号, 人员编号, 候选人编号), or map yours with --column person_id=HEADER; sheet \"评分\" has a person column: add --sheet 评分\n"
    );

    for (choice, message) in [
        (
            "3",
            "error: book.xlsx: no sheet 3: the workbook has 2 visible sheets (sheets: 1 \"说明\", 2 \"评分\")\n",
        ),
        (
            "Scores",
            "error: book.xlsx: no sheet named \"Scores\" (sheets: 1 \"说明\", 2 \"评分\")\n",
        ),
        (
            "0",
            "error: book.xlsx: --sheet 0: sheets are numbered from 1 in tab order (sheets: 1 \"说明\", 2 \"评分\")\n",
        ),
    ] {
        let out = score(d, &["book.xlsx"], &["--sheet", choice]);
        assert_eq!(out.code, Some(2), "--sheet {choice}");
        assert_eq!(out.stdout, "");
        assert_eq!(out.stderr, message, "--sheet {choice}");
    }
}

#[test]
fn sheet_applies_to_each_workbook_of_several_files() {
    let dir = workdir();
    let d = dir.path();
    let text = fixture_text("ratings.csv");
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let header = lines[0];
    let part = |person: &str| {
        let mut t = format!("{header}\n");
        for l in lines.iter().filter(|l| l.starts_with(person)) {
            t.push_str(l);
            t.push('\n');
        }
        t
    };
    let (a, b) = (part("RM003,"), part("RM005,"));
    write(
        d,
        "all.csv",
        &format!("{a}{}", b.split_once('\n').unwrap().1),
    );
    write(d, "b.csv", &b);
    xlsx(
        &d.join("a.xlsx"),
        &[("x", "person_id\n"), ("评分", &a)],
        Cells::Numbers,
        0,
    );
    let expected = score(d, &["all.csv"], &[]);
    assert_eq!(expected.code, Some(0), "{}", expected.stderr);
    let out = score(d, &["a.xlsx", "b.csv"], &["--sheet", "评分"]);
    assert_same_run(&expected, &out, "a.xlsx + b.csv");

    // --sheet with no workbook is a warning, not silence.
    let out = score(d, &["b.csv"], &["--sheet", "2"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.warnings(),
        ["warning: --sheet \"2\": no workbook (.xlsx, .xls, .ods) among the evaluation files; ignored"]
    );
}

#[test]
fn damaged_workbooks_are_one_line_errors() {
    let dir = workdir();
    let d = dir.path();
    let ratings = fixture_text("ratings.csv");
    xlsx(
        &d.join("good.xlsx"),
        &[("评分", &ratings)],
        Cells::Numbers,
        0,
    );
    let good = std::fs::read(d.join("good.xlsx")).unwrap();
    std::fs::write(d.join("truncated.xlsx"), &good[..good.len() / 2]).unwrap();
    std::fs::write(d.join("garbage.xlsx"), "this is not a workbook\n").unwrap();
    std::fs::write(d.join("renamed.xlsx"), ratings.as_bytes()).unwrap();
    std::fs::write(d.join("garbage.ods"), [0x50, 0x4b, 3, 4, 9, 9, 9]).unwrap();
    std::fs::write(d.join("garbage.xls"), vec![0xd0u8; 4096]).unwrap();
    std::fs::write(d.join("empty.xlsx"), "").unwrap();

    // Named as a workbook but text: CSV text is read as CSV (with a
    // warning), other text is named for what it is.
    let out = score(d, &["renamed.xlsx"], &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.starts_with(
        "warning: renamed.xlsx: named .xlsx but is CSV text; read as CSV (rename it to .csv to say so)\n"
    ));
    let out = score(d, &["garbage.xlsx"], &[]);
    assert_eq!(
        out.stderr,
        "error: garbage.xlsx: named .xlsx but is neither a workbook nor CSV text; open it in Excel or LibreOffice and save it as .xlsx or .csv\n"
    );
    for name in ["truncated.xlsx", "garbage.ods", "garbage.xls"] {
        let out = score(d, &[name], &[]);
        assert_eq!(out.code, Some(2), "{name}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{name}");
        let ext = name.rsplit('.').next().unwrap();
        let line = out.stderr.strip_suffix('\n').unwrap_or(&out.stderr);
        assert!(
            !line.contains('\n')
                && line.starts_with(&format!("error: {name}: not a readable .{ext} workbook: ")),
            "{name}: {:?}",
            out.stderr
        );
    }
    let out = score(d, &["empty.xlsx"], &[]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        "error: empty.xlsx: the file is empty (0 bytes); an evaluation file needs at least a header row\n"
    );
    let out = score(d, &["missing.xlsx"], &[]);
    assert_eq!(out.code, Some(2));
    assert_eq!(out.stderr, "error: missing.xlsx: file not found\n");
}

/// Writes an evaluation file over the 8 MiB from which progress bars are
/// shown on a terminal (long comments make it big with few rows); returns
/// its row count.
fn write_large_input(d: &Path) -> usize {
    let comment = "客户走访积极,需求挖掘到位".repeat(16);
    let mut big = String::from("person_id,period,rater,rater_id,competency,score,comment\n");
    let mut n = 0;
    while big.len() < 8 << 20 {
        big.push_str(&format!(
            "RM001,2026H1,peer,R{n:06},K.product,{},\"{comment}\"\n",
            1 + n % 5
        ));
        n += 1;
    }
    write(d, "big.csv", &big);
    n
}

#[test]
fn a_large_input_prints_no_progress_when_stderr_is_not_a_terminal() {
    let dir = workdir();
    let d = dir.path();
    let n = write_large_input(d);
    let out = score(d, &["big.csv"], &["--out", "out.csv"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("summary: rows_read={n} used={n} blank=0 rejected=0 ratings={n}\n")
    );
}

/// Runs `ksa ARGS` in `dir` with a pseudo-terminal as stdin, stdout and
/// stderr, through util-linux `script` (Debian's essential bsdutils), and
/// returns everything the terminal received.
fn run_on_a_terminal(dir: &Path, args: &[&str]) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut command = quote(env!("CARGO_BIN_EXE_ksa"));
    for a in args {
        command.push(' ');
        command.push_str(&quote(a));
    }
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux `script` runs (.ci/run installs it)");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_large_input_shows_a_progress_bar_on_a_terminal_unless_quiet() {
    let dir = workdir();
    let d = dir.path();
    let n = write_large_input(d);
    let m = model();
    let args = ["score", "--model", m.as_str(), "--evals", "big.csv"];
    let summary = format!("summary: rows_read={n} used={n} blank=0 rejected=0 ratings={n}");

    let shown = run_on_a_terminal(d, &[&args[..], &["--out", "tty.csv"]].concat());
    assert!(
        shown.contains("big.csv [") && shown.contains("MiB"),
        "a bar naming the file and the bytes read: {shown:?}"
    );
    // The bar clears itself: the summary is the last thing printed.
    assert!(shown.trim_end().ends_with(&summary), "{shown:?}");

    let quiet = run_on_a_terminal(d, &[&args[..], &["--quiet", "--out", "quiet.csv"]].concat());
    assert_eq!(quiet.trim_end(), summary, "--quiet: no bar");

    // What is written does not depend on the terminal.
    let piped = score(d, &["big.csv"], &["--out", "piped.csv"]);
    assert_eq!(piped.code, Some(0), "{}", piped.stderr);
    let read = |f: &str| std::fs::read(d.join(f)).unwrap();
    assert_eq!(read("tty.csv"), read("piped.csv"));
    assert_eq!(read("quiet.csv"), read("piped.csv"));
}
