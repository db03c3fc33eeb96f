//! What may be shown of a person's ratings (model-format.md, `min_count`): the one
//! place that decides it. Every report asks [`View`]; `--strict-anonymity`
//! applies [`Mask::screen`] to the data of every other output too.
//!
//! The threshold protects raters: what a group of fewer distinct raters than
//! its `min_count` said is never shown, directly or by subtraction. The
//! rules, applied per person and period:
//!
//! 1. **Hidden ratings.** A group with raters, but fewer distinct raters than
//!    its `min_count`, is *suppressed*: no mean, no count, only the notice
//!    that it was suppressed. Inside a shown group, a competency rated by
//!    fewer than `min_count` of its raters is a *thin cell*, treated like a
//!    suppressed group on that competency. The ratings of suppressed groups
//!    and thin cells are the *hidden* ratings. Comments follow their
//!    ratings: a comment of a suppressed group, or on a thin cell, is not
//!    shown.
//! 2. **Withheld cells.** A competency whose counted ratings (weight > 0)
//!    are all hidden is *withheld* (‡): its score, gap, chart points, blind
//!    spot, shortfall, plan line and change since the last period. So is
//!    every number computed from it that the page would otherwise show next
//!    to its parts — the category and overall scores that include it and
//!    their gaps, the fit to a grade that requires it — since "category
//!    minus the shown competencies" gives it back. A verdict (meets a grade,
//!    placement, ready for the next) is shown only when the shown
//!    competencies decide it: "does not meet" when a shown competency falls
//!    short, "meets" when no required competency is withheld; otherwise ‡.
//! 3. **No subtraction from a blend.** A competency score that blends hidden
//!    ratings with shown ones is shown, but then the means of the counted
//!    groups on that row are withheld (they would give the hidden part back
//!    from the score); when a counted group is suppressed, on every row.
//!    Withheld group cells look the same whether or not the group rated.
//!    Weight-0 groups (self) never enter a score and stay shown.
//! 4. **Markers from what is shown.** The ◇ low-precision marker is left off
//!    rows where hidden ratings enter the score (its presence or absence
//!    would tell their spread), and off withheld rows.
//! 5. **Nothing to show.** When every assessed competency is withheld, the
//!    person's scores are withheld from every report and left out of every
//!    team figure, which could otherwise be subtracted back.
//!
//! Residual risk of the default ([`Mode::Blended`]): a blended score (rule 3)
//! shown to someone who knows their own rating lets them subtract it, and a
//! verdict uses the blended scores. [`Mode::Strict`] (`--strict-anonymity`)
//! computes everything from the shown ratings only: the hidden ratings are
//! removed from the data before anything is computed, so nothing shown
//! depends on them.

use crate::analysis::explain::{self, Explanation, Spread, Verdict};
use crate::ingest::{Comment, Dataset, RatingRecord};
use crate::model::Model;
use crate::score::{self, PersonScores, Weights};

/// What a page may say about one rater group of one person-period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupStatus {
    /// The group did not rate this person in this period.
    NoRatings,
    /// Rated by too few people to be shown.
    Suppressed,
    /// Shown, with its number of distinct raters.
    Shown(u32),
}

/// How scores on a page are computed (`--strict-anonymity` or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Scores use every rating, as `ksa score`; withheld cells are ‡.
    #[default]
    Blended,
    /// Scores use the shown ratings only.
    Strict,
}

/// A number (or verdict) as a page shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown<T> {
    Value(T),
    /// Not defined (not assessed, not required, no grade).
    Missing,
    /// Withheld for anonymity (‡).
    Withheld,
}

impl<T: Copy> Shown<T> {
    pub fn new(value: Option<T>, withheld: bool) -> Shown<T> {
        match (withheld, value) {
            (true, _) => Shown::Withheld,
            (false, Some(v)) => Shown::Value(v),
            (false, None) => Shown::Missing,
        }
    }

    pub fn value(self) -> Option<T> {
        match self {
            Shown::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_withheld(self) -> bool {
        matches!(self, Shown::Withheld)
    }
}

/// The hidden ratings of every person-period (rule 1), decided once from
/// the counts of the data as read, before any screening.
#[derive(Debug, Clone)]
pub struct Mask {
    n_c: usize,
    n_g: usize,
    groups: Vec<GroupStatus>,
    /// Per person-period, competency and group: the cell's ratings are hidden.
    hidden: Vec<bool>,
    /// Per person-period and competency: rule 2.
    withheld: Vec<bool>,
}

impl Mask {
    pub fn new(model: &Model, data: &Dataset) -> Mask {
        let (n_c, n_g) = (model.competencies.len(), model.raters.len());
        let n = data.people.len();
        let mut m = Mask {
            n_c,
            n_g,
            groups: Vec::with_capacity(n * n_g),
            hidden: Vec::with_capacity(n * n_c * n_g),
            withheld: Vec::with_capacity(n * n_c),
        };
        for pp in 0..n {
            let start = m.groups.len();
            for (g, r) in model.raters.iter().enumerate() {
                let raters = data.distinct_raters(pp, g);
                let rated = raters > 0 || (0..n_c).any(|c| data.cells(pp, c)[g].count > 0);
                m.groups.push(if !rated {
                    GroupStatus::NoRatings
                } else if raters < r.min_count {
                    GroupStatus::Suppressed
                } else {
                    GroupStatus::Shown(raters)
                });
            }
            for c in 0..n_c {
                let (mut counted, mut all_hidden) = (false, true);
                for (g, cell) in data.cells(pp, c).iter().enumerate() {
                    let r = &model.raters[g];
                    // Each rater rates a competency once (a repeat is an
                    // invalid row), so a cell's count is its distinct raters.
                    let hidden = cell.count > 0
                        && (m.groups[start + g] == GroupStatus::Suppressed
                            || cell.count < r.min_count);
                    m.hidden.push(hidden);
                    if r.weight > 0.0 && cell.count > 0 {
                        counted = true;
                        all_hidden &= hidden;
                    }
                }
                m.withheld.push(counted && all_hidden);
            }
        }
        m
    }

    pub fn groups(&self, pp: usize) -> &[GroupStatus] {
        &self.groups[pp * self.n_g..(pp + 1) * self.n_g]
    }

    /// Whether the ratings of group `g` on competency `c` are hidden.
    pub fn hidden(&self, pp: usize, c: usize, g: usize) -> bool {
        self.hidden[(pp * self.n_c + c) * self.n_g + g]
    }

    /// Rule 2: every counted rating of competency `c` is hidden.
    pub fn withheld(&self, pp: usize, c: usize) -> bool {
        self.withheld[pp * self.n_c + c]
    }

    /// Whether a comment may be shown: its group is shown and, when it is
    /// about a competency, that cell is not thin (rule 1). A comment on a
    /// competency its group did not score is one person's words too.
    pub fn comment_shown(
        &self,
        model: &Model,
        data: &Dataset,
        pp: usize,
        comment: &Comment,
    ) -> bool {
        if !matches!(
            self.groups(pp).get(comment.rater),
            Some(GroupStatus::Shown(_))
        ) {
            return false;
        }
        // A shown group's cell with at least `min_count` raters is not thin.
        comment.competency.is_none_or(|c| {
            data.cells(pp, c)[comment.rater].count >= model.raters[comment.rater].min_count
        })
    }

    /// `--strict-anonymity`: removes the hidden ratings from `data` — their
    /// cells, the kept ratings and the comments that would not be shown —
    /// so that whatever is computed from it rests on shown ratings only.
    /// The mask must have been made from `data` before.
    pub fn screen(&self, model: &Model, data: &mut Dataset) {
        for pp in 0..data.people.len() {
            for c in 0..self.n_c {
                for g in 0..self.n_g {
                    if self.hidden(pp, c, g) {
                        data.clear_cell(pp, c, g);
                    }
                }
            }
            for g in 0..self.n_g {
                if self.groups(pp)[g] == GroupStatus::Suppressed {
                    data.clear_named_raters(pp, g);
                }
            }
        }
        let kept =
            |r: &RatingRecord| !self.hidden(r.pp as usize, r.competency as usize, r.group as usize);
        data.ratings.retain(kept);
        let mut comments = std::mem::take(&mut data.comments);
        for (pp, list) in comments.iter_mut().enumerate() {
            list.retain(|x| self.comment_shown(model, data, pp, x));
        }
        data.comments = comments;
    }
}

/// One cell of the group columns of a competency table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellView {
    Mean(f64),
    NoRating,
    /// Hidden, or withheld so that no hidden rating can be derived.
    Withheld,
}

/// What a page may show of one person-period, and the scores it shows.
#[derive(Debug, Clone)]
pub struct View {
    pub mode: Mode,
    pub groups: Vec<GroupStatus>,
    /// Rule 2, per competency.
    withheld: Vec<bool>,
    /// Per competency: hidden ratings enter the shown score (rule 3).
    blends_hidden: Vec<bool>,
    category_withheld: Vec<bool>,
    overall_withheld: bool,
    /// Rule 3 on every row: a counted group is suppressed (blended mode).
    pub counted_withheld: bool,
    /// Rule 5: nothing can be shown.
    pub scores_withheld: bool,
    /// Rule 4, per competency.
    low_precision: Vec<bool>,
    /// The scores the page is computed from: withheld competencies, and in
    /// blended mode the categories and overall that include one, are `None`.
    pub scores: PersonScores,
}

impl View {
    /// `data` is what scores are computed from: the data as read in blended
    /// mode, the screened data (`Mask::screen`) in strict mode.
    pub fn of(
        model: &Model,
        mask: &Mask,
        data: &Dataset,
        pp: usize,
        mode: Mode,
        weights: &Weights,
    ) -> View {
        let n_c = model.competencies.len();
        let groups = mask.groups(pp).to_vec();
        let withheld: Vec<bool> = (0..n_c).map(|c| mask.withheld(pp, c)).collect();
        let blends_hidden: Vec<bool> = (0..n_c)
            .map(|c| {
                mode == Mode::Blended
                    && !withheld[c]
                    && (0..groups.len())
                        .any(|g| model.raters[g].weight > 0.0 && mask.hidden(pp, c, g))
            })
            .collect();
        let counted_withheld = mode == Mode::Blended
            && model
                .raters
                .iter()
                .zip(&groups)
                .any(|(r, s)| r.weight > 0.0 && *s == GroupStatus::Suppressed);
        let full = score::score_person(model, data, pp, weights);
        let any_assessed =
            withheld.iter().any(|&w| w) || full.competency.iter().any(Option::is_some);
        let scores_withheld =
            any_assessed && (0..n_c).all(|c| withheld[c] || full.competency[c].is_none());
        let mut competency = full.competency.clone();
        let mut ratings = full.competency_ratings.clone();
        for c in 0..n_c {
            if withheld[c] {
                competency[c] = None;
                ratings[c] = 0;
            }
        }
        let mut scores = score::from_competency_scores(model, competency, ratings, weights);
        // Blended mode: a category that includes a withheld competency, and
        // the overall that includes such a category, would give it back.
        // Strict mode computes them from the shown competencies; one with
        // none left reads ‡ rather than "not assessed".
        let category_withheld: Vec<bool> = (0..model.categories.len())
            .map(|k| {
                model.competencies_of(k).any(|c| withheld[c])
                    && (mode == Mode::Blended || scores.category[k].is_none())
            })
            .collect();
        let overall_withheld = match mode {
            Mode::Blended => (0..model.categories.len())
                .any(|k| category_withheld[k] && weights.0[k] > 0.0 && full.category[k].is_some()),
            Mode::Strict => scores.overall.is_none() && category_withheld.contains(&true),
        };
        for (k, w) in category_withheld.iter().enumerate() {
            if *w {
                scores.category[k] = None;
            }
        }
        if overall_withheld {
            scores.overall = None;
        }
        let low_precision = (0..n_c)
            .map(|c| {
                !withheld[c]
                    && !blends_hidden[c]
                    && crate::analysis::stats::precision::precision(model, data, pp, c)
                        .low_precision
                        == Some(true)
            })
            .collect();
        View {
            mode,
            groups,
            withheld,
            blends_hidden,
            category_withheld,
            overall_withheld,
            counted_withheld,
            scores_withheld,
            low_precision,
            scores,
        }
    }

    /// Whether any group is suppressed (the page then says so, and that
    /// comments of suppressed groups are not shown).
    pub fn any_suppressed(&self) -> bool {
        self.groups.contains(&GroupStatus::Suppressed)
    }

    /// Whether any competency is withheld (rule 2).
    pub fn any_withheld(&self) -> bool {
        self.withheld.contains(&true)
    }

    pub fn withheld(&self, c: usize) -> bool {
        self.withheld[c]
    }

    /// Whether any score of the page rests on hidden ratings (withheld, or
    /// blended into a shown score): a resample of the person's ratings
    /// would then show their spread (`analysis::bootstrap`).
    pub fn rests_on_hidden(&self) -> bool {
        self.any_withheld() || self.blends_hidden.contains(&true)
    }

    pub fn competency(&self, c: usize) -> Shown<f64> {
        Shown::new(self.scores.competency[c], self.withheld[c])
    }

    pub fn category(&self, k: usize) -> Shown<f64> {
        Shown::new(self.scores.category[k], self.category_withheld[k])
    }

    pub fn overall(&self) -> Shown<f64> {
        Shown::new(self.scores.overall, self.overall_withheld)
    }

    /// Rule 4: the ◇ marker of competency `c`.
    pub fn low_precision(&self, c: usize) -> bool {
        self.low_precision[c]
    }

    /// The group cell of group `g` on competency row `c`.
    pub fn cell(
        &self,
        model: &Model,
        mask: &Mask,
        data: &Dataset,
        pp: usize,
        c: usize,
        g: usize,
    ) -> CellView {
        if !matches!(self.groups[g], GroupStatus::Shown(_)) || mask.hidden(pp, c, g) {
            return CellView::Withheld;
        }
        let counted = model.raters[g].weight > 0.0;
        if counted && (self.counted_withheld || self.blends_hidden[c]) {
            return CellView::Withheld;
        }
        match data.cells(pp, c)[g].mean() {
            Some(m) => CellView::Mean(m),
            None => CellView::NoRating,
        }
    }

    /// Requirements and gaps against grade `g`, as shown.
    pub fn gaps(&self, model: &Model, g: usize, weights: &Weights) -> PageGaps {
        let gaps = score::gaps(model, &self.scores, g, weights);
        PageGaps {
            competency: (0..model.competencies.len())
                .map(|c| Shown::new(gaps.competency_gap[c], self.withheld[c]))
                .collect(),
            category: (0..model.categories.len())
                .map(|k| Shown::new(gaps.category_gap[k], self.category_withheld[k]))
                .collect(),
            overall: Shown::new(gaps.overall_gap, self.overall_withheld),
            gaps,
        }
    }

    /// Rule 2 for a grade: some competency it requires is withheld, so in
    /// blended mode fit and verdict may rest on hidden ratings.
    fn requires_withheld(&self, model: &Model, g: usize) -> bool {
        self.mode == Mode::Blended
            && model
                .competencies
                .iter()
                .enumerate()
                .any(|(c, comp)| self.withheld[c] && comp.requirement(g).is_some())
    }

    /// Fit to grade `g` (scoring.md §4), withheld when it would rest on a
    /// withheld competency.
    pub fn fit(&self, model: &Model, g: usize, weights: &Weights) -> Shown<f64> {
        if self.requires_withheld(model, g) {
            return Shown::Withheld;
        }
        Shown::new(score::fit(model, &self.scores, g, weights), false)
    }

    /// Whether the person meets grade `g` (scoring.md §5), as far as the
    /// shown competencies decide it (rule 2).
    pub fn meets(&self, model: &Model, g: usize) -> Shown<bool> {
        if !self.requires_withheld(model, g) {
            return Shown::Value(score::meets(model, &self.scores, g));
        }
        let fails_shown = score::statuses(model, &self.scores, g)
            .iter()
            .any(|x| !self.withheld[x.competency] && x.status.blocks());
        if fails_shown {
            Shown::Value(false)
        } else {
            Shown::Withheld
        }
    }

    /// The spread of each competency score as a page may show it (rule 4's
    /// reasoning applied to intervals): unknown on withheld rows and on rows
    /// where hidden ratings enter the score, whose interval would tell
    /// their spread. `data` is the data the view was computed from.
    pub fn spreads(&self, model: &Model, data: &Dataset, pp: usize) -> Vec<Spread> {
        (0..model.competencies.len())
            .map(|c| {
                if self.withheld[c] || self.blends_hidden[c] {
                    Spread::Unknown
                } else {
                    explain::spread(model, data, pp, c)
                }
            })
            .collect()
    }

    /// Why the person meets grade `g` or not, as far as the page may say
    /// (rule 2): withheld when the verdict is; otherwise the explanation of
    /// the shown scores with `spreads` ([`View::spreads`]). When a required
    /// competency is withheld and a shown one falls short, the reasons are
    /// the shown blockers only and the verdict is "short", never "short
    /// (borderline)": the withheld one may decide it. A row whose spread
    /// the page may not show has no confidence, so it never makes a
    /// verdict borderline (`ksa explain`, for the analyst, may differ).
    pub fn explain(&self, model: &Model, g: usize, spreads: &[Spread]) -> Shown<Explanation> {
        match self.meets(model, g) {
            Shown::Withheld => Shown::Withheld,
            Shown::Missing => Shown::Missing,
            Shown::Value(_) => {
                let mut e = explain::explain(model, &self.scores, spreads, g);
                if self.requires_withheld(model, g) {
                    e.reasons.retain(|r| !self.withheld[r.status.competency]);
                    e.verdict = Verdict::Short;
                }
                Shown::Value(e)
            }
        }
    }

    /// Placement: the most senior grade met, withheld when a more senior
    /// grade's verdict is.
    pub fn placement(&self, model: &Model) -> Shown<usize> {
        for g in (0..model.grades.len()).rev() {
            match self.meets(model, g) {
                Shown::Value(true) => return Shown::Value(g),
                Shown::Withheld => return Shown::Withheld,
                _ => {}
            }
        }
        Shown::Missing
    }
}

/// Gaps against a grade as a page shows them.
#[derive(Debug, Clone)]
pub struct PageGaps {
    /// The requirements, and gaps over the shown scores.
    pub gaps: score::Gaps,
    pub competency: Vec<Shown<f64>>,
    pub category: Vec<Shown<f64>>,
    pub overall: Shown<f64>,
}

/// The mask and the data a run's pages are computed from.
pub struct Screened<'a> {
    pub mask: Mask,
    /// Blended: the data as read; strict: screened.
    pub data: std::borrow::Cow<'a, Dataset>,
    pub mode: Mode,
}

impl<'a> Screened<'a> {
    pub fn new(model: &Model, data: &'a Dataset, mode: Mode) -> Screened<'a> {
        let mask = Mask::new(model, data);
        let data = match mode {
            Mode::Blended => std::borrow::Cow::Borrowed(data),
            Mode::Strict => {
                let mut d = data.clone();
                mask.screen(model, &mut d);
                std::borrow::Cow::Owned(d)
            }
        };
        Screened { mask, data, mode }
    }

    pub fn view(&self, model: &Model, pp: usize, weights: &Weights) -> View {
        View::of(model, &self.mask, &self.data, pp, self.mode, weights)
    }

    pub fn cell(&self, model: &Model, view: &View, pp: usize, c: usize, g: usize) -> CellView {
        view.cell(model, &self.mask, &self.data, pp, c, g)
    }

    pub fn comment_shown(&self, model: &Model, pp: usize, comment: &Comment) -> bool {
        self.mask.comment_shown(model, &self.data, pp, comment)
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

    /// Ratings of person "p": supervisor on `sup` competencies, `peers_a`
    /// and `peers_b` peers on a and b (scores `peer`), self on a.
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

    fn data(m: &Model, sup: &[usize], peers_a: usize, peers_b: usize, peer: f64) -> Dataset {
        let mut r: Vec<Rating> = Vec::new();
        for &c in sup {
            r.push(("p", "", None, c, 0, "", 4.0));
        }
        for _ in 0..peers_a {
            r.push(("p", "", None, 0, 1, "", peer));
        }
        for _ in 0..peers_b {
            r.push(("p", "", None, 1, 1, "", peer));
        }
        r.push(("p", "", None, 0, 2, "", 5.0));
        Dataset::from_ratings(m, r)
    }

    fn view(m: &Model, d: &Dataset, mode: Mode) -> (Screened<'static>, View) {
        let d: &'static Dataset = Box::leak(Box::new(d.clone()));
        let s = Screened::new(m, d, mode);
        let v = s.view(m, 0, &Weights::new(m, None));
        (s, v)
    }

    #[test]
    fn a_small_group_is_suppressed_and_the_counted_groups_withheld() {
        let m = model();
        let (s, v) = view(&m, &data(&m, &[0, 1], 2, 2, 2.0), Mode::Blended);
        assert_eq!(v.groups[1], GroupStatus::Suppressed);
        assert!(v.counted_withheld && !v.scores_withheld && !v.any_withheld());
        // The supervisor's mean would give the peers back from the score.
        assert_eq!(s.cell(&m, &v, 0, 0, 0), CellView::Withheld);
        // Self never enters the score: shown.
        assert_eq!(s.cell(&m, &v, 0, 0, 2), CellView::Mean(5.0));
        // Blended scores are shown, without the ◇ marker.
        assert_eq!(v.competency(0), Shown::Value(3.0));
        assert!(!v.low_precision(0));
    }

    #[test]
    fn a_competency_only_a_suppressed_group_rated_is_withheld_with_what_includes_it() {
        let m = model();
        // The supervisor rates a only; two peers (min_count 3) rate a and b.
        let (_, v) = view(&m, &data(&m, &[0], 2, 2, 2.0), Mode::Blended);
        assert_eq!(v.competency(0), Shown::Value(3.0));
        assert_eq!(v.competency(1), Shown::Withheld);
        assert_eq!(v.category(0), Shown::Withheld);
        assert_eq!(v.overall(), Shown::Withheld);
        assert_eq!(v.fit(&m, 0, &Weights::new(&m, None)), Shown::Withheld);
        // a meets 3, so b decides: the verdict is withheld.
        assert_eq!(v.meets(&m, 0), Shown::Withheld);
        assert_eq!(v.placement(&m), Shown::Withheld);
        let g = v.gaps(&m, 0, &Weights::new(&m, None));
        assert_eq!(g.competency, vec![Shown::Value(0.0), Shown::Withheld]);
        assert_eq!(g.overall, Shown::Withheld);
    }

    #[test]
    fn a_shown_shortfall_decides_the_verdict() {
        let m = model();
        // a = (4 + 1) / 2 = 2.5 < 3: does not meet, whatever b is.
        let (_, v) = view(&m, &data(&m, &[0], 2, 2, 1.0), Mode::Blended);
        assert_eq!(v.meets(&m, 0), Shown::Value(false));
        assert_eq!(v.placement(&m), Shown::Missing);
    }

    #[test]
    fn a_thin_cell_withholds_its_row_only() {
        let m = model();
        let (s, v) = view(&m, &data(&m, &[0, 1], 3, 1, 2.0), Mode::Blended);
        assert_eq!(v.groups[1], GroupStatus::Shown(3));
        assert_eq!(s.cell(&m, &v, 0, 0, 1), CellView::Mean(2.0));
        assert_eq!(s.cell(&m, &v, 0, 0, 0), CellView::Mean(4.0));
        assert_eq!(s.cell(&m, &v, 0, 1, 1), CellView::Withheld);
        assert_eq!(s.cell(&m, &v, 0, 1, 0), CellView::Withheld);
        // b blends the thin cell: shown, unmarked.
        assert_eq!(v.competency(1), Shown::Value(3.0));
        assert!(!v.low_precision(1));
    }

    #[test]
    fn strict_mode_scores_the_shown_ratings_only() {
        let m = model();
        let (s, v) = view(&m, &data(&m, &[0, 1], 3, 1, 2.0), Mode::Strict);
        // b: the thin peer cell is left out, so b is the supervisor's 4.
        assert_eq!(v.competency(1), Shown::Value(4.0));
        // Nothing hidden enters a score, so the shown means are shown.
        assert_eq!(s.cell(&m, &v, 0, 1, 0), CellView::Mean(4.0));
        assert_eq!(s.cell(&m, &v, 0, 1, 1), CellView::Withheld);
        assert_eq!(v.competency(0), Shown::Value(3.0));
    }

    #[test]
    fn strict_mode_counts_a_withheld_competency_as_not_assessed() {
        let m = model();
        let (_, v) = view(&m, &data(&m, &[0], 2, 2, 2.0), Mode::Strict);
        assert_eq!(v.competency(1), Shown::Withheld);
        assert_eq!(v.category(0), Shown::Value(4.0));
        assert_eq!(v.meets(&m, 0), Shown::Value(false));
    }

    #[test]
    fn scores_resting_on_hidden_ratings_alone_are_withheld() {
        let m = model();
        for mode in [Mode::Blended, Mode::Strict] {
            let (_, v) = view(&m, &data(&m, &[], 2, 2, 2.0), mode);
            assert!(v.scores_withheld);
            assert_eq!(v.groups[0], GroupStatus::NoRatings);
        }
    }

    #[test]
    fn screening_removes_hidden_cells_ratings_and_named_raters() {
        let m = model();
        let d = data(&m, &[0, 1], 3, 1, 2.0);
        let mask = Mask::new(&m, &d);
        let mut s = d.clone();
        mask.screen(&m, &mut s);
        assert_eq!(s.cells(0, 1)[1].count, 0);
        assert_eq!(s.cells(0, 0)[1].count, 3);
        assert_eq!(s.cells(0, 1)[0].count, 1);
    }
}
