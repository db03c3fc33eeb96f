//! Spreadsheet input: `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and `.ods` workbooks
//! read with calamine, one sheet per file (`--sheet`, default the first).
//!
//! A sheet is turned into what a CSV file gives the validator: a header row
//! and rows of text fields, each with the number of the row the analyst sees
//! in the spreadsheet (1-based, header included), so every rule of
//! evaluation-files.md — formats, aliases, invalid rows, rejects, the summary —
//! is applied by the same code (`rows.rs`) as for CSV. Each cell becomes the
//! text it stands for:
//!
//! - numbers (stored as numbers, or the cached value of a formula) in their
//!   shortest round-trip form, integral ones without a fraction: 3 → `3`,
//!   3.5 → `3.5` (exactly what a CSV file would say);
//! - text as written; booleans `TRUE`/`FALSE`;
//! - dates and times of `.xlsx`, `.xlsm` and `.xls` sheets as the sheet
//!   displays them, by their number format (`date_format`; the formats are
//!   read by `xlsx_formats` and `xls_formats`, as calamine does not hand
//!   them on): a period cell showing `2026年6月` reads `2026年6月`, as
//!   Excel's own CSV export of the sheet writes it. Where the format cannot
//!   be known (`.xlsb`, `.ods`, or a package ksa cannot follow) dates read
//!   as ISO 8601: `2026-06-30`, with ` HH:MM:SS` when the cell also holds a
//!   time of day, a time alone as `HH:MM:SS`, a duration as `H:MM:SS`;
//! - error values (`#N/A`, `#DIV/0!`, …) as written, and listed separately:
//!   such a cell in a column ksa uses makes the row invalid.
//!
//! Memory: `.xlsx`, `.xlsm` and `.xlsb` sheets stream, one row at a time
//! (calamine's cell readers), so memory does not grow with rows, and a
//! hostile sheet whose only cell sits at XFD1048576 costs one row, not the
//! 550 GB a dense grid of it would take (which aborted ksa). `.xls` and
//! `.ods` have no cell reader in calamine: their sheets are read whole
//! (`.xls` is at most 65,536 × 256 cells).

use super::decode::{row_too_long, MAX_ROW_BYTES};
use super::ods_limits;
use super::xls_formats::XlsFormats;
use super::xlsx_formats::CellFormats;
use super::xlsx_limits::{Gate, Package};
use crate::error::{catch_quietly, KsaError, Result};
use calamine::{Data, DataRef, Reader, SheetType, SheetVisible, Sheets};
use csv::ByteRecord;
use std::fmt::Write as _;
use std::path::Path;

/// The spreadsheet format of a path, by its extension (case-insensitive),
/// or `None` for a file read as CSV.
pub fn format_of(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" => Some("xlsx"),
        "xlsm" => Some("xlsm"),
        "xlsb" => Some("xlsb"),
        "xls" => Some("xls"),
        "ods" => Some("ods"),
        _ => None,
    }
}

/// The visible sheets of a workbook in tab order; empty when it cannot be
/// opened (the reader then says why).
pub fn sheet_names(path: &Path, format: &str) -> Vec<String> {
    let names = catch_quietly(|| -> Option<Vec<String>> {
        let book: Sheets<_> = match format {
            "xls" => Sheets::Xls(calamine::open_workbook(path).ok()?),
            "xlsb" => Sheets::Xlsb(calamine::open_workbook(path).ok()?),
            "ods" => Sheets::Ods(calamine::open_workbook(path).ok()?),
            _ => Sheets::Xlsx(calamine::open_workbook(path).ok()?),
        };
        Some(
            book.sheets_metadata()
                .iter()
                .filter(|m| m.typ == SheetType::WorkSheet && m.visible == SheetVisible::Visible)
                .map(|m| m.name.clone())
                .collect(),
        )
    });
    names.ok().flatten().unwrap_or_default()
}

/// The sheet of `names` (visible worksheets in tab order) that `--sheet
/// choice` picks, as `read` picks it; `None` when none does.
pub fn choose_sheet_name(names: &[String], choice: &str) -> Option<String> {
    let wanted = choice.trim();
    names
        .iter()
        .find(|n| n.as_str() == choice || n.as_str() == wanted)
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_lowercase() == wanted.to_lowercase())
        })
        .cloned()
        .or_else(|| match wanted.parse::<usize>() {
            Ok(n) if (1..=names.len()).contains(&n) => Some(names[n - 1].clone()),
            _ => None,
        })
}

/// The first `most` rows of a sheet as text, with their row numbers (the
/// header included): what a message about a header looks at.
pub fn peek(
    path: &Path,
    label: &str,
    format: &str,
    sheet: &str,
    most: usize,
) -> Vec<(u64, Vec<String>)> {
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut text = String::new();
    let _ = read(
        path,
        label,
        format,
        Some(sheet),
        None,
        "a sheet",
        &mut |event| {
            match event {
                SheetEvent::Header {
                    number, headers, ..
                } => rows.push((number, headers)),
                SheetEvent::Row { number, cells, .. } => {
                    let mut row = Vec::with_capacity(cells.len());
                    for c in cells {
                        text.clear();
                        display(c, &mut text);
                        row.push(text.clone());
                    }
                    rows.push((number, row));
                }
            }
            if rows.len() >= most {
                // Enough seen: stop reading (the error is dropped).
                Err(KsaError::Other(String::new()))
            } else {
                Ok(())
            }
        },
    );
    rows
}

/// What the first bytes of a file named as a workbook say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The container its extension promises (or a file that cannot be
    /// looked into here, which the workbook reader then reports).
    Workbook,
    /// Text with a delimiter on its first line: a CSV file renamed.
    Csv,
    /// Something else, described for the message.
    Other(&'static str),
}

/// How a file is read: as the workbook its name says, or as CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A workbook of this format.
    Workbook(&'static str),
    /// CSV; with the note to give when the file is named as a workbook but
    /// holds CSV text.
    Csv(Option<String>),
}

/// How to read `path` (messages labelled `label`): by its extension, and
/// for a workbook's extension by its first bytes too (`content_of`). A
/// file named as a workbook that is neither a workbook nor CSV is an error
/// that says what it is and how to save it.
pub fn reading_of(path: &Path, label: &str) -> Result<Reading> {
    let Some(format) = format_of(path) else {
        return Ok(Reading::Csv(None));
    };
    match content_of(path, format) {
        Content::Workbook => Ok(Reading::Workbook(format)),
        Content::Csv => Ok(Reading::Csv(Some(format!(
            "{label}: named .{format} but is CSV text; read as CSV (rename it to .csv to say so)"
        )))),
        Content::Other(what) => Err(KsaError::invalid(format!(
            "{label}: named .{format} but is {what}; open it in Excel or LibreOffice and save it as .xlsx or .csv"
        ))),
    }
}

/// Looks at the first bytes of a file named `.xlsx`, `.xls`, … : a zip
/// (xlsx, xlsm, xlsb, ods) or a compound file (xls) is a workbook; text
/// whose first line has a comma, tab or semicolon is a CSV file renamed
/// (Excel's "save as" under another extension, or a system export named
/// .xls); an HTML table (what many web systems export as .xls) is named.
pub fn content_of(path: &Path, format: &str) -> Content {
    // A pipe or device is not opened here (it could block, or be read only
    // once): the workbook reader says what it is.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Content::Workbook;
    }
    let mut head = [0u8; 512];
    let n = match std::fs::File::open(path).and_then(|mut f| {
        let mut n = 0;
        while n < head.len() {
            match std::io::Read::read(&mut f, &mut head[n..])? {
                0 => break,
                k => n += k,
            }
        }
        Ok(n)
    }) {
        Ok(n) => n,
        Err(_) => return Content::Workbook,
    };
    let head = &head[..n];
    let zip = head.starts_with(b"PK\x03\x04");
    let cfb = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    match format {
        "xls" if cfb => return Content::Workbook,
        "xlsx" | "xlsm" | "xlsb" | "ods" if zip => return Content::Workbook,
        _ if zip || cfb || n == 0 => return Content::Workbook,
        _ => {}
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let lower = String::from_utf8_lossy(text).to_lowercase();
    if lower.trim_start().starts_with('<') && (lower.contains("<html") || lower.contains("<table"))
    {
        return Content::Other("an HTML page, not a workbook");
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Content::Csv; // UTF-16 text, as Excel's "Unicode text" saves it
    }
    let first = text.split(|&b| b == b'\n').next().unwrap_or(text);
    let printable = !first.iter().any(|&b| b < 0x09 || (0x0E..0x20).contains(&b));
    // A line break in the first bytes: lines of text.
    let lines = first.len() < text.len();
    match (
        printable,
        first.iter().any(|b| matches!(b, b',' | b'\t' | b';')),
    ) {
        (true, true) => Content::Csv,
        // Text, but not a table.
        (true, false) if lines => Content::Other("neither a workbook nor CSV text"),
        // Binary: a damaged workbook, which the workbook reader describes.
        _ => Content::Workbook,
    }
}

/// A cell holding a spreadsheet error value: its field and how it displays.
pub type CellError = (usize, String);

/// The widest row ksa reads, as in Excel (and as a CSV header's limit).
const MAX_SHEET_COLUMNS: u32 = 16_384;

/// What `read` hands on, in order: the header once, then each row.
pub enum SheetEvent<'a> {
    Header {
        /// `FILE[SHEET]`, the label of every message about the sheet.
        label: &'a str,
        /// The header's row number, as the spreadsheet numbers it.
        number: u64,
        /// The header cells as text, without trailing empty cells.
        headers: Vec<String>,
        /// Rows after the header as far as the sheet says (for progress).
        rows_hint: u64,
    },
    Row {
        /// Index of the row among those after the header (empty ones too).
        index: u64,
        /// The spreadsheet's row number (1-based, as the analyst sees it).
        number: u64,
        cells: &'a [Data],
    },
}

/// Reads the sheet `choice` of the workbook `path` (`--sheet`: a name, else
/// a 1-based number in tab order; `None` for the first) and hands its header
/// and then every row that is not empty to `on`. The workbook is opened as
/// `format`, from the extension whatever its case: calamine's own detection
/// only knows lower-case extensions and would otherwise try every format and
/// lose the real error. Empty rows are left out,
/// as a CSV file's empty lines are: they are not rows and are not counted,
/// but the row numbers after them stay those the analyst sees.
pub fn read(
    path: &Path,
    label: &str,
    format: &str,
    choice: Option<&str>,
    header_row: Option<u32>,
    what: &'static str,
    on: &mut dyn FnMut(SheetEvent) -> Result<()>,
) -> Result<()> {
    check_file(path, label)?;
    let damaged = |detail: &str| {
        KsaError::invalid(format!(
            "{label}: not a readable .{format} workbook: {}",
            one_line(detail)
        ))
    };
    // An `.xlsx` is checked against the limits before calamine reads what
    // it would hold whole (`xlsx_limits`).
    let mut package = match format {
        "xls" | "xlsb" => None,
        _ => Package::open(path),
    };
    if let Some(p) = package.as_mut() {
        let checked = match format {
            "ods" => catch_quietly(|| ods_limits::check(p, label)),
            _ => catch_quietly(|| p.check_parts(label)),
        };
        checked.unwrap_or_else(|_| Err(damaged("the file is damaged")))?;
    }
    let mut book: Sheets<_> = catch_quietly(|| -> Result<Sheets<_>> {
        Ok(match format {
            "xls" => Sheets::Xls(
                calamine::open_workbook(path)
                    .map_err(|e: calamine::XlsError| damaged(&e.to_string()))?,
            ),
            "xlsb" => Sheets::Xlsb(
                calamine::open_workbook(path)
                    .map_err(|e: calamine::XlsbError| damaged(&e.to_string()))?,
            ),
            "ods" => Sheets::Ods(
                calamine::open_workbook(path)
                    .map_err(|e: calamine::OdsError| damaged(&e.to_string()))?,
            ),
            _ => Sheets::Xlsx(
                calamine::open_workbook(path)
                    .map_err(|e: calamine::XlsxError| damaged(&e.to_string()))?,
            ),
        })
    })
    .unwrap_or_else(|_| Err(damaged("the file is damaged")))?;
    let name = choose_sheet(book.sheets_metadata(), choice, label)?;
    let label = format!("{label}[{name}]");
    let unreadable = |e: &dyn std::fmt::Display| {
        KsaError::invalid(format!(
            "{label}: cannot read the sheet: {}",
            one_line(&e.to_string())
        ))
    };
    let mut rows = RowAssembler::new(&label, on);
    rows.skip_before = header_row.map_or(0, |n| n.saturating_sub(1));
    rows.what = what;
    match &mut book {
        Sheets::Xlsx(book) => {
            // The sheet's XML is checked on a thread of its own, a cell
            // ahead of calamine at least (`xlsx_limits::Gate`); where its
            // part cannot be told for sure, every sheet first, whole.
            let gate = Gate::default();
            let mut checker = None;
            if let Some(mut p) = package.take() {
                match p.sheet_part(&name) {
                    Some(part) => checker = Some((p, part)),
                    None => catch_quietly(|| p.check_every_sheet(&label))
                        .map_err(|m| unreadable(&m))??,
                }
            }
            let is_1904 = book.has_1904_epoch();
            let mut dates = DatesAsShown::new(path, &name, FormatsOf::Xlsx { is_1904 });
            std::thread::scope(|scope| -> Result<()> {
                let gate = &gate;
                let label = label.as_str();
                let mut gated = None;
                if let Some((mut p, part)) = checker {
                    let check = move || {
                        if let Err(m) = catch_quietly(|| p.check_sheet(part, label, gate)) {
                            gate.failed(format!(
                                "{label}: cannot read the sheet: {}",
                                one_line(&m)
                            ));
                        }
                    };
                    std::thread::Builder::new()
                        .name("ksa-sheet-check".into())
                        .spawn_scoped(scope, check)
                        .map_err(|e| {
                            KsaError::Other(format!("{label}: cannot start a thread: {e}"))
                        })?;
                    gated = Some(gate);
                }
                let read = (|| {
                    if let Some(g) = gated {
                        g.before_cell(0).map_err(|o| o.error)?;
                    }
                    let mut cells = catch_quietly(|| book.worksheet_cells_reader(&name))
                        .map_err(|m| unreadable(&m))?
                        .map_err(|e| unreadable(&e))?;
                    let last_row = cells.dimensions().end.0;
                    let next = || cells.next_cell();
                    stream_cells(
                        &mut rows,
                        last_row,
                        next,
                        Some(&mut dates),
                        gated,
                        &unreadable,
                    )
                })();
                gate.cancel();
                read
            })?;
        }
        Sheets::Xlsb(book) => {
            let mut cells = catch_quietly(|| book.worksheet_cells_reader(&name))
                .map_err(|m| unreadable(&m))?
                .map_err(|e| unreadable(&e))?;
            let last_row = cells.dimensions().end.0;
            stream_cells(
                &mut rows,
                last_row,
                || cells.next_cell(),
                None,
                None,
                &unreadable,
            )?;
        }
        book => {
            let range = catch_quietly(|| book.worksheet_range(&name))
                .map_err(|m| unreadable(&m))?
                .map_err(|e| unreadable(&e))?;
            // `.xls` dates as the sheet shows them; `.ods` ones stay ISO.
            let mut dates = match book {
                Sheets::Xls(_) => Some(DatesAsShown::new(path, &name, FormatsOf::Xls)),
                _ => None,
            };
            let (top, left) = range.start().unwrap_or((0, 0));
            rows.rows_hint = u64::from(top) + range.height() as u64;
            // Positions in a range are relative to its first cell.
            for (row, col, value) in range.used_cells() {
                let (row, col) = (top + row as u32, left + col as u32);
                let shown = match (value, dates.as_mut()) {
                    (Data::DateTime(d), Some(dates)) => dates.shown(row, col, d.as_f64()),
                    _ => None,
                };
                rows.cell_data(row, col, shown.map_or_else(|| value.clone(), Data::String))?;
            }
        }
    }
    rows.finish()
}

/// Feeds the cells of one of calamine's cell readers (`next_cell`) to
/// `rows`, date cells as `dates` shows them where it can; `last_row` is the
/// sheet's own idea of its extent, for progress.
fn stream_cells<'a, E: std::fmt::Display>(
    rows: &mut RowAssembler,
    last_row: u32,
    mut next_cell: impl FnMut() -> std::result::Result<Option<calamine::Cell<DataRef<'a>>>, E>,
    mut dates: Option<&mut DatesAsShown>,
    gate: Option<&Gate>,
    unreadable: &dyn Fn(&dyn std::fmt::Display) -> KsaError,
) -> Result<()> {
    rows.rows_hint = u64::from(last_row) + 1;
    let mut n: u64 = 0;
    loop {
        n += 1;
        if let Some(Err(over)) = gate.map(|g| g.before_cell(n)) {
            // The rows before the one over the limit come first, as in a
            // CSV file; the row over it is not handed on in part.
            let pending = rows.row.map(|r| u64::from(r) + 1);
            if over.row.is_none() || over.row != pending {
                rows.flush()?;
            }
            return Err(over.error);
        }
        let Some(cell) = catch_quietly(&mut next_cell)
            .map_err(|m| unreadable(&m))?
            .map_err(|e| unreadable(&e))?
        else {
            break;
        };
        let (row, col) = cell.get_position();
        let value = cell.get_value();
        let shown = match (value, dates.as_deref_mut()) {
            (DataRef::DateTime(d), Some(dates)) => dates.shown(row, col, d.as_f64()),
            _ => None,
        };
        match shown {
            Some(text) => rows.cell_data(row, col, Data::String(text))?,
            None => rows.cell(row, col, value)?,
        }
    }
    Ok(())
}

/// Which second reader finds a workbook's date display formats.
#[derive(Clone, Copy)]
enum FormatsOf {
    Xlsx { is_1904: bool },
    Xls,
}

/// A sheet's date display formats, once read.
enum SheetFormats {
    Xlsx(CellFormats),
    Xls(XlsFormats),
}

/// Date cells of an `.xlsx` or `.xls` sheet as the sheet displays them, by
/// their number format (`date_format`); the formats are read only once a
/// date cell is met, so sheets without dates pay nothing.
struct DatesAsShown<'p> {
    path: &'p Path,
    sheet: String,
    of: FormatsOf,
    /// `None` until the first date; `Some(None)` if the formats could not
    /// be read (dates then read as ISO 8601).
    formats: Option<Option<SheetFormats>>,
}

impl<'p> DatesAsShown<'p> {
    fn new(path: &'p Path, sheet: &str, of: FormatsOf) -> Self {
        DatesAsShown {
            path,
            sheet: sheet.to_string(),
            of,
            formats: None,
        }
    }

    fn shown(&mut self, row: u32, col: u32, serial: f64) -> Option<String> {
        // The zip, XML and compound-file libraries read the workbook a
        // second time; should they panic on a damaged part, dates read as
        // ISO from then on.
        let (path, sheet, of) = (self.path, &self.sheet, self.of);
        let open = || match of {
            FormatsOf::Xlsx { is_1904 } => {
                CellFormats::open(path, sheet, is_1904).map(SheetFormats::Xlsx)
            }
            FormatsOf::Xls => XlsFormats::open(path, sheet).map(SheetFormats::Xls),
        };
        let formats = self
            .formats
            .get_or_insert_with(|| catch_quietly(open).ok()?)
            .as_mut()?;
        let shown = catch_quietly(|| match formats {
            SheetFormats::Xlsx(f) => f.shown(row, col, serial),
            SheetFormats::Xls(f) => f.shown(row, col, serial),
        });
        shown.unwrap_or_else(|_| {
            self.formats = Some(None);
            None
        })
    }
}

/// Turns cells, which come row by row, into whole rows for `SheetEvent`s:
/// the first row that is not empty is the header.
struct RowAssembler<'l, 'f> {
    label: &'l str,
    on: &'f mut dyn FnMut(SheetEvent) -> Result<()>,
    rows_hint: u64,
    /// The row being filled (0-based sheet row), its cells and the bytes
    /// of their text so far (bounded by the row limit, as a CSV row is).
    row: Option<u32>,
    cells: Vec<Data>,
    row_bytes: u64,
    /// The header's 0-based sheet row, once seen.
    header_row: Option<u32>,
    /// `--header-row N`: rows above N-1 (0-based) are a title, skipped.
    skip_before: u32,
    /// The kind of sheet, for the message about a sheet with no header:
    /// "an evaluation sheet", "a results sheet".
    what: &'static str,
}

impl<'l, 'f> RowAssembler<'l, 'f> {
    fn new(label: &'l str, on: &'f mut dyn FnMut(SheetEvent) -> Result<()>) -> Self {
        RowAssembler {
            label,
            on,
            rows_hint: 0,
            row: None,
            cells: Vec::new(),
            row_bytes: 0,
            header_row: None,
            skip_before: 0,
            what: "an evaluation sheet",
        }
    }

    fn cell(&mut self, row: u32, col: u32, value: &DataRef) -> Result<()> {
        // Counted before the text is copied out of the shared strings.
        let text = match value {
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
            DataRef::SharedString(s) => s.len(),
            _ => 0,
        };
        self.count_text(row, text)?;
        self.place(row, col, Data::from(value.clone()))
    }

    fn cell_data(&mut self, row: u32, col: u32, value: Data) -> Result<()> {
        let text = match &value {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len(),
            _ => 0,
        };
        self.count_text(row, text)?;
        self.place(row, col, value)
    }

    /// Adds `bytes` of text to row `row` (0-based); over the row limit, the
    /// row's error. A row's numbers are short and its cells at most 16,384,
    /// so text is what can make a row long.
    fn count_text(&mut self, row: u32, bytes: usize) -> Result<()> {
        if self.row != Some(row) {
            self.row_bytes = 0;
        }
        self.row_bytes += bytes as u64;
        if self.row_bytes > MAX_ROW_BYTES {
            return Err(KsaError::invalid(row_too_long(
                self.label,
                u64::from(row) + 1,
            )));
        }
        Ok(())
    }

    /// Puts a counted cell in its row, handing on the row before it.
    fn place(&mut self, row: u32, col: u32, value: Data) -> Result<()> {
        if is_blank(&value) {
            return Ok(());
        }
        if col >= MAX_SHEET_COLUMNS {
            return Err(KsaError::invalid(format!(
                "{}:{}: a cell in column {} is beyond the 16,384 columns ksa reads (the column limit, as in Excel)",
                self.label,
                u64::from(row) + 1,
                u64::from(col) + 1,
            )));
        }
        match self.row {
            Some(r) if r == row => {}
            Some(r) if row < r => {
                return Err(KsaError::invalid(format!(
                    "{}:{}: the sheet's rows are out of order (row {} after row {}); the file is damaged",
                    self.label,
                    u64::from(row) + 1,
                    u64::from(row) + 1,
                    u64::from(r) + 1
                )));
            }
            _ => {
                self.flush()?;
                self.row = Some(row);
            }
        }
        let col = col as usize;
        if self.cells.len() <= col {
            self.cells.resize(col + 1, Data::Empty);
        }
        self.cells[col] = value;
        Ok(())
    }

    /// Hands on the row being filled, if any.
    fn flush(&mut self) -> Result<()> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        match self.header_row {
            None if row < self.skip_before => {}
            None => {
                let width = used_width(&self.cells);
                let mut headers = Vec::with_capacity(width);
                let mut text = String::new();
                for cell in &self.cells[..width] {
                    text.clear();
                    display(cell, &mut text);
                    headers.push(text.clone());
                }
                self.header_row = Some(row);
                (self.on)(SheetEvent::Header {
                    label: self.label,
                    number: u64::from(row) + 1,
                    headers,
                    rows_hint: self.rows_hint.saturating_sub(u64::from(row) + 1),
                })?;
            }
            Some(header) => {
                (self.on)(SheetEvent::Row {
                    index: u64::from(row - header - 1),
                    number: u64::from(row) + 1,
                    cells: &self.cells,
                })?;
            }
        }
        self.cells.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.flush()?;
        if self.header_row.is_none() {
            return Err(KsaError::invalid(format!(
                "{}: no header row (the sheet is empty); {} starts with a header",
                self.label, self.what
            )));
        }
        Ok(())
    }
}

/// Fills `record` with a row's cells as text and `errors` with its error
/// cells. The row has as many fields as the header (`header_width`), or
/// more when a cell right of the header is used (a wrong number of fields,
/// as in CSV).
pub fn fill(
    cells: &[Data],
    header_width: usize,
    record: &mut ByteRecord,
    errors: &mut Vec<CellError>,
    text: &mut String,
) {
    record.clear();
    errors.clear();
    let width = used_width(cells).max(header_width);
    for (i, cell) in cells.iter().take(width).enumerate() {
        text.clear();
        display(cell, text);
        if let Data::Error(_) = cell {
            errors.push((i, text.clone()));
        }
        record.push_field(text.as_bytes());
    }
    // Cells right of the last used one in this row are not stored: pad to
    // the header's width, as a CSV row with empty trailing fields has them.
    for _ in record.len()..width {
        record.push_field(b"");
    }
}

/// The same file-level messages as for a CSV file: missing and 0-byte
/// files are named as such, not as damaged workbooks.
fn check_file(path: &Path, label: &str) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => KsaError::invalid(format!("{label}: file not found")),
        _ => KsaError::invalid(format!("{label}: cannot open: {e}")),
    })?;
    if meta.is_dir() {
        return Err(KsaError::invalid(format!(
            "{label}: is a folder, not a workbook"
        )));
    }
    if !meta.is_file() {
        // The workbook readers open the file by its path, several times.
        return Err(KsaError::invalid(format!(
            "{label}: is a pipe or device; a workbook is read from a file: save it first (CSV can come through a pipe)"
        )));
    }
    if meta.len() == 0 {
        return Err(KsaError::invalid(format!(
            "{label}: the file is empty (0 bytes); an evaluation file needs at least a header row"
        )));
    }
    Ok(())
}

/// Picks the sheet `--sheet` names (evaluations of one file come from one
/// sheet). Numbers count the visible worksheets in tab order from 1, as the
/// analyst sees the tabs; a name is matched first (exactly, then ignoring
/// case), so a sheet called "2" is found by its name. Hidden sheets can be
/// chosen by name only.
fn choose_sheet(sheets: &[calamine::Sheet], choice: Option<&str>, label: &str) -> Result<String> {
    let worksheets: Vec<&calamine::Sheet> = sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .collect();
    let tabs: Vec<&str> = worksheets
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible)
        .map(|s| s.name.as_str())
        .collect();
    let listing = || {
        let mut l = if tabs.is_empty() {
            "the workbook has no visible worksheet".to_string()
        } else {
            let shown: Vec<String> = tabs
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{} {n:?}", i + 1))
                .collect();
            format!("sheets: {}", shown.join(", "))
        };
        let hidden: Vec<String> = worksheets
            .iter()
            .filter(|s| s.visible != SheetVisible::Visible)
            .map(|s| format!("{:?}", s.name))
            .collect();
        if !hidden.is_empty() {
            let _ = write!(l, "; hidden: {}", hidden.join(", "));
        }
        l
    };
    let Some(choice) = choice else {
        return tabs
            .first()
            .map(|s| s.to_string())
            .ok_or_else(|| KsaError::invalid(format!("{label}: {}", listing())));
    };
    let wanted = choice.trim();
    if let Some(s) = worksheets
        .iter()
        .find(|s| s.name == choice || s.name == wanted)
    {
        return Ok(s.name.clone());
    }
    let folded = wanted.to_lowercase();
    if let Some(s) = worksheets.iter().find(|s| s.name.to_lowercase() == folded) {
        return Ok(s.name.clone());
    }
    match wanted.parse::<usize>() {
        Ok(n) if (1..=tabs.len()).contains(&n) => Ok(tabs[n - 1].to_string()),
        Ok(0) => Err(KsaError::invalid(format!(
            "{label}: --sheet 0: sheets are numbered from 1 in tab order ({})",
            listing()
        ))),
        Ok(n) => Err(KsaError::invalid(format!(
            "{label}: no sheet {n}: the workbook has {} ({})",
            plural(tabs.len(), "visible sheet"),
            listing()
        ))),
        Err(_) => Err(KsaError::invalid(format!(
            "{label}: no sheet named {wanted:?} ({})",
            listing()
        ))),
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Library messages on one line, as every ksa error is.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.is_empty(),
        _ => false,
    }
}

/// Cells up to the last one that is not blank.
fn used_width(cells: &[Data]) -> usize {
    cells
        .iter()
        .rposition(|c| !is_blank(c))
        .map_or(0, |i| i + 1)
}

/// Appends the text a cell stands for (see the module comment).
fn display(cell: &Data, out: &mut String) {
    match cell {
        Data::Empty => {}
        Data::String(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) => number(*f, out),
        Data::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(d) if d.is_duration() => duration(d.as_f64() * 86_400.0, out),
        Data::DateTime(d) => {
            let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            let has_time = (h, mi, s, ms) != (0, 0, 0, 0);
            if d.as_f64() >= 0.0 && d.as_f64() < 1.0 {
                // A time of day alone: Excel stores it on day 0.
                let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
            } else {
                let _ = write!(out, "{y:04}-{mo:02}-{day:02}");
                if has_time {
                    let _ = write!(out, " {h:02}:{mi:02}:{s:02}");
                }
            }
            if ms != 0 {
                let _ = write!(out, ".{ms:03}");
            }
        }
        Data::DateTimeIso(s) => iso_datetime(s, out),
        Data::DurationIso(s) => iso_duration(s, out),
        Data::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

/// The shortest text that reads back as the same number: `3` for 3.0 (as a
/// CSV file would have it), `3.5`, `0.30000000000000004`. Whole numbers
/// below 10¹⁷ are written out as integers, as a sheet shows an id such as
/// 1234567890123456 in its cell and formula bar. Other very large and very
/// small magnitudes use an exponent (`1e20`), which the score grammar
/// accepts, rather than dozens of zeros.
fn number(v: f64, out: &mut String) {
    let a = v.abs();
    let _ = if v == 0.0 {
        write!(out, "0") // also -0
    } else if (1e-6..1e15).contains(&a) || (v.fract() == 0.0 && a < WHOLE_BELOW) {
        write!(out, "{v}")
    } else {
        write!(out, "{v:e}")
    };
}

/// Whole numbers below this are written as integers (`number`).
const WHOLE_BELOW: f64 = 1e17;

fn duration(seconds: f64, out: &mut String) {
    let total = seconds.round() as i64;
    let sign = if total < 0 { "-" } else { "" };
    let t = total.abs();
    let _ = write!(out, "{sign}{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
}

/// ODS dates (`2026-06-30`, `2026-06-30T13:45:00`) in the same form as
/// Excel's: a space before the time, no time at midnight.
fn iso_datetime(s: &str, out: &mut String) {
    match s.split_once('T') {
        Some((date, time)) => {
            let whole = time.split('.').next().unwrap_or(time);
            let fraction_zero = time[whole.len()..]
                .trim_start_matches('.')
                .bytes()
                .all(|b| b == b'0');
            out.push_str(date);
            if !(whole == "00:00:00" && fraction_zero) {
                out.push(' ');
                out.push_str(time);
            }
        }
        None => out.push_str(s),
    }
}

/// ODS durations (`PT13H45M00S`) as `13:45:00`; anything else as written.
fn iso_duration(s: &str, out: &mut String) {
    let parsed = (|| {
        let rest = s.strip_prefix("PT")?;
        let (h, rest) = rest.split_once('H').unwrap_or(("0", rest));
        let (m, rest) = rest.split_once('M').unwrap_or(("0", rest));
        let sec = if rest.is_empty() {
            "0"
        } else {
            rest.strip_suffix('S')?
        };
        let total = h.parse::<f64>().ok()? * 3600.0
            + m.parse::<f64>().ok()? * 60.0
            + sec.parse::<f64>().ok()?;
        Some(total)
    })();
    match parsed {
        Some(t) => duration(t, out),
        None => out.push_str(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    fn shown(cell: Data) -> String {
        let mut s = String::new();
        display(&cell, &mut s);
        s
    }

    #[test]
    fn numbers_read_as_a_csv_file_would_write_them() {
        assert_eq!(shown(Data::Float(3.0)), "3");
        assert_eq!(shown(Data::Float(3.5)), "3.5");
        assert_eq!(shown(Data::Float(-0.0)), "0");
        assert_eq!(shown(Data::Float(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(shown(Data::Float(10001.0)), "10001");
        assert_eq!(shown(Data::Float(1e20)), "1e20");
        assert_eq!(shown(Data::Float(1e15)), "1000000000000000");
        assert_eq!(shown(Data::Float(1234567890123456.0)), "1234567890123456");
        assert_eq!(shown(Data::Float(-2e16)), "-20000000000000000");
        assert_eq!(shown(Data::Float(1.5e15)), "1500000000000000");
        assert_eq!(shown(Data::Float(2.5e-9)), "2.5e-9");
        assert_eq!(shown(Data::Int(4)), "4");
        for v in [3.0, 3.5, 4.25, 1.0 / 3.0, 1e20, 2.5e-9, 123456.789] {
            assert_eq!(shown(Data::Float(v)).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn dates_read_as_iso() {
        let at = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(shown(at(46203.0)), "2026-06-30");
        assert_eq!(shown(at(46203.5)), "2026-06-30 12:00:00");
        assert_eq!(shown(at(0.75)), "18:00:00");
        let span = Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(shown(span), "36:00:00");
        assert_eq!(shown(Data::DateTimeIso("2026-06-30".into())), "2026-06-30");
        assert_eq!(
            shown(Data::DateTimeIso("2026-06-30T00:00:00".into())),
            "2026-06-30"
        );
        assert_eq!(
            shown(Data::DateTimeIso("2026-06-30T13:45:00".into())),
            "2026-06-30 13:45:00"
        );
        assert_eq!(shown(Data::DurationIso("PT13H45M00S".into())), "13:45:00");
        assert_eq!(shown(Data::DurationIso("P1D".into())), "P1D");
    }

    #[test]
    fn other_cells() {
        assert_eq!(shown(Data::Bool(true)), "TRUE");
        assert_eq!(shown(Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(shown(Data::Error(CellErrorType::Div0)), "#DIV/0!");
        assert_eq!(shown(Data::String("张伟".into())), "张伟");
        assert_eq!(shown(Data::Empty), "");
    }

    #[test]
    fn dates_read_as_iso_when_the_display_formats_cannot_be_read() {
        // The second pass over a package that is not there (or not laid out
        // as expected) gives up: `None`, so the caller shows ISO.
        for (file, of) in [
            ("no such workbook.xlsx", FormatsOf::Xlsx { is_1904: false }),
            ("no such workbook.xls", FormatsOf::Xls),
        ] {
            let mut dates = DatesAsShown::new(Path::new(file), "Sheet1", of);
            assert_eq!(dates.shown(1, 1, 46_203.0), None);
            assert!(
                matches!(dates.formats, Some(None)),
                "tried once, then not again"
            );
            assert_eq!(dates.shown(2, 1, 46_203.0), None);
        }
    }

    #[test]
    fn formats_by_extension_ignoring_case() {
        assert_eq!(format_of(Path::new("a/评分.XLSX")), Some("xlsx"));
        assert_eq!(format_of(Path::new("r.Ods")), Some("ods"));
        assert_eq!(format_of(Path::new("r.xls")), Some("xls"));
        assert_eq!(format_of(Path::new("r.csv")), None);
        assert_eq!(format_of(Path::new("xlsx")), None);
    }

    #[test]
    fn sheets_by_name_then_tab_number() {
        let sheet = |name: &str, visible| calamine::Sheet {
            name: name.to_string(),
            typ: SheetType::WorkSheet,
            visible,
        };
        let book = [
            sheet("说明", SheetVisible::Visible),
            sheet("草稿", SheetVisible::Hidden),
            sheet("评分", SheetVisible::Visible),
            sheet("1", SheetVisible::Visible),
        ];
        let pick = |c| choose_sheet(&book, c, "r.xlsx");
        assert_eq!(pick(None).unwrap(), "说明");
        assert_eq!(pick(Some("评分")).unwrap(), "评分");
        assert_eq!(pick(Some("2")).unwrap(), "评分"); // hidden sheets are not counted
        assert_eq!(pick(Some("1")).unwrap(), "1"); // a name wins over a number
        assert_eq!(pick(Some("草稿")).unwrap(), "草稿");
        assert_eq!(
            pick(Some("5")).unwrap_err().to_string(),
            r#"r.xlsx: no sheet 5: the workbook has 3 visible sheets (sheets: 1 "说明", 2 "评分", 3 "1"; hidden: "草稿")"#
        );
        assert_eq!(
            pick(Some("Scores")).unwrap_err().to_string(),
            r#"r.xlsx: no sheet named "Scores" (sheets: 1 "说明", 2 "评分", 3 "1"; hidden: "草稿")"#
        );
    }
}
