//! Row-by-row validation and accumulation (evaluations.md, "Invalid rows").
//!
//! A row is checked completely before anything is committed, because only
//! accepted rows may set a person's name, grade or unit or count as an
//! earlier rating. The hot loop reuses one record and interns ids, so it
//! allocates only when it meets a new person or rater.

use super::columns::{Column, Layout};
use super::decode::{open_utf8, sniff_delimiter};
use super::rejects::Rejects;
use super::{Comment, Dataset, IngestOptions, InputFile, PersonPeriod};
use crate::error::{KsaError, Result};
use crate::model::Model;
use csv::ByteRecord;
use rustc_hash::FxHashMap;
use std::io::BufRead;
use std::path::Path;

/// Resolves cell values to model indices: exact match after trimming, ids
/// winning over names (evaluations.md, "Edge cases").
struct Lookup {
    map: FxHashMap<String, usize>,
}

impl Lookup {
    fn new<'a>(items: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Lookup {
        let mut map = FxHashMap::default();
        for (i, (_, name)) in items.clone().enumerate() {
            map.entry(name.to_string()).or_insert(i);
        }
        // Ids overwrite names; the first of equal ids wins.
        let mut ids = FxHashMap::default();
        for (i, (id, _)) in items.enumerate() {
            ids.entry(id.to_string()).or_insert(i);
        }
        map.extend(ids);
        Lookup { map }
    }

    fn get(&self, key: &str) -> Option<usize> {
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
    person_ids: FxHashMap<Box<str>, u32>,
    periods: Vec<String>,
    person_periods: FxHashMap<(u32, u32), u32>,
    rater_ids: FxHashMap<Box<str>, u32>,
    /// Named raters seen per person-period and group, each with a bit per
    /// competency already rated, to find repeats.
    rater_slots: FxHashMap<RaterKey, u32>,
    rated_bits: Vec<u64>,
    words_per_slot: usize,
    rejects: Option<Rejects>,
    /// The row's ratings, reused from row to row.
    scratch: Vec<Rating>,
    /// The last person-period looked up, since rows usually come grouped.
    last: Option<(String, String, u32)>,
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
                .then(|| Rejects::new(opts.rejects.clone())),
            scratch: Vec::with_capacity(n),
            last: None,
        }
    }

    pub fn read_file(&mut self, path: &Path, label: &str) -> Result<()> {
        let mut decoded = open_utf8(path, label, self.opts.encoding)?;
        let delimiter = match self.opts.delimiter {
            Some(d) => d,
            None => {
                let head = decoded
                    .reader
                    .fill_buf()
                    .map_err(|e| KsaError::invalid(e.to_string()))?;
                sniff_delimiter(head)
            }
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            // Records end at `\n` only. With the default CRLF handling the
            // csv crate reports a CRLF file's line numbers one short; a `\r`
            // left at the end of a last field is removed by trimming.
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(1 << 16)
            .from_reader(decoded.reader);
        let csv_err = |e: csv::Error| -> KsaError {
            match e.into_kind() {
                csv::ErrorKind::Io(io) => KsaError::invalid(io.to_string()),
                other => KsaError::invalid(format!("{label}: cannot read the CSV: {other:?}")),
            }
        };

        let mut record = ByteRecord::new();
        loop {
            if !rdr.read_byte_record(&mut record).map_err(csv_err)? {
                return Err(KsaError::invalid(format!(
                    "{label}: no header row; an evaluation file starts with a header"
                )));
            }
            if !(record.len() == 1 && matches!(&record[0], b"" | b"\r")) {
                break;
            }
        }
        let headers: Vec<String> = record
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_end_matches('\r')
                    .to_string()
            })
            .collect();
        let layout = Layout::from_header(headers, self.model, label)?;
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
            encoding: decoded.encoding.name(),
            long_format: layout.long,
        });

        while rdr.read_byte_record(&mut record).map_err(csv_err)? {
            // The empty line of a CRLF file reads as one field "\r".
            if record.len() == 1 && matches!(&record[0], b"" | b"\r") {
                continue;
            }
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            self.data.summary.rows_read += 1;
            match self.row(&record, &layout) {
                Ok(0) => self.data.summary.blank += 1,
                Ok(n) => {
                    self.data.summary.used += 1;
                    self.data.summary.ratings += n as u64;
                }
                Err(rej) => {
                    self.data.summary.rejected += 1;
                    match &mut self.rejects {
                        None => {
                            return Err(KsaError::invalid(format!(
                                "{label}:{line}: {}",
                                rej.text()
                            )))
                        }
                        Some(r) => r.write(&layout.headers, &record, label, line, &rej.text())?,
                    }
                }
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<Dataset> {
        if let Some(r) = self.rejects {
            r.finish()?;
        }
        Ok(self.data)
    }

    /// Validates one row and, if it is valid, commits it. Returns the number
    /// of ratings it contributed (0 for a blank row).
    fn row(&mut self, rec: &ByteRecord, layout: &Layout) -> Result<usize, Reject> {
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
        let get = |c: Column| -> &str {
            match layout.get(c) {
                // Decoding guaranteed UTF-8, so this never fails in practice.
                Some(i) => std::str::from_utf8(&rec[i]).unwrap_or("\u{FFFD}").trim(),
                None => "",
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
                        "{grade_text:?} is not a grade of model {} (grades: {})",
                        self.model.id,
                        list(self.model.grades.iter().map(|g| g.id.as_str()))
                    ),
                )
            })?)
        };
        let rater_text = get(Column::Rater);
        let group = if rater_text.is_empty() {
            0 // model.md: the first group is the default
        } else {
            self.raters.get(rater_text).ok_or_else(|| {
                reject(
                    Column::Rater,
                    format!(
                        "{rater_text:?} is not a rater group of model {} (groups: {})",
                        self.model.id,
                        list(self.model.raters.iter().map(|r| r.id.as_str()))
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
                        "{comp_text:?} is not a competency of model {}",
                        self.model.id
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
                let text = std::str::from_utf8(&rec[fi]).unwrap_or("\u{FFFD}").trim();
                let parsed = parse_score(text, self.scale).map_err(|why| Reject {
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
            let clash = |c: Column, new: &str, old: &Option<String>| {
                match old {
                Some(o) if !new.is_empty() && new != o => Some(reject(
                    c,
                    format!(
                        "{new:?} contradicts {o:?} given earlier for person {person:?}, period {period:?}"
                    ),
                )),
                _ => None,
            }
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
                            "{grade_text:?} (grade {}) contradicts grade {} given earlier for person {person:?}, period {period:?}",
                            self.model.grades[g].id, self.model.grades[old].id
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
                                    "repeats an earlier rating of {} by rater {rater_id:?} ({}) for person {person:?}, period {period:?}",
                                    self.model.competencies[r.competency].id,
                                    self.model.raters[group].id
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
                p.name = Some(name.to_string());
            }
            if p.unit.is_none() && !unit.is_empty() {
                p.unit = Some(unit.to_string());
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
            if slot.is_none() {
                cell.anonymous += 1;
            }
            if let Some(s) = slot {
                self.set_bit(s, r.competency);
            }
        }
        if self.opts.keep_comments {
            let text = get(Column::Comment);
            if !text.is_empty() {
                self.data.comments[pp].push(Comment {
                    rater: group,
                    rater_id: rater_id.to_string(),
                    competency: row_competency,
                    text: text.to_string(),
                });
            }
        }
        Ok(n)
    }

    fn find_person_period(&mut self, person: &str, period: &str) -> Option<u32> {
        if let Some((p, q, i)) = &self.last {
            if p == person && q == period {
                return Some(*i);
            }
        }
        let pid = *self.person_ids.get(person)?;
        let qid = self.periods.iter().position(|q| q == period)? as u32;
        let pp = *self.person_periods.get(&(pid, qid))?;
        self.remember(person, period, pp);
        Some(pp)
    }

    fn remember(&mut self, person: &str, period: &str, pp: u32) {
        match &mut self.last {
            Some((p, q, i)) => {
                p.clear();
                p.push_str(person);
                q.clear();
                q.push_str(period);
                *i = pp;
            }
            None => self.last = Some((person.to_string(), period.to_string(), pp)),
        }
    }

    fn insert_person_period(&mut self, person: &str, period: &str) -> usize {
        let next_pid = self.person_ids.len() as u32;
        let pid = *self.person_ids.entry(person.into()).or_insert(next_pid);
        let qid = match self.periods.iter().position(|q| q == period) {
            Some(q) => q as u32,
            None => {
                self.periods.push(period.to_string());
                (self.periods.len() - 1) as u32
            }
        };
        let pp = self.data.add_person(
            PersonPeriod {
                person_id: person.to_string(),
                period: period.to_string(),
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

    fn find_slot(&self, pp: u32, group: usize, rater_id: &str) -> Option<u32> {
        let rid = *self.rater_ids.get(rater_id)?;
        self.rater_slots.get(&(pp, group as u32, rid)).copied()
    }

    fn slot(&mut self, pp: u32, group: usize, rater_id: &str) -> u32 {
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

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// A score cell (evaluations.md, "Cells" and "Edge cases"): empty means not
/// rated; otherwise an optional sign, digits, an optional fraction and
/// exponent (`4`, `3.5`, `+4`, `4e0`, `4.`, `.5`), finite and inside the
/// scale. `inf`, `nan`, decimal commas and full-width digits are invalid.
pub(crate) fn parse_score(text: &str, (min, max): (f64, f64)) -> Result<Option<f64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let b = text.as_bytes();
    // Fast path: a single digit, by far the most common rating.
    let value = if b.len() == 1 && b[0].is_ascii_digit() {
        (b[0] - b'0') as f64
    } else {
        if !is_plain_number(b) {
            return Err(format!("{text:?} is not a number"));
        }
        text.parse::<f64>()
            .map_err(|_| format!("{text:?} is not a number"))?
    };
    if !value.is_finite() || value < min || value > max {
        return Err(format!(
            "{text} is outside the scale [{}, {}]",
            crate::model::fmt_level(min),
            crate::model::fmt_level(max)
        ));
    }
    Ok(Some(value))
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
fn is_plain_number(b: &[u8]) -> bool {
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
    fn scores_follow_the_settled_grammar() {
        let s = (1.0, 5.0);
        for ok in [
            "4", "3.5", "+4", "4e0", "4.", ".5e1", "5.00", "1", "3.25", "4E-0",
        ] {
            assert!(parse_score(ok, s).unwrap().is_some(), "{ok}");
        }
        for bad in [
            "3,5", "inf", "NaN", "４", "6", "0", "-1", "4.5.1", "5.01", "four", ".", "e5", "4e",
            "3分", "1_0", "infinity",
        ] {
            assert!(parse_score(bad, s).is_err(), "{bad}");
        }
        assert_eq!(parse_score("", s).unwrap(), None);
    }
}
