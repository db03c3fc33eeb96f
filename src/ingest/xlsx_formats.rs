//! The number format of the cells of an `.xlsx`/`.xlsm` sheet, so that
//! date cells read as the sheet displays them (`date_format`).
//!
//! calamine decides from a cell's number format that it holds a date, but
//! does not say which format. This reads the workbook's styles and walks
//! the sheet's XML a second time, in step with calamine's cell reader, to
//! find the style of each date cell. It starts only at the first date cell,
//! so sheets without dates pay nothing, and it streams, so memory does not
//! grow with rows. Anything unexpected in the package (a missing part, an
//! unusual compression) makes it give up, and dates then read as ISO 8601.

use super::date_format::StyleFormats;
use quick_xml::events::Event;
use quick_xml::name::QName;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// The largest styles, workbook or relationships part read (a styles part
/// is some kilobytes; the cap keeps a hostile package from filling memory).
pub(super) const MAX_PART_BYTES: u64 = 64 << 20;

/// The number format codes of a sheet's cells, asked for in sheet order.
pub struct CellFormats {
    /// The date formats of the cell styles (`<xf>` of `cellXfs`, by index).
    formats: StyleFormats,
    is_1904: bool,
    sheet: quick_xml::Reader<BufReader<Box<dyn Read>>>,
    buf: Vec<u8>,
    /// Where the next cell without an `r` attribute sits, counted exactly
    /// as calamine's cell reader counts (so both agree on every position).
    row_index: u32,
    col_index: u32,
    /// A cell read past the one asked for: its position and style.
    ahead: Option<((u32, u32), usize)>,
    done: bool,
}

impl CellFormats {
    /// The formats of sheet `sheet_name` of the workbook at `path` (dates
    /// counted from 1904 when `is_1904`), or `None` when the package is not
    /// laid out as expected.
    pub fn open(path: &Path, sheet_name: &str, is_1904: bool) -> Option<CellFormats> {
        let mut zip = zip::ZipArchive::new(File::open(path).ok()?).ok()?;
        let relationships = relationships(&read_part(&mut zip, "xl/_rels/workbook.xml.rels")?);
        let workbook = read_part(&mut zip, "xl/workbook.xml")?;
        let target = sheet_target(&workbook, sheet_name, &relationships)?;
        let formats = match read_part(&mut zip, "xl/styles.xml") {
            Some(styles) => style_formats(&styles),
            None => StyleFormats::default(),
        };
        let sheet = open_entry(&mut zip, path, &target)?;
        let mut sheet = quick_xml::Reader::from_reader(BufReader::new(sheet));
        let config = sheet.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        config.check_comments = false;
        config.expand_empty_elements = true;
        Some(CellFormats {
            formats,
            is_1904,
            sheet,
            buf: Vec::new(),
            row_index: 0,
            col_index: 0,
            ahead: None,
            done: false,
        })
    }

    /// The cell at 0-based (`row`, `col`) as its date format displays
    /// `serial`; cells must be asked for in sheet order. `None` when ksa
    /// does not know its format.
    pub fn shown(&mut self, row: u32, col: u32, serial: f64) -> Option<String> {
        let style = self.style_at(row, col)?;
        self.formats.of_style(style)?.render(serial, self.is_1904)
    }

    /// The style of the cell at 0-based (`row`, `col`). `None` when the
    /// sheet has no such cell.
    fn style_at(&mut self, row: u32, col: u32) -> Option<usize> {
        let target = (row, col);
        loop {
            let (pos, style) = match self.ahead.take() {
                Some(cell) => cell,
                None => self.next_cell()?,
            };
            if pos == target {
                return Some(style);
            }
            if pos > target {
                self.ahead = Some((pos, style));
                return None;
            }
        }
    }

    /// The position and style of the next `<c>` of the sheet.
    fn next_cell(&mut self) -> Option<((u32, u32), usize)> {
        if self.done {
            return None;
        }
        loop {
            self.buf.clear();
            match self.sheet.read_event_into(&mut self.buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"row" => {
                    for a in e.attributes().flatten() {
                        if a.key == QName(b"r") {
                            self.row_index = cell_position(&a.value)?.0;
                        }
                    }
                }
                Ok(Event::End(e)) if e.local_name().as_ref() == b"row" => {
                    self.row_index = self.row_index.saturating_add(1);
                    self.col_index = 0;
                }
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"c" => {
                    let mut pos = (self.row_index, self.col_index);
                    let mut style = 0;
                    for a in e.attributes().flatten() {
                        match a.key {
                            QName(b"r") => {
                                let (row, col) = cell_position(&a.value)?;
                                self.col_index = col?;
                                pos = (row, self.col_index);
                            }
                            QName(b"s") => {
                                style = std::str::from_utf8(&a.value)
                                    .ok()
                                    .and_then(|s| s.parse().ok())
                                    .unwrap_or(0);
                            }
                            _ => {}
                        }
                    }
                    self.col_index = self.col_index.saturating_add(1);
                    return Some((pos, style));
                }
                Ok(Event::End(e)) if e.local_name().as_ref() == b"sheetData" => break,
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        self.done = true;
        None
    }
}

/// `B5` → (4, Some(1)); `5` → (4, None): 0-based, as calamine counts.
pub(super) fn cell_position(r: &[u8]) -> Option<(u32, Option<u32>)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let mut col: u32 = 0;
    for b in &r[..letters] {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
    }
    let row: u32 = std::str::from_utf8(&r[letters..]).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)))
}

/// A part of the package as text, its name matched without regard to case
/// (as Excel does); `None` if missing or over `MAX_PART_BYTES`.
pub(super) fn read_part(zip: &mut zip::ZipArchive<File>, name: &str) -> Option<String> {
    let real = zip
        .file_names()
        .find(|n| n.eq_ignore_ascii_case(name))?
        .to_string();
    let entry = zip.by_name(&real).ok()?;
    let mut text = String::new();
    entry
        .take(MAX_PART_BYTES + 1)
        .read_to_string(&mut text)
        .ok()?;
    (text.len() as u64 <= MAX_PART_BYTES).then_some(text)
}

/// The sheet part, decompressed as it is read. The archive's own reader
/// borrows the archive, which could not then live beside calamine's reader
/// of the same file; this reads the entry's bytes from a file of its own.
fn open_entry(zip: &mut zip::ZipArchive<File>, path: &Path, name: &str) -> Option<Box<dyn Read>> {
    let real = zip
        .file_names()
        .find(|n| n.eq_ignore_ascii_case(name))?
        .to_string();
    let entry = zip.by_name(&real).ok()?;
    let (start, size, method) = (
        entry.data_start()?,
        entry.compressed_size(),
        entry.compression(),
    );
    if entry.encrypted() {
        return None;
    }
    drop(entry);
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(start)).ok()?;
    let raw = file.take(size);
    match method {
        zip::CompressionMethod::Stored => Some(Box::new(raw)),
        zip::CompressionMethod::Deflated => Some(Box::new(flate2::read::DeflateDecoder::new(raw))),
        _ => None,
    }
}

/// Hands every element of `xml` to `each` (its local name, and its
/// attributes unescaped), until `each` says stop.
fn elements(xml: &str, mut each: impl FnMut(&[u8], &HashMap<Vec<u8>, String>) -> bool) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut attributes = HashMap::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                attributes.clear();
                for a in e.attributes().flatten() {
                    if let Ok(v) = a.decode_and_unescape_value(reader.decoder()) {
                        attributes.insert(a.key.local_name().as_ref().to_vec(), v.into_owned());
                    }
                }
                if !each(e.local_name().as_ref(), &attributes) {
                    return;
                }
            }
            // An end tag is handed on as `/name`, without attributes.
            Ok(Event::End(e))
                if !each(&[b"/", e.local_name().as_ref()].concat(), &HashMap::new()) =>
            {
                return
            }
            Ok(Event::Eof) | Err(_) => return,
            _ => {}
        }
    }
}

/// `Id` → `Target` of the workbook's relationships.
pub(super) fn relationships(xml: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    elements(xml, |name, a| {
        if name == b"Relationship" {
            if let (Some(id), Some(target)) = (a.get(&b"Id"[..]), a.get(&b"Target"[..])) {
                map.insert(id.clone(), target.clone());
            }
        }
        true
    });
    map
}

/// The package path of the sheet named `sheet_name`, resolved as calamine
/// resolves it.
pub(super) fn sheet_target(
    workbook: &str,
    sheet_name: &str,
    relationships: &HashMap<String, String>,
) -> Option<String> {
    let mut target = None;
    elements(workbook, |name, a| {
        if name == b"sheet" && a.get(&b"name"[..]).map(String::as_str) == Some(sheet_name) {
            target = a
                .get(&b"id"[..])
                .and_then(|id| relationships.get(id))
                .cloned();
            return false;
        }
        true
    });
    let t = target?;
    Some(if let Some(rest) = t.strip_prefix('/') {
        rest.to_string()
    } else if t.starts_with("xl/") {
        t
    } else {
        format!("xl/{t}")
    })
}

/// The date formats of the cell styles: the `numFmtId` of each `<xf>` of
/// `cellXfs`, and the workbook's own codes of `numFmts`.
fn style_formats(styles: &str) -> StyleFormats {
    let mut custom: FxHashMap<u32, String> = FxHashMap::default();
    let mut ids: Vec<u32> = Vec::new();
    let mut in_cell_xfs = false;
    elements(styles, |name, a| {
        match name {
            b"numFmt" => {
                if let (Some(id), Some(code)) = (a.get(&b"numFmtId"[..]), a.get(&b"formatCode"[..]))
                {
                    if let Ok(id) = id.parse() {
                        custom.insert(id, code.clone());
                    }
                }
            }
            b"cellXfs" => in_cell_xfs = true,
            b"/cellXfs" => in_cell_xfs = false,
            b"xf" if in_cell_xfs => {
                ids.push(
                    a.get(&b"numFmtId"[..])
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0),
                );
            }
            _ => {}
        }
        true
    });
    StyleFormats::new(ids, &custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_positions_as_calamine_counts_them() {
        assert_eq!(cell_position(b"A1"), Some((0, Some(0))));
        assert_eq!(cell_position(b"b5"), Some((4, Some(1))));
        assert_eq!(
            cell_position(b"XFD1048576"),
            Some((1_048_575, Some(16_383)))
        );
        assert_eq!(cell_position(b"7"), Some((6, None)));
        assert_eq!(cell_position(b"A0"), None);
        assert_eq!(cell_position(b"A"), None);
    }

    #[test]
    fn styles_give_the_formats_of_cell_xfs_only() {
        let styles = r#"<styleSheet><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts>
            <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
            <cellXfs><xf numFmtId="0"/><xf numFmtId="176"/><xf numFmtId="14" applyNumberFormat="1"></xf><xf/></cellXfs></styleSheet>"#;
        let formats = style_formats(styles);
        let shown = |style| formats.of_style(style)?.render(46_203.0, false);
        assert_eq!(shown(0), None);
        assert_eq!(shown(1).as_deref(), Some("2026年6月"));
        assert_eq!(shown(2).as_deref(), Some("2026/6/30"));
        assert_eq!(shown(3), None);
        assert_eq!(shown(4), None, "cellStyleXfs are not cell styles");
    }

    #[test]
    fn sheet_targets_resolve_as_calamine_resolves_them() {
        let rels: HashMap<String, String> = [
            ("rId1", "worksheets/sheet1.xml"),
            ("rId2", "/xl/worksheets/sheet2.xml"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let workbook = r#"<workbook xmlns:r="r"><sheets><sheet name="说明" sheetId="1" r:id="rId1"/><sheet name="A&amp;B" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
        assert_eq!(
            sheet_target(workbook, "说明", &rels).as_deref(),
            Some("xl/worksheets/sheet1.xml")
        );
        assert_eq!(
            sheet_target(workbook, "A&B", &rels).as_deref(),
            Some("xl/worksheets/sheet2.xml")
        );
        assert_eq!(sheet_target(workbook, "other", &rels), None);
    }
}
