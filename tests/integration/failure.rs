//! Failure injection (issue 8; docs/hardening.md): an output that cannot be
//! written, a full disk, a closed pipe and an interrupted run each end with
//! a message and exit status, and leave no partial file behind.

use crate::common::{repo_arg, run, workdir, write};
use std::path::Path;
use std::process::{Command, Stdio};

fn ksa_bin() -> &'static str {
    env!("CARGO_BIN_EXE_ksa")
}

/// Files in `dir` (recursively) whose names mark them as ksa's temporary
/// files (`.ksa-…`), or any name starting with `.`.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') || n.contains(".tmp"))
            {
                out.push(p.display().to_string());
            }
        }
    }
    out
}

#[test]
fn an_output_folder_under_a_regular_file_is_an_error() {
    let dir = workdir();
    let d = dir.path();
    write(d, "somefile", "not a folder\n");
    let model = repo_arg("models/bank-rm.toml");
    let evals = repo_arg("data/evaluations.csv");
    for args in [
        &[
            "score",
            "--model",
            &model,
            "--evals",
            &evals,
            "--out",
            "somefile/scores.csv",
        ][..],
        &[
            "score",
            "--model",
            &model,
            "--evals",
            &evals,
            "--out",
            "somefile/scores.xlsx",
        ][..],
        &[
            "report",
            "team",
            "--model",
            &model,
            "--evals",
            &evals,
            "--out",
            "somefile/reports",
        ][..],
        &["demo", "--out", "somefile/demo"][..],
    ] {
        let o = run(d, args);
        assert_eq!(o.code, Some(1), "{args:?}: {}", o.stderr);
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
        let errors = o.errors();
        assert!(
            errors.len() == 1 && errors[0].contains("somefile"),
            "{args:?}: {}",
            o.stderr
        );
    }
    assert_eq!(
        std::fs::read_to_string(d.join("somefile")).unwrap(),
        "not a folder\n"
    );
    assert!(leftovers(d).is_empty(), "{:?}", leftovers(d));
}

#[test]
fn an_output_under_proc_is_an_error() {
    let dir = workdir();
    let o = run(
        dir.path(),
        &[
            "score",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--evals",
            &repo_arg("data/evaluations.csv"),
            "--out",
            "/proc/ksa-cannot-write/scores.csv",
        ],
    );
    assert_eq!(o.code, Some(1), "{}", o.stderr);
    assert_eq!(o.errors().len(), 1, "{}", o.stderr);
    assert!(o.errors()[0].starts_with("error: /proc/ksa-cannot-write/scores.csv: "));
}

#[test]
fn a_full_disk_on_stdout_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // no /dev/full on this system
    };
    let out = Command::new(ksa_bin())
        .args([
            "score",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--evals",
            &repo_arg("data/evaluations.csv"),
            "--format",
            "csv",
        ])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: <stdout>: No space left on device"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    let mut child = Command::new(ksa_bin())
        .args([
            "score",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--evals",
            &repo_arg("data/evaluations.csv"),
            "--format",
            "csv",
            "--quiet",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -1`: read one line, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("error") && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert!(first.starts_with(b"person_id,"));
}

/// Sends `sig` to a `ksa report individual` run over many people once its
/// first report is written, and checks the run ends with 128 + sig, one
/// message, and no temporary file left.
fn interrupt_reports(sig: i32, status: i32, name: &str) {
    let dir = workdir();
    let d = dir.path();
    let sample = run(
        d,
        &[
            "sample",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--people",
            "400",
            "--periods",
            "1",
            "--seed",
            "1",
            "--out",
            "data",
        ],
    );
    assert_eq!(sample.code, Some(0), "{}", sample.stderr);
    let child = Command::new(ksa_bin())
        .current_dir(d)
        .args([
            "report",
            "individual",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--evals",
            "data/evaluations.csv",
            "--out",
            "reports",
            "--quiet",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let reports = d.join("reports");
    let started = std::time::Instant::now();
    loop {
        let written = std::fs::read_dir(&reports)
            .map(|r| r.filter_map(|e| e.ok()).count())
            .unwrap_or(0);
        if written >= 2 || started.elapsed().as_secs() > 60 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // SAFETY: signalling our own child by its pid.
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let count = std::fs::read_dir(&reports).unwrap().count();
    if out.status.code() == Some(0) {
        // It finished before the signal arrived: nothing to check.
        assert!(count >= 400, "{count}");
        return;
    }
    assert_eq!(out.status.code(), Some(status), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!("error: interrupted by {name}; unfinished output files removed")
    );
    assert!(leftovers(d).is_empty(), "{:?}", leftovers(d));
    // What is there is whole: every report ends its HTML.
    for e in std::fs::read_dir(&reports).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(text.trim_end().ends_with("</html>"));
    }
    assert!(count < 400, "{count}");
}

#[test]
fn ctrl_c_while_writing_reports_leaves_no_partial_file() {
    interrupt_reports(libc::SIGINT, 130, "SIGINT");
}

#[test]
fn sigterm_while_writing_reports_leaves_no_partial_file() {
    interrupt_reports(libc::SIGTERM, 143, "SIGTERM");
}
