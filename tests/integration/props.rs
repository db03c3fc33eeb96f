//! Property tests.
//!
//! - Any model that passes validation round-trips: load → `Model::to_toml()`
//!   → load gives an equal model (issue 2).
//! - Row order and splitting the rows over several files change no output;
//!   every score lies within the scale; raising one rating never lowers the
//!   person's scores or fit; with all category weights positive and no
//!   tolerance, fit is exactly 1 when every requirement is met (issue 3).
//!
//! The many cases go through the library (temporary CSV files read by
//! `ksa::ingest::ingest`, scored by `ksa::score`, written by
//! `ksa::output::tables`); a few also through the real binary.

use crate::common::*;
use crate::score::TINY;
use ksa::ingest::{ingest, Dataset, IngestOptions};
use ksa::model::{load_model_str, Model};
use ksa::output::{self, tables, Format};
use ksa::score::{self, Weights};
use proptest::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Failures print the minimal case; no regression files are written
        // into the shared tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ================================================================ models

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                o.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A float as TOML writes it (Rust's shortest round-trip form).
fn num(x: f64) -> String {
    format!("{x:?}")
}

/// Free text: ASCII, Chinese, and the characters that need care in TOML.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            3 => prop::char::range('\u{4e00}', '\u{9fa5}'),
            2 => prop::sample::select(vec![
                '"', '\\', '\n', '\t', '\r', '\'', ' ', '.', '#', '=', '[', ']', '{', '}',
                ',', '\u{7}', '\u{1b}', '\u{7f}', '\u{3000}', '😀', '\u{feff}', '\u{200b}',
                '、', '“', '”', '（',
            ]),
        ],
        0..10,
    )
    .prop_map(|v| v.into_iter().collect())
}

/// Prefixes of generated ids, so ids need quoting as TOML keys too.
fn id_prefix() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "", "g", "职级", "a b", "q\"", "x.y", "back\\", "-", "K.", "😀",
    ])
    .prop_map(str::to_string)
}

fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1.0),
        (1u32..100).prop_map(|k| k as f64 / 4.0),
        (1u64..1_000_000_000).prop_map(|k| k as f64 / 1e7),
        1e-6f64..1e6,
    ]
}

fn positive() -> impl Strategy<Value = f64> {
    weight().prop_map(|w| if w > 0.0 { w } else { 0.5 })
}

#[derive(Debug, Clone)]
struct GenComp {
    prefix: String,
    name: String,
    category: usize,
    group: Option<String>,
    description: Option<String>,
    weight: Option<f64>,
    trainable: Option<bool>,
    critical: Option<bool>,
    /// (grade index, hundredths above scale.min)
    required: Vec<(usize, u32)>,
    /// (level offset from min, text)
    indicators: Vec<(u32, String)>,
    inline_tables: bool,
}

fn gen_comp() -> impl Strategy<Value = GenComp> {
    (
        (
            id_prefix(),
            text(),
            0usize..8,
            prop::option::of(text()),
            prop::option::of(text()),
        ),
        (
            prop::option::of(positive()),
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
        ),
        (
            prop::collection::vec((0usize..8, 1u32..10_000), 0..5),
            prop::collection::vec((0u32..20, text()), 0..4),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (prefix, name, category, group, description),
                (weight, trainable, critical),
                (required, indicators, inline_tables),
            )| GenComp {
                prefix,
                name,
                category,
                group,
                description,
                weight,
                trainable,
                critical,
                required,
                indicators,
                inline_tables,
            },
        )
}

#[derive(Debug, Clone)]
struct GenCourse {
    prefix: String,
    name: String,
    competencies: Vec<usize>,
    gain: Option<f64>,
    up_to: Option<u32>,
    hours: Option<f64>,
    cost: Option<f64>,
    description: Option<String>,
}

fn gen_course() -> impl Strategy<Value = GenCourse> {
    (
        id_prefix(),
        text(),
        prop::collection::vec(0usize..8, 0..4),
        prop::option::of(positive()),
        prop::option::of(1u32..10_000),
        prop::option::of(weight()),
        prop::option::of(weight()),
        prop::option::of(text()),
    )
        .prop_map(
            |(prefix, name, competencies, gain, up_to, hours, cost, description)| GenCourse {
                prefix,
                name,
                competencies,
                gain,
                up_to,
                hours,
                cost,
                description,
            },
        )
}

/// (id prefix, name, weight, min_count)
type GenRater = (String, String, f64, Option<u32>);
/// (id prefix, name, weight, description)
type GenCategory = (String, String, Option<f64>, Option<String>);
/// (id prefix, name, (category index, weight))
type GenWeighting = (String, Option<String>, Vec<(usize, f64)>);
/// (id prefix, name, tasks, competency indices)
type GenDuty = (String, String, Vec<String>, Vec<usize>);

#[derive(Debug, Clone)]
struct GenModel {
    id: String,
    name: String,
    version: String,
    description: Option<String>,
    language: Option<bool>,
    min: i64,
    span: i64,
    labels: Option<Vec<(u32, String)>>,
    grades: Vec<(String, String, Option<String>)>,
    raters: Vec<GenRater>,
    categories: Vec<GenCategory>,
    competencies: Vec<GenComp>,
    weightings: Vec<GenWeighting>,
    placement: Option<Option<f64>>,
    duties: Vec<GenDuty>,
    training: Vec<GenCourse>,
}

fn gen_model() -> impl Strategy<Value = GenModel> {
    (
        (
            "[a-z0-9._-]{1,12}",
            text(),
            text(),
            prop::option::of(text()),
            prop::option::of(any::<bool>()),
            -3i64..4,
            1i64..7,
            prop::option::of(prop::collection::vec((0u32..10, text()), 0..4)),
        ),
        (
            prop::collection::vec((id_prefix(), text(), prop::option::of(text())), 1..5),
            prop::collection::vec(
                (id_prefix(), text(), weight(), prop::option::of(1u32..6)),
                1..5,
            ),
            prop::collection::vec(
                (
                    id_prefix(),
                    text(),
                    prop::option::of(weight()),
                    prop::option::of(text()),
                ),
                1..4,
            ),
            prop::collection::vec(gen_comp(), 1..7),
        ),
        (
            prop::collection::vec(
                (
                    id_prefix(),
                    prop::option::of(text()),
                    prop::collection::vec((0usize..4, weight()), 0..4),
                ),
                0..3,
            ),
            prop::option::of(prop::option::of(weight())),
            prop::collection::vec(
                (
                    id_prefix(),
                    text(),
                    prop::collection::vec(text(), 0..3),
                    prop::collection::vec(0usize..8, 0..3),
                ),
                0..3,
            ),
            prop::collection::vec(gen_course(), 0..4),
        ),
    )
        .prop_map(
            |(
                (id, name, version, description, language, min, span, labels),
                (grades, raters, categories, competencies),
                (weightings, placement, duties, training),
            )| GenModel {
                id,
                name,
                version,
                description,
                language,
                min,
                span,
                labels,
                grades,
                raters,
                categories,
                competencies,
                weightings,
                placement,
                duties,
                training,
            },
        )
}

impl GenModel {
    /// The model as TOML text that passes validation: indices are taken
    /// modulo the sizes, keys are deduplicated, and weights that would all
    /// be zero get a positive one.
    fn render(&self) -> String {
        let (min, max) = (self.min, self.min + self.span);
        let level = |hundredths: u32| -> f64 {
            // In (min, max]: requirements.
            min as f64 + ((hundredths as i64 % (self.span * 100)) + 1) as f64 / 100.0
        };
        let whole = |offset: u32| -> i64 { min + offset as i64 % (self.span + 1) };
        let mut t = String::new();
        t.push_str(&format!(
            "schema = 1\nid = {}\nname = {}\nversion = {}\n",
            q(&self.id),
            q(&self.name),
            q(&self.version)
        ));
        if let Some(d) = &self.description {
            t.push_str(&format!("description = {}\n", q(d)));
        }
        if let Some(zh) = self.language {
            t.push_str(&format!(
                "language = \"{}\"\n",
                if zh { "zh" } else { "en" }
            ));
        }
        t.push_str(&format!("\n[scale]\nmin = {min}\nmax = {max}\n"));
        if let Some(labels) = &self.labels {
            let mut seen = HashSet::new();
            t.push_str("[scale.labels]\n");
            for (o, text) in labels {
                let l = whole(*o);
                if seen.insert(l) {
                    t.push_str(&format!("\"{l}\" = {}\n", q(text)));
                }
            }
        }
        let grade_ids: Vec<String> = (0..self.grades.len())
            .map(|i| format!("{}{i}", self.grades[i].0))
            .collect();
        for (i, (_, name, desc)) in self.grades.iter().enumerate() {
            t.push_str(&format!(
                "\n[[grades]]\nid = {}\nname = {}\n",
                q(&grade_ids[i]),
                q(name)
            ));
            if let Some(d) = desc {
                t.push_str(&format!("description = {}\n", q(d)));
            }
        }
        for (i, (p, name, w, mc)) in self.raters.iter().enumerate() {
            t.push_str(&format!(
                "\n[[raters]]\nid = {}\nname = {}\nweight = {}\n",
                q(&format!("{p}r{i}")),
                q(name),
                num(*w)
            ));
            if let Some(m) = mc {
                t.push_str(&format!("min_count = {m}\n"));
            }
        }
        let cat_ids: Vec<String> = (0..self.categories.len())
            .map(|i| format!("{}K{i}", self.categories[i].0))
            .collect();
        let mut cat_weights: Vec<f64> =
            self.categories.iter().map(|c| c.2.unwrap_or(1.0)).collect();
        let all_zero = cat_weights.iter().all(|&w| w == 0.0);
        if all_zero {
            cat_weights[0] = 1.0;
        }
        for (i, (_, name, w, desc)) in self.categories.iter().enumerate() {
            t.push_str(&format!(
                "\n[[categories]]\nid = {}\nname = {}\n",
                q(&cat_ids[i]),
                q(name)
            ));
            match (w, all_zero && i == 0) {
                (_, true) => t.push_str("weight = 1\n"),
                (Some(w), false) => t.push_str(&format!("weight = {}\n", num(*w))),
                (None, false) => {}
            }
            if let Some(d) = desc {
                t.push_str(&format!("description = {}\n", q(d)));
            }
        }
        let comp_ids: Vec<String> = (0..self.competencies.len())
            .map(|i| format!("{}c{i}", self.competencies[i].prefix))
            .collect();
        for (i, c) in self.competencies.iter().enumerate() {
            t.push_str(&format!(
                "\n[[competencies]]\nid = {}\nname = {}\ncategory = {}\n",
                q(&comp_ids[i]),
                q(&format!("{}#{i}", c.name)),
                q(&cat_ids[c.category % cat_ids.len()])
            ));
            if let Some(g) = &c.group {
                t.push_str(&format!("group = {}\n", q(g)));
            }
            if let Some(d) = &c.description {
                t.push_str(&format!("description = {}\n", q(d)));
            }
            if let Some(w) = c.weight {
                t.push_str(&format!("weight = {}\n", num(w)));
            }
            if let Some(b) = c.trainable {
                t.push_str(&format!("trainable = {b}\n"));
            }
            if let Some(b) = c.critical {
                t.push_str(&format!("critical = {b}\n"));
            }
            let mut seen = HashSet::new();
            let req: Vec<String> = c
                .required
                .iter()
                .filter(|(g, _)| seen.insert(g % grade_ids.len()))
                .map(|(g, h)| {
                    format!(
                        "{} = {}",
                        q(&grade_ids[g % grade_ids.len()]),
                        num(level(*h))
                    )
                })
                .collect();
            let mut seen = HashSet::new();
            let ind: Vec<String> = c
                .indicators
                .iter()
                .filter(|(o, _)| seen.insert(whole(*o)))
                .map(|(o, text)| format!("\"{}\" = {}", whole(*o), q(text)))
                .collect();
            if c.inline_tables {
                t.push_str(&format!("required = {{ {} }}\n", req.join(", ")));
                if !ind.is_empty() {
                    t.push_str(&format!("indicators = {{ {} }}\n", ind.join(", ")));
                }
            } else {
                if !req.is_empty() {
                    t.push_str(&format!("[competencies.required]\n{}\n", req.join("\n")));
                }
                if !ind.is_empty() {
                    t.push_str(&format!("[competencies.indicators]\n{}\n", ind.join("\n")));
                }
            }
        }
        for (i, (p, name, cats)) in self.weightings.iter().enumerate() {
            t.push_str(&format!(
                "\n[[weightings]]\nid = {}\n",
                q(&format!("{p}w{i}"))
            ));
            if let Some(n) = name {
                t.push_str(&format!("name = {}\n", q(n)));
            }
            let mut chosen: Vec<(usize, f64)> = Vec::new();
            for (k, w) in cats {
                let k = k % cat_ids.len();
                if !chosen.iter().any(|(c, _)| *c == k) {
                    chosen.push((k, *w));
                }
            }
            let effective_zero = (0..cat_ids.len()).all(|k| {
                chosen
                    .iter()
                    .find(|(c, _)| *c == k)
                    .map_or(cat_weights[k], |(_, w)| *w)
                    == 0.0
            });
            if effective_zero {
                chosen[0].1 = 2.0; // only possible when the weighting names a category
            }
            let body: Vec<String> = chosen
                .iter()
                .map(|(k, w)| format!("{} = {}", q(&cat_ids[*k]), num(*w)))
                .collect();
            t.push_str(&format!("categories = {{ {} }}\n", body.join(", ")));
        }
        match self.placement {
            None => {}
            Some(None) => t.push_str("\n[placement]\n"),
            Some(Some(tol)) => t.push_str(&format!("\n[placement]\ntolerance = {}\n", num(tol))),
        }
        for (i, (p, name, tasks, comps)) in self.duties.iter().enumerate() {
            let tasks: Vec<String> = tasks.iter().map(|s| q(s)).collect();
            let comps: Vec<String> = comps
                .iter()
                .map(|c| q(&comp_ids[c % comp_ids.len()]))
                .collect();
            t.push_str(&format!(
                "\n[[duties]]\nid = {}\nname = {}\ntasks = [{}]\ncompetencies = [{}]\n",
                q(&format!("{p}d{i}")),
                q(name),
                tasks.join(", "),
                comps.join(", ")
            ));
        }
        for (i, c) in self.training.iter().enumerate() {
            let comps: Vec<String> = c
                .competencies
                .iter()
                .map(|k| q(&comp_ids[k % comp_ids.len()]))
                .collect();
            t.push_str(&format!(
                "\n[[training]]\nid = {}\nname = {}\ncompetencies = [{}]\n",
                q(&format!("{}t{i}", c.prefix)),
                q(&c.name),
                comps.join(", ")
            ));
            if let Some(g) = c.gain {
                t.push_str(&format!("gain = {}\n", num(g)));
            }
            if let Some(u) = c.up_to {
                t.push_str(&format!("up_to = {}\n", num(level(u))));
            }
            if let Some(h) = c.hours {
                t.push_str(&format!("hours = {}\n", num(h)));
            }
            if let Some(x) = c.cost {
                t.push_str(&format!("cost = {}\n", num(x)));
            }
            if let Some(d) = &c.description {
                t.push_str(&format!("description = {}\n", q(d)));
            }
        }
        t
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn any_valid_model_round_trips_through_to_toml(m in gen_model()) {
        let text = m.render();
        let first = match load_model_str(&text, "generated.toml") {
            Ok(l) => l.model,
            Err(e) => panic!("generated model rejected: {e}\n{text}"),
        };
        let written = first.to_toml();
        let second = match load_model_str(&written, "written.toml") {
            Ok(l) => l.model,
            Err(e) => panic!("to_toml() output rejected: {e}\n--- to_toml():\n{written}\n--- from:\n{text}"),
        };
        prop_assert_eq!(&first, &second, "to_toml():\n{}", written);
        // Writing again changes nothing.
        prop_assert_eq!(written, second.to_toml());
    }
}

#[test]
fn bundled_models_round_trip_through_to_toml() {
    for f in ["models/bank-rm.toml", "models/bank-rm.en.toml"] {
        let text = std::fs::read_to_string(repo(f)).unwrap();
        let first = load_model_str(&text, f).unwrap().model;
        let second = load_model_str(&first.to_toml(), f).unwrap().model;
        assert_eq!(first, second, "{f}");
    }
}

// ================================================================ ratings

/// One long-format rating row of the `TINY` model (see score.rs).
#[derive(Debug, Clone, PartialEq)]
struct Row {
    person: u8,
    period: u8,
    /// Whether the row repeats the person's grade (else the cell is empty).
    grade_cell: bool,
    group: u8,
    /// 0 = anonymous (empty rater_id).
    rater: u8,
    competency: u8,
    /// `None` = blank.
    score: Option<f64>,
}

const GROUPS: [&str; 4] = ["sup", "peer", "cust", "self"];
const COMPETENCIES: [&str; 4] = ["K.a", "K.b", "S.c", "X.d"];
const PERIODS: [&str; 2] = ["2025H2", "2026H1"];
const HEADER: &str = "person_id,period,grade,rater,rater_id,competency,score\n";

/// A person's grade in a period is fixed (rows never contradict): none, g1,
/// g2 or g3.
fn grade_of(person: u8, period: u8) -> &'static str {
    ["", "g1", "g2", "g3"][(person as usize * 3 + period as usize) % 4]
}

impl Row {
    fn csv(&self) -> String {
        let score = match self.score {
            Some(s) => format!("{s}"),
            None => String::new(),
        };
        format!(
            "P{},{},{},{},{},{},{}\n",
            self.person,
            PERIODS[self.period as usize],
            if self.grade_cell {
                grade_of(self.person, self.period)
            } else {
                ""
            },
            GROUPS[self.group as usize],
            if self.rater == 0 {
                String::new()
            } else {
                format!("R{}", self.rater)
            },
            COMPETENCIES[self.competency as usize],
            score
        )
    }

    /// The key of the repeat rule; `None` for ratings that can never repeat.
    fn repeat_key(&self) -> Option<(u8, u8, u8, u8, u8)> {
        (self.rater != 0 && self.score.is_some()).then_some((
            self.person,
            self.period,
            self.group,
            self.rater,
            self.competency,
        ))
    }
}

/// Scores on a quarter grid (sums are exact in f64, so no output can
/// depend on the order of summation), or blank.
fn quarter_score() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![1 => Just(None), 8 => (4u32..=20).prop_map(|k| Some(k as f64 / 4.0))]
}

/// Any decimal score in [1, 5] with up to three decimals, or blank.
fn decimal_score() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![1 => Just(None), 8 => (1000u32..=5000).prop_map(|k| Some(k as f64 / 1000.0))]
}

fn rows(score: impl Strategy<Value = Option<f64>>, raters: u8) -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            0u8..5,
            0u8..2,
            any::<bool>(),
            0u8..4,
            0u8..raters,
            0u8..4,
            score,
        )
            .prop_map(
                |(person, period, grade_cell, group, rater, competency, score)| Row {
                    person,
                    period,
                    grade_cell,
                    group,
                    rater,
                    competency,
                    score,
                },
            ),
        1..80,
    )
    .prop_map(|rows| {
        // No repeated rating at all, so that no reordering changes which
        // row is the repeat.
        let mut seen = HashSet::new();
        rows.into_iter()
            .filter(|r| r.repeat_key().is_none_or(|k| seen.insert(k)))
            .collect()
    })
}

fn write_rows(dir: &Path, name: &str, rows: &[&Row]) -> PathBuf {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push_str(&r.csv());
    }
    write(dir, name, &s)
}

fn tiny() -> Model {
    load_model_str(TINY, "tiny.toml").unwrap().model
}

fn read(model: &Model, files: &[PathBuf]) -> Dataset {
    ingest(model, files, &IngestOptions::default()).expect("valid data")
}

/// The three CSV outputs (score, place, compare for g2) of a data set.
fn outputs(model: &Model, data: &Dataset) -> [String; 3] {
    let w = Weights::new(model, None);
    let meta = (model.id.as_str(), model.version.as_str());
    let mut out: [Vec<u8>; 3] = Default::default();
    {
        let mut s = output::sink(
            Format::Csv,
            tables::score_columns(),
            Box::new(&mut out[0]),
            false,
            meta,
        )
        .unwrap();
        tables::write_scores(model, data, &w, None, s.as_mut()).unwrap();
        s.finish().unwrap();
    }
    {
        let mut s = output::sink(
            Format::Csv,
            tables::place_columns(model),
            Box::new(&mut out[1]),
            false,
            meta,
        )
        .unwrap();
        tables::write_placements(model, data, &w, s.as_mut()).unwrap();
        s.finish().unwrap();
    }
    {
        let g2 = model.find_grade("g2").unwrap();
        let mut s = output::sink(
            Format::Csv,
            tables::compare_columns(model),
            Box::new(&mut out[2]),
            false,
            meta,
        )
        .unwrap();
        tables::write_comparison(model, data, &w, g2, s.as_mut()).unwrap();
        s.finish().unwrap();
    }
    out.map(|b| String::from_utf8(b).unwrap())
}

/// Rows, a reordering of them, and the file (0–2) each goes to.
fn shuffled_and_split() -> impl Strategy<Value = (Vec<Row>, Vec<usize>, Vec<u8>)> {
    rows(quarter_score(), 4).prop_flat_map(|rows| {
        let n = rows.len();
        (
            Just(rows),
            Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
            prop::collection::vec(0u8..3, n),
        )
    })
}

/// Writes `rows` as one file and, reordered by `order`, as three files
/// (chosen by `file_of`); returns both lists of paths.
fn write_both(
    dir: &Path,
    rows: &[Row],
    order: &[usize],
    file_of: &[u8],
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let all: Vec<&Row> = rows.iter().collect();
    let one = write_rows(dir, "all.csv", &all);
    let mut parts = Vec::new();
    for f in [2u8, 0, 1] {
        let mine: Vec<&Row> = order
            .iter()
            .filter(|&&i| file_of[i] == f)
            .map(|&i| &rows[i])
            .collect();
        parts.push(write_rows(dir, &format!("part{f}.csv"), &mine));
    }
    (vec![one], parts)
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn row_order_and_file_splitting_change_no_output(
        (rows, order, file_of) in shuffled_and_split()
    ) {
        let model = tiny();
        let dir = workdir();
        let (one, parts) = write_both(dir.path(), &rows, &order, &file_of);
        let a = read(&model, &one);
        let b = read(&model, &parts);
        prop_assert_eq!(a.summary, b.summary);
        let (oa, ob) = (outputs(&model, &a), outputs(&model, &b));
        for (x, y) in oa.iter().zip(&ob) {
            prop_assert_eq!(x, y);
        }
    }

    #[test]
    fn every_score_lies_within_the_scale_and_every_fit_within_0_and_1(
        rows in rows(decimal_score(), 4)
    ) {
        let model = tiny();
        let dir = workdir();
        let all: Vec<&Row> = rows.iter().collect();
        let data = read(&model, &[write_rows(dir.path(), "e.csv", &all)]);
        for w in [Weights::new(&model, None), Weights::new(&model, model.find_weighting("hire"))] {
            for pp in 0..data.people.len() {
                let s = score::score_person(&model, &data, pp, &w);
                let values = s.competency.iter().chain(&s.category).chain([&s.overall]);
                for v in values.flatten() {
                    prop_assert!((1.0..=5.0).contains(v), "score {} outside [1, 5]", v);
                }
                for g in 0..model.grades.len() {
                    if let Some(f) = score::fit(&model, &s, g, &w) {
                        prop_assert!((0.0..=1.0).contains(&f), "fit {}", f);
                    }
                }
            }
        }
    }

    #[test]
    fn raising_one_rating_never_lowers_the_persons_scores_or_fit(
        rows in rows(decimal_score(), 4),
        pick in any::<prop::sample::Index>(),
        raise in 1u32..=4000,
    ) {
        let rated: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].score.is_some()).collect();
        prop_assume!(!rated.is_empty());
        let i = rated[pick.index(rated.len())];
        let mut raised = rows.clone();
        let old = raised[i].score.unwrap();
        raised[i].score = Some(((old * 1000.0).round() + raise as f64).min(5000.0) / 1000.0);

        let model = tiny();
        let dir = workdir();
        let before = read(&model, &[write_rows(dir.path(), "a.csv", &rows.iter().collect::<Vec<_>>())]);
        let after = read(&model, &[write_rows(dir.path(), "b.csv", &raised.iter().collect::<Vec<_>>())]);
        let find = |d: &Dataset| {
            d.people
                .iter()
                .position(|p| {
                    p.person_id == format!("P{}", rows[i].person)
                        && p.period == PERIODS[rows[i].period as usize]
                })
                .expect("the person of the raised row")
        };
        let w = Weights::new(&model, None);
        let s0 = score::score_person(&model, &before, find(&before), &w);
        let s1 = score::score_person(&model, &after, find(&after), &w);
        let ge = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(x), Some(y)) => y >= x,
            (None, None) => true,
            _ => false,
        };
        let c = rows[i].competency as usize;
        prop_assert!(ge(s0.competency[c], s1.competency[c]), "s_c {:?} → {:?}", s0.competency[c], s1.competency[c]);
        for k in 0..model.categories.len() {
            prop_assert!(ge(s0.category[k], s1.category[k]), "S_k {:?} → {:?}", s0.category[k], s1.category[k]);
        }
        prop_assert!(ge(s0.overall, s1.overall), "O {:?} → {:?}", s0.overall, s1.overall);
        for g in 0..model.grades.len() {
            let (f0, f1) = (score::fit(&model, &s0, g, &w), score::fit(&model, &s1, g, &w));
            prop_assert!(ge(f0, f1), "fit to grade {}: {:?} → {:?}", g, f0, f1);
            prop_assert!(!score::meets(&model, &s0, g) || score::meets(&model, &s1, g));
        }
    }
}

/// `TINY` with every category weight positive, no tolerance, rater weights
/// that are powers of two, and a requirement in category X too.
fn all_positive_model() -> Model {
    let mut t = TINY.to_string();
    for (from, to) in [
        (
            "name = \"Extras\"\nweight = 0",
            "name = \"Extras\"\nweight = 0.5",
        ),
        (
            "weight = 0.3\nmin_count = 3",
            "weight = 0.25\nmin_count = 3",
        ),
        ("weight = 0.2\n", "weight = 0.25\n"),
        ("tolerance = 0.5", "tolerance = 0"),
        (
            "trainable = false\n",
            "trainable = false\nrequired = { g1 = 2.5, g3 = 4 }\n",
        ),
    ] {
        assert_eq!(t.matches(from).count(), 1, "{from}");
        t = t.replacen(from, to, 1);
    }
    load_model_str(&t, "positive.toml").unwrap().model
}

/// Ratings on a half-point grid, at most two named raters per group and
/// no anonymous ones: every s_c is a multiple of 1/16 divided by a sum of
/// rater weights, so "s_c ≥ requirement" is decided exactly in f64.
fn half_score() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![1 => Just(None), 8 => (2u32..=10).prop_map(|k| Some(k as f64 / 2.0))]
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn fit_is_1_exactly_when_every_requirement_is_met(rows in rows(half_score(), 3)) {
        // rater 0 (anonymous) is remapped to a named rater: at most R1, R2.
        let rows: Vec<Row> = {
            let mut seen = HashSet::new();
            rows.into_iter()
                .map(|mut r| { if r.rater == 0 { r.rater = 1; } r })
                .filter(|r| r.repeat_key().is_none_or(|k| seen.insert(k)))
                .collect()
        };
        let model = all_positive_model();
        let dir = workdir();
        let data = read(&model, &[write_rows(dir.path(), "e.csv", &rows.iter().collect::<Vec<_>>())]);
        let w = Weights::new(&model, None);
        let group_weight = [0.5, 0.25, 0.25, 0.0];
        for pp in 0..data.people.len() {
            let p = &data.people[pp];
            // s_c computed here from the rows, independently of ksa.
            let mine = |c: usize| -> Option<f64> {
                let (mut num, mut den) = (0.0, 0.0);
                for (g, gw) in group_weight.iter().enumerate() {
                    let v: Vec<f64> = rows
                        .iter()
                        .filter(|r| format!("P{}", r.person) == p.person_id
                            && PERIODS[r.period as usize] == p.period
                            && r.group as usize == g
                            && r.competency as usize == c)
                        .filter_map(|r| r.score)
                        .collect();
                    if !v.is_empty() && *gw > 0.0 {
                        num += gw * v.iter().sum::<f64>() / v.len() as f64;
                        den += gw;
                    }
                }
                (den > 0.0).then(|| num / den)
            };
            let s = score::score_person(&model, &data, pp, &w);
            for g in 0..model.grades.len() {
                let met = model.competencies.iter().enumerate().all(|(c, comp)| {
                    match comp.requirement(g) {
                        None => true,
                        Some(req) => mine(c).is_some_and(|sc| sc >= req),
                    }
                });
                let fit = score::fit(&model, &s, g, &w).expect("every grade requires something");
                prop_assert_eq!(fit == 1.0, met, "fit {} for {:?} at grade {}", fit, p, g);
                prop_assert_eq!(score::meets(&model, &s, g), met);
            }
        }
    }
}

// ================================================================ through the binary

proptest! {
    #![proptest_config(config(4))]

    #[test]
    fn the_binary_gives_the_same_output_for_shuffled_and_split_files(
        (rows, order, file_of) in shuffled_and_split()
    ) {
        let dir = workdir();
        write(dir.path(), "tiny.toml", TINY);
        let (one, parts) = write_both(dir.path(), &rows, &order, &file_of);
        let names = |ps: &[PathBuf]| -> Vec<String> {
            ps.iter().map(|p| p.file_name().unwrap().to_str().unwrap().to_string()).collect()
        };
        let (one, parts) = (names(&one), names(&parts));
        for cmd in [vec!["score"], vec!["place"], vec!["compare", "--grade", "g2"]] {
            let run_on = |files: &[String]| {
                let mut args: Vec<&str> = cmd.clone();
                args.extend(["--model", "tiny.toml", "--format", "csv", "--evals"]);
                args.extend(files.iter().map(String::as_str));
                let out = run(dir.path(), &args);
                assert_eq!(out.code, Some(0), "{}", out.stderr);
                (out.last_stderr_line().to_string(), out.stdout)
            };
            let (a, b) = (run_on(&one), run_on(&parts));
            prop_assert_eq!(a, b);
        }
    }
}
