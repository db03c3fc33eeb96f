//! The exact course selector: which subset of courses to take.
//!
//! The problem, stripped of people and models so it can be tested against
//! brute force on its own:
//!
//! - **goals** `j`: a current level `s_j`, a cap `r_j` (the requirement: a
//!   plan never aims above it) and a value per level `v_j`;
//! - **items** `i` (courses): hours `h_i ≥ 0`, cost `k_i ≥ 0`, a `gain`, an
//!   `up_to`, and the goals they raise.
//!
//! # How several courses on one goal combine
//!
//! The courses of a set that raise goal `j` are applied one after another in
//! **application order** — `up_to` ascending, then id ascending, then input
//! position — each taking the level `x` to `max(x, min(x + gain, up_to))`:
//! a course adds its gain but never takes anyone above its own `up_to`, and
//! never lowers a level. The result is then capped at `r_j`:
//!
//! ```text
//! level_j(S) = min(r_j, step_last(… step_first(s_j)))
//! closed_j(S) = level_j(S) − s_j
//! ```
//!
//! Introductory courses (low `up_to`) come first, as a bank would schedule
//! them. The rule is monotone — adding a course never lowers any level,
//! since every step is non-decreasing and never below its input — which is
//! what makes "closes every shortfall the catalogue can close" well defined
//! (it is what the whole catalogue achieves) and the bounds below valid.
//!
//! # Objectives
//!
//! - [`max_value`]: maximise `V(S) = Σ_j v_j · closed_j(S)` within the budget
//!   (the paper's 投入最小化,收益最大化, article 1, part 三 (四));
//! - [`cheapest_cover`]: the cheapest set that brings every goal to a given
//!   target level within the budget (closing all that can be closed; meeting
//!   a grade for `ksa promote`).
//!
//! # Comparisons and tie-breaking (deterministic, total)
//!
//! - Hours and costs are summed in application order and compared after
//!   rounding to 1e-6 (`quantise`), so 0.1 + 0.2 h fits a budget of 0.3 h.
//!   A set fits a budget when its rounded hours are ≤ the rounded
//!   `budget.hours` (if set) and likewise for cost.
//! - Values are equal within `1e-9 · max(1, V*)`: [`max_value`] first finds
//!   the best value `V*`, then among all sets within the budget whose value
//!   is at least `V* − 1e-9 · max(1, V*)` picks the smallest **key**.
//! - A target is reached when `level_j ≥ target_j − ALLOWANCE` (scoring.md
//!   §5's, `score::ALLOWANCE`).
//! - The **key** orders equally good sets: fewer hours, then lower cost,
//!   then fewer courses, then the lexicographically smallest list of course
//!   ids (sorted ascending, compared element by element in code-point
//!   order). Ids are unique, so two different sets never tie.
//!
//! # Method
//!
//! Depth-first branch and bound over the items in application order
//! (include, then exclude), so each goal's level is updated incrementally
//! exactly as the combination rule applies it. A node is pruned when
//!
//! - even every remaining item that fits the remaining budget on its own
//!   cannot reach the best value (or a target) — valid because levels are
//!   monotone — or the fractional-knapsack bound on what fits in the rest
//!   of the budget cannot (an item adds at most
//!   `min(gain, min(up_to, r_j) − level_j)` to goal `j`);
//! - the hours, cost and course count already spent (which can only grow)
//!   make a key worse than the best found, or the spent hours plus a
//!   fractional lower bound of the hours still needed do.
//!
//! The bounds carry a little slack for rounding, so pruning never loses a
//! set the comparisons above would accept: the result is exact, as the
//! brute-force property tests check (tests/integration/plan.rs). The
//! search is exponential only in the worst case, in the number of items,
//! which callers keep to the courses that can raise some shortfall; the
//! bundled 14-course catalogue plans 10,000 person-periods in seconds.

/// One goal: a competency (of one person) below its requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// Current level `s_j`.
    pub level: f64,
    /// The cap `r_j`: no plan raises the goal above it.
    pub cap: f64,
    /// Value of closing one level, `v_j`.
    pub value: f64,
}

/// One course as the selector sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub hours: f64,
    pub cost: f64,
    pub gain: f64,
    pub up_to: f64,
    /// Indices of the goals it raises.
    pub raises: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Instance {
    pub goals: Vec<Goal>,
    pub items: Vec<Item>,
}

/// Limits on a selection; `None` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Budget {
    pub hours: Option<f64>,
    pub cost: Option<f64>,
}

impl Budget {
    pub const UNLIMITED: Budget = Budget {
        hours: None,
        cost: None,
    };

    pub fn is_unlimited(&self) -> bool {
        self.hours.is_none() && self.cost.is_none()
    }

    /// Whether hours `h` and cost `k` fit, compared as the module docs say.
    pub fn fits(&self, h: f64, k: f64) -> bool {
        self.hours.is_none_or(|b| quantise(h) <= quantise(b))
            && self.cost.is_none_or(|b| quantise(k) <= quantise(b))
    }
}

/// A chosen set and what it achieves.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Item indices in application order.
    pub items: Vec<usize>,
    pub hours: f64,
    pub cost: f64,
    /// `V(S)`.
    pub value: f64,
    /// `level_j(S)` per goal (capped at `r_j`).
    pub levels: Vec<f64>,
}

/// Hours and costs as compared: rounded to 1e-6 (an integer-valued `f64`,
/// so huge values never overflow).
pub fn quantise(x: f64) -> f64 {
    (x * 1e6).round()
}

/// The allowance when two values count as equal (module docs).
pub fn value_allowance(best: f64) -> f64 {
    1e-9 * best.abs().max(1.0)
}

/// The allowance when a level counts as reaching a target: scoring.md §5's.
pub const LEVEL_ALLOWANCE: f64 = crate::score::ALLOWANCE;

/// Item indices in application order: `up_to`, then id, then position.
pub fn application_order(inst: &Instance) -> Vec<usize> {
    let mut ord: Vec<usize> = (0..inst.items.len()).collect();
    ord.sort_by(|&a, &b| {
        let (x, y) = (&inst.items[a], &inst.items[b]);
        x.up_to
            .total_cmp(&y.up_to)
            .then_with(|| x.id.cmp(&y.id))
            .then(a.cmp(&b))
    });
    ord
}

/// One course applied to one level: it adds its gain but never takes anyone
/// above its own `up_to` (nor lowers a level already above it). The one
/// home of course application; plans, reports and promotion call it.
pub fn step(level: f64, gain: f64, up_to: f64) -> f64 {
    level.max((level + gain).min(up_to))
}

/// What a set achieves: levels, value, hours and cost, computed by the
/// combination rule (the reference definition; `set` in any order).
pub fn evaluate(inst: &Instance, set: &[usize]) -> Selection {
    let mut chosen = vec![false; inst.items.len()];
    for &i in set {
        chosen[i] = true;
    }
    let mut levels: Vec<f64> = inst.goals.iter().map(|g| g.level).collect();
    let (mut hours, mut cost) = (0.0, 0.0);
    let mut items = Vec::with_capacity(set.len());
    for i in application_order(inst) {
        if chosen[i] {
            let it = &inst.items[i];
            for &j in &it.raises {
                levels[j] = step(levels[j], it.gain, it.up_to);
            }
            hours += it.hours;
            cost += it.cost;
            items.push(i);
        }
    }
    finish(inst, items, hours, cost, levels)
}

fn finish(inst: &Instance, items: Vec<usize>, hours: f64, cost: f64, raw: Vec<f64>) -> Selection {
    let levels: Vec<f64> = raw
        .iter()
        .zip(&inst.goals)
        .map(|(&l, g)| l.min(g.cap).max(g.level))
        .collect();
    let value = value_of(inst, &levels);
    Selection {
        items,
        hours,
        cost,
        value,
        levels,
    }
}

/// `V = Σ_j v_j · (min(level_j, r_j) − s_j)`, summed in goal order.
fn value_of(inst: &Instance, raw_levels: &[f64]) -> f64 {
    inst.goals
        .iter()
        .zip(raw_levels)
        .map(|(g, &l)| g.value * (l.min(g.cap) - g.level).max(0.0))
        .sum()
}

/// The tie-breaking key of a set (module docs), smaller is better.
pub fn key_cmp(inst: &Instance, a: &Selection, b: &Selection) -> std::cmp::Ordering {
    quantise(a.hours)
        .total_cmp(&quantise(b.hours))
        .then(quantise(a.cost).total_cmp(&quantise(b.cost)))
        .then(a.items.len().cmp(&b.items.len()))
        .then_with(|| sorted_ids(inst, &a.items).cmp(&sorted_ids(inst, &b.items)))
}

fn sorted_ids<'a>(inst: &'a Instance, items: &[usize]) -> Vec<&'a str> {
    let mut ids: Vec<&str> = items.iter().map(|&i| inst.items[i].id.as_str()).collect();
    ids.sort_unstable();
    ids
}

/// The levels every goal reaches with every item: what the catalogue can close.
pub fn closable_levels(inst: &Instance) -> Vec<f64> {
    let all: Vec<usize> = (0..inst.items.len()).collect();
    evaluate(inst, &all).levels
}

/// The set of greatest value within the budget, ties broken by the key.
pub fn max_value(inst: &Instance, budget: Budget) -> Selection {
    let mut s = Search::new(inst, budget);
    // Phase 1: the best value V*. The empty set is always feasible.
    let mut best = 0.0f64;
    s.dfs(0, &mut |node| match node {
        Node::Inner(v) => v.value_bound() > best,
        Node::Leaf { value, .. } => {
            best = best.max(value);
            false
        }
    });
    // Phase 2: the smallest key among the sets worth at least V* − allowance.
    let floor = best - value_allowance(best);
    let mut winner: Option<Selection> = None;
    s.dfs(0, &mut |node| match node {
        Node::Inner(v) => {
            v.value_bound() >= floor
                && winner.as_ref().is_none_or(|w| {
                    !v.spent().worse_than(w) && !exceeds(v.hours, v.hours_for_value(floor), w.hours)
                })
        }
        Node::Leaf { value, set } => {
            if value >= floor {
                let cand = evaluate(inst, set);
                if winner
                    .as_ref()
                    .is_none_or(|w| key_cmp(inst, &cand, w).is_lt())
                {
                    winner = Some(cand);
                }
            }
            false
        }
    });
    winner.unwrap_or_else(|| evaluate(inst, &[]))
}

/// The smallest-key set within the budget that brings every goal `j` to
/// `targets[j]` (within `LEVEL_ALLOWANCE`); `None` when no such set exists.
pub fn cheapest_cover(inst: &Instance, targets: &[f64], budget: Budget) -> Option<Selection> {
    let reached = |levels: &[f64]| {
        levels
            .iter()
            .zip(targets)
            .zip(&inst.goals)
            .all(|((&l, &t), g)| l.min(g.cap) >= t - LEVEL_ALLOWANCE)
    };
    let mut s = Search::new(inst, budget);
    let mut winner: Option<Selection> = None;
    s.dfs(0, &mut |node| match node {
        Node::Inner(v) => {
            reached(v.bound_levels)
                && winner.as_ref().is_none_or(|w| {
                    !v.spent().worse_than(w)
                        && !exceeds(v.hours, v.hours_for_targets(targets), w.hours)
                })
        }
        Node::Leaf { set, .. } => {
            let cand = evaluate(inst, set);
            if reached(&cand.levels)
                && winner
                    .as_ref()
                    .is_none_or(|w| key_cmp(inst, &cand, w).is_lt())
            {
                winner = Some(cand);
            }
            false
        }
    });
    winner
}

/// With no budget: the cheapest set that closes everything the catalogue
/// can close (every goal at its [`closable_levels`]).
pub fn close_all(inst: &Instance) -> Selection {
    let targets = closable_levels(inst);
    cheapest_cover(inst, &targets, Budget::UNLIMITED)
        .expect("the set of all items reaches the closable levels")
}

// ------------------------------------------------------------ the search

/// Whether hours `spent + more` (a lower bound of every completion) are
/// certainly more than `best`'s, beyond what `quantise` could count as
/// equal and beyond rounding in the bound.
fn exceeds(spent: f64, more: f64, best: f64) -> bool {
    spent + more > best + 1e-6 + 1e-9 * best.abs()
}

/// Hours, cost and items spent so far on a branch: a lower bound of any
/// completion's key, since hours and costs are never negative.
struct Spent {
    hours: f64,
    cost: f64,
    count: usize,
}

impl Spent {
    /// Whether every completion is worse than `w` (strictly, on the first
    /// three parts of the key; the id list cannot be bounded).
    fn worse_than(&self, w: &Selection) -> bool {
        quantise(self.hours)
            .total_cmp(&quantise(w.hours))
            .then(quantise(self.cost).total_cmp(&quantise(w.cost)))
            .then(self.count.cmp(&w.items.len()))
            .is_gt()
    }
}

enum Node<'v, 'a> {
    /// Return `true` to explore the node.
    Inner(&'v View<'v, 'a>),
    Leaf {
        value: f64,
        set: &'v [usize],
    },
}

/// A node as the visitor sees it, with the bounds it may ask for. Every
/// bound rests on two facts: levels never fall as items are added, and an
/// item adds at most `min(gain, min(up_to, cap) − level)` to a goal whose
/// level is already `level` (the step rule), so at most
/// `Σ v_j · that` to the value.
struct View<'v, 'a> {
    s: &'v Search<'a>,
    /// Remaining items (positions in `ord` from here) that fit the
    /// remaining budget on their own.
    remaining: Vec<usize>,
    /// Levels with every such item added.
    bound_levels: &'v [f64],
    hours: f64,
}

impl View<'_, '_> {
    fn spent(&self) -> Spent {
        Spent {
            hours: self.s.hours,
            cost: self.s.cost,
            count: self.s.chosen.len(),
        }
    }

    /// What item `i` can still add to goal `j`.
    fn room(&self, i: usize, j: usize) -> f64 {
        let it = &self.s.inst.items[i];
        let g = &self.s.inst.goals[j];
        it.gain.min(it.up_to.min(g.cap) - self.s.levels[j]).max(0.0)
    }

    /// What item `i` can still add to the value.
    fn item_value(&self, i: usize) -> f64 {
        self.s.inst.items[i]
            .raises
            .iter()
            .map(|&j| self.s.inst.goals[j].value * self.room(i, j))
            .sum()
    }

    /// An upper bound of every completion's value: the value with every
    /// remaining item, and for each budget the fractional-knapsack bound
    /// of what fits in what is left of it; the least of these, with a
    /// hair of slack for rounding.
    fn value_bound(&self) -> f64 {
        let now = value_of(self.s.inst, &self.s.levels);
        let mut bound = value_of(self.s.inst, self.bound_levels);
        let gains: Vec<f64> = self.remaining.iter().map(|&i| self.item_value(i)).collect();
        for (limit, used, weight) in [
            (
                self.s.budget.hours,
                self.s.hours,
                &(|it: &Item| it.hours) as &dyn Fn(&Item) -> f64,
            ),
            (self.s.budget.cost, self.s.cost, &|it: &Item| it.cost),
        ] {
            if let Some(limit) = limit {
                let w: Vec<f64> = self
                    .remaining
                    .iter()
                    .map(|&i| weight(&self.s.inst.items[i]))
                    .collect();
                // `fits` admits up to 1e-6 over the limit (quantise).
                let left = limit - used + 1e-6 + 1e-9 * limit.abs();
                bound = bound.min(now + fractional_max(&gains, &w, left));
            }
        }
        bound + 1e-12 * bound.abs().max(1.0)
    }

    /// A lower bound of the hours still needed to add `floor − value` to
    /// the value: the fractional-knapsack least hours.
    fn hours_for_value(&self, floor: f64) -> f64 {
        let need = floor - value_of(self.s.inst, &self.s.levels);
        let gains: Vec<f64> = self.remaining.iter().map(|&i| self.item_value(i)).collect();
        let hours: Vec<f64> = self
            .remaining
            .iter()
            .map(|&i| self.s.inst.items[i].hours)
            .collect();
        fractional_min(&gains, &hours, need)
    }

    /// A lower bound of the hours still needed to bring every goal to its
    /// target: the largest of the fractional least hours per goal and of
    /// the fractional least hours for the levels needed in total.
    fn hours_for_targets(&self, targets: &[f64]) -> f64 {
        let needs: Vec<f64> = targets
            .iter()
            .enumerate()
            .map(|(j, &t)| (t - LEVEL_ALLOWANCE - self.s.levels[j]).max(0.0))
            .collect();
        let total: Vec<f64> = self
            .remaining
            .iter()
            .map(|&i| {
                let it = &self.s.inst.items[i];
                it.raises
                    .iter()
                    .filter(|&&j| needs[j] > 0.0)
                    .map(|&j| self.room(i, j).min(needs[j]))
                    .sum()
            })
            .collect();
        let hours: Vec<f64> = self
            .remaining
            .iter()
            .map(|&i| self.s.inst.items[i].hours)
            .collect();
        let mut lb = fractional_min(&total, &hours, needs.iter().sum::<f64>() * (1.0 - 1e-12));
        for (j, &t) in targets.iter().enumerate() {
            let need = t - LEVEL_ALLOWANCE - self.s.levels[j];
            if need <= 0.0 {
                continue;
            }
            let (mut gains, mut hours) = (Vec::new(), Vec::new());
            for &i in &self.remaining {
                let it = &self.s.inst.items[i];
                if it.raises.contains(&j) {
                    gains.push(self.room(i, j));
                    hours.push(it.hours);
                }
            }
            lb = lb.max(fractional_min(&gains, &hours, need));
        }
        lb
    }
}

/// The fractional knapsack: the most of `gains` that weights up to
/// `capacity` can carry, taking items fractionally (weight-0 items whole).
fn fractional_max(gains: &[f64], weights: &[f64], capacity: f64) -> f64 {
    let mut idx: Vec<usize> = (0..gains.len()).filter(|&i| gains[i] > 0.0).collect();
    idx.sort_by(|&a, &b| (gains[b] * weights[a]).total_cmp(&(gains[a] * weights[b])));
    let (mut left, mut total) = (capacity.max(0.0), 0.0);
    for i in idx {
        if weights[i] <= left {
            left -= weights[i];
            total += gains[i];
        } else {
            total += gains[i] * left / weights[i];
            break;
        }
    }
    total
}

/// The least weight that carries `need` of `gains`, fractionally; infinite
/// when even everything cannot.
fn fractional_min(gains: &[f64], weights: &[f64], need: f64) -> f64 {
    if need <= 0.0 {
        return 0.0;
    }
    let mut idx: Vec<usize> = (0..gains.len()).filter(|&i| gains[i] > 0.0).collect();
    idx.sort_by(|&a, &b| (weights[a] * gains[b]).total_cmp(&(weights[b] * gains[a])));
    let (mut left, mut total) = (need, 0.0);
    for i in idx {
        if gains[i] >= left {
            return total + weights[i] * left / gains[i];
        }
        left -= gains[i];
        total += weights[i];
    }
    f64::INFINITY
}

struct Search<'a> {
    inst: &'a Instance,
    budget: Budget,
    ord: Vec<usize>,
    levels: Vec<f64>,
    scratch: Vec<f64>,
    chosen: Vec<usize>,
    hours: f64,
    cost: f64,
}

impl<'a> Search<'a> {
    fn new(inst: &'a Instance, budget: Budget) -> Self {
        Search {
            inst,
            budget,
            ord: application_order(inst),
            levels: inst.goals.iter().map(|g| g.level).collect(),
            scratch: Vec::new(),
            chosen: Vec::new(),
            hours: 0.0,
            cost: 0.0,
        }
    }

    /// The remaining items that fit the remaining budget on their own, and
    /// (in `scratch`) the levels with all of them: an upper bound of every
    /// completion's levels, by monotonicity.
    fn remaining(&mut self, p: usize) -> Vec<usize> {
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.levels);
        let mut rem = Vec::new();
        for &i in &self.ord[p..] {
            let it = &self.inst.items[i];
            if self.budget.fits(self.hours + it.hours, self.cost + it.cost) {
                rem.push(i);
                for &j in &it.raises {
                    self.scratch[j] = step(self.scratch[j], it.gain, it.up_to);
                }
            }
        }
        rem
    }

    fn dfs(&mut self, p: usize, visit: &mut dyn FnMut(Node) -> bool) {
        if p == self.ord.len() {
            let value = value_of(self.inst, &self.levels);
            visit(Node::Leaf {
                value,
                set: &self.chosen,
            });
            return;
        }
        let remaining = self.remaining(p);
        let go = {
            let view = View {
                s: self,
                remaining,
                bound_levels: &self.scratch,
                hours: self.hours,
            };
            visit(Node::Inner(&view))
        };
        if !go {
            return;
        }
        let i = self.ord[p];
        let it = &self.inst.items[i];
        let (h, k) = (self.hours + it.hours, self.cost + it.cost);
        if self.budget.fits(h, k) {
            let saved: Vec<(usize, f64)> = it.raises.iter().map(|&j| (j, self.levels[j])).collect();
            let (gain, up_to) = (it.gain, it.up_to);
            for &(j, _) in &saved {
                self.levels[j] = step(self.levels[j], gain, up_to);
            }
            let (oh, ok) = (self.hours, self.cost);
            self.hours = h;
            self.cost = k;
            self.chosen.push(i);
            self.dfs(p + 1, visit);
            self.chosen.pop();
            self.hours = oh;
            self.cost = ok;
            for (j, l) in saved {
                self.levels[j] = l;
            }
        }
        self.dfs(p + 1, visit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, hours: f64, cost: f64, gain: f64, up_to: f64, raises: &[usize]) -> Item {
        Item {
            id: id.into(),
            hours,
            cost,
            gain,
            up_to,
            raises: raises.to_vec(),
        }
    }

    fn goal(level: f64, cap: f64, value: f64) -> Goal {
        Goal { level, cap, value }
    }

    #[test]
    fn courses_apply_in_up_to_order_and_respect_their_caps() {
        // s = 2; A: +2 up to 2.5; B: +0.1 up to 5. A then B: 2.5 → 2.6.
        let inst = Instance {
            goals: vec![goal(2.0, 4.0, 1.0)],
            items: vec![
                item("B", 1.0, 0.0, 0.1, 5.0, &[0]),
                item("A", 1.0, 0.0, 2.0, 2.5, &[0]),
            ],
        };
        let s = evaluate(&inst, &[0, 1]);
        assert!((s.levels[0] - 2.6).abs() < 1e-12);
        assert_eq!(s.items, vec![1, 0]);
    }

    #[test]
    fn a_course_never_lowers_a_level_and_the_cap_is_the_requirement() {
        let inst = Instance {
            goals: vec![goal(3.0, 3.5, 1.0)],
            items: vec![
                item("A", 1.0, 0.0, 1.0, 2.5, &[0]),
                item("B", 1.0, 0.0, 2.0, 5.0, &[0]),
            ],
        };
        assert_eq!(evaluate(&inst, &[0]).levels, vec![3.0]);
        assert_eq!(evaluate(&inst, &[1]).levels, vec![3.5]);
    }

    #[test]
    fn budget_picks_the_best_value_then_fewer_hours() {
        let inst = Instance {
            goals: vec![goal(2.0, 3.0, 1.0), goal(2.0, 3.0, 2.0)],
            items: vec![
                item("A", 10.0, 0.0, 1.0, 5.0, &[0]),
                item("B", 10.0, 0.0, 1.0, 5.0, &[1]),
                item("C", 8.0, 100.0, 1.0, 5.0, &[1]),
            ],
        };
        let s = max_value(
            &inst,
            Budget {
                hours: Some(10.0),
                cost: None,
            },
        );
        assert_eq!(s.items, vec![2]); // C: same value as B, fewer hours
        let all = close_all(&inst);
        assert_eq!(all.items.len(), 2);
        assert_eq!(all.hours, 18.0);
    }

    #[test]
    fn cover_reports_impossible_targets() {
        let inst = Instance {
            goals: vec![goal(2.0, 4.0, 1.0)],
            items: vec![item("A", 1.0, 0.0, 1.0, 3.0, &[0])],
        };
        assert!(cheapest_cover(&inst, &[4.0], Budget::UNLIMITED).is_none());
        assert_eq!(
            cheapest_cover(&inst, &[3.0], Budget::UNLIMITED)
                .unwrap()
                .items,
            vec![0]
        );
        assert!(cheapest_cover(
            &inst,
            &[3.0],
            Budget {
                hours: Some(0.5),
                cost: None
            }
        )
        .is_none());
    }

    #[test]
    fn fractional_hours_fit_a_budget_they_equal() {
        let b = Budget {
            hours: Some(0.3),
            cost: None,
        };
        assert!(b.fits(0.1 + 0.2, 0.0));
    }
}
