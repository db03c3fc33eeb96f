//! `ksa demo`: the main job on the bundled bank relationship-manager model
//! and sample data, embedded in the binary so it works from any folder.
//! It writes the inputs it used beside its outputs, so an analyst can open
//! them in Excel and rerun any step by hand.

use crate::error::{KsaError, Result};
use crate::ingest::Dataset;
use crate::ingest::{self, IngestOptions};
use crate::model::load_model_str;
use crate::model::Model;
use crate::output::{self, dest::AtomicFile, model_tree, tables, Format};
use crate::plan::{Budget, TargetChoice};
use crate::report::{self, audit, compare, individual, team, Env, Index, IndexLink, Templates};
use crate::score::Weights;
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

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    {
        let mut w = f.writer();
        w.write_all(bytes)
            .and_then(|_| w.flush())
            .map_err(|e| KsaError::io(path, e))?;
    }
    f.commit()
}

pub fn run(out: &Path, quiet: bool) -> Result<()> {
    std::fs::create_dir_all(out.join("inputs")).map_err(|e| KsaError::io(out, e))?;
    let mut written: Vec<PathBuf> = Vec::new();

    // Inputs, as bundled.
    let model_path = out.join("inputs").join("bank-rm.toml");
    let evals_path = out.join("inputs").join("evaluations.csv");
    let cands_path = out.join("inputs").join("candidates.csv");
    write_file(&model_path, MODEL_ZH.as_bytes())?;
    write_file(
        &out.join("inputs").join("bank-rm.en.toml"),
        MODEL_EN.as_bytes(),
    )?;
    write_file(&evals_path, EVALUATIONS)?;
    write_file(&cands_path, CANDIDATES)?;

    // 1. The model: validated and shown.
    let loaded = load_model_str(MODEL_ZH, &model_path.display().to_string())?;
    super::warn_all(&loaded.warnings, quiet);
    let model = loaded.model;
    let tree = out.join("model.txt");
    write_file(&tree, model_tree::render(&model, model.language).as_bytes())?;
    written.push(tree);

    // 2. Staff: scores and gaps against their own grade, and placement.
    // Comments are kept for the individual reports (step 4).
    let opts = IngestOptions::default();
    let staff = ingest::ingest(
        &model,
        std::slice::from_ref(&evals_path),
        &IngestOptions {
            keep_comments: true,
            keep_ratings: true,
            ..opts.clone()
        },
    )?;
    super::warn_all(&staff.warnings, quiet);
    let weights = Weights::new(&model, None);
    let meta = (model.id.as_str(), model.version.as_str());
    let scores = out.join("scores.csv");
    output::dest::write_output(Some(&scores), |w| {
        let mut s = output::sink(Format::Csv, tables::score_columns(), w, true, meta)?;
        tables::write_scores(&model, &staff, &weights, None, s.as_mut())?;
        s.finish()
    })?;
    written.push(scores);
    let placement = out.join("placement.csv");
    output::dest::write_output(Some(&placement), |w| {
        let mut s = output::sink(Format::Csv, tables::place_columns(&model), w, true, meta)?;
        tables::write_placements(&model, &staff, &weights, s.as_mut())?;
        s.finish()
    })?;
    written.push(placement);

    // 3. Recruitment: candidates ranked for the RM grade, attributes weighted most.
    let candidates = ingest::ingest(&model, std::slice::from_ref(&cands_path), &opts)?;
    super::warn_all(&candidates.warnings, quiet);
    let grade = model
        .find_grade(RECRUIT_GRADE)
        .ok_or_else(|| KsaError::Other("the bundled model lacks the rm grade".into()))?;
    let recruit = Weights::new(&model, model.find_weighting(RECRUIT_WEIGHTING));
    let ranking = out.join("candidates-ranking.csv");
    output::dest::write_output(Some(&ranking), |w| {
        let mut s = output::sink(Format::Csv, tables::compare_columns(&model), w, true, meta)?;
        tables::write_comparison(&model, &candidates, &recruit, grade, s.as_mut())?;
        s.finish()
    })?;
    written.push(ranking);

    // 4. Training (the paper: "least input, most benefit"): each person's
    // cheapest plan to close the shortfalls against their own grade, and
    // who is ready for the next grade or one course plan (60 hours) away.
    let plans = out.join("training-plans.csv");
    output::dest::write_output(Some(&plans), |w| {
        let mut s = output::sink(
            Format::Csv,
            super::plan::individual_columns(),
            w,
            true,
            meta,
        )?;
        super::plan::write_plans(
            &model,
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
    let promotion = out.join("promotion-readiness.csv");
    let latest = staff.people.iter().map(|p| p.period.as_str()).max();
    output::dest::write_output(Some(&promotion), |w| {
        let mut s = output::sink(Format::Csv, super::promote::columns(), w, true, meta)?;
        super::promote::write_readiness(
            &model,
            &staff,
            &weights,
            Budget {
                hours: Some(PROMOTION_HOURS),
                cost: None,
            },
            latest,
            s.as_mut(),
        )?;
        s.finish()
    })?;
    written.push(promotion);

    // 5. HTML reports: everyone's individual report, the team report, the
    // candidate comparison, and an index linking them.
    written.extend(write_reports(out, &model, &staff, &candidates, grade)?);

    for p in &written {
        println!("{}", p.display());
    }
    if !quiet {
        eprintln!(
            "demo: model {} {} · {} staff-periods ({} ratings) · {} candidates ({} ratings)",
            model.id,
            model.version,
            staff.people.len(),
            staff.summary.ratings,
            candidates.people.len(),
            candidates.summary.ratings
        );
    }
    Ok(())
}

/// The reports of step 4: `reports/people/*.html`, `reports/team.html`,
/// `reports/compare-<grade>.html`, and `index.html` at the top, whose links
/// are relative so the folder can be moved or zipped as a whole.
fn write_reports(
    out: &Path,
    model: &Model,
    staff: &Dataset,
    candidates: &Dataset,
    grade: usize,
) -> Result<Vec<PathBuf>> {
    let templates = Templates::load(None, model.language)?;
    let model_file = audit::sha256_bytes("bank-rm.toml", MODEL_ZH.as_bytes());
    let evals_file = audit::sha256_bytes("evaluations.csv", EVALUATIONS);
    let cands_file = audit::sha256_bytes("candidates.csv", CANDIDATES);
    let env_for = |files: Vec<report::AuditFile>, weighting: Option<&str>| -> Result<Env> {
        let w = weighting.and_then(|w| model.find_weighting(w));
        Ok(Env {
            model,
            weights: Weights::new(model, w),
            weighting: w.map(|w| w.id.clone()),
            templates: &templates,
            audit: report::Audit::new(&model.id, &model.version, files)?,
        })
    };
    let reports = out.join("reports");
    let people = reports.join("people");
    std::fs::create_dir_all(&people).map_err(|e| KsaError::io(&people, e))?;
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
    let team_opts = team::TeamOptions {
        grade: None,
        period: None,
        unit: None,
    };
    let team_page = team::render(&staff_env, staff, &team_opts)?;
    index.links.push(IndexLink {
        title: templates.label("index_team"),
        href: format!("reports/{}", team_page.file_name),
        note: templates.label("index_team_note"),
    });
    written.push(report::write_page(&reports, &team_page)?);

    let recruit_env = env_for(
        vec![model_file.clone(), cands_file.clone()],
        Some(RECRUIT_WEIGHTING),
    )?;
    let cmp_page = compare::render(
        &recruit_env,
        candidates,
        &compare::CompareOptions {
            grade,
            period: None,
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
