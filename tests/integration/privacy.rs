//! `--pseudonymize KEY` (README, "Sharing results: pseudonyms"): no original
//! person id, name or rater id in any output; pseudonyms stable per key and
//! computed as documented (checked against an independent HMAC here);
//! scores unchanged; results files join. And, with or without it, rater ids
//! never reach a report and comments of groups under their anonymity
//! threshold are never shown.

use crate::common::*;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const KEY: &str = "test-key-0123456789abcdef";
const OTHER_KEY: &str = "another-key-9876543210fedcba";

/// The documented pseudonym: prefix and the first 12 hex digits of
/// HMAC-SHA-256(key, domain ‖ 0 ‖ id), computed here without ksa.
fn pseudonym(key: &str, domain: &str, id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(format!("{domain}\0{id}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let prefix = if domain == "person" { "P-" } else { "R-" };
    format!("{prefix}{}", &hex[..12])
}

/// The people (id → name) and rater ids of evaluation files.
#[derive(Default)]
struct Originals {
    people: BTreeMap<String, String>,
    raters: BTreeSet<String>,
}

fn originals(files: &[&Path]) -> Originals {
    let mut o = Originals::default();
    for f in files {
        let mut rdr = csv::Reader::from_path(f).unwrap();
        let headers: Vec<String> = rdr
            .headers()
            .unwrap()
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_string())
            .collect();
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
        let (id, name, rater) = (
            col(&["person_id", "candidate_id"]).expect("an id column"),
            col(&["name"]),
            col(&["rater_id"]),
        );
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let n = name.map(|i| rec[i].to_string()).unwrap_or_default();
            o.people.insert(rec[id].to_string(), n);
            if let Some(r) = rater.filter(|&r| !rec[r].is_empty()) {
                o.raters.insert(rec[r].to_string());
            }
        }
    }
    o
}

/// `ksa sample` data: (evaluations, candidates).
fn sample(dir: &Path, people: &str) -> (PathBuf, PathBuf) {
    let people: usize = people.parse().unwrap();
    sample_into(
        dir,
        "data",
        people,
        // Teams of 5: four supervisors for 20 people, rater-only ids to
        // look for in the reports.
        &[
            "--periods",
            "2",
            "--seed",
            "11",
            "--candidates",
            "6",
            "--team-size",
            "5",
        ],
    );
    (
        dir.join("data/evaluations.csv"),
        dir.join("data/candidates.csv"),
    )
}

/// Every cell of every sheet of a workbook, as text.
fn xlsx_text(path: &Path) -> String {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let mut out = String::new();
    for sheet in book.sheet_names() {
        out.push_str(&sheet);
        out.push('\n');
        for row in book.worksheet_range(&sheet).unwrap().rows() {
            for cell in row {
                out.push_str(&cell.to_string());
                out.push(',');
            }
            out.push('\n');
        }
    }
    out
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// A results file for `ksa appraise`: every person of period 2026H1 with
/// made-up task and objective scores, names as in the evaluations.
fn results_file(dir: &Path, o: &Originals) -> PathBuf {
    let mut t = String::from("person_id,name,period,task_score,objective_score\n");
    for (i, (id, name)) in o.people.iter().enumerate() {
        t.push_str(&format!(
            "{id},{name},2026H1,{},{}\n",
            60 + (i * 7) % 40,
            55 + (i * 11) % 45
        ));
    }
    write(dir, "results.csv", &t)
}

#[test]
fn no_original_id_name_or_rater_id_appears_in_any_output() {
    let dir = workdir();
    let d = dir.path();
    let (evals, cands) = sample(d, "20");
    let o = originals(&[&evals, &cands]);
    let results = results_file(d, &originals(&[&evals]));
    let model = repo_arg("models/bank-rm.toml");
    let (e, c) = (evals.to_str().unwrap(), cands.to_str().unwrap());
    let r = results.to_str().unwrap();
    let revision = write(
        d,
        "bank-rm-2026.2.toml",
        &std::fs::read_to_string(repo("models/bank-rm.toml"))
            .unwrap()
            .replacen(
                "required = { assistant = 2, rm = 2.5, senior = 3.5 }",
                "required = { assistant = 2, rm = 3.5, senior = 4 }",
                1,
            ),
    );
    let key = format!("pass:{KEY}");
    let with = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        v.extend(["--pseudonymize".to_string(), key.clone()]);
        v
    };
    let m = model.as_str();
    let runs: Vec<Vec<String>> = vec![
        with(&["score", "--model", m, "--evals", e, "--format", "csv"]),
        with(&["score", "--model", m, "--evals", e, "--out", "scores.xlsx"]),
        with(&["place", "--model", m, "--evals", e, "--format", "json"]),
        with(&[
            "compare", "--model", m, "--evals", c, "--grade", "rm", "--format", "table",
        ]),
        with(&[
            "compare", "--model", m, "--evals", c, "--grade", "rm", "--out", "cmp.xlsx",
        ]),
        with(&["plan", "--model", m, "--evals", e, "--format", "csv"]),
        with(&["plan", "--model", m, "--evals", e, "--out", "plan.xlsx"]),
        with(&[
            "plan", "--model", m, "--evals", e, "--team", "--format", "csv",
        ]),
        with(&["promote", "--model", m, "--evals", e, "--format", "csv"]),
        with(&[
            "appraise",
            "--model",
            m,
            "--evals",
            e,
            "--results",
            r,
            "--from",
            "2025H2",
            "--to",
            "2026H1",
            "--format",
            "csv",
        ]),
        with(&[
            "stats",
            "precision",
            "--model",
            m,
            "--evals",
            e,
            "--format",
            "csv",
        ]),
        with(&[
            "stats", "rwg", "--model", m, "--evals", e, "--format", "csv",
        ]),
        with(&[
            "stats",
            "raters",
            "--model",
            m,
            "--evals",
            e,
            "--min-ratings",
            "1",
        ]),
        with(&[
            "stats",
            "self-other",
            "--model",
            m,
            "--evals",
            e,
            "--format",
            "csv",
        ]),
        with(&[
            "stats", "icc", "--model", m, "--evals", c, "--format", "csv",
        ]),
        with(&[
            "report",
            "individual",
            "--model",
            m,
            "--evals",
            e,
            "--out",
            "reports",
        ]),
        with(&[
            "report", "team", "--model", m, "--evals", e, "--out", "reports",
        ]),
        with(&[
            "report", "compare", "--model", m, "--evals", c, "--grade", "rm", "--out", "reports",
        ]),
        with(&[
            "model",
            "diff",
            m,
            revision.to_str().unwrap(),
            "--evals",
            e,
            "--format",
            "csv",
        ]),
    ];
    let mut seen = String::new();
    for args in &runs {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(d, &refs);
        assert_eq!(out.code, Some(0), "ksa {refs:?}:\n{}", out.stderr);
        seen.push_str(&out.stdout);
        seen.push_str(&out.stderr);
        assert!(!out.stdout.contains(KEY) && !out.stderr.contains(KEY));
    }
    let mut pages = 0;
    for f in files_under(&d.join("reports")).iter().chain(
        ["scores.xlsx", "cmp.xlsx", "plan.xlsx"]
            .iter()
            .map(|x| d.join(x))
            .collect::<Vec<_>>()
            .iter(),
    ) {
        seen.push_str(&f.file_name().unwrap().to_string_lossy());
        if f.extension().is_some_and(|x| x == "xlsx") {
            seen.push_str(&xlsx_text(f));
        } else {
            seen.push_str(&std::fs::read_to_string(f).unwrap());
            pages += 1;
        }
    }
    assert!(pages > 12, "{pages} report pages");
    // The outputs are about these people: every pseudonym is there.
    for id in o.people.keys() {
        assert!(seen.contains(&pseudonym(KEY, "person", id)), "{id}");
    }
    // Names that are also words of the model (or its labels) would be found
    // for another reason: the sample's names are not, which is checked.
    let vocabulary = std::fs::read_to_string(repo("models/bank-rm.toml")).unwrap()
        + &std::fs::read_to_string(repo("reports/labels/zh.toml")).unwrap();
    let mut needles: Vec<&str> = Vec::new();
    for (id, name) in &o.people {
        needles.push(id);
        if !name.is_empty() {
            needles.push(name);
        }
    }
    needles.extend(o.raters.iter().map(String::as_str));
    assert!(needles.len() > 60, "{} ids and names", needles.len());
    for n in needles {
        assert!(!vocabulary.contains(n), "{n:?} is a word of the model");
        assert!(!seen.contains(n), "{n:?} appears in an output");
    }
    // Rater ids do appear, as pseudonyms, where they must (stats raters).
    assert!(o
        .raters
        .iter()
        .any(|r| seen.contains(&pseudonym(KEY, "rater", r))));
}

/// Data rows of a CSV output (after the header), sorted.
fn sorted_rows(csv: &str) -> Vec<String> {
    let mut rows: Vec<String> = csv.lines().skip(1).map(str::to_string).collect();
    rows.sort();
    rows
}

#[test]
fn pseudonyms_are_stable_per_key_and_leave_scores_unchanged() {
    let dir = workdir();
    let d = dir.path();
    let (evals, _) = sample(d, "20");
    let o = originals(&[&evals]);
    let model = repo_arg("models/bank-rm.toml");
    let e = evals.to_str().unwrap();
    let score = |key: Option<&str>| {
        let mut args = vec!["score", "--model", &model, "--evals", e, "--format", "csv"];
        let flag;
        if let Some(k) = key {
            flag = format!("pass:{k}");
            args.extend(["--pseudonymize", flag.as_str()]);
        }
        run_ok(d, &args)
    };
    let plain = score(None);
    let first = score(Some(KEY));
    assert_same_text(&first, &score(Some(KEY)), "the same key twice");

    // Scores unchanged: the plain output with ids and names mapped is the
    // pseudonymised output (rows sorted: they are listed by person_id).
    // person_id,period,…: the id leads each row.
    let mapped: String = plain
        .lines()
        .map(|line| match line.split_once(',') {
            Some((id, rest)) if o.people.contains_key(id) => {
                format!("{},{rest}\n", pseudonym(KEY, "person", id))
            }
            _ => format!("{line}\n"),
        })
        .collect();
    assert!(mapped != plain, "no id was mapped");
    assert_eq!(sorted_rows(&mapped), sorted_rows(&first));
    assert_eq!(plain.lines().next(), first.lines().next());

    // Another key: other pseudonyms for everyone, same scores.
    let other = score(Some(OTHER_KEY));
    for id in o.people.keys() {
        let (a, b) = (
            pseudonym(KEY, "person", id),
            pseudonym(OTHER_KEY, "person", id),
        );
        assert_ne!(a, b);
        assert!(first.contains(&a) && !other.contains(&a), "{id}");
        assert!(other.contains(&b) && !first.contains(&b), "{id}");
    }

    // Another command, the key from a file and from the environment: the
    // report pages are named after the same pseudonyms.
    let key_file = write(d, "key.txt", &format!("{KEY}\n"));
    let report = |out: &str, key: &str, env: Option<&str>| {
        let mut cmd = ksa();
        cmd.current_dir(d).args([
            "report",
            "individual",
            "--model",
            &model,
            "--evals",
            e,
            "--out",
            out,
            "--pseudonymize",
            key,
        ]);
        if let Some(v) = env {
            cmd.env("KSA_TEST_PSEUDONYM_KEY", v);
        }
        let output = cmd.output().unwrap();
        assert!(output.status.success(), "{output:?}");
        let mut names: Vec<String> = std::fs::read_dir(d.join(out))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let mut expected: Vec<String> = sorted_rows(&first)
        .iter()
        .map(|row| {
            let f: Vec<&str> = row.split(',').collect();
            // person_id, period, …
            format!("person-{}-{}.html", f[0], f[1])
        })
        .collect();
    // The index lists the same pseudonyms (its text is checked with the
    // other outputs above).
    expected.push("index.html".to_string());
    expected.sort();
    expected.dedup();
    assert_eq!(
        report("r1", &format!("file:{}", key_file.display()), None),
        expected
    );
    assert_eq!(
        report("r2", "env:KSA_TEST_PSEUDONYM_KEY", Some(KEY)),
        expected
    );
    assert_eq!(report("r3", KEY, None), expected, "a bare key");
}

#[test]
fn appraisal_results_join_under_pseudonyms() {
    let dir = workdir();
    let d = dir.path();
    let (evals, _) = sample(d, "20");
    let o = originals(&[&evals]);
    let results = results_file(d, &o);
    let model = repo_arg("models/bank-rm.toml");
    let flag = format!("pass:{KEY}");
    let mut args = vec![
        "appraise",
        "--model",
        &model,
        "--evals",
        evals.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
        "--from",
        "2025H2",
        "--to",
        "2026H1",
        "--format",
        "csv",
    ];
    let plain = run_ok(d, &args);
    args.extend(["--pseudonymize", &flag]);
    let pseudo = run_ok(d, &args);
    // unit,rank,person_id,name,task,…: every row joined results (task) and
    // evaluations (overall) in both runs, for the same people.
    let mut mapped = plain.clone();
    for (id, name) in &o.people {
        let p = pseudonym(KEY, "person", id);
        mapped = mapped.replace(&format!(",{id},{name},"), &format!(",{p},{p},"));
    }
    assert_eq!(sorted_rows(&mapped), sorted_rows(&pseudo));
    let rows = sorted_rows(&pseudo);
    assert_eq!(rows.len(), o.people.len());
    for row in rows {
        let f: Vec<&str> = row.split(',').collect();
        assert!(
            f[2].starts_with("P-") && !f[4].is_empty() && !f[9].is_empty(),
            "{row}"
        );
    }
}

#[test]
fn bad_keys_are_refused_without_being_shown() {
    let dir = workdir();
    let model = repo_arg("models/bank-rm.toml");
    let evals = repo_arg("data/evaluations.csv");
    for (key, says) in [
        ("pass:short-key", "the key is 9 bytes long; at least 16"),
        ("", "the key is 0 bytes long"),
        (
            "env:KSA_NO_SUCH_VARIABLE_SET",
            "the environment variable KSA_NO_SUCH_VARIABLE_SET is not set",
        ),
        (
            "file:no-such-key-file",
            "--pseudonymize file:no-such-key-file: cannot read it",
        ),
    ] {
        let out = run(
            dir.path(),
            &[
                "score",
                "--model",
                &model,
                "--evals",
                &evals,
                "--pseudonymize",
                key,
            ],
        );
        assert_eq!(out.code, Some(2), "{key}: {}", out.stderr);
        assert_eq!(out.errors().len(), 1, "{}", out.stderr);
        assert!(out.stderr.contains(says), "{key}: {}", out.stderr);
        assert!(!out.stderr.contains("short-key") && out.stdout.is_empty());
    }
}

#[test]
fn the_person_filter_takes_the_original_id_or_the_pseudonym() {
    let dir = workdir();
    let d = dir.path();
    let model = repo_arg("models/bank-rm.toml");
    let evals = repo_arg("data/evaluations.csv");
    let p = pseudonym(KEY, "person", "RM001");
    for (out, person) in [("a", "RM001"), ("b", p.as_str())] {
        let printed = run_ok(
            d,
            &[
                "report",
                "individual",
                "--model",
                &model,
                "--evals",
                &evals,
                "--out",
                out,
                "--person",
                person,
                "--period",
                "2026H1",
                "--pseudonymize",
                KEY,
            ],
        );
        assert_eq!(
            printed.trim(),
            Path::new(out)
                .join(format!("person-{p}-2026H1.html"))
                .display()
                .to_string()
        );
    }
}

/// With or without pseudonyms, no report shows a rater id: every report
/// kind and the demo, on sample data, searched for every rater id of the
/// input that is not also the id of a rated person (a peer rater is one).
#[test]
fn rater_ids_never_appear_in_any_report() {
    let dir = workdir();
    let d = dir.path();
    let (evals, cands) = sample(d, "20");
    let model = repo_arg("models/bank-rm.toml");
    let (e, c) = (evals.to_str().unwrap(), cands.to_str().unwrap());
    for args in [
        vec![
            "report",
            "individual",
            "--model",
            &model,
            "--evals",
            e,
            "--out",
            "reports",
        ],
        vec![
            "report", "team", "--model", &model, "--evals", e, "--out", "reports",
        ],
        vec![
            "report", "compare", "--model", &model, "--evals", c, "--grade", "rm", "--out",
            "reports",
        ],
    ] {
        run_ok(d, &args);
    }
    run_ok(d, &["demo", "--out", "demo"]);
    let check = |dir: &Path, o: &Originals| {
        let rater_only: Vec<&String> = o
            .raters
            .iter()
            .filter(|r| !o.people.contains_key(*r))
            .collect();
        assert!(rater_only.len() > 5, "{rater_only:?}");
        let pages: Vec<PathBuf> = files_under(dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "html"))
            .collect();
        assert!(
            pages.len() > 10,
            "{} pages in {}",
            pages.len(),
            dir.display()
        );
        for page in pages {
            let html = std::fs::read_to_string(&page).unwrap();
            for r in &rater_only {
                assert!(!html.contains(r.as_str()), "{r} in {}", page.display());
            }
        }
    };
    check(&d.join("reports"), &originals(&[&evals, &cands]));
    // The demo runs on the bundled data's settings: `data/`.
    check(
        &d.join("demo"),
        &originals(&[&repo("data/evaluations.csv"), &repo("data/candidates.csv")]),
    );
}

/// A comment of a group with fewer raters than its `min_count` (peer: 3)
/// is never shown; with enough raters it is, so the test can fail.
#[test]
fn comments_of_a_group_under_its_threshold_are_never_shown() {
    let dir = workdir();
    let d = dir.path();
    let model = repo_arg("models/bank-rm.toml");
    let page = |peers: usize| -> String {
        let mut t =
            String::from("person_id,name,grade,period,rater,rater_id,competency,score,comment\n");
        t.push_str("X1,甲,rm,2026H1,supervisor,S1,K.product,3,主管评语可见\n");
        for i in 0..peers {
            t.push_str(&format!(
                "X1,甲,rm,2026H1,peer,Q{i},K.product,4,同事评语{i}号\n"
            ));
        }
        let csv = write(d, &format!("evals-{peers}.csv"), &t);
        let out = format!("out-{peers}");
        run_ok(
            d,
            &[
                "report",
                "individual",
                "--model",
                &model,
                "--evals",
                csv.to_str().unwrap(),
                "--out",
                &out,
            ],
        );
        std::fs::read_to_string(d.join(out).join("person-X1-2026H1.html")).unwrap()
    };
    let suppressed = page(2);
    assert!(suppressed.contains("主管评语可见"));
    assert!(
        !suppressed.contains("同事评语"),
        "a suppressed group's comment is shown"
    );
    assert!(suppressed.contains("来自人数不足匿名门槛的评价人类型的评语不予显示"));
    let shown = page(3);
    assert!(shown.contains("主管评语可见") && shown.contains("同事评语2号"));
    assert!(!shown.contains("来自人数不足匿名门槛的评价人类型的评语不予显示"));
}

#[test]
fn comments_are_dropped_under_pseudonyms() {
    let dir = workdir();
    let d = dir.path();
    let t = "person_id,name,grade,period,rater,rater_id,competency,score,comment\n\
             X1,甲乙丙,rm,2026H1,supervisor,S1,K.product,3,甲乙丙的主管评语\n";
    let csv = write(d, "evals.csv", t);
    let printed = run_ok(
        d,
        &[
            "report",
            "individual",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--evals",
            csv.to_str().unwrap(),
            "--out",
            "out",
            "--pseudonymize",
            KEY,
        ],
    );
    let html = std::fs::read_to_string(d.join(printed.trim())).unwrap();
    assert!(!html.contains("甲乙丙") && !html.contains("X1") && !html.contains("S1"));
    assert!(html.contains(&pseudonym(KEY, "person", "X1")));
}
