//! The competency model (model-format.md): the normalised, validated form that every
//! later stage reads. `load` turns a TOML file into a `Model`, reading it
//! into the serde types of `raw` and checking it with `validate`; nothing
//! else constructs one, so every `Model` in the program has passed validation.

pub mod diff;
mod load;
mod raw;
pub mod template;
mod validate;

pub use load::{load_model, load_model_str, LoadedModel};
pub use raw::json_schema;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The model format version this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Zh,
    #[default]
    En,
}

impl Language {
    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "zh" => Some(Language::Zh),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    pub schema: i64,
    pub id: String,
    pub name: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub language: Language,
    pub scale: Scale,
    pub grades: Vec<Grade>,
    pub raters: Vec<RaterGroup>,
    pub categories: Vec<Category>,
    pub competencies: Vec<Competency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weightings: Vec<Weighting>,
    pub placement: Placement,
    pub appraisal: Appraisal,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<Duty>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub training: Vec<Course>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scale {
    pub min: i64,
    pub max: i64,
    #[serde(
        serialize_with = "level_map::serialize",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<i64, String>,
}

impl Scale {
    pub fn min_f(&self) -> f64 {
        self.min as f64
    }
    pub fn max_f(&self) -> f64 {
        self.max as f64
    }
    pub fn label(&self, level: i64) -> Option<&str> {
        self.labels.get(&level).map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grade {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaterGroup {
    pub id: String,
    pub name: String,
    pub weight: f64,
    pub min_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Competency {
    pub id: String,
    pub name: String,
    pub category: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub weight: f64,
    pub trainable: bool,
    pub critical: bool,
    /// Grade id → required level, as written in the file.
    pub required: BTreeMap<String, f64>,
    #[serde(
        serialize_with = "level_map::serialize",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub indicators: BTreeMap<i64, String>,
    /// Index of `category` in `Model::categories` (derived on load).
    #[serde(skip)]
    pub category_index: usize,
    /// The requirement per grade, by grade index (derived on load).
    #[serde(skip)]
    pub required_by_grade: Vec<Option<f64>>,
}

impl Competency {
    /// Requirement at a grade given by index; `None` means not required there.
    pub fn requirement(&self, grade: usize) -> Option<f64> {
        self.required_by_grade.get(grade).copied().flatten()
    }

    /// The behavioural indicator that describes a level: the text of the
    /// lowest indicator level at or above `level` (a requirement of 3.5 is
    /// described by the level-4 indicator, since 3 would not meet it).
    pub fn indicator_for(&self, level: f64) -> Option<(i64, &str)> {
        self.indicators
            .iter()
            // Requirements are read from the model file, never computed,
            // so they compare exactly.
            .find(|(l, _)| (**l as f64) >= level)
            .map(|(l, t)| (*l, t.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weighting {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Category id → weight; categories left out keep their own weight.
    pub categories: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub tolerance: f64,
}

/// `[appraisal]` — an extension of model-format.md, still schema 1 (README, "Training
/// plans"): the weights of the paper's three aspects of appraisal (article 1,
/// part 三 (三): 岗位任务绩效的提高情况、胜任素质的发展、管理目标的完成情况). The
/// composite is `Σ w·x / Σ w`, so only the ratios matter. A model without the
/// section weighs the three equally, as the paper names them side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appraisal {
    pub task: f64,
    pub competency: f64,
    pub objective: f64,
}

impl Default for Appraisal {
    fn default() -> Self {
        Appraisal {
            task: 1.0,
            competency: 1.0,
            objective: 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duty {
    pub id: String,
    pub name: String,
    pub tasks: Vec<String>,
    pub competencies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Course {
    pub id: String,
    pub name: String,
    pub competencies: Vec<String>,
    pub gain: f64,
    pub up_to: f64,
    pub hours: f64,
    pub cost: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Indices of `competencies` in `Model::competencies` (derived on load).
    #[serde(skip)]
    pub competency_indices: Vec<usize>,
}

impl Model {
    /// Category weights `W_k` under a weighting (scoring.md notation): the
    /// weighting's value where it names the category, else the category's own.
    pub fn category_weights(&self, weighting: Option<&Weighting>) -> Vec<f64> {
        self.categories
            .iter()
            .map(|c| {
                weighting
                    .and_then(|w| w.categories.get(&c.id).copied())
                    .unwrap_or(c.weight)
            })
            .collect()
    }

    /// A grade by id or, failing that, by name (model-format.md: ids win).
    pub fn find_grade(&self, key: &str) -> Option<usize> {
        find_by_id_or_name(&self.grades, key, |g| (&g.id, &g.name))
    }

    pub fn find_rater(&self, key: &str) -> Option<usize> {
        find_by_id_or_name(&self.raters, key, |r| (&r.id, &r.name))
    }

    pub fn find_competency(&self, key: &str) -> Option<usize> {
        find_by_id_or_name(&self.competencies, key, |c| (&c.id, &c.name))
    }

    pub fn find_category(&self, key: &str) -> Option<usize> {
        find_by_id_or_name(&self.categories, key, |c| (&c.id, &c.name))
    }

    /// The grades as `suggest` offers them ("客户经理 (rm)").
    pub fn known_grades(&self) -> Vec<crate::suggest::Known<'_>> {
        self.grades
            .iter()
            .map(|g| crate::suggest::Known::named(&g.id, &g.name))
            .collect()
    }

    /// The rater groups as `suggest` offers them.
    pub fn known_raters(&self) -> Vec<crate::suggest::Known<'_>> {
        self.raters
            .iter()
            .map(|r| crate::suggest::Known::named(&r.id, &r.name))
            .collect()
    }

    /// The competencies as `suggest` offers them.
    pub fn known_competencies(&self) -> Vec<crate::suggest::Known<'_>> {
        self.competencies
            .iter()
            .map(|c| crate::suggest::Known::named(&c.id, &c.name))
            .collect()
    }

    pub fn find_weighting(&self, key: &str) -> Option<&Weighting> {
        self.weightings.iter().find(|w| w.id == key).or_else(|| {
            self.weightings
                .iter()
                .find(|w| w.name.as_deref() == Some(key))
        })
    }

    /// Competency indices of a category, in model order.
    pub fn competencies_of(&self, category: usize) -> impl Iterator<Item = usize> + '_ {
        self.competencies
            .iter()
            .enumerate()
            .filter(move |(_, c)| c.category_index == category)
            .map(|(i, _)| i)
    }

    /// The grade after `grade` in model order, if any.
    pub fn next_grade(&self, grade: usize) -> Option<usize> {
        (grade + 1 < self.grades.len()).then_some(grade + 1)
    }

    /// The model written back as TOML in the file format of model-format.md, with
    /// every default made explicit.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a validated model always serialises")
    }
}

/// A level or weight as a person writes it: `3`, `2.5`.
pub fn fmt_level(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn find_by_id_or_name<T>(
    items: &[T],
    key: &str,
    id_name: impl Fn(&T) -> (&String, &String),
) -> Option<usize> {
    items
        .iter()
        .position(|x| id_name(x).0 == key)
        .or_else(|| items.iter().position(|x| id_name(x).1 == key))
}

/// Level-keyed tables (`labels`, `indicators`) are written with string keys,
/// since TOML keys are strings.
mod level_map {
    use serde::ser::{SerializeMap, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(map: &BTreeMap<i64, String>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(map.len()))?;
        for (k, v) in map {
            m.serialize_entry(&k.to_string(), v)?;
        }
        m.end()
    }
}
