//! The report templates and their labels.
//!
//! Built-in templates live in `reports/` and are compiled in with
//! `include_str!`, so the binary works from any folder. `--templates DIR`
//! works as zola's theme override does: a file in DIR with the same name as
//! a built-in one replaces it, other `.html`/`.css` files in DIR are added
//! (for a bank's own partials), and `DIR/labels/<lang>.toml` overrides
//! single labels. Every label of a language lives in one file
//! (`reports/labels/<lang>.toml`), never in the templates.

use crate::error::{KsaError, Result};
use crate::model::Language;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// (name, text) of every built-in template.
const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../reports/base.html")),
    ("report.css", include_str!("../../reports/report.css")),
    (
        "individual.html",
        include_str!("../../reports/individual.html"),
    ),
    ("team.html", include_str!("../../reports/team.html")),
    ("compare.html", include_str!("../../reports/compare.html")),
    ("index.html", include_str!("../../reports/index.html")),
    ("org.html", include_str!("../../reports/org.html")),
];

const LABELS_ZH: &str = include_str!("../../reports/labels/zh.toml");
const LABELS_EN: &str = include_str!("../../reports/labels/en.toml");

pub type Labels = BTreeMap<String, String>;

pub struct Templates {
    pub tera: tera::Tera,
    pub labels: Labels,
    pub lang: Language,
    /// The files read from `--templates DIR`: inputs, never overwritten.
    pub files: Vec<PathBuf>,
}

fn tera_error(what: &str, e: &tera::Error) -> String {
    // The cause chain holds the line and column of a template error.
    let mut msg = format!("{what}: {e}");
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(&format!(": {s}"));
        src = s.source();
    }
    msg
}

fn parse_labels(text: &str, origin: &str) -> Result<Labels> {
    toml::from_str::<Labels>(text)
        .map_err(|e| KsaError::invalid(format!("{origin}: {}", e.message())))
}

impl Templates {
    pub fn load(dir: Option<&Path>, lang: Language) -> Result<Templates> {
        let mut sources: BTreeMap<String, String> = BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut labels = parse_labels(
            match lang {
                Language::Zh => LABELS_ZH,
                Language::En => LABELS_EN,
            },
            "built-in labels",
        )?;
        let mut files = Vec::new();
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir)
                .map_err(|e| KsaError::invalid(format!("--templates {}: {e}", dir.display())))?;
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !p.is_file() || !(ext == "html" || ext == "css") {
                    continue;
                }
                let name = p.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
                    KsaError::invalid(format!("{}: template names must be UTF-8", p.display()))
                })?;
                let text = std::fs::read_to_string(&p).map_err(|e| {
                    KsaError::invalid(format!("{}: cannot read template: {e}", p.display()))
                })?;
                sources.insert(name.to_string(), text);
                files.push(p.clone());
            }
            let lp = dir.join("labels").join(format!("{}.toml", lang.code()));
            if lp.is_file() {
                let text = std::fs::read_to_string(&lp)
                    .map_err(|e| KsaError::invalid(format!("{}: {e}", lp.display())))?;
                labels.extend(parse_labels(&text, &lp.display().to_string())?);
                files.push(lp);
            }
        }
        let mut tera = tera::Tera::new();
        // Every value from the data is escaped in the HTML templates; charts
        // are inserted with `| safe` because they are built (and escaped) here.
        tera.autoescape_on([".html"]);
        // Escaping also shows bidirectional and zero-width controls
        // (`report::visible_text`), which HTML escaping leaves alone.
        tera.set_escape_fn(super::escape_html_visible);
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| KsaError::invalid(tera_error("templates", &e)))?;
        Ok(Templates {
            tera,
            labels,
            lang,
            files,
        })
    }

    /// A label by key; a missing key shows itself, so a custom label file
    /// that lacks one still renders.
    pub fn label(&self, key: &str) -> String {
        self.labels
            .get(key)
            .cloned()
            .unwrap_or_else(|| format!("[{key}]"))
    }

    /// A label with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.label(key);
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String> {
        self.tera
            .render(name, ctx)
            .map_err(|e| KsaError::invalid(tera_error(&format!("template {name}"), &e)))
    }
}
