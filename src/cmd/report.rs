//! `ksa report individual|team|compare|org`: read the model and evaluations,
//! score them, and write HTML reports into `--out DIR`.

use super::evaluate::{read_model, resolve_grade, resolve_weighting};
use super::reading::{self, Out};
use crate::anonymity::Mode;
use crate::cli::{ReportArgs, ReportKind};
use crate::error::{KsaError, Result};
use crate::files::audit;
use crate::files::dest::OutputFolder;
use crate::plan::Budget;
use crate::report::{self, compare, individual, org, team, Env, Templates};
use crate::score::Weights;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(args: &ReportArgs, quiet: bool) -> Result<()> {
    let eval = &args.eval;
    let out = eval.out.clone().ok_or_else(|| {
        KsaError::invalid("ksa report needs --out DIR: reports are written into a folder")
    })?;
    if eval.format.is_some() {
        return Err(KsaError::invalid(
            "--format does not apply to ksa report: reports are HTML",
        ));
    }
    if eval.bom {
        return Err(KsaError::invalid(
            "--bom does not apply to ksa report: reports are HTML",
        ));
    }
    if !(args.blind_spot_threshold.is_finite() && args.blind_spot_threshold > 0.0) {
        return Err(KsaError::invalid(format!(
            "--blind-spot-threshold: {} must be a positive number of levels",
            args.blind_spot_threshold
        )));
    }
    let page_like = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if page_like && !out.is_dir() {
        return Err(KsaError::invalid(format!(
            "--out {}: ksa report writes a folder of pages, not one file; name a folder (e.g. --out reports) and the page goes inside it",
            out.display()
        )));
    }
    if out.exists() && !out.is_dir() {
        return Err(KsaError::invalid(format!(
            "--out {}: is a file; ksa report writes into a folder",
            out.display()
        )));
    }
    // Model, flags and templates are checked before any data is read, so a
    // typo costs no pass over a large file.
    let model = read_model(eval, quiet)?;
    let lang = super::reading::parse_lang(eval.lang.as_deref(), model.language)?;
    let grade = args
        .grade
        .as_deref()
        .map(|g| resolve_grade(&model, g))
        .transpose()?;
    if args.kind == ReportKind::Compare && grade.is_none() {
        return Err(KsaError::invalid(
            "ksa report compare needs --grade G: the grade candidates are compared for",
        ));
    }
    let budget = Budget {
        hours: args.budget_hours,
        cost: args.budget_cost,
    };
    if args.kind == ReportKind::Compare && !budget.is_unlimited() {
        return Err(KsaError::invalid(
            "--budget-hours/--budget-cost apply to individual and team reports: the comparison has no training plan",
        ));
    }
    let resampling = args.bootstrap != crate::analysis::bootstrap::DEFAULT_RESAMPLES
        || args.seed != crate::analysis::bootstrap::DEFAULT_SEED;
    if args.kind != ReportKind::Compare && resampling {
        return Err(KsaError::invalid(
            "--bootstrap/--seed apply to the compare report: they give its rank intervals",
        ));
    }
    if args.bootstrap > crate::analysis::bootstrap::MAX_RESAMPLES {
        return Err(KsaError::invalid(format!(
            "--bootstrap {}: more than {}, the limit on resamples",
            args.bootstrap,
            crate::error::thousands(crate::analysis::bootstrap::MAX_RESAMPLES as u64)
        )));
    }
    if args.kind != ReportKind::Team && args.results.is_some() {
        return Err(KsaError::invalid(
            "--results applies to the team report: its 9-box shows job performance from it",
        ));
    }
    if args.kind == ReportKind::Org {
        check_org_flags(args, grade.is_some(), &budget)?;
    } else if args.kind != ReportKind::Individual && args.unit_separator.is_some() {
        return Err(KsaError::invalid(
            "--unit-separator applies to the org and individual reports: it splits unit paths into the organisation tree and the reports' unit folders",
        ));
    }
    if args.individual && args.kind != ReportKind::Org {
        return Err(KsaError::invalid(
            "--individual applies to the org report: it links the team pages' names to individual reports (ksa report individual writes them on their own)",
        ));
    }
    if args.unit_separator.as_deref().is_some_and(str::is_empty) {
        return Err(KsaError::invalid(
            "--unit-separator: must not be empty (the default is /)",
        ));
    }
    let weighting = resolve_weighting(&model, args.weighting.name())?;
    let templates = Templates::load(args.templates.as_deref(), lang)?;

    // Every input — evaluations, model, templates — is never replaced by a
    // page; one that sits in the folder under a page's kind of name is
    // refused before any data is read.
    let mut inputs = eval.evals.clone();
    inputs.push(eval.model.clone());
    inputs.extend(templates.files.iter().cloned());
    inputs.extend(args.results.iter().cloned());
    let folder = OutputFolder::create(&out, &inputs)?;
    folder.check_entries(report::is_report_file)?;
    // `--out` is a folder here, so rejects go into it rather than beside it.
    let other_inputs: Vec<&Path> = inputs[eval.evals.len()..]
        .iter()
        .map(PathBuf::as_path)
        .collect();
    // Comments appear only in individual reports; the team report's data
    // quality section needs who rated whom (ICCs, rater leniency).
    let mut opts =
        reading::ingest_options(&eval.reading, &eval.evals, Out::Folder(&out), &other_inputs)?;
    opts.keep_comments = args.kind == ReportKind::Individual;
    // The compare report resamples each candidate's ratings.
    opts.keep_ratings =
        args.kind == ReportKind::Team || (args.kind == ReportKind::Compare && args.bootstrap > 0);
    opts.progress = !quiet;
    let mut data = crate::ingest::ingest(&model, &eval.evals, &opts)?;
    super::warn_all(&data.warnings, quiet);

    let mut files = vec![audit::sha256_file(&eval.model)?];
    for f in eval.evals.iter().chain(&args.results) {
        files.push(audit::sha256_file(f)?);
    }
    let env = Env {
        model: &model,
        weights: Weights::new(&model, weighting),
        weighting: weighting.map(|w| w.id.clone()),
        templates: &templates,
        audit: crate::files::Audit::new(&model.id, &model.version, files)?,
        anonymity: if eval.strict_anonymity {
            Mode::Strict
        } else {
            Mode::Blended
        },
    };

    let stdout = std::io::stdout();
    let mut printed = stdout.lock();
    let mut announce =
        |p: &Path| writeln!(printed, "{}", p.display()).map_err(|e| KsaError::io("<stdout>", e));
    match args.kind {
        ReportKind::Individual => {
            let opts = individual::IndividualOptions {
                grade,
                period: args.period.clone(),
                unit: args.unit.clone(),
                // Under --pseudonymize, the person as given or as pseudonym.
                person: args.person.as_deref().map(|p| match &data.pseudonyms {
                    Some(ps) if !data.people.iter().any(|x| x.person_id == p) => ps.key().person(p),
                    _ => p.to_string(),
                }),
                blind_spot_threshold: args.blind_spot_threshold,
            };
            // File names are sanitised person ids (report::names), which
            // cannot always be read back: an index maps each person to
            // their file. A run of one report (`--person`) prints its file
            // and leaves an earlier run's index as it is.
            let written = individual::write_each(
                &env,
                &data,
                &opts,
                budget,
                &folder,
                &separator(args),
                false,
            )?;
            if written.reports <= individual::LIST_PATHS {
                for p in &written.paths {
                    announce(p)?;
                }
            }
            if let Some(top) = written.indexes.last() {
                announce(top)?;
            }
            if written.reports > individual::LIST_PATHS && !quiet {
                eprintln!(
                    "{} individual reports written into {} ({} unit folders); open {}",
                    crate::error::thousands(written.reports as u64),
                    out.display(),
                    crate::error::thousands(written.folders as u64),
                    out.join("index.html").display()
                );
            }
        }
        ReportKind::Team => {
            let period = data.period_or_latest(args.period.as_deref())?;
            let people = data.members(&period, args.unit.as_deref())?.len();
            if let Some(w) = team::too_many_people(people) {
                super::warn_all(&[w], quiet);
            }
            let performance = match &args.results {
                Some(path) => Some(performance(&model, &mut data, path, args, quiet)?),
                None => None,
            };
            let opts = team::TeamOptions {
                grade,
                period: args.period.clone(),
                unit: args.unit.clone(),
                performance,
                org: None,
            };
            announce(&report::write_page(
                &folder,
                &team::render_within(&env, &data, &opts, budget)?,
            )?)?;
        }
        ReportKind::Org => {
            let mut opts = org::OrgOptions {
                period: args.period.clone(),
                separator: separator(args),
                links: Vec::new(),
            };
            if args.individual {
                // The site's period only, each against their own grade.
                let period = data.period_or_latest(args.period.as_deref())?;
                let people = individual::write_each(
                    &env,
                    &data,
                    &individual::IndividualOptions {
                        grade: None,
                        period: Some(period),
                        unit: None,
                        person: None,
                        blind_spot_threshold: args.blind_spot_threshold,
                    },
                    Budget::UNLIMITED,
                    &folder.subfolder(org::PEOPLE_FOLDER)?,
                    &opts.separator,
                    true,
                )?;
                opts.links = org::person_links(data.people.len(), &people);
            }
            let mut index = None;
            let pages = org::render_site(&env, &data, &opts, |page| {
                let path = report::write_page(&folder, &page)?;
                index.get_or_insert(path);
                Ok(())
            })?;
            if let Some(index) = index {
                announce(&index)?;
            }
            if !quiet {
                eprintln!(
                    "{} pages written into {}; open {}",
                    crate::error::thousands(pages as u64),
                    out.display(),
                    out.join("index.html").display()
                );
            }
        }
        ReportKind::Compare => {
            let opts = compare::CompareOptions {
                // Checked above: compare always has a grade.
                grade: grade.unwrap_or_default(),
                period: args.period.clone(),
                resamples: args.bootstrap,
                seed: args.seed,
            };
            announce(&report::write_page(
                &folder,
                &compare::render(&env, &data, &opts)?,
            )?)?;
        }
    }
    eprintln!("{}", data.summary);
    Ok(())
}

/// `--unit-separator`, or `/`.
fn separator(args: &ReportArgs) -> String {
    args.unit_separator
        .clone()
        .unwrap_or_else(|| crate::analysis::org::DEFAULT_SEPARATOR.to_string())
}

/// `--results`: each person's job performance in the team's period
/// (`appraise::performance`), by person_id as the data holds it.
fn performance(
    model: &crate::model::Model,
    data: &mut crate::ingest::Dataset,
    path: &Path,
    args: &ReportArgs,
    quiet: bool,
) -> Result<HashMap<String, f64>> {
    let period = data.period_or_latest(args.period.as_deref())?;
    let results = super::appraise::read_results(path, &args.eval, &period, None, data, quiet)?;
    if !quiet {
        eprintln!("{}", results.summary);
    }
    Ok(results
        .rows
        .into_values()
        .filter_map(|r| {
            let p = crate::analysis::appraise::performance(&model.appraisal, r.task, r.objective)?;
            Some((r.person_id, p))
        })
        .collect())
}

/// The flags `report org` refuses: each unit is judged against its people's
/// own grades, over all of its people.
fn check_org_flags(args: &ReportArgs, grade: bool, budget: &Budget) -> Result<()> {
    let refused = [
        (
            grade,
            "--grade",
            "every person is judged against their own grade",
        ),
        (
            args.unit.is_some(),
            "--unit",
            "the site covers every unit; open the unit's page in it",
        ),
        (
            args.person.is_some(),
            "--person",
            "use ksa report individual --person",
        ),
        (
            !budget.is_unlimited(),
            "--budget-hours/--budget-cost",
            "the roll-up counts everyone's full plan",
        ),
    ];
    for (given, flag, why) in refused {
        if given {
            return Err(KsaError::invalid(format!(
                "{flag} does not apply to ksa report org: {why}"
            )));
        }
    }
    Ok(())
}
