//! Shared helpers: the binary, a fresh folder per test, paths to fixtures,
//! and a CSV comparison that shows expected and actual side by side.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The `ksa` binary under test.
pub fn ksa() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_ksa"))
}

/// A fresh temporary folder for one test.
pub fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

/// A path inside the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A path inside tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    repo("tests/fixtures").join(rel)
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

/// Asserts two texts are equal, printing both side by side line by line
/// when they are not (the first differing line marked).
pub fn assert_same_text(expected: &str, actual: &str, what: &str) {
    if expected == actual {
        return;
    }
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let mut report = String::new();
    let mut first = None;
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i).copied().unwrap_or("<none>"), a.get(i).copied().unwrap_or("<none>"));
        if x != y && first.is_none() {
            first = Some(i + 1);
        }
        let mark = if x != y { "!=" } else { "  " };
        report.push_str(&format!("{:>5} {mark} {x:<60} | {y}\n", i + 1));
    }
    panic!(
        "{what}: output differs from expected (first at line {}):\n      expected{:54}| actual\n{report}",
        first.unwrap_or(0),
        ""
    );
}

/// Runs `ksa` with `args` in `dir`, expects success, returns stdout.
pub fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = ksa().current_dir(dir).args(args).output().expect("run ksa");
    assert!(
        out.status.success(),
        "ksa {args:?} failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 stdout")
}
