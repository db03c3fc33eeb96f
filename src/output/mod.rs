//! Writing tabular results as CSV, JSON, an aligned terminal table or an
//! Excel workbook (scoring.md §7; `xlsx`). Producers emit rows one at a time
//! into a `Sink`, so a whole bank's results stream out without being held in
//! memory (only the terminal table, meant for people, buffers to align its
//! columns).

pub mod appraise;
pub mod explain;
pub mod model_tree;
pub mod plan;
pub mod promote;
pub mod stats;
pub mod tables;
pub mod text;
pub mod xlsx;

use crate::files::csv_text;
use crate::score::round::{format_rounded, write_rounded};
use std::io::{self, Write};

/// One cell of an output row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Text(&'a str),
    /// An undefined value: empty in CSV, `null` in JSON.
    Missing,
    /// A number written rounded to the given decimals in CSV and tables,
    /// unrounded in JSON; `None` is undefined.
    Num(Option<f64>, usize),
    Int(u64),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Table,
    // An Excel workbook: binary, so only with `--out FILE` (evaluate.rs).
    Xlsx,
}

pub trait Sink {
    fn row(&mut self, values: &[Value]) -> io::Result<()>;
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// Opens a sink of the given format. `meta` is the model id and version,
/// which JSON carries at its top level (scoring.md, edge cases) and an Excel
/// workbook on its About sheet. Commands with a workbook layout of their
/// own (sheet names, heatmap, input hashes) use `xlsx::XlsxWorkbook`.
pub fn sink<'w>(
    format: Format,
    columns: Vec<String>,
    out: Box<dyn Write + 'w>,
    bom: bool,
    meta: (&str, &str),
) -> io::Result<Box<dyn Sink + 'w>> {
    Ok(match format {
        Format::Csv => Box::new(CsvSink::new(columns, out, bom)?),
        Format::Json => Box::new(JsonSink::new(columns, out, meta)?),
        Format::Table => Box::new(TableSink::new(columns, out, None)),
        Format::Xlsx => Box::new(xlsx::StandaloneSink::new(columns, out, meta)?),
    })
}

/// `sink` for a command whose terminal table speaks `lang`: its headers and
/// status words (`true`, `knockout_short`, `one_plan_away` …) in words of
/// that language (`text::header_word`, `text::status_word`); CSV, JSON and Excel keep their machine
/// names, which scripts depend on.
pub fn sink_in<'w>(
    format: Format,
    columns: Vec<String>,
    out: Box<dyn Write + 'w>,
    bom: bool,
    meta: (&str, &str),
    lang: crate::model::Language,
) -> io::Result<Box<dyn Sink + 'w>> {
    match format {
        Format::Table => Ok(Box::new(TableSink::new(columns, out, Some(lang)))),
        _ => sink(format, columns, out, bom, meta),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::Text(s) => s.to_string(),
        Value::Missing | Value::Num(None, _) => String::new(),
        Value::Num(Some(x), d) => format_rounded(*x, *d),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
    }
}

/// The I/O error inside a csv error, so that a closed pipe stays a
/// `BrokenPipe` (which `ksa score | head` must not report as a failure).
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

struct CsvSink<'w> {
    w: csv::Writer<Box<dyn Write + 'w>>,
    /// One cell's text, reused from cell to cell (a whole bank's scores are
    /// millions of cells).
    cell: String,
}

impl<'w> CsvSink<'w> {
    fn new(columns: Vec<String>, mut out: Box<dyn Write + 'w>, bom: bool) -> io::Result<Self> {
        if bom {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(1 << 16)
            .from_writer(out);
        for c in &columns {
            w.write_field(csv_text(c.as_bytes())).map_err(csv_io)?;
        }
        w.write_record(None::<&[u8]>).map_err(csv_io)?;
        Ok(CsvSink {
            w,
            cell: String::new(),
        })
    }
}

impl Sink for CsvSink<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        for v in values {
            if let Value::Text(s) = v {
                self.w.write_field(csv_text(s.as_bytes())).map_err(csv_io)?;
                continue;
            }
            self.cell.clear();
            match v {
                Value::Text(_) | Value::Missing | Value::Num(None, _) => {}
                Value::Num(Some(x), d) => write_rounded(&mut self.cell, *x, *d),
                Value::Int(i) => {
                    use std::fmt::Write as _;
                    let _ = write!(self.cell, "{i}");
                }
                Value::Bool(b) => self.cell.push_str(if *b { "true" } else { "false" }),
            }
            self.w.write_field(&self.cell).map_err(csv_io)?;
        }
        self.w.write_record(None::<&[u8]>).map_err(csv_io)
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let mut w = self.w;
        w.flush()
    }
}

struct JsonSink<'w> {
    out: Box<dyn Write + 'w>,
    columns: Vec<String>,
    first: bool,
}

impl<'w> JsonSink<'w> {
    fn new(
        columns: Vec<String>,
        mut out: Box<dyn Write + 'w>,
        meta: (&str, &str),
    ) -> io::Result<Self> {
        write!(
            out,
            "{{\"model_id\":{},\"model_version\":{},\"rows\":[",
            serde_json::to_string(meta.0)?,
            serde_json::to_string(meta.1)?
        )?;
        Ok(JsonSink {
            out,
            columns,
            first: true,
        })
    }
}

impl Sink for JsonSink<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        // Written field by field so the keys keep the column order of the
        // CSV layout (a JSON map would sort them).
        self.out
            .write_all(if self.first { b"\n{" } else { b",\n{" })?;
        self.first = false;
        for (i, (c, v)) in self.columns.iter().zip(values).enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.out, c)?;
            self.out.write_all(b":")?;
            let j = match v {
                Value::Text(s) => serde_json::Value::from(*s),
                Value::Missing | Value::Num(None, _) => serde_json::Value::Null,
                Value::Num(Some(x), _) => serde_json::Value::from(*x),
                Value::Int(i) => serde_json::Value::from(*i),
                Value::Bool(b) => serde_json::Value::from(*b),
            };
            serde_json::to_writer(&mut self.out, &j)?;
        }
        self.out.write_all(b"}")
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let mut out = self.out;
        out.write_all(b"\n]}\n")?;
        out.flush()
    }
}

struct TableSink<'w> {
    columns: Vec<String>,
    /// Status words and yes/no in this language (`sink_in`).
    words: Option<crate::model::Language>,
    /// The columns whose text cells are status codes.
    coded: Vec<bool>,
    rows: Vec<(Vec<String>, Vec<bool>)>,
    out: Box<dyn Write + 'w>,
}

impl<'w> TableSink<'w> {
    /// A table with machine names (`words` none), or in words of a language.
    fn new(
        columns: Vec<String>,
        out: Box<dyn Write + 'w>,
        words: Option<crate::model::Language>,
    ) -> Self {
        let coded = columns
            .iter()
            .map(|c| matches!(c.as_str(), "status" | "verdict" | "confidence" | "kind"))
            .collect();
        let columns = match words {
            Some(lang) => columns
                .iter()
                .map(|c| text::header_word(c, lang).to_string())
                .collect(),
            None => columns,
        };
        TableSink {
            columns,
            words,
            coded,
            rows: Vec::new(),
            out,
        }
    }
}

impl Sink for TableSink<'_> {
    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        let cells = values
            .iter()
            .enumerate()
            .map(|(i, v)| match (self.words, v) {
                (Some(lang), Value::Bool(b)) => text::yes_no(*b, lang).to_string(),
                (Some(lang), Value::Text(t)) if self.coded.get(i) == Some(&true) => {
                    text::status_word(t, lang).unwrap_or(t).to_string()
                }
                _ => plain(v),
            })
            .collect();
        let numeric = values
            .iter()
            .map(|v| matches!(v, Value::Num(..) | Value::Int(_)))
            .collect();
        self.rows.push((cells, numeric));
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let mut t = text::TextTable::new(self.columns.clone());
        for (cells, numeric) in self.rows {
            t.push(cells, numeric);
        }
        let mut out = self.out;
        out.write_all(t.render().as_bytes())?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(format: Format, x: f64) -> String {
        let mut bytes = Vec::new();
        {
            let out: Box<dyn Write + '_> = Box::new(&mut bytes);
            let mut s = sink(
                format,
                vec!["id".into(), "score".into()],
                out,
                false,
                ("m", "1"),
            )
            .unwrap();
            s.row(&[Value::Text("P1"), Value::Num(Some(x), 2)]).unwrap();
            s.finish().unwrap();
        }
        String::from_utf8(bytes).unwrap()
    }

    proptest::proptest! {
        /// No output path writes NaN or an infinity as a number: whatever
        /// f64 a producer hands on, the CSV, JSON and table text hold a
        /// finite number or no value (JSON that serde reads back).
        #[test]
        fn no_format_writes_nan_or_infinity(bits in proptest::num::u64::ANY) {
            let x = f64::from_bits(bits);
            for format in [Format::Csv, Format::Json, Format::Table] {
                let text = written(format, x);
                let lower = text.to_ascii_lowercase();
                proptest::prop_assert!(!lower.contains("nan") && !lower.contains("inf"), "{}", text);
                if format == Format::Json {
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                    let score = &v["rows"][0]["score"];
                    proptest::prop_assert_eq!(score.is_null(), !x.is_finite(), "{}", text);
                }
            }
            let csv = written(Format::Csv, x);
            let cell = csv.lines().nth(1).unwrap().split(',').nth(1).unwrap().to_string();
            proptest::prop_assert_eq!(cell.is_empty(), !x.is_finite());
        }
    }
}
