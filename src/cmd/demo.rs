//! `ksa demo`: the main job on the bundled bank relationship-manager model
//! and sample data, embedded in the binary so it works from any folder.
//! It writes the inputs it used beside its outputs, so an analyst can open
//! them in Excel and rerun any step by hand.
//!
//! `ksa demo --model FILE` runs the same job on any department's model, with
//! sample data generated in memory from it by the generator of `ksa sample`,
//! with the settings the bundled data was made with: any model can be seen
//! end to end before real ratings exist.

use crate::error::{KsaError, Result};
use crate::files::{audit, dest::OutputFolder};
use crate::ingest::Dataset;
use crate::ingest::{self, IngestOptions};
use crate::model::{load_model, load_model_str};
use crate::model::{Language, Model};
use crate::output::{self, model_tree, tables, Format};
use crate::plan::{Budget, TargetChoice};
use crate::report::{self, compare, individual, team, Env, Index, IndexLink, Templates};
use crate::sample::{self, SampleSpec};
use crate::score::Weights;
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const MODEL_ZH: &str = include_str!("../../models/bank-rm.toml");
pub const MODEL_EN: &str = include_str!("../../models/bank-rm.en.toml");
pub const EVALUATIONS: &[u8] = include_bytes!("../../data/evaluations.csv");
pub const CANDIDATES: &[u8] = include_bytes!("../../data/candidates.csv");

/// The grade candidates are recruited for, and the weighting used: the paper
/// weights hard-to-train attributes most when recruiting.
const RECRUIT_GRADE: &str = "rm";
const RECRUIT_WEIGHTING: &str = "recruitment";
/// The training time a promotion plan may take in the demo.
const PROMOTION_HOURS: f64 = 60.0;

/// The data generated for `--model`: the settings `data/` was made with (the
/// README: `ksa sample --people 40 --periods 2 --seed 2026 --candidates 12`),
/// so `demo --model models/bank-rm.toml` runs on the bundled data itself.
fn generated_data_spec() -> SampleSpec {
    SampleSpec {
        people: 40,
        periods: 2,
        seed: 2026,
        candidates: 12,
        bom: true,
        structure: sample::Structure::default(),
    }
}

/// What the demo runs on: the bundled model and data, or a model named with
/// `--model` and data generated from it.
struct DemoInputs {
    model: Model,
    /// The model's file name in `inputs/` and in the reports' audit lines.
    model_file: String,
    model_bytes: Cow<'static, [u8]>,
    /// Further files copied into `inputs/` (the bundled model's English twin).
    extra: Vec<(&'static str, &'static [u8])>,
    evaluations: Cow<'static, [u8]>,
    candidates: Cow<'static, [u8]>,
    /// How the data came about and which defaults were taken, printed on
    /// stderr at the end.
    notes: Vec<String>,
}

/// The bundled bank model and data, as `ksa demo` always ran; in English
/// (`bank-rm.en.toml`, the same model with English names) for `--lang en`.
fn bundled(out: &Path, lang: Option<Language>, quiet: bool) -> Result<DemoInputs> {
    let (main, twin) = match lang {
        Some(Language::En) => (("bank-rm.en.toml", MODEL_EN), ("bank-rm.toml", MODEL_ZH)),
        _ => (("bank-rm.toml", MODEL_ZH), ("bank-rm.en.toml", MODEL_EN)),
    };
    let model_path = out.join("inputs").join(main.0);
    let loaded = load_model_str(main.1, &model_path.display().to_string())?;
    super::warn_all(&loaded.warnings, quiet);
    Ok(DemoInputs {
        model: loaded.model,
        model_file: main.0.to_string(),
        model_bytes: Cow::Borrowed(main.1.as_bytes()),
        extra: vec![(twin.0, twin.1.as_bytes())],
        evaluations: Cow::Borrowed(EVALUATIONS),
        candidates: Cow::Borrowed(CANDIDATES),
        notes: Vec::new(),
    })
}

/// The model in `path` (validated, errors naming that file) and sample data
/// generated from it in memory.
fn from_model_file(path: &Path, quiet: bool) -> Result<DemoInputs> {
    let loaded = load_model(path)?;
    super::warn_all(&loaded.warnings, quiet);
    let model = loaded.model;
    // Read again through its copy when the model came through a pipe.
    let mut model_bytes = Vec::new();
    crate::input::open(path)
        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut model_bytes))
        .map_err(|e| KsaError::io(path, e))?;
    let model_file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model.toml".to_string());
    let spec = generated_data_spec();
    let mut evaluations = Vec::new();
    sample::write_staff(&model, &spec, &mut evaluations)
        .map_err(|e| KsaError::Other(format!("generating sample evaluations: {e}")))?;
    let mut candidates = Vec::new();
    sample::write_candidates(&model, &spec, &mut candidates)
        .map_err(|e| KsaError::Other(format!("generating sample candidates: {e}")))?;
    let notes = vec![format!(
        "sample data generated from {} as `ksa sample --people {} --periods {} --seed {} \
         --candidates {}` would write it",
        path.display(),
        spec.people,
        spec.periods,
        spec.seed,
        spec.candidates
    )];
    Ok(DemoInputs {
        model,
        model_file,
        model_bytes: Cow::Owned(model_bytes),
        extra: Vec::new(),
        evaluations: Cow::Owned(evaluations),
        candidates: Cow::Owned(candidates),
        notes,
    })
}

/// The grade candidates are recruited for: `rm` when the model has it (the
/// bundled model), else the middle grade, where `ksa sample` centres its
/// candidates; and the weighting: `recruitment` when the model has it, else
/// the categories' own weights. A default that was needed is noted.
fn recruitment_choice(model: &Model, notes: &mut Vec<String>) -> (usize, Option<&'static str>) {
    let grade = match model.find_grade(RECRUIT_GRADE) {
        Some(g) => g,
        None => {
            let g = model.grades.len() / 2;
            notes.push(format!(
                "candidates ranked for {} ({}), the middle grade: the model has no grade \"{}\"",
                model.grades[g].name, model.grades[g].id, RECRUIT_GRADE
            ));
            g
        }
    };
    let weighting = if model.find_weighting(RECRUIT_WEIGHTING).is_some() {
        Some(RECRUIT_WEIGHTING)
    } else {
        notes.push(format!(
            "candidates ranked with the categories' own weights: the model has no weighting \"{}\"",
            RECRUIT_WEIGHTING
        ));
        None
    };
    (grade, weighting)
}

/// Writes `bytes` to the file `name` of `folder` and returns its path.
fn write_file(folder: &OutputFolder, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    folder.write(name, |mut w| {
        w.write_all(bytes)?;
        w.flush()
    })
}

/// `model`: `--model FILE`, or `None` for the bundled bank model and data.
pub fn run(out: &Path, model: Option<&Path>, lang: Option<&str>, quiet: bool) -> Result<()> {
    // The flags and the model are checked (and any error in them reported)
    // before anything is written.
    let lang = lang
        .map(|l| super::reading::parse_lang(Some(l), Language::Zh))
        .transpose()?;
    let mut inputs = match model {
        None => bundled(out, lang, quiet)?,
        Some(path) => from_model_file(path, quiet)?,
    };
    if let Some(l) = lang {
        inputs.model.language = l;
    }
    // The only input read from disk is `--model`: nothing written may
    // replace it.
    let read: Vec<PathBuf> = model.iter().map(|p| p.to_path_buf()).collect();
    let folder = OutputFolder::create(out, &read)?;
    let inputs_folder = folder.subfolder("inputs")?;
    let mut written: Vec<PathBuf> = Vec::new();

    // Inputs, as bundled or generated.
    write_file(&inputs_folder, &inputs.model_file, &inputs.model_bytes)?;
    for (name, bytes) in &inputs.extra {
        write_file(&inputs_folder, name, bytes)?;
    }
    // The model's `#:schema` line points editors at this file beside it.
    write_file(
        &inputs_folder,
        "ksa-model.schema.json",
        crate::model::json_schema().as_bytes(),
    )?;
    let evals_path = write_file(&inputs_folder, "evaluations.csv", &inputs.evaluations)?;
    let cands_path = write_file(&inputs_folder, "candidates.csv", &inputs.candidates)?;

    // 1. The model: validated (above) and shown.
    let (grade, recruit_weighting) = recruitment_choice(&inputs.model, &mut inputs.notes);
    let model = &inputs.model;
    let tree = write_file(
        &folder,
        "model.txt",
        model_tree::render(model, model.language).as_bytes(),
    )?;
    written.push(tree);

    // 2. Staff: scores and gaps against their own grade, and placement.
    // Comments are kept for the individual reports (step 4).
    let opts = IngestOptions::default();
    let staff = ingest::ingest(
        model,
        std::slice::from_ref(&evals_path),
        &IngestOptions {
            keep_comments: true,
            keep_ratings: true,
            ..opts.clone()
        },
    )?;
    super::warn_all(&staff.warnings, quiet);
    let weights = Weights::new(model, None);
    let meta = (model.id.as_str(), model.version.as_str());
    let scores = folder.write("scores.csv", |w| {
        let mut s = output::sink(Format::Csv, tables::score_columns(), w, true, meta)?;
        tables::write_scores(model, &staff, &weights, None, s.as_mut())?;
        s.finish()
    })?;
    written.push(scores);
    let placement = folder.write("placement.csv", |w| {
        let mut s = output::sink(Format::Csv, tables::place_columns(model), w, true, meta)?;
        tables::write_placements(model, &staff, &weights, s.as_mut())?;
        s.finish()
    })?;
    written.push(placement);

    // 3. Recruitment: candidates ranked for the RM grade (another model: its
    // middle grade), attributes weighted most (`recruitment_choice`).
    // Ratings kept: the comparison's intervals resample them.
    let candidates = ingest::ingest(
        model,
        std::slice::from_ref(&cands_path),
        &IngestOptions {
            keep_ratings: true,
            ..opts.clone()
        },
    )?;
    super::warn_all(&candidates.warnings, quiet);
    let recruit = Weights::new(
        model,
        recruit_weighting.and_then(|w| model.find_weighting(w)),
    );
    let ranking = folder.write("candidates-ranking.csv", |w| {
        let mut s = output::sink(Format::Csv, tables::compare_columns(model), w, true, meta)?;
        tables::write_comparison(model, &candidates, &recruit, grade, s.as_mut())?;
        s.finish()
    })?;
    written.push(ranking);

    // 4. Training (the paper: "least input, most benefit"): each person's
    // cheapest plan to close the shortfalls against their own grade, and
    // who is ready for the next grade or one course plan (60 hours) away.
    let plans = folder.write("training-plans.csv", |w| {
        let mut s = output::sink(
            Format::Csv,
            output::plan::individual_columns(),
            w,
            true,
            meta,
        )?;
        output::plan::write_plans(
            model,
            model.language,
            &staff,
            &weights,
            TargetChoice::Own,
            Budget::default(),
            None,
            s.as_mut(),
        )?;
        s.finish()
    })?;
    written.push(plans);
    let latest = staff.people.iter().map(|p| p.period.as_str()).max();
    let promotion = folder.write("promotion-readiness.csv", |w| {
        let mut s = output::sink(Format::Csv, output::promote::columns(), w, true, meta)?;
        output::promote::write_readiness(
            model,
            &staff,
            &weights,
            Budget {
                hours: Some(PROMOTION_HOURS),
                cost: None,
            },
            latest,
            None,
            s.as_mut(),
        )?;
        s.finish()
    })?;
    written.push(promotion);

    // 5. HTML reports: everyone's individual report, the team report, the
    // candidate comparison, and an index linking them.
    written.extend(write_reports(
        &folder,
        &inputs,
        &staff,
        &candidates,
        grade,
        recruit_weighting,
    )?);

    for p in &written {
        println!("{}", p.display());
    }
    if !quiet {
        for note in &inputs.notes {
            eprintln!("demo: {note}");
        }
        eprintln!(
            "demo: model {} {} · {} staff-periods ({} ratings) · {} candidates ({} ratings)",
            model.id,
            model.version,
            staff.people.len(),
            staff.summary.ratings,
            candidates.people.len(),
            candidates.summary.ratings
        );
        eprintln!(
            "demo: open {} in a browser: it links every report",
            out.join("index.html").display()
        );
    }
    Ok(())
}

/// The reports of step 4: `reports/people/*.html`, `reports/team.html`,
/// `reports/compare-<grade>.html`, and `index.html` at the top, whose links
/// are relative so the folder can be moved or zipped as a whole.
fn write_reports(
    out: &OutputFolder,
    inputs: &DemoInputs,
    staff: &Dataset,
    candidates: &Dataset,
    grade: usize,
    recruit_weighting: Option<&str>,
) -> Result<Vec<PathBuf>> {
    let model = &inputs.model;
    let templates = Templates::load(None, model.language)?;
    let model_file = audit::sha256_bytes(&inputs.model_file, &inputs.model_bytes);
    let evals_file = audit::sha256_bytes("evaluations.csv", &inputs.evaluations);
    let cands_file = audit::sha256_bytes("candidates.csv", &inputs.candidates);
    let env_for = |files: Vec<crate::files::AuditFile>, weighting: Option<&str>| -> Result<Env> {
        let w = weighting.and_then(|w| model.find_weighting(w));
        Ok(Env {
            model,
            weights: Weights::new(model, w),
            weighting: w.map(|w| w.id.clone()),
            templates: &templates,
            audit: crate::files::Audit::new(&model.id, &model.version, files)?,
            anonymity: crate::anonymity::Mode::Blended,
        })
    };
    let reports = out.subfolder("reports")?;
    let people = reports.subfolder("people")?;
    let mut written = Vec::new();
    let mut index = Index::default();

    let staff_env = env_for(vec![model_file.clone(), evals_file.clone()], None)?;
    let opts = individual::IndividualOptions {
        grade: None,
        period: None,
        unit: None,
        person: None,
        blind_spot_threshold: 1.0,
    };
    individual::render_each(&staff_env, staff, &opts, |page, pp| {
        index.person(
            &staff_env,
            staff,
            pp,
            format!("reports/people/{}", page.file_name),
        );
        written.push(report::write_page(&people, &page)?);
        Ok(())
    })?;
    let team_opts = team::TeamOptions::default();
    let team_page = team::render(&staff_env, staff, &team_opts)?;
    index.links.push(IndexLink {
        title: templates.label("index_team"),
        href: format!("reports/{}", team_page.file_name),
        note: templates.label("index_team_note"),
    });
    written.push(report::write_page(&reports, &team_page)?);

    let recruit_env = env_for(
        vec![model_file.clone(), cands_file.clone()],
        recruit_weighting,
    )?;
    let cmp_page = compare::render(
        &recruit_env,
        candidates,
        &compare::CompareOptions {
            grade,
            period: None,
            resamples: crate::analysis::bootstrap::DEFAULT_RESAMPLES,
            seed: crate::analysis::bootstrap::DEFAULT_SEED,
        },
    )?;
    index.links.push(IndexLink {
        title: templates.fill("index_compare", &[("grade", &model.grades[grade].name)]),
        href: format!("reports/{}", cmp_page.file_name),
        note: templates.label("index_compare_note"),
    });
    written.push(report::write_page(&reports, &cmp_page)?);

    let index_env = env_for(vec![model_file, evals_file, cands_file], None)?;
    written.push(report::write_page(
        out,
        &report::render_index(&index_env, &index)?,
    )?);
    Ok(written)
}
