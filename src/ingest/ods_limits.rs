//! Bounds on what calamine builds of an `.ods` workbook, checked before it
//! reads it (docs/hardening.md, "Limits").
//!
//! calamine reads every sheet of an `.ods` whole when it opens the file, and
//! expands repeats as it goes: `table:number-columns-repeated` copies a cell
//! (and its text) once for each column, and `table:number-rows-repeated` a
//! row once for each row between the first and the last row that is not
//! empty. An 841-byte file of 999,990 rows of 100 repeated cells so took
//! 12 GB. `content.xml` is read here first, streaming, event for event as
//! calamine reads it, counting what calamine would hold with the repeats
//! expanded — without expanding anything:
//!
//! - at most [`MAX_ODS_CELLS`] cells, as stored and as expanded;
//! - at most [`MAX_ODS_TEXT_BYTES`] of cell text and formulas, likewise
//!   (a `text:s` element counts its spaces: `text:c="1000000000"` is 1 GB);
//! - no cell longer than the row limit (`decode::MAX_ROW_BYTES`), as text
//!   or in the XML, and no other XML event either;
//! - the manifest, which calamine reads for encryption, at most
//!   `xlsx_formats::MAX_PART_BYTES`.
//!
//! Empty rows after the last row with a value (spreadsheet programs write
//! one repeated up to row 1,048,576) are not expanded by calamine and not
//! counted. Where calamine would stop with an error of its own, the check
//! stops too and leaves the error to it — except a `content.xml` that ends
//! inside a table, on which calamine would read the end of the file for
//! ever: that is an error here.

use super::decode::{row_too_long, MAX_ROW_BYTES};
use super::xlsx_formats::MAX_PART_BYTES;
use super::xlsx_limits::{allow, over, xml, Package, Xml};
use crate::error::{thousands, KsaError, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use std::io::{self, BufRead, Read};

/// The most cells of an `.ods` workbook, its repeated rows and columns
/// expanded: 10,000,000 (a million rows of ten columns; calamine holds each
/// as some 56 bytes, and every sheet of the file at once). README "Limits".
pub const MAX_ODS_CELLS: u64 = 10_000_000;

/// The most text (cell values and formulas) of an `.ods` workbook, repeats
/// expanded: 256 MiB. README "Limits".
pub const MAX_ODS_TEXT_BYTES: u64 = 256 << 20;

/// calamine's own caps on a sheet, which it applies to repeats.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Checks the `.ods` at `package` (labelled `label`) before calamine opens it.
pub fn check(package: &mut Package, label: &str) -> Result<()> {
    for i in package.entries_named("META-INF/manifest.xml") {
        if let Some(mut r) = package.reader(i) {
            let size = io::copy(&mut (&mut r).take(MAX_PART_BYTES + 1), &mut io::sink());
            if size.is_ok_and(|n| n > MAX_PART_BYTES) {
                return Err(KsaError::invalid(format!(
                    "{label}: META-INF/manifest.xml is larger than {} MiB, the limit on a workbook's manifest",
                    MAX_PART_BYTES >> 20
                )));
            }
        }
    }
    for i in package.entries_named("content.xml") {
        if let Some(r) = package.reader(i) {
            content(r, label)?;
        }
    }
    Ok(())
}

/// Where a mirrored read of calamine's got.
enum Step {
    Done,
    /// calamine stops here with an error of its own.
    Stops,
    Over,
}

/// What calamine holds, counted over the whole workbook.
#[derive(Default)]
struct Held {
    /// Cells and text as read (before rows are repeated) and as expanded.
    cells: u64,
    text: u64,
    expanded_cells: u64,
    expanded_text: u64,
}

/// One table (sheet) as it is read: its rows so far.
#[derive(Default)]
struct Table {
    name: String,
    /// Rows so far with their repeats (capped as calamine caps them).
    rows: u64,
    /// Rows from the first one with a value, and up to the last one.
    since_first: Option<u64>,
    to_last: u64,
    /// The widest row with a value, and the text of the rows with one,
    /// each times its repeats.
    width: u64,
    text: u64,
}

fn content<R: BufRead>(part: R, label: &str) -> Result<()> {
    let mut x = xml(part);
    let mut buf = Vec::new();
    let mut held = Held::default();
    loop {
        allow(&mut x, MAX_ROW_BYTES);
        buf.clear();
        let event = x.read_event_into(&mut buf);
        if over(&x) {
            return Err(outside(label));
        }
        match event {
            Ok(Event::Start(e)) if e.name() == QName(b"table:table") => {
                let name = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key == QName(b"table:name"))
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                // A table without a name calamine does not read as one.
                if let Some(name) = name {
                    let mut table = Table {
                        name,
                        ..Table::default()
                    };
                    if !read_table(&mut x, &mut table, &mut held, label)? {
                        return Ok(());
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            _ => {}
        }
    }
}

fn outside(label: &str) -> KsaError {
    KsaError::invalid(format!(
        "{label}: an XML element outside the rows is longer than {} MiB, the limit on one row",
        MAX_ROW_BYTES >> 20
    ))
}

/// `table:table` after its start tag, as calamine's `read_table` reads it.
/// `false` where calamine stops.
fn read_table<R: BufRead>(
    x: &mut Xml<R>,
    table: &mut Table,
    held: &mut Held,
    label: &str,
) -> Result<bool> {
    let sheet = |row: u64| format!("{label}[{}]:{row}", table.name);
    let mut buf = Vec::new();
    let (mut cell_buf, mut inner) = (Vec::new(), Vec::new());
    loop {
        allow(x, MAX_ROW_BYTES);
        buf.clear();
        let event = x.read_event_into(&mut buf);
        if over(x) {
            return Err(KsaError::invalid(format!(
                "{label}[{}]: an XML element outside the rows is longer than {} MiB, the limit on one row",
                table.name,
                MAX_ROW_BYTES >> 20
            )));
        }
        match event {
            Ok(Event::Start(e)) if e.name() == QName(b"table:table-row") => {
                let repeats = match attribute(&e, b"table:number-rows-repeated") {
                    None => 1,
                    Some(v) => match parse(&v) {
                        Some(n) => n,
                        None => return Ok(false), // calamine's parse error
                    },
                };
                let row = table.rows + 1;
                let repeats = repeats.min(MAX_ROWS.saturating_sub(table.rows));
                table.rows += repeats;
                let (cells, text, step) = read_row(x, &mut cell_buf, &mut inner);
                match step {
                    Step::Done => {}
                    Step::Stops => return Ok(false),
                    Step::Over => {
                        return Err(KsaError::invalid(row_too_long(
                            &format!("{label}[{}]", table.name),
                            row,
                        )))
                    }
                }
                if text > MAX_ROW_BYTES {
                    return Err(KsaError::invalid(row_too_long(
                        &format!("{label}[{}]", table.name),
                        row,
                    )));
                }
                held.cells += cells;
                held.text += text;
                if let Some(since) = table.since_first.as_mut() {
                    *since += repeats;
                }
                if cells > 0 {
                    let since = *table.since_first.get_or_insert(repeats);
                    table.to_last = since;
                    table.width = table.width.max(cells);
                    table.text = table.text.saturating_add(text.saturating_mul(repeats));
                }
                let expanded_cells = held
                    .expanded_cells
                    .saturating_add(table.to_last.saturating_mul(table.width));
                let expanded_text = held.expanded_text.saturating_add(table.text);
                if held.cells.max(expanded_cells) > MAX_ODS_CELLS {
                    return Err(KsaError::invalid(format!(
                        "{}: the workbook holds more than {} cells up to this row, repeated rows and columns counted, the limit on an .ods workbook (every sheet is read whole)",
                        sheet(row),
                        thousands(MAX_ODS_CELLS)
                    )));
                }
                if held.text.max(expanded_text) > MAX_ODS_TEXT_BYTES {
                    return Err(KsaError::invalid(format!(
                        "{}: the workbook holds more than {} MiB of text up to this row, repeated rows and columns counted, the limit on an .ods workbook (every sheet is read whole)",
                        sheet(row),
                        MAX_ODS_TEXT_BYTES >> 20
                    )));
                }
            }
            Ok(Event::End(e)) if e.name() == QName(b"table:table") => {
                held.expanded_cells += table.to_last.saturating_mul(table.width);
                held.expanded_text = held.expanded_text.saturating_add(table.text);
                return Ok(true);
            }
            // calamine's `read_table` would read the end of the file again
            // and again.
            Ok(Event::Eof) => {
                return Err(KsaError::invalid(format!(
                    "{label}[{}]: content.xml ends inside the sheet; the file is damaged",
                    table.name
                )))
            }
            Err(_) => return Ok(false),
            _ => {}
        }
    }
}

/// The raw value of attribute `key` of `e`.
fn attribute(e: &BytesStart, key: &[u8]) -> Option<Vec<u8>> {
    e.attributes()
        .flatten()
        .find(|a| a.key == QName(key))
        .map(|a| a.value.into_owned())
}

fn parse(v: &[u8]) -> Option<u64> {
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// `table:table-row` after its start tag, as calamine's `read_row` reads
/// it: the cells it stores (repeats capped at 16,384 columns, empty cells
/// only before a cell with a value) and their text, each times its repeats.
fn read_row<R: BufRead>(
    x: &mut Xml<R>,
    buf: &mut Vec<u8>,
    inner: &mut Vec<u8>,
) -> (u64, u64, Step) {
    let (mut cells, mut text, mut empty) = (0u64, 0u64, 0u64);
    loop {
        allow(x, MAX_ROW_BYTES);
        buf.clear();
        let event = x.read_event_into(buf);
        if over(x) {
            return (cells, text, Step::Over);
        }
        match event {
            Ok(Event::Start(e))
                if e.name() == QName(b"table:table-cell")
                    || e.name() == QName(b"table:covered-table-cell") =>
            {
                // calamine takes the first repeat attribute and fails on a
                // number it cannot parse.
                let repeats = match attribute(&e, b"table:number-columns-repeated") {
                    None => 1,
                    Some(v) => match parse(&v) {
                        Some(n) => n,
                        None => return (cells, text, Step::Stops),
                    },
                };
                let name = e.name().as_ref().to_vec();
                let (value, is_value, closed, step) = datatype(x, &e, inner);
                match step {
                    Step::Done => {}
                    other => return (cells, text, other),
                }
                if value > MAX_ROW_BYTES {
                    return (cells, text, Step::Over);
                }
                // Empty cells are stored only when a cell with a value
                // follows them.
                let filled = empty.min(MAX_COLUMNS.saturating_sub(cells));
                let repeats = repeats.min(MAX_COLUMNS.saturating_sub(cells + filled));
                if is_value {
                    cells += filled + repeats;
                    text = text.saturating_add(value.saturating_mul(repeats));
                    empty = 0;
                } else {
                    cells += filled;
                    empty = repeats;
                }
                if !closed {
                    inner.clear();
                    let read = x.read_to_end_into(QName(&name), inner);
                    if over(x) {
                        return (cells, text, Step::Over);
                    }
                    if read.is_err() {
                        return (cells, text, Step::Stops);
                    }
                }
            }
            Ok(Event::End(e)) if e.name() == QName(b"table:table-row") => {
                return (cells, text, Step::Done)
            }
            // Anything else in a row is calamine's error.
            _ => return (cells, text, Step::Stops),
        }
    }
}

/// A cell's attributes and, for a string without a `string-value`, its
/// content, as calamine's `get_datatype` reads them: the bytes of text it
/// makes (value and formula), whether it makes a value at all, whether it
/// read the cell to its end.
fn datatype<R: BufRead>(
    x: &mut Xml<R>,
    e: &BytesStart,
    buf: &mut Vec<u8>,
) -> (u64, bool, bool, Step) {
    let (mut set, mut is_string) = (false, false);
    let (mut value, mut formula) = (0u64, 0u64);
    for a in e.attributes().flatten() {
        match a.key {
            QName(b"office:value" | b"office:boolean-value") if !set => set = true,
            QName(b"office:string-value" | b"office:date-value" | b"office:time-value") if !set => {
                value = a.value.len() as u64;
                set = true;
            }
            QName(b"office:value-type") if !set => is_string = &*a.value == b"string",
            QName(b"table:formula") => formula = a.value.len() as u64,
            _ => {}
        }
    }
    if set || !is_string {
        return (value + formula, set || formula > 0, false, Step::Done);
    }
    // The content is the value: text, a line break between paragraphs, and
    // the spaces `text:s` stands for.
    let mut first_paragraph = true;
    loop {
        buf.clear();
        let event = x.read_event_into(buf);
        if over(x) {
            return (value, true, true, Step::Over);
        }
        match event {
            Ok(Event::Text(t)) => value += t.len() as u64,
            Ok(Event::CData(t)) => value += t.len() as u64,
            Ok(Event::GeneralRef(_)) => value += 4,
            Ok(Event::End(end))
                if end.name() == QName(b"table:table-cell")
                    || end.name() == QName(b"table:covered-table-cell") =>
            {
                return (value + formula, true, true, Step::Done);
            }
            Ok(Event::Start(s)) if s.name() == QName(b"office:annotation") => loop {
                // calamine gathers the annotation in one buffer: bounded
                // with the cell.
                let event = x.read_event_into(buf);
                if over(x) {
                    return (value, true, true, Step::Over);
                }
                match event {
                    Ok(Event::End(end)) if end.name() == QName(b"office:annotation") => break,
                    Err(_) => return (value, true, true, Step::Stops),
                    Ok(Event::Eof) => break,
                    _ => {}
                }
            },
            Ok(Event::Start(s)) if s.name() == QName(b"text:p") => {
                if !first_paragraph {
                    value += 1;
                }
                first_paragraph = false;
            }
            Ok(Event::Start(s)) if s.name() == QName(b"text:s") => {
                let count = match attribute(&s, b"text:c") {
                    None => 1,
                    Some(c) => match parse(&c) {
                        Some(n) => n,
                        None => return (value, true, true, Step::Stops),
                    },
                };
                value = value.saturating_add(count);
                if value > MAX_ROW_BYTES {
                    return (value, true, true, Step::Over);
                }
            }
            Ok(Event::Eof) | Err(_) => return (value, true, true, Step::Stops),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_content(body: &str) -> std::result::Result<(), String> {
        let xml = format!(
            r#"<office:document-content><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        );
        content(xml.as_bytes(), "b.ods").map_err(|e| e.to_string())
    }

    const HEADER: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>person_id</text:p></table:table-cell></table:table-row>"#;

    #[test]
    fn repeats_are_counted_not_expanded() {
        // A hostile 841-byte file (docs/hardening.md): 999,990 rows of 100 cells.
        let rows = r#"<table:table-row table:number-rows-repeated="999990"><table:table-cell table:number-columns-repeated="100" office:value-type="float" office:value="1"/></table:table-row>"#;
        assert_eq!(
            check_content(&format!(r#"<table:table table:name="S">{HEADER}{rows}</table:table>"#)),
            Err("b.ods[S]:2: the workbook holds more than 10,000,000 cells up to this row, repeated rows and columns counted, the limit on an .ods workbook (every sheet is read whole)".into())
        );
        // Padding to the sheet's last row, empty, is not expanded.
        let padding = r#"<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        assert_eq!(
            check_content(&format!(
                r#"<table:table table:name="S">{HEADER}{padding}</table:table>"#
            )),
            Ok(())
        );
        // Empty rows between rows with values are.
        let padding = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        let tail = r#"<table:table-row><table:table-cell table:number-columns-repeated="10" office:value-type="float" office:value="1"/></table:table-row>"#;
        assert!(check_content(&format!(
            r#"<table:table table:name="S">{tail}{padding}{tail}</table:table>"#
        ))
        .unwrap_err()
        .contains("b.ods[S]:1000002: the workbook holds more than 10,000,000 cells"));
    }

    #[test]
    fn text_is_counted_with_its_repeats_and_spaces() {
        let spaces = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/></text:p></table:table-cell></table:table-row>"#;
        assert_eq!(
            check_content(&format!(
                r#"<table:table table:name="S">{HEADER}{spaces}</table:table>"#
            )),
            Err("b.ods[S]:2: the row is longer than 8 MiB, the limit on one row".into())
        );
        let kb = "x".repeat(1000);
        let wide = format!(
            r#"<table:table-row table:number-rows-repeated="300"><table:table-cell table:number-columns-repeated="1000" office:value-type="string" office:string-value="{kb}"/></table:table-row>"#
        );
        assert_eq!(
            check_content(&format!(r#"<table:table table:name="S">{HEADER}{wide}</table:table>"#)),
            Err("b.ods[S]:2: the workbook holds more than 256 MiB of text up to this row, repeated rows and columns counted, the limit on an .ods workbook (every sheet is read whole)".into())
        );
    }

    #[test]
    fn a_content_that_ends_inside_a_sheet_is_an_error() {
        assert_eq!(
            check_content(&format!(r#"<table:table table:name="S">{HEADER}"#)),
            Err("b.ods[S]: content.xml ends inside the sheet; the file is damaged".into())
        );
    }
}
