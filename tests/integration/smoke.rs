//! The two commands a new user runs first.

use crate::common::*;

#[test]
fn demo_writes_its_outputs_and_names_them() {
    let dir = workdir();
    let out = run_ok(dir.path(), &["demo", "--out", "demo"]);
    for f in [
        "scores.csv",
        "placement.csv",
        "candidates-ranking.csv",
        "model.txt",
    ] {
        let p = dir.path().join("demo").join(f);
        assert!(p.is_file(), "{f} not written");
        assert!(out.contains(f), "{f} not printed:\n{out}");
    }
}

#[test]
fn bundled_models_check_clean() {
    let out = ksa()
        .args(["model", "check"])
        .arg(repo("models/bank-rm.toml"))
        .arg(repo("models/bank-rm.en.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("warning"), "warnings: {err}");
}

/// `ksa sample` must write data ksa reads, at every size: in a small staff
/// the peer steps wrap around, and a colleague named twice (or the person
/// as their own peer) would be a repeated rating, an invalid row.
#[test]
fn sample_data_of_any_size_reads_without_an_invalid_row() {
    let dir = workdir();
    for people in [1, 2, 3, 5, 8, 12, 13] {
        let out = format!("s{people}");
        sample_into(
            dir.path(),
            &out,
            people,
            &["--periods", "2", "--seed", "11"],
        );
        let scored = run(
            dir.path(),
            &[
                "score",
                "--model",
                &repo_arg("models/bank-rm.toml"),
                "--evals",
                &format!("{out}/evaluations.csv"),
                "--format",
                "csv",
            ],
        );
        assert_eq!(scored.code, Some(0), "{people} people: {}", scored.stderr);
        assert!(scored.stderr.contains("rejected=0"), "{}", scored.stderr);
    }
}
