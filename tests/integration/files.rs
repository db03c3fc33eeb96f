//! Output files and input files (issue 13): what ksa writes into an output
//! folder never goes through a symbolic link and never replaces an input;
//! a replaced file keeps its mode; `--rejects` that names an input is named
//! as `--rejects`; a pipe reads as the file it carries.

use crate::common::{repo_arg, run, run_ok, workdir, write};
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::Path;

const MODEL: &str = "schema = 1\nid = \"f\"\nname = \"Files\"\nversion = \"1\"\n\n[scale]\nmin = 1\nmax = 5\n\n\
     [[grades]]\nid = \"g\"\nname = \"G\"\n\n[[raters]]\nid = \"sup\"\nname = \"Sup\"\nweight = 1\n\n\
     [[categories]]\nid = \"K\"\nname = \"Knowledge\"\nweight = 1\n\n\
     [[competencies]]\nid = \"C0\"\nname = \"Competency 0\"\ncategory = \"K\"\nrequired = { g = 3 }\n";

const EVALS: &str = "person_id,period,grade,rater,competency,score\n\
     P1,2026H1,g,sup,C0,3\n\
     P2,2026H1,g,sup,C0,4\n";

/// `m.toml`, `e.csv` and a bystander file `elsewhere.txt` in `d`.
fn inputs(d: &Path) {
    write(d, "m.toml", MODEL);
    write(d, "e.csv", EVALS);
    write(d, "elsewhere.txt", "not ksa's\n");
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false)
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn assert_bystanders_intact(d: &Path) {
    assert_eq!(read(&d.join("e.csv")), EVALS);
    assert_eq!(read(&d.join("m.toml")), MODEL);
    assert_eq!(read(&d.join("elsewhere.txt")), "not ksa's\n");
}

/// A link planted in a report folder is replaced by the page: the file it
/// pointed to is untouched. Before, the page went through the link, so a
/// link to the evaluations replaced them with HTML.
#[test]
fn a_link_in_a_report_folder_is_replaced_never_followed() {
    let dir = workdir();
    let d = dir.path();
    inputs(d);
    std::fs::create_dir(d.join("out")).unwrap();
    symlink("../elsewhere.txt", d.join("out/team.html")).unwrap();
    symlink("../elsewhere.txt", d.join("out/rejects.csv")).unwrap();
    let args = [
        "report",
        "team",
        "--model",
        "m.toml",
        "--evals",
        "e.csv",
        "--out",
        "out",
        "--skip-invalid",
    ];
    let o = run(d, &args);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_bystanders_intact(d);
    for f in ["out/team.html", "out/rejects.csv"] {
        assert!(!is_link(&d.join(f)), "{f} is still a link");
    }
    assert!(read(&d.join("out/team.html")).contains("<html"));
    assert_eq!(
        read(&d.join("out/rejects.csv")),
        "source_file,line,reason\n"
    );

    // Individual reports and their index likewise.
    symlink("../elsewhere.txt", d.join("out/index.html")).unwrap();
    symlink("../elsewhere.txt", d.join("out/person-P1-2026H1.html")).unwrap();
    let o = run(
        d,
        &[
            "report",
            "individual",
            "--model",
            "m.toml",
            "--evals",
            "e.csv",
            "--out",
            "out",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_bystanders_intact(d);
    for f in ["out/index.html", "out/person-P1-2026H1.html"] {
        assert!(!is_link(&d.join(f)), "{f} is still a link");
        assert!(read(&d.join(f)).contains("<html"), "{f}");
    }
}

/// A page whose path is an input — through a link, or a template of
/// `--templates DIR` when DIR is also `--out` — is refused (exit 2) before
/// anything is written.
#[test]
fn a_report_page_that_is_an_input_is_refused() {
    let dir = workdir();
    let d = dir.path();
    inputs(d);
    std::fs::create_dir(d.join("out")).unwrap();
    symlink("../e.csv", d.join("out/team.html")).unwrap();
    let o = run(
        d,
        &[
            "report", "team", "--model", "m.toml", "--evals", "e.csv", "--out", "out",
        ],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert_eq!(
        o.errors(),
        ["error: --out out: out/team.html is an input file (a link to e.csv); ksa never overwrites its inputs"],
        "{}",
        o.stderr
    );
    assert_bystanders_intact(d);
    assert!(is_link(&d.join("out/team.html")));

    // The evaluations inside the folder under a page's name.
    std::fs::create_dir(d.join("in")).unwrap();
    write(&d.join("in"), "team.html", EVALS);
    let o = run(
        d,
        &[
            "report",
            "team",
            "--model",
            "m.toml",
            "--evals",
            "in/team.html",
            "--out",
            "in",
        ],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "error: --out in: in/team.html is an input file; ksa never overwrites its inputs"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(read(&d.join("in/team.html")), EVALS);

    // --templates DIR --out DIR: the custom index.html is a template, and
    // no person's page is written before that is found.
    let t = d.join("t");
    std::fs::create_dir(&t).unwrap();
    let index = "{% extends \"base.html\" %}{% block content %}custom index{% endblock content %}";
    write(&t, "index.html", index);
    let o = run(
        d,
        &[
            "report",
            "individual",
            "--model",
            "m.toml",
            "--evals",
            "e.csv",
            "--templates",
            "t",
            "--out",
            "t",
        ],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: --out t: t/index.html is an input file; ksa never"),
        "{}",
        o.stderr
    );
    assert_eq!(read(&t.join("index.html")), index);
    let names: Vec<_> = std::fs::read_dir(&t)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["index.html"], "written beside the template");
}

/// `ksa demo`, `ksa sample` and `ksa man --out DIR` write files of their
/// own naming into a folder: a link there is replaced, and a linked
/// subfolder of the demo is refused (its pages would land elsewhere).
#[test]
fn demo_sample_and_man_replace_links_in_their_folders() {
    let dir = workdir();
    let d = dir.path();
    inputs(d);
    for sub in ["demo", "sample", "man"] {
        std::fs::create_dir(d.join(sub)).unwrap();
    }
    symlink("../elsewhere.txt", d.join("demo/scores.csv")).unwrap();
    symlink("../elsewhere.txt", d.join("sample/evaluations.csv")).unwrap();
    symlink("../elsewhere.txt", d.join("man/ksa.1")).unwrap();
    run_ok(d, &["demo", "--out", "demo"]);
    run_ok(
        d,
        &[
            "sample", "--model", "m.toml", "--people", "3", "--out", "sample",
        ],
    );
    run_ok(d, &["man", "--out", "man"]);
    assert_bystanders_intact(d);
    for f in ["demo/scores.csv", "sample/evaluations.csv", "man/ksa.1"] {
        assert!(!is_link(&d.join(f)), "{f} is still a link");
        assert!(std::fs::metadata(d.join(f)).unwrap().len() > 0, "{f}");
    }

    std::fs::create_dir(d.join("demo2")).unwrap();
    std::fs::create_dir(d.join("aside")).unwrap();
    symlink("../aside", d.join("demo2/reports")).unwrap();
    let o = run(d, &["demo", "--out", "demo2"]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert_eq!(
        o.errors(),
        ["error: --out demo2: demo2/reports is a symbolic link; ksa writes only into real folders inside its output folder"],
        "{}",
        o.stderr
    );
    assert_eq!(std::fs::read_dir(d.join("aside")).unwrap().count(), 0);
}

/// The rejects file `--skip-invalid` puts beside `--out FILE` has a name
/// ksa chose: a link there is replaced, not followed. `--out FILE` itself
/// still writes through its link (`latest.csv → runs/…`).
#[test]
fn the_default_rejects_file_is_never_written_through_a_link() {
    let dir = workdir();
    let d = dir.path();
    inputs(d);
    std::fs::create_dir(d.join("o")).unwrap();
    symlink("../elsewhere.txt", d.join("o/rejects.csv")).unwrap();
    write(d, "target.csv", "old\n");
    symlink("../target.csv", d.join("o/latest.csv")).unwrap();
    let o = run(
        d,
        &[
            "score",
            "--model",
            "m.toml",
            "--evals",
            "e.csv",
            "--skip-invalid",
            "--out",
            "o/latest.csv",
        ],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_bystanders_intact(d);
    assert!(!is_link(&d.join("o/rejects.csv")));
    assert!(is_link(&d.join("o/latest.csv")));
    assert!(read(&d.join("target.csv")).starts_with("person_id,"));
}

/// `--rejects` naming an input says `--rejects`, not `--out`; the default
/// rejects file says which flag moves it.
#[test]
fn rejects_naming_an_input_names_the_flag() {
    let dir = workdir();
    let d = dir.path();
    inputs(d);
    let o = run(
        d,
        &[
            "score",
            "--model",
            "m.toml",
            "--evals",
            "e.csv",
            "--skip-invalid",
            "--rejects",
            "e.csv",
        ],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert_eq!(
        o.errors(),
        ["error: --rejects e.csv: that is an input file; ksa never overwrites its inputs"]
    );
    write(d, "rejects.csv", EVALS);
    let o = run(
        d,
        &[
            "score",
            "--model",
            "m.toml",
            "--evals",
            "rejects.csv",
            "--skip-invalid",
        ],
    );
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert_eq!(
        o.errors(),
        ["error: --skip-invalid writes rejects.csv: that is an input file; ksa never overwrites its inputs (name another file with --rejects)"]
    );
    assert_eq!(read(&d.join("rejects.csv")), EVALS);
}

/// Replacing an output keeps its mode (an HR file kept at 0600 stays
/// 0600); a new file gets 0644 less the umask. Before, every run reset the
/// mode to 0644.
#[test]
fn a_replaced_output_keeps_its_mode() {
    let dir = workdir();
    let d = dir.path();
    inputs(d);
    let report = [
        "report",
        "team",
        "--model",
        "m.toml",
        "--evals",
        "e.csv",
        "--out",
        "out",
        "--skip-invalid",
    ];
    let score = [
        "score", "--model", "m.toml", "--evals", "e.csv", "--out", "s.csv",
    ];
    let xlsx = [
        "score", "--model", "m.toml", "--evals", "e.csv", "--out", "s.xlsx",
    ];
    for args in [&report[..], &score, &xlsx] {
        run_ok(d, args);
    }
    let files = ["s.csv", "s.xlsx", "out/team.html", "out/rejects.csv"];
    for f in files {
        // The test runs under the default umask of its runner (022 or 002).
        assert_eq!(mode(&d.join(f)) & !0o022, 0o644 & !0o022, "{f}");
        std::fs::set_permissions(d.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    for args in [&report[..], &score, &xlsx] {
        run_ok(d, args);
    }
    for f in files {
        assert_eq!(mode(&d.join(f)), 0o600, "{f}");
    }
    // Through a link, the linked file keeps its mode.
    std::fs::set_permissions(d.join("s.csv"), std::fs::Permissions::from_mode(0o640)).unwrap();
    symlink("s.csv", d.join("latest.csv")).unwrap();
    run_ok(
        d,
        &[
            "score",
            "--model",
            "m.toml",
            "--evals",
            "e.csv",
            "--out",
            "latest.csv",
        ],
    );
    assert_eq!(mode(&d.join("s.csv")), 0o640);
}

/// As root (CI), a replaced file also keeps its owner and group: a file
/// readable by one group must not become readable by root's.
#[test]
fn a_replaced_output_keeps_its_owner_and_group_as_root() {
    // SAFETY: a plain query.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to give a file away");
        return;
    }
    let dir = workdir();
    let d = dir.path();
    inputs(d);
    let score = [
        "score", "--model", "m.toml", "--evals", "e.csv", "--out", "s.csv",
    ];
    run_ok(d, &score);
    std::os::unix::fs::chown(d.join("s.csv"), Some(4321), Some(4322)).unwrap();
    std::fs::set_permissions(d.join("s.csv"), std::fs::Permissions::from_mode(0o640)).unwrap();
    run_ok(d, &score);
    let m = std::fs::metadata(d.join("s.csv")).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (4321, 4322, 0o640));
}

/// The bank evaluations through a pipe: `/dev/stdin` fed by a pipe, and a
/// shell's `<(…)`. The file is read twice (its encoding is checked before
/// it is parsed) and reports hash it again, so ksa copies a pipe once into
/// an unnamed temporary file. Before, a pipe was "the file is empty".
#[test]
fn a_pipe_reads_as_the_file_it_carries() {
    let dir = workdir();
    let d = dir.path();
    let model = repo_arg("models/bank-rm.toml");
    let evals = repo_arg("data/evaluations.csv");
    let expected = run_ok(
        d,
        &[
            "score", "--model", &model, "--evals", &evals, "--format", "csv",
        ],
    );
    let o = crate::common::ksa()
        .current_dir(d)
        .args([
            "score",
            "--model",
            &model,
            "--evals",
            "/dev/stdin",
            "--format",
            "csv",
        ])
        .write_stdin(std::fs::read(&evals).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), expected);

    // A report from `<(…)`: the audit line has the file's own SHA-256.
    let o = std::process::Command::new("bash")
        .current_dir(d)
        .arg("-c")
        .arg("exec \"$0\" report team --model <(cat \"$1\") --evals <(cat \"$2\") --out out")
        .arg(env!("CARGO_BIN_EXE_ksa"))
        .arg(&model)
        .arg(&evals)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = read(&d.join("out/team.html"));
    let sha = |p: &str| {
        use sha2::Digest;
        let h = sha2::Sha256::digest(std::fs::read(p).unwrap());
        h.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    assert!(
        html.contains(&sha(&evals)),
        "the audit line lacks the evaluations' hash"
    );
    assert!(
        html.contains(&sha(&model)),
        "the audit line lacks the model's hash"
    );

    // An empty pipe is still an empty file.
    let o = crate::common::ksa()
        .current_dir(d)
        .args(["score", "--model", &model, "--evals", "/dev/stdin"])
        .write_stdin(Vec::new())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("/dev/stdin: the file is empty (0 bytes)"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// What cannot come through a pipe says so: a workbook (read by path, more
/// than once), and more than a limit (the model's 16 MiB, read from
/// /dev/zero, stops there; an evaluation pipe stops at 1 GiB, tested in
/// `input`'s unit tests with a small limit).
#[test]
fn a_pipe_that_cannot_be_read_says_why() {
    let dir = workdir();
    let d = dir.path();
    inputs(d);
    let fifo = d.join("book.xlsx");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path owned here.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let o = run(d, &["score", "--model", "m.toml", "--evals", "book.xlsx"]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert_eq!(
        o.errors(),
        ["error: book.xlsx: is a pipe or device; a workbook is read from a file: save it first (CSV can come through a pipe)"]
    );
    let o = run(d, &["model", "check", "/dev/zero"]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("/dev/zero: the model file is larger than 16 MiB, the limit on a model file"),
        "{}",
        o.stderr
    );
}
