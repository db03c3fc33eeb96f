//! Row-by-row validation and accumulation (evaluation-files.md, "Invalid rows").
//!
//! A row is checked completely before anything is committed, because only
//! accepted rows may set a person's name, grade or unit or count as an
//! earlier rating. The hot loop reuses one record and interns ids, so it
//! allocates only when it meets a new person or rater.

use super::columns::{Column, Layout};
use super::decode::{csv_error, is_empty_line, open_csv, CsvFile};
use super::progress::Progress;
use super::rejects::Rejects;
use super::sheet::{self, CellError, SheetEvent};
use super::{Comment, Dataset, IngestOptions, InputFile, PersonPeriod, RatingRecord};
use crate::error::{KsaError, Result};
use crate::model::Model;
use csv::ByteRecord;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::path::Path;

/// Resolves cell values to model indices: exact match after trimming, ids
/// winning over names (evaluation-files.md, "Edge cases").
struct Lookup {
    map: FxHashMap<Box<[u8]>, usize>,
}

impl Lookup {
    fn new<'a>(items: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Lookup {
        let mut map = FxHashMap::default();
        for (i, (_, name)) in items.clone().enumerate() {
            map.entry(name.as_bytes().into()).or_insert(i);
        }
        // Ids overwrite names; the first of equal ids wins.
        let mut ids = FxHashMap::default();
        for (i, (id, _)) in items.enumerate() {
            ids.entry(id.as_bytes().into()).or_insert(i);
        }
        map.extend(ids);
        Lookup { map }
    }

    fn get(&self, key: &[u8]) -> Option<usize> {
        self.map.get(key).copied()
    }
}

/// Why a row was rejected: the column (as the file names it) and the reason.
struct Reject {
    column: Option<String>,
    reason: String,
}

impl Reject {
    fn text(&self) -> String {
        match &self.column {
            Some(c) => format!("column {c:?}: {}", self.reason),
            None => self.reason.clone(),
        }
    }
}

/// Records read ahead by the reader thread, with the line each starts on.
#[derive(Default)]
struct Batch {
    records: Vec<ByteRecord>,
    lines: Vec<u64>,
    len: usize,
    /// Slots whose last record was large: they get a fresh record before
    /// the batch is filled again, so a long row's memory is given back.
    large: Vec<usize>,
}

/// A batch ends at 4096 rows, or sooner once its records hold 1 MiB, so
/// the read-ahead is bounded in bytes: rows of 8 million commas (each
/// within the row limit, but 64 MB as a parsed record) were read 24,576
/// rows ahead, 9.6 GB for 150 of them, before the first was found invalid.
/// At most `BATCHES` batches exist, each holding at most `BATCH_BYTES`,
/// one record over it (under 8 MiB of text and 8 bytes a field, some 80 MB
/// with the csv crate's spare capacity) and the reused records of up to
/// `LARGE_RECORD` each: about 300 MB at worst, some megabytes for real
/// files.
const BATCH_ROWS: usize = 4096;
const BATCH_BYTES: usize = 1 << 20;
/// One being filled, one being validated, one waiting between them.
const BATCHES: usize = 3;
/// A record over this size is not kept for reuse, so no slot of a batch
/// keeps a long row's memory (4,096 slots of 4 KiB: 16 MiB a batch).
const LARGE_RECORD: usize = 4 << 10;

/// The memory a parsed record holds: its text and one end offset a field.
fn record_bytes(rec: &ByteRecord) -> usize {
    rec.as_slice().len() + rec.len() * std::mem::size_of::<usize>()
}

impl Batch {
    /// Refills the batch; returns whether the input is exhausted.
    fn fill<R: std::io::Read>(&mut self, rdr: &mut csv::Reader<R>) -> csv::Result<bool> {
        for i in self.large.drain(..) {
            self.records[i] = ByteRecord::new();
        }
        self.len = 0;
        let mut bytes = 0;
        while self.len < BATCH_ROWS && bytes < BATCH_BYTES {
            if self.records.len() == self.len {
                self.records.push(ByteRecord::new());
                self.lines.push(0);
            }
            let rec = &mut self.records[self.len];
            if !rdr.read_byte_record(rec)? {
                return Ok(true);
            }
            let size = record_bytes(rec);
            if size > LARGE_RECORD {
                self.large.push(self.len);
            }
            if is_empty_line(rec) {
                continue;
            }
            bytes += size;
            self.lines[self.len] = rec.position().map(|p| p.line()).unwrap_or(0);
            self.len += 1;
        }
        Ok(false)
    }
}

/// One rating of a row, resolved.
#[derive(Clone, Copy)]
struct Rating {
    competency: usize,
    score: f64,
}

/// Key of a named rater of a person-period: (person-period, group, rater).
type RaterKey = (u32, u32, u32);

pub(super) struct Ingestor<'m> {
    model: &'m Model,
    opts: &'m IngestOptions,
    data: Dataset,
    grades: Lookup,
    raters: Lookup,
    competencies: Lookup,
    scale: (f64, f64),
    person_ids: FxHashMap<Box<[u8]>, u32>,
    periods: Vec<String>,
    person_periods: FxHashMap<(u32, u32), u32>,
    rater_ids: FxHashMap<Box<[u8]>, u32>,
    /// Named raters seen per person-period and group, each with a bit per
    /// competency already rated, to find repeats.
    rater_slots: FxHashMap<RaterKey, u32>,
    rated_bits: Vec<u64>,
    words_per_slot: usize,
    rejects: Option<Rejects>,
    /// The row's ratings, reused from row to row.
    scratch: Vec<Rating>,
    /// The last person-period looked up, since rows usually come grouped.
    last: Option<(Vec<u8>, Vec<u8>, u32)>,
    /// The last rater slot looked up (person-period, group, rater_id, slot):
    /// one rater's ratings of a person usually come one after another.
    last_slot: (u32, u32, Vec<u8>, u32),
    /// The interned rater of `last_slot`.
    last_rater: u32,
    /// Whether to show progress bars (set for the whole run).
    pub(super) progress: Progress,
}

impl<'m> Ingestor<'m> {
    pub fn new(model: &'m Model, opts: &'m IngestOptions) -> Self {
        let n = model.competencies.len();
        Ingestor {
            model,
            opts,
            data: Dataset::new(model),
            grades: Lookup::new(
                model
                    .grades
                    .iter()
                    .map(|g| (g.id.as_str(), g.name.as_str())),
            ),
            raters: Lookup::new(
                model
                    .raters
                    .iter()
                    .map(|r| (r.id.as_str(), r.name.as_str())),
            ),
            competencies: Lookup::new(
                model
                    .competencies
                    .iter()
                    .map(|c| (c.id.as_str(), c.name.as_str())),
            ),
            scale: (model.scale.min_f(), model.scale.max_f()),
            person_ids: FxHashMap::default(),
            periods: Vec::new(),
            person_periods: FxHashMap::default(),
            rater_ids: FxHashMap::default(),
            rater_slots: FxHashMap::default(),
            rated_bits: Vec::new(),
            words_per_slot: n.div_ceil(64),
            rejects: opts
                .skip_invalid
                .then(|| Rejects::new(opts.rejects.clone(), opts.rejects_own)),
            scratch: Vec::with_capacity(n),
            last: None,
            last_slot: (u32::MAX, 0, Vec::new(), 0),
            last_rater: 0,
            progress: Progress::default(),
        }
    }

    /// Reads one evaluation file: a workbook (by its extension) or CSV.
    pub fn read_file(&mut self, path: &Path, label: &str) -> Result<()> {
        match sheet::reading_of(path, label)? {
            sheet::Reading::Workbook(format) => return self.read_sheet(path, label, format),
            sheet::Reading::Csv(note) => self.data.warnings.extend(note),
        }
        let CsvFile {
            reader: mut rdr,
            headers,
            encoding,
            bytes_read,
            ..
        } = open_csv(
            path,
            label,
            self.opts.encoding,
            self.opts.delimiter,
            "an evaluation file",
            self.opts.header_row.map(u64::from),
        )?;
        let csv_err = |e: csv::Error| csv_error(label, e);
        let layout = self.begin_file(headers, path, label, encoding.name())?;
        let bar = self
            .progress
            .bytes(label, std::fs::metadata(path).map_or(0, |m| m.len()));

        // Two stages on two threads: one reads, decodes and splits records
        // (and checks their UTF-8), the other validates and accumulates.
        // Batches of records travel between them and are reused, so the
        // pipeline allocates nothing per row.
        // Batches are reused, never made beyond `BATCHES`: the reader waits
        // for an empty one, so it is never more than that far ahead.
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(BATCHES);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
        for _ in 0..BATCHES {
            let _ = empty_tx.send(Batch::default());
        }
        std::thread::scope(|scope| -> Result<()> {
            let reader = scope.spawn(move || -> Result<()> {
                loop {
                    let Ok(mut batch) = empty_rx.recv() else {
                        return Ok(()); // the consumer stopped at an invalid row
                    };
                    let eof = batch.fill(&mut rdr).map_err(csv_err)?;
                    if let Some(bar) = &bar {
                        bar.set_position(bytes_read.load(std::sync::atomic::Ordering::Relaxed));
                    }
                    if batch.len > 0 && full_tx.send(batch).is_err() {
                        return Ok(()); // the consumer stopped at an invalid row
                    }
                    if eof {
                        return Ok(());
                    }
                }
            });
            let mut outcome = Ok(());
            'batches: for batch in full_rx {
                for i in 0..batch.len {
                    if let Err(e) =
                        self.take_row(&batch.records[i], batch.lines[i], &[], &layout, label, None)
                    {
                        outcome = Err(e);
                        break 'batches;
                    }
                }
                let _ = empty_tx.send(batch);
            }
            // A reader waiting for an empty batch stops.
            drop(empty_tx);
            // An invalid row comes before any read error of a later batch.
            let read = reader.join().unwrap_or_else(|_| {
                Err(KsaError::Other(format!(
                    "{label}: the reader thread failed"
                )))
            });
            outcome.and(read)
        })
    }

    /// Maps the header of a file, warns about (or, under `--strict`,
    /// refuses) unknown columns and records the file.
    fn begin_file(
        &mut self,
        headers: Vec<String>,
        path: &Path,
        label: &str,
        encoding: &'static str,
    ) -> Result<Layout> {
        let hint = || self.header_hint(path, label);
        let layout = Layout::from_header(headers, self.model, label, &self.opts.columns, &hint)?;
        if !layout.unknown.is_empty() {
            let names = layout
                .unknown
                .iter()
                .map(|u| format!("{u:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            let plural = if layout.unknown.len() > 1 { "s" } else { "" };
            if self.opts.strict {
                return Err(KsaError::invalid(format!(
                    "{label}: unknown column{plural} {names} (--strict)"
                )));
            }
            let what = if layout.long {
                "not a ksa column"
            } else {
                "neither a ksa column nor a competency of the model"
            };
            self.data
                .warnings
                .push(format!("{label}: column{plural} {names}: {what}; ignored"));
        }
        if !layout.long && layout.competency_columns.is_empty() {
            self.data.warnings.push(format!(
                "{label}: no `competency`/`score` columns and no column named after a competency of model {}: no ratings can be read",
                self.model.id
            ));
        }
        self.data.files.push(InputFile {
            label: label.to_string(),
            path: path.to_path_buf(),
            encoding,
            long_format: layout.long,
        });
        Ok(layout)
    }

    /// What a header without a person column should be told, when the
    /// person column is elsewhere: on a later row of the same file or sheet
    /// (a title above the header: `--header-row`), or on another sheet of
    /// the workbook (`--sheet`). Read again only for this message.
    fn header_hint(&self, path: &Path, label: &str) -> String {
        const LOOK: usize = 20;
        let mapped = &self.opts.columns;
        let person = |f: &[String]| super::columns::has_person_column(f, mapped);
        let below = |rows: &[(u64, Vec<String>)]| {
            rows.iter()
                .skip(1)
                .find(|(_, f)| person(f))
                .map(|(n, _)| *n)
        };
        let Some(format) = sheet::format_of(path) else {
            let rows =
                super::decode::peek_csv(path, label, self.opts.encoding, self.opts.delimiter, LOOK);
            return match (below(&rows), rows.first()) {
                (Some(n), Some((first, _))) if self.opts.header_row.is_none() => format!(
                    "; line {first} looks like a title: line {n} has a person column, so add --header-row {n}"
                ),
                _ => String::new(),
            };
        };
        let names = sheet::sheet_names(path, format);
        let chosen = match self.opts.sheet.as_deref() {
            Some(s) => sheet::choose_sheet_name(&names, s),
            None => names.first().cloned(),
        };
        if let Some(current) = &chosen {
            let rows = sheet::peek(path, label, format, current, LOOK);
            if let (Some(n), Some((first, _))) = (below(&rows), rows.first()) {
                if self.opts.header_row.is_none() {
                    return format!(
                        "; row {first} looks like a title: row {n} has a person column, so add --header-row {n}"
                    );
                }
            }
        }
        let others: Vec<&String> = names
            .iter()
            .filter(|n| Some(*n) != chosen.as_ref())
            .filter(|n| {
                sheet::peek(path, label, format, n, LOOK)
                    .iter()
                    .any(|(_, f)| person(f))
            })
            .collect();
        match others.as_slice() {
            [] => String::new(),
            [one] => format!("; sheet \"{one}\" has a person column: add --sheet {one}"),
            many => format!(
                "; sheets {} have a person column: add --sheet with one of them",
                many.iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Reads one sheet of a workbook. Its rows go through `take_row` like a
    /// CSV file's, labelled `FILE[SHEET]` and numbered as the spreadsheet
    /// numbers them, as the workbook reader hands them on.
    fn read_sheet(&mut self, path: &Path, label: &str, format: &'static str) -> Result<()> {
        let spinner = self.progress.spinner(label);
        let mut file: Option<(Layout, String, usize)> = None;
        let mut bar = None;
        let mut record = ByteRecord::new();
        let mut errors = Vec::new();
        let mut text = String::new();
        let choice = self.opts.sheet.clone();
        sheet::read(
            path,
            label,
            format,
            choice.as_deref(),
            self.opts.header_row,
            "an evaluation sheet",
            &mut |event| match event {
                SheetEvent::Header {
                    label,
                    headers,
                    rows_hint,
                    ..
                } => {
                    let width = headers.len();
                    let layout = self.begin_file(headers, path, label, format)?;
                    if let Some(s) = &spinner {
                        s.finish_and_clear();
                    }
                    bar = self.progress.rows(label, rows_hint);
                    file = Some((layout, label.to_string(), width));
                    Ok(())
                }
                SheetEvent::Row {
                    index,
                    number,
                    cells,
                } => {
                    // The header always comes first (sheet::read).
                    let Some((layout, label, width)) = &file else {
                        return Ok(());
                    };
                    sheet::fill(cells, *width, &mut record, &mut errors, &mut text);
                    self.take_row(&record, number, &errors, layout, label, Some(*width))?;
                    if let Some(bar) = &bar {
                        if index % 4096 == 0 {
                            bar.set_position(index);
                        }
                    }
                    Ok(())
                }
            },
        )
    }

    /// Counts one row and validates, commits or rejects it. `cell_errors`
    /// are a sheet row's error cells (none in CSV). A rejected sheet row is
    /// written only as far as `cut_at`, the header's width: its cells right
    /// of that are a sheet's empty columns, up to 16,384 of them, which made
    /// a rejects file of a full sheet some 17 GB.
    fn take_row(
        &mut self,
        record: &ByteRecord,
        line: u64,
        cell_errors: &[CellError],
        layout: &Layout,
        label: &str,
        cut_at: Option<usize>,
    ) -> Result<()> {
        self.data.summary.rows_read += 1;
        match self.row(record, cell_errors, layout) {
            Ok(0) => self.data.summary.blank += 1,
            Ok(n) => {
                self.data.summary.used += 1;
                self.data.summary.ratings += n as u64;
            }
            Err(rej) => {
                self.data.summary.rejected += 1;
                match &mut self.rejects {
                    None => {
                        return Err(KsaError::invalid(format!("{label}:{line}: {}", rej.text())))
                    }
                    Some(r) => {
                        r.write_cut(&layout.headers, record, label, line, &rej.text(), cut_at)?
                    }
                }
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<Dataset> {
        if let Some(r) = self.rejects.take() {
            r.finish(&[])?;
        }
        if self.opts.keep_ratings {
            let mut ids = vec![String::new(); self.rater_ids.len()];
            for (id, &i) in &self.rater_ids {
                ids[i as usize] = text(id).into_owned();
            }
            self.data.rater_ids = ids;
        }
        Ok(self.data)
    }

    /// Validates one row and, if it is valid, commits it. Returns the number
    /// of ratings it contributed (0 for a blank row).
    fn row(
        &mut self,
        rec: &ByteRecord,
        cell_errors: &[CellError],
        layout: &Layout,
    ) -> Result<usize, Reject> {
        if rec.len() != layout.width {
            return Err(Reject {
                column: None,
                reason: format!(
                    "the row has {} fields but the header has {}",
                    rec.len(),
                    layout.width
                ),
            });
        }
        // A spreadsheet error (`#N/A`, `#DIV/0!`) stands for no value: in a
        // column ksa reads it makes the row invalid, whatever the column.
        if let Some((field, shown)) = cell_errors.iter().find(|(f, _)| layout.is_read(*f)) {
            return Err(Reject {
                column: Some(layout.headers[*field].trim().to_string()),
                reason: format!("{shown:?} is a spreadsheet error, not a value"),
            });
        }
        // Cells stay bytes: the whole file was checked to be UTF-8 (or
        // decoded to it) before parsing, so text is made only for values
        // that are stored or shown in a message.
        let get = |c: Column| -> &[u8] {
            match layout.get(c) {
                Some(i) => trim(&rec[i]),
                None => b"",
            }
        };
        let reject = |c: Column, reason: String| Reject {
            column: Some(layout.header_of(c).to_string()),
            reason,
        };

        let person = get(Column::PersonId);
        if person.is_empty() {
            return Err(reject(Column::PersonId, "the person id is empty".into()));
        }
        let period = get(Column::Period);
        let name = get(Column::Name);
        let unit = get(Column::Unit);
        let grade_text = get(Column::Grade);
        let grade = if grade_text.is_empty() {
            None
        } else {
            Some(self.grades.get(grade_text).ok_or_else(|| {
                reject(
                    Column::Grade,
                    format!(
                        "{:?} is not a grade of model {} (grades: {}){}",
                        text(grade_text),
                        self.model.id,
                        list(self.model.grades.iter().map(|g| g.id.as_str())),
                        crate::suggest::did_you_mean(&text(grade_text), &self.model.known_grades())
                    ),
                )
            })?)
        };
        let rater_text = get(Column::Rater);
        let group = if rater_text.is_empty() {
            0 // model-format.md: the first group is the default
        } else {
            self.raters.get(rater_text).ok_or_else(|| {
                reject(
                    Column::Rater,
                    format!(
                        "{:?} is not a rater group of model {} (groups: {}){}",
                        text(rater_text),
                        self.model.id,
                        list(self.model.raters.iter().map(|r| r.id.as_str())),
                        crate::suggest::did_you_mean(&text(rater_text), &self.model.known_raters())
                    ),
                )
            })?
        };
        let rater_id = get(Column::RaterId);

        // ---- the ratings of the row
        self.scratch.clear();
        let mut row_competency = None;
        if layout.long {
            let comp_text = get(Column::Competency);
            let ci = self.competencies.get(comp_text).ok_or_else(|| {
                let shown = if comp_text.is_empty() {
                    "the competency is empty".to_string()
                } else {
                    format!(
                        "{:?} is not a competency of model {}{}",
                        text(comp_text),
                        self.model.id,
                        crate::suggest::did_you_mean(
                            &text(comp_text),
                            &self.model.known_competencies()
                        )
                    )
                };
                reject(Column::Competency, shown)
            })?;
            row_competency = Some(ci);
            let score_text = get(Column::Score);
            if let Some(s) =
                parse_score(score_text, self.scale).map_err(|why| reject(Column::Score, why))?
            {
                self.scratch.push(Rating {
                    competency: ci,
                    score: s,
                });
            }
        } else {
            for &(fi, ci) in &layout.competency_columns {
                let parsed = parse_score(trim(&rec[fi]), self.scale).map_err(|why| Reject {
                    column: Some(layout.headers[fi].trim().to_string()),
                    reason: why,
                })?;
                if let Some(s) = parsed {
                    self.scratch.push(Rating {
                        competency: ci,
                        score: s,
                    });
                }
            }
        }

        // ---- contradictions and repeats, against accepted rows only
        let pp = self.find_person_period(person, period);
        if let Some(pp) = pp {
            let known = &self.data.people[pp as usize];
            let who = || format!("person {:?}, period {:?}", text(person), text(period));
            let clash = |c: Column, new: &[u8], old: &Option<String>| match old {
                Some(o) if !new.is_empty() && new != o.as_bytes() => Some(reject(
                    c,
                    format!(
                        "{:?} contradicts {o:?} given earlier for {}",
                        text(new),
                        who()
                    ),
                )),
                _ => None,
            };
            if let Some(r) = clash(Column::Name, name, &known.name) {
                return Err(r);
            }
            if let Some(r) = clash(Column::Unit, unit, &known.unit) {
                return Err(r);
            }
            if let (Some(g), Some(old)) = (grade, known.grade) {
                if g != old {
                    return Err(reject(
                        Column::Grade,
                        format!(
                            "{:?} (grade {}) contradicts grade {} given earlier for {}",
                            text(grade_text),
                            self.model.grades[g].id,
                            self.model.grades[old].id,
                            who()
                        ),
                    ));
                }
            }
            if !rater_id.is_empty() && !self.scratch.is_empty() {
                if let Some(slot) = self.find_slot(pp, group, rater_id) {
                    for r in &self.scratch {
                        if self.bit(slot, r.competency) {
                            let col = if layout.long {
                                layout.header_of(Column::Competency).to_string()
                            } else {
                                layout
                                    .competency_columns
                                    .iter()
                                    .find(|(_, c)| *c == r.competency)
                                    .map(|(fi, _)| layout.headers[*fi].trim().to_string())
                                    .unwrap_or_default()
                            };
                            return Err(Reject {
                                column: Some(col),
                                reason: format!(
                                    "repeats an earlier rating of {} by rater {:?} ({}) for {}",
                                    self.model.competencies[r.competency].id,
                                    text(rater_id),
                                    self.model.raters[group].id,
                                    who()
                                ),
                            });
                        }
                    }
                }
            }
        }

        // ---- commit
        let pp = match pp {
            Some(pp) => pp as usize,
            None => self.insert_person_period(person, period),
        };
        {
            let p = &mut self.data.people[pp];
            if p.name.is_none() && !name.is_empty() {
                p.name = Some(text(name).into_owned());
            }
            if p.unit.is_none() && !unit.is_empty() {
                p.unit = Some(text(unit).into_owned());
            }
            if p.grade.is_none() {
                p.grade = grade;
            }
        }
        let slot = if rater_id.is_empty() || self.scratch.is_empty() {
            None
        } else {
            Some(self.slot(pp as u32, group, rater_id))
        };
        let n = self.scratch.len();
        for i in 0..n {
            let r = self.scratch[i];
            let cell = self.data.cell_mut(pp, r.competency, group);
            cell.sum += r.score;
            cell.sum_sq += r.score * r.score;
            cell.count += 1;
            match slot {
                None => cell.anonymous += 1,
                Some(s) => self.set_bit(s, r.competency),
            }
            if self.opts.keep_ratings {
                self.data.ratings.push(RatingRecord {
                    pp: pp as u32,
                    rater: slot.map_or(RatingRecord::ANONYMOUS, |_| self.last_rater),
                    competency: r.competency as u16,
                    group: group as u16,
                    score: r.score,
                });
            }
        }
        if self.opts.keep_comments {
            let comment = get(Column::Comment);
            if !comment.is_empty() {
                self.data.comments[pp].push(Comment {
                    rater: group,
                    rater_id: text(rater_id).into_owned(),
                    competency: row_competency,
                    text: text(comment).into_owned(),
                });
            }
        }
        Ok(n)
    }

    fn find_person_period(&mut self, person: &[u8], period: &[u8]) -> Option<u32> {
        if let Some((p, q, i)) = &self.last {
            if p == person && q == period {
                return Some(*i);
            }
        }
        let pid = *self.person_ids.get(person)?;
        let qid = self.periods.iter().position(|q| q.as_bytes() == period)? as u32;
        let pp = *self.person_periods.get(&(pid, qid))?;
        self.remember(person, period, pp);
        Some(pp)
    }

    fn remember(&mut self, person: &[u8], period: &[u8], pp: u32) {
        match &mut self.last {
            Some((p, q, i)) => {
                p.clear();
                p.extend_from_slice(person);
                q.clear();
                q.extend_from_slice(period);
                *i = pp;
            }
            None => self.last = Some((person.to_vec(), period.to_vec(), pp)),
        }
    }

    fn insert_person_period(&mut self, person: &[u8], period: &[u8]) -> usize {
        let next_pid = self.person_ids.len() as u32;
        let pid = *self.person_ids.entry(person.into()).or_insert(next_pid);
        let qid = match self.periods.iter().position(|q| q.as_bytes() == period) {
            Some(q) => q as u32,
            None => {
                self.periods.push(text(period).into_owned());
                (self.periods.len() - 1) as u32
            }
        };
        let pp = self.data.add_person(
            PersonPeriod {
                person_id: text(person).into_owned(),
                period: text(period).into_owned(),
                name: None,
                grade: None,
                unit: None,
            },
            self.opts.keep_comments,
        );
        self.person_periods.insert((pid, qid), pp as u32);
        self.remember(person, period, pp as u32);
        pp
    }

    fn find_slot(&mut self, pp: u32, group: usize, rater_id: &[u8]) -> Option<u32> {
        let (cpp, cg, cid, cslot) = &self.last_slot;
        if *cpp == pp && *cg == group as u32 && cid == rater_id {
            return Some(*cslot);
        }
        let rid = *self.rater_ids.get(rater_id)?;
        let slot = self.rater_slots.get(&(pp, group as u32, rid)).copied()?;
        self.remember_slot(pp, group, rater_id, slot);
        self.last_rater = rid;
        Some(slot)
    }

    fn remember_slot(&mut self, pp: u32, group: usize, rater_id: &[u8], slot: u32) {
        let c = &mut self.last_slot;
        c.0 = pp;
        c.1 = group as u32;
        c.2.clear();
        c.2.extend_from_slice(rater_id);
        c.3 = slot;
    }

    fn slot(&mut self, pp: u32, group: usize, rater_id: &[u8]) -> u32 {
        if let Some(s) = self.find_slot(pp, group, rater_id) {
            return s;
        }
        let rid = match self.rater_ids.get(rater_id) {
            Some(&r) => r,
            None => {
                let r = self.rater_ids.len() as u32;
                self.rater_ids.insert(rater_id.into(), r);
                r
            }
        };
        let next = self.rater_slots.len() as u32;
        let words = self.words_per_slot;
        let slot = *self
            .rater_slots
            .entry((pp, group as u32, rid))
            .or_insert(next);
        if slot == next {
            self.rated_bits.resize(self.rated_bits.len() + words, 0);
            self.data.named_raters[pp as usize * self.data.n_groups + group] += 1;
        }
        self.remember_slot(pp, group, rater_id, slot);
        self.last_rater = rid;
        slot
    }

    fn bit(&self, slot: u32, competency: usize) -> bool {
        let w = slot as usize * self.words_per_slot + competency / 64;
        self.rated_bits[w] & (1 << (competency % 64)) != 0
    }

    fn set_bit(&mut self, slot: u32, competency: usize) {
        let w = slot as usize * self.words_per_slot + competency / 64;
        self.rated_bits[w] |= 1 << (competency % 64);
    }
}

/// Cell bytes as text. The input is UTF-8 by the time it is parsed, so the
/// lossy conversion never actually replaces anything.
fn text(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Unicode trim (evaluation-files.md: every cell is trimmed). Fast path: a cell
/// whose first byte cannot start, and whose last byte cannot end, a white
/// space character needs no trimming. Unicode white space outside ASCII is
/// U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028/9, U+202F, U+205F and
/// U+3000, whose UTF-8 forms start with C2, E1, E2 or E3 and end with one
/// of the bytes listed in `may_end_space`.
#[inline]
fn trim(b: &[u8]) -> &[u8] {
    let (Some(&f), Some(&l)) = (b.first(), b.last()) else {
        return b;
    };
    let may_start_space = f <= 0x20 || matches!(f, 0x7f | 0xC2 | 0xE1 | 0xE2 | 0xE3);
    let may_end_space =
        l <= 0x20 || matches!(l, 0x7f | 0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF);
    if !may_start_space && !may_end_space {
        return b;
    }
    match std::str::from_utf8(b) {
        Ok(s) => s.trim().as_bytes(),
        Err(_) => b.trim_ascii(),
    }
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// A score cell (evaluation-files.md, "Cells" and "Edge cases"): empty means not
/// rated; otherwise an optional sign, digits, an optional fraction and
/// exponent (`4`, `3.5`, `+4`, `4e0`, `4.`, `.5`), finite and inside the
/// scale. `inf`, `nan`, decimal commas and full-width digits are invalid.
pub(crate) fn parse_score(b: &[u8], (min, max): (f64, f64)) -> Result<Option<f64>, String> {
    if b.is_empty() {
        return Ok(None);
    }
    // Fast path: a single digit, by far the most common rating.
    let value = if b.len() == 1 && b[0].is_ascii_digit() {
        (b[0] - b'0') as f64
    } else {
        let not_a_number = || format!("{:?} is not a number", text(b));
        if !is_plain_number(b) {
            return Err(not_a_number());
        }
        // Only ASCII digits, signs, '.' and 'e' remain, so this is text.
        std::str::from_utf8(b)
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            .ok_or_else(not_a_number)?
    };
    if !value.is_finite() || value < min || value > max {
        return Err(format!(
            "{} is outside the scale [{}, {}]",
            text(b),
            crate::model::fmt_level(min),
            crate::model::fmt_level(max)
        ));
    }
    Ok(Some(value))
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
pub fn is_plain_number(b: &[u8]) -> bool {
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - f;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_matches_unicode_trim() {
        let spaces = [
            " ", "\t", "\r", "\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}",
            "\u{2005}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}",
        ];
        let cores = ["", "a", "张伟", "城东支行", "x y", "\u{200B}", "é", "✓"];
        for core in cores {
            for a in spaces.iter().chain([&""]) {
                for z in spaces.iter().chain([&""]) {
                    let cell = format!("{a}{core}{z}");
                    assert_eq!(trim(cell.as_bytes()), cell.trim().as_bytes(), "{cell:?}");
                }
            }
        }
    }

    #[test]
    fn scores_follow_the_settled_grammar() {
        let s = (1.0, 5.0);
        for ok in [
            "4", "3.5", "+4", "4e0", "4.", ".5e1", "5.00", "1", "3.25", "4E-0",
        ] {
            assert!(parse_score(ok.as_bytes(), s).unwrap().is_some(), "{ok}");
        }
        for bad in [
            "3,5", "inf", "NaN", "４", "6", "0", "-1", "4.5.1", "5.01", "four", ".", "e5", "4e",
            "3分", "1_0", "infinity",
        ] {
            assert!(parse_score(bad.as_bytes(), s).is_err(), "{bad}");
        }
        assert_eq!(parse_score(b"", s).unwrap(), None);
    }
}
