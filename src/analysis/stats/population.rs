//! Population statistics: per period, grade (each person's own) and
//! competency, the distribution of the competency scores `s_c` and the
//! share of people meeting the grade's requirement (scoring.md §5: `s_c ≥
//! req − tol`, no tolerance for critical competencies, 1e-9 allowance).
//! Periods are kept apart: each is a snapshot of the same people, and
//! pooling them would count everyone twice.

use super::{mean, notes, quantile, Note};
use crate::ingest::Dataset;
use crate::model::Model;
use crate::score;

#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    pub period: String,
    /// Grade index; `None` for people whose data names no grade.
    pub grade: Option<usize>,
    pub competency: usize,
    /// Person-periods of the grade in the period.
    pub people: usize,
    /// Of them, assessed on the competency.
    pub n: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    /// `req(c, grade)`.
    pub required: Option<f64>,
    /// Assessed people meeting the requirement.
    pub met: Option<usize>,
    /// `met / n`.
    pub share_met: Option<f64>,
    pub note: Option<Note>,
}

/// Rows by period (code-point order), grade (model order, no grade last)
/// and competency (model order), for the groups that have people.
pub fn table(model: &Model, data: &Dataset, people: &[usize]) -> Vec<Population> {
    // (period, grade slot) → s_c per competency of each person-period.
    let slot = |g: Option<usize>| g.unwrap_or(model.grades.len());
    let mut groups: std::collections::BTreeMap<(&str, usize), Vec<Vec<Option<f64>>>> =
        Default::default();
    for &pp in people {
        let p = &data.people[pp];
        let scores = (0..model.competencies.len())
            .map(|c| score::competency_score(model, data, pp, c).0)
            .collect();
        groups
            .entry((p.period.as_str(), slot(p.grade)))
            .or_default()
            .push(scores);
    }
    let mut rows = Vec::new();
    for ((period, gslot), members) in groups {
        let grade = (gslot < model.grades.len()).then_some(gslot);
        for (c, comp) in model.competencies.iter().enumerate() {
            let mut values: Vec<f64> = members.iter().filter_map(|s| s[c]).collect();
            values.sort_by(f64::total_cmp);
            let required = grade.and_then(|g| comp.requirement(g));
            let mut row = Population {
                period: period.to_string(),
                grade,
                competency: c,
                people: members.len(),
                n: values.len(),
                mean: (!values.is_empty()).then(|| mean(&values)),
                median: quantile(&values, 0.5),
                q1: quantile(&values, 0.25),
                q3: quantile(&values, 0.75),
                required,
                met: None,
                share_met: None,
                note: None,
            };
            if values.is_empty() {
                row.note = Some(notes::NOT_ASSESSED);
            } else if grade.is_none() {
                row.note = Some(notes::NO_GRADE);
            } else if let (Some(_), Some(g)) = (required, grade) {
                let met = values
                    .iter()
                    .filter(|&&s| !score::status(model, c, Some(s), g).status.blocks())
                    .count();
                row.met = Some(met);
                row.share_met = Some(met as f64 / values.len() as f64);
            } else {
                row.note = Some(notes::NOT_REQUIRED);
            }
            rows.push(row);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::tests_support::{data, model};

    #[test]
    fn quartiles_and_share_meeting() {
        let m = model();
        let d = {
            let mut d = data(
                &m,
                &[
                    ("p1", "sup", "s", "a", 1.0),
                    ("p2", "sup", "s", "a", 2.0),
                    ("p3", "sup", "s", "a", 3.0),
                    ("p4", "sup", "s", "a", 4.0),
                    ("p4", "sup", "s", "b", 3.5),
                    ("p1", "sup", "s", "b", 2.5),
                    ("x", "sup", "s", "a", 4.0),
                ],
            );
            for p in d.people.iter_mut().take(4) {
                p.grade = Some(1); // g2: a ≥ 3 − 0.5, b (critical) ≥ 4
            }
            d
        };
        let rows = table(&m, &d, &[0, 1, 2, 3, 4]);
        // g2 × {a, b, c}, then no grade × {a, b, c}.
        assert_eq!(rows.len(), 6);
        let a = &rows[0];
        assert_eq!((a.grade, a.people, a.n), (Some(1), 4, 4));
        assert_eq!(
            (a.q1, a.median, a.q3, a.mean),
            (Some(1.75), Some(2.5), Some(3.25), Some(2.5))
        );
        // 3 and 4 reach 2.5; 2 does not.
        assert_eq!(
            (a.required, a.met, a.share_met),
            (Some(3.0), Some(2), Some(0.5))
        );
        let b = &rows[1];
        assert_eq!((b.n, b.met, b.share_met), (2, Some(0), Some(0.0)));
        assert_eq!(rows[2].note, Some(notes::NOT_ASSESSED));
        let none = &rows[3];
        assert_eq!(
            (none.grade, none.n, none.share_met, none.note),
            (None, 1, None, Some(notes::NO_GRADE))
        );
    }
}
