//! Fuzzing harnesses (docs/fuzzing.md), shared by the libFuzzer targets in
//! `fuzz/` and by the integration test that replays the committed seed
//! corpora on stable (`tests/integration/fuzz_corpus.rs`).
//!
//! Each harness takes arbitrary bytes and drives one user-input path of ksa
//! the way the CLI does. Returning `Ok` or `Err` are both fine: ksa's rule is
//! that bad input is an error message, never a panic, a hang or unbounded
//! memory, so the only failures are the ones libFuzzer itself detects.
//! Not a stable API.

use crate::error::Result;
use crate::files::audit;
use crate::ingest::{self, Dataset, IngestOptions};
use crate::model::{load_model_str, Model};
use crate::output::{self, tables, Format};
use crate::plan::Budget;
use crate::report::{self, individual, team, Env, Templates};
use crate::score::Weights;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The bundled model every data harness uses, so that the fuzzer spends its
/// time on the data, not on finding a valid model.
pub const BUNDLED_MODEL: &str = include_str!("../models/bank-rm.toml");

fn bundled_model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        load_model_str(BUNDLED_MODEL, "models/bank-rm.toml")
            .expect("the bundled model is valid")
            .model
    })
}

fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        Templates::load(None, bundled_model().language).expect("the built-in templates load")
    })
}

/// Harness 1: model text → load and validate (model-format.md, "Validation"). A
/// model that loads is also written back as TOML, as `ksa model` commands do.
/// Returns whether the model loaded (for the corpus test).
pub fn model_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    match load_model_str(text, "fuzz.toml") {
        Ok(loaded) => {
            let _ = loaded.model.to_toml();
            true
        }
        Err(_) => false,
    }
}

/// The forms the evaluation bytes are read in: as they are (their own header
/// decides long or wide, and their own bytes the encoding and delimiter),
/// and after a fixed long or wide header, so that mutations of the body are
/// not all lost to an invalid header.
fn forms(bytes: &[u8]) -> [Vec<u8>; 3] {
    const LONG: &[u8] =
        b"person_id,name,unit,grade,period,rater,rater_id,competency,score,comment\n";
    let wide = wide_header(bundled_model());
    [
        bytes.to_vec(),
        [LONG, bytes].concat(),
        [wide.as_bytes(), bytes].concat(),
    ]
}

fn wide_header(model: &Model) -> String {
    let mut h = String::from("person_id,name,unit,grade,period,rater,rater_id");
    for c in &model.competencies {
        h.push(',');
        h.push_str(&c.id);
    }
    h.push_str(",comment\n");
    h
}

/// Reads one evaluation file with the bundled model, as `ksa score` does
/// (with comments and ratings kept, so every accumulation path runs).
fn read(dir: &Path, file: &Path, skip_invalid: bool) -> Result<Dataset> {
    let opts = IngestOptions {
        skip_invalid,
        rejects: skip_invalid.then(|| dir.join("rejects.csv")),
        keep_comments: true,
        keep_ratings: true,
        ..IngestOptions::default()
    };
    ingest::ingest(bundled_model(), &[file.to_path_buf()], &opts)
}

fn write_input(dir: &Path, name: &str, bytes: &[u8]) -> Option<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).ok()?;
    Some(path)
}

/// Harness 2: evaluation bytes → ingestion (evaluation-files.md: encoding and
/// delimiter detection, long and wide formats), with and without
/// `--skip-invalid`. Returns how many of the six reads succeeded.
pub fn evaluations(bytes: &[u8]) -> usize {
    let Ok(dir) = tempfile::tempdir() else {
        return 0;
    };
    let mut read_ok = 0;
    for (i, form) in forms(bytes).iter().enumerate() {
        let Some(file) = write_input(dir.path(), &format!("evals{i}.csv"), form) else {
            return read_ok;
        };
        for skip_invalid in [false, true] {
            read_ok += usize::from(read(dir.path(), &file, skip_invalid).is_ok());
        }
    }
    read_ok
}

/// Harness 3: evaluation bytes → ingestion under `--skip-invalid` → scores
/// (CSV and JSON) → the individual and team HTML reports, written into a
/// temporary folder as `ksa report` does. Returns how many report pages
/// were written.
pub fn score_and_report(bytes: &[u8]) -> usize {
    let Ok(dir) = tempfile::tempdir() else {
        return 0;
    };
    let mut pages = 0;
    for (i, form) in forms(bytes).iter().enumerate() {
        let Some(file) = write_input(dir.path(), &format!("evals{i}.csv"), form) else {
            return pages;
        };
        if let Ok(data) = read(dir.path(), &file, true) {
            pages += score_and_render(dir.path(), &data, form).unwrap_or(0);
        }
    }
    pages
}

fn score_and_render(dir: &Path, data: &Dataset, input: &[u8]) -> Result<usize> {
    let model = bundled_model();
    let weights = Weights::new(model, None);
    for format in [Format::Csv, Format::Json] {
        let mut out = Vec::new();
        let mut sink = output::sink(
            format,
            tables::score_columns(),
            Box::new(&mut out),
            false,
            (&model.id, &model.version),
        )
        .map_err(|e| crate::error::KsaError::io("<scores>", e))?;
        tables::write_scores(model, data, &weights, None, sink.as_mut())
            .and_then(|_| sink.finish())
            .map_err(|e| crate::error::KsaError::io("<scores>", e))?;
    }

    let env = Env {
        model,
        weights,
        weighting: None,
        templates: templates(),
        audit: crate::files::Audit::new(
            &model.id,
            &model.version,
            vec![audit::sha256_bytes("evals.csv", input)],
        )?,
        anonymity: crate::anonymity::Mode::Blended,
    };
    let out = crate::files::dest::OutputFolder::create(&dir.join("reports"), &[])?;
    let individual_opts = individual::IndividualOptions {
        grade: None,
        period: None,
        unit: None,
        person: None,
        blind_spot_threshold: 1.0,
    };
    let individual = individual::render_each_within(
        &env,
        data,
        &individual_opts,
        Budget::UNLIMITED,
        |page, _| report::write_page(&out, &page).map(|_| ()),
    )?;
    let team_opts = team::TeamOptions::default();
    report::write_page(
        &out,
        &team::render_within(&env, data, &team_opts, Budget::UNLIMITED)?,
    )?;
    Ok(individual + 1)
}
