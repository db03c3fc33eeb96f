//! Re-scoring the same ratings under two revisions of a model (`ksa model
//! diff --evals`): whose placement or fit changes.
//!
//! The ratings are read once, with the old revision's names — the revision
//! they were collected under — widened by what only the new revision has
//! (its added competencies, grades and rater groups), so a file that already
//! rates an added competency is read too. Then each revision scores what it
//! has, matched by id: a competency the new revision removed is not scored
//! under it; one it renamed keeps its ratings; one whose id changed starts
//! with none under its new id (as a rating file keyed by id would); a rater
//! group a revision does not have does not count under it. Scores, fit and
//! placement are those of `score` (scoring.md §1–5), under each revision's
//! own weights, requirements and tolerance.

use crate::error::{KsaError, Result};
use crate::ingest::Dataset;
use crate::model::{load_model_str, Competency, Grade, Model, RaterGroup};
use crate::score::{self, round::round_key, Weights};
use std::collections::{BTreeMap, HashSet};

/// How the evaluation files are read for a comparison, and where each
/// revision finds its competencies in what was read.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The model the files are read with: the old revision, with the new
    /// revision's own competencies, grades and rater groups appended (added
    /// competencies require nothing and added groups weigh 0 here, so under
    /// the old revision they change nothing).
    pub model: Model,
    /// `model` with the new revision's rater weights (0 for groups it does
    /// not have): §1's `w_g` when scoring under the new revision.
    new_groups: Model,
    /// Per competency of the new revision, its index in `model`.
    new_index: Vec<Option<usize>>,
    old_competencies: usize,
    old_groups: usize,
    /// Things of the new revision that could not be added for reading
    /// (their id is already a name of the old revision, so adding them would
    /// change how the old names resolve): their ratings cannot be read.
    pub unreadable: Vec<String>,
}

/// A grade of either revision, as a column of the comparison: the new
/// revision's grades in its order, then those only the old one has.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeColumn {
    pub id: String,
    pub old: Option<usize>,
    pub new: Option<usize>,
}

/// One person-period under both revisions.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRevision {
    /// Person-period index into the data set.
    pub pp: usize,
    /// The placement's grade id under the old and the new revision.
    pub placement: (Option<String>, Option<String>),
    /// Fit per `Comparison::grades` column under the old and the new
    /// revision (`None` where the revision lacks the grade or it requires
    /// nothing).
    pub fit: Vec<(Option<f64>, Option<f64>)>,
    pub placement_changed: bool,
    /// Whether the fit to a grade of both revisions differs as printed (4
    /// decimals, scoring.md §7).
    pub fit_changed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub grades: Vec<GradeColumn>,
    /// The person-periods whose placement or fit changed, sorted by
    /// `person_id`, then `period`.
    pub changed: Vec<PersonRevision>,
    /// How many person-periods were compared.
    pub people: usize,
    pub placement_changed: usize,
    pub fit_changed: usize,
}

/// Ratings read but not scored by a revision: a competency or a rater group
/// it does not have, with the number of ratings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotScored {
    pub what: &'static str,
    pub id: String,
    pub ratings: u64,
}

/// A name that is none of `taken`, derived from `base`.
fn unused_name(base: &str, taken: &HashSet<String>) -> String {
    let mut n = 1;
    loop {
        let candidate = if n == 1 {
            format!("{base} (new revision)")
        } else {
            format!("{base} (new revision {n})")
        };
        if !taken.contains(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// The items only the new revision has that a file can name without
/// ambiguity, as (index in `new_items`, name to read them by): an id that is
/// already an old id or name is unreadable (ids win over names, so its
/// ratings would go to the old item) and listed in `unreadable`; a name
/// already taken is replaced by an unused one, so the item is read by id.
fn readable_additions<'a>(
    taken: impl Iterator<Item = String>,
    old_ids: impl Iterator<Item = &'a str> + Clone,
    new_items: impl Iterator<Item = (&'a str, &'a str)>,
    what: &str,
    unreadable: &mut Vec<String>,
) -> Vec<(usize, String)> {
    let mut taken: HashSet<String> = taken.collect();
    let mut out = Vec::new();
    for (i, (id, name)) in new_items.enumerate() {
        if old_ids.clone().any(|o| o == id) {
            continue;
        }
        if taken.contains(id) {
            unreadable.push(format!("{what} {id}"));
            continue;
        }
        let name = if taken.contains(name) {
            unused_name(id, &taken)
        } else {
            name.to_string()
        };
        taken.insert(id.to_string());
        taken.insert(name.clone());
        out.push((i, name));
    }
    out
}

/// Revalidates a model built here from validated parts, so that every
/// `Model` still comes from `load` (model/mod.rs).
fn reload(m: &Model) -> Result<Model> {
    load_model_str(&m.to_toml(), "<reading model>")
        .map(|l| l.model)
        .map_err(|e| {
            KsaError::Other(format!(
                "cannot combine the two revisions for reading: {}",
                e.lines().join("; ")
            ))
        })
}

impl Reading {
    pub fn new(old: &Model, new: &Model) -> Result<Reading> {
        let mut r = old.clone();
        let mut unreadable = Vec::new();

        // Competencies: ids and names share lookups, and an id wins over a
        // name (evaluation-files.md), so a new id that is an old name is left out.
        let taken = old
            .competencies
            .iter()
            .flat_map(|c| [c.id.clone(), c.name.clone()])
            .chain(old.categories.iter().map(|c| c.id.clone()));
        let olds = old.competencies.iter().map(|c| c.id.as_str());
        let news = new
            .competencies
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str()));
        for (i, name) in readable_additions(taken, olds, news, "competency", &mut unreadable) {
            let c = &new.competencies[i];
            r.competencies.push(Competency {
                id: c.id.clone(),
                name,
                category: old.categories[0].id.clone(),
                group: None,
                description: None,
                weight: 1.0,
                trainable: c.trainable,
                critical: false,
                required: BTreeMap::new(),
                indicators: BTreeMap::new(),
                category_index: 0,
                required_by_grade: Vec::new(),
            });
        }

        // Grades: only read (the person's own grade), never placed here.
        let taken = old
            .grades
            .iter()
            .flat_map(|g| [g.id.clone(), g.name.clone()]);
        let olds = old.grades.iter().map(|g| g.id.as_str());
        let news = new.grades.iter().map(|g| (g.id.as_str(), g.name.as_str()));
        for (i, name) in readable_additions(taken, olds, news, "grade", &mut unreadable) {
            let g = &new.grades[i];
            r.grades.push(Grade {
                id: g.id.clone(),
                name,
                description: None,
            });
        }

        // Rater groups, appended so the old default group stays first.
        let taken = old
            .raters
            .iter()
            .flat_map(|g| [g.id.clone(), g.name.clone()]);
        let olds = old.raters.iter().map(|g| g.id.as_str());
        let news = new.raters.iter().map(|g| (g.id.as_str(), g.name.as_str()));
        for (i, name) in readable_additions(taken, olds, news, "rater group", &mut unreadable) {
            let g = &new.raters[i];
            r.raters.push(RaterGroup {
                id: g.id.clone(),
                name,
                weight: 0.0,
                min_count: 1,
            });
        }
        let model = reload(&r)?;

        let mut n = model.clone();
        for g in &mut n.raters {
            g.weight = new
                .raters
                .iter()
                .find(|x| x.id == g.id)
                .map_or(0.0, |x| x.weight);
        }
        let new_groups = reload(&n)?;
        let new_index = new
            .competencies
            .iter()
            .map(|c| model.competencies.iter().position(|x| x.id == c.id))
            .collect();
        Ok(Reading {
            model,
            new_groups,
            new_index,
            old_competencies: old.competencies.len(),
            old_groups: old.raters.len(),
            unreadable,
        })
    }

    /// §1–2 of one person-period under the old revision.
    pub fn old_scores(
        &self,
        old: &Model,
        data: &Dataset,
        pp: usize,
        w: &Weights,
    ) -> score::PersonScores {
        // The old revision's competencies and groups come first in the
        // reading model, and the appended groups weigh 0 there.
        let (s, r): (Vec<_>, Vec<_>) = (0..self.old_competencies)
            .map(|c| score::competency_score(&self.model, data, pp, c))
            .unzip();
        score::from_competency_scores(old, s, r, w)
    }

    /// §1–2 of one person-period under the new revision.
    pub fn new_scores(
        &self,
        new: &Model,
        data: &Dataset,
        pp: usize,
        w: &Weights,
    ) -> score::PersonScores {
        let (s, r): (Vec<_>, Vec<_>) = self
            .new_index
            .iter()
            .map(|i| match i {
                Some(c) => score::competency_score(&self.new_groups, data, pp, *c),
                None => (None, 0),
            })
            .unzip();
        score::from_competency_scores(new, s, r, w)
    }

    /// Ratings read but not scored under the old and under the new revision.
    pub fn not_scored(&self, new: &Model, data: &Dataset) -> (Vec<NotScored>, Vec<NotScored>) {
        let m = &self.model;
        let in_new_comp: Vec<bool> = (0..m.competencies.len())
            .map(|c| self.new_index.contains(&Some(c)))
            .collect();
        let in_new_group: Vec<bool> = m
            .raters
            .iter()
            .map(|g| new.raters.iter().any(|x| x.id == g.id))
            .collect();
        let mut comp_old = vec![0u64; m.competencies.len()];
        let mut comp_new = vec![0u64; m.competencies.len()];
        let mut group_old = vec![0u64; m.raters.len()];
        let mut group_new = vec![0u64; m.raters.len()];
        for pp in 0..data.people.len() {
            for c in 0..m.competencies.len() {
                for (g, cell) in data.cells(pp, c).iter().enumerate() {
                    let n = cell.count as u64;
                    // A rating not scored is counted once, under its
                    // competency if that is missing, else under its group.
                    if c >= self.old_competencies {
                        comp_old[c] += n;
                    } else if g >= self.old_groups {
                        group_old[g] += n;
                    }
                    if !in_new_comp[c] {
                        comp_new[c] += n;
                    } else if !in_new_group[g] {
                        group_new[g] += n;
                    }
                }
            }
        }
        let list = |comp: &[u64], group: &[u64]| {
            let mut v: Vec<NotScored> = comp
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(c, n)| NotScored {
                    what: "competency",
                    id: m.competencies[c].id.clone(),
                    ratings: *n,
                })
                .collect();
            v.extend(
                group
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(g, n)| NotScored {
                        what: "rater group",
                        id: m.raters[g].id.clone(),
                        ratings: *n,
                    }),
            );
            v
        };
        (list(&comp_old, &group_old), list(&comp_new, &group_new))
    }

    /// Scores and places every person-period under both revisions.
    pub fn compare(
        &self,
        old: &Model,
        new: &Model,
        data: &Dataset,
        w_old: &Weights,
        w_new: &Weights,
    ) -> Comparison {
        let mut grades: Vec<GradeColumn> = new
            .grades
            .iter()
            .enumerate()
            .map(|(i, g)| GradeColumn {
                id: g.id.clone(),
                old: old.grades.iter().position(|o| o.id == g.id),
                new: Some(i),
            })
            .collect();
        for (i, g) in old.grades.iter().enumerate() {
            if !new.grades.iter().any(|n| n.id == g.id) {
                grades.push(GradeColumn {
                    id: g.id.clone(),
                    old: Some(i),
                    new: None,
                });
            }
        }
        let printed = |f: Option<f64>| f.map(|x| round_key(x, 4));
        let mut changed = Vec::new();
        let (mut placement_changed, mut fit_changed) = (0, 0);
        for pp in data.sorted() {
            let so = self.old_scores(old, data, pp, w_old);
            let sn = self.new_scores(new, data, pp, w_new);
            let placement = (
                score::placement(old, &so).map(|g| old.grades[g].id.clone()),
                score::placement(new, &sn).map(|g| new.grades[g].id.clone()),
            );
            let fit: Vec<(Option<f64>, Option<f64>)> = grades
                .iter()
                .map(|g| {
                    (
                        g.old.and_then(|i| score::fit(old, &so, i, w_old)),
                        g.new.and_then(|i| score::fit(new, &sn, i, w_new)),
                    )
                })
                .collect();
            let p_changed = placement.0 != placement.1;
            // A grade one revision lacks is not a change of fit: it is in
            // the model diff, and would otherwise mark everyone.
            let f_changed = grades.iter().zip(&fit).any(|(g, (a, b))| {
                g.old.is_some() && g.new.is_some() && printed(*a) != printed(*b)
            });
            placement_changed += p_changed as usize;
            fit_changed += f_changed as usize;
            if p_changed || f_changed {
                changed.push(PersonRevision {
                    pp,
                    placement,
                    fit,
                    placement_changed: p_changed,
                    fit_changed: f_changed,
                });
            }
        }
        Comparison {
            grades,
            changed,
            people: data.people.len(),
            placement_changed,
            fit_changed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
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

[[raters]]
id = "peer"
name = "Peer"
weight = 1

[[categories]]
id = "K"
name = "Knowledge"

[[competencies]]
id = "K.a"
name = "Alpha"
category = "K"
required = { junior = 2, senior = 3 }

[[competencies]]
id = "K.b"
name = "Beta"
category = "K"
required = { junior = 2, senior = 4 }
"#;

    fn model(text: &str) -> Model {
        load_model_str(text, "test.toml").expect("valid").model
    }

    fn edited(edits: &[(&str, &str)]) -> Model {
        let mut t = OLD.to_string();
        for (from, to) in edits {
            assert_eq!(t.matches(from).count(), 1, "edit {from:?}");
            t = t.replace(from, to);
        }
        model(&t)
    }

    #[test]
    fn the_reading_model_adds_what_only_the_new_revision_has() {
        let old = model(OLD);
        let new = edited(&[
            // K.b removed; K.c added; and a competency whose id is K.b's name.
            (
                "[[competencies]]\nid = \"K.b\"\nname = \"Beta\"\ncategory = \"K\"\nrequired = { junior = 2, senior = 4 }\n",
                "[[competencies]]\nid = \"K.c\"\nname = \"Gamma\"\ncategory = \"K\"\nrequired = { senior = 3 }\n\n[[competencies]]\nid = \"Beta\"\nname = \"Beta2\"\ncategory = \"K\"\n",
            ),
            ("[[raters]]\nid = \"peer\"", "[[raters]]\nid = \"customer\"\nname = \"Customer\"\nweight = 1\n\n[[raters]]\nid = \"peer\""),
        ]);
        let r = Reading::new(&old, &new).unwrap();
        let ids: Vec<&str> = r.model.competencies.iter().map(|c| c.id.as_str()).collect();
        // "Beta" is the old K.b's name: reading it as an id would take
        // K.b's ratings away from it.
        assert_eq!(ids, ["K.a", "K.b", "K.c"]);
        assert_eq!(r.unreadable, ["competency Beta"]);
        let groups: Vec<(&str, f64)> = r
            .model
            .raters
            .iter()
            .map(|g| (g.id.as_str(), g.weight))
            .collect();
        assert_eq!(groups, [("boss", 1.0), ("peer", 1.0), ("customer", 0.0)]);
        let weights: Vec<f64> = r.new_groups.raters.iter().map(|g| g.weight).collect();
        assert_eq!(weights, [1.0, 1.0, 1.0]);
        assert_eq!(r.new_index, [Some(0), Some(2), None]);
    }

    #[test]
    fn a_raised_requirement_changes_placement_and_fit() {
        let old = model(OLD);
        let new = edited(&[(
            "required = { junior = 2, senior = 4 }",
            "required = { junior = 2, senior = 5 }",
        )]);
        let r = Reading::new(&old, &new).unwrap();
        // p1 (4, 4) meets K.b's old senior 4, not the new 5; p2 (5, 5)
        // meets both.
        let data = Dataset::from_ratings(
            &r.model,
            [
                ("p1", "", None, 0, 0, "", 4.0),
                ("p1", "", None, 1, 0, "", 4.0),
                ("p2", "", None, 0, 0, "", 5.0),
                ("p2", "", None, 1, 0, "", 5.0),
            ],
        );
        let (wo, wn) = (Weights::new(&old, None), Weights::new(&new, None));
        let c = r.compare(&old, &new, &data, &wo, &wn);
        assert_eq!((c.people, c.placement_changed, c.fit_changed), (2, 1, 1));
        assert_eq!(c.changed.len(), 1);
        let p = &c.changed[0];
        assert_eq!(data.people[p.pp].person_id, "p1");
        assert_eq!(p.placement, (Some("senior".into()), Some("junior".into())));
        // Fit to senior: K.b attains (4 − 1)/(5 − 1) = 0.75, K.a 1 → 0.875.
        assert_eq!(p.fit[1], (Some(1.0), Some(0.875)));
    }

    #[test]
    fn ratings_of_removed_competencies_and_groups_are_not_scored() {
        let old = model(OLD);
        let new = edited(&[
            ("[[raters]]\nid = \"peer\"\nname = \"Peer\"\nweight = 1\n", ""),
            (
                "[[competencies]]\nid = \"K.b\"\nname = \"Beta\"\ncategory = \"K\"\nrequired = { junior = 2, senior = 4 }\n",
                "",
            ),
        ]);
        let r = Reading::new(&old, &new).unwrap();
        let data = Dataset::from_ratings(
            &r.model,
            [
                ("p1", "", None, 0, 0, "", 3.0),
                ("p1", "", None, 0, 1, "", 5.0),
                ("p1", "", None, 1, 0, "", 2.0),
            ],
        );
        let (wo, wn) = (Weights::new(&old, None), Weights::new(&new, None));
        let so = r.old_scores(&old, &data, 0, &wo);
        let sn = r.new_scores(&new, &data, 0, &wn);
        assert_eq!(so.competency, [Some(4.0), Some(2.0)]);
        assert_eq!(sn.competency, [Some(3.0)]);
        let (o, n) = r.not_scored(&new, &data);
        assert!(o.is_empty());
        let n: Vec<(&str, &str, u64)> = n
            .iter()
            .map(|x| (x.what, x.id.as_str(), x.ratings))
            .collect();
        assert_eq!(n, [("competency", "K.b", 1), ("rater group", "peer", 1)]);
    }
}
