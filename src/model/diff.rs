//! What changed between two revisions of a model (`ksa model diff`).
//!
//! model-format.md: "Every report names the model's `id` and `version`, so a revised
//! model never silently changes old results" — this module says what a
//! revision changed. It compares the normalised `Model`s, never the TOML text,
//! so formatting, comments, key order and written-out defaults never show.
//!
//! Items are matched by `id`. An item whose id is only in the old revision
//! and another whose id is only in the new one, with the same name, are one
//! item whose id changed (`id_changed`): rating files keyed by the old id no
//! longer match, which is worth saying more than "removed" plus "added".
//!
//! Order (stable, for golden files and scripts): sections in model-file
//! order; within a section the items in the new revision's order, then the
//! removed items in the old revision's order; each item's fields in the
//! order of model-format.md's tables; section-wide rows (grade order, default rater
//! group) last in their section.

use super::{fmt_level, Model};
use std::collections::BTreeMap;

/// A part of the model, in the order the sections are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Model,
    Scale,
    Grade,
    Rater,
    Category,
    Competency,
    Weighting,
    Placement,
    Appraisal,
    Duty,
    Training,
}

impl Section {
    /// The name written in the `section` column.
    pub fn name(self) -> &'static str {
        match self {
            Section::Model => "model",
            Section::Scale => "scale",
            Section::Grade => "grade",
            Section::Rater => "rater",
            Section::Category => "category",
            Section::Competency => "competency",
            Section::Weighting => "weighting",
            Section::Placement => "placement",
            Section::Appraisal => "appraisal",
            Section::Duty => "duty",
            Section::Training => "training",
        }
    }
}

/// What kind of change a row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// An item only in the new revision (`new` holds its name).
    Added,
    /// An item only in the old revision (`old` holds its name).
    Removed,
    /// Same id, different name.
    Renamed,
    /// Different id, same name: the item was re-keyed.
    IdChanged,
    /// A competency in another category.
    Moved,
    /// The order of the grades (junior → senior), which decides placement.
    Reordered,
    /// Any other field.
    Changed,
}

impl ChangeKind {
    /// The name written in the `change` column.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Renamed => "renamed",
            ChangeKind::IdChanged => "id_changed",
            ChangeKind::Moved => "moved",
            ChangeKind::Reordered => "reordered",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One difference between the revisions.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub section: Section,
    /// The item's id (the new id when it changed, the old one when removed);
    /// empty for section-wide rows (`scale`, `placement`, grade order, …).
    pub id: String,
    /// The item's name (the new one when it changed); empty when it has none.
    pub name: String,
    pub kind: ChangeKind,
    /// The field that changed, as model-format.md names it (`weight`, `required`,
    /// `labels.3`, `categories.K`, …); empty for `added`/`removed`.
    pub field: String,
    /// The grade id of a `required` row; empty otherwise.
    pub grade: String,
    /// The old value; `None` when there was none (e.g. not required).
    pub old: Option<String>,
    /// The new value; `None` when there is none.
    pub new: Option<String>,
}

/// Every difference between two revisions, in the order described above.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDiff {
    /// `(id, version)` of the old and the new revision.
    pub old: (String, String),
    pub new: (String, String),
    pub changes: Vec<Change>,
}

impl ModelDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Changes of one kind in one section, e.g. the competencies whose id
    /// changed (old rating files keyed by id no longer match them).
    pub fn of(&self, section: Section, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |c| c.section == section && c.kind == kind)
    }
}

/// Compares two validated models.
pub fn diff(old: &Model, new: &Model) -> ModelDiff {
    let mut d = Differ::default();
    model_fields(&mut d, old, new);
    scale(&mut d, old, new);
    grades(&mut d, old, new);
    raters(&mut d, old, new);
    categories(&mut d, old, new);
    competencies(&mut d, old, new);
    weightings(&mut d, old, new);
    d.section(Section::Placement, "", "");
    d.num(
        "tolerance",
        old.placement.tolerance,
        new.placement.tolerance,
    );
    d.section(Section::Appraisal, "", "");
    d.num("task", old.appraisal.task, new.appraisal.task);
    d.num(
        "competency",
        old.appraisal.competency,
        new.appraisal.competency,
    );
    d.num(
        "objective",
        old.appraisal.objective,
        new.appraisal.objective,
    );
    duties(&mut d, old, new);
    training(&mut d, old, new);
    ModelDiff {
        old: (old.id.clone(), old.version.clone()),
        new: (new.id.clone(), new.version.clone()),
        changes: d.changes,
    }
}

/// Collects changes for the item currently being compared.
#[derive(Default)]
struct Differ {
    changes: Vec<Change>,
    section: Option<Section>,
    id: String,
    name: String,
}

impl Differ {
    /// Starts comparing one item (or a section-wide part).
    fn section(&mut self, section: Section, id: &str, name: &str) {
        self.section = Some(section);
        self.id = id.to_string();
        self.name = name.to_string();
    }

    fn push(
        &mut self,
        kind: ChangeKind,
        field: &str,
        grade: &str,
        old: Option<String>,
        new: Option<String>,
    ) {
        self.changes.push(Change {
            section: self.section.expect("a section is set before comparing"),
            id: self.id.clone(),
            name: self.name.clone(),
            kind,
            field: field.to_string(),
            grade: grade.to_string(),
            old,
            new,
        });
    }

    fn text(&mut self, field: &str, old: &str, new: &str) {
        if old != new {
            self.push(
                ChangeKind::Changed,
                field,
                "",
                Some(old.to_string()),
                Some(new.to_string()),
            );
        }
    }

    fn opt_text(&mut self, field: &str, old: Option<&str>, new: Option<&str>) {
        if old != new {
            self.push(
                ChangeKind::Changed,
                field,
                "",
                old.map(str::to_string),
                new.map(str::to_string),
            );
        }
    }

    fn num(&mut self, field: &str, old: f64, new: f64) {
        self.opt_num(field, "", Some(old), Some(new));
    }

    fn opt_num(&mut self, field: &str, grade: &str, old: Option<f64>, new: Option<f64>) {
        if old != new {
            self.push(
                ChangeKind::Changed,
                field,
                grade,
                old.map(fmt_level),
                new.map(fmt_level),
            );
        }
    }

    fn flag(&mut self, field: &str, old: bool, new: bool) {
        if old != new {
            self.push(
                ChangeKind::Changed,
                field,
                "",
                Some(old.to_string()),
                Some(new.to_string()),
            );
        }
    }

    /// `added`/`removed` rows of an unmatched item.
    fn added(&mut self, section: Section, id: &str, name: &str) {
        self.section(section, id, name);
        self.push(ChangeKind::Added, "", "", None, Some(name.to_string()));
    }

    fn removed(&mut self, section: Section, id: &str, name: &str) {
        self.section(section, id, name);
        self.push(ChangeKind::Removed, "", "", Some(name.to_string()), None);
    }

    /// The identity rows of a matched item: a changed id, then a changed name.
    fn identity(&mut self, old_id: &str, new_id: &str, old_name: &str, new_name: &str) {
        if old_id != new_id {
            self.push(
                ChangeKind::IdChanged,
                "id",
                "",
                Some(old_id.to_string()),
                Some(new_id.to_string()),
            );
        }
        if old_name != new_name {
            self.push(
                ChangeKind::Renamed,
                "name",
                "",
                Some(old_name.to_string()),
                Some(new_name.to_string()),
            );
        }
    }

    /// One row per key of two keyed tables whose value differs, keys in the
    /// order given.
    fn keyed<K: Ord + ToString + Clone>(
        &mut self,
        prefix: &str,
        old: &BTreeMap<K, String>,
        new: &BTreeMap<K, String>,
    ) {
        let keys: std::collections::BTreeSet<&K> = old.keys().chain(new.keys()).collect();
        for k in keys {
            self.opt_text(
                &format!("{prefix}.{}", k.to_string()),
                old.get(k).map(String::as_str),
                new.get(k).map(String::as_str),
            );
        }
    }
}

/// A matched pair of items or an unmatched one.
enum Pair<'a, T> {
    Both(&'a T, &'a T),
    Added(&'a T),
    Removed(&'a T),
}

/// Matches items by id, then pairs the leftovers with the same non-empty name
/// (a re-keyed item). Order: the new revision's, then the removed items in
/// the old revision's.
fn pairs<'a, T>(
    old: &'a [T],
    new: &'a [T],
    id: impl Fn(&T) -> &str,
    name: impl Fn(&T) -> Option<&str>,
) -> Vec<Pair<'a, T>> {
    let old_by_id: BTreeMap<&str, usize> = old
        .iter()
        .enumerate()
        .rev() // the first of equal ids wins (validated models have none)
        .map(|(i, x)| (id(x), i))
        .collect();
    let new_ids: std::collections::HashSet<&str> = new.iter().map(&id).collect();
    let mut old_used = vec![false; old.len()];
    let mut matched: Vec<Option<usize>> = Vec::with_capacity(new.len());
    for x in new {
        let m = old_by_id.get(id(x)).copied();
        if let Some(i) = m {
            old_used[i] = true;
        }
        matched.push(m);
    }
    // Re-keyed: an old item whose id is gone and a new item whose id is new,
    // with the same name.
    for (j, x) in new.iter().enumerate() {
        if matched[j].is_some() {
            continue;
        }
        let Some(n) = name(x).filter(|n| !n.is_empty()) else {
            continue;
        };
        if let Some(i) = (0..old.len())
            .find(|&i| !old_used[i] && !new_ids.contains(id(&old[i])) && name(&old[i]) == Some(n))
        {
            old_used[i] = true;
            matched[j] = Some(i);
        }
    }
    let mut out: Vec<Pair<'a, T>> = new
        .iter()
        .zip(&matched)
        .map(|(x, m)| match m {
            Some(i) => Pair::Both(&old[*i], x),
            None => Pair::Added(x),
        })
        .collect();
    out.extend(
        old.iter()
            .zip(&old_used)
            .filter(|(_, used)| !**used)
            .map(|(x, _)| Pair::Removed(x)),
    );
    out
}

fn model_fields(d: &mut Differ, old: &Model, new: &Model) {
    d.section(Section::Model, &new.id, &new.name);
    d.identity(&old.id, &new.id, &old.name, &new.name);
    d.text("version", &old.version, &new.version);
    d.opt_text(
        "description",
        old.description.as_deref(),
        new.description.as_deref(),
    );
    d.text("language", old.language.code(), new.language.code());
}

fn scale(d: &mut Differ, old: &Model, new: &Model) {
    d.section(Section::Scale, "", "");
    d.num("min", old.scale.min as f64, new.scale.min as f64);
    d.num("max", old.scale.max as f64, new.scale.max as f64);
    d.keyed("labels", &old.scale.labels, &new.scale.labels);
}

fn grades(d: &mut Differ, old: &Model, new: &Model) {
    let mut common_old_order = Vec::new();
    for p in pairs(&old.grades, &new.grades, |g| &g.id, |g| Some(&g.name)) {
        match p {
            Pair::Both(o, n) => {
                d.section(Section::Grade, &n.id, &n.name);
                d.identity(&o.id, &n.id, &o.name, &n.name);
                d.opt_text(
                    "description",
                    o.description.as_deref(),
                    n.description.as_deref(),
                );
                common_old_order.push((o.id.as_str(), n.id.as_str()));
            }
            Pair::Added(n) => d.added(Section::Grade, &n.id, &n.name),
            Pair::Removed(o) => d.removed(Section::Grade, &o.id, &o.name),
        }
    }
    // Placement is the most senior grade met, in model order (scoring.md §5):
    // a change in the relative order of the grades both revisions have is a
    // change of meaning, not of layout.
    let position = |id: &str| old.grades.iter().position(|g| g.id == id);
    let in_new_order: Vec<Option<usize>> =
        common_old_order.iter().map(|(o, _)| position(o)).collect();
    if in_new_order.windows(2).any(|w| w[0] > w[1]) {
        let chain = |m: &Model| {
            m.grades
                .iter()
                .map(|g| g.id.as_str())
                .collect::<Vec<_>>()
                .join(" < ")
        };
        d.section(Section::Grade, "", "");
        d.push(
            ChangeKind::Reordered,
            "order",
            "",
            Some(chain(old)),
            Some(chain(new)),
        );
    }
}

fn raters(d: &mut Differ, old: &Model, new: &Model) {
    for p in pairs(&old.raters, &new.raters, |r| &r.id, |r| Some(&r.name)) {
        match p {
            Pair::Both(o, n) => {
                d.section(Section::Rater, &n.id, &n.name);
                d.identity(&o.id, &n.id, &o.name, &n.name);
                d.num("weight", o.weight, n.weight);
                d.num("min_count", o.min_count as f64, n.min_count as f64);
            }
            Pair::Added(n) => d.added(Section::Rater, &n.id, &n.name),
            Pair::Removed(o) => d.removed(Section::Rater, &o.id, &o.name),
        }
    }
    // model-format.md: the first group is the default for rows that name no group.
    let (o, n) = (&old.raters[0].id, &new.raters[0].id);
    if o != n {
        d.section(Section::Rater, "", "");
        d.push(
            ChangeKind::Changed,
            "default",
            "",
            Some(o.clone()),
            Some(n.clone()),
        );
    }
}

fn categories(d: &mut Differ, old: &Model, new: &Model) {
    for p in pairs(
        &old.categories,
        &new.categories,
        |c| &c.id,
        |c| Some(&c.name),
    ) {
        match p {
            Pair::Both(o, n) => {
                d.section(Section::Category, &n.id, &n.name);
                d.identity(&o.id, &n.id, &o.name, &n.name);
                d.num("weight", o.weight, n.weight);
                d.opt_text(
                    "description",
                    o.description.as_deref(),
                    n.description.as_deref(),
                );
            }
            Pair::Added(n) => d.added(Section::Category, &n.id, &n.name),
            Pair::Removed(o) => d.removed(Section::Category, &o.id, &o.name),
        }
    }
}

/// The grade ids of both revisions: the new revision's in its order, then
/// those only the old one has, in its order.
fn grade_ids<'m>(old: &'m Model, new: &'m Model) -> Vec<&'m str> {
    let mut ids: Vec<&str> = new.grades.iter().map(|g| g.id.as_str()).collect();
    for g in &old.grades {
        if !ids.contains(&g.id.as_str()) {
            ids.push(&g.id);
        }
    }
    ids
}

fn competencies(d: &mut Differ, old: &Model, new: &Model) {
    let grade_ids = grade_ids(old, new);
    let requirements =
        |d: &mut Differ, o: Option<&BTreeMap<String, f64>>, n: Option<&BTreeMap<String, f64>>| {
            for g in &grade_ids {
                d.opt_num(
                    "required",
                    g,
                    o.and_then(|r| r.get(*g).copied()),
                    n.and_then(|r| r.get(*g).copied()),
                );
            }
        };
    for p in pairs(
        &old.competencies,
        &new.competencies,
        |c| &c.id,
        |c| Some(&c.name),
    ) {
        match p {
            Pair::Both(o, n) => {
                d.section(Section::Competency, &n.id, &n.name);
                d.identity(&o.id, &n.id, &o.name, &n.name);
                if o.category != n.category {
                    d.push(
                        ChangeKind::Moved,
                        "category",
                        "",
                        Some(o.category.clone()),
                        Some(n.category.clone()),
                    );
                }
                d.opt_text("group", o.group.as_deref(), n.group.as_deref());
                d.opt_text(
                    "description",
                    o.description.as_deref(),
                    n.description.as_deref(),
                );
                d.num("weight", o.weight, n.weight);
                d.flag("trainable", o.trainable, n.trainable);
                d.flag("critical", o.critical, n.critical);
                requirements(d, Some(&o.required), Some(&n.required));
                d.keyed("indicators", &o.indicators, &n.indicators);
            }
            // What an added or removed competency requires is what it does
            // to placement, so its requirements are listed with it.
            Pair::Added(n) => {
                d.added(Section::Competency, &n.id, &n.name);
                requirements(d, None, Some(&n.required));
            }
            Pair::Removed(o) => {
                d.removed(Section::Competency, &o.id, &o.name);
                requirements(d, Some(&o.required), None);
            }
        }
    }
}

fn weightings(d: &mut Differ, old: &Model, new: &Model) {
    let mut category_ids: Vec<&str> = new.categories.iter().map(|c| c.id.as_str()).collect();
    for c in &old.categories {
        if !category_ids.contains(&c.id.as_str()) {
            category_ids.push(&c.id);
        }
    }
    let label = |w: &super::Weighting| w.name.clone().unwrap_or_else(|| w.id.clone());
    for p in pairs(
        &old.weightings,
        &new.weightings,
        |w| &w.id,
        |w| w.name.as_deref(),
    ) {
        match p {
            Pair::Both(o, n) => {
                d.section(Section::Weighting, &n.id, n.name.as_deref().unwrap_or(""));
                if o.id != n.id {
                    d.push(
                        ChangeKind::IdChanged,
                        "id",
                        "",
                        Some(o.id.clone()),
                        Some(n.id.clone()),
                    );
                }
                if o.name != n.name {
                    d.push(
                        ChangeKind::Renamed,
                        "name",
                        "",
                        o.name.clone(),
                        n.name.clone(),
                    );
                }
                for k in &category_ids {
                    d.opt_num(
                        &format!("categories.{k}"),
                        "",
                        o.categories.get(*k).copied(),
                        n.categories.get(*k).copied(),
                    );
                }
            }
            Pair::Added(n) => d.added(Section::Weighting, &n.id, &label(n)),
            Pair::Removed(o) => d.removed(Section::Weighting, &o.id, &label(o)),
        }
    }
}

/// A list of ids or texts as one cell: `;`-separated, as elsewhere in ksa's
/// CSV (README, "Training plans").
fn joined(items: &[String]) -> String {
    items.join(";")
}

fn duties(d: &mut Differ, old: &Model, new: &Model) {
    for p in pairs(&old.duties, &new.duties, |x| &x.id, |x| Some(&x.name)) {
        match p {
            Pair::Both(o, n) => {
                d.section(Section::Duty, &n.id, &n.name);
                d.identity(&o.id, &n.id, &o.name, &n.name);
                d.text("tasks", &joined(&o.tasks), &joined(&n.tasks));
                d.text(
                    "competencies",
                    &joined(&o.competencies),
                    &joined(&n.competencies),
                );
            }
            Pair::Added(n) => d.added(Section::Duty, &n.id, &n.name),
            Pair::Removed(o) => d.removed(Section::Duty, &o.id, &o.name),
        }
    }
}

fn training(d: &mut Differ, old: &Model, new: &Model) {
    for p in pairs(&old.training, &new.training, |x| &x.id, |x| Some(&x.name)) {
        match p {
            Pair::Both(o, n) => {
                d.section(Section::Training, &n.id, &n.name);
                d.identity(&o.id, &n.id, &o.name, &n.name);
                d.text(
                    "competencies",
                    &joined(&o.competencies),
                    &joined(&n.competencies),
                );
                d.num("gain", o.gain, n.gain);
                d.num("up_to", o.up_to, n.up_to);
                d.num("hours", o.hours, n.hours);
                d.num("cost", o.cost, n.cost);
                d.opt_text(
                    "description",
                    o.description.as_deref(),
                    n.description.as_deref(),
                );
            }
            Pair::Added(n) => d.added(Section::Training, &n.id, &n.name),
            Pair::Removed(o) => d.removed(Section::Training, &o.id, &o.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_model_str;

    const BASE: &str = r#"
schema = 1
id = "m"
name = "Model"
version = "1"

[scale]
min = 1
max = 5

[[grades]]
id = "junior"
name = "Junior"

[[grades]]
id = "senior"
name = "Senior"

[[raters]]
id = "boss"
name = "Boss"
weight = 1

[[categories]]
id = "K"
name = "Knowledge"

[[categories]]
id = "S"
name = "Skills"

[[competencies]]
id = "K.a"
name = "Alpha"
category = "K"
required = { junior = 2, senior = 3 }

[[competencies]]
id = "K.b"
name = "Beta"
category = "K"
required = { senior = 4 }

[[training]]
id = "T.a"
name = "Course"
competencies = ["K.a"]
hours = 8
"#;

    fn model(text: &str) -> Model {
        load_model_str(text, "test.toml").expect("valid").model
    }

    /// `BASE` with each `(from, to)` replaced, each `from` found exactly once.
    fn edited(edits: &[(&str, &str)]) -> Model {
        let mut t = BASE.to_string();
        for (from, to) in edits {
            assert_eq!(t.matches(from).count(), 1, "edit {from:?}");
            t = t.replace(from, to);
        }
        model(&t)
    }

    /// Changes as `section id change field grade old new` lines.
    fn lines(d: &ModelDiff) -> Vec<String> {
        d.changes
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} {} {} {} {}",
                    c.section.name(),
                    c.id,
                    c.kind.name(),
                    c.field,
                    c.grade,
                    c.old.as_deref().unwrap_or("-"),
                    c.new.as_deref().unwrap_or("-")
                )
            })
            .collect()
    }

    #[test]
    fn identical_models_and_formatting_give_no_changes() {
        let a = model(BASE);
        // Defaults written out and comments change the text, not the model.
        let b = edited(&[
            (
                "weight = 1\n",
                "weight = 1.0 # the only group\nmin_count = 1\n",
            ),
            ("hours = 8\n", "hours = 8\ngain = 1\ncost = 0\n"),
        ]);
        let d = diff(&a, &b);
        assert!(d.is_empty(), "{:?}", lines(&d));
    }

    #[test]
    fn field_changes_are_listed_in_order() {
        let old = model(BASE);
        let new = edited(&[
            ("version = \"1\"", "version = \"2\""),
            ("name = \"Alpha\"", "name = \"Alpha Two\""),
            (
                "required = { senior = 4 }",
                "required = { junior = 2, senior = 3.5 }\nweight = 2\ncritical = true",
            ),
            (
                "name = \"Beta\"\ncategory = \"K\"",
                "name = \"Beta\"\ncategory = \"S\"",
            ),
            ("hours = 8", "hours = 6\ncost = 100"),
        ]);
        assert_eq!(
            lines(&diff(&old, &new)),
            vec![
                "model m changed version  1 2",
                "competency K.a renamed name  Alpha Alpha Two",
                "competency K.b moved category  K S",
                "competency K.b changed weight  1 2",
                "competency K.b changed critical  false true",
                "competency K.b changed required junior - 2",
                "competency K.b changed required senior 4 3.5",
                "training T.a changed hours  8 6",
                "training T.a changed cost  0 100",
            ]
        );
    }

    #[test]
    fn added_removed_and_rekeyed_items() {
        let old = model(BASE);
        let new = edited(&[
            // K.b re-keyed to K.beta (same name); a new K.c; T.a covers K.c too.
            ("id = \"K.b\"", "id = \"K.beta\""),
            (
                "[[training]]",
                "[[competencies]]\nid = \"K.c\"\nname = \"Gamma\"\ncategory = \"S\"\nrequired = { junior = 3 }\n\n[[training]]",
            ),
            ("competencies = [\"K.a\"]", "competencies = [\"K.a\", \"K.c\"]"),
            // The senior grade removed (and its requirements with it).
            ("[[grades]]\nid = \"senior\"\nname = \"Senior\"\n", ""),
            ("required = { junior = 2, senior = 3 }", "required = { junior = 2 }"),
            ("required = { senior = 4 }", "required = { junior = 3 }"),
        ]);
        assert_eq!(
            lines(&diff(&old, &new)),
            vec![
                "grade senior removed   Senior -",
                "competency K.a changed required senior 3 -",
                "competency K.beta id_changed id  K.b K.beta",
                "competency K.beta changed required junior - 3",
                "competency K.beta changed required senior 4 -",
                "competency K.c added   - Gamma",
                "competency K.c changed required junior - 3",
                "training T.a changed competencies  K.a K.a;K.c",
            ]
        );
    }

    #[test]
    fn removed_items_come_after_the_new_ones_in_old_order() {
        let old = model(BASE);
        let new = edited(&[(
            "[[competencies]]\nid = \"K.a\"\nname = \"Alpha\"\ncategory = \"K\"\nrequired = { junior = 2, senior = 3 }\n",
            "",
        ), ("competencies = [\"K.a\"]", "competencies = [\"K.b\"]")]);
        let l = lines(&diff(&old, &new));
        assert_eq!(
            l,
            vec![
                "competency K.a removed   Alpha -",
                "competency K.a changed required junior 2 -",
                "competency K.a changed required senior 3 -",
                "training T.a changed competencies  K.a K.b",
            ]
        );
    }

    #[test]
    fn grade_order_and_default_rater_group() {
        let old = model(BASE);
        let new = edited(&[
            (
                "[[grades]]\nid = \"junior\"\nname = \"Junior\"\n\n[[grades]]\nid = \"senior\"\nname = \"Senior\"\n",
                "[[grades]]\nid = \"senior\"\nname = \"Senior\"\n\n[[grades]]\nid = \"junior\"\nname = \"Junior\"\n",
            ),
            (
                "[[raters]]\nid = \"boss\"",
                "[[raters]]\nid = \"peer\"\nname = \"Peer\"\nweight = 0.5\n\n[[raters]]\nid = \"boss\"",
            ),
        ]);
        assert_eq!(
            lines(&diff(&old, &new)),
            vec![
                "grade  reordered order  junior < senior senior < junior",
                "rater peer added   - Peer",
                "rater  changed default  boss peer",
            ]
        );
    }
}
