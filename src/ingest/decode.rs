//! Turning an evaluation file's bytes into a UTF-8 stream (evaluation-files.md,
//! "Files"): a byte-order mark decides first (UTF-8, UTF-16LE, UTF-16BE);
//! otherwise a file that is valid UTF-8 throughout is UTF-8; otherwise it is
//! GB18030, the superset of GBK and GB2312 that Excel on Chinese Windows
//! writes. Decoding is strict: a byte sequence that is not valid in the
//! chosen encoding is a file-level error, never a silent U+FFFD.

use crate::error::{KsaError, Result};
use crate::input;
use encoding_rs::{Encoding, GB18030, UTF_8};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const BUF: usize = 1 << 20;

/// The buffer size for a file of `len` bytes: `BUF`, or less for a small
/// file — enough for all of its text decoded (UTF-8 takes at most 3 bytes
/// for each byte of GB18030 or UTF-16), so it reads exactly as with `BUF`.
/// Many small files (a folder of branch exports, the fuzzing harnesses)
/// would otherwise each allocate and clear several megabytes.
fn buffer_size(len: u64) -> usize {
    let decoded = usize::try_from(len)
        .unwrap_or(usize::MAX)
        .saturating_mul(3)
        .saturating_add(16);
    decoded.clamp(8 << 10, BUF)
}

/// The longest row (record) of a CSV file, in bytes after decoding to UTF-8,
/// and of a workbook's sheet (its text, and its XML in an `.xlsx`:
/// `xlsx_limits`): 8 MiB. Rows are read whole, so this bounds the memory one row can take
/// (an unterminated quote would otherwise make the rest of the file one
/// field). A real row, even with a long comment, is a few kilobytes; Excel
/// holds 32,767 characters a cell. README "Limits", docs/hardening.md.
pub const MAX_ROW_BYTES: u64 = 8 << 20;

/// The message for a row over `MAX_ROW_BYTES`, in a CSV file (`line`) or
/// a sheet (`FILE[SHEET]` and the row's number), without `error: `.
pub fn row_too_long(label: &str, line: u64) -> String {
    format!(
        "{label}:{line}: the row is longer than {} MiB, the limit on one row",
        MAX_ROW_BYTES >> 20
    )
}

/// The most columns a CSV header may have: 16,384, Excel's limit
/// (column XFD). README "Limits", docs/hardening.md.
pub const MAX_COLUMNS: usize = 16_384;

/// An opened evaluation file: a UTF-8 byte stream and what was detected.
pub struct Decoded {
    pub reader: Box<dyn BufRead + Send>,
    pub encoding: &'static Encoding,
    /// Bytes of the file read so far, for progress bars.
    pub bytes_read: Arc<AtomicU64>,
}

/// Opens `path` and returns a UTF-8 stream of its text (without any BOM).
/// `forced` is `--encoding`.
pub fn open_utf8(path: &Path, label: &str, forced: Option<&'static Encoding>) -> Result<Decoded> {
    // A pipe is copied into a temporary file once (`input`): it is read
    // twice here, for the encoding and then the rows.
    let mut file = input::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => KsaError::invalid(format!("{label}: file not found")),
        io::ErrorKind::FileTooLarge => KsaError::invalid(format!("{label}: {e}")),
        _ => KsaError::invalid(format!("{label}: cannot open: {e}")),
    })?;
    let len = file
        .byte_len()
        .map_err(|e| KsaError::invalid(format!("{label}: cannot read: {e}")))?;
    if len == 0 {
        return Err(KsaError::invalid(format!(
            "{label}: the file is empty (0 bytes); an evaluation file needs at least a header row"
        )));
    }
    let read_err = |e: io::Error| KsaError::invalid(format!("{label}: cannot read: {e}"));
    let buf = buffer_size(len);

    let mut head = [0u8; 3];
    let n = read_up_to(&mut file, &mut head).map_err(read_err)?;
    let bom = Encoding::for_bom(&head[..n]);
    file.seek(SeekFrom::Start(0)).map_err(read_err)?;

    let encoding = match (forced, bom) {
        (Some(enc), _) => enc,
        (None, Some((enc, _))) => enc,
        (None, None) => {
            if is_valid_utf8(&mut file, buf).map_err(read_err)? {
                UTF_8
            } else {
                GB18030
            }
        }
    };
    file.seek(SeekFrom::Start(0)).map_err(read_err)?;
    let bytes_read = Arc::new(AtomicU64::new(0));
    let file = CountBytes {
        inner: file,
        count: Arc::clone(&bytes_read),
    };

    let reader: Box<dyn BufRead + Send> = if encoding == UTF_8 {
        // Valid UTF-8 is passed through untouched, the fast path for large
        // files; only a leading BOM is dropped.
        let mut r = BufReader::with_capacity(buf, file);
        if bom.map(|(e, _)| e) == Some(UTF_8) {
            r.consume_bom();
        }
        if forced.is_some() {
            // Detection did not check it, so check as we go.
            Box::new(BufReader::with_capacity(
                buf,
                StrictDecoder::with_capacity(r, UTF_8, label, buf).chosen(Chosen::Forced),
            ))
        } else {
            Box::new(r)
        }
    } else {
        Box::new(BufReader::with_capacity(
            buf,
            StrictDecoder::with_capacity(BufReader::with_capacity(buf, file), encoding, label, buf)
                .chosen(match (forced, bom) {
                    (Some(_), _) => Chosen::Forced,
                    (None, Some(_)) => Chosen::Bom,
                    (None, None) => Chosen::Guessed,
                }),
        ))
    };
    Ok(Decoded {
        reader,
        encoding,
        bytes_read,
    })
}

/// Counts the bytes read from a file. It sits under the 1 MiB buffers, so
/// it adds one atomic addition per megabyte, nothing per row.
struct CountBytes<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountBytes<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

trait ConsumeBom {
    fn consume_bom(&mut self);
}

impl<R: Read> ConsumeBom for BufReader<R> {
    fn consume_bom(&mut self) {
        if let Ok(buf) = self.fill_buf() {
            if buf.starts_with(b"\xEF\xBB\xBF") {
                self.consume(3);
            }
        }
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Whether the whole stream is valid UTF-8, read in chunks so a large file
/// never sits in memory. A character split across chunks is carried over.
fn is_valid_utf8(r: &mut impl Read, chunk: usize) -> io::Result<bool> {
    let mut buf = vec![0u8; chunk + 4];
    let mut carry = 0usize;
    loop {
        let n = read_up_to(r, &mut buf[carry..carry + chunk])?;
        let end = carry + n;
        if n == 0 {
            return Ok(carry == 0);
        }
        // simdutf8 validates CJK-heavy text several times faster than std;
        // std is asked only to tell an incomplete tail from a real error.
        if simdutf8::basic::from_utf8(&buf[..end]).is_ok() {
            carry = 0;
            continue;
        }
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                // An incomplete character at the end of the chunk.
                let valid = e.valid_up_to();
                buf.copy_within(valid..end, 0);
                carry = end - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// A `Read` adapter that decodes `encoding` to UTF-8 and fails with
/// `InvalidData` on the first malformed sequence.
/// How the encoding of a file was chosen, which its error message says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// `--encoding`.
    Forced,
    /// A byte-order mark.
    Bom,
    /// Not valid UTF-8, so GB18030.
    Guessed,
}

pub struct StrictDecoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static Encoding,
    chosen: Chosen,
    label: String,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    consumed: u64,
    eof: bool,
    done: bool,
}

impl<R: Read> StrictDecoder<R> {
    /// A decoder reading `capacity` bytes of `inner` at a time.
    pub fn with_capacity(
        inner: R,
        encoding: &'static Encoding,
        label: &str,
        capacity: usize,
    ) -> Self {
        StrictDecoder {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            encoding,
            chosen: Chosen::Guessed,
            label: label.to_string(),
            input: vec![0; capacity],
            in_start: 0,
            in_end: 0,
            output: vec![0; capacity * 3 + 16],
            out_start: 0,
            out_end: 0,
            consumed: 0,
            eof: false,
            done: false,
        }
    }

    /// Says how the encoding was chosen (default: guessed).
    pub fn chosen(mut self, chosen: Chosen) -> Self {
        self.chosen = chosen;
        self
    }

    fn refill(&mut self) -> io::Result<()> {
        while self.out_start == self.out_end && !self.done {
            if self.in_start == self.in_end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        r => break r?,
                    }
                };
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let last = self.eof;
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                last,
            );
            self.in_start += read;
            self.consumed += read as u64;
            self.out_start = 0;
            self.out_end = written;
            match result {
                encoding_rs::DecoderResult::InputEmpty => {
                    if last {
                        self.done = true;
                    }
                }
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(bad, _) => {
                    let at = self.consumed.saturating_sub(bad as u64);
                    let (label, enc) = (&self.label, self.encoding.name());
                    let message = match self.chosen {
                        Chosen::Forced => format!(
                            "{label}: the file is not valid {enc}, the encoding --encoding names (bad bytes at byte offset {at}); leave --encoding out to detect it, or name the file's real encoding (GBK files: --encoding gb18030)"
                        ),
                        Chosen::Bom => format!(
                            "{label}: the file starts with a {enc} byte-order mark but is not valid {enc} (bad bytes at byte offset {at}); re-save it as UTF-8"
                        ),
                        Chosen::Guessed => format!(
                            "{label}: the file is neither valid UTF-8 nor valid {enc} (bad bytes at byte offset {at}); re-save it as UTF-8 or name its encoding with --encoding"
                        ),
                    };
                    return Err(io::Error::new(io::ErrorKind::InvalidData, message));
                }
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for StrictDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.refill()?;
        let n = (self.out_end - self.out_start).min(buf.len());
        buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

/// A CSV file opened the way every ksa input is read: decoded to UTF-8,
/// delimiter given or sniffed, empty lines marked, and the header row read.
pub struct CsvFile {
    pub reader: csv::Reader<MarkEmptyLines<Box<dyn BufRead + Send>>>,
    /// The header fields as written (a CRLF `\r` removed).
    pub headers: Vec<String>,
    /// The header's line number.
    pub header_line: u64,
    pub encoding: &'static Encoding,
    /// Bytes of the file read so far (ahead of the parser by at most the
    /// buffers), for progress bars.
    pub bytes_read: Arc<AtomicU64>,
}

/// Opens `path` as CSV. `what` names the kind of file in the message for a
/// file without a header ("an evaluation file", "a results file").
/// The first `most` non-empty records of a CSV file with their line
/// numbers (the header included); empty when it cannot be read. For the
/// messages about a header.
pub fn peek_csv(
    path: &Path,
    label: &str,
    encoding: Option<&'static Encoding>,
    delimiter: Option<u8>,
    most: usize,
) -> Vec<(u64, Vec<String>)> {
    let Ok(mut file) = open_csv(path, label, encoding, delimiter, "", None) else {
        return Vec::new();
    };
    let mut rows = vec![(file.header_line, file.headers.clone())];
    let mut record = csv::ByteRecord::new();
    while rows.len() < most {
        match file.reader.read_byte_record(&mut record) {
            Ok(true) if is_empty_line(&record) => {}
            Ok(true) => rows.push((
                record.position().map_or(0, |p| p.line()),
                record
                    .iter()
                    .map(|f| {
                        String::from_utf8_lossy(f)
                            .trim_end_matches('\r')
                            .to_string()
                    })
                    .collect(),
            )),
            _ => break,
        }
    }
    rows
}

pub fn open_csv(
    path: &Path,
    label: &str,
    encoding: Option<&'static Encoding>,
    delimiter: Option<u8>,
    what: &str,
    header_row: Option<u64>,
) -> Result<CsvFile> {
    let mut decoded = open_utf8(path, label, encoding)?;
    let delimiter = match delimiter {
        Some(d) => d,
        None => {
            let head = decoded.reader.fill_buf().map_err(|e| match e.kind() {
                // A decoding error names the file itself.
                io::ErrorKind::InvalidData => KsaError::invalid(e.to_string()),
                _ => KsaError::invalid(format!("{label}: cannot read: {e}")),
            })?;
            sniff_delimiter(head)
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        // Records end at `\n` only. With the default CRLF handling the csv
        // crate reports a CRLF file's line numbers one short; a `\r` left at
        // the end of a last field is removed by trimming.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_reader(MarkEmptyLines::new(decoded.reader).labelled(label));
    let mut record = csv::ByteRecord::new();
    loop {
        if !reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(label, e))?
        {
            return Err(KsaError::invalid(format!(
                "{label}: no header row; {what} starts with a header"
            )));
        }
        let line = record.position().map_or(1, |p| p.line());
        if !is_empty_line(&record) && header_row.is_none_or(|n| line >= n) {
            break;
        }
    }
    if record.len() > MAX_COLUMNS {
        let line = record.position().map_or(1, |p| p.line());
        return Err(KsaError::invalid(format!(
            "{label}:{line}: the header has {} columns; ksa reads at most {} (the column limit, as in Excel)",
            record.len(),
            crate::error::thousands(MAX_COLUMNS as u64)
        )));
    }
    let headers = record
        .iter()
        .map(|f| {
            String::from_utf8_lossy(f)
                .trim_end_matches('\r')
                .to_string()
        })
        .collect();
    Ok(CsvFile {
        reader,
        headers,
        header_line: record.position().map_or(1, |p| p.line()),
        encoding: decoded.encoding,
        bytes_read: decoded.bytes_read,
    })
}

/// A csv error as ksa reports it: decoding errors carry their own message.
pub fn csv_error(label: &str, e: csv::Error) -> KsaError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => KsaError::invalid(io.to_string()),
        other => KsaError::invalid(format!("{label}: cannot read the CSV: {other:?}")),
    }
}

/// The empty line of a file reads as one empty field ("\r" in a CRLF file,
/// and every empty LF line once `MarkEmptyLines` has marked it).
pub fn is_empty_line(r: &csv::ByteRecord) -> bool {
    r.len() == 1 && matches!(&r[0], b"" | b"\r")
}

/// Marks the empty lines of a stream so the csv parser counts them.
///
/// evaluation-files.md: line numbers are physical lines, and empty lines are
/// skipped but still lines. The csv crate skips an empty LF line without
/// counting it, which would shift every later line number; so each empty
/// line outside quotes gets a `\r`, making it a one-field record `"\r"` that
/// is counted and then skipped like the empty line of a CRLF file. Only `"`
/// and `\n` matter, found with memchr, so this costs little on large files.
///
/// It also makes two things the parser does not do. A lone `\r` outside
/// quotes (the line ending of old Mac files, possibly mixed with `\n` and
/// `\r\n`) becomes `\n`, so such a line is a line, not part of a field. And
/// a row longer than `MAX_ROW_BYTES` stops the read with an error naming the
/// line it starts on, before the parser has buffered it whole.
pub struct MarkEmptyLines<R> {
    inner: R,
    label: String,
    /// Physical line of the next byte (1-based), and where the current
    /// record started: its line and its offset in the stream.
    line: u64,
    row_line: u64,
    row_start: u64,
    offset: u64,
    in_quotes: bool,
    /// The last byte seen was a `\n` outside quotes (true at the start, so
    /// an empty first line is marked too).
    after_newline: bool,
    /// The last chunk ended in a `\r`, held back for the next one.
    carried_cr: bool,
    chunk: Vec<u8>,
    pending: Vec<u8>,
    pos: usize,
}

impl<R: Read> MarkEmptyLines<R> {
    pub fn new(inner: R) -> Self {
        MarkEmptyLines {
            inner,
            label: String::from("<input>"),
            line: 1,
            row_line: 1,
            row_start: 0,
            offset: 0,
            in_quotes: false,
            after_newline: true,
            carried_cr: false,
            chunk: vec![0; 1 << 16],
            pending: Vec::with_capacity(1 << 17),
            pos: 0,
        }
    }

    /// Names the input in the error for a row over `MAX_ROW_BYTES`.
    pub fn labelled(mut self, label: &str) -> Self {
        self.label = label.to_string();
        self
    }

    fn read_some(&mut self, from: usize, to: usize) -> io::Result<usize> {
        loop {
            match self.inner.read(&mut self.chunk[from..to]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => return r,
            }
        }
    }

    fn refill(&mut self) -> io::Result<bool> {
        // A `\r` last in a chunk waits for the next byte: the next chunk
        // starts with it, so `\r\n` across chunks is still seen as one.
        let start = usize::from(self.carried_cr);
        if self.carried_cr {
            self.chunk[0] = b'\r';
        }
        let size = self.chunk.len();
        let got = self.read_some(start, size)?;
        let eof = got == 0;
        let mut n = start + got;
        self.carried_cr = !eof && self.chunk[n - 1] == b'\r';
        if self.carried_cr {
            n -= 1;
        }
        self.pending.clear();
        self.pos = 0;
        let chunk = &self.chunk[..n];
        let mut copied = 0; // chunk[..copied] is already in `pending`
        let mut next = 0; // the byte after the last `"`, `\n` or `\r` seen
        for i in memchr::memchr3_iter(b'"', b'\n', b'\r', chunk) {
            if i > next {
                self.after_newline = false; // ordinary bytes since the last one
            }
            next = i + 1;
            let byte = chunk[i];
            if byte == b'"' {
                self.in_quotes = !self.in_quotes;
                self.after_newline = false;
                continue;
            }
            // A `\r` is a line break when it is not the first half of a
            // `\r\n` (an `\r` last in the stream is one too).
            let lone_cr = byte == b'\r' && chunk.get(i + 1) != Some(&b'\n');
            if byte == b'\n' || lone_cr {
                self.line += 1;
            }
            if self.in_quotes || (byte == b'\r' && !lone_cr) {
                self.after_newline = false; // data, or the `\r` of `\r\n`
                continue;
            }
            if self.after_newline || lone_cr {
                self.pending.extend_from_slice(&chunk[copied..i]);
                if self.after_newline {
                    self.pending.push(b'\r');
                }
                if lone_cr {
                    self.pending.push(b'\n');
                    copied = i + 1;
                } else {
                    copied = i;
                }
            }
            self.after_newline = true;
            self.row_start = self.offset + i as u64 + 1;
            self.row_line = self.line;
        }
        if n > next {
            self.after_newline = false;
        }
        self.pending.extend_from_slice(&chunk[copied..n]);
        self.offset += n as u64;
        if self.offset - self.row_start > MAX_ROW_BYTES {
            let hint = if self.in_quotes {
                "; a quote (\") opened in it is never closed"
            } else {
                ""
            };
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}{hint}", row_too_long(&self.label, self.row_line)),
            ));
        }
        Ok(!eof || n > 0)
    }
}

impl<R: Read> Read for MarkEmptyLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.pending.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = (self.pending.len() - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The delimiter of a file whose first bytes are `head` (decoded text): `,`
/// unless the header line holds tabs and no commas (evaluation-files.md).
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let first_line = head
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(|&b| b == b'\r' || b == b' '))
        .unwrap_or(&[]);
    if first_line.contains(&b'\t') && !first_line.contains(&b',') {
        b'\t'
    } else {
        b','
    }
}

/// `--encoding NAME`: any WHATWG label (`gbk`, `gb18030`, `utf-16le`, ...).
pub fn encoding_for_label(name: &str) -> Result<&'static Encoding> {
    Encoding::for_label(name.trim().as_bytes()).ok_or_else(|| {
        KsaError::invalid(format!(
            "--encoding: unknown encoding \"{name}\" (try utf-8, gbk, gb18030, utf-16le, utf-16be)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Validation in chunks of any size agrees with validating the
        /// whole text at once: a character cut by a chunk's end is carried.
        #[test]
        fn utf8_check_in_chunks_agrees_with_the_whole(
            text in "[a-z,\\n张三分😀é]{0,40}",
            cut in proptest::collection::vec(0usize..4, 0..3),
            chunk in 1usize..12,
        ) {
            let mut bytes = text.into_bytes();
            // Damage a few bytes (or none) to get invalid sequences too.
            for (i, c) in cut.iter().enumerate() {
                if *c > 0 && !bytes.is_empty() {
                    let at = (i * 7 + c) % bytes.len();
                    bytes[at] = 0x80 | (*c as u8);
                }
            }
            let whole = std::str::from_utf8(&bytes).is_ok();
            let chunked = is_valid_utf8(&mut io::Cursor::new(&bytes), chunk).unwrap();
            proptest::prop_assert_eq!(chunked, whole);
        }
    }

    #[test]
    fn small_files_get_small_buffers_large_ones_the_full_size() {
        assert_eq!(buffer_size(0), 8 << 10);
        assert_eq!(buffer_size(10_000), 30_016);
        assert_eq!(buffer_size(1 << 30), BUF);
        assert_eq!(buffer_size(u64::MAX), BUF);
    }

    fn mark(input: &[u8], chunk: usize) -> Vec<u8> {
        // Feed the input in small pieces to cross chunk boundaries.
        struct Pieces<'a>(&'a [u8], usize);
        impl Read for Pieces<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        MarkEmptyLines::new(Pieces(input, chunk))
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn a_row_over_the_limit_is_an_error_naming_its_line() {
        let mut input = b"h\nok\n\"".to_vec();
        input.resize(input.len() + MAX_ROW_BYTES as usize + 10, b'x');
        let mut out = Vec::new();
        let err = MarkEmptyLines::new(&input[..])
            .labelled("big.csv")
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "big.csv:3: the row is longer than 8 MiB, the limit on one row; a quote (\") opened in it is never closed"
        );
    }

    #[test]
    fn empty_lines_outside_quotes_are_marked() {
        for chunk in [1, 2, 3, 64] {
            assert_eq!(mark(b"a\n\nb\n", chunk), b"a\n\r\nb\n");
            assert_eq!(mark(b"\na\n", chunk), b"\r\na\n");
            assert_eq!(mark(b"a\n\n\nb", chunk), b"a\n\r\n\r\nb");
            // CRLF empty lines already read as a record; left alone.
            assert_eq!(mark(b"a\r\n\r\nb\r\n", chunk), b"a\r\n\r\nb\r\n");
            // A blank line inside a quoted field is data.
            assert_eq!(
                mark(b"a,\"x\n\ny\"\n\nb\n", chunk),
                b"a,\"x\n\ny\"\n\r\nb\n"
            );
            assert_eq!(mark(b"a,\"q\"\"\n\n\"\n", chunk), b"a,\"q\"\"\n\n\"\n");
            // Lone `\r` line endings, mixed with the others, become `\n`;
            // inside quotes they stay data.
            assert_eq!(mark(b"a\rb\r\nc\nd\r", chunk), b"a\nb\r\nc\nd\n");
            assert_eq!(mark(b"a\r\rb", chunk), b"a\n\r\nb");
            assert_eq!(mark(b"\"x\ry\"\rz", chunk), b"\"x\ry\"\nz");
        }
    }
}
