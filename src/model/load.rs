//! Reading and validating a model file (model-format.md, "Validation").
//!
//! Two layers: serde reads the file into `Raw*` structs that keep the source
//! span of everything validation may complain about (so messages can give a
//! line), with `deny_unknown_fields` so a typo is never ignored; then
//! `validate` checks every rule, collecting all errors rather than stopping at
//! the first, and builds the normalised `Model`.

use super::*;
use crate::error::{KsaError, Result};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use toml::Spanned;

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
    let mut v = Validator {
        newlines: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
        label,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
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

/// A number of the model in a message: as written for ordinary values,
/// with an exponent for very large or small ones (1e308, not 309 digits).
fn shown(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-6..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
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

// ---------------------------------------------------------------- raw layer
//
// These structs are also the source of the JSON Schema that `ksa model
// schema` prints for editors (schemars), so the schema can never drift from
// what the loader accepts. The `schemars(...)` attributes state in the schema
// the rules a schema can express (types, required and unknown keys, number
// bounds, id and level-key patterns); the rules that relate one part of a
// model to another (unique ids, references, levels inside the scale) only the
// validator below can check. Doc comments become the hover text in editors.

/// A whole id that is not blank (model-format.md: "empty (other ids)" is an error).
const NOT_BLANK: &str = r"\S";
/// Level keys of `labels` and `indicators`: whole numbers (model-format.md).
const LEVEL_KEY: &str = r"^\s*[+-]?[0-9]+\s*$";

fn level_keys(schema: &mut schemars::Schema) {
    schema.insert(
        "propertyNames".into(),
        serde_json::json!({ "pattern": LEVEL_KEY }),
    );
}

/// Describes values as TOML has them: TOML has no null, so an optional key is
/// one left out, never `null` (drop the `null` alternatives schemars adds for
/// `Option`), and its numbers have no width (drop `format: double`, `int64`).
fn toml_shapes(schema: &mut schemars::Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    obj.remove("format");
    if let Some(serde_json::Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            obj.insert("type".into(), only);
        }
    }
    // `anyOf: [{ $ref }, { type: null }]` of an optional table: the `$ref`.
    if let Some(serde_json::Value::Array(any)) = obj.get("anyOf") {
        let rest: Vec<serde_json::Value> = any
            .iter()
            .filter(|s| s.get("type").is_none_or(|t| t != "null"))
            .cloned()
            .collect();
        if let [single] = rest.as_slice() {
            if let Some(inner) = single.as_object() {
                obj.remove("anyOf");
                for (k, v) in inner {
                    obj.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

/// A ksa competency model, schema 1 (docs/model-format.md).
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ksa competency model")]
struct RawModel {
    /// Format version: 1.
    #[allow(dead_code)] // checked above, before the typed read
    #[schemars(extend("enum" = [1]))]
    schema: i64,
    /// Stable identifier of the model, e.g. `bank-rm`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9._-]+$"))]
    id: Spanned<String>,
    /// Display name, e.g. 商业银行客户经理能力素质模型.
    name: String,
    /// Revision label, e.g. `2026.1`; every output names it.
    version: String,
    description: Option<String>,
    /// Default report language.
    #[schemars(with = "Option<Language>")]
    language: Option<Spanned<String>>,
    /// The proficiency scale.
    scale: RawScale,
    /// Job grades, ordered junior → senior.
    #[schemars(with = "Vec<RawGrade>", length(min = 1, max = MAX_GRADES))]
    grades: Spanned<Vec<RawGrade>>,
    /// Rater groups; the first is the default for rows that name none.
    #[schemars(with = "Vec<RawRater>", length(min = 1, max = MAX_RATER_GROUPS))]
    raters: Spanned<Vec<RawRater>>,
    /// The roots of the KSA tree, e.g. K (知识), S (技能), A (素质).
    #[schemars(with = "Vec<RawCategory>", length(min = 1, max = MAX_CATEGORIES))]
    categories: Spanned<Vec<RawCategory>>,
    /// The rated leaves of the tree.
    #[schemars(with = "Vec<RawCompetency>", length(min = 1, max = MAX_COMPETENCIES))]
    competencies: Spanned<Vec<RawCompetency>>,
    /// Named alternative category weights, chosen with `--weighting ID`.
    #[serde(default)]
    weightings: Vec<RawWeighting>,
    placement: Option<RawPlacement>,
    /// Weights of the appraisal components (`ksa appraise`).
    #[schemars(with = "Option<RawAppraisal>")]
    appraisal: Option<Spanned<RawAppraisal>>,
    /// Job duties and the competencies they rely on.
    #[serde(default)]
    duties: Vec<RawDuty>,
    /// The training catalogue.
    #[serde(default)]
    #[schemars(length(max = MAX_COURSES))]
    training: Vec<RawCourse>,
}

type SpannedMap<V> = BTreeMap<Spanned<String>, V>;

/// The proficiency scale.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Scale")]
struct RawScale {
    /// Lowest level, e.g. 1.
    #[schemars(with = "i64", range(min = -MAX_SCALE_END, max = MAX_SCALE_END))]
    min: Spanned<i64>,
    /// Highest level, e.g. 5; greater than `min`.
    #[schemars(with = "i64", range(min = -MAX_SCALE_END, max = MAX_SCALE_END))]
    max: Spanned<i64>,
    /// Label of each level, e.g. `"3" = "了解并能够运用"`.
    #[schemars(
        with = "Option<BTreeMap<String, String>>",
        transform = level_keys
    )]
    labels: Option<SpannedMap<String>>,
}

/// A job grade.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Grade")]
struct RawGrade {
    /// e.g. `assistant`, `rm`, `senior`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    id: Spanned<String>,
    /// e.g. 客户经理助理.
    name: String,
    description: Option<String>,
}

/// A rater group.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RaterGroup")]
struct RawRater {
    /// e.g. `supervisor`, `peer`, `customer`, `self`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    id: Spanned<String>,
    /// e.g. 上级.
    name: String,
    /// Weight in a competency score; 0 = shown but not counted (self).
    #[schemars(with = "f64", range(min = 0, max = MAX_WEIGHT))]
    weight: Spanned<f64>,
    /// Anonymity threshold: fewer distinct raters are never shown on their own.
    #[schemars(with = "Option<i64>", range(min = 1))]
    min_count: Option<Spanned<i64>>,
}

/// A category of the KSA tree.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Category")]
struct RawCategory {
    /// e.g. `K`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    id: Spanned<String>,
    /// e.g. 知识.
    name: String,
    /// Weight in the overall score and in fit (default 1).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_WEIGHT))]
    weight: Option<Spanned<f64>>,
    description: Option<String>,
}

/// A competency: a leaf of the tree that is rated.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Competency")]
struct RawCompetency {
    /// Unique among competencies and categories, e.g. `K.product`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    id: Spanned<String>,
    /// Unique among competencies, e.g. 产品知识.
    #[schemars(with = "String")]
    name: Spanned<String>,
    /// Id of its category.
    #[schemars(with = "String")]
    category: Spanned<String>,
    /// A display sub-heading inside the category.
    group: Option<String>,
    description: Option<String>,
    /// Weight inside its category (default 1).
    #[schemars(with = "Option<f64>", range(max = MAX_WEIGHT), extend("exclusiveMinimum" = 0))]
    weight: Option<Spanned<f64>>,
    /// Whether training can raise it (default true).
    trainable: Option<bool>,
    /// A knock-out competency: no tolerance (default false).
    critical: Option<bool>,
    /// Required level per grade id, inside (scale.min, scale.max].
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    required: Option<SpannedMap<Spanned<f64>>>,
    /// Behavioural indicator per level, e.g. `"3" = "能为客户组合产品"`.
    #[schemars(
        with = "Option<BTreeMap<String, String>>",
        transform = level_keys
    )]
    indicators: Option<SpannedMap<String>>,
}

/// Named alternative category weights.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Weighting")]
struct RawWeighting {
    // model-format.md lists no required keys for weightings, but one without an id
    // could never be chosen with `--weighting`, so the id is required.
    /// Chosen with `--weighting ID`, e.g. `recruitment`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    id: Spanned<String>,
    name: Option<String>,
    /// Category id → weight; a category left out keeps its own weight.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>", extend("additionalProperties" = { "type": "number", "minimum": 0, "maximum": MAX_WEIGHT }))]
    categories: SpannedMap<Spanned<f64>>,
}

/// How fit turns into "meets the grade".
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Placement")]
struct RawPlacement {
    /// How far below a requirement a non-critical competency may be.
    #[schemars(with = "Option<f64>", range(min = 0))]
    tolerance: Option<Spanned<f64>>,
}

/// `[appraisal]`, the README's extension of schema 1: every key optional.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Appraisal")]
struct RawAppraisal {
    /// Weight of task performance.
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_WEIGHT))]
    task: Option<Spanned<f64>>,
    /// Weight of competency development.
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_WEIGHT))]
    competency: Option<Spanned<f64>>,
    /// Weight of objectives.
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_WEIGHT))]
    objective: Option<Spanned<f64>>,
}

/// A job duty.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Duty")]
struct RawDuty {
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    id: Spanned<String>,
    /// e.g. 客户资源开发.
    name: String,
    /// e.g. 客户资源寻找, 客户信息收集.
    #[serde(default)]
    tasks: Vec<String>,
    /// Ids of the competencies the duty relies on.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    competencies: Vec<Spanned<String>>,
}

/// A training course.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Course")]
struct RawCourse {
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    id: Spanned<String>,
    name: String,
    /// Ids of the competencies the course develops.
    #[schemars(with = "Vec<String>")]
    competencies: Vec<Spanned<String>>,
    /// Levels a completed course adds (default 1).
    #[schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0))]
    gain: Option<Spanned<f64>>,
    /// The course raises no one above this level (default scale.max).
    #[schemars(with = "Option<f64>")]
    up_to: Option<Spanned<f64>>,
    /// Training time (default 0).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_COURSE_AMOUNT))]
    hours: Option<Spanned<f64>>,
    /// Cost per attendee (default 0).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_COURSE_AMOUNT))]
    cost: Option<Spanned<f64>>,
    description: Option<String>,
}

/// The JSON Schema (draft 7, which taplo and most editors read) of the model
/// format, pretty-printed.
pub fn json_schema() -> String {
    let mut settings = schemars::generate::SchemaSettings::draft07();
    settings
        .transforms
        .push(Box::new(schemars::transform::RecursiveTransform(
            toml_shapes,
        )));
    let schema = settings.into_generator().into_root_schema_for::<RawModel>();
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    s.push('\n');
    s
}

// ---------------------------------------------------------------- validation

struct Validator<'a> {
    /// Offsets of the text's `\n`s: a model of 10,000 competencies can have
    /// as many warnings, each naming a line, so lines are found by binary
    /// search rather than by counting from the start (docs/hardening.md).
    newlines: Vec<usize>,
    label: &'a str,
    errors: Vec<String>,
    warnings: Vec<String>,
}

impl Validator<'_> {
    fn at(&self, span: std::ops::Range<usize>) -> String {
        let line = self.newlines.partition_point(|&nl| nl < span.start) + 1;
        format!("{}:{line}", self.label)
    }

    fn error<T>(&mut self, s: &Spanned<T>, msg: impl AsRef<str>) {
        let m = format!("{}: {}", self.at(s.span()), msg.as_ref());
        self.errors.push(m);
    }

    fn warn<T>(&mut self, s: &Spanned<T>, msg: impl AsRef<str>) {
        let m = format!("{}: {}", self.at(s.span()), msg.as_ref());
        self.warnings.push(m);
    }

    /// A number that must be finite and at least `min` (or above it when
    /// `strict`). Returns the value (or `min` after an error, to go on).
    fn number(&mut self, s: &Spanned<f64>, what: &str, min: f64, strict: bool) -> f64 {
        let v = *s.get_ref();
        let ok = v.is_finite() && if strict { v > min } else { v >= min };
        if !ok {
            let rule = if strict { "greater than" } else { "at least" };
            self.error(
                s,
                format!("{what} is {v}; it must be a number {rule} {min}"),
            );
        }
        v
    }

    /// A weight: finite, at least 0 (above 0 when `positive`), and when
    /// above 0 inside [`MIN_WEIGHT`, `MAX_WEIGHT`].
    fn weight(&mut self, s: &Spanned<f64>, what: &str, positive: bool) -> f64 {
        let v = self.number(s, what, 0.0, positive);
        if v.is_finite() && v > MAX_WEIGHT {
            self.error(
                s,
                format!(
                    "{what} is {}, more than 1,000,000, the limit on a weight",
                    shown(v)
                ),
            );
        } else if v > 0.0 && v < MIN_WEIGHT {
            self.error(
                s,
                format!(
                    "{what} is {}, less than 0.000001, the limit on a weight above 0",
                    shown(v)
                ),
            );
        }
        v
    }

    /// A course's `hours` or `cost`: finite, at least 0 and at most
    /// [`MAX_COURSE_AMOUNT`].
    fn amount(&mut self, s: &Spanned<f64>, what: &str) -> f64 {
        let v = self.number(s, what, 0.0, false);
        if v.is_finite() && v > MAX_COURSE_AMOUNT {
            self.error(
                s,
                format!(
                    "{what} is {}, more than 1,000,000,000, the limit on a course's hours and cost",
                    shown(v)
                ),
            );
        }
        v
    }

    /// A list of the model over its size limit: an error at its first
    /// entry past the limit (`over`, the id of entry number `limit` + 1).
    fn size_limit(&mut self, over: Option<&Spanned<String>>, len: usize, key: &str, limit: usize) {
        let what = match key {
            "raters" => "rater groups",
            "training" => "training courses",
            other => other,
        };
        if let Some(id) = over {
            self.error(
                id,
                format!(
                    "`{key}` has {len} entries; a model has at most {} {what}, the limit on a model's size",
                    crate::error::thousands(limit as u64)
                ),
            );
        }
    }

    fn non_empty_id(&mut self, id: &Spanned<String>, what: &str) {
        if id.get_ref().trim().is_empty() {
            self.error(id, format!("{what} `id` is empty"));
        }
    }

    /// A level key of `labels`/`indicators`: a whole number in [min, max].
    fn level_key(&mut self, key: &Spanned<String>, what: &str, min: i64, max: i64) -> Option<i64> {
        let k = key.get_ref().trim();
        match k.parse::<i64>() {
            Ok(l) if (min..=max).contains(&l) => Some(l),
            _ => {
                self.error(
                    key,
                    format!(
                        "{what}: level \"{k}\" is not a whole number in the scale [{min}, {max}]"
                    ),
                );
                None
            }
        }
    }

    fn validate(&mut self, raw: RawModel) -> Model {
        // ---- top level
        let id_ok = !raw.id.get_ref().is_empty()
            && raw
                .id
                .get_ref()
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'));
        if !id_ok {
            self.error(
                &raw.id,
                format!(
                    "model `id` \"{}\" must match [a-z0-9._-]+",
                    raw.id.get_ref()
                ),
            );
        }
        let language = match &raw.language {
            None => Language::En,
            Some(l) => Language::parse(l.get_ref()).unwrap_or_else(|| {
                self.error(
                    l,
                    format!("`language` \"{}\" must be \"zh\" or \"en\"", l.get_ref()),
                );
                Language::En
            }),
        };

        // ---- scale
        let (smin, smax) = (*raw.scale.min.get_ref(), *raw.scale.max.get_ref());
        if smin >= smax {
            self.error(
                &raw.scale.min,
                format!("scale: `min` ({smin}) must be less than `max` ({smax})"),
            );
        }
        for (key, end) in [("min", &raw.scale.min), ("max", &raw.scale.max)] {
            let v = *end.get_ref();
            if v.unsigned_abs() > MAX_SCALE_END as u64 {
                self.error(
                    end,
                    format!(
                        "scale: `{key}` is {v}, beyond ±1,000,000, the limit on a scale's ends"
                    ),
                );
            }
        }
        let levels = i128::from(smax) - i128::from(smin);
        if levels > i128::from(MAX_SCALE_LEVELS) {
            self.error(
                &raw.scale.max,
                format!(
                    "scale: `max` − `min` is {levels} levels, more than {MAX_SCALE_LEVELS}, the limit on a scale's width (the levels a chart can draw)"
                ),
            );
        }
        let mut labels = BTreeMap::new();
        for (k, text) in raw.scale.labels.iter().flatten() {
            if let Some(l) = self.level_key(k, "scale.labels", smin, smax) {
                labels.insert(l, text.clone());
            }
        }
        let scale = Scale {
            min: smin,
            max: smax,
            labels,
        };

        // ---- grades
        if raw.grades.get_ref().is_empty() {
            self.error(
                &raw.grades,
                "`grades` is empty; a model needs at least one grade",
            );
        }
        let list = raw.grades.get_ref();
        self.size_limit(
            list.get(MAX_GRADES).map(|g| &g.id),
            list.len(),
            "grades",
            MAX_GRADES,
        );
        let mut seen = HashSet::new();
        let mut grades = Vec::new();
        for g in raw.grades.get_ref() {
            self.non_empty_id(&g.id, "grade");
            if !seen.insert(g.id.get_ref().clone()) {
                self.error(&g.id, format!("duplicate grade id \"{}\"", g.id.get_ref()));
            }
            grades.push(Grade {
                id: g.id.get_ref().clone(),
                name: g.name.clone(),
                description: g.description.clone(),
            });
        }
        let grade_index: HashMap<&str, usize> = grades
            .iter()
            .enumerate()
            .rev() // so the first of duplicates wins
            .map(|(i, g)| (g.id.as_str(), i))
            .collect();

        // ---- raters
        if raw.raters.get_ref().is_empty() {
            self.error(
                &raw.raters,
                "`raters` is empty; a model needs at least one rater group",
            );
        }
        let list = raw.raters.get_ref();
        self.size_limit(
            list.get(MAX_RATER_GROUPS).map(|r| &r.id),
            list.len(),
            "raters",
            MAX_RATER_GROUPS,
        );
        let mut seen = HashSet::new();
        let mut raters = Vec::new();
        for r in raw.raters.get_ref() {
            self.non_empty_id(&r.id, "rater group");
            if !seen.insert(r.id.get_ref().clone()) {
                self.error(
                    &r.id,
                    format!("duplicate rater group id \"{}\"", r.id.get_ref()),
                );
            }
            let what = format!("rater group \"{}\": `weight`", r.id.get_ref());
            let weight = self.weight(&r.weight, &what, false);
            let min_count = match &r.min_count {
                None => 1,
                Some(m) if *m.get_ref() >= 1 && *m.get_ref() <= u32::MAX as i64 => {
                    *m.get_ref() as u32
                }
                Some(m) => {
                    self.error(
                        m,
                        format!(
                            "rater group \"{}\": `min_count` is {}; it must be at least 1",
                            r.id.get_ref(),
                            m.get_ref()
                        ),
                    );
                    1
                }
            };
            raters.push(RaterGroup {
                id: r.id.get_ref().clone(),
                name: r.name.clone(),
                weight,
                min_count,
            });
        }

        // ---- categories (ids share one namespace with competencies)
        if raw.categories.get_ref().is_empty() {
            self.error(
                &raw.categories,
                "`categories` is empty; a model needs at least one category",
            );
        }
        let list = raw.categories.get_ref();
        self.size_limit(
            list.get(MAX_CATEGORIES).map(|c| &c.id),
            list.len(),
            "categories",
            MAX_CATEGORIES,
        );
        let mut node_ids = HashSet::new();
        let mut categories = Vec::new();
        for c in raw.categories.get_ref() {
            self.non_empty_id(&c.id, "category");
            if !node_ids.insert(c.id.get_ref().clone()) {
                self.error(
                    &c.id,
                    format!("duplicate category id \"{}\"", c.id.get_ref()),
                );
            }
            let weight = match &c.weight {
                None => 1.0,
                Some(w) => {
                    let what = format!("category \"{}\": `weight`", c.id.get_ref());
                    self.weight(w, &what, false)
                }
            };
            categories.push(Category {
                id: c.id.get_ref().clone(),
                name: c.name.clone(),
                weight,
                description: c.description.clone(),
            });
        }
        if !categories.is_empty() && categories.iter().all(|c| c.weight == 0.0) {
            self.error(
                &raw.categories,
                "every category has weight 0; at least one must be positive",
            );
        }
        let category_index: HashMap<&str, usize> = categories
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();

        // ---- competencies
        if raw.competencies.get_ref().is_empty() {
            self.error(
                &raw.competencies,
                "`competencies` is empty; a model needs at least one competency",
            );
        }
        let list = raw.competencies.get_ref();
        self.size_limit(
            list.get(MAX_COMPETENCIES).map(|c| &c.id),
            list.len(),
            "competencies",
            MAX_COMPETENCIES,
        );
        let mut names = HashSet::new();
        let mut competencies = Vec::new();
        for c in raw.competencies.get_ref() {
            let cid = c.id.get_ref().clone();
            self.non_empty_id(&c.id, "competency");
            if !node_ids.insert(cid.clone()) {
                let kind = if category_index.contains_key(cid.as_str()) {
                    "competency id \"{}\" is already a category id"
                } else {
                    "duplicate competency id \"{}\""
                };
                self.error(&c.id, kind.replace("{}", &cid));
            }
            if !names.insert(c.name.get_ref().clone()) {
                self.error(
                    &c.name,
                    format!(
                        "competency \"{cid}\": duplicate competency name \"{}\"",
                        c.name.get_ref()
                    ),
                );
            }
            let cat = match category_index.get(c.category.get_ref().as_str()) {
                Some(&i) => i,
                None => {
                    self.error(
                        &c.category,
                        format!(
                            "competency \"{cid}\": category \"{}\" does not exist",
                            c.category.get_ref()
                        ),
                    );
                    0
                }
            };
            let weight = match &c.weight {
                None => 1.0,
                Some(w) => self.weight(w, &format!("competency \"{cid}\": `weight`"), true),
            };
            let mut required = BTreeMap::new();
            let mut required_by_grade = vec![None; grades.len()];
            for (g, level) in c.required.iter().flatten() {
                let lv = *level.get_ref();
                match grade_index.get(g.get_ref().as_str()) {
                    None => self.error(
                        g,
                        format!(
                            "competency \"{cid}\": requirement for unknown grade \"{}\"",
                            g.get_ref()
                        ),
                    ),
                    Some(&gi) => {
                        if !(lv.is_finite() && lv > smin as f64 && lv <= smax as f64) {
                            self.error(
                                level,
                                format!(
                                    "competency \"{cid}\": requirement {lv} at grade \"{}\" is outside ({smin}, {smax}]; a requirement equal to the scale minimum means nothing",
                                    g.get_ref()
                                ),
                            );
                        }
                        required_by_grade[gi] = Some(lv);
                    }
                }
                required.insert(g.get_ref().clone(), lv);
            }
            let mut indicators = BTreeMap::new();
            for (k, text) in c.indicators.iter().flatten() {
                if let Some(l) =
                    self.level_key(k, &format!("competency \"{cid}\": indicators"), smin, smax)
                {
                    indicators.insert(l, text.clone());
                }
            }
            competencies.push(Competency {
                id: cid,
                name: c.name.get_ref().clone(),
                category: c.category.get_ref().clone(),
                group: c.group.clone(),
                description: c.description.clone(),
                weight,
                trainable: c.trainable.unwrap_or(true),
                critical: c.critical.unwrap_or(false),
                required,
                indicators,
                category_index: cat,
                required_by_grade,
            });
        }
        let competency_index: HashMap<&str, usize> = competencies
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();

        // ---- weightings
        let mut seen = HashSet::new();
        let mut weightings = Vec::new();
        for w in &raw.weightings {
            let wid = w.id.get_ref().clone();
            self.non_empty_id(&w.id, "weighting");
            if !seen.insert(wid.clone()) {
                self.error(&w.id, format!("duplicate weighting id \"{wid}\""));
            }
            let mut cats = BTreeMap::new();
            for (k, val) in &w.categories {
                if !category_index.contains_key(k.get_ref().as_str()) {
                    self.error(
                        k,
                        format!(
                            "weighting \"{wid}\": category \"{}\" does not exist",
                            k.get_ref()
                        ),
                    );
                }
                let what = format!(
                    "weighting \"{wid}\": weight of category \"{}\"",
                    k.get_ref()
                );
                let v = self.weight(val, &what, false);
                cats.insert(k.get_ref().clone(), v);
            }
            let effective_all_zero = categories
                .iter()
                .all(|c| cats.get(&c.id).copied().unwrap_or(c.weight) == 0.0);
            if !categories.is_empty() && effective_all_zero {
                self.error(
                    &w.id,
                    format!("weighting \"{wid}\": every category's effective weight is 0; at least one must be positive"),
                );
            }
            weightings.push(Weighting {
                id: wid,
                name: w.name.clone(),
                categories: cats,
            });
        }

        // ---- placement
        let tolerance = match raw.placement.as_ref().and_then(|p| p.tolerance.as_ref()) {
            None => 0.0,
            Some(t) => self.number(t, "placement: `tolerance`", 0.0, false),
        };

        // ---- appraisal: weights >= 0, not all 0 (a composite of nothing)
        let mut appraisal = Appraisal::default();
        if let Some(a) = &raw.appraisal {
            let r = a.get_ref();
            for (key, field, slot) in [
                ("task", &r.task, &mut appraisal.task),
                ("competency", &r.competency, &mut appraisal.competency),
                ("objective", &r.objective, &mut appraisal.objective),
            ] {
                if let Some(v) = field {
                    *slot = self.weight(v, &format!("appraisal: `{key}`"), false);
                }
            }
            if appraisal.task == 0.0 && appraisal.competency == 0.0 && appraisal.objective == 0.0 {
                self.error(a, "appraisal: `task`, `competency` and `objective` are all 0; at least one must be positive");
            }
        }

        // ---- duties
        let mut seen = HashSet::new();
        let mut duties = Vec::new();
        for d in &raw.duties {
            let did = d.id.get_ref().clone();
            self.non_empty_id(&d.id, "duty");
            if !seen.insert(did.clone()) {
                self.error(&d.id, format!("duplicate duty id \"{did}\""));
            }
            for c in &d.competencies {
                if !competency_index.contains_key(c.get_ref().as_str()) {
                    self.error(
                        c,
                        format!(
                            "duty \"{did}\": competency \"{}\" does not exist",
                            c.get_ref()
                        ),
                    );
                }
            }
            duties.push(Duty {
                id: did,
                name: d.name.clone(),
                tasks: d.tasks.clone(),
                competencies: d.competencies.iter().map(|c| c.get_ref().clone()).collect(),
            });
        }

        // ---- training
        self.size_limit(
            raw.training.get(MAX_COURSES).map(|t| &t.id),
            raw.training.len(),
            "training",
            MAX_COURSES,
        );
        let mut seen = HashSet::new();
        let mut training = Vec::new();
        for t in &raw.training {
            let tid = t.id.get_ref().clone();
            self.non_empty_id(&t.id, "training course");
            if !seen.insert(tid.clone()) {
                self.error(&t.id, format!("duplicate training course id \"{tid}\""));
            }
            let mut indices = Vec::new();
            for c in &t.competencies {
                match competency_index.get(c.get_ref().as_str()) {
                    Some(&i) => indices.push(i),
                    None => self.error(
                        c,
                        format!(
                            "training course \"{tid}\": competency \"{}\" does not exist",
                            c.get_ref()
                        ),
                    ),
                }
            }
            let gain = match &t.gain {
                None => 1.0,
                Some(g) => self.number(g, &format!("training course \"{tid}\": `gain`"), 0.0, true),
            };
            let up_to = match &t.up_to {
                None => smax as f64,
                Some(u) => {
                    let v = *u.get_ref();
                    if !v.is_finite() {
                        self.error(
                            u,
                            format!("training course \"{tid}\": `up_to` is not a finite number"),
                        );
                    } else if v <= smin as f64 || v > smax as f64 {
                        self.warn(
                            u,
                            format!("training course \"{tid}\": `up_to` {v} lies outside the scale ({smin}, {smax}]"),
                        );
                    }
                    v
                }
            };
            let hours = match &t.hours {
                None => 0.0,
                Some(h) => self.amount(h, &format!("training course \"{tid}\": `hours`")),
            };
            let cost = match &t.cost {
                None => 0.0,
                Some(c) => self.amount(c, &format!("training course \"{tid}\": `cost`")),
            };
            training.push(Course {
                id: tid,
                name: t.name.clone(),
                competencies: t.competencies.iter().map(|c| c.get_ref().clone()).collect(),
                gain,
                up_to,
                hours,
                cost,
                description: t.description.clone(),
                competency_indices: indices,
            });
        }

        // ---- warnings (model-format.md): only when the model is otherwise valid
        if self.errors.is_empty() {
            for (c, rc) in competencies.iter().zip(raw.competencies.get_ref()) {
                let span_of = |gid: &str| {
                    rc.required
                        .iter()
                        .flatten()
                        .find(|(k, _)| k.get_ref() == gid)
                        .map(|(_, v)| v.span())
                        .unwrap_or_else(|| rc.id.span())
                };
                for gi in 1..grades.len() {
                    if let (Some(a), Some(b)) =
                        (c.required_by_grade[gi - 1], c.required_by_grade[gi])
                    {
                        if b < a {
                            let span = span_of(&grades[gi].id);
                            let m = format!(
                                "{}: competency \"{}\" ({}): the requirement falls as the grade rises: {} at \"{}\" but {} at \"{}\"",
                                self.at(span),
                                c.id,
                                c.name,
                                fmt_level(a),
                                grades[gi - 1].id,
                                fmt_level(b),
                                grades[gi].id
                            );
                            self.warnings.push(m);
                        }
                    }
                }
                if c.required_by_grade.iter().all(Option::is_none) {
                    self.warn(
                        &rc.id,
                        format!(
                            "competency \"{}\" ({}) is required at no grade",
                            c.id, c.name
                        ),
                    );
                }
            }
            // Marked once, course by course: asking every course about every
            // competency would be competencies × courses.
            let mut covered_by_a_course = vec![false; competencies.len()];
            for t in &training {
                for &ci in &t.competency_indices {
                    covered_by_a_course[ci] = true;
                }
            }
            for (ci, (c, rc)) in competencies
                .iter()
                .zip(raw.competencies.get_ref())
                .enumerate()
            {
                let has_requirement = c.required_by_grade.iter().any(Option::is_some);
                let covered = covered_by_a_course[ci];
                if c.trainable && has_requirement && !covered {
                    self.warn(
                        &rc.id,
                        format!(
                            "competency \"{}\" ({}) is trainable and required, but no course in the training catalogue covers it",
                            c.id, c.name
                        ),
                    );
                }
            }
        }

        Model {
            schema: SCHEMA_VERSION,
            id: raw.id.into_inner(),
            name: raw.name,
            version: raw.version,
            description: raw.description,
            language,
            scale,
            grades,
            raters,
            categories,
            competencies,
            weightings,
            placement: Placement { tolerance },
            appraisal,
            duties,
            training,
        }
    }
}
