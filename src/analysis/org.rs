//! The organisation tree from the units in the data, and the roll-up every
//! level of it gets (`ksa report org`).
//!
//! # The tree
//!
//! A unit is a path: `总行/华东分行/城东支行/一团队`, its parts split at the
//! separator (`/` unless `--unit-separator` says otherwise) and trimmed;
//! empty parts are dropped, so `总行//城东支行/` is `总行/城东支行`. A flat
//! unit (`城东支行`) is a one-level tree, as before. People with no unit
//! count at the top only. The top is the one unit every path starts with
//! (`总行`) when there is one, else the whole bank above all paths.
//!
//! # The roll-up
//!
//! Every unit gets the same figures over everyone below it, summed from
//! each person's [`PersonFacts`]: what the person's own page may show
//! (`report::org` makes them from `anonymity::View`). A score withheld
//! there is left out here, and a verdict it leaves open is counted as
//! withheld. So a unit shows nothing, however few its raters, that the
//! person-level pages would withhold, and nothing can be learnt by
//! subtracting one unit's figures from another's.

use crate::analysis::explain::Verdict;
use crate::ingest::Dataset;
use crate::model::Model;
use std::collections::BTreeMap;

/// The separator of unit paths unless `--unit-separator` gives another.
pub const DEFAULT_SEPARATOR: &str = "/";

/// One unit of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Its own name: the last part of its path ("" for a top above all
    /// paths).
    pub name: String,
    /// The parts from the top unit down to it (the top's own parts
    /// included when the top is a unit of the data).
    pub path: Vec<String>,
    pub parent: Option<usize>,
    /// Sub-units, by name.
    pub children: Vec<usize>,
    /// 0 for the top.
    pub depth: usize,
    /// Everyone in it or below it, in the order given to [`tree`].
    pub members: Vec<usize>,
}

impl Unit {
    /// The path as the data writes it, joined with `separator`.
    pub fn joined(&self, separator: &str) -> String {
        self.path.join(separator)
    }
}

/// The tree: `units[0]` is the top; every unit comes after its parent, in
/// depth-first order with sub-units by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub units: Vec<Unit>,
    /// Members with no unit (counted at the top only).
    pub no_unit: usize,
}

impl Tree {
    /// The units from the top down to `u`.
    pub fn ancestry(&self, u: usize) -> Vec<usize> {
        let mut chain = vec![u];
        let mut at = u;
        while let Some(p) = self.units[at].parent {
            chain.push(p);
            at = p;
        }
        chain.reverse();
        chain
    }

    /// The deepest level below the top (0 for a top alone).
    pub fn levels(&self) -> usize {
        self.units.iter().map(|u| u.depth).max().unwrap_or(0)
    }
}

/// The parts of a unit path: split at `separator`, trimmed, empty parts
/// dropped.
pub fn parts<'a>(unit: &'a str, separator: &str) -> Vec<&'a str> {
    unit.split(separator)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Builds the tree of the units of `members` (person-periods of `data`).
pub fn tree(data: &Dataset, members: &[usize], separator: &str) -> Tree {
    // A trie first: children by name, so the order is the names' order.
    struct Node {
        name: String,
        children: BTreeMap<String, usize>,
        members: Vec<usize>,
    }
    let mut nodes = vec![Node {
        name: String::new(),
        children: BTreeMap::new(),
        members: Vec::new(),
    }];
    let mut no_unit = 0;
    for &pp in members {
        nodes[0].members.push(pp);
        let path = data.people[pp]
            .unit
            .as_deref()
            .map(|u| parts(u, separator))
            .unwrap_or_default();
        if path.is_empty() {
            no_unit += 1;
        }
        let mut at = 0;
        for part in path {
            at = match nodes[at].children.get(part) {
                Some(&n) => n,
                None => {
                    let n = nodes.len();
                    nodes.push(Node {
                        name: part.to_string(),
                        children: BTreeMap::new(),
                        members: Vec::new(),
                    });
                    nodes[at].children.insert(part.to_string(), n);
                    n
                }
            };
            nodes[at].members.push(pp);
        }
    }
    // The top: the one unit every path starts with, when everyone has one.
    let everyone = nodes[0].members.len();
    let (top, top_path) = match nodes[0].children.values().next() {
        Some(&only) if nodes[0].children.len() == 1 && nodes[only].members.len() == everyone => {
            (only, vec![nodes[only].name.clone()])
        }
        _ => (0, Vec::new()),
    };
    // Depth-first from the top, sub-units by name.
    let mut units: Vec<Unit> = Vec::new();
    let mut stack: Vec<(usize, Option<usize>, Vec<String>)> = vec![(top, None, top_path)];
    while let Some((n, parent, path)) = stack.pop() {
        let i = units.len();
        let depth = parent.map_or(0, |p| units[p].depth + 1);
        if let Some(p) = parent {
            units[p].children.push(i);
        }
        let node = &mut nodes[n];
        units.push(Unit {
            name: node.name.clone(),
            path: path.clone(),
            parent,
            children: Vec::new(),
            depth,
            members: std::mem::take(&mut node.members),
        });
        for (name, &c) in node.children.iter().rev() {
            let mut p = path.clone();
            p.push(name.clone());
            stack.push((c, Some(i), p));
        }
    }
    Tree { units, no_unit }
}

/// What one person brings to the roll-up: their own page's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFacts {
    pub grade: Option<usize>,
    /// The verdict on the own grade as the page may say it (`None` with
    /// no grade, no score to judge, or a verdict withheld).
    pub verdict: Option<Verdict>,
    /// The page leaves the verdict open to protect raters.
    pub verdict_withheld: bool,
    /// Gap per competency against the own grade, as the page shows it
    /// (`None`: not shown).
    pub gaps: Vec<Option<f64>>,
    /// Competency scores shown, and how many of them are marked low
    /// precision.
    pub shown_scores: usize,
    pub low_precision: usize,
    /// The courses of the person's own unbudgeted plan (catalogue indices).
    pub courses: Vec<usize>,
    /// Whether the scores are withheld altogether (then nothing else
    /// counts).
    pub withheld: bool,
}

/// The verdict columns of the roll-up, in order.
pub const VERDICTS: [Verdict; 4] = [
    Verdict::Meets,
    Verdict::MeetsBorderline,
    Verdict::ShortBorderline,
    Verdict::Short,
];

/// One unit's figures over everyone below it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rollup {
    pub people: usize,
    /// People whose scores are withheld altogether.
    pub withheld: usize,
    /// Per grade (own grade): meets, meets (borderline), short
    /// (borderline), short, withheld.
    pub verdicts: Vec<[usize; 5]>,
    gap_sum: Vec<f64>,
    gap_n: Vec<usize>,
    pub shown_scores: usize,
    pub low_precision: usize,
    /// Per catalogue course: the people whose own plan has it.
    pub course_people: Vec<usize>,
    /// People with at least one course in their own plan.
    pub in_need: usize,
}

impl Rollup {
    fn new(model: &Model) -> Rollup {
        Rollup {
            verdicts: vec![[0; 5]; model.grades.len()],
            gap_sum: vec![0.0; model.competencies.len()],
            gap_n: vec![0; model.competencies.len()],
            course_people: vec![0; model.training.len()],
            ..Rollup::default()
        }
    }

    fn add(&mut self, f: &PersonFacts) {
        self.people += 1;
        if f.withheld {
            self.withheld += 1;
            return;
        }
        if let Some(g) = f.grade {
            let col = match f.verdict {
                Some(v) => VERDICTS.iter().position(|&x| x == v),
                None => f.verdict_withheld.then_some(4),
            };
            if let Some(col) = col {
                self.verdicts[g][col] += 1;
            }
        }
        for (c, g) in f.gaps.iter().enumerate() {
            if let Some(g) = g {
                self.gap_sum[c] += g;
                self.gap_n[c] += 1;
            }
        }
        self.shown_scores += f.shown_scores;
        self.low_precision += f.low_precision;
        for &t in &f.courses {
            self.course_people[t] += 1;
        }
        self.in_need += usize::from(!f.courses.is_empty());
    }

    /// The mean gap of competency `c` over the gaps shown, with their
    /// number.
    pub fn mean_gap(&self, c: usize) -> Option<f64> {
        (self.gap_n[c] > 0).then(|| self.gap_sum[c] / self.gap_n[c] as f64)
    }

    /// People judged against their own grade (a verdict shown), and of them
    /// those who meet it (borderline included).
    pub fn meeting(&self) -> (usize, usize) {
        let judged = self
            .verdicts
            .iter()
            .map(|r| r[..4].iter().sum::<usize>())
            .sum();
        // Which columns meet is `Verdict::meets`, the one home of it.
        let meets = self
            .verdicts
            .iter()
            .flat_map(|r| VERDICTS.iter().zip(r).filter(|(v, _)| v.meets()))
            .map(|(_, n)| n)
            .sum();
        (meets, judged)
    }

    /// The share meeting their own grade, when anyone was judged.
    pub fn meeting_share(&self) -> Option<f64> {
        let (meets, judged) = self.meeting();
        (judged > 0).then(|| meets as f64 / judged as f64)
    }

    /// Up to `n` competencies with the lowest mean gap, lowest first (ties
    /// by model order).
    pub fn weakest(&self, n: usize) -> Vec<usize> {
        let mut short: Vec<(usize, f64)> = (0..self.gap_sum.len())
            .filter_map(|c| Some((c, self.mean_gap(c)?)))
            .collect();
        short.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        short.into_iter().take(n).map(|(c, _)| c).collect()
    }

    /// Person-hours and cost of everyone's own plans: each course's
    /// per-attendee hours and cost times the people who need it.
    pub fn training(&self, model: &Model) -> (f64, f64) {
        self.course_people
            .iter()
            .zip(&model.training)
            .fold((0.0, 0.0), |(h, c), (&n, t)| {
                (h + t.hours * n as f64, c + t.cost * n as f64)
            })
    }

    /// The share of shown competency scores marked low precision.
    pub fn low_precision_share(&self) -> Option<f64> {
        (self.shown_scores > 0).then(|| self.low_precision as f64 / self.shown_scores as f64)
    }
}

/// Every unit's roll-up, from the facts of each member (`facts[pp]` for
/// the person-periods of the tree; others are `None`).
pub fn rollups(model: &Model, tree: &Tree, facts: &[Option<PersonFacts>]) -> Vec<Rollup> {
    tree.units
        .iter()
        .map(|u| {
            let mut r = Rollup::new(model);
            for &pp in &u.members {
                if let Some(f) = &facts[pp] {
                    r.add(f);
                }
            }
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::PersonPeriod;

    fn data(units: &[Option<&str>]) -> Dataset {
        let model =
            crate::model::load_model_str(include_str!("../../models/bank-rm.toml"), "bank-rm.toml")
                .unwrap()
                .model;
        let mut d = Dataset::new(&model);
        for (i, u) in units.iter().enumerate() {
            d.people.push(PersonPeriod {
                person_id: format!("P{i}"),
                period: "2026H1".into(),
                name: None,
                grade: None,
                unit: u.map(str::to_string),
            });
        }
        d
    }

    fn shape(t: &Tree) -> Vec<(String, usize, usize)> {
        t.units
            .iter()
            .map(|u| (u.path.join("/"), u.depth, u.members.len()))
            .collect()
    }

    #[test]
    fn paths_make_a_tree_under_their_common_top() {
        let d = data(&[
            Some("总行/华东分行/城东支行/一团队"),
            Some("总行/华东分行/城东支行/二团队"),
            Some(" 总行 / 华北分行 /城北支行/一团队"),
            Some("总行//华东分行/城西支行/"),
        ]);
        let t = tree(&d, &[0, 1, 2, 3], "/");
        assert_eq!(
            shape(&t),
            [
                ("总行".into(), 0, 4),
                ("总行/华东分行".into(), 1, 3),
                ("总行/华东分行/城东支行".into(), 2, 2),
                ("总行/华东分行/城东支行/一团队".into(), 3, 1),
                ("总行/华东分行/城东支行/二团队".into(), 3, 1),
                ("总行/华东分行/城西支行".into(), 2, 1),
                ("总行/华北分行".into(), 1, 1),
                ("总行/华北分行/城北支行".into(), 2, 1),
                ("总行/华北分行/城北支行/一团队".into(), 3, 1),
            ]
        );
        assert_eq!(t.ancestry(4), [0, 1, 2, 4]);
        assert_eq!(t.levels(), 3);
        assert_eq!(t.units[1].children, [2, 5]);
    }

    #[test]
    fn flat_units_are_one_level_and_no_unit_counts_at_the_top() {
        let d = data(&[Some("城东支行"), Some("城西支行"), None, Some("城东支行")]);
        let t = tree(&d, &[0, 1, 2, 3], "/");
        assert_eq!(
            shape(&t),
            [
                ("".into(), 0, 4),
                ("城东支行".into(), 1, 2),
                ("城西支行".into(), 1, 1)
            ]
        );
        assert_eq!(t.no_unit, 1);
        // One unit for everyone is the top itself.
        let t = tree(&d, &[0, 3], "/");
        assert_eq!(shape(&t), [("城东支行".into(), 0, 2)]);
        // Another separator keeps `/` inside names.
        let d = data(&[Some("总行>A/B分行"), Some("总行>C分行")]);
        let t = tree(&d, &[0, 1], ">");
        assert_eq!(t.units[1].name, "A/B分行");
    }
}
