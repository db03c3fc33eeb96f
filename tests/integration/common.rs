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
        let (x, y) = (
            e.get(i).copied().unwrap_or("<none>"),
            a.get(i).copied().unwrap_or("<none>"),
        );
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

/// `ksa sample` of the bundled bank model into `dir/out`: `people` staff,
/// plus `extra` flags (`--periods`, `--seed`, …). Returns the path of the
/// evaluations file.
pub fn sample_into(dir: &Path, out: &str, people: usize, extra: &[&str]) -> PathBuf {
    let model = repo_arg("models/bank-rm.toml");
    let people = people.to_string();
    let mut args = vec![
        "sample", "--model", &model, "--people", &people, "--out", out,
    ];
    args.extend_from_slice(extra);
    run_ok(dir, &args);
    dir.join(out).join("evaluations.csv")
}

// ---- helpers for the model, score, ingest and property tests

/// What one run of `ksa` gave.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// The `error:` lines of stderr.
    pub fn errors(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect()
    }

    /// The `warning:` lines of stderr.
    pub fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .collect()
    }

    /// The last line of stderr (where the run summary must be).
    pub fn last_stderr_line(&self) -> &str {
        self.stderr.lines().last().unwrap_or("")
    }
}

/// Runs `ksa` with `args` in `dir`, whatever the outcome.
pub fn run(dir: &Path, args: &[&str]) -> Outcome {
    let out = ksa().current_dir(dir).args(args).output().expect("run ksa");
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `ksa` with `args` in `dir` under an address-space limit of `bytes`
/// (RLIMIT_AS, as `ulimit -v`), so that a hostile input that would take
/// memory without bound fails the test quickly instead of exhausting the
/// machine. Threads reserve address space too: keep `bytes` at 512 MiB or
/// more.
#[cfg(unix)]
pub fn run_limited(dir: &Path, args: &[&str], bytes: u64) -> Outcome {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ksa"));
    cmd.current_dir(dir).args(args);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("run ksa");
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A repository path as a string argument.
pub fn repo_arg(rel: &str) -> String {
    repo(rel).to_str().expect("UTF-8 path").to_string()
}

/// Compares `actual` with the golden file `tests/golden/<name>` as a whole.
/// With `UPDATE_GOLDEN=1` in the environment the golden file is rewritten
/// instead (review the diff before committing it).
pub fn assert_golden(name: &str, actual: &str) {
    let path = repo("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).expect("golden folder");
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "golden file {} unreadable ({e}); run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    assert_same_text(&expected, actual, &format!("golden {name}"));
}

/// Parses CSV text (header included) into records of strings.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}
