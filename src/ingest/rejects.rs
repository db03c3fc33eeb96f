//! The rejects file of `--skip-invalid` (evaluation-files.md): every rejected row
//! with its original fields plus `source_file`, `line` and `reason`. Written
//! to a temporary file beside the target and renamed into place at the end,
//! so a run that fails later leaves no half-written rejects behind. The
//! results rejects of `ksa appraise` are written by the same writer.
//!
//! The fields are written as they were read, except that a text field that
//! a spreadsheet would run as a formula (`=HYPERLINK(…)`) gets a leading
//! `'`, as in every CSV output (`files::csv_text`). A field that is a plain
//! number (`-1`, `+4`, a rejected score) is left as it is: a number is no
//! formula, and the person fixing the input should see what it held.

use crate::error::{KsaError, Result};
use crate::files::csv_text;
use crate::files::dest::AtomicFile;
use csv::ByteRecord;
use std::path::PathBuf;

pub struct Rejects {
    path: PathBuf,
    /// A name ksa chose: never written through a link.
    own: bool,
    writer: Option<csv::Writer<AtomicFile>>,
}

/// A rejected field as the rejects file writes it.
fn field(f: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if super::is_plain_number(f.trim_ascii()) {
        std::borrow::Cow::Borrowed(f)
    } else {
        csv_text(f)
    }
}

impl Rejects {
    /// The rejects file `path` (`rejects.csv` when `None`); `own` when ksa
    /// chose the name (a default), so that it is never written through a
    /// link (`AtomicFile::create_own`).
    pub fn new(path: Option<PathBuf>, own: bool) -> Rejects {
        Rejects {
            own: own || path.is_none(),
            path: path.unwrap_or_else(|| PathBuf::from("rejects.csv")),
            writer: None,
        }
    }

    fn open(&mut self, header: &[&[u8]]) -> Result<&mut csv::Writer<AtomicFile>> {
        if self.writer.is_none() {
            let tmp = if self.own {
                AtomicFile::create_own(&self.path)?
            } else {
                AtomicFile::create(&self.path)?
            };
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(tmp);
            let mut h = ByteRecord::new();
            for f in header {
                h.push_field(&csv_text(f));
            }
            h.push_field(b"source_file");
            h.push_field(b"line");
            h.push_field(b"reason");
            w.write_byte_record(&h)
                .map_err(|e| KsaError::io(&self.path, e.into()))?;
            self.writer = Some(w);
        }
        Ok(self.writer.as_mut().unwrap())
    }

    /// Writes one rejected row. The first rejected row's file gives the header.
    pub fn write(
        &mut self,
        header: &[String],
        record: &ByteRecord,
        source: &str,
        line: u64,
        reason: &str,
    ) -> Result<()> {
        let path = self.path.clone();
        let h: Vec<&[u8]> = header.iter().map(|s| s.as_bytes()).collect();
        let w = self.open(&h)?;
        // The original fields, less the `\r` a CRLF line leaves on the last.
        let mut out = ByteRecord::new();
        let n = record.len();
        for (i, f) in record.iter().enumerate() {
            let f = if i + 1 == n {
                f.strip_suffix(b"\r").unwrap_or(f)
            } else {
                f
            };
            out.push_field(&field(f));
        }
        out.push_field(&csv_text(source.as_bytes()));
        out.push_field(line.to_string().as_bytes());
        out.push_field(&csv_text(reason.as_bytes()));
        w.write_byte_record(&out)
            .map_err(|e| KsaError::io(&path, e.into()))
    }

    /// Writes one rejected row of a sheet, whose header is `cut_at` cells
    /// wide (`None` for CSV: the row is written whole). The cells right of
    /// the header are a sheet's empty columns, up to 16,384 of them, which
    /// made a rejects file of a full sheet some 17 GB: they are cut, and
    /// the reason says how many held something.
    pub fn write_cut(
        &mut self,
        header: &[String],
        record: &ByteRecord,
        source: &str,
        line: u64,
        reason: &str,
        cut_at: Option<usize>,
    ) -> Result<()> {
        match cut_at.filter(|&w| record.len() > w) {
            None => self.write(header, record, source, line, reason),
            Some(w) => {
                let cut = record.iter().skip(w).filter(|f| !f.is_empty()).count();
                let kept: ByteRecord = record.iter().take(w).collect();
                let cells = if cut == 1 { "cell" } else { "cells" };
                let reason = format!(
                    "{reason}; only the cells up to the header's last column are written here ({cut} more {cells} cut)"
                );
                self.write(header, &kept, source, line, &reason)
            }
        }
    }

    /// Puts the rejects file in place. With no rejected row it still writes
    /// a header-only file (of `header`, then `source_file,line,reason`), so
    /// a stale rejects file from an earlier run never suggests rows were
    /// lost.
    pub fn finish(mut self, header: &[String]) -> Result<()> {
        let h: Vec<&[u8]> = header.iter().map(|s| s.as_bytes()).collect();
        self.open(&h)?;
        let w = self.writer.take().unwrap();
        let file = w
            .into_inner()
            .map_err(|e| KsaError::io(&self.path, std::io::Error::other(e.to_string())))?;
        file.commit()
    }
}
