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
