//! `ksa report org`: the organisation roll-up as a small linked site, from
//! the whole bank down to the teams (`analysis::org`).
//!
//! - `index.html` is the top unit; every unit with sub-units gets a page of
//!   the same parts over its own sub-units: summary cards, met / borderline
//!   / short per grade, a table of the sub-units, a sub-units ×
//!   competencies heatmap coloured by the difference from the bank's mean
//!   gap, and the training needs as counts, never as lists of names.
//! - A unit of at most [`LEAF_PEOPLE`] people (or one without sub-units) is
//!   a leaf: its page is the team report of its people, with names, the
//!   9-box and the training attendees.
//! - Every page links up the tree (breadcrumbs) and down to its sub-units.
//!
//! Pages stay small whatever the bank's size: a table lists at most
//! [`TABLE_ROWS`] units (the rest go to continuation pages linked below
//! it), a heatmap at most [`HEATMAP_ROWS`], and no page lists people
//! unless it is a leaf.

use super::charts;
use super::names::Namer;
use super::team::{self, OrgPage, TeamOptions, VerdictRow};
use super::{num, pct, Card, Env, NavLink, Page};
use crate::analysis::org::{self, PersonFacts, Rollup, Tree};
use crate::anonymity::{Screened, Shown};
use crate::error::Result;
use crate::ingest::Dataset;
use crate::model::Model;
use crate::plan::team::member_needs;
use crate::plan::Budget;
use crate::plan::TargetChoice;
use crate::score::Weights;
use serde::Serialize;

/// A unit of at most this many people is a leaf: its page lists them.
pub const LEAF_PEOPLE: usize = 100;
/// The most rows of a units table on one page; more go to continuation
/// pages of the same size.
pub const TABLE_ROWS: usize = 100;
/// The most units in a heatmap: those meeting their grade least often.
pub const HEATMAP_ROWS: usize = 40;
/// A heatmap cell is fully coloured at this many levels from the bank's
/// mean gap.
pub const HEATMAP_SATURATION: f64 = 0.5;
/// The weakest competencies named per unit.
pub const WEAKEST: usize = 3;

/// The subfolder of the site that `--individual` writes the individual
/// reports into.
pub const PEOPLE_FOLDER: &str = "people";

#[derive(Debug, Clone)]
pub struct OrgOptions {
    pub period: Option<String>,
    pub separator: String,
    /// Each person-period's individual report, as a link from the site's
    /// pages, by person-period (empty: no links).
    pub links: Vec<Option<String>>,
}

/// The links from the site's pages to the reports `individual::write_each`
/// wrote into [`PEOPLE_FOLDER`], by person-period of `people` in all.
pub fn person_links(people: usize, written: &super::individual::Written) -> Vec<Option<String>> {
    let mut links = vec![None; people];
    for (pp, href) in &written.hrefs {
        links[*pp] = Some(format!("{PEOPLE_FOLDER}/{href}"));
    }
    links
}

#[derive(Serialize)]
struct UnitRow {
    name: String,
    href: String,
    leaf: bool,
    people: usize,
    meeting: String,
    meeting_n: String,
    weakest: String,
    hours: String,
}

#[derive(Serialize)]
struct CourseRow {
    id: String,
    name: String,
    people: usize,
    hours: String,
    cost: String,
}

#[derive(Serialize)]
struct PageLink {
    label: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct OrgCtx {
    scope: String,
    period: String,
    /// A continuation page holds the units table only.
    continuation: bool,
    cards: Vec<Card>,
    verdict_rows: Vec<VerdictRow>,
    verdicts_withheld: bool,
    units: Vec<UnitRow>,
    /// Links to every page of the units table (empty when one page).
    unit_pages: Vec<PageLink>,
    heatmap: String,
    heatmap_note: String,
    courses: Vec<CourseRow>,
    training_note: String,
    no_unit: String,
    /// The index of the individual reports (`--individual`), on the top
    /// page; "" when none were written.
    people_index: String,
}

/// Whether unit `u` is a leaf: its page lists its people (the top only
/// when it has no sub-units).
pub fn is_leaf(tree: &Tree, u: usize) -> bool {
    let unit = &tree.units[u];
    unit.children.is_empty() || (u != 0 && unit.members.len() <= LEAF_PEOPLE)
}

/// The organisation tree of a period and every unit's roll-up.
pub struct OrgRollup {
    pub period: String,
    pub tree: Tree,
    /// By unit index of `tree`.
    pub rollups: Vec<Rollup>,
}

/// Builds the tree of `opts.period` (the latest by default) and rolls up
/// what each person's own page shows.
pub fn roll_up(env: &Env, sd: &Screened, opts: &OrgOptions) -> Result<OrgRollup> {
    let m = env.model;
    let data: &Dataset = &sd.data;
    let period = data.period_or_latest(opts.period.as_deref())?;
    let members = data.members(&period, None)?;
    let tree = org::tree(data, &members, &opts.separator);
    let mut facts = vec![None; data.people.len()];
    for &pp in &members {
        facts[pp] = Some(person_facts(m, sd, pp, &env.weights));
    }
    let rollups = org::rollups(m, &tree, &facts);
    Ok(OrgRollup {
        period,
        tree,
        rollups,
    })
}

/// Renders the whole site, page by page, handing each to `write` (top
/// first). Returns the number of pages.
pub fn render_site(
    env: &Env,
    data: &Dataset,
    opts: &OrgOptions,
    mut write: impl FnMut(Page) -> Result<()>,
) -> Result<usize> {
    let sd = env.screen(data);
    let OrgRollup {
        period,
        tree,
        rollups,
    } = roll_up(env, &sd, opts)?;

    // Which units get a page, and its name: the top, every unit with
    // sub-units, and each leaf (whose sub-units, if any, are on it).
    let leaf = |u: usize| is_leaf(&tree, u);
    let mut namer = Namer::new();
    namer.name("index", &[]);
    let href: Vec<Option<String>> = (0..tree.units.len())
        .map(|u| {
            let below_leaf = tree.ancestry(u)[..tree.units[u].depth]
                .iter()
                .any(|&a| a != 0 && leaf(a));
            if u == 0 {
                Some("index.html".to_string())
            } else if below_leaf {
                None
            } else {
                let parts: Vec<&str> = tree.units[u].path.iter().map(String::as_str).collect();
                Some(namer.name("unit", &parts))
            }
        })
        .collect();
    let scope_of = |u: usize| match tree.units[u].path.is_empty() {
        true => env.templates.label("whole_bank"),
        false => tree.units[u].joined(&opts.separator),
    };
    let nav = |u: usize| -> Vec<NavLink> {
        if u == 0 {
            return Vec::new();
        }
        tree.ancestry(u)
            .into_iter()
            .map(|a| NavLink {
                name: match tree.units[a].name.is_empty() {
                    true => env.templates.label("whole_bank"),
                    false => tree.units[a].name.clone(),
                },
                href: if a == u {
                    String::new()
                } else {
                    href[a].clone().unwrap_or_default()
                },
            })
            .collect()
    };

    let mut pages = 0;
    for u in 0..tree.units.len() {
        let Some(file_name) = href[u].clone() else {
            continue;
        };
        if leaf(u) {
            let topts = TeamOptions {
                period: Some(period.clone()),
                org: Some(OrgPage {
                    members: tree.units[u].members.clone(),
                    scope: scope_of(u),
                    file_name,
                    nav: nav(u),
                    names_limit: LEAF_PEOPLE,
                    links: match opts.links.is_empty() {
                        true => Vec::new(),
                        false => tree.units[u]
                            .members
                            .iter()
                            .map(|&pp| opts.links[pp].clone())
                            .collect(),
                    },
                }),
                ..TeamOptions::default()
            };
            write(team::render_screened(env, &sd, &topts, Budget::UNLIMITED)?)?;
            pages += 1;
            continue;
        }
        for page in unit_pages(
            env,
            &tree,
            &rollups,
            &href,
            u,
            &scope_of(u),
            &period,
            nav(u),
            match u == 0 && !opts.links.is_empty() {
                true => format!("{PEOPLE_FOLDER}/index.html"),
                false => String::new(),
            },
        )? {
            write(page)?;
            pages += 1;
        }
    }
    Ok(pages)
}

/// A unit's page, and the continuation pages of its units table.
#[allow(clippy::too_many_arguments)]
fn unit_pages(
    env: &Env,
    tree: &Tree,
    rollups: &[Rollup],
    href: &[Option<String>],
    u: usize,
    scope: &str,
    period: &str,
    nav: Vec<NavLink>,
    people_index: String,
) -> Result<Vec<Page>> {
    let m = env.model;
    let t = env.templates;
    let r = &rollups[u];
    let bank = &rollups[0];

    // Sub-units, meeting their grade least often first, then by name.
    let mut subs: Vec<usize> = tree.units[u].children.clone();
    subs.sort_by(|&a, &b| {
        let key = |x: usize| rollups[x].meeting_share().unwrap_or(f64::INFINITY);
        key(a)
            .total_cmp(&key(b))
            .then_with(|| tree.units[a].name.cmp(&tree.units[b].name))
    });
    let rows: Vec<UnitRow> = subs
        .iter()
        .map(|&c| {
            let rc = &rollups[c];
            let (meets, judged) = rc.meeting();
            UnitRow {
                name: tree.units[c].name.clone(),
                href: href[c].clone().unwrap_or_default(),
                leaf: is_leaf(tree, c),
                people: rc.people,
                meeting: pct(rc.meeting_share()),
                meeting_n: format!("{meets} / {judged}"),
                weakest: rc
                    .weakest(WEAKEST)
                    .into_iter()
                    .map(|k| {
                        format!(
                            "{} {}",
                            m.competencies[k].name,
                            super::signed(rc.mean_gap(k))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(t.label("list_separator").as_str()),
                hours: num(Some(rc.training(m).0)),
            }
        })
        .collect();

    // Heatmap: the sub-units meeting least often, each competency's mean
    // gap less the bank's.
    let cols: Vec<String> = m.competencies.iter().map(|c| c.name.clone()).collect();
    let shown: Vec<usize> = subs.iter().copied().take(HEATMAP_ROWS).collect();
    let values: Vec<Vec<Shown<f64>>> = shown
        .iter()
        .map(|&c| {
            (0..cols.len())
                .map(|k| {
                    let d = rollups[c]
                        .mean_gap(k)
                        .zip(bank.mean_gap(k))
                        .map(|(a, b)| a - b);
                    Shown::new(d, false)
                })
                .collect()
        })
        .collect();
    let heat_rows: Vec<String> = shown
        .iter()
        .map(|&c| format!("{} (n={})", tree.units[c].name, rollups[c].people))
        .collect();
    let heatmap = if shown.is_empty() {
        String::new()
    } else {
        charts::heatmap_scaled(
            &t.label("org_heatmap_title"),
            &heat_rows,
            &cols,
            &values,
            &t.label("org_heatmap_legend"),
            HEATMAP_SATURATION,
        )?
    };
    let heatmap_note = if subs.len() > HEATMAP_ROWS {
        t.fill(
            "org_heatmap_note_more",
            &[
                ("n", &HEATMAP_ROWS.to_string()),
                ("all", &subs.len().to_string()),
            ],
        )
    } else {
        t.label("org_heatmap_note")
    };

    let (meets, judged) = r.meeting();
    let (hours, _) = r.training(m);
    let mut cards = vec![
        Card::new(t.label("people"), r.people.to_string(), String::new(), "na"),
        Card::new(
            t.label("org_meeting"),
            pct(r.meeting_share()),
            format!("{meets} / {judged}"),
            "na",
        ),
        Card::new(
            t.label("org_training_hours"),
            num(Some(hours)),
            t.fill("org_in_need", &[("n", &r.in_need.to_string())]),
            "na",
        ),
        Card::new(
            t.label("org_low_precision"),
            pct(r.low_precision_share()),
            String::new(),
            "na",
        ),
    ];
    if r.withheld > 0 {
        cards.push(Card::new(
            t.label("withheld_people"),
            r.withheld.to_string(),
            t.label("withheld_people_note"),
            "na",
        ));
    }
    let verdict_rows: Vec<VerdictRow> = m
        .grades
        .iter()
        .zip(&r.verdicts)
        .filter(|(_, c)| c.iter().sum::<usize>() > 0)
        .map(|(g, c)| VerdictRow {
            grade: g.name.clone(),
            counts: *c,
            total: c.iter().sum(),
        })
        .collect();
    let courses: Vec<CourseRow> = m
        .training
        .iter()
        .zip(&r.course_people)
        .filter(|(_, &n)| n > 0)
        .map(|(c, &n)| CourseRow {
            id: c.id.clone(),
            name: c.name.clone(),
            people: n,
            hours: num(Some(c.hours * n as f64)),
            cost: num(Some(c.cost * n as f64)),
        })
        .collect();
    let no_unit = match (u, tree.no_unit) {
        (0, n) if n > 0 => t.fill("org_no_unit", &[("n", &n.to_string())]),
        _ => String::new(),
    };

    // The units table in chunks: the first on the unit's page, the rest on
    // continuation pages `<page>.p2.html`, … (a unit's own name never
    // holds a dot: `names`, so these never clash with a unit's page).
    let file_name = href[u].clone().unwrap_or_default();
    let stem = file_name.trim_end_matches(".html").to_string();
    let chunk_name = |i: usize| match i {
        0 => file_name.clone(),
        _ => format!("{stem}.p{}.html", i + 1),
    };
    let mut chunks: Vec<Vec<UnitRow>> = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        chunks.push(rows.by_ref().take(TABLE_ROWS).collect());
    }
    if chunks.is_empty() {
        chunks.push(Vec::new());
    }
    let n_chunks = chunks.len();
    let mut pages = Vec::new();
    let mut heatmap = Some(heatmap);
    let mut extras = Some((cards, verdict_rows, courses));
    for (i, units) in chunks.into_iter().enumerate() {
        let unit_pages: Vec<PageLink> = match n_chunks {
            1 => Vec::new(),
            _ => (0..n_chunks)
                .map(|j| PageLink {
                    label: format!(
                        "{}–{}",
                        j * TABLE_ROWS + 1,
                        ((j + 1) * TABLE_ROWS).min(subs.len())
                    ),
                    href: chunk_name(j),
                    current: j == i,
                })
                .collect(),
        };
        let (cards, verdict_rows, courses) = extras.take().unwrap_or_default();
        let ctx_o = OrgCtx {
            scope: scope.to_string(),
            period: period.to_string(),
            continuation: i > 0,
            cards,
            verdicts_withheld: verdict_rows.iter().any(|r| r.counts[4] > 0),
            verdict_rows,
            units,
            unit_pages,
            heatmap: heatmap.take().unwrap_or_default(),
            heatmap_note: heatmap_note.clone(),
            courses,
            training_note: t.label("org_training_note"),
            no_unit: no_unit.clone(),
            people_index: match i {
                0 => people_index.clone(),
                _ => String::new(),
            },
        };
        let title = format!("{} · {} {}", t.label("title_org"), scope, period);
        let mut ctx = env.base_context(&title);
        ctx.insert("org", &ctx_o);
        let mut page_nav = nav.clone();
        if i > 0 {
            if let Some(last) = page_nav.last_mut() {
                last.href = file_name.clone();
            }
        }
        ctx.insert("nav", &page_nav);
        pages.push(Page {
            file_name: chunk_name(i),
            html: t.render("org.html", &ctx)?,
        });
    }
    Ok(pages)
}

/// What person-period `pp`'s own page shows, for the roll-up
/// ([`PersonFacts`]).
fn person_facts(model: &Model, sd: &Screened, pp: usize, weights: &Weights) -> PersonFacts {
    let data = &sd.data;
    let view = sd.view(model, pp, weights);
    let grade = data.people[pp].grade;
    let n_c = model.competencies.len();
    if view.scores_withheld {
        return PersonFacts {
            grade,
            verdict: None,
            verdict_withheld: true,
            gaps: vec![None; n_c],
            shown_scores: 0,
            low_precision: 0,
            courses: Vec::new(),
            withheld: true,
        };
    }
    let (verdict, gaps) = match grade {
        Some(g) => {
            let why = view.explain(model, g, &view.spreads(model, data, pp));
            let gaps = view.gaps(model, g, weights).competency;
            (why, gaps.into_iter().map(Shown::value).collect())
        }
        None => (Shown::Missing, vec![None; n_c]),
    };
    let needs = member_needs(
        model,
        &view.scores,
        grade,
        TargetChoice::Own,
        weights,
        |_| None,
    );
    PersonFacts {
        grade,
        verdict_withheld: matches!(verdict, Shown::Withheld),
        verdict: match verdict {
            Shown::Value(e) => Some(e.verdict),
            _ => None,
        },
        gaps,
        shown_scores: (0..n_c)
            .filter(|&c| view.competency(c).value().is_some())
            .count(),
        low_precision: (0..n_c).filter(|&c| view.low_precision(c)).count(),
        courses: needs
            .plan
            .iter()
            .map(|&i| needs.pi.item_course[i])
            .collect(),
        withheld: false,
    }
}
