//! `ksa model check` and `ksa model show`.

use crate::cli::{ModelCommand, ShowFormat};
use crate::error::{KsaError, Result};
use crate::model::template::starting_model;
use crate::model::{json_schema, load_model, Language};
use crate::output::model_tree;
use std::io::Write;

pub fn run(cmd: ModelCommand, quiet: bool) -> Result<()> {
    match cmd {
        ModelCommand::Check { files } => {
            // Check every file and report every problem before failing.
            let mut errors = Vec::new();
            for f in &files {
                match load_model(f) {
                    Ok(m) => {
                        super::warn_all(&m.warnings, quiet);
                        if !quiet {
                            eprintln!(
                                "ok: {}: {} ({} {}), {} competencies, {} grades",
                                f.display(),
                                m.model.name,
                                m.model.id,
                                m.model.version,
                                m.model.competencies.len(),
                                m.model.grades.len()
                            );
                        }
                    }
                    Err(e) => errors.extend(e.lines()),
                }
            }
            if errors.is_empty() {
                Ok(())
            } else {
                Err(KsaError::Invalid(errors))
            }
        }
        ModelCommand::Show { file, format, lang } => {
            let m = load_model(&file)?;
            super::warn_all(&m.warnings, quiet);
            let lang = super::reading::parse_lang(lang.as_deref(), m.model.language)?;
            let text = match format {
                ShowFormat::Table => model_tree::render(&m.model, lang),
                ShowFormat::Json => {
                    let mut s = serde_json::to_string_pretty(&m.model)
                        .map_err(|e| KsaError::Other(e.to_string()))?;
                    s.push('\n');
                    s
                }
            };
            print(&text)
        }
        ModelCommand::Schema => print(&json_schema()),
        ModelCommand::Init { grades, lang } => {
            let lang = super::reading::parse_lang(Some(&lang), Language::Zh)?;
            print(&starting_model(grades as usize, lang))
        }
        ModelCommand::Diff(args) => super::model_diff::run(&args, quiet),
    }
}

fn print(text: &str) -> Result<()> {
    crate::files::dest::write_output(None, |mut w| {
        w.write_all(text.as_bytes()).and_then(|_| w.flush())
    })
}
