//! The individual gap report: one page per person and period.
//!
//! Every number comes through `anonymity::View` (what may be shown, and ‡
//! where not). Comments: a comment carries its rater group, and a comment
//! from a group that is suppressed for this person, or on a competency
//! fewer than `min_count` of its raters rated, would show one small group's
//! view, so such comments are left out. The page then says that comments of
//! suppressed groups are not shown — whenever any group is suppressed,
//! whether or not it commented, so the notice itself gives nothing away.
//! Rater ids are never shown. A comment longer than `MAX_COMMENT_CHARS` is
//! cut, with a note.

use super::charts::{self, Series};
use super::names::{Namer, UnitFolders};
use super::{
    gap_class_shown, num, num_shown, pct_shown, signed, signed_shown, Card, Env, Index, IndexLink,
    IndexUnit, Page,
};
use crate::analysis::explain::{self, Spread, Verdict};
use crate::analysis::stats::self_other;
use crate::anonymity::{CellView, GroupStatus, Mode, Screened, Shown, View};
use crate::error::Result;
use crate::files::dest::OutputFolder;
use crate::ingest::Dataset;
use crate::model::fmt_level;
use crate::plan::Budget;
use crate::score;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// The longest comment a report prints, in characters; a longer one is cut
/// and says so (README, "Limits").
pub const MAX_COMMENT_CHARS: usize = 2000;

#[derive(Debug, Clone)]
pub struct IndividualOptions {
    /// `--grade`: the target grade for everyone; default each person's own.
    pub grade: Option<usize>,
    pub period: Option<String>,
    pub unit: Option<String>,
    pub person: Option<String>,
    /// Self and others differing by more than this many levels is a blind
    /// spot (self higher) or a hidden strength (self lower), as
    /// `ksa stats self-other` classifies (`self_other::Class::of`).
    pub blind_spot_threshold: f64,
}

#[derive(Serialize)]
struct GroupHead {
    name: String,
    note: String,
}

#[derive(Serialize)]
struct CellCtx {
    text: String,
    class: &'static str,
}

#[derive(Serialize)]
struct Row {
    kind: &'static str,
    name: String,
    critical: bool,
    required: String,
    score: String,
    gap: String,
    gap_class: &'static str,
    /// Issue 6: flagged "low precision" by `analysis::stats::precision`;
    /// shown next to the score, never hidden.
    low_precision: bool,
    cells: Vec<CellCtx>,
}

/// A gap bar's 95% interval, in gap terms.
type Whisker = Option<(f64, f64)>;

/// One sentence of the summary: why the placement is what it is, what
/// the own and the next grade need, and what the plan costs.
#[derive(Serialize)]
struct Why {
    label: String,
    text: String,
    class: &'static str,
}

#[derive(Serialize)]
struct Spot {
    name: String,
    self_score: String,
    others: String,
    diff: String,
}

#[derive(Serialize)]
struct Shortfall {
    name: String,
    critical: bool,
    required: String,
    score: String,
    gap: String,
    level: String,
    indicator: String,
}

#[derive(Serialize)]
struct CommentCtx {
    group: String,
    competency: String,
    text: String,
}

#[derive(Serialize)]
struct ChangeRow {
    kind: &'static str,
    name: String,
    before: String,
    now: String,
    delta: String,
    class: &'static str,
}

#[derive(Serialize)]
struct Change {
    heading: String,
    grade_note: String,
    rows: Vec<ChangeRow>,
}

#[derive(Serialize)]
struct PersonCtx {
    name: String,
    person_id: String,
    unit: String,
    grade: String,
    period: String,
    target: String,
    withheld: bool,
    cards: Vec<Card>,
    why: Vec<Why>,
    /// Some gap bar carries a 95% interval.
    any_interval: bool,
    radar: String,
    gaps: String,
    groups: Vec<GroupHead>,
    group_notes: Vec<String>,
    rows: Vec<Row>,
    any_withheld_cell: bool,
    any_low_precision: bool,
    self_available: bool,
    blind_spots: Vec<Spot>,
    hidden_strengths: Vec<Spot>,
    threshold: String,
    shortfalls: Vec<Shortfall>,
    not_assessed: Vec<String>,
    /// Required competencies withheld for anonymity.
    withheld_required: Vec<String>,
    comments: Vec<CommentCtx>,
    comments_note: String,
    change: Option<Change>,
    /// `None` when the scores are withheld: the plan is made from them.
    plan: Option<super::plan::PersonPlanCtx>,
}

/// Renders every selected person-period and hands each page to `emit`
/// (with its person-period index) as soon as it is made, so a whole bank's
/// reports never sit in memory together. Returns how many were made.
/// Training plans are the cheapest full plans (no budget), as `ksa plan`.
pub fn render_each(
    env: &Env,
    data: &Dataset,
    opts: &IndividualOptions,
    emit: impl FnMut(Page, usize) -> Result<()>,
) -> Result<usize> {
    render_each_within(env, data, opts, Budget::UNLIMITED, emit)
}

/// The person-periods `opts` selects, in report order.
fn selected(data: &Dataset, opts: &IndividualOptions) -> Vec<usize> {
    data.sorted()
        .into_iter()
        .filter(|&pp| {
            data.matches(
                pp,
                opts.period.as_deref(),
                opts.unit.as_deref(),
                opts.person.as_deref(),
            )
        })
        .collect()
}

/// [`render_each`] with each person's training plan chosen within `budget`
/// (`--budget-hours`, `--budget-cost`: per person, as `ksa plan`).
pub fn render_each_within(
    env: &Env,
    data: &Dataset,
    opts: &IndividualOptions,
    budget: Budget,
    mut emit: impl FnMut(Page, usize) -> Result<()>,
) -> Result<usize> {
    let selected = selected(data, opts);
    data.check_filters(
        opts.period.as_deref(),
        opts.unit.as_deref(),
        opts.person.as_deref(),
    )?;
    // Periods of each person, for "change since the last period".
    let mut history: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for (pp, p) in data.people.iter().enumerate() {
        history
            .entry(p.person_id.as_str())
            .or_default()
            .push((p.period.as_str(), pp));
    }
    for h in history.values_mut() {
        h.sort();
    }
    let sd = env.screen(data);
    let mut namer = Namer::new();
    for &pp in &selected {
        let p = &data.people[pp];
        let prev = history
            .get(p.person_id.as_str())
            .and_then(|h| h.iter().rev().find(|(per, _)| *per < p.period.as_str()))
            .map(|(_, i)| *i);
        let person = person_context(env, &sd, pp, prev, opts, budget)?;
        let title = format!(
            "{} · {} {}",
            env.templates.label("title_individual"),
            person.name,
            p.period
        );
        let mut ctx = env.base_context(&title);
        ctx.insert("people", &[person]);
        let html = env.templates.render("individual.html", &ctx)?;
        let file_name = namer.name("person", &[&p.person_id, &p.period]);
        emit(Page { file_name, html }, pp)?;
    }
    Ok(selected.len())
}

/// `ksa report individual` prints every report's path up to this many
/// reports; beyond, only the index and a one-line summary.
pub const LIST_PATHS: usize = 100;
/// The top index lists every person up to this many reports; beyond, it
/// lists the units, each with an index of its own people.
pub const INDEX_PEOPLE: usize = 500;

/// What [`write_each`] wrote.
#[derive(Debug, Default)]
pub struct Written {
    pub reports: usize,
    /// Unit folders the reports went into.
    pub folders: usize,
    /// The first report paths, in order: all of them when there are at
    /// most [`LIST_PATHS`].
    pub paths: Vec<PathBuf>,
    /// The index files written, the top one (`index.html`) last; none for
    /// a single report.
    pub indexes: Vec<PathBuf>,
    /// Each report's path inside the folder (`unit-…/person-….html`), by
    /// person-period.
    pub hrefs: Vec<(usize, String)>,
}

/// One unit's folder and its people's reports, for its index.
struct UnitFolder {
    unit: String,
    out: OutputFolder,
    index: Index,
}

/// Renders and writes every selected report. Up to [`LIST_PATHS`] reports
/// (unless `by_unit`) they all go into `out`; beyond, a person with a unit
/// goes into the unit's folder (`unit-<part>-<part>…`, the path's parts
/// split at `separator`), one without into `out` itself. With more than one
/// report an index is written: `index.html` lists everyone, or, beyond
/// [`INDEX_PEOPLE`] reports, the units, each folder getting an
/// `index.html` of its own people. Every report is listed in an index.
pub fn write_each(
    env: &Env,
    data: &Dataset,
    opts: &IndividualOptions,
    budget: Budget,
    out: &OutputFolder,
    separator: &str,
    by_unit: bool,
) -> Result<Written> {
    let by_unit = by_unit || selected(data, opts).len() > LIST_PATHS;
    let mut names = UnitFolders::new();
    let mut folders: Vec<UnitFolder> = Vec::new();
    let mut folder_of: HashMap<String, usize> = HashMap::new();
    let mut top = Index::default();
    let mut w = Written::default();
    render_each_within(env, data, opts, budget, |page, pp| {
        let unit = data.people[pp].unit.as_deref().unwrap_or_default();
        let (path, href) = match !by_unit || crate::analysis::org::parts(unit, separator).is_empty()
        {
            true => {
                top.person(env, data, pp, page.file_name.clone());
                (super::write_page(out, &page)?, page.file_name.clone())
            }
            false => {
                let name = names.folder(unit, separator).to_string();
                let f = match folder_of.get(&name) {
                    Some(&f) => f,
                    None => {
                        folders.push(UnitFolder {
                            unit: unit.to_string(),
                            out: out.subfolder(&name)?,
                            index: Index::default(),
                        });
                        folder_of.insert(name.clone(), folders.len() - 1);
                        folders.len() - 1
                    }
                };
                let folder = &mut folders[f];
                folder.index.person(env, data, pp, page.file_name.clone());
                (
                    super::write_page(&folder.out, &page)?,
                    format!("{name}/{}", page.file_name),
                )
            }
        };
        w.reports += 1;
        if w.paths.len() <= LIST_PATHS {
            w.paths.push(path);
        }
        w.hrefs.push((pp, href));
        Ok(())
    })?;
    w.folders = folders.len();
    if w.reports <= 1 {
        return Ok(w);
    }
    let mut by_name: Vec<(&String, &usize)> = folder_of.iter().collect();
    by_name.sort_by(|a, b| {
        folders[*a.1]
            .unit
            .cmp(&folders[*b.1].unit)
            .then(a.0.cmp(b.0))
    });
    if w.reports <= INDEX_PEOPLE {
        // One index of everyone, in the order the reports were made.
        let mut all = Index::default();
        for (pp, href) in &w.hrefs {
            all.person(env, data, *pp, href.clone());
        }
        w.indexes
            .push(super::write_page(out, &super::render_index(env, &all)?)?);
        return Ok(w);
    }
    for (name, &f) in by_name {
        let folder = &mut folders[f];
        folder.index.links.push(IndexLink {
            title: env.templates.label("index_all"),
            href: "../index.html".to_string(),
            note: String::new(),
        });
        w.indexes.push(super::write_page(
            &folder.out,
            &super::render_index(env, &folder.index)?,
        )?);
        top.units.push(IndexUnit {
            name: folder.unit.clone(),
            people: folder.index.people.len(),
            href: format!("{name}/index.html"),
        });
    }
    w.indexes
        .push(super::write_page(out, &super::render_index(env, &top)?)?);
    Ok(w)
}

fn person_context(
    env: &Env,
    sd: &Screened,
    pp: usize,
    prev: Option<usize>,
    opts: &IndividualOptions,
    budget: Budget,
) -> Result<PersonCtx> {
    let m = env.model;
    let t = env.templates;
    let data: &Dataset = &sd.data;
    let p = &data.people[pp];
    let view = sd.view(m, pp, &env.weights);
    let s = &view.scores;
    let target = score::target_grade(opts.grade, p.grade);
    let next = target.and_then(|g| m.next_grade(g));
    let gaps = target.map(|g| view.gaps(m, g, &env.weights));
    let threshold = fmt_level(opts.blind_spot_threshold);

    let mut ctx = PersonCtx {
        name: super::display_name(p),
        person_id: p.person_id.clone(),
        unit: p.unit.clone().unwrap_or_else(|| "—".into()),
        grade: env.grade_name(p.grade),
        period: if p.period.is_empty() {
            "—".into()
        } else {
            p.period.clone()
        },
        target: env.grade_name(target),
        withheld: view.scores_withheld,
        cards: Vec::new(),
        why: Vec::new(),
        any_interval: false,
        radar: String::new(),
        gaps: String::new(),
        groups: Vec::new(),
        group_notes: Vec::new(),
        rows: Vec::new(),
        any_withheld_cell: false,
        any_low_precision: false,
        self_available: false,
        blind_spots: Vec::new(),
        hidden_strengths: Vec::new(),
        threshold: threshold.clone(),
        shortfalls: Vec::new(),
        not_assessed: Vec::new(),
        withheld_required: Vec::new(),
        comments: Vec::new(),
        comments_note: String::new(),
        change: None,
        plan: None,
    };

    // Which groups are shown, suppressed or absent.
    let suppressed_key = match view.mode {
        Mode::Blended => "group_suppressed",
        Mode::Strict => "group_suppressed_strict",
    };
    let mut shown: Vec<usize> = Vec::new();
    for (g, r) in m.raters.iter().enumerate() {
        match view.groups[g] {
            GroupStatus::Shown(n) => {
                shown.push(g);
                ctx.groups.push(GroupHead {
                    name: r.name.clone(),
                    note: t.fill("raters_n", &[("n", &n.to_string())]),
                });
            }
            GroupStatus::Suppressed => ctx.group_notes.push(t.fill(
                suppressed_key,
                &[("group", &r.name), ("n", &r.min_count.to_string())],
            )),
            GroupStatus::NoRatings => {}
        }
    }
    if view.counted_withheld {
        ctx.group_notes.push(t.label("counted_withheld"));
    }
    if view.any_withheld() && !view.scores_withheld {
        ctx.group_notes.push(t.label(match view.mode {
            Mode::Blended => "competencies_withheld",
            Mode::Strict => "competencies_withheld_strict",
        }));
    }
    if view.any_suppressed() {
        ctx.comments_note = t.label("comments_suppressed");
    }

    // Comments of shown groups and cells only (see the module comment).
    for c in data.comments.get(pp).map(Vec::as_slice).unwrap_or(&[]) {
        if sd.comment_shown(m, pp, c) {
            ctx.comments.push(CommentCtx {
                group: m.raters[c.rater].name.clone(),
                competency: c
                    .competency
                    .map(|i| m.competencies[i].name.clone())
                    .unwrap_or_default(),
                text: cut_comment(t, &c.text),
            });
        }
    }

    if view.scores_withheld {
        ctx.group_notes.push(t.label("scores_withheld"));
        return Ok(ctx);
    }

    // Summary cards.
    let req_note = |r: Option<f64>, g: Shown<f64>| match r {
        Some(r) => t.fill(
            "card_required",
            &[("req", &num(Some(r))), ("gap", &signed_shown(g))],
        ),
        None => String::new(),
    };
    ctx.cards.push(Card::new(
        t.label("overall"),
        num_shown(view.overall()),
        req_note(
            gaps.as_ref().and_then(|g| g.gaps.overall_required),
            gaps.as_ref().map_or(Shown::Missing, |g| g.overall),
        ),
        gap_class_shown(gaps.as_ref().map_or(Shown::Missing, |g| g.overall)),
    ));
    for (k, cat) in m.categories.iter().enumerate() {
        ctx.cards.push(Card::new(
            cat.name.clone(),
            num_shown(view.category(k)),
            req_note(
                gaps.as_ref().and_then(|g| g.gaps.category_required[k]),
                gaps.as_ref().map_or(Shown::Missing, |g| g.category[k]),
            ),
            gap_class_shown(gaps.as_ref().map_or(Shown::Missing, |g| g.category[k])),
        ));
    }
    let verdict = |v: Shown<bool>| match v {
        Shown::Value(true) => (t.label("meets"), "pos"),
        Shown::Value(false) => (t.label("not_meets"), "neg"),
        _ => (t.label("verdict_withheld"), "withheld"),
    };
    let fit_card = |label: &str, g: Option<usize>| match g {
        Some(g) => {
            let (note, class) = verdict(view.meets(m, g));
            Card::new(
                t.fill(label, &[("grade", &m.grades[g].name)]),
                pct_shown(view.fit(m, g, &env.weights)),
                note,
                class,
            )
        }
        None => Card::new(
            t.fill(label, &[("grade", "—")]),
            "—".into(),
            String::new(),
            "na",
        ),
    };
    ctx.cards.push(fit_card("card_fit_target", target));
    if target.is_some() {
        match next {
            Some(_) => ctx.cards.push(fit_card("card_fit_next", next)),
            None => ctx.cards.push(Card::new(
                t.fill("card_fit_next", &[("grade", "—")]),
                "—".into(),
                t.label("highest_grade"),
                "na",
            )),
        }
    }
    ctx.cards.push(Card::new(
        t.label("placement"),
        match view.placement(m) {
            Shown::Value(g) => env.grade_name(Some(g)),
            Shown::Missing => env.grade_name(None),
            Shown::Withheld => super::WITHHELD.to_string(),
        },
        String::new(),
        "na",
    ));
    let ready = next.map(|g| view.meets(m, g));
    ctx.cards.push(Card::new(
        t.label("ready_next"),
        match ready {
            Some(Shown::Value(true)) => t.label("yes"),
            Some(Shown::Value(false)) => t.label("no"),
            Some(_) => super::WITHHELD.to_string(),
            None => "—".into(),
        },
        match next {
            Some(g) => m.grades[g].name.clone(),
            None => t.label("highest_grade"),
        },
        match ready {
            Some(Shown::Value(true)) => "pos",
            Some(Shown::Value(false)) => "neg",
            _ => "na",
        },
    ));

    // The summary in words: placement, own grade, next grade (the plan's
    // sentence is added below, once the plan is made).
    let spreads = view.spreads(m, data, pp);
    ctx.why = why(env, &view, &spreads, target, next);

    // Charts: withheld competencies have no point and no bar value.
    let axes: Vec<String> = m.competencies.iter().map(|c| c.name.clone()).collect();
    let mut series = vec![Series {
        name: t.fill("series_person", &[("name", &ctx.name)]),
        values: s.competency.clone(),
        color: charts::PERSON,
        dashed: false,
        fill: true,
        width: 2,
    }];
    if let Some(g) = target {
        series.push(Series {
            name: t.fill("series_required", &[("grade", &m.grades[g].name)]),
            values: m.competencies.iter().map(|c| c.requirement(g)).collect(),
            color: charts::TARGET,
            dashed: false,
            fill: false,
            width: 2,
        });
    }
    if let Some(g) = next {
        series.push(Series {
            name: t.fill("series_required", &[("grade", &m.grades[g].name)]),
            values: m.competencies.iter().map(|c| c.requirement(g)).collect(),
            color: charts::NEXT,
            dashed: true,
            fill: false,
            width: 2,
        });
    }
    ctx.radar = charts::radar(
        &t.label("radar_title"),
        &axes,
        &series,
        m.scale.min_f(),
        m.scale.max_f(),
    )?;
    if let Some(g) = &gaps {
        // Each bar with the 95% interval of its score, moved to gap terms;
        // none where the page may not show the spread (`View::spreads`).
        let mut items: Vec<(String, Shown<f64>, Whisker)> = m
            .competencies
            .iter()
            .enumerate()
            .filter_map(|(c, comp)| {
                let req = g.gaps.competency_required[c]?;
                let whisker = match (g.competency[c], spreads[c]) {
                    (Shown::Value(_), Spread::Interval(lo, hi)) if hi > lo => {
                        Some((lo - req, hi - req))
                    }
                    _ => None,
                };
                Some((comp.name.clone(), g.competency[c], whisker))
            })
            .collect();
        // Largest shortfall first; not assessed, then withheld, last.
        let rank = |x: &Shown<f64>| match x {
            Shown::Value(_) => 0,
            Shown::Missing => 1,
            Shown::Withheld => 2,
        };
        items.sort_by(|a, b| match (a.1, b.1) {
            (Shown::Value(x), Shown::Value(y)) => x.total_cmp(&y),
            (x, y) => rank(&x).cmp(&rank(&y)),
        });
        ctx.any_interval = items.iter().any(|i| i.2.is_some());
        let (bars, whiskers): (Vec<(String, Shown<f64>)>, Vec<Whisker>) =
            items.into_iter().map(|(n, v, w)| ((n, v), w)).unzip();
        ctx.gaps = charts::gap_bars_with(&t.label("gap_chart_title"), &bars, &whiskers, "0")?;
    }

    // The competency table, with the group columns of the shown groups.
    for (k, cat) in m.categories.iter().enumerate() {
        let gap = gaps.as_ref().map_or(Shown::Missing, |g| g.category[k]);
        ctx.rows.push(Row {
            kind: "category",
            name: cat.name.clone(),
            critical: false,
            required: num(gaps.as_ref().and_then(|g| g.gaps.category_required[k])),
            score: num_shown(view.category(k)),
            gap: signed_shown(gap),
            gap_class: gap_class_shown(gap),
            low_precision: false,
            cells: shown
                .iter()
                .map(|_| CellCtx {
                    text: String::new(),
                    class: "na",
                })
                .collect(),
        });
        for c in m.competencies_of(k) {
            let comp = &m.competencies[c];
            let gap = gaps.as_ref().map_or(Shown::Missing, |g| g.competency[c]);
            let cells = shown
                .iter()
                .map(|&g| match sd.cell(m, &view, pp, c, g) {
                    CellView::Mean(v) => CellCtx {
                        text: num(Some(v)),
                        class: "mean",
                    },
                    CellView::NoRating => CellCtx {
                        text: "·".into(),
                        class: "na",
                    },
                    CellView::Withheld => CellCtx {
                        text: super::WITHHELD.into(),
                        class: "withheld",
                    },
                })
                .collect();
            ctx.rows.push(Row {
                kind: "competency",
                name: comp.name.clone(),
                critical: comp.critical,
                required: num(gaps.as_ref().and_then(|g| g.gaps.competency_required[c])),
                score: num_shown(view.competency(c)),
                gap: signed_shown(gap),
                gap_class: gap_class_shown(gap),
                low_precision: view.low_precision(c),
                cells,
            });
        }
    }
    ctx.any_withheld_cell = ctx
        .rows
        .iter()
        .any(|r| r.score == super::WITHHELD || r.cells.iter().any(|c| c.text == super::WITHHELD));
    ctx.any_low_precision = ctx.rows.iter().any(|r| r.low_precision);

    // Blind spots and hidden strengths: self against the others' view (§1
    // without the self group), classified as `ksa stats self-other` does —
    // a difference beyond the threshold — but per competency. Only where
    // the score is shown: the others' view is that score when self counts
    // for nothing, as it usually does.
    if let Some(sg) = self_other::self_group(m) {
        if matches!(view.groups[sg], GroupStatus::Shown(_)) {
            ctx.self_available = true;
            for (c, comp) in m.competencies.iter().enumerate() {
                let (CellView::Mean(me), Shown::Value(_)) =
                    (sd.cell(m, &view, pp, c, sg), view.competency(c))
                else {
                    continue;
                };
                let Some(others) = score::others_score(m, data, pp, c, sg) else {
                    continue;
                };
                let d = me - others;
                let spot = Spot {
                    name: comp.name.clone(),
                    self_score: num(Some(me)),
                    others: num(Some(others)),
                    diff: signed(Some(d)),
                };
                match self_other::Class::of(d, opts.blind_spot_threshold) {
                    self_other::Class::OverRater => ctx.blind_spots.push(spot),
                    self_other::Class::UnderRater => ctx.hidden_strengths.push(spot),
                    self_other::Class::InAgreement => {}
                }
            }
        }
    }

    // Shortfalls with what good looks like at the required level.
    if let (Some(g), Some(tg)) = (&gaps, target) {
        for (c, comp) in m.competencies.iter().enumerate() {
            let Some(req) = g.gaps.competency_required[c] else {
                continue;
            };
            match view.competency(c) {
                Shown::Withheld => ctx.withheld_required.push(comp.name.clone()),
                Shown::Missing => ctx.not_assessed.push(comp.name.clone()),
                Shown::Value(sc) if score::status(m, c, Some(sc), tg).below_requirement() => {
                    let (level, indicator) = match comp.indicator_for(req) {
                        Some((l, text)) => (
                            match m.scale.label(l) {
                                Some(lab) => format!("{l} · {lab}"),
                                None => l.to_string(),
                            },
                            text.to_string(),
                        ),
                        None => (fmt_level(req), t.label("no_indicator")),
                    };
                    ctx.shortfalls.push(Shortfall {
                        name: comp.name.clone(),
                        critical: comp.critical,
                        required: num(Some(req)),
                        score: num(Some(sc)),
                        gap: signed(Some(sc - req)),
                        level,
                        indicator,
                    });
                }
                Shown::Value(_) => {}
            }
        }
    }

    let plan = super::plan::person_plan(
        env,
        &view,
        &spreads,
        p.grade,
        super::plan::choice(opts.grade),
        budget,
    );
    ctx.why.push(Why {
        label: t.label("why_plan"),
        text: plan.sentence(env),
        class: "plan",
    });
    ctx.plan = Some(plan);

    if let Some(prev) = prev {
        ctx.change = Some(change(env, sd, pp, prev, &view)?);
    }
    Ok(ctx)
}

/// The summary's sentences (`analysis::explain` through the page's view):
/// why the placement is what it is — the grade above it and what stops it
/// — and the verdict on the own (target) grade and the next one, each with
/// what it needs.
fn why(
    env: &Env,
    view: &View,
    spreads: &[Spread],
    target: Option<usize>,
    next: Option<usize>,
) -> Vec<Why> {
    let m = env.model;
    let t = env.templates;
    let lang = env.lang();
    let name = |g: usize| m.grades[g].name.clone();
    let verdict = |g: usize| -> (String, &'static str) {
        match view.explain(m, g, spreads) {
            Shown::Value(e) => (
                explain::sentence(m, &e, lang),
                match e.verdict {
                    Verdict::Meets => "pos",
                    Verdict::MeetsBorderline | Verdict::ShortBorderline => "borderline",
                    Verdict::Short => "neg",
                },
            ),
            _ => (t.fill("why_withheld", &[("grade", &name(g))]), "withheld"),
        }
    };
    // The grade above the placement explains it, unless a later line does.
    let listed = |g: usize| Some(g) == target || Some(g) == next;
    let above = |up: Option<usize>, key: &str, grade: &str| -> (String, &'static str) {
        match up {
            None => (t.fill("why_placement_top", &[("grade", grade)]), "pos"),
            Some(up) if listed(up) => (
                t.fill("why_placement_see", &[("grade", grade), ("up", &name(up))]),
                "na",
            ),
            Some(up) => {
                let (reason, class) = verdict(up);
                (t.fill(key, &[("grade", grade), ("reason", &reason)]), class)
            }
        }
    };
    let (text, class) = match view.placement(m) {
        Shown::Withheld => (t.label("why_placement_withheld"), "withheld"),
        Shown::Value(g) => above(m.next_grade(g), "why_placement", &name(g)),
        Shown::Missing if m.grades.is_empty() => (String::new(), "na"),
        Shown::Missing if listed(0) => {
            (t.fill("why_placement_none_see", &[("up", &name(0))]), "neg")
        }
        Shown::Missing => {
            let (reason, _) = verdict(0);
            (t.fill("why_placement_none", &[("reason", &reason)]), "neg")
        }
    };
    let mut out = vec![Why {
        label: t.label("placement"),
        text,
        class,
    }];
    for (g, key) in [(target, "why_target"), (next, "why_next")] {
        if let Some(g) = g {
            let (text, class) = verdict(g);
            out.push(Why {
                label: t.fill(key, &[("grade", &name(g))]),
                text,
                class,
            });
        }
    }
    out
}

/// A comment as printed: at most `MAX_COMMENT_CHARS` characters, a longer
/// one cut with a note saying how much was left out.
fn cut_comment(t: &super::Templates, text: &str) -> String {
    match text.char_indices().nth(MAX_COMMENT_CHARS) {
        None => text.to_string(),
        Some((i, _)) => {
            let rest = text[i..].chars().count();
            format!(
                "{}… {}",
                &text[..i],
                t.fill(
                    "comment_cut",
                    &[
                        ("n", &rest.to_string()),
                        ("max", &MAX_COMMENT_CHARS.to_string())
                    ]
                )
            )
        }
    }
}

fn change(env: &Env, sd: &Screened, pp: usize, prev: usize, now: &View) -> Result<Change> {
    let m = env.model;
    let t = env.templates;
    let data: &Dataset = &sd.data;
    let before_p = &data.people[prev];
    let p = &data.people[pp];
    let heading = t.fill("change_since", &[("period", &before_p.period)]);
    let before = sd.view(m, prev, &env.weights);
    if before.scores_withheld {
        return Ok(Change {
            heading,
            grade_note: t.label("change_withheld"),
            rows: Vec::new(),
        });
    }
    let grade_note = if before_p.grade != p.grade {
        t.fill(
            "grade_changed",
            &[
                ("from", &env.grade_name(before_p.grade)),
                ("to", &env.grade_name(p.grade)),
            ],
        )
    } else {
        String::new()
    };
    let row = |kind: &'static str, name: String, b: Shown<f64>, n: Shown<f64>| {
        let d = match (b, n) {
            (Shown::Value(b), Shown::Value(n)) => Shown::Value(n - b),
            (Shown::Withheld, _) | (_, Shown::Withheld) => Shown::Withheld,
            _ => Shown::Missing,
        };
        ChangeRow {
            kind,
            name,
            before: num_shown(b),
            now: num_shown(n),
            delta: signed_shown(d),
            class: gap_class_shown(d),
        }
    };
    // In tree order, as the competency table: overall, then each category
    // followed by its competencies.
    let mut rows = vec![row(
        "overall",
        t.label("overall"),
        before.overall(),
        now.overall(),
    )];
    for (k, cat) in m.categories.iter().enumerate() {
        rows.push(row(
            "category",
            cat.name.clone(),
            before.category(k),
            now.category(k),
        ));
        for c in m.competencies_of(k) {
            let name = m.competencies[c].name.clone();
            rows.push(row(
                "competency",
                name,
                before.competency(c),
                now.competency(c),
            ));
        }
    }
    Ok(Change {
        heading,
        grade_note,
        rows,
    })
}
