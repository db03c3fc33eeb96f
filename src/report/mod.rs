//! HTML reports for managers: the individual gap report, the team report and the
//! candidate comparison, each one self-contained HTML file.
//!
//! The report stage is the last in the pipeline: it reads the model, the
//! accumulated `Dataset` and the scores computed from it by `score`, and
//! never goes back to ingestion. Every number a page shows comes through
//! `crate::anonymity::View`, which decides what of each rater group may be
//! shown. This module builds the template contexts; `charts` draws the SVG
//! charts, `templates` loads the Tera templates and labels, and one file per
//! report kind assembles its page.

pub mod charts;
pub mod compare;
pub mod individual;
pub mod names;
pub mod org;
pub mod plan;
pub mod team;
pub mod templates;

use crate::anonymity::{Mode, Shown};
use crate::error::{KsaError, Result};
use crate::files::dest::OutputFolder;
use crate::files::Audit;
use crate::ingest::Dataset;
use crate::model::{Language, Model};
use crate::score::at_least;
use crate::score::round::format_rounded;
use crate::score::Weights;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use templates::Templates;

/// What every report of one run shares.
pub struct Env<'a> {
    pub model: &'a Model,
    pub weights: Weights,
    /// The weighting's id, when `--weighting` chose one (named on the page).
    pub weighting: Option<String>,
    pub templates: &'a Templates,
    pub audit: Audit,
    /// `--strict-anonymity`: pages computed from the shown ratings only.
    pub anonymity: Mode,
}

impl Env<'_> {
    pub fn lang(&self) -> Language {
        self.templates.lang
    }

    /// The context every page starts from: labels, audit line, language.
    fn base_context(&self, title: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("l", &self.templates.labels);
        ctx.insert("audit", &self.audit);
        ctx.insert(
            "lang_html",
            match self.lang() {
                Language::Zh => "zh-CN",
                Language::En => "en",
            },
        );
        ctx.insert("title", title);
        ctx.insert("model_name", &self.model.name);
        ctx.insert("weighting", &self.weighting);
        ctx.insert("strict_anonymity", &(self.anonymity == Mode::Strict));
        ctx.insert("nav", &Vec::<NavLink>::new());
        ctx
    }

    /// The data and anonymity mask every page of `data` is computed from.
    pub fn screen<'d>(&self, data: &'d Dataset) -> crate::anonymity::Screened<'d> {
        crate::anonymity::Screened::new(self.model, data, self.anonymity)
    }

    pub fn grade_name(&self, g: Option<usize>) -> String {
        match g {
            Some(g) => self.model.grades[g].name.clone(),
            None => self.templates.label("none"),
        }
    }
}

/// One finished page: its file name inside `--out` and its text.
pub struct Page {
    pub file_name: String,
    pub html: String,
}

/// Writes a page into the output folder, whole: never over an input and
/// never through a link (`OutputFolder::file`). The name comes from
/// `names`, which only ever makes plain file names; checked again here so
/// that no page can be written outside the folder.
pub fn write_page(folder: &OutputFolder, page: &Page) -> Result<PathBuf> {
    let plain = Path::new(&page.file_name)
        .file_name()
        .is_some_and(|n| n == page.file_name.as_str());
    if !plain || page.file_name.starts_with('.') {
        return Err(KsaError::Other(format!(
            "refusing to write report file \"{}\": not a plain file name",
            page.file_name
        )));
    }
    folder.write(&page.file_name, |mut w| {
        w.write_all(page.html.as_bytes())?;
        w.flush()
    })
}

/// The files `ksa report` may write into its folder: pages, `.html`, whose
/// names come from the data. Its entries of that kind are checked against
/// the inputs before anything is read, so an input there (a template, when
/// `--templates` and `--out` are one folder) is refused before any page is
/// written. (The rejects file is checked with the reading flags.)
pub fn is_report_file(name: &str) -> bool {
    name.ends_with(".html")
}

/// Numbers as reports show them: rounded as in scoring.md §7.
pub fn num(x: Option<f64>) -> String {
    x.map(|v| format_rounded(v, 2))
        .unwrap_or_else(|| "—".to_string())
}

/// A gap with its sign, so "+0.50" and "-0.50" read apart at a glance.
/// An amount in a sentence (hours, cost): two decimals at most, none when
/// they are zeros ("116", "12.5").
pub fn amount(x: f64) -> String {
    let s = format_rounded(x, 2);
    match s.contains('.') {
        true => s.trim_end_matches('0').trim_end_matches('.').to_string(),
        false => s,
    }
}

pub fn signed(x: Option<f64>) -> String {
    match x {
        None => "—".to_string(),
        Some(v) => {
            let s = format_rounded(v, 2);
            if s.starts_with('-') || s == "0.00" {
                s
            } else {
                format!("+{s}")
            }
        }
    }
}

/// A fit as a percentage with one decimal.
pub fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{}%", format_rounded(v * 100.0, 1)))
        .unwrap_or_else(|| "—".to_string())
}

/// Whether `c` changes how the text around it is shown while showing nothing
/// itself: C0/C1 controls other than line feed and tab, the bidirectional
/// controls (U+061C, U+200E/F, U+202A–E, U+2066–9) and zero-width
/// characters (U+200B–D, U+2060–4, U+FEFF). A person id with U+202E would
/// otherwise turn the rest of a line around on a manager's page.
pub fn is_invisible_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Text from the data as a page shows it: every invisible control
/// (`is_invisible_control`) written out as `[U+XXXX]`, so it is seen and
/// acts on nothing.
pub fn visible_text(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_invisible_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_invisible_control(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The templates' escaping: invisible controls made visible, then HTML.
pub fn escape_html_visible(input: &str, w: &mut dyn Write) -> std::io::Result<()> {
    tera::escape_html(&visible_text(input), w)
}

/// The mark of a cell withheld for anonymity.
pub const WITHHELD: &str = "‡";

/// A shown number: rounded, "—" when undefined, "‡" when withheld.
pub fn num_shown(x: Shown<f64>) -> String {
    match x {
        Shown::Withheld => WITHHELD.to_string(),
        x => num(x.value()),
    }
}

/// A shown gap with its sign.
pub fn signed_shown(x: Shown<f64>) -> String {
    match x {
        Shown::Withheld => WITHHELD.to_string(),
        x => signed(x.value()),
    }
}

/// A shown fit as a percentage.
pub fn pct_shown(x: Shown<f64>) -> String {
    match x {
        Shown::Withheld => WITHHELD.to_string(),
        x => pct(x.value()),
    }
}

/// CSS class of a shown gap.
pub fn gap_class_shown(x: Shown<f64>) -> &'static str {
    match x {
        Shown::Withheld => "withheld",
        x => gap_class(x.value()),
    }
}

/// CSS class of a gap: shortfall, met, above.
pub fn gap_class(x: Option<f64>) -> &'static str {
    match x {
        None => "na",
        Some(v) if !at_least(v, 0.0) => "neg",
        Some(v) if !at_least(0.0, v) => "pos",
        Some(_) => "zero",
    }
}

/// A label and value shown as a summary card.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub label: String,
    pub value: String,
    pub note: String,
    pub class: String,
}

impl Card {
    pub fn new(label: String, value: String, note: String, class: &str) -> Card {
        Card {
            label,
            value,
            note,
            class: class.to_string(),
        }
    }
}

/// The text for a person: name and id, or the id alone.
pub fn display_name(p: &crate::ingest::PersonPeriod) -> String {
    match &p.name {
        Some(n) if !n.is_empty() => n.clone(),
        _ => p.person_id.clone(),
    }
}

/// A link up the organisation tree (`report org`): a unit's name and page.
#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub name: String,
    pub href: String,
}

/// A link on an index page (relative to the index).
#[derive(Debug, Clone, Serialize)]
pub struct IndexLink {
    pub title: String,
    pub href: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexPerson {
    pub name: String,
    pub person_id: String,
    pub unit: String,
    pub grade: String,
    pub period: String,
    pub href: String,
}

/// A unit folder of individual reports, with an index of its own.
#[derive(Debug, Clone, Serialize)]
pub struct IndexUnit {
    pub name: String,
    pub people: usize,
    pub href: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Index {
    pub links: Vec<IndexLink>,
    pub units: Vec<IndexUnit>,
    pub people: Vec<IndexPerson>,
}

impl Index {
    pub fn person(&mut self, env: &Env, data: &Dataset, pp: usize, href: String) {
        let p = &data.people[pp];
        self.people.push(IndexPerson {
            name: display_name(p),
            person_id: p.person_id.clone(),
            unit: p.unit.clone().unwrap_or_default(),
            grade: env.grade_name(p.grade),
            period: p.period.clone(),
            href,
        });
    }
}

/// The index page that links a set of reports (written by `ksa demo` and
/// `ksa report individual`).
pub fn render_index(env: &Env, index: &Index) -> Result<Page> {
    let mut ctx = env.base_context(&env.templates.label("title_index"));
    ctx.insert("index", index);
    Ok(Page {
        file_name: "index.html".to_string(),
        html: env.templates.render("index.html", &ctx)?,
    })
}
