//! What a report may show of each rater group (model.md, `min_count`).
//!
//! The threshold protects raters: a group with fewer distinct raters than its
//! `min_count` is never shown on its own, and — the harder part — nothing else
//! on the page may let a reader work it out. The competency score is a known
//! weighted blend of the counted groups' means (scoring.md §1, weights are in
//! the model), so "score plus the other groups' means" gives the small group
//! back by subtraction. The rules, applied per person and period:
//!
//! 1. **Suppressed group.** A group with raters, but fewer distinct raters
//!    than its `min_count`, is suppressed: no mean, no count, only the notice
//!    that it was suppressed. Its ratings still count in the score.
//! 2. **Thin cell.** In a shown group, a competency rated by fewer than
//!    `min_count` of its raters is withheld on that row.
//! 3. **No subtraction.** When a counted group (weight > 0) is suppressed,
//!    the means of every counted group are withheld on every row; when a
//!    counted group's cell is thin (rule 2), the counted groups' means are
//!    withheld on that row. Withheld cells all look the same whether or not
//!    the group rated, so the page does not tell which groups entered a
//!    score. Weight-0 groups (self) never enter the score and stay shown.
//! 4. **Sole source.** When every counted group that rated the person is
//!    suppressed, the scores themselves are those small groups' view: the
//!    person's scores are withheld from every report (and from team
//!    aggregates, which could otherwise be subtracted back).
//!
//! Comments (see `individual.rs`) from a suppressed group are not shown.

use crate::ingest::Dataset;
use crate::model::Model;

/// What a report may say about one rater group of one person-period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupStatus {
    /// The group did not rate this person in this period.
    NoRatings,
    /// Rule 1: rated by too few people to be shown.
    Suppressed,
    /// Shown, with its number of distinct raters.
    Shown(u32),
}

/// One cell of the group columns of the competency table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellView {
    Mean(f64),
    NoRating,
    /// Rules 2–3: hidden so that no small group can be read or derived.
    Withheld,
}

/// The anonymity decisions for one person-period.
#[derive(Debug, Clone, PartialEq)]
pub struct Visibility {
    pub groups: Vec<GroupStatus>,
    /// Rule 3 on every row: a counted group is suppressed.
    pub counted_withheld: bool,
    /// Rule 4: the scores rest only on suppressed groups.
    pub scores_withheld: bool,
}

impl Visibility {
    pub fn of(model: &Model, data: &Dataset, pp: usize) -> Visibility {
        let groups: Vec<GroupStatus> = model
            .raters
            .iter()
            .enumerate()
            .map(|(g, r)| {
                let n = data.distinct_raters(pp, g);
                let rated =
                    n > 0 || (0..model.competencies.len()).any(|c| data.cells(pp, c)[g].count > 0);
                if !rated {
                    GroupStatus::NoRatings
                } else if n < r.min_count {
                    GroupStatus::Suppressed
                } else {
                    GroupStatus::Shown(n)
                }
            })
            .collect();
        let counted: Vec<usize> = (0..groups.len())
            .filter(|&g| model.raters[g].weight > 0.0 && groups[g] != GroupStatus::NoRatings)
            .collect();
        let counted_withheld = counted
            .iter()
            .any(|&g| groups[g] == GroupStatus::Suppressed);
        let scores_withheld = !counted.is_empty()
            && counted
                .iter()
                .all(|&g| groups[g] == GroupStatus::Suppressed);
        Visibility {
            groups,
            counted_withheld,
            scores_withheld,
        }
    }

    /// Whether any group is suppressed (the page then says so, and says that
    /// comments of suppressed groups are not shown).
    pub fn any_suppressed(&self) -> bool {
        self.groups.contains(&GroupStatus::Suppressed)
    }

    /// Rule 3 for one row: a counted group's mean would let a reader
    /// subtract a small group out of the score.
    pub fn row_withheld(&self, model: &Model, data: &Dataset, pp: usize, c: usize) -> bool {
        self.counted_withheld
            || data.cells(pp, c).iter().enumerate().any(|(g, cell)| {
                model.raters[g].weight > 0.0
                    && cell.count > 0
                    && cell.count < model.raters[g].min_count
            })
    }

    /// The cell of group `g` on competency row `c`, for a shown group.
    pub fn cell(&self, model: &Model, data: &Dataset, pp: usize, c: usize, g: usize) -> CellView {
        let cell = data.cells(pp, c)[g];
        let r = &model.raters[g];
        if !matches!(self.groups[g], GroupStatus::Shown(_)) {
            return CellView::Withheld;
        }
        if r.weight > 0.0 && self.row_withheld(model, data, pp, c) {
            return CellView::Withheld;
        }
        match cell.mean() {
            None => CellView::NoRating,
            Some(_) if cell.count < r.min_count => CellView::Withheld,
            Some(m) => CellView::Mean(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_model_str;

    const MODEL: &str = r#"
schema = 1
id = "t"
name = "t"
version = "1"
[scale]
min = 1
max = 5
[[grades]]
id = "g"
name = "g"
[[raters]]
id = "supervisor"
name = "sup"
weight = 0.5
[[raters]]
id = "peer"
name = "peer"
weight = 0.5
min_count = 3
[[raters]]
id = "self"
name = "self"
weight = 0
[[categories]]
id = "K"
name = "K"
[[competencies]]
id = "a"
name = "a"
category = "K"
required = { g = 3 }
[[competencies]]
id = "b"
name = "b"
category = "K"
required = { g = 3 }
"#;

    fn model() -> Model {
        load_model_str(MODEL, "t.toml").unwrap().model
    }

    /// (person, period, grade, competency, group, rater_id, score).
    type Rating = (
        &'static str,
        &'static str,
        Option<usize>,
        usize,
        usize,
        &'static str,
        f64,
    );

    // Anonymous raters (empty rater_id) count one per rating of a competency.
    fn data(m: &Model, peers_a: usize, peers_b: usize, sup: bool) -> Dataset {
        let mut r: Vec<Rating> = Vec::new();
        if sup {
            r.push(("p", "", None, 0, 0, "", 4.0));
            r.push(("p", "", None, 1, 0, "", 4.0));
        }
        for _ in 0..peers_a {
            r.push(("p", "", None, 0, 1, "", 2.0));
        }
        for _ in 0..peers_b {
            r.push(("p", "", None, 1, 1, "", 2.0));
        }
        r.push(("p", "", None, 0, 2, "", 5.0));
        Dataset::from_ratings(m, r)
    }

    #[test]
    fn small_group_is_suppressed_and_counted_groups_withheld() {
        let m = model();
        let d = data(&m, 2, 2, true);
        let v = Visibility::of(&m, &d, 0);
        assert_eq!(v.groups[1], GroupStatus::Suppressed);
        assert!(v.counted_withheld && !v.scores_withheld);
        // The supervisor's mean would give the peers back from the score.
        assert_eq!(v.cell(&m, &d, 0, 0, 0), CellView::Withheld);
        // Self never enters the score: shown.
        assert_eq!(v.cell(&m, &d, 0, 0, 2), CellView::Mean(5.0));
    }

    #[test]
    fn thin_cell_withholds_its_row_only() {
        let m = model();
        let d = data(&m, 3, 1, true);
        let v = Visibility::of(&m, &d, 0);
        assert_eq!(v.groups[1], GroupStatus::Shown(3));
        assert_eq!(v.cell(&m, &d, 0, 0, 1), CellView::Mean(2.0));
        assert_eq!(v.cell(&m, &d, 0, 0, 0), CellView::Mean(4.0));
        assert_eq!(v.cell(&m, &d, 0, 1, 1), CellView::Withheld);
        assert_eq!(v.cell(&m, &d, 0, 1, 0), CellView::Withheld);
    }

    #[test]
    fn scores_resting_on_a_suppressed_group_alone_are_withheld() {
        let m = model();
        let d = data(&m, 2, 2, false);
        let v = Visibility::of(&m, &d, 0);
        assert!(v.scores_withheld);
        assert_eq!(v.groups[0], GroupStatus::NoRatings);
    }
}
