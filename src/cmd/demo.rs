//! `ksa demo`: the main job on the bundled bank relationship-manager model
//! and sample data, embedded in the binary so it works from any folder.
//! It writes the inputs it used beside its outputs, so an analyst can open
//! them in Excel and rerun any step by hand.

use crate::error::{KsaError, Result};
use crate::ingest::{self, IngestOptions};
use crate::model::load_model_str;
use crate::output::{self, dest::AtomicFile, model_tree, tables, Format};
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
    let opts = IngestOptions::default();
    let staff = ingest::ingest(&model, std::slice::from_ref(&evals_path), &opts)?;
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
