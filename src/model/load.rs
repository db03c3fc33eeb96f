//! Reading a model file (model-format.md, "Validation"): the limits on a
//! model, `load_model` and `load_model_str`, and the messages for a file
//! that is not a model or not TOML.
//!
//! Two layers: serde reads the file into the `Raw*` structs of `raw.rs`,
//! which keep the source span of everything validation may complain about
//! (so messages can give a line), with `deny_unknown_fields` so a typo is
//! never ignored; then the `Validator` of `validate.rs` checks every rule,
//! collecting all errors rather than stopping at the first, and builds the
//! normalised `Model`.

use super::raw::RawModel;
use super::validate::Validator;
use super::{Model, SCHEMA_VERSION};
use crate::error::{KsaError, Result};
use std::path::Path;

/// A validated model together with the warnings its check produced.
#[derive(Debug, Clone)]
pub struct LoadedModel {
    pub model: Model,
    pub warnings: Vec<String>,
}

/// The largest model file ksa reads: 16 MiB. The bundled models are about
/// 30 KB; a model with 10,000 competencies and indicators for every level
/// is a few MB. TOML nesting is limited by the toml crate (80 levels), so
/// neither the size nor the depth of a model can exhaust memory or the
/// stack. README "Limits", docs/hardening.md.
pub const MAX_MODEL_BYTES: u64 = 16 << 20;

/// The widest scale: `max` − `min` at most 100 levels, so a 0–100 scale
/// (百分制) fits. Charts draw a ring or a grid line at each level; a scale
/// of 2⁶³ levels made reports panic and one of 10¹² abort on allocation.
/// README "Limits", docs/model-format.md.
pub const MAX_SCALE_LEVELS: i64 = 100;

/// The ends of a scale lie within ±1,000,000: levels, scores and gaps are
/// then exact in an `f64` to far more decimals than are written (an end
/// near 2⁶³ is not even a distinct `f64` from its neighbours).
pub const MAX_SCALE_END: i64 = 1_000_000;

/// A weight (of a rater group, category, competency, weighting or appraisal
/// component) is 0 or lies in [`MIN_WEIGHT`, `MAX_WEIGHT`]. With the size
/// limits below, every weighted sum ksa forms then stays finite and exact
/// enough: at most 10,000 terms of a weight ≤ 10⁶ times a level ≤ 10⁶ is
/// ≤ 10¹⁶. Rater weights of 1e308 made `ksa score` print 0.00 (an infinite
/// sum divided by itself is NaN) and reports loop; a weight of 1e-320 is
/// below the precision of an `f64` product.
pub const MAX_WEIGHT: f64 = 1e6;
/// See [`MAX_WEIGHT`].
pub const MIN_WEIGHT: f64 = 1e-6;

/// The largest `hours` and `cost` of a course: 10⁹, so that a plan's total
/// over every course and person (10⁴ courses × 10⁷ people) stays finite.
pub const MAX_COURSE_AMOUNT: f64 = 1e9;

/// The size of a model: at most 10,000 competencies, 10,000 categories,
/// 10,000 training courses, 100 grades and 100 rater groups. Memory and
/// output grow with people × competencies × rater groups (every competency
/// of every person has its sums and its output row) and each competency
/// keeps a requirement per grade, so an unbounded model (10⁵ competencies:
/// 2.6 GB for 1,000 rows) makes any run heavy; real models have tens.
pub const MAX_COMPETENCIES: usize = 10_000;
/// See [`MAX_COMPETENCIES`].
pub const MAX_CATEGORIES: usize = 10_000;
/// See [`MAX_COMPETENCIES`].
pub const MAX_COURSES: usize = 10_000;
/// See [`MAX_COMPETENCIES`].
pub const MAX_GRADES: usize = 100;
/// See [`MAX_COMPETENCIES`].
pub const MAX_RATER_GROUPS: usize = 100;

/// Reads and validates a model file. Errors name the file (as the user gave
/// it), the key or id, and the line when the parser gives one.
pub fn load_model(path: &Path) -> Result<LoadedModel> {
    let label = path.display().to_string();
    let too_large = || {
        KsaError::invalid(format!(
            "{label}: the model file is larger than {} MiB, the limit on a model file",
            MAX_MODEL_BYTES >> 20
        ))
    };
    let cannot_read = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => KsaError::invalid(format!("{label}: model file not found")),
        std::io::ErrorKind::FileTooLarge => too_large(),
        _ => KsaError::invalid(format!("{label}: cannot read the model file: {e}")),
    };
    // Read at most one byte past the limit, so a huge (or endless, like
    // /dev/zero) file is refused without being held in memory.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(
            // A model through a pipe is copied (`input`), so that reports
            // can hash it afterwards; the copy stops past the limit too.
            crate::input::open_limited(path, MAX_MODEL_BYTES + 1).map_err(cannot_read)?,
            MAX_MODEL_BYTES + 1,
        ),
        &mut bytes,
    )
    .map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_MODEL_BYTES {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            KsaError::invalid(format!(
                "{label}: this looks like a workbook (an evaluation file?), not a model; pass it with --evals, and the model's .toml file with --model"
            ))
        } else {
            KsaError::invalid(format!("{label}: a model file must be UTF-8 text"))
        }
    })?;
    // Editors on Windows may save UTF-8 with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    load_model_str(text, &label)
}

/// Reads and validates model text; `label` names it in messages.
pub fn load_model_str(text: &str, label: &str) -> Result<LoadedModel> {
    let at = |span: Option<std::ops::Range<usize>>| match span {
        Some(s) => format!("{label}:{}", line_of(text, s.start)),
        None => label.to_string(),
    };

    // Syntax first, then the schema on its own (model-format.md: a missing or
    // unsupported schema is reported by itself, naming the supported version),
    // so that a file of another schema is not buried in unknown-key errors.
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        if let Some(what) = looks_like_evaluations(text) {
            return KsaError::invalid(format!(
                "{label}: this looks like an evaluation file ({what}), not a model; pass it with --evals, and the model's .toml file with --model"
            ));
        }
        if let Some(unknown) = unknown_table(text, label) {
            return unknown;
        }
        let hint = e
            .span()
            .and_then(|s| bare_value(text, s.start))
            .map(|(k, v)| match v.as_str() {
                "yes" | "no" | "on" | "off" | "y" | "n" | "True" | "False" | "TRUE" | "FALSE"
                | "是" | "否" => format!(
                    "key `{k}`: {v} is not a TOML value; write true or false (lowercase, without quotes)"
                ),
                _ => format!(
                    "key `{k}`: {v} is not a TOML value; text needs quotes (\"{v}\"), a number or true/false none"
                ),
            });
        match hint {
            Some(h) => KsaError::invalid(format!("{}: {h}", at(e.span()))),
            None => KsaError::invalid(format!(
                "{}: TOML syntax: {}",
                at(e.span()),
                one_line(e.message())
            )),
        }
    })?;
    match table.get("schema") {
        None => {
            return Err(KsaError::invalid(format!(
                "{label}: missing key `schema`; this version of ksa reads schema {SCHEMA_VERSION}"
            )))
        }
        Some(toml::Value::Integer(SCHEMA_VERSION)) => {}
        Some(other) => {
            return Err(KsaError::invalid(format!(
                "{label}: key `schema`: unsupported schema {other}; this version of ksa reads schema {SCHEMA_VERSION}"
            )))
        }
    }

    let raw: RawModel = toml::from_str(text).map_err(|e| {
        // The parser's message says what is wrong ("invalid type: string
        // \"0.6\", expected f64") but not where; name the key it points at.
        let key = e.span().and_then(|s| key_before(text, s.start));
        let msg = plain_type_error(&one_line(e.message()));
        if msg.contains("unknown field") {
            if let Some(unknown) = unknown_table(text, label) {
                return unknown;
            }
        }
        match key {
            Some(k) if !msg.contains(&format!("`{k}`")) => {
                KsaError::invalid(format!("{}: key `{k}`: {msg}", at(e.span())))
            }
            _ => KsaError::invalid(format!("{}: {msg}", at(e.span()))),
        }
    })?;
    let mut v = Validator::new(text, label);
    let model = v.validate(raw);
    if v.errors.is_empty() {
        Ok(LoadedModel {
            model,
            warnings: v.warnings,
        })
    } else {
        Err(KsaError::Invalid(v.errors))
    }
}

/// The key whose value starts at `offset`: the last bare word before the
/// `=` that precedes it on its line (`weight = "0.6"`, `{ a = 1, b = "x" }`).
fn key_before(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let line = before.rsplit('\n').next().unwrap_or(before);
    let lhs = line.trim_end().strip_suffix('=')?.trim_end();
    let key: String = lhs
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let key = key.trim_matches('"');
    (!key.is_empty()).then(|| key.to_string())
}

/// Why a file given as `--model` looks like an evaluation file: a CSV
/// header on its first line (a workbook is not UTF-8 and is recognised
/// where the text is decoded); `None` otherwise.
fn looks_like_evaluations(text: &str) -> Option<&'static str> {
    let first = text.lines().next().unwrap_or("").to_lowercase();
    let columns = [
        "person_id",
        "candidate_id",
        "competency",
        "score",
        "员工编号",
        "得分",
        "评分",
    ];
    let separated = first.contains(',') || first.contains('\t') || first.contains(';');
    (separated && columns.iter().any(|c| first.contains(c))).then_some("a CSV header on line 1")
}

/// The key and the bare word at `offset` when a TOML value there is an
/// unquoted word (`critical = yes`): what a syntax error there is about.
fn bare_value(text: &str, offset: usize) -> Option<(String, String)> {
    let key = key_before(text, offset)?;
    let rest = text.get(offset..)?;
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '}' | ']' | '#'))
        .collect();
    let is_word = word.chars().next().is_some_and(|c| c.is_alphabetic());
    (is_word && !matches!(word.as_str(), "true" | "false")).then_some((key, word))
}

/// A serde type error in plain words: `invalid type: string "1.5",
/// expected f64` becomes "a number (without quotes), not the text "1.5"".
fn plain_type_error(msg: &str) -> String {
    let Some(rest) = msg.strip_prefix("invalid type: string ") else {
        return msg.to_string();
    };
    let Some((value, expected)) = rest.split_once(", expected ") else {
        return msg.to_string();
    };
    let wanted = match expected.trim() {
        "f64" | "a number" | "i64" | "u64" | "u32" | "u8" | "an integer" => "a number",
        "a boolean" | "bool" => "true or false",
        _ => return msg.to_string(),
    };
    format!("must be {wanted} (without quotes), not the text {value}")
}

/// The first table header of the file (`[[competencys]]`, `[scale]`,
/// `[competencies.indicators]`) whose top-level name is not a part of a
/// model, named at its line with the nearest known tables: what a
/// "duplicate key" or "unknown field" error is then really about.
fn unknown_table(text: &str, label: &str) -> Option<KsaError> {
    const KNOWN: [&str; 10] = [
        "scale",
        "grades",
        "raters",
        "categories",
        "competencies",
        "weightings",
        "placement",
        "appraisal",
        "training",
        "duties",
    ];
    let (line, name) = text.lines().enumerate().find_map(|(i, l)| {
        let t = l.trim();
        let inner = t
            .strip_prefix("[[")
            .and_then(|r| r.split_once("]]"))
            .map(|x| x.0);
        let inner = inner.or_else(|| {
            t.strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .map(|x| x.0)
        })?;
        let top = inner.split('.').next()?.trim().trim_matches('"');
        (!top.is_empty() && !KNOWN.contains(&top)).then(|| (i + 1, top.to_string()))
    })?;
    let known: Vec<crate::suggest::Known> = KNOWN
        .iter()
        .map(|k| crate::suggest::Known::plain(k))
        .collect();
    Some(KsaError::invalid(format!(
        "{label}:{line}: unknown table `{name}`{}",
        crate::suggest::did_you_mean(&name, &known)
    )))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
