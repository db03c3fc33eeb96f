//! The display format of the date cells of an `.xls` (BIFF8) sheet, so
//! that they read as the sheet displays them (`date_format`), as
//! `xlsx_formats` does for `.xlsx`.
//!
//! calamine reads the workbook's formats but does not hand them on. This
//! reads the Workbook stream of the compound file a second time: the
//! FORMAT and XF records of the workbook, then the number cells (NUMBER,
//! RK, MULRK, FORMULA) of the chosen sheet with their XF. `.xls` sheets are
//! small (at most 65,536 × 256 cells) and are read whole anyway. Anything
//! unexpected — an older BIFF version, an encrypted workbook, a sheet not
//! found — gives up, and dates read as ISO 8601.

use super::date_format::StyleFormats;
use rustc_hash::FxHashMap;
use std::io::Read;
use std::path::Path;

/// The Workbook stream is read whole; a larger one is not an `.xls` Excel
/// wrote (its sheets are at most 65,536 × 256 cells).
const MAX_STREAM_BYTES: u64 = 1 << 30;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const DATE1904: u16 = 0x0022;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;

/// The date formats of a sheet's number cells.
pub struct XlsFormats {
    /// By XF index (the cell style).
    formats: StyleFormats,
    /// The XF of each number cell whose format shows a date or time.
    cells: FxHashMap<(u32, u32), u16>,
    is_1904: bool,
}

impl XlsFormats {
    /// The date formats of sheet `sheet_name` of the `.xls` at `path`, or
    /// `None` when the workbook is not BIFF8 as Excel 97–2003 writes it.
    pub fn open(path: &Path, sheet_name: &str) -> Option<XlsFormats> {
        let mut file = cfb::open(path).ok()?;
        let mut bytes = Vec::new();
        let stream = file
            .open_stream("/Workbook")
            .or_else(|_| file.open_stream("/Book"))
            .ok()?;
        stream
            .take(MAX_STREAM_BYTES + 1)
            .read_to_end(&mut bytes)
            .ok()?;
        if bytes.len() as u64 > MAX_STREAM_BYTES {
            return None;
        }
        read(&bytes, sheet_name)
    }

    /// The cell at 0-based (`row`, `col`) as its date format displays
    /// `serial`, or `None` if ksa does not know its format.
    pub fn shown(&self, row: u32, col: u32, serial: f64) -> Option<String> {
        let xf = *self.cells.get(&(row, col))?;
        self.formats
            .of_style(usize::from(xf))?
            .render(serial, self.is_1904)
    }
}

/// The records of a BIFF stream from `offset`: (type, data).
fn records(bytes: &[u8], offset: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = offset;
    std::iter::from_fn(move || {
        let header = bytes.get(at..at + 4)?;
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = bytes.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((kind, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// A BIFF8 string of `cch` characters at `data[at..]` after its flags byte:
/// UTF-16LE when the flag's low bit is set, else one byte per character.
fn biff8_string(data: &[u8], cch: usize, at: usize) -> Option<String> {
    let flags = *data.get(at)?;
    let chars = data.get(at + 1..)?;
    if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .get(..cch * 2)?
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.get(..cch)?.iter().map(|&b| char::from(b)).collect())
    }
}

fn read(bytes: &[u8], sheet_name: &str) -> Option<XlsFormats> {
    let mut codes: FxHashMap<u32, String> = FxHashMap::default();
    let mut xf_formats: Vec<u32> = Vec::new();
    let mut sheet_offset = None;
    let mut is_1904 = false;
    for (kind, data) in records(bytes, 0) {
        match kind {
            BOF if u16_at(data, 0)? != 0x0600 => return None, // not BIFF8
            FILEPASS => return None,
            DATE1904 => is_1904 = u16_at(data, 0)? == 1,
            FORMAT => {
                let cch = usize::from(u16_at(data, 2)?);
                codes.insert(u16_at(data, 0)?.into(), biff8_string(data, cch, 4)?);
            }
            XF => xf_formats.push(u16_at(data, 2)?.into()),
            BOUNDSHEET => {
                let cch = usize::from(*data.get(6)?);
                if biff8_string(data, cch, 7)? == sheet_name {
                    sheet_offset = Some(u32_at(data, 0)? as usize);
                }
            }
            EOF => break,
            _ => {}
        }
    }
    let formats = StyleFormats::new(xf_formats, &codes);
    let is_date = |xf: u16| formats.of_style(usize::from(xf)).is_some();
    let mut cells = FxHashMap::default();
    for (kind, data) in records(bytes, sheet_offset?).skip(1) {
        match kind {
            NUMBER | RK | FORMULA => {
                let (row, col, xf) = (u16_at(data, 0)?, u16_at(data, 2)?, u16_at(data, 4)?);
                if is_date(xf) {
                    cells.insert((u32::from(row), u32::from(col)), xf);
                }
            }
            MULRK => {
                let row = u16_at(data, 0)?;
                let first = u16_at(data, 2)?;
                // ixfe (2 bytes) and RK (4) per cell, then the last column.
                for (i, cell) in data
                    .get(4..data.len().saturating_sub(2))?
                    .chunks_exact(6)
                    .enumerate()
                {
                    let xf = u16::from_le_bytes([cell[0], cell[1]]);
                    if is_date(xf) {
                        cells.insert((u32::from(row), u32::from(first) + i as u32), xf);
                    }
                }
            }
            EOF => break,
            _ => {}
        }
    }
    Some(XlsFormats {
        formats,
        cells,
        is_1904,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_in_both_encodings() {
        assert_eq!(biff8_string(&[0, b'a', b'b'], 2, 0).as_deref(), Some("ab"));
        let wide = [1, 0x74, 0x5E, 0x08, 0x67]; // 年月
        assert_eq!(biff8_string(&wide, 2, 0).as_deref(), Some("年月"));
        assert_eq!(biff8_string(&[1, 0x74], 2, 0), None, "cut short");
    }

    #[test]
    fn truncated_streams_give_up_without_panic() {
        assert!(read(&[], "Sheet1").is_none());
        assert!(read(&[0x09, 0x08, 0x10, 0x00, 0x00], "Sheet1").is_none());
        assert_eq!(records(&[0x0A, 0x00, 0x05, 0x00, 1], 0).count(), 0);
    }
}
