//! Validation of a model file (model-format.md, "Validation"): the
//! `Validator` checks every rule on the raw layer (`raw.rs`), collecting all
//! errors rather than stopping at the first, and builds the normalised
//! `Model`. Each section of the model has its own method; `validate` calls
//! them in the order of the file format, which is the order of the messages.

use super::load::{
    MAX_CATEGORIES, MAX_COMPETENCIES, MAX_COURSES, MAX_COURSE_AMOUNT, MAX_GRADES, MAX_RATER_GROUPS,
    MAX_SCALE_END, MAX_SCALE_LEVELS, MAX_WEIGHT, MIN_WEIGHT,
};
use super::raw::{
    RawAppraisal, RawCategory, RawCompetency, RawCourse, RawDuty, RawGrade, RawModel, RawPlacement,
    RawRater, RawScale, RawWeighting,
};
use super::{
    fmt_level, Appraisal, Category, Competency, Course, Duty, Grade, Language, Model, Placement,
    RaterGroup, Scale, Weighting, SCHEMA_VERSION,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use toml::Spanned;

pub(super) struct Validator<'a> {
    /// Offsets of the text's `\n`s: a model of 10,000 competencies can have
    /// as many warnings, each naming a line, so lines are found by binary
    /// search rather than by counting from the start (docs/hardening.md).
    newlines: Vec<usize>,
    label: &'a str,
    pub(super) errors: Vec<String>,
    pub(super) warnings: Vec<String>,
}

impl<'a> Validator<'a> {
    /// A validator for the model text `text`, named `label` in messages.
    pub(super) fn new(text: &str, label: &'a str) -> Self {
        Validator {
            newlines: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
            label,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

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

    /// Checks every rule of the model, section by section, and builds the
    /// normalised `Model`; errors and warnings are collected in `self`.
    pub(super) fn validate(&mut self, raw: RawModel) -> Model {
        let language = self.top_level(&raw);
        let scale = self.scale(&raw.scale);
        let grades = self.grades(&raw.grades);
        let raters = self.raters(&raw.raters);
        let categories = self.categories(&raw.categories);
        let competencies = self.competencies(&raw.competencies, &scale, &grades, &categories);
        let weightings = self.weightings(&raw.weightings, &categories);
        let placement = self.placement(raw.placement.as_ref());
        let appraisal = self.appraisal(raw.appraisal.as_ref());
        let duties = self.duties(&raw.duties, &competencies);
        let training = self.training(&raw.training, &scale, &competencies);
        if self.errors.is_empty() {
            self.model_warnings(&raw.competencies, &grades, &competencies, &training);
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
            placement,
            appraisal,
            duties,
            training,
        }
    }

    /// The top level: the model `id` and `language`.
    fn top_level(&mut self, raw: &RawModel) -> Language {
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
        match &raw.language {
            None => Language::En,
            Some(l) => Language::parse(l.get_ref()).unwrap_or_else(|| {
                self.error(
                    l,
                    format!("`language` \"{}\" must be \"zh\" or \"en\"", l.get_ref()),
                );
                Language::En
            }),
        }
    }

    /// `[scale]`: the ends, the width and the level labels.
    fn scale(&mut self, raw: &RawScale) -> Scale {
        let (smin, smax) = (*raw.min.get_ref(), *raw.max.get_ref());
        if smin >= smax {
            self.error(
                &raw.min,
                format!("scale: `min` ({smin}) must be less than `max` ({smax})"),
            );
        }
        for (key, end) in [("min", &raw.min), ("max", &raw.max)] {
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
                &raw.max,
                format!(
                    "scale: `max` − `min` is {levels} levels, more than {MAX_SCALE_LEVELS}, the limit on a scale's width (the levels a chart can draw)"
                ),
            );
        }
        let mut labels = BTreeMap::new();
        for (k, text) in raw.labels.iter().flatten() {
            if let Some(l) = self.level_key(k, "scale.labels", smin, smax) {
                labels.insert(l, text.clone());
            }
        }
        Scale {
            min: smin,
            max: smax,
            labels,
        }
    }

    /// `[[grades]]`: ids present and unique, the size limit.
    fn grades(&mut self, raw: &Spanned<Vec<RawGrade>>) -> Vec<Grade> {
        if raw.get_ref().is_empty() {
            self.error(raw, "`grades` is empty; a model needs at least one grade");
        }
        let list = raw.get_ref();
        self.size_limit(
            list.get(MAX_GRADES).map(|g| &g.id),
            list.len(),
            "grades",
            MAX_GRADES,
        );
        let mut seen = HashSet::new();
        let mut grades = Vec::new();
        for g in raw.get_ref() {
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
        grades
    }

    /// `[[raters]]`: ids, weights, `min_count`, the size limit.
    fn raters(&mut self, raw: &Spanned<Vec<RawRater>>) -> Vec<RaterGroup> {
        if raw.get_ref().is_empty() {
            self.error(
                raw,
                "`raters` is empty; a model needs at least one rater group",
            );
        }
        let list = raw.get_ref();
        self.size_limit(
            list.get(MAX_RATER_GROUPS).map(|r| &r.id),
            list.len(),
            "raters",
            MAX_RATER_GROUPS,
        );
        let mut seen = HashSet::new();
        let mut raters = Vec::new();
        for r in raw.get_ref() {
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
        raters
    }

    /// `[[categories]]`: ids, weights (not all 0), the size limit. Category ids
    /// share one namespace with competency ids (checked in `competencies`).
    fn categories(&mut self, raw: &Spanned<Vec<RawCategory>>) -> Vec<Category> {
        if raw.get_ref().is_empty() {
            self.error(
                raw,
                "`categories` is empty; a model needs at least one category",
            );
        }
        let list = raw.get_ref();
        self.size_limit(
            list.get(MAX_CATEGORIES).map(|c| &c.id),
            list.len(),
            "categories",
            MAX_CATEGORIES,
        );
        let mut seen = HashSet::new();
        let mut categories = Vec::new();
        for c in raw.get_ref() {
            self.non_empty_id(&c.id, "category");
            if !seen.insert(c.id.get_ref().clone()) {
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
                raw,
                "every category has weight 0; at least one must be positive",
            );
        }
        categories
    }

    /// `[[competencies]]`: ids unique among competencies and categories,
    /// names, categories, weights, requirements, indicators, the size limit.
    fn competencies(
        &mut self,
        raw: &Spanned<Vec<RawCompetency>>,
        scale: &Scale,
        grades: &[Grade],
        categories: &[Category],
    ) -> Vec<Competency> {
        let (smin, smax) = (scale.min, scale.max);
        let grade_index = first_index(grades, |g| &g.id);
        let category_index = first_index(categories, |c| &c.id);
        // Category ids and competency ids share one namespace.
        let mut node_ids: HashSet<String> =
            category_index.keys().map(|id| id.to_string()).collect();
        if raw.get_ref().is_empty() {
            self.error(
                raw,
                "`competencies` is empty; a model needs at least one competency",
            );
        }
        let list = raw.get_ref();
        self.size_limit(
            list.get(MAX_COMPETENCIES).map(|c| &c.id),
            list.len(),
            "competencies",
            MAX_COMPETENCIES,
        );
        let mut names = HashSet::new();
        let mut competencies = Vec::new();
        for c in raw.get_ref() {
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
        competencies
    }

    /// `[[weightings]]`: ids, the categories they name, their weights.
    fn weightings(&mut self, raw: &[RawWeighting], categories: &[Category]) -> Vec<Weighting> {
        let category_index = first_index(categories, |c| &c.id);
        let mut seen = HashSet::new();
        let mut weightings = Vec::new();
        for w in raw {
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
        weightings
    }

    /// `[placement]`: the tolerance.
    fn placement(&mut self, raw: Option<&RawPlacement>) -> Placement {
        let tolerance = match raw.and_then(|p| p.tolerance.as_ref()) {
            None => 0.0,
            Some(t) => self.number(t, "placement: `tolerance`", 0.0, false),
        };
        Placement { tolerance }
    }

    /// `[appraisal]`: weights >= 0, not all 0 (a composite of nothing).
    fn appraisal(&mut self, raw: Option<&Spanned<RawAppraisal>>) -> Appraisal {
        let mut appraisal = Appraisal::default();
        if let Some(a) = raw {
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
        appraisal
    }

    /// `[[duties]]`: ids and the competencies they name.
    fn duties(&mut self, raw: &[RawDuty], competencies: &[Competency]) -> Vec<Duty> {
        let competency_index = first_index(competencies, |c| &c.id);
        let mut seen = HashSet::new();
        let mut duties = Vec::new();
        for d in raw {
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
        duties
    }

    /// `[[training]]`: ids, the competencies a course names, `gain`, `up_to`,
    /// `hours`, `cost`, the size limit.
    fn training(
        &mut self,
        raw: &[RawCourse],
        scale: &Scale,
        competencies: &[Competency],
    ) -> Vec<Course> {
        let (smin, smax) = (scale.min, scale.max);
        let competency_index = first_index(competencies, |c| &c.id);
        self.size_limit(
            raw.get(MAX_COURSES).map(|t| &t.id),
            raw.len(),
            "training",
            MAX_COURSES,
        );
        let mut seen = HashSet::new();
        let mut training = Vec::new();
        for t in raw {
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
        training
    }

    /// The warnings of model-format.md, given only when the model is otherwise
    /// valid: a requirement that falls as the grade rises, a competency required
    /// at no grade, a trainable required competency no course covers.
    fn model_warnings(
        &mut self,
        raw: &Spanned<Vec<RawCompetency>>,
        grades: &[Grade],
        competencies: &[Competency],
        training: &[Course],
    ) {
        let raw = raw.get_ref();
        for (c, rc) in competencies.iter().zip(raw) {
            let span_of = |gid: &str| {
                rc.required
                    .iter()
                    .flatten()
                    .find(|(k, _)| k.get_ref() == gid)
                    .map(|(_, v)| v.span())
                    .unwrap_or_else(|| rc.id.span())
            };
            for gi in 1..grades.len() {
                if let (Some(a), Some(b)) = (c.required_by_grade[gi - 1], c.required_by_grade[gi]) {
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
        for t in training {
            for &ci in &t.competency_indices {
                covered_by_a_course[ci] = true;
            }
        }
        for (ci, (c, rc)) in competencies.iter().zip(raw).enumerate() {
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
}

/// Id → index of the items of a list (an id given twice maps to its first).
fn first_index<'a, T>(items: &'a [T], id: impl Fn(&'a T) -> &'a String) -> HashMap<&'a str, usize> {
    items
        .iter()
        .enumerate()
        .rev() // so the first of duplicates wins
        .map(|(i, x)| (id(x).as_str(), i))
        .collect()
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
