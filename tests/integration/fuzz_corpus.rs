//! The fuzz targets' seed corpora (fuzz/corpus/<target>/) replayed through
//! the same harnesses on stable (docs/fuzzing.md), so every committed input
//! — including each crash the fuzzer found — stays covered by `cargo test`.

use crate::common::repo;
use std::path::PathBuf;

/// Every file of one target's corpus, sorted; the corpus must not be empty.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = repo("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: empty corpus", dir.display());
    files
}

/// Runs `harness` on every corpus file and returns its result per file
/// name; a panic names the file that caused it.
fn replay<T>(target: &str, harness: fn(&[u8]) -> T) -> Vec<(String, T)> {
    corpus(target)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            match std::panic::catch_unwind(|| harness(&bytes)) {
                Ok(v) => (name, v),
                Err(_) => panic!("{}: the harness panicked", path.display()),
            }
        })
        .collect()
}

fn result_of<'a, T>(results: &'a [(String, T)], name: &str) -> &'a T {
    &results
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name}: not in the corpus"))
        .1
}

#[test]
fn the_model_corpus_loads_or_fails_without_a_panic() {
    let results = replay("model_load", ksa::fuzzing::model_text);
    // The harness really loads models: the bundled ones pass, broken ones not.
    assert!(*result_of(&results, "bank-rm.toml"));
    assert!(*result_of(&results, "bank-rm.en.toml"));
    assert!(!*result_of(&results, "bad-syntax.toml"));
    assert!(!*result_of(&results, "no-schema.toml"));
}

#[test]
fn the_evaluation_corpus_is_ingested_or_rejected_without_a_panic() {
    let results = replay("evals_ingest", ksa::fuzzing::evaluations);
    // Each detected encoding is read as it is, with and without
    // --skip-invalid (2 of the 6 reads); the fixed headers in front make
    // the file's own header a row, which only --skip-invalid gets past.
    for name in [
        "long-utf8-bom.csv",
        "long-gbk.csv",
        "long-utf16le.csv",
        "long-utf16be.csv",
        "long-tab.csv",
        "long-crlf.csv",
    ] {
        assert!(*result_of(&results, name) >= 2, "{name}: {results:?}");
    }
    // A headerless body is read after the fixed long header.
    assert!(*result_of(&results, "body-long.csv") >= 2, "{results:?}");
}

#[test]
fn the_report_corpus_is_scored_and_reported_without_a_panic() {
    let results = replay("score_report", ksa::fuzzing::score_and_report);
    // Real pages come out: individual reports plus the team report.
    assert!(
        *result_of(&results, "long-utf8-bom.csv") >= 2,
        "{results:?}"
    );
    assert!(*result_of(&results, "body-wide.csv") >= 2, "{results:?}");
}
