//! Bounds on what calamine reads of an `.xlsx`/`.xlsm` package, checked
//! before it reads it (docs/hardening.md, "Limits").
//!
//! calamine reads the shared strings table whole when it opens a workbook,
//! with room reserved for as many strings as the table declares, and holds
//! each cell's text whole as it reads a sheet. A 2 MB workbook of 5×10⁷
//! shared strings took 2.7 GB that way, and one 1 GiB cell in a 1 MB
//! workbook 4–5 GB. Compression hides all of this from the file's size, and
//! the sizes a package declares for its parts need not be true, so the
//! parts are read here first, streaming, through a reader that stops at a
//! limit: nothing is held but one XML event of at most the limit.
//!
//! - the shared strings (`xl/sharedStrings.xml`): at most
//!   [`MAX_SHARED_STRINGS`] strings (declared or counted) and
//!   [`MAX_SHARED_STRINGS_BYTES`] of XML, and no string longer than the row
//!   limit (`decode::MAX_ROW_BYTES`: it could not be part of a valid row);
//! - the styles, workbook and relationships parts calamine also reads whole:
//!   at most `xlsx_formats::MAX_PART_BYTES` each;
//! - the sheet read (its part resolved as calamine resolves it): no row —
//!   and no cell or other element outside a row — longer in the XML than
//!   the row limit. The XML of a row is a little longer than its text, so
//!   this is the row limit measured on the file; a real row is some hundred
//!   bytes of XML. The text of each row is also counted as calamine hands it
//!   on (`sheet::RowAssembler`), which bounds rows of long shared strings.
//!
//! Each part is found as calamine finds it (names compared ignoring case and
//! `\` against `/`), and every entry of the package under that name is
//! checked, so a second entry of the same name cannot slip past. Anything
//! else unexpected (a part that cannot be read, XML that does not parse) is
//! left for calamine to report.

use super::decode::{row_too_long, MAX_ROW_BYTES};
use super::xlsx_formats::{cell_position, read_part, relationships, sheet_target, MAX_PART_BYTES};
use crate::error::{thousands, KsaError, Result};
use quick_xml::events::Event;
use quick_xml::name::QName;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

/// The most shared strings (distinct texts) of a workbook: 4,194,304, four
/// for every row of a full Excel sheet. README "Limits".
pub const MAX_SHARED_STRINGS: u64 = 4 << 20;

/// The most XML of a workbook's shared strings: 256 MiB, a million distinct
/// comments of some eighty Chinese characters. README "Limits".
pub const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;

const SHARED_STRINGS: &str = "xl/sharedStrings.xml";
/// The other parts calamine reads whole when it opens a workbook.
const WHOLE_PARTS: [&str; 3] = [
    "xl/styles.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
];

/// An `.xlsx` package opened a second time, beside calamine, to be checked.
pub struct Package {
    zip: zip::ZipArchive<File>,
}

impl Package {
    /// `None` when the file is not a zip archive this reader can read
    /// (calamine then says what is wrong).
    pub fn open(path: &Path) -> Option<Package> {
        let zip = zip::ZipArchive::new(File::open(path).ok()?).ok()?;
        Some(Package { zip })
    }

    /// The indices of the entries calamine may take for part `name`.
    fn entries(&self, name: &str) -> Vec<usize> {
        (0..self.zip.len())
            .filter(|&i| {
                self.zip
                    .name_for_index(i)
                    .is_some_and(|n| n.replace('\\', "/").eq_ignore_ascii_case(name))
            })
            .collect()
    }

    /// Whether more than one entry is named `name` as calamine compares.
    fn duplicated(&self, name: &str) -> bool {
        self.entries(name).len() > 1
    }

    /// The indices of the entries named exactly `name` (as calamine's
    /// `.ods` reader looks parts up).
    pub(super) fn entries_named(&self, name: &str) -> Vec<usize> {
        (0..self.zip.len())
            .filter(|&i| self.zip.name_for_index(i) == Some(name))
            .collect()
    }

    /// Entry `i` decompressed as it is read; `None` if it cannot be read.
    pub(super) fn reader(&mut self, i: usize) -> Option<BufReader<zip::read::ZipFile<'_, File>>> {
        let entry = self.zip.by_index(i).ok()?;
        Some(BufReader::with_capacity(64 << 10, entry))
    }

    /// The parts calamine reads whole when it opens the workbook: the
    /// shared strings and the styles, workbook and relationships parts.
    /// `label` is the file's.
    pub fn check_parts(&mut self, label: &str) -> Result<()> {
        for part in WHOLE_PARTS {
            for i in self.entries(part) {
                let Some(mut r) = self.reader(i) else {
                    continue;
                };
                let size = io::copy(&mut (&mut r).take(MAX_PART_BYTES + 1), &mut io::sink());
                if size.is_ok_and(|n| n > MAX_PART_BYTES) {
                    return Err(KsaError::invalid(format!(
                        "{label}: {part} is larger than {} MiB, the limit on a workbook's styles, workbook and relationships parts",
                        MAX_PART_BYTES >> 20
                    )));
                }
            }
        }
        for i in self.entries(SHARED_STRINGS) {
            if let Some(r) = self.reader(i) {
                shared_strings(r, label)?;
            }
        }
        Ok(())
    }

    /// The part of sheet `sheet` as calamine finds it, when it can be told
    /// for sure: one entry of the package.
    pub fn sheet_part(&mut self, sheet: &str) -> Option<usize> {
        if self.duplicated("xl/workbook.xml") || self.duplicated("xl/_rels/workbook.xml.rels") {
            return None;
        }
        let rels = read_part(&mut self.zip, "xl/_rels/workbook.xml.rels")?;
        let workbook = read_part(&mut self.zip, "xl/workbook.xml")?;
        let target = sheet_target(&workbook, sheet, &relationships(&rels))?;
        match self.entries(&target).as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Checks the sheet part `i` (labelled `label`, `FILE[SHEET]`) as
    /// calamine will read it, reporting to `gate`; meant to run on a thread
    /// of its own beside calamine's reading.
    pub fn check_sheet(&mut self, i: usize, label: &str, gate: &Gate) {
        match self.reader(i) {
            Some(r) => sheet_cells(r, label, gate),
            None => gate.finish(End::Clear), // calamine cannot read it either
        }
    }

    /// When the sheet's part cannot be told for sure: every worksheet part
    /// (calamine reads sheets from `xl/worksheets/` only) checked whole,
    /// before calamine reads any.
    pub fn check_every_sheet(&mut self, label: &str) -> Result<()> {
        let parts: Vec<usize> = (0..self.zip.len())
            .filter(|&i| {
                self.zip.name_for_index(i).is_some_and(|n| {
                    n.replace('\\', "/")
                        .to_ascii_lowercase()
                        .starts_with("xl/worksheets/")
                })
            })
            .collect();
        for i in parts {
            let gate = Gate::default();
            self.check_sheet(i, label, &gate);
            if let Some(End::Over { error, .. }) =
                gate.end.into_inner().unwrap_or_else(|e| e.into_inner())
            {
                return Err(KsaError::invalid(error));
            }
        }
        Ok(())
    }
}

/// A `BufRead` that fails once more than `until` bytes have been consumed,
/// so that the XML reader above it never buffers an event past a limit.
pub(super) struct Limited<R> {
    inner: R,
    consumed: u64,
    until: u64,
}

impl<R: BufRead> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Limited<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.consumed > self.until {
            return Err(io::Error::other("over the limit"));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.consumed += n as u64;
        self.inner.consume(n);
    }
}

pub(super) type Xml<R> = quick_xml::Reader<Limited<R>>;

/// An XML reader configured as calamine's, over `Limited`.
pub(super) fn xml<R: BufRead>(inner: R) -> Xml<R> {
    let mut reader = quick_xml::Reader::from_reader(Limited {
        inner,
        consumed: 0,
        until: MAX_ROW_BYTES,
    });
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    reader
}

/// Whether the reader went past its limit (its last read then failed).
pub(super) fn over<R>(x: &Xml<R>) -> bool {
    x.get_ref().consumed > x.get_ref().until
}

/// Lets the next read go `bytes` past the current position.
pub(super) fn allow<R>(x: &mut Xml<R>, bytes: u64) {
    let at = x.buffer_position();
    x.get_mut().until = at + bytes;
}

/// How far a mirrored read of calamine got.
enum Reading {
    /// It ended where calamine's ends.
    Done,
    /// calamine stops reading here (an error of its own, the end of the
    /// file): nothing further is read.
    Stops,
    /// Past the limit.
    Over,
}

/// A whole number attribute of `e`, if it has one.
fn number_attribute(e: &quick_xml::events::BytesStart, key: &[u8]) -> Option<u64> {
    e.attributes()
        .flatten()
        .find(|a| a.key == QName(key))
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.trim().parse().ok())
}

/// Reads a string element (`<si>`, `<is>`) to its end exactly as calamine's
/// `read_string_with_bufs` does (text runs, phonetic runs skipped), so that
/// the bytes it spans are the bytes calamine's reading of it spans.
fn string_element<R: BufRead>(x: &mut Xml<R>, closing: &[u8], buf: &mut Vec<u8>) -> Reading {
    let mut phonetic = false;
    loop {
        buf.clear();
        let event = x.read_event_into(buf);
        if over(x) {
            return Reading::Over;
        }
        match event {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"rPh" => phonetic = true,
            Ok(Event::End(e)) if e.name().as_ref() == closing => return Reading::Done,
            Ok(Event::End(e)) if e.local_name().as_ref() == b"rPh" => phonetic = false,
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"t" && !phonetic => {
                let t = e.name().as_ref().to_vec();
                loop {
                    buf.clear();
                    let event = x.read_event_into(buf);
                    if over(x) {
                        return Reading::Over;
                    }
                    match event {
                        Ok(Event::End(end)) if end.name().as_ref() == t => break,
                        Ok(Event::Eof) | Err(_) => return Reading::Stops,
                        _ => {}
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return Reading::Stops,
            _ => {}
        }
    }
}

/// The shared strings part, read as calamine reads it: counts, sizes and
/// each string.
fn shared_strings<R: BufRead>(part: R, label: &str) -> Result<()> {
    let mut x = xml(part);
    let mut buf = Vec::new();
    let limit_text = thousands(MAX_SHARED_STRINGS);
    let too_large = || {
        KsaError::invalid(format!(
            "{label}: the workbook's shared strings are larger than {} MiB, the limit on a workbook's shared strings",
            MAX_SHARED_STRINGS_BYTES >> 20
        ))
    };
    let mut strings: u64 = 0;
    let mut in_table = false;
    loop {
        let before = x.buffer_position();
        allow(&mut x, MAX_ROW_BYTES);
        buf.clear();
        let event = x.read_event_into(&mut buf);
        if over(&x) {
            return Err(outside_rows(label));
        }
        if x.buffer_position() > MAX_SHARED_STRINGS_BYTES {
            return Err(too_large());
        }
        match event {
            Ok(Event::Start(e)) if !in_table && e.local_name().as_ref() == b"sst" => {
                for key in [&b"count"[..], b"uniqueCount"] {
                    match number_attribute(&e, key) {
                        Some(n) if n > MAX_SHARED_STRINGS => {
                            return Err(KsaError::invalid(format!(
                                "{label}: the workbook declares {n} shared strings (distinct texts); ksa reads at most {limit_text}, the limit on a workbook's shared strings"
                            )))
                        }
                        _ => {}
                    }
                }
                in_table = true;
            }
            Ok(Event::Start(e)) if in_table && e.local_name().as_ref() == b"si" => {
                strings += 1;
                if strings > MAX_SHARED_STRINGS {
                    return Err(KsaError::invalid(format!(
                        "{label}: the workbook has more than {limit_text} shared strings (distinct texts), the limit on a workbook's shared strings"
                    )));
                }
                let closing = e.name().as_ref().to_vec();
                x.get_mut().until = (before + MAX_ROW_BYTES).min(MAX_SHARED_STRINGS_BYTES);
                match string_element(&mut x, &closing, &mut buf) {
                    Reading::Done => {}
                    Reading::Stops => return Ok(()),
                    Reading::Over if x.get_ref().consumed > MAX_SHARED_STRINGS_BYTES => {
                        return Err(too_large())
                    }
                    Reading::Over => {
                        return Err(KsaError::invalid(format!(
                            "{label}: shared string {strings} is longer than {} MiB, the limit on one row",
                            MAX_ROW_BYTES >> 20
                        )))
                    }
                }
            }
            Ok(Event::End(e)) if in_table && e.local_name().as_ref() == b"sst" => return Ok(()),
            Ok(Event::Eof) | Err(_) => return Ok(()),
            _ => {}
        }
    }
}

fn outside_rows(label: &str) -> KsaError {
    KsaError::invalid(format!(
        "{label}: an XML element outside the rows is longer than {} MiB, the limit on one row",
        MAX_ROW_BYTES >> 20
    ))
}

/// How far the check of a sheet has got, shared by the thread that checks
/// and the one that reads with calamine: calamine is asked for cell `n`
/// only once the check has passed the XML calamine reads for it.
#[derive(Default)]
pub struct Gate {
    /// 0 until the XML before the sheet's data is checked, then 1 + the
    /// cells checked, counted as calamine's cell reader returns them.
    progress: AtomicU64,
    /// Set once, when the check ends.
    end: Mutex<Option<End>>,
    ended: AtomicBool,
    wake: Condvar,
    /// The reader is done: the check may stop.
    cancelled: AtomicBool,
}

enum End {
    /// calamine may read on: nothing past the checked cells is over a
    /// limit, or calamine stops there by itself.
    Clear,
    /// calamine's reading of cell `cell` (1-based; 0 for what it reads when
    /// it opens the sheet) would go past the limit of row `row`, the error
    /// to give.
    Over {
        cell: u64,
        row: Option<u64>,
        error: String,
    },
}

/// What `Gate::before_cell` found: a limit over in row `row` (1-based; None
/// outside the rows), and the error.
pub struct OverLimit {
    pub row: Option<u64>,
    pub error: KsaError,
}

impl Gate {
    /// The XML up to the end of cell `cells` is checked (0: up to the
    /// sheet's data).
    fn checked(&self, cells: u64) {
        self.progress.store(cells + 1, Ordering::Release);
        if cells % 1024 == 0 {
            self.wake.notify_all();
        }
    }

    /// The check could not go on (a library of the check panicked): the
    /// reader stops at the next cell.
    pub fn failed(&self, error: String) {
        let cell = self.progress.load(Ordering::Acquire);
        self.finish(End::Over {
            cell,
            row: None,
            error,
        });
    }

    fn finish(&self, end: End) {
        *self.end.lock().unwrap_or_else(|e| e.into_inner()) = Some(end);
        self.ended.store(true, Ordering::Release);
        self.wake.notify_all();
    }

    /// Tells the check to stop: the reader needs no more.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Waits until calamine may read cell `n` (1-based; 0 before it opens
    /// the sheet), or returns the limit it would go past.
    pub fn before_cell(&self, n: u64) -> std::result::Result<(), OverLimit> {
        loop {
            if self.progress.load(Ordering::Acquire) > n {
                return Ok(());
            }
            if self.ended.load(Ordering::Acquire) {
                let end = self.end.lock().unwrap_or_else(|e| e.into_inner());
                return match &*end {
                    Some(End::Over { cell, row, error }) if *cell <= n => Err(OverLimit {
                        row: *row,
                        error: KsaError::invalid(error.clone()),
                    }),
                    _ => Ok(()),
                };
            }
            let guard = self.end.lock().unwrap_or_else(|e| e.into_inner());
            let _ = self
                .wake
                .wait_timeout(guard, std::time::Duration::from_millis(1));
        }
    }
}

/// Checks the sheet `part` as calamine's cell reader reads it, the same
/// events in the same order (`XlsxCellReader::new` and `next_cell`), and
/// reports each cell checked to `gate`. The XML of one cell (and every
/// other event, each on its own) is bounded by the row limit; calamine
/// holds no more than that at a time.
pub fn sheet_cells<R: BufRead>(part: R, label: &str, gate: &Gate) {
    let end = check_cells(part, label, gate);
    gate.finish(end);
}

fn check_cells<R: BufRead>(part: R, label: &str, gate: &Gate) -> End {
    let mut x = xml(part);
    let (mut buf, mut inner, mut name, mut place) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut cells: u64 = 0;
    let over_here = |cell: u64, row: Option<u64>| End::Over {
        cell,
        row,
        error: match row {
            Some(r) => row_too_long(label, r),
            None => outside_rows(label).to_string(),
        },
    };
    // Up to the sheet's data: each event on its own.
    loop {
        allow(&mut x, MAX_ROW_BYTES);
        buf.clear();
        let event = x.read_event_into(&mut buf);
        if over(&x) {
            return over_here(0, None);
        }
        match event {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"sheetData" => break,
            Ok(Event::Eof) | Err(_) => return End::Clear,
            _ => {}
        }
    }
    gate.checked(0);
    // The 0-based row of the next `<row>` without `r`, as calamine counts,
    // and whether a row is open (for the message).
    let mut row_index: u32 = 0;
    let mut in_row = false;
    loop {
        if gate.cancelled.load(Ordering::Relaxed) {
            return End::Clear;
        }
        let before = x.buffer_position();
        allow(&mut x, MAX_ROW_BYTES);
        buf.clear();
        let event = x.read_event_into(&mut buf);
        if over(&x) {
            let row = in_row.then(|| u64::from(row_index) + 1);
            return over_here(cells + 1, row);
        }
        match event {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"row" => {
                if let Some(r) = e.attributes().flatten().find(|a| a.key == QName(b"r")) {
                    match cell_position(&r.value) {
                        Some((row, _)) => row_index = row,
                        None => return End::Clear, // calamine's error
                    }
                }
                in_row = true;
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"row" => {
                row_index = row_index.wrapping_add(1);
                in_row = false;
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"c" => {
                // The whole cell, from its start tag, within the limit.
                x.get_mut().until = before + MAX_ROW_BYTES;
                // Its type decides how calamine reads a `<v>`; its place is
                // kept as written and read only for a message.
                let mut kind = Kind::Number;
                place.clear();
                for a in e.attributes().flatten() {
                    match a.key {
                        QName(b"r") => place.extend_from_slice(&a.value),
                        QName(b"t") => kind = Kind::of(&a.value),
                        _ => {}
                    }
                }
                match cell(&mut x, kind, &mut buf, &mut inner, &mut name) {
                    Reading::Done => {}
                    Reading::Stops => return End::Clear,
                    Reading::Over => {
                        let row = cell_position(&place)
                            .map_or(u64::from(row_index), |(r, _)| u64::from(r));
                        return over_here(cells + 1, Some(row + 1));
                    }
                }
                cells += 1;
                gate.checked(cells);
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"sheetData" => return End::Clear,
            Ok(Event::Eof) | Err(_) => return End::Clear,
            _ => {}
        }
    }
}

/// A cell's type (`t`) as it decides calamine's reading of `<v>`: inline
/// strings skip it, the plain types (numbers, shared string indices,
/// booleans, errors) read one text, the others gather text to its end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Inline,
    Number,
    Text,
}

impl Kind {
    fn of(t: &[u8]) -> Kind {
        match t {
            b"inlineStr" | b"is" => Kind::Inline,
            b"n" | b"s" | b"b" | b"e" => Kind::Number,
            _ => Kind::Text,
        }
    }
}

/// The rest of a `<c>` element after its start tag, as calamine's
/// `next_cell` and `read_value` read it.
fn cell<R: BufRead>(
    x: &mut Xml<R>,
    kind: Kind,
    buf: &mut Vec<u8>,
    inner: &mut Vec<u8>,
    name: &mut Vec<u8>,
) -> Reading {
    let to_end = |x: &mut Xml<R>, name: &[u8], inner: &mut Vec<u8>| {
        inner.clear();
        match x.read_to_end_into(QName(name), inner) {
            _ if over(x) => Reading::Over,
            Ok(_) => Reading::Done,
            Err(_) => Reading::Stops,
        }
    };
    loop {
        buf.clear();
        let event = x.read_event_into(buf);
        if over(x) {
            return Reading::Over;
        }
        let read = match event {
            Ok(Event::Start(e)) => {
                name.clear();
                name.extend_from_slice(e.name().as_ref());
                let name = &name[..];
                match e.local_name().as_ref() {
                    b"is" => string_element(x, name, inner),
                    b"v" if kind == Kind::Inline => to_end(x, name, inner),
                    b"v" if kind == Kind::Number => {
                        inner.clear();
                        let first = x.read_event_into(inner);
                        if over(x) {
                            return Reading::Over;
                        }
                        match first {
                            Ok(Event::End(end)) if end.name().as_ref() == name => Reading::Done,
                            Ok(Event::Eof) | Err(_) => Reading::Stops,
                            _ => to_end(x, name, inner),
                        }
                    }
                    b"v" => loop {
                        inner.clear();
                        let event = x.read_event_into(inner);
                        if over(x) {
                            return Reading::Over;
                        }
                        match event {
                            Ok(Event::End(end)) if end.name().as_ref() == name => {
                                break Reading::Done
                            }
                            Ok(Event::Eof) | Err(_) => break Reading::Stops,
                            _ => {}
                        }
                    },
                    b"f" => to_end(x, name, inner),
                    _ => Reading::Stops, // calamine: "Expecting 'v, f, or is'"
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"c" => return Reading::Done,
            Ok(Event::Eof) | Err(_) => Reading::Stops,
            _ => Reading::Done,
        };
        if !matches!(read, Reading::Done) {
            return read;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(xml: &str) -> std::result::Result<u64, String> {
        let gate = Gate::default();
        match check_cells(xml.as_bytes(), "b.xlsx[S]", &gate) {
            End::Clear => Ok(gate.progress.load(Ordering::Acquire).saturating_sub(1)),
            End::Over { error, .. } => Err(error),
        }
    }

    #[test]
    fn a_cell_over_the_limit_is_named_by_its_row() {
        let big = "x".repeat(MAX_ROW_BYTES as usize);
        let ok = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c><c><v>2</v></c></row>";
        assert_eq!(cells(&format!("{ok}</sheetData></worksheet>")), Ok(2));
        assert_eq!(
            cells(&format!(
                "{ok}<row><c t=\"inlineStr\"><is><t>{big}</t></is></c></row></sheetData>"
            )),
            Err("b.xlsx[S]:2: the row is longer than 8 MiB, the limit on one row".into())
        );
        // Many short runs of rich text add up in one cell.
        let runs = format!("<r><t>{}</t></r>", "y".repeat(1000)).repeat(9000);
        assert_eq!(
            cells(&format!(
                "{ok}<row r=\"7\"><c r=\"G7\" t=\"inlineStr\"><is>{runs}</is></c></row>"
            )),
            Err("b.xlsx[S]:7: the row is longer than 8 MiB, the limit on one row".into())
        );
        // A value that calamine reads past `</c>`, to its own end tag, with
        // the rest of the sheet in many short events: bounded as one cell.
        let rows = "<row></row>".repeat(800_000);
        assert_eq!(
            cells(&format!(
                "{ok}<row r=\"3\"><c><f>=1</c>{rows}</f></c></row>"
            )),
            Err("b.xlsx[S]:3: the row is longer than 8 MiB, the limit on one row".into())
        );
        // A long comment between rows, and one before the sheet's data.
        assert_eq!(
            cells(&format!("{ok}<!--{big}--></sheetData>")),
            Err("b.xlsx[S]: an XML element outside the rows is longer than 8 MiB, the limit on one row".into())
        );
        assert_eq!(
            cells(&format!("<worksheet><!--{big}--><sheetData/>")),
            Err("b.xlsx[S]: an XML element outside the rows is longer than 8 MiB, the limit on one row".into())
        );
        // After the sheet's data nothing is read, as calamine reads nothing.
        assert_eq!(
            cells(&format!("<sheetData></sheetData><!--{big}-->")),
            Ok(0)
        );
    }

    #[test]
    fn the_reader_waits_for_the_check_and_stops_at_the_cell_over() {
        let gate = Gate::default();
        gate.checked(2);
        assert!(gate.before_cell(2).is_ok());
        gate.finish(End::Over {
            cell: 4,
            row: Some(9),
            error: "e".into(),
        });
        assert!(gate.before_cell(3).is_ok());
        let over = gate.before_cell(4).unwrap_err();
        assert_eq!(
            (over.row, over.error.to_string()),
            (Some(9), "e".to_string())
        );
    }

    fn strings(xml: &str) -> std::result::Result<(), String> {
        shared_strings(xml.as_bytes(), "b.xlsx").map_err(|e| e.to_string())
    }

    #[test]
    fn the_shared_strings_table_is_bounded() {
        assert_eq!(
            strings("<sst count=\"2\"><si><t>a</t></si><si><t/></si></sst>"),
            Ok(())
        );
        assert_eq!(
            strings("<sst count=\"50000000\" uniqueCount=\"50000000\"><si><t>a</t></si></sst>"),
            Err("b.xlsx: the workbook declares 50000000 shared strings (distinct texts); ksa reads at most 4,194,304, the limit on a workbook's shared strings".into())
        );
        let big = "x".repeat(MAX_ROW_BYTES as usize);
        assert_eq!(
            strings(&format!(
                "<sst><si><t>a</t></si><si><t>{big}</t></si></sst>"
            )),
            Err("b.xlsx: shared string 2 is longer than 8 MiB, the limit on one row".into())
        );
        // Text calamine reads past `</si>`, to the `</t>` it waits for.
        let refs = "&amp;".repeat(2_000_000);
        assert_eq!(
            strings(&format!("<sst><si><t>a</si>{refs}</t></si></sst>")),
            Err("b.xlsx: shared string 1 is longer than 8 MiB, the limit on one row".into())
        );
    }
}
