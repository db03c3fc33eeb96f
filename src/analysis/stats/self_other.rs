//! Self–other agreement per person-period: does a person see themselves as
//! others see them? Over the competencies with both a self rating (the
//! group with id `self`, model-format.md's convention) and an others' score (the
//! competency score of scoring.md §1 computed without the self group), the
//! mean self rating minus the mean others' score classifies the person as
//! an over-rater, an under-rater or in agreement.

use super::{mean, notes, Note};
use crate::ingest::Dataset;
use crate::model::Model;

/// `--threshold` default, in levels.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// A difference exactly at the threshold (e.g. 3.7 − 3.2 computed as
/// 0.5000000000000004) is not beyond it: scoring.md §5's allowance.
use crate::score::ALLOWANCE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    OverRater,
    UnderRater,
    InAgreement,
}

impl Class {
    pub const ALL: [Class; 3] = [Class::OverRater, Class::UnderRater, Class::InAgreement];

    pub fn label(self) -> &'static str {
        match self {
            Class::OverRater => "over-rater",
            Class::UnderRater => "under-rater",
            Class::InAgreement => "in agreement",
        }
    }

    pub fn of(difference: f64, threshold: f64) -> Class {
        if difference > threshold + ALLOWANCE {
            Class::OverRater
        } else if difference < -threshold - ALLOWANCE {
            Class::UnderRater
        } else {
            Class::InAgreement
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SelfOther {
    pub pp: usize,
    /// Competencies with both self and others.
    pub competencies: usize,
    pub self_mean: Option<f64>,
    pub others_mean: Option<f64>,
    /// `self_mean − others_mean`.
    pub difference: Option<f64>,
    pub class: Option<Class>,
    pub note: Option<Note>,
}

/// How many person-periods of one period fall in each class.
#[derive(Debug, Clone, PartialEq)]
pub struct Shares {
    pub period: String,
    /// Count per class, in `Class::ALL` order.
    pub counts: [usize; 3],
    /// Person-periods without a class (no self or no others).
    pub unclassified: usize,
}

impl Shares {
    pub fn classified(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The share of the classified person-periods in `class`; `None` when
    /// nobody could be classified.
    pub fn share(&self, class: Class) -> Option<f64> {
        let total = self.classified();
        let i = Class::ALL.iter().position(|c| *c == class).unwrap_or(0);
        (total > 0).then(|| self.counts[i] as f64 / total as f64)
    }
}

/// The self-rating group: the one with id `self`.
pub fn self_group(model: &Model) -> Option<usize> {
    model.raters.iter().position(|r| r.id == "self")
}

pub fn self_other(model: &Model, data: &Dataset, pp: usize, threshold: f64) -> SelfOther {
    let mut out = SelfOther {
        pp,
        competencies: 0,
        self_mean: None,
        others_mean: None,
        difference: None,
        class: None,
        note: None,
    };
    let Some(sg) = self_group(model) else {
        out.note = Some(notes::NO_SELF_GROUP);
        return out;
    };
    let (mut selves, mut others) = (Vec::new(), Vec::new());
    let (mut any_self, mut any_other) = (false, false);
    for c in 0..model.competencies.len() {
        let s = data.cells(pp, c)[sg].mean();
        let o = crate::score::others_score(model, data, pp, c, sg);
        any_self |= s.is_some();
        any_other |= o.is_some();
        if let (Some(s), Some(o)) = (s, o) {
            selves.push(s);
            others.push(o);
        }
    }
    if selves.is_empty() {
        out.note = Some(match (any_self, any_other) {
            (false, _) => notes::NO_SELF,
            (true, false) => notes::NO_OTHERS,
            (true, true) => notes::NO_SELF_AND_OTHERS,
        });
        return out;
    }
    let (s, o) = (mean(&selves), mean(&others));
    out.competencies = selves.len();
    out.self_mean = Some(s);
    out.others_mean = Some(o);
    out.difference = Some(s - o);
    out.class = Some(Class::of(s - o, threshold));
    out
}

/// The rows of the given person-periods (in their order) and the shares
/// per period (periods in code-point order).
pub fn table(
    model: &Model,
    data: &Dataset,
    people: &[usize],
    threshold: f64,
) -> (Vec<SelfOther>, Vec<Shares>) {
    let rows: Vec<SelfOther> = people
        .iter()
        .map(|&pp| self_other(model, data, pp, threshold))
        .collect();
    let mut shares: std::collections::BTreeMap<&str, Shares> = Default::default();
    for r in &rows {
        let period = data.people[r.pp].period.as_str();
        let s = shares.entry(period).or_insert_with(|| Shares {
            period: period.to_string(),
            counts: [0; 3],
            unclassified: 0,
        });
        match r.class {
            Some(c) => s.counts[Class::ALL.iter().position(|x| *x == c).unwrap_or(0)] += 1,
            None => s.unclassified += 1,
        }
    }
    (rows, shares.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::tests_support::{data, model};

    #[test]
    fn classes_beyond_the_threshold() {
        let m = model();
        let d = data(
            &m,
            &[
                // over: self 5, 4 on a, b; others 3 (sup), 3.5 (peer 3, 4):
                // self 4.5, others 3.25, +1.25.
                ("o", "self", "o", "a", 5.0),
                ("o", "self", "o", "b", 4.0),
                ("o", "sup", "s", "a", 3.0),
                ("o", "peer", "x", "b", 3.0),
                ("o", "peer", "y", "b", 4.0),
                // under: self 2, others (0.5·4 + 0.3·5) / 0.8 = 4.375.
                ("u", "self", "u", "a", 2.0),
                ("u", "sup", "s", "a", 4.0),
                ("u", "peer", "x", "a", 5.0),
                // exactly 0.5 apart: in agreement; c has no self, not used.
                ("e", "self", "e", "a", 3.7),
                ("e", "sup", "s", "a", 3.2),
                ("e", "sup", "s", "c", 1.0),
                // no self
                ("n", "sup", "s", "a", 3.0),
                // self only
                ("z", "self", "z", "a", 3.0),
            ],
        );
        let (rows, shares) = table(&m, &d, &[0, 1, 2, 3, 4], DEFAULT_THRESHOLD);
        assert_eq!(rows[0].class, Some(Class::OverRater));
        assert!((rows[0].difference.unwrap() - 1.25).abs() < 1e-12);
        assert_eq!(rows[0].competencies, 2);
        assert_eq!(rows[1].class, Some(Class::UnderRater));
        assert!((rows[1].others_mean.unwrap() - 4.375).abs() < 1e-12);
        assert_eq!(
            (rows[2].class, rows[2].competencies),
            (Some(Class::InAgreement), 1)
        );
        assert_eq!((rows[3].class, rows[3].note), (None, Some(notes::NO_SELF)));
        assert_eq!(
            (rows[4].class, rows[4].note),
            (None, Some(notes::NO_OTHERS))
        );
        assert_eq!(shares.len(), 1);
        assert_eq!((shares[0].counts, shares[0].unclassified), ([1, 1, 1], 2));
        assert_eq!(shares[0].share(Class::OverRater), Some(1.0 / 3.0));
        // A larger threshold puts the over-rater in agreement.
        assert_eq!(self_other(&m, &d, 0, 1.5).class, Some(Class::InAgreement));
    }
}
