//! Excel workbooks (`--format xlsx`): the same rows as the CSV layouts
//! (scoring.md §7), one table per sheet, for people who open results in
//! Excel rather than read them with another program.
//!
//! A workbook is an "About" sheet (model id and version, the SHA-256 of each
//! input, the ksa version), then each table, then — for `score`, `compare`
//! and individual `plan` — a people × competencies gap heatmap. Sheets are
//! written in rust_xlsxwriter's constant-memory mode: each row goes to a
//! temporary file as it comes, so a whole bank's scores stream through as
//! they do for CSV. A table longer than Excel's 1,048,576 rows a sheet goes
//! on in further sheets (`scores`, `scores (2)`, …), each with the header.
//!
//! Cells hold what the CSV text says: numbers are the CSV's rounded values
//! with as many decimals shown (`0.00`, `0.0000`), so a cell equals its CSV
//! text; booleans are Excel booleans; undefined values are empty cells. Text
//! is always written as a string, never as a formula, so an id such as
//! `=HYPERLINK("…")` is inert (CSV needs a leading `'` for that; a string
//! cell does not, so the text is kept as it is).

use super::{Sink, Value};
use crate::files::Audit;
use crate::model::Model;
use crate::score::round::round_key;
use rust_xlsxwriter::{
    Color, ConditionalFormat3ColorScale, ConditionalFormatFormula, ConditionalFormatType,
    DocProperties, ExcelDateTime, Format as CellFormat, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use std::cell::RefCell;
use std::io::{self, Seek, Write};
use std::path::Path;
use std::rc::Rc;

/// Rows in one Excel worksheet, the header row included (Excel's limit).
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// Characters in one Excel cell (Excel's limit).
const EXCEL_MAX_CELL_CHARS: usize = 32_767;

/// Fill colours: gaps below zero (short of the requirement) and at or
/// above it, and the three points of the heatmap's colour scale — Excel's
/// own red–white–green scale, white at a gap of exactly 0.
const SHORT_FILL: u32 = 0xFFC7CE;
const SHORT_FONT: u32 = 0x9C0006;
const MET_FILL: u32 = 0xC6EFCE;
const MET_FONT: u32 = 0x006100;
const SCALE_LOW: u32 = 0xF8696B;
const SCALE_MID: u32 = 0xFFFFFF;
const SCALE_HIGH: u32 = 0x63BE7B;

/// The name of the heatmap sheet.
pub const HEATMAP_SHEET: &str = "gap heatmap";

/// An error of the workbook writer as an I/O error: a failing disk stays
/// what it is; anything else (a text over Excel's cell limit, too many
/// columns) becomes a message naming Excel.
fn xlsx_err(e: XlsxError) -> io::Error {
    match e {
        XlsxError::IoError(e) => e,
        other => io::Error::other(format!("Excel workbook: {other}")),
    }
}

/// Runs a call into rust_xlsxwriter, turning its panics into I/O errors.
///
/// In constant-memory mode it writes each finished row to a temporary file
/// and `expect`s the write to succeed, so a disk that fills up mid-table
/// (or a file-size limit) panics inside the crate. A user gets the same one
/// line as for a CSV written to a full disk: the panic's own message is
/// kept quiet and its I/O error (`Os { code: 28, … }`) becomes the error.
fn guarded<T>(f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    crate::error::catch_quietly(f).unwrap_or_else(|message| Err(io_error_in_panic(&message)))
}

/// The I/O error a rust_xlsxwriter panic message carries (`…: Os { code: 28,
/// kind: StorageFull, message: "No space left on device" }`), or a general
/// error quoting the message.
fn io_error_in_panic(text: &str) -> io::Error {
    let code = text
        .split_once("Os { code: ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse::<i32>().ok());
    match code {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::other(format!("Excel workbook writer failed: {text}")),
    }
}

/// Where the `n`-th data row of a table (0-based) goes when a sheet holds
/// `rows_per_sheet` rows, header included: the 0-based part (sheet) of the
/// table and the row within that sheet (row 0 is the header).
pub fn position(n: u64, rows_per_sheet: u32) -> (usize, u32) {
    let per = u64::from(rows_per_sheet.max(2) - 1);
    ((n / per) as usize, (n % per) as u32 + 1)
}

/// The name of part `part` (0-based) of a table's sheets: `scores`,
/// `scores (2)`, `scores (3)`, …
pub fn part_name(base: &str, part: usize) -> String {
    if part == 0 {
        base.to_string()
    } else {
        format!("{base} ({})", part + 1)
    }
}

/// A value rounded as the CSV writes it, as the `f64` nearest to the CSV
/// text (the integer count of `10^-d` divided by `10^d` is correctly
/// rounded, as parsing the text would be).
fn rounded(x: f64, decimals: usize) -> f64 {
    if x.abs() >= crate::score::round::EXACT_INTEGERS {
        return x; // a whole number already, possibly beyond the key's i128
    }
    round_key(x, decimals) as f64 / 10f64.powi(decimals as i32)
}

/// The cell formats, made once (each distinct format is one style of the
/// workbook).
struct Styles {
    header: CellFormat,
    /// `0`, `0.0`, `0.00`, … by number of decimals.
    decimals: Vec<CellFormat>,
    short: CellFormat,
    met: CellFormat,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            header: CellFormat::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin),
            decimals: Vec::new(),
            short: CellFormat::new()
                .set_background_color(Color::RGB(SHORT_FILL))
                .set_font_color(Color::RGB(SHORT_FONT)),
            met: CellFormat::new()
                .set_background_color(Color::RGB(MET_FILL))
                .set_font_color(Color::RGB(MET_FONT)),
        }
    }

    fn decimals(&mut self, d: usize) -> &CellFormat {
        while self.decimals.len() <= d {
            let n = self.decimals.len();
            let code = if n == 0 {
                "0".to_string()
            } else {
                format!("0.{}", "0".repeat(n))
            };
            self.decimals.push(CellFormat::new().set_num_format(code));
        }
        &self.decimals[d]
    }
}

/// The workbook being written and what is known about its sheets.
struct Book {
    workbook: Workbook,
    styles: Styles,
    rows_per_sheet: u32,
    /// Per worksheet (in creation order): which table it belongs to (in the
    /// order the tables were opened) and which part of it it is; the sheets
    /// are put in this order when saved, so a table's later parts follow it
    /// even when another table was opened before they were needed.
    order: Vec<(usize, usize)>,
    tables: usize,
}

impl Book {
    fn add_sheet(&mut self, name: &str, key: (usize, usize)) -> io::Result<usize> {
        let ws = self.workbook.add_worksheet_with_constant_memory();
        ws.set_name(name).map_err(xlsx_err)?;
        self.order.push(key);
        Ok(self.order.len() - 1)
    }

    fn sheet(&mut self, index: usize) -> io::Result<&mut Worksheet> {
        self.workbook.worksheet_from_index(index).map_err(xlsx_err)
    }
}

/// An Excel workbook that tables are written into one row at a time, saved
/// once at the end.
pub struct XlsxWorkbook {
    book: Rc<RefCell<Book>>,
}

impl XlsxWorkbook {
    /// A new workbook whose sheets' rows wait in temporary files in
    /// `tempdir` (the output's folder, so a big table does not fill a
    /// memory-backed /tmp), or in the system's temporary folder.
    pub fn new(tempdir: Option<&Path>) -> io::Result<XlsxWorkbook> {
        Self::with_rows_per_sheet(tempdir, EXCEL_MAX_ROWS)
    }

    /// As `new`, with fewer rows per sheet than Excel allows (tests of the
    /// continuation sheets use a handful).
    pub fn with_rows_per_sheet(
        tempdir: Option<&Path>,
        rows_per_sheet: u32,
    ) -> io::Result<XlsxWorkbook> {
        let mut workbook = Workbook::new();
        if let Some(dir) = tempdir {
            workbook.set_tempdir(dir).map_err(xlsx_err)?;
        }
        Ok(XlsxWorkbook {
            book: Rc::new(RefCell::new(Book {
                workbook,
                styles: Styles::new(),
                rows_per_sheet: rows_per_sheet.clamp(2, EXCEL_MAX_ROWS),
                order: Vec::new(),
                tables: 0,
            })),
        })
    }

    /// The "About" sheet: what the workbook was made from and by what, so
    /// a copy passed around can be traced back (as the reports' audit
    /// line). With `SOURCE_DATE_EPOCH` set the workbook's creation time is
    /// that time, so the same inputs give the same bytes.
    pub fn about(&self, audit: &Audit) -> io::Result<()> {
        guarded(|| self.write_about(audit))
    }

    fn write_about(&self, audit: &Audit) -> io::Result<()> {
        let mut book = self.book.borrow_mut();
        let key = (book.tables, 0);
        book.tables += 1;
        let index = book.add_sheet("About", key)?;
        let header = book.styles.header.clone();
        let ws = book.sheet(index)?;
        let mut rows: Vec<[&str; 3]> = vec![
            ["field", "value", "sha256"],
            ["model_id", &audit.model_id, ""],
            ["model_version", &audit.model_version, ""],
            ["ksa_version", &audit.ksa_version, ""],
            ["generated", &audit.generated, ""],
        ];
        for f in &audit.files {
            rows.push(["input", &f.name, &f.sha256]);
        }
        for (r, cells) in rows.iter().enumerate() {
            for (c, text) in cells.iter().enumerate() {
                if r == 0 {
                    ws.write_string_with_format(0, c as u16, *text, &header)
                } else {
                    ws.write_string(r as u32, c as u16, *text)
                }
                .map_err(xlsx_err)?;
            }
        }
        for (c, width) in [16.0, 40.0, 66.0].into_iter().enumerate() {
            ws.set_column_width(c as u16, width).map_err(xlsx_err)?;
        }
        if let Some(t) = source_date_epoch() {
            let when = ExcelDateTime::from_timestamp(t).map_err(xlsx_err)?;
            book.workbook
                .set_properties(&DocProperties::new().set_creation_datetime(&when));
        }
        Ok(())
    }

    /// Opens a table of `columns` on sheets named `name`, `name (2)`, …;
    /// columns named `gap…` are coloured by sign.
    pub fn table(&self, name: &str, columns: Vec<String>) -> io::Result<TableSheets> {
        guarded(|| self.open_table(name, columns))
    }

    fn open_table(&self, name: &str, columns: Vec<String>) -> io::Result<TableSheets> {
        let gap_columns = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.starts_with("gap"))
            .map(|(i, _)| i as u16)
            .collect();
        TableSheets::open(&self.book, name, columns, Colouring::Gaps(gap_columns))
    }

    /// Opens the gap heatmap: one row per person and period (`person_id`,
    /// `period`, `target_grade`), one column per competency in tree order
    /// (the order of `ksa score`'s rows), headed `ID NAME`, each cell `s_c − req(c, G)` at the
    /// target grade G, on a red–white–green colour scale.
    pub fn heatmap(&self, model: &Model) -> io::Result<Heatmap> {
        guarded(|| self.open_heatmap(model))
    }

    fn open_heatmap(&self, model: &Model) -> io::Result<Heatmap> {
        let order: Vec<usize> = (0..model.categories.len())
            .flat_map(|k| model.competencies_of(k))
            .collect();
        let mut columns: Vec<String> = ["person_id", "period", "target_grade"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        // The id, as in the score rows, then the name a manager reads.
        columns.extend(order.iter().map(|&c| {
            let competency = &model.competencies[c];
            format!("{} {}", competency.id, competency.name)
        }));
        let table = TableSheets::open(
            &self.book,
            HEATMAP_SHEET,
            columns,
            Colouring::Scale { first: 3 },
        )?;
        Ok(Heatmap {
            table,
            order,
            row: Vec::new(),
        })
    }

    /// Writes the workbook to `out` (every table must have been finished).
    pub fn save(self, out: impl Write + Send) -> io::Result<()> {
        guarded(|| self.write_to(out))
    }

    fn write_to(self, out: impl Write + Send) -> io::Result<()> {
        let mut book = self.book.borrow_mut();
        let book = &mut *book;
        // Each table's parts together, tables in the order they were opened.
        let sheets = std::mem::take(book.workbook.worksheets_mut());
        let mut keyed: Vec<((usize, usize), Worksheet)> =
            book.order.iter().copied().zip(sheets).collect();
        keyed.sort_by_key(|(k, _)| *k);
        book.workbook
            .worksheets_mut()
            .extend(keyed.into_iter().map(|(_, s)| s));
        book.order.sort();
        book.workbook.save_to_writer(out).map_err(xlsx_err)
    }
}

/// `SOURCE_DATE_EPOCH` when set to a whole number (the audit has already
/// refused any other value).
fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
}

/// How a table's cells are coloured.
enum Colouring {
    /// These columns (gaps) red below zero, green at or above it; empty
    /// cells (undefined gaps) are left alone.
    Gaps(Vec<u16>),
    /// The columns from `first` on, a 3-colour scale.
    Scale { first: u16 },
}

/// One table, on as many sheets as its rows need.
pub struct TableSheets {
    book: Rc<RefCell<Book>>,
    table: usize,
    name: String,
    columns: Vec<String>,
    colouring: Colouring,
    /// The worksheet being written and which part of the table it is.
    sheet: usize,
    part: usize,
    /// Data rows written so far, over all parts.
    rows: u64,
    /// The last row written on the current sheet (0: the header only).
    last_row: u32,
}

impl TableSheets {
    fn open(
        book: &Rc<RefCell<Book>>,
        name: &str,
        columns: Vec<String>,
        colouring: Colouring,
    ) -> io::Result<TableSheets> {
        let table = {
            let mut b = book.borrow_mut();
            b.tables += 1;
            b.tables - 1
        };
        let mut t = TableSheets {
            book: Rc::clone(book),
            table,
            name: name.to_string(),
            columns,
            colouring,
            sheet: 0,
            part: 0,
            rows: 0,
            last_row: 0,
        };
        t.sheet = t.new_sheet(0)?;
        Ok(t)
    }

    /// Adds part `part` of the table: its header row, frozen, and column
    /// widths from the header (constant-memory sheets cannot be fitted to
    /// their contents afterwards).
    fn new_sheet(&mut self, part: usize) -> io::Result<usize> {
        let mut book = self.book.borrow_mut();
        let index = book.add_sheet(&part_name(&self.name, part), (self.table, part))?;
        let header = book.styles.header.clone();
        let ws = book.sheet(index)?;
        for (c, name) in self.columns.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| too_many_columns(self.columns.len()))?;
            ws.write_string_with_format(0, c, name.as_str(), &header)
                .map_err(|e| match e {
                    XlsxError::RowColumnLimitError => too_many_columns(self.columns.len()),
                    e => xlsx_err(e),
                })?;
            let width = (name.chars().count() + 3).clamp(10, 40);
            ws.set_column_width(c, width as f64).map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        Ok(index)
    }

    /// Closes the current sheet: the autofilter over its rows and the
    /// conditional formats of its coloured columns.
    fn close_sheet(&mut self) -> io::Result<()> {
        let last_row = self.last_row;
        let last_col = (self.columns.len().max(1) - 1) as u16;
        let mut book = self.book.borrow_mut();
        let short = book.styles.short.clone();
        let met = book.styles.met.clone();
        let ws = book.sheet(self.sheet)?;
        ws.autofilter(0, 0, last_row, last_col).map_err(xlsx_err)?;
        if last_row == 0 {
            return Ok(());
        }
        match &self.colouring {
            Colouring::Gaps(cols) => {
                for &c in cols {
                    // A formula rule, not "cell < 0": Excel compares an
                    // empty cell as 0, which would colour undefined gaps.
                    let cell = rust_xlsxwriter::utility::row_col_to_cell(1, c);
                    let below = ConditionalFormatFormula::new()
                        .set_rule(format!("=AND(ISNUMBER({cell}),{cell}<0)").as_str())
                        .set_format(&short);
                    let at_or_above = ConditionalFormatFormula::new()
                        .set_rule(format!("=AND(ISNUMBER({cell}),{cell}>=0)").as_str())
                        .set_format(&met);
                    ws.add_conditional_format(1, c, last_row, c, &below)
                        .map_err(xlsx_err)?;
                    ws.add_conditional_format(1, c, last_row, c, &at_or_above)
                        .map_err(xlsx_err)?;
                }
            }
            Colouring::Scale { first } => {
                if *first <= last_col {
                    let scale = ConditionalFormat3ColorScale::new()
                        .set_minimum_color(Color::RGB(SCALE_LOW))
                        .set_midpoint(ConditionalFormatType::Number, 0)
                        .set_midpoint_color(Color::RGB(SCALE_MID))
                        .set_maximum_color(Color::RGB(SCALE_HIGH));
                    ws.add_conditional_format(1, *first, last_row, last_col, &scale)
                        .map_err(xlsx_err)?;
                }
            }
        }
        Ok(())
    }

    /// Writes one row, going on to a new sheet when this one is full.
    pub fn row(&mut self, values: &[Value]) -> io::Result<()> {
        guarded(|| self.write_row(values))
    }

    fn write_row(&mut self, values: &[Value]) -> io::Result<()> {
        let rows_per_sheet = self.book.borrow().rows_per_sheet;
        let (part, row) = position(self.rows, rows_per_sheet);
        if part != self.part {
            self.close_sheet()?;
            self.sheet = self.new_sheet(part)?;
            self.part = part;
        }
        let mut book = self.book.borrow_mut();
        let book = &mut *book;
        let ws = book
            .workbook
            .worksheet_from_index(self.sheet)
            .map_err(xlsx_err)?;
        for (c, v) in values.iter().enumerate() {
            let col = c as u16;
            match *v {
                Value::Text(s) => {
                    if s.is_empty() {
                        continue;
                    }
                    // Checked here so the message can name the column.
                    if s.len() > EXCEL_MAX_CELL_CHARS && s.chars().count() > EXCEL_MAX_CELL_CHARS {
                        return Err(io::Error::other(format!(
                            "Excel workbook: column \"{}\": a text of {} characters is longer \
                             than an Excel cell holds ({EXCEL_MAX_CELL_CHARS}); use --format csv",
                            self.columns.get(c).map_or("", String::as_str),
                            s.chars().count()
                        )));
                    }
                    ws.write_string(row, col, s).map_err(xlsx_err)?;
                }
                Value::Missing | Value::Num(None, _) => {}
                Value::Num(Some(x), d) => {
                    if x.is_finite() {
                        let format = book.styles.decimals(d);
                        ws.write_number_with_format(row, col, rounded(x, d), format)
                            .map_err(xlsx_err)?;
                    }
                }
                Value::Int(i) => {
                    ws.write_number(row, col, i as f64).map_err(xlsx_err)?;
                }
                Value::Bool(b) => {
                    ws.write_boolean(row, col, b).map_err(xlsx_err)?;
                }
            }
        }
        self.rows += 1;
        self.last_row = row;
        Ok(())
    }

    /// Finishes the last sheet of the table.
    pub fn close(mut self) -> io::Result<()> {
        guarded(|| self.close_sheet())
    }
}

fn too_many_columns(n: usize) -> io::Error {
    io::Error::other(format!(
        "Excel workbook: {n} columns are more than an Excel sheet holds (16,384); use --format csv"
    ))
}

impl Sink for TableSheets {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        TableSheets::row(self, values)
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.close()
    }
}

/// The people × competencies gap sheet (see `XlsxWorkbook::heatmap`).
pub struct Heatmap {
    table: TableSheets,
    /// Competency indices in column order.
    order: Vec<usize>,
    row: Vec<Value<'static>>,
}

impl Heatmap {
    /// One person and period: `gaps` indexed as the model's competencies
    /// (`score::Gaps::competency_gap`), `None` without a target grade.
    pub fn person(
        &mut self,
        person_id: &str,
        period: &str,
        target_grade: Option<&str>,
        gaps: Option<&[Option<f64>]>,
    ) -> io::Result<()> {
        self.row.clear();
        self.row.extend(
            self.order
                .iter()
                .map(|&c| Value::Num(gaps.and_then(|g| g.get(c).copied().flatten()), 2)),
        );
        let mut row: Vec<Value> = Vec::with_capacity(3 + self.row.len());
        row.push(Value::Text(person_id));
        row.push(Value::Text(period));
        row.push(target_grade.map_or(Value::Missing, Value::Text));
        row.extend_from_slice(&self.row);
        self.table.row(&row)
    }

    pub fn close(self) -> io::Result<()> {
        self.table.close()
    }
}

/// `output::sink`'s Excel format for commands without a sheet layout of
/// their own (`promote`, `appraise`, `stats`): an About sheet with the model
/// (input files are not known here) and the table on sheets named `data`.
/// The workbook needs a seekable file to be assembled in, so it is built in
/// an anonymous temporary file and copied to `out`.
pub(crate) struct StandaloneSink<'w> {
    workbook: XlsxWorkbook,
    table: TableSheets,
    out: Box<dyn Write + 'w>,
}

impl<'w> StandaloneSink<'w> {
    pub(crate) fn new(
        columns: Vec<String>,
        out: Box<dyn Write + 'w>,
        meta: (&str, &str),
    ) -> io::Result<StandaloneSink<'w>> {
        let audit = Audit::new(meta.0, meta.1, Vec::new())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let workbook = XlsxWorkbook::new(None)?;
        workbook.about(&audit)?;
        let table = workbook.table("data", columns)?;
        Ok(StandaloneSink {
            workbook,
            table,
            out,
        })
    }
}

impl Sink for StandaloneSink<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        self.table.row(values)
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let StandaloneSink {
            workbook,
            table,
            mut out,
        } = *self;
        table.close()?;
        let mut file = tempfile::tempfile()?;
        workbook.save(&mut file)?;
        file.rewind()?;
        io::copy(&mut file, &mut out)?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    #[test]
    fn rows_go_on_to_numbered_sheets() {
        // 4 rows a sheet: the header and 3 data rows.
        let at: Vec<(usize, u32)> = (0..7).map(|n| position(n, 4)).collect();
        assert_eq!(at, [(0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (1, 3), (2, 1)]);
        // Excel's own limit: 1,048,575 data rows on the first sheet.
        assert_eq!(position(1_048_574, EXCEL_MAX_ROWS), (0, 1_048_575));
        assert_eq!(position(1_048_575, EXCEL_MAX_ROWS), (1, 1));
        assert_eq!(part_name("scores", 0), "scores");
        assert_eq!(part_name("scores", 1), "scores (2)");
    }

    #[test]
    fn rounded_values_equal_the_csv_text() {
        for (x, d) in [
            (3.625, 2),
            (1.005, 2),
            (-0.004, 2),
            (0.123_456, 4),
            (2.5, 0),
        ] {
            let text = crate::score::round::format_rounded(x, d);
            assert_eq!(rounded(x, d), text.parse::<f64>().unwrap(), "{x} to {d}");
        }
    }

    fn read_back(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        Xlsx::new(Cursor::new(bytes)).expect("a workbook calamine reads")
    }

    fn save(workbook: XlsxWorkbook) -> Vec<u8> {
        let mut bytes = Vec::new();
        workbook.save(Cursor::new(&mut bytes)).expect("saved");
        bytes
    }

    /// A table longer than a sheet continues on `name (2)`, … each with the
    /// header, after the sheets opened before it and before those opened
    /// after it, and every row is written once, in order.
    #[test]
    fn a_long_table_continues_on_further_sheets() {
        let workbook = XlsxWorkbook::with_rows_per_sheet(None, 3).unwrap();
        workbook
            .about(&Audit::new("m", "1", Vec::new()).unwrap())
            .unwrap();
        let mut t = workbook
            .table("t", vec!["id".into(), "gap".into()])
            .unwrap();
        let mut other = workbook.table("u", vec!["x".into()]).unwrap();
        for i in 0..5u64 {
            let id = format!("p{i}");
            t.row(&[Value::Text(&id), Value::Num(Some(i as f64 - 2.0), 2)])
                .unwrap();
        }
        other.row(&[Value::Int(7)]).unwrap();
        t.close().unwrap();
        other.close().unwrap();
        let mut x = read_back(save(workbook));
        assert_eq!(x.sheet_names(), ["About", "t", "t (2)", "t (3)", "u"]);
        let mut ids = Vec::new();
        for name in ["t", "t (2)", "t (3)"] {
            let r = x.worksheet_range(name).unwrap();
            let rows: Vec<&[Data]> = r.rows().collect();
            assert_eq!(
                rows[0],
                [Data::String("id".into()), Data::String("gap".into())]
            );
            for row in &rows[1..] {
                ids.push((row[0].to_string(), row[1].clone()));
            }
        }
        let expected: Vec<(String, Data)> = (0..5)
            .map(|i| (format!("p{i}"), Data::Float(i as f64 - 2.0)))
            .collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn text_is_never_a_formula() {
        let workbook = XlsxWorkbook::new(None).unwrap();
        let mut t = workbook.table("t", vec!["id".into()]).unwrap();
        for s in ["=HYPERLINK(\"x\")", "+1", "-x", "@x"] {
            t.row(&[Value::Text(s)]).unwrap();
        }
        t.close().unwrap();
        let mut x = read_back(save(workbook));
        let formulas = x.worksheet_formula("t").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
        let r = x.worksheet_range("t").unwrap();
        let cells: Vec<String> = r.rows().skip(1).map(|row| row[0].to_string()).collect();
        assert_eq!(cells, ["=HYPERLINK(\"x\")", "+1", "-x", "@x"]);
    }

    #[test]
    fn a_text_too_long_for_a_cell_is_an_error_naming_the_column() {
        let workbook = XlsxWorkbook::new(None).unwrap();
        let mut t = workbook.table("t", vec!["people".into()]).unwrap();
        let long = "x".repeat(EXCEL_MAX_CELL_CHARS + 1);
        let e = t.row(&[Value::Text(&long)]).unwrap_err().to_string();
        assert!(
            e.contains("column \"people\"") && e.contains("32767"),
            "{e}"
        );
    }
}
