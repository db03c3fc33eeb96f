//! Failure injection (issue 8; docs/hardening.md): an output that cannot be
//! written, a full disk, a closed pipe and an interrupted run each end with
//! a message and exit status, and leave no partial file behind.

use crate::common::{repo_arg, run, sample_into, workdir, write};
use std::path::Path;
use std::process::{Command, Stdio};

fn ksa_bin() -> &'static str {
    env!("CARGO_BIN_EXE_ksa")
}

/// Files in `dir` (recursively) whose names mark them as ksa's temporary
/// files (`.ksa-…`), or any name starting with `.`.
/// Every file in `dir` and its subfolders (unit folders of reports).
fn files_below(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            match p.is_dir() {
                true => stack.push(p),
                false => out.push(p),
            }
        }
    }
    out
}

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
    sample_into(d, "data", 400, &["--periods", "1", "--seed", "1"]);
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
    let count = files_below(&reports).len();
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
    for p in files_below(&reports) {
        let text = std::fs::read_to_string(p).unwrap();
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

/// Runs `args` in `dir` while a thread reads the named pipe `fifo`; returns
/// what came through the pipe and the run's outcome.
#[cfg(unix)]
fn run_into_fifo(dir: &Path, fifo: &Path, args: &[&str]) -> (String, crate::common::Outcome) {
    let path = fifo.to_path_buf();
    // Opening a pipe's read end blocks until a writer opens it: the reader
    // runs beside the command, and reports through a channel so that a ksa
    // that never opens the pipe (say, renames a file over it) fails the test
    // instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(std::fs::read_to_string(path).unwrap()));
    let o = run(dir, args);
    if o.code != Some(0) {
        // Unblock the reader if ksa stopped before opening the pipe.
        drop(std::fs::OpenOptions::new().write(true).open(fifo));
    }
    let got = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("ksa never wrote into the pipe");
    (got, o)
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a NUL-terminated path owned here.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// `--out` and `--rejects` naming a device or a pipe (`/dev/null`,
/// `/dev/stdout`, a shell's `>(…)`) write into it: a temporary file renamed
/// over it would replace the device with a plain file — as root, once, the
/// machine's `/dev/null` — and the pipe's reader would get nothing.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_written_into_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = workdir();
    let d = dir.path();
    let model = repo_arg("models/bank-rm.toml");
    let evals = repo_arg("data/evaluations.csv");
    let expected = crate::common::run_ok(d, &["score", "--model", &model, "--evals", &evals]);

    let fifo = d.join("scores.pipe");
    mkfifo(&fifo);
    let (got, o) = run_into_fifo(
        d,
        &fifo,
        &[
            "score",
            "--model",
            &model,
            "--evals",
            &evals,
            "--out",
            "scores.pipe",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(got, expected);
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    assert!(leftovers(d).is_empty(), "{:?}", leftovers(d));

    // The rejects file of --skip-invalid, through a pipe too.
    let bad = write(
        d,
        "bad.csv",
        "person_id,name,unit,grade,period,rater,rater_id,competency,score,comment\n\
         RM001,赵霞,城东支行,assistant,2025H2,supervisor,MGR001,K.product,2,\n\
         RM001,赵霞,城东支行,assistant,2025H2,supervisor,MGR001,K.policy,9,\n",
    );
    let (got, o) = run_into_fifo(
        d,
        &fifo,
        &[
            "score",
            "--model",
            &model,
            "--evals",
            bad.to_str().unwrap(),
            "--skip-invalid",
            "--rejects",
            "scores.pipe",
            "--out",
            "scores.csv",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(got.starts_with("person_id,"), "{got}");
    assert!(got.contains("RM001"), "{got}");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

/// A disk that fills up while `--out` is written, simulated with a file-size
/// limit (RLIMIT_FSIZE: a write past it fails with EFBIG, as a full disk
/// fails with ENOSPC, and needs no privilege to set up, unlike a small
/// tmpfs): one `error:` line naming the file, exit 1, the earlier output
/// untouched and no temporary file left.
#[cfg(unix)]
#[test]
fn a_disk_that_fills_up_under_out_leaves_the_old_file() {
    use std::os::unix::process::CommandExt;
    let dir = workdir();
    let d = dir.path();
    for out in ["scores.csv", "scores.xlsx", "scores.json"] {
        write(d, out, "the previous run's output\n");
        let mut cmd = Command::new(ksa_bin());
        cmd.current_dir(d).args([
            "score",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--evals",
            &repo_arg("data/evaluations.csv"),
            "--out",
            out,
        ]);
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let limit = libc::rlimit {
                    rlim_cur: 2048,
                    rlim_max: 2048,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{out}: {stderr}");
        assert!(!stderr.contains("panicked"), "{out}: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "{out}: {stderr}");
        assert!(
            errors[0].starts_with(&format!("error: {out}: ")) && errors[0].contains("too large"),
            "{out}: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(d.join(out)).unwrap(),
            "the previous run's output\n"
        );
        assert!(leftovers(d).is_empty(), "{out}: {:?}", leftovers(d));
    }
}

/// A small tmpfs mounted for a test, unmounted when dropped.
#[cfg(target_os = "linux")]
struct SmallDisk(std::path::PathBuf);

#[cfg(target_os = "linux")]
impl SmallDisk {
    /// Mounts a tmpfs of `size` at `dir`, or None where this process may not
    /// mount (not root, or a sandbox without the capability).
    fn mount(dir: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(dir.to_path_buf()))
    }
}

#[cfg(target_os = "linux")]
impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// The issue's own set-up: a small tmpfs as `--out`, filled by the output.
/// Runs where mounting is allowed (root, as CI); elsewhere the file-size
/// limit test above covers the same path.
#[cfg(target_os = "linux")]
#[test]
fn a_small_tmpfs_as_out_fills_up_and_leaves_the_old_file() {
    let dir = workdir();
    let d = dir.path();
    let evals = sample_into(d, "data", 300, &["--periods", "1", "--seed", "3"]);
    let Some(disk) = SmallDisk::mount(&d.join("disk"), "96k") else {
        eprintln!("note: cannot mount a tmpfs here; the RLIMIT_FSIZE test covers a full disk");
        return;
    };
    write(&disk.0, "scores.csv", "the previous run's output\n");
    for args in [
        &["score", "--out", "disk/scores.csv"][..],
        &["score", "--out", "disk/scores.xlsx"][..],
        &["report", "individual", "--out", "disk/reports"][..],
    ] {
        let mut all: Vec<&str> = args.to_vec();
        let model = repo_arg("models/bank-rm.toml");
        all.extend([
            "--model",
            &model,
            "--evals",
            evals.to_str().unwrap(),
            "--quiet",
        ]);
        let o = run(d, &all);
        assert_eq!(o.code, Some(1), "{args:?}: {}", o.stderr);
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
        let errors = o.errors();
        assert_eq!(errors.len(), 1, "{args:?}: {}", o.stderr);
        assert!(
            errors[0].contains("disk/") && errors[0].contains("No space left on device"),
            "{args:?}: {}",
            o.stderr
        );
        assert!(leftovers(&disk.0).is_empty(), "{:?}", leftovers(&disk.0));
    }
    assert_eq!(
        std::fs::read_to_string(disk.0.join("scores.csv")).unwrap(),
        "the previous run's output\n"
    );
    // The reports that fitted are whole pages; the rest were never written.
    for p in files_below(&disk.0.join("reports")) {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(text.trim_end().ends_with("</html>"));
    }
}

/// `--out` naming a symbolic link writes the file it points to and keeps
/// the link (a rename onto the link would replace it with a plain file);
/// an Excel workbook, which is assembled with seeks, still reaches a pipe.
#[cfg(unix)]
#[test]
fn a_linked_output_keeps_its_link_and_a_workbook_reaches_a_pipe() {
    let dir = workdir();
    let d = dir.path();
    let model = repo_arg("models/bank-rm.toml");
    let evals = repo_arg("data/evaluations.csv");
    let expected = crate::common::run_ok(d, &["score", "--model", &model, "--evals", &evals]);
    std::fs::create_dir(d.join("runs")).unwrap();
    write(&d.join("runs"), "2026H1.csv", "old\n");
    std::os::unix::fs::symlink("runs/2026H1.csv", d.join("latest.csv")).unwrap();
    let o = run(
        d,
        &[
            "score",
            "--model",
            &model,
            "--evals",
            &evals,
            "--out",
            "latest.csv",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(std::fs::symlink_metadata(d.join("latest.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(d.join("runs/2026H1.csv")).unwrap(),
        expected
    );
    assert!(leftovers(d).is_empty(), "{:?}", leftovers(d));

    let fifo = d.join("book.pipe");
    mkfifo(&fifo);
    let path = fifo.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(std::fs::read(path).unwrap()));
    let o = run(
        d,
        &[
            "score",
            "--model",
            &model,
            "--evals",
            &evals,
            "--format",
            "xlsx",
            "--out",
            "book.pipe",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let bytes = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("ksa never wrote into the pipe");
    // A whole workbook: a zip archive that ends with its central directory.
    assert!(bytes.starts_with(b"PK\x03\x04"), "{} bytes", bytes.len());
    assert!(
        bytes.windows(4).any(|w| w == b"PK\x05\x06"),
        "no end of central directory"
    );
    let book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    assert!(book.sheet_names().contains(&"scores".to_string()));
}
