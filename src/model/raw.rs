//! The raw layer of a model file: the serde types that `toml` reads a model
//! into before validation (model-format.md), and the JSON Schema that
//! `ksa model schema` prints for editors.
//!
//! The `Raw*` structs keep the source span of everything validation may
//! complain about (so messages can give a line), with `deny_unknown_fields`
//! so a typo is never ignored. They are also the source of the JSON Schema
//! (schemars), so the schema can never drift from what the loader accepts.
//! The `schemars(...)` attributes state in the schema the rules a schema can
//! express (types, required and unknown keys, number bounds, id and level-key
//! patterns); the rules that relate one part of a model to another (unique
//! ids, references, levels inside the scale) only the validator
//! (`validate.rs`) can check. Doc comments become the hover text in editors.

use super::load::{
    MAX_CATEGORIES, MAX_COMPETENCIES, MAX_COURSES, MAX_COURSE_AMOUNT, MAX_GRADES, MAX_RATER_GROUPS,
    MAX_SCALE_END, MAX_WEIGHT,
};
use super::Language;
use std::collections::BTreeMap;
use toml::Spanned;

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
pub(super) struct RawModel {
    /// Format version: 1.
    #[allow(dead_code)] // checked by `load_model_str`, before the typed read
    #[schemars(extend("enum" = [1]))]
    schema: i64,
    /// Stable identifier of the model, e.g. `bank-rm`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9._-]+$"))]
    pub(super) id: Spanned<String>,
    /// Display name, e.g. 商业银行客户经理能力素质模型.
    pub(super) name: String,
    /// Revision label, e.g. `2026.1`; every output names it.
    pub(super) version: String,
    pub(super) description: Option<String>,
    /// Default report language.
    #[schemars(with = "Option<Language>")]
    pub(super) language: Option<Spanned<String>>,
    /// The proficiency scale.
    pub(super) scale: RawScale,
    /// Job grades, ordered junior → senior.
    #[schemars(with = "Vec<RawGrade>", length(min = 1, max = MAX_GRADES))]
    pub(super) grades: Spanned<Vec<RawGrade>>,
    /// Rater groups; the first is the default for rows that name none.
    #[schemars(with = "Vec<RawRater>", length(min = 1, max = MAX_RATER_GROUPS))]
    pub(super) raters: Spanned<Vec<RawRater>>,
    /// The roots of the KSA tree, e.g. K (知识), S (技能), A (素质).
    #[schemars(with = "Vec<RawCategory>", length(min = 1, max = MAX_CATEGORIES))]
    pub(super) categories: Spanned<Vec<RawCategory>>,
    /// The rated leaves of the tree.
    #[schemars(with = "Vec<RawCompetency>", length(min = 1, max = MAX_COMPETENCIES))]
    pub(super) competencies: Spanned<Vec<RawCompetency>>,
    /// Named alternative category weights, chosen with `--weighting ID`.
    #[serde(default)]
    pub(super) weightings: Vec<RawWeighting>,
    pub(super) placement: Option<RawPlacement>,
    /// Weights of the appraisal components (`ksa appraise`).
    #[schemars(with = "Option<RawAppraisal>")]
    pub(super) appraisal: Option<Spanned<RawAppraisal>>,
    /// Job duties and the competencies they rely on.
    #[serde(default)]
    pub(super) duties: Vec<RawDuty>,
    /// The training catalogue.
    #[serde(default)]
    #[schemars(length(max = MAX_COURSES))]
    pub(super) training: Vec<RawCourse>,
}

type SpannedMap<V> = BTreeMap<Spanned<String>, V>;

/// The proficiency scale.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Scale")]
pub(super) struct RawScale {
    /// Lowest level, e.g. 1.
    #[schemars(with = "i64", range(min = -MAX_SCALE_END, max = MAX_SCALE_END))]
    pub(super) min: Spanned<i64>,
    /// Highest level, e.g. 5; greater than `min`.
    #[schemars(with = "i64", range(min = -MAX_SCALE_END, max = MAX_SCALE_END))]
    pub(super) max: Spanned<i64>,
    /// Label of each level, e.g. `"3" = "了解并能够运用"`.
    #[schemars(
        with = "Option<BTreeMap<String, String>>",
        transform = level_keys
    )]
    pub(super) labels: Option<SpannedMap<String>>,
}

/// A job grade.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Grade")]
pub(super) struct RawGrade {
    /// e.g. `assistant`, `rm`, `senior`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    pub(super) id: Spanned<String>,
    /// e.g. 客户经理助理.
    pub(super) name: String,
    pub(super) description: Option<String>,
}

/// A rater group.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RaterGroup")]
pub(super) struct RawRater {
    /// e.g. `supervisor`, `peer`, `customer`, `self`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    pub(super) id: Spanned<String>,
    /// e.g. 上级.
    pub(super) name: String,
    /// Weight in a competency score; 0 = shown but not counted (self).
    #[schemars(with = "f64", range(min = 0, max = MAX_WEIGHT))]
    pub(super) weight: Spanned<f64>,
    /// Anonymity threshold: fewer distinct raters are never shown on their own.
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub(super) min_count: Option<Spanned<i64>>,
}

/// A category of the KSA tree.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Category")]
pub(super) struct RawCategory {
    /// e.g. `K`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    pub(super) id: Spanned<String>,
    /// e.g. 知识.
    pub(super) name: String,
    /// Weight in the overall score and in fit (default 1).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_WEIGHT))]
    pub(super) weight: Option<Spanned<f64>>,
    pub(super) description: Option<String>,
}

/// A competency: a leaf of the tree that is rated.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Competency")]
pub(super) struct RawCompetency {
    /// Unique among competencies and categories, e.g. `K.product`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    pub(super) id: Spanned<String>,
    /// Unique among competencies, e.g. 产品知识.
    #[schemars(with = "String")]
    pub(super) name: Spanned<String>,
    /// Id of its category.
    #[schemars(with = "String")]
    pub(super) category: Spanned<String>,
    /// A display sub-heading inside the category.
    pub(super) group: Option<String>,
    pub(super) description: Option<String>,
    /// Weight inside its category (default 1).
    #[schemars(with = "Option<f64>", range(max = MAX_WEIGHT), extend("exclusiveMinimum" = 0))]
    pub(super) weight: Option<Spanned<f64>>,
    /// Whether training can raise it (default true).
    pub(super) trainable: Option<bool>,
    /// A knock-out competency: no tolerance (default false).
    pub(super) critical: Option<bool>,
    /// Required level per grade id, inside (scale.min, scale.max].
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub(super) required: Option<SpannedMap<Spanned<f64>>>,
    /// Behavioural indicator per level, e.g. `"3" = "能为客户组合产品"`.
    #[schemars(
        with = "Option<BTreeMap<String, String>>",
        transform = level_keys
    )]
    pub(super) indicators: Option<SpannedMap<String>>,
}

/// Named alternative category weights.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Weighting")]
pub(super) struct RawWeighting {
    // model-format.md lists no required keys for weightings, but one without an id
    // could never be chosen with `--weighting`, so the id is required.
    /// Chosen with `--weighting ID`, e.g. `recruitment`.
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    pub(super) id: Spanned<String>,
    pub(super) name: Option<String>,
    /// Category id → weight; a category left out keeps its own weight.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>", extend("additionalProperties" = { "type": "number", "minimum": 0, "maximum": MAX_WEIGHT }))]
    pub(super) categories: SpannedMap<Spanned<f64>>,
}

/// How fit turns into "meets the grade".
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Placement")]
pub(super) struct RawPlacement {
    /// How far below a requirement a non-critical competency may be.
    #[schemars(with = "Option<f64>", range(min = 0))]
    pub(super) tolerance: Option<Spanned<f64>>,
}

/// `[appraisal]`, the README's extension of schema 1: every key optional.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Appraisal")]
pub(super) struct RawAppraisal {
    /// Weight of task performance.
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_WEIGHT))]
    pub(super) task: Option<Spanned<f64>>,
    /// Weight of competency development.
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_WEIGHT))]
    pub(super) competency: Option<Spanned<f64>>,
    /// Weight of objectives.
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_WEIGHT))]
    pub(super) objective: Option<Spanned<f64>>,
}

/// A job duty.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Duty")]
pub(super) struct RawDuty {
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    pub(super) id: Spanned<String>,
    /// e.g. 客户资源开发.
    pub(super) name: String,
    /// e.g. 客户资源寻找, 客户信息收集.
    #[serde(default)]
    pub(super) tasks: Vec<String>,
    /// Ids of the competencies the duty relies on.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(super) competencies: Vec<Spanned<String>>,
}

/// A training course.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Course")]
pub(super) struct RawCourse {
    #[schemars(with = "String", regex(pattern = NOT_BLANK))]
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    /// Ids of the competencies the course develops.
    #[schemars(with = "Vec<String>")]
    pub(super) competencies: Vec<Spanned<String>>,
    /// Levels a completed course adds (default 1).
    #[schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0))]
    pub(super) gain: Option<Spanned<f64>>,
    /// The course raises no one above this level (default scale.max).
    #[schemars(with = "Option<f64>")]
    pub(super) up_to: Option<Spanned<f64>>,
    /// Training time (default 0).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_COURSE_AMOUNT))]
    pub(super) hours: Option<Spanned<f64>>,
    /// Cost per attendee (default 0).
    #[schemars(with = "Option<f64>", range(min = 0, max = MAX_COURSE_AMOUNT))]
    pub(super) cost: Option<Spanned<f64>>,
    pub(super) description: Option<String>,
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
