//! The team report: one page for a unit (`--unit`) or everyone, in one
//! period. Every figure comes from the members' `anonymity::View`s: a
//! withheld cell (‡) is left out of every mean, count and chart, and people
//! whose scores are withheld altogether are counted but left out of every
//! score, chart and mean, since a mean that includes them could be
//! subtracted back.

use super::charts;
use super::{gap_class, num, num_shown, pct, pct_shown, signed, Card, Env, Page};
use crate::analysis::explain::{self, Explanation, Verdict};
use crate::analysis::stats::{self, icc::IccType, raters, raters::Direction, self_other, Note};
use crate::anonymity::{GroupStatus, Shown, View};
use crate::error::Result;
use crate::ingest::Dataset;
use crate::model::Model;
use crate::plan::Budget;
use crate::score;
use crate::score::round::format_rounded;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Above this many people the heatmap shows units × competencies (mean
/// gaps) instead of people × competencies, so the page stays readable.
pub const HEATMAP_PEOPLE_LIMIT: usize = 60;

/// 9-box performance without `--results`: competency attainment against
/// the own grade, in the bands of the status function (`score::status`):
/// short (does not meet it), met, and met with margin — every required
/// competency at or above its requirement (none met only within its
/// tolerance) and the verdict clear of the measurement error.
///
/// With `--results`: job performance (`appraise::performance`, 0–100): low
/// below `RESULT_LOW`, high from `RESULT_HIGH`, medium between.
pub const RESULT_LOW: f64 = 60.0;
pub const RESULT_HIGH: f64 = 80.0;
/// Potential is the fit to the grade above the person's own (scoring.md
/// §4): low below `POT_LOW`, high from `POT_HIGH`. People at the most
/// senior grade have no next grade, so no potential: they are left out of
/// the grid and counted beside it.
pub const POT_LOW: f64 = 0.8;
pub const POT_HIGH: f64 = 0.95;
/// The team summary names this many of the most frequent blockers.
pub const MOST_FREQUENT_BLOCKERS: usize = 5;
/// Up to this many people in the grid, each box lists their names.
pub const NINE_BOX_NAMES_LIMIT: usize = 60;

#[derive(Debug, Clone, Default)]
pub struct TeamOptions {
    pub grade: Option<usize>,
    pub period: Option<String>,
    pub unit: Option<String>,
    /// `--results`: each person's job performance of the period (0–100,
    /// `appraise::performance`), by person_id; the 9-box's performance axis.
    pub performance: Option<HashMap<String, f64>>,
    /// The page as part of the `report org` site: its members, title, file
    /// name and links up the tree (`None` for `report team`).
    pub org: Option<OrgPage>,
}

/// A team page of the `report org` site: a unit small enough to list its
/// people (`report::org`).
#[derive(Debug, Clone, Default)]
pub struct OrgPage {
    /// Person-periods of the unit and below.
    pub members: Vec<usize>,
    /// The unit's path as the page names it.
    pub scope: String,
    pub file_name: String,
    /// Links from the top down to the unit's parent.
    pub nav: Vec<super::NavLink>,
    /// Up to this many people, the 9-box lists names.
    pub names_limit: usize,
    /// Each member's individual report (parallel to `members`; empty when
    /// none were written).
    pub links: Vec<Option<String>>,
}

#[derive(Serialize)]
struct PlacementRow {
    grade: String,
    counts: Vec<u64>,
    total: u64,
}

#[derive(Serialize)]
struct CompStat {
    name: String,
    mean_gap: String,
    class: &'static str,
    short: String,
}

#[derive(Serialize)]
struct CoverageGroup {
    name: String,
    none: u64,
    few: u64,
}

#[derive(Serialize)]
struct Lacking {
    name: String,
    person_id: String,
    unit: String,
    missing: String,
}

#[derive(Serialize)]
struct PersonRow {
    name: String,
    /// The person's individual report (`report org --individual`), or "".
    href: String,
    person_id: String,
    unit: String,
    grade: String,
    withheld: bool,
    overall: String,
    fit: String,
    fit_class: &'static str,
    placement: String,
    ready: String,
    /// The verdict on the target grade with what blocks it, or what makes
    /// "meets" borderline (`explain::sentence`).
    blocks: String,
    blocks_class: &'static str,
}

/// Met / borderline / short against the target grade, per grade (the org
/// pages' too).
#[derive(Serialize)]
pub(super) struct VerdictRow {
    pub(super) grade: String,
    /// meets, meets (borderline), short (borderline), short, ‡.
    pub(super) counts: [usize; 5],
    pub(super) total: usize,
}

/// A competency that blocks people's own grade, with how many.
#[derive(Serialize)]
struct Blocker {
    name: String,
    critical: bool,
    count: usize,
}

#[derive(Serialize)]
struct NineBoxCell {
    count: usize,
    names: Vec<String>,
    class: &'static str,
}

#[derive(Serialize)]
struct NineBoxRow {
    potential: String,
    cells: Vec<NineBoxCell>,
}

#[derive(Serialize)]
struct NineBox {
    title: String,
    /// What the columns measure: job performance or competency attainment.
    axis: String,
    /// Performance bands, low to high (columns).
    performance: Vec<String>,
    /// Potential high to low (rows, as the grid is read).
    rows: Vec<NineBoxRow>,
    shown: usize,
    names: bool,
    legend: Vec<String>,
    left_out: Vec<String>,
}

#[derive(Serialize)]
struct TeamCtx {
    scope: String,
    period: String,
    cards: Vec<Card>,
    verdict_rows: Vec<VerdictRow>,
    /// Some verdict reads ‡.
    verdicts_withheld: bool,
    blockers: Vec<Blocker>,
    /// People short of their grade, the blockers' denominator.
    short_people: usize,
    mean_fit: String,
    placement_cols: Vec<String>,
    placement_rows: Vec<PlacementRow>,
    hist_overall: String,
    hist_fit: String,
    heatmap: String,
    heatmap_note: String,
    mean_gaps: String,
    weakest: Vec<CompStat>,
    strongest: Vec<CompStat>,
    coverage: Vec<CoverageGroup>,
    lacking: Vec<Lacking>,
    people: Vec<PersonRow>,
    nine_box: NineBox,
    plan: super::plan::TeamPlanCtx,
    plan_withheld: String,
    data_quality: DataQualityCtx,
    /// Some figure reads ‡.
    any_withheld: bool,
}

#[derive(Serialize)]
struct IccRow {
    name: String,
    icc1: String,
    icc1k: String,
    /// Why a coefficient is empty (the statistic's own note).
    note: String,
}

#[derive(Serialize)]
struct AlphaRow {
    name: String,
    alpha: String,
    people: usize,
    note: String,
}

#[derive(Serialize)]
struct SelfOtherRow {
    period: String,
    over: String,
    under: String,
    agree: String,
    classified: usize,
    unclassified: usize,
}

/// Rater leniency per rater group: counts only, never a rater's id, so no
/// rater can be singled out from the team report.
#[derive(Serialize)]
struct RaterGroupRow {
    name: String,
    listed: usize,
    lenient: usize,
    severe: usize,
}

/// Issue 6: how far the team's scores can be trusted.
#[derive(Serialize)]
struct DataQualityCtx {
    low_precision: String,
    low_agreement: String,
    /// Whether the ratings were kept, which ICCs and rater leniency need.
    kept: bool,
    icc: Vec<IccRow>,
    alpha: Vec<AlphaRow>,
    self_other: Vec<SelfOtherRow>,
    raters: Vec<RaterGroupRow>,
    raters_note: String,
}

struct Member {
    pp: usize,
    view: View,
    /// `None` when the person's scores are withheld altogether.
    s: Option<score::PersonScores>,
    target: Option<usize>,
    /// The verdict on the target grade, as the page may explain it.
    why: Shown<Explanation>,
}

pub fn file_name(opts: &TeamOptions) -> String {
    match &opts.unit {
        Some(u) => super::names::Namer::new().name("team", &[u.trim()]),
        None => "team.html".to_string(),
    }
}

/// The team report with the training-needs analysis of the cheapest full
/// plans (no budget), as `ksa plan --team`.
/// A team page of more people than this is too long to read or print (at
/// about 300 bytes a person it passes 0.6 MB, and the training table's
/// attendee lists grow with it): `ksa report team` still writes it, and
/// points to `ksa report org`.
pub const PAGE_PEOPLE: usize = 2000;

/// The warning for a team page of `people` people, when they are more
/// than [`PAGE_PEOPLE`].
pub fn too_many_people(people: usize) -> Option<String> {
    (people > PAGE_PEOPLE).then(|| {
        format!(
            "ksa report team: {} people on one page, more than {} (the team page's limit for a readable page); \
             ksa report org --out DIR writes them as linked pages from the whole bank down to teams of at most {}, \
             or choose one unit with --unit",
            crate::error::thousands(people as u64),
            crate::error::thousands(PAGE_PEOPLE as u64),
            super::org::LEAF_PEOPLE
        )
    })
}

pub fn render(env: &Env, data: &Dataset, opts: &TeamOptions) -> Result<Page> {
    render_within(env, data, opts, Budget::UNLIMITED)
}

/// [`render`] with the team plan chosen within one team `budget`
/// (`--budget-hours` in person-hours, `--budget-cost` in total).
pub fn render_within(
    env: &Env,
    data: &Dataset,
    opts: &TeamOptions,
    budget: Budget,
) -> Result<Page> {
    render_screened(env, &env.screen(data), opts, budget)
}

/// [`render_within`] on data already screened (`Env::screen`), so that
/// the pages of one `report org` site screen it once.
pub fn render_screened(
    env: &Env,
    sd: &crate::anonymity::Screened,
    opts: &TeamOptions,
    budget: Budget,
) -> Result<Page> {
    let m = env.model;
    let t = env.templates;
    let data: &Dataset = &sd.data;
    let period = data.period_or_latest(opts.period.as_deref())?;
    let unit = opts.unit.as_deref().map(str::trim);
    let mut pps = match &opts.org {
        Some(o) => o.members.clone(),
        None => data.members(&period, unit)?,
    };
    pps.sort_by(|&a, &b| {
        let (pa, pb) = (&data.people[a], &data.people[b]);
        (pa.unit.as_deref(), pa.person_id.as_str())
            .cmp(&(pb.unit.as_deref(), pb.person_id.as_str()))
    });
    let members: Vec<Member> = pps
        .iter()
        .map(|&pp| {
            let view = sd.view(m, pp, &env.weights);
            let s = (!view.scores_withheld).then(|| view.scores.clone());
            let target = score::target_grade(opts.grade, data.people[pp].grade);
            let why = match target {
                Some(g) if s.is_some() => view.explain(m, g, &view.spreads(m, data, pp)),
                _ => Shown::Missing,
            };
            Member {
                pp,
                view,
                s,
                target,
                why,
            }
        })
        .collect();
    let visible: Vec<&Member> = members.iter().filter(|x| x.s.is_some()).collect();
    let withheld = members.len() - visible.len();

    let fit_of = |x: &Member| match x.target {
        Some(g) if x.s.is_some() => x.view.fit(m, g, &env.weights),
        _ => Shown::Missing,
    };
    let meets_of = |x: &Member, g: Option<usize>| match g {
        Some(g) if x.s.is_some() => x.view.meets(m, g),
        _ => Shown::Missing,
    };
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let overalls: Vec<f64> = visible
        .iter()
        .filter_map(|x| x.view.overall().value())
        .collect();
    let fits: Vec<f64> = visible.iter().filter_map(|x| fit_of(x).value()).collect();
    let verdicts: Vec<Shown<bool>> = visible.iter().map(|x| meets_of(x, x.target)).collect();
    let meeting = verdicts
        .iter()
        .filter(|v| **v == Shown::Value(true))
        .count();
    let decided = verdicts.iter().filter(|v| v.value().is_some()).count();
    let undecided = verdicts.iter().filter(|v| v.is_withheld()).count();

    let mut cards = vec![
        Card::new(
            t.label("people"),
            members.len().to_string(),
            String::new(),
            "na",
        ),
        Card::new(
            t.label("mean_overall"),
            num(mean(&overalls)),
            String::new(),
            "na",
        ),
        Card::new(
            t.label("meeting_target"),
            format!("{meeting} / {decided}"),
            if undecided > 0 {
                t.fill("verdicts_withheld", &[("n", &undecided.to_string())])
            } else {
                String::new()
            },
            "na",
        ),
    ];

    // The headline: met / borderline / short against the target grade, per
    // grade, and what blocks most often. Mean fit is no headline: fit
    // saturates near 1 by its definition (scoring.md §4), so it stands
    // beside its distribution only.
    let mut verdict_rows: Vec<VerdictRow> = m
        .grades
        .iter()
        .map(|g| VerdictRow {
            grade: g.name.clone(),
            counts: [0; 5],
            total: 0,
        })
        .collect();
    let mut blocked = vec![0usize; m.competencies.len()];
    let mut short_people = 0usize;
    for x in &visible {
        let Some(g) = x.target else { continue };
        let col = match &x.why {
            Shown::Value(e) => match e.verdict {
                Verdict::Meets => 0,
                Verdict::MeetsBorderline => 1,
                Verdict::ShortBorderline => 2,
                Verdict::Short => 3,
            },
            Shown::Withheld => 4,
            Shown::Missing => continue,
        };
        verdict_rows[g].counts[col] += 1;
        verdict_rows[g].total += 1;
        if let Shown::Value(e) = &x.why {
            if !e.verdict.meets() {
                short_people += 1;
                for r in &e.reasons {
                    blocked[r.status.competency] += 1;
                }
            }
        }
    }
    let verdicts_withheld = verdict_rows.iter().any(|r| r.counts[4] > 0);
    verdict_rows.retain(|r| r.total > 0);
    let mut order: Vec<usize> = (0..m.competencies.len())
        .filter(|&c| blocked[c] > 0)
        .collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(blocked[c]), c));
    let blockers: Vec<Blocker> = order
        .into_iter()
        .take(MOST_FREQUENT_BLOCKERS)
        .map(|c| Blocker {
            name: m.competencies[c].name.clone(),
            critical: m.competencies[c].critical,
            count: blocked[c],
        })
        .collect();
    if withheld > 0 {
        cards.push(Card::new(
            t.label("withheld_people"),
            withheld.to_string(),
            t.label("withheld_people_note"),
            "na",
        ));
    }

    // Placement: own grade (rows) × placement (columns).
    let none = t.label("none");
    let mut placement_cols: Vec<String> = m.grades.iter().map(|g| g.name.clone()).collect();
    placement_cols.push(none.clone());
    let ng = m.grades.len();
    // Columns: each grade, none, and ‡ (a verdict the shown scores leave open).
    let mut table = vec![vec![0u64; ng + 2]; ng + 1];
    for x in &visible {
        let own = data.people[x.pp].grade.unwrap_or(ng);
        let placed = match x.view.placement(m) {
            Shown::Value(g) => g,
            Shown::Missing => ng,
            Shown::Withheld => ng + 1,
        };
        table[own][placed] += 1;
    }
    let withheld_col = table.iter().any(|r| r[ng + 1] > 0);
    if withheld_col {
        placement_cols.push(super::WITHHELD.to_string());
    } else {
        for r in &mut table {
            r.pop();
        }
    }
    let placement_rows: Vec<PlacementRow> = table
        .into_iter()
        .enumerate()
        .filter(|(i, r)| *i < ng || r.iter().any(|&c| c > 0))
        .map(|(i, counts)| PlacementRow {
            grade: placement_cols[i].clone(),
            total: counts.iter().sum(),
            counts,
        })
        .collect();

    // Histograms.
    let (lo, hi) = (m.scale.min_f(), m.scale.max_f());
    let step = 0.25;
    let nb = ((hi - lo) / step).ceil().max(1.0) as usize;
    let edges: Vec<f64> = (0..=nb).map(|i| lo + step * i as f64).collect();
    let hist_overall = charts::histogram(
        &t.label("hist_overall"),
        &edges,
        &bin(&overalls, lo, step, nb),
        crate::model::fmt_level,
        &t.label("people"),
    )?;
    let fedges: Vec<f64> = (0..=20).map(|i| i as f64 * 0.05).collect();
    let hist_fit = charts::histogram(
        &t.label("hist_fit"),
        &fedges,
        &bin(&fits, 0.0, 0.05, 20),
        |e| format!("{}%", (e * 100.0).round()),
        &t.label("people"),
    )?;

    // Gaps per member and competency, against each one's target grade.
    let gaps: Vec<Vec<Shown<f64>>> = visible
        .iter()
        .map(|x| match x.target {
            Some(g) => x.view.gaps(m, g, &env.weights).competency,
            None => vec![Shown::Missing; m.competencies.len()],
        })
        .collect();
    let cols: Vec<String> = m.competencies.iter().map(|c| c.name.clone()).collect();
    let (heatmap, heatmap_note) = if visible.len() <= HEATMAP_PEOPLE_LIMIT {
        let rows: Vec<String> = visible
            .iter()
            .map(|x| {
                let p = &data.people[x.pp];
                format!("{} ({})", super::display_name(p), p.person_id)
            })
            .collect();
        (
            charts::heatmap(
                &t.label("heatmap_people"),
                &rows,
                &cols,
                &gaps,
                &t.label("gap"),
            )?,
            t.label("heatmap_people_note"),
        )
    } else {
        let mut by_unit: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, x) in visible.iter().enumerate() {
            let u = data.people[x.pp]
                .unit
                .clone()
                .unwrap_or_else(|| t.label("no_unit"));
            by_unit.entry(u).or_default().push(i);
        }
        let rows: Vec<String> = by_unit
            .iter()
            .map(|(u, v)| {
                // Unit paths (总行/华东分行/城东支行/一团队) are long: cut the
                // path, never the head count (the heatmap's row labels are
                // 220 px of 12 px text).
                let n = format!(" (n={})", v.len());
                let room = 220.0 - charts::text_width(&n, 12.0);
                format!("{}{n}", charts::clip(u, room, 12.0))
            })
            .collect();
        let values: Vec<Vec<Shown<f64>>> = by_unit
            .values()
            .map(|idx| {
                (0..cols.len())
                    .map(|c| {
                        let v: Vec<f64> = idx.iter().filter_map(|&i| gaps[i][c].value()).collect();
                        Shown::new(mean(&v), false)
                    })
                    .collect()
            })
            .collect();
        (
            charts::heatmap(
                &t.label("heatmap_units"),
                &rows,
                &cols,
                &values,
                &t.label("gap"),
            )?,
            t.fill(
                "heatmap_units_note",
                &[("n", &HEATMAP_PEOPLE_LIMIT.to_string())],
            ),
        )
    };

    // Weakest and strongest competencies by mean gap.
    let mut stats: Vec<(usize, f64, usize, usize)> = Vec::new();
    for c in 0..m.competencies.len() {
        let v: Vec<f64> = gaps.iter().filter_map(|g| g[c].value()).collect();
        if let Some(mg) = mean(&v) {
            let short = v.iter().filter(|&&g| !score::at_least(g, 0.0)).count();
            stats.push((c, mg, short, v.len()));
        }
    }
    stats.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let stat = |&(c, mg, short, n): &(usize, f64, usize, usize)| CompStat {
        name: m.competencies[c].name.clone(),
        mean_gap: signed(Some(mg)),
        class: gap_class(Some(mg)),
        short: t.fill(
            "short_of",
            &[("k", &short.to_string()), ("n", &n.to_string())],
        ),
    };
    let weakest: Vec<CompStat> = stats.iter().take(3).map(stat).collect();
    let strongest: Vec<CompStat> = stats.iter().rev().take(3).map(stat).collect();
    let mean_gaps = charts::gap_bars(
        &t.label("mean_gap_title"),
        &stats
            .iter()
            .map(|&(c, mg, _, _)| (m.competencies[c].name.clone(), Shown::Value(mg)))
            .collect::<Vec<_>>(),
        "0",
    )?;

    // Rating coverage: every group someone in the team was rated by.
    let relevant: Vec<usize> = (0..m.raters.len())
        .filter(|&g| {
            members
                .iter()
                .any(|x| x.view.groups[g] != GroupStatus::NoRatings)
        })
        .collect();
    let mut coverage: Vec<CoverageGroup> = relevant
        .iter()
        .map(|&g| CoverageGroup {
            name: m.raters[g].name.clone(),
            none: 0,
            few: 0,
        })
        .collect();
    let mut lacking = Vec::new();
    for x in &members {
        let mut missing = Vec::new();
        for (k, &g) in relevant.iter().enumerate() {
            match x.view.groups[g] {
                GroupStatus::NoRatings => {
                    coverage[k].none += 1;
                    missing.push(t.fill("lacks_none", &[("group", &m.raters[g].name)]));
                }
                GroupStatus::Suppressed => {
                    coverage[k].few += 1;
                    missing.push(t.fill("lacks_few", &[("group", &m.raters[g].name)]));
                }
                GroupStatus::Shown(_) => {}
            }
        }
        if !missing.is_empty() {
            let p = &data.people[x.pp];
            lacking.push(Lacking {
                name: super::display_name(p),
                person_id: p.person_id.clone(),
                unit: p.unit.clone().unwrap_or_default(),
                missing: missing.join(t.label("list_sep").as_str()),
            });
        }
    }

    let links: std::collections::HashMap<usize, &str> = match &opts.org {
        Some(o) => o
            .members
            .iter()
            .zip(&o.links)
            .filter_map(|(&pp, l)| Some((pp, l.as_deref()?)))
            .collect(),
        None => Default::default(),
    };
    let people = members
        .iter()
        .map(|x| {
            let p = &data.people[x.pp];
            let next = x.target.and_then(|g| m.next_grade(g));
            let fit = fit_of(x);
            PersonRow {
                name: super::display_name(p),
                href: links.get(&x.pp).map_or_else(String::new, |l| l.to_string()),
                person_id: p.person_id.clone(),
                unit: p.unit.clone().unwrap_or_default(),
                grade: env.grade_name(p.grade),
                withheld: x.s.is_none(),
                overall: num_shown(x.view.overall()),
                fit: pct_shown(fit),
                fit_class: match meets_of(x, x.target) {
                    Shown::Value(true) => "pos",
                    Shown::Value(false) => "neg",
                    Shown::Withheld => "withheld",
                    Shown::Missing => "na",
                },
                placement: match x.view.placement(m) {
                    Shown::Value(g) => env.grade_name(Some(g)),
                    Shown::Withheld => super::WITHHELD.to_string(),
                    Shown::Missing => env.grade_name(None),
                },
                ready: match meets_of(x, next) {
                    Shown::Value(true) => t.label("yes"),
                    Shown::Value(false) => t.label("no"),
                    Shown::Withheld => super::WITHHELD.to_string(),
                    Shown::Missing => "—".into(),
                },
                blocks: match &x.why {
                    Shown::Value(e) => explain::sentence(m, e, env.lang()),
                    Shown::Withheld => super::WITHHELD.to_string(),
                    Shown::Missing => String::new(),
                },
                blocks_class: match &x.why {
                    Shown::Value(e) => match e.verdict {
                        Verdict::Meets => "pos",
                        Verdict::MeetsBorderline | Verdict::ShortBorderline => "borderline",
                        Verdict::Short => "neg",
                    },
                    _ => "na",
                },
            }
        })
        .collect();

    let label_of = |x: &Member| {
        let p = &data.people[x.pp];
        format!("{} ({})", super::display_name(p), p.person_id)
    };
    let nine_box = nine_box(
        env,
        data,
        &visible,
        withheld,
        opts.performance.as_ref(),
        &label_of,
        opts.org.as_ref().map_or(NINE_BOX_NAMES_LIMIT, |o| {
            o.names_limit.max(NINE_BOX_NAMES_LIMIT)
        }),
    );
    let plan_members: Vec<super::plan::TeamMember> = visible
        .iter()
        .filter_map(|x| {
            Some(super::plan::TeamMember {
                scores: x.s.as_ref()?,
                own_grade: data.people[x.pp].grade,
                label: label_of(x),
            })
        })
        .collect();
    let plan = super::plan::team_plan(env, &plan_members, super::plan::choice(opts.grade), budget);
    let plan_withheld = if withheld > 0 {
        t.fill("team_plan_withheld", &[("n", &withheld.to_string())])
    } else {
        String::new()
    };

    let data_quality = data_quality(env, data, &visible);

    let scope = match (&opts.org, unit) {
        (Some(o), _) => o.scope.clone(),
        (None, Some(u)) => u.to_string(),
        (None, None) => t.label("everyone"),
    };
    let any_withheld = visible.iter().any(|x| x.view.any_withheld());
    let ctx_t = TeamCtx {
        any_withheld,
        scope: scope.clone(),
        period: if period.is_empty() {
            "—".into()
        } else {
            period.clone()
        },
        cards,
        verdict_rows,
        verdicts_withheld,
        blockers,
        short_people,
        mean_fit: pct(mean(&fits)),
        placement_cols,
        placement_rows,
        hist_overall,
        hist_fit,
        heatmap,
        heatmap_note,
        mean_gaps,
        weakest,
        strongest,
        coverage,
        lacking,
        people,
        nine_box,
        plan,
        plan_withheld,
        data_quality,
    };
    let title = format!("{} · {} {}", t.label("title_team"), scope, period);
    let mut ctx = env.base_context(&title);
    ctx.insert("team", &ctx_t);
    if let Some(o) = &opts.org {
        ctx.insert("nav", &o.nav);
    }
    Ok(Page {
        file_name: match &opts.org {
            Some(o) => o.file_name.clone(),
            None => file_name(opts),
        },
        html: t.render("team.html", &ctx)?,
    })
}

/// A coefficient to 3 decimals, or empty when not computable.
fn coef(x: &std::result::Result<f64, Note>) -> String {
    x.as_ref()
        .map(|v| format_rounded(*v, 3))
        .unwrap_or_default()
}

/// `k / n` as a share to 2 decimals with its counts, "—" when `n` is 0.
fn share(k: usize, n: usize) -> String {
    if n == 0 {
        "—".into()
    } else {
        format!("{} ({k} / {n})", format_rounded(k as f64 / n as f64, 2))
    }
}

/// The "data quality" section over the person-periods whose scores are
/// shown: withheld people stay out of these statistics too, and the share
/// of low-precision scores counts the ◇ markers the pages show (rule 4 of
/// `anonymity`), so it cannot be compared with them to learn more.
fn data_quality(env: &Env, data: &Dataset, members: &[&Member]) -> DataQualityCtx {
    let m = env.model;
    let t = env.templates;
    let people: Vec<usize> = members.iter().map(|x| x.pp).collect();
    let dq = stats::data_quality(
        m,
        data,
        &people,
        self_other::DEFAULT_THRESHOLD,
        raters::DEFAULT_MIN_RATINGS,
    );
    let n_c = m.competencies.len();
    let shown_scores = members
        .iter()
        .map(|x| {
            (0..n_c)
                .filter(|&c| x.view.competency(c).value().is_some())
                .count()
        })
        .sum();
    let marked = members
        .iter()
        .map(|x| (0..n_c).filter(|&c| x.view.low_precision(c)).count())
        .sum();
    let icc = dq
        .icc
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|x| {
            let (a, b) = (x.get(IccType::Icc1), x.get(IccType::Icc1k));
            let mut notes: Vec<Note> = [a.err(), b.err()].into_iter().flatten().collect();
            notes.dedup();
            IccRow {
                name: m.competencies[x.competency].name.clone(),
                icc1: coef(&a),
                icc1k: coef(&b),
                note: notes.join("; "),
            }
        })
        .collect();
    let alpha = dq
        .alpha
        .iter()
        .map(|x| AlphaRow {
            name: m.categories[x.category].name.clone(),
            alpha: coef(&x.alpha),
            people: x.people,
            note: x.alpha.err().unwrap_or_default().to_string(),
        })
        .collect();
    let so = |s: &self_other::Shares, c: self_other::Class| {
        let i = self_other::Class::ALL
            .iter()
            .position(|x| *x == c)
            .unwrap_or(0);
        share(s.counts[i], s.classified())
    };
    let self_other = dq
        .self_other
        .iter()
        .map(|s| SelfOtherRow {
            period: if s.period.is_empty() {
                "—".into()
            } else {
                s.period.clone()
            },
            over: so(s, self_other::Class::OverRater),
            under: so(s, self_other::Class::UnderRater),
            agree: so(s, self_other::Class::InAgreement),
            classified: s.classified(),
            unclassified: s.unclassified,
        })
        .collect();
    let (raters, raters_note) = match &dq.raters {
        Some(table) => {
            let mut rows: Vec<RaterGroupRow> = m
                .raters
                .iter()
                .map(|g| RaterGroupRow {
                    name: g.name.clone(),
                    listed: 0,
                    lenient: 0,
                    severe: 0,
                })
                .collect();
            let mut seen = vec![false; rows.len()];
            for r in &table.raters {
                for &g in &r.groups {
                    seen[g] = true;
                    rows[g].listed += 1;
                    if r.outlier {
                        match r.direction() {
                            Direction::Lenient => rows[g].lenient += 1,
                            Direction::Severe => rows[g].severe += 1,
                            Direction::Even => {}
                        }
                    }
                }
            }
            let rows = rows
                .into_iter()
                .zip(seen)
                .filter_map(|(r, s)| s.then_some(r))
                .collect();
            let note = t.fill(
                "dq_raters_note",
                &[
                    ("min", &table.min_ratings.to_string()),
                    ("below", &table.below_minimum.to_string()),
                ],
            );
            (rows, note)
        }
        None => (Vec::new(), String::new()),
    };
    DataQualityCtx {
        low_precision: share(marked, shown_scores),
        low_agreement: share(dq.low_agreement, dq.rwg_computed),
        kept: dq.icc.is_some(),
        icc,
        alpha,
        self_other,
        raters,
        raters_note,
    }
}

/// The band of `x`: 0 below `lo`, 2 from `hi`, else 1 (with the allowance
/// of scoring.md §5, so a value on a cut-off is in the upper band).
fn band(x: f64, lo: f64, hi: f64) -> usize {
    if !score::at_least(x, lo) {
        0
    } else if score::at_least(x, hi) {
        2
    } else {
        1
    }
}

/// Competency attainment against the own grade (`RESULT_LOW` docs): 0
/// short, 1 met, 2 met with margin, as the page may say it.
fn attainment(m: &Model, data: &Dataset, x: &Member, own: usize) -> Shown<usize> {
    let why = match x.target == Some(own) {
        true => x.why.clone(),
        false => x.view.explain(m, own, &x.view.spreads(m, data, x.pp)),
    };
    match why {
        Shown::Value(e) if !e.verdict.meets() => Shown::Value(0),
        Shown::Value(e) => {
            let margin = e.verdict == Verdict::Meets
                && score::statuses(m, &x.view.scores, own)
                    .iter()
                    .all(|st| st.status != score::Status::MetWithinTolerance);
            Shown::Value(if margin { 2 } else { 1 })
        }
        Shown::Withheld => Shown::Withheld,
        Shown::Missing => Shown::Missing,
    }
}

/// The 9-box grid: performance × potential (fit to the next grade), over
/// the people whose scores are shown. Performance is job performance from
/// `--results` when given (`performance`, by person_id), else competency
/// attainment against the own grade, labelled so.
fn nine_box(
    env: &Env,
    data: &Dataset,
    visible: &[&Member],
    withheld: usize,
    performance: Option<&HashMap<String, f64>>,
    label_of: &dyn Fn(&Member) -> String,
    names_limit: usize,
) -> NineBox {
    let m = env.model;
    let t = env.templates;
    // grid[potential][performance]
    let mut grid: Vec<Vec<Vec<String>>> = vec![vec![Vec::new(); 3]; 3];
    let (mut top, mut no_grade, mut unassessed) = (0usize, 0usize, 0usize);
    let (mut partly_withheld, mut no_result) = (0usize, 0usize);
    for x in visible {
        if x.s.is_none() {
            continue;
        }
        let Some(own) = data.people[x.pp].grade else {
            no_grade += 1;
            continue;
        };
        let Some(next) = m.next_grade(own) else {
            top += 1;
            continue;
        };
        let perf: Shown<usize> = match performance {
            Some(results) => match results.get(&data.people[x.pp].person_id) {
                Some(&r) => Shown::Value(band(r, RESULT_LOW, RESULT_HIGH)),
                None => {
                    no_result += 1;
                    continue;
                }
            },
            None => attainment(m, data, x, own),
        };
        let pot = x.view.fit(m, next, &env.weights);
        let (perf, pot) = match (perf, pot) {
            (Shown::Value(a), Shown::Value(b)) => (a, b),
            (Shown::Withheld, _) | (_, Shown::Withheld) => {
                partly_withheld += 1;
                continue;
            }
            _ => {
                unassessed += 1;
                continue;
            }
        };
        grid[band(pot, POT_LOW, POT_HIGH)][perf].push(label_of(x));
    }
    let shown: usize = grid.iter().flatten().map(Vec::len).sum();
    let names = shown <= names_limit;
    let bands = [
        t.label("band_low"),
        t.label("band_medium"),
        t.label("band_high"),
    ];
    let performance_bands = match performance {
        Some(_) => bands.to_vec(),
        None => vec![
            t.label("attainment_short"),
            t.label("attainment_met"),
            t.label("attainment_margin"),
        ],
    };
    let rows = (0..3)
        .rev()
        .map(|pot| NineBoxRow {
            potential: bands[pot].clone(),
            cells: (0..3)
                .map(|perf| {
                    let people = &grid[pot][perf];
                    NineBoxCell {
                        count: people.len(),
                        names: if names { people.clone() } else { Vec::new() },
                        class: match pot + perf {
                            0 | 1 => "nb-low",
                            2 => "nb-mid",
                            _ => "nb-high",
                        },
                    }
                })
                .collect(),
        })
        .collect();
    let pc = |x: f64| super::pct(Some(x));
    let mut legend = vec![
        match performance {
            Some(_) => t.fill(
                "nine_box_results",
                &[
                    ("lo", &super::amount(RESULT_LOW)),
                    ("hi", &super::amount(RESULT_HIGH)),
                ],
            ),
            None => t.label("nine_box_attainment"),
        },
        t.fill(
            "nine_box_potential",
            &[("lo", &pc(POT_LOW)), ("hi", &pc(POT_HIGH))],
        ),
    ];
    if !names {
        legend.push(t.fill("nine_box_no_names", &[("n", &names_limit.to_string())]));
    }
    let mut left_out = Vec::new();
    for (n, key) in [
        (top, "nine_box_top_grade"),
        (no_grade, "nine_box_no_grade"),
        (no_result, "nine_box_no_result"),
        (unassessed, "nine_box_unassessed"),
        (withheld + partly_withheld, "nine_box_withheld"),
    ] {
        if n > 0 {
            left_out.push(t.fill(key, &[("n", &n.to_string())]));
        }
    }
    NineBox {
        axis: t.label(match performance {
            Some(_) => "performance",
            None => "attainment",
        }),
        title: t.label(match performance {
            Some(_) => "nine_box_title",
            None => "nine_box_title_attainment",
        }),
        performance: performance_bands,
        rows,
        shown,
        names,
        legend,
        left_out,
    }
}

/// Counts per bin of width `step` from `lo`; the top edge goes in the last bin.
fn bin(values: &[f64], lo: f64, step: f64, n: usize) -> Vec<u64> {
    let mut out = vec![0u64; n];
    for v in values {
        let i = (((v - lo) / step) + score::ALLOWANCE).floor().max(0.0) as usize;
        out[i.min(n - 1)] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn bins_put_the_top_edge_in_the_last_bin() {
        assert_eq!(super::bin(&[1.0, 1.25, 4.99, 5.0], 1.0, 0.25, 16)[15], 2);
        assert_eq!(super::bin(&[1.0, 1.25], 1.0, 0.25, 16)[..2], [1, 1]);
    }
}
