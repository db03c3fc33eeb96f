//! The second bundled model, `models/customer-service.toml` (a customer-service
//! department, from articles 4–9 of the source collection): it checks clean,
//! its shipped sample data is exactly what `ksa sample` generates, and the
//! engine scores, places, reports and demos it as it does the bank model —
//! the engine serves any department's model, not just relationship managers.

use crate::common::*;
use scraper::Html;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const MODEL: &str = "models/customer-service.toml";
const EVALS: &str = "data/customer-service/evaluations.csv";
const CANDIDATES: &str = "data/customer-service/candidates.csv";
/// The command the README documents for `data/customer-service/`.
const SAMPLE_COMMAND: &str = "ksa sample --model models/customer-service.toml --people 30 \
                              --periods 2 --seed 2026 --candidates 12 --out data/customer-service";
const EPOCH: &str = "1767225600";

/// What the model says about itself (`ksa model show --format json`).
struct ModelFacts {
    id: String,
    name: String,
    version: String,
    grades: Vec<String>,
    categories: usize,
    competency_ids: Vec<String>,
    competency_names: Vec<String>,
}

fn model_facts() -> ModelFacts {
    let dir = workdir();
    let json = run_ok(
        dir.path(),
        &["model", "show", &repo_arg(MODEL), "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("model show JSON");
    let strings = |array: &str, key: &str| -> Vec<String> {
        v[array]
            .as_array()
            .unwrap_or_else(|| panic!("{array} in {json}"))
            .iter()
            .map(|x| x[key].as_str().expect(key).to_string())
            .collect()
    };
    ModelFacts {
        id: v["id"].as_str().unwrap().to_string(),
        name: v["name"].as_str().unwrap().to_string(),
        version: v["version"].as_str().unwrap().to_string(),
        grades: strings("grades", "id"),
        categories: v["categories"].as_array().unwrap().len(),
        competency_ids: strings("competencies", "id"),
        competency_names: strings("competencies", "name"),
    }
}

/// The evaluation rows of a CSV file, as header → value maps (BOM stripped).
fn rows_of(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("read CSV");
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let records = csv_records(text);
    let header = records[0].clone();
    records[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

/// The distinct (person_id, period) pairs of the shipped evaluations.
fn person_periods() -> BTreeSet<(String, String)> {
    rows_of(&repo(EVALS))
        .into_iter()
        .map(|r| (r["person_id"].clone(), r["period"].clone()))
        .collect()
}

#[test]
fn model_check_is_clean() {
    let facts = model_facts();
    let dir = workdir();
    let out = run(dir.path(), &["model", "check", &repo_arg(MODEL)]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // No warnings at all: only the ok line.
    let expected = format!(
        "ok: {}: {} ({} {}), {} competencies, {} grades\n",
        repo_arg(MODEL),
        facts.name,
        facts.id,
        facts.version,
        facts.competency_ids.len(),
        facts.grades.len()
    );
    assert_same_text(&expected, &out.stderr, "model check stderr");
    assert_eq!(out.stdout, "");
}

#[test]
fn english_twin_is_clean_and_in_sync() {
    let dir = workdir();
    let en = "models/customer-service.en.toml";
    let out = run(dir.path(), &["model", "check", &repo_arg(en)]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.starts_with("ok: ") && out.stderr.lines().count() == 1,
        "no warnings: {}",
        out.stderr
    );
    // Same ids, numbers and flags: the two differ only in their words.
    let shape = |file: &str| -> serde_json::Value {
        let json = run_ok(
            dir.path(),
            &["model", "show", &repo_arg(file), "--format", "json"],
        );
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        strip_words(&mut v);
        v
    };
    assert_eq!(shape(MODEL), shape(en));
}

/// Replaces every text meant for people (names, descriptions, labels,
/// indicators, groups, tasks, the language) by a placeholder, keeping the
/// keys, so that level keys of labels and indicators still have to agree.
fn strip_words(v: &mut serde_json::Value) {
    const WORDS: [&str; 6] = [
        "name",
        "description",
        "group",
        "language",
        "labels",
        "indicators",
    ];
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if k == "tasks" {
                    let n = x.as_array().map_or(0, Vec::len);
                    *x = serde_json::json!(n);
                } else if WORDS.contains(&k.as_str()) {
                    match x {
                        serde_json::Value::Object(levels) => {
                            for t in levels.values_mut() {
                                *t = serde_json::json!("…");
                            }
                        }
                        _ => *x = serde_json::json!("…"),
                    }
                } else {
                    strip_words(x);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_words),
        _ => {}
    }
}

#[test]
fn model_has_three_grades_rising_and_every_category_of_ksa() {
    let facts = model_facts();
    assert_eq!(facts.grades, ["agent", "lead", "manager"]);
    assert_eq!(facts.categories, 3);
    let tree = run_ok(workdir().path(), &["model", "show", &repo_arg(MODEL)]);
    for heading in [
        "客服员",
        "客服主管/副主管",
        "客户服务经理",
        "K 知识",
        "S 技能",
        "A 素质",
    ] {
        assert!(tree.contains(heading), "{heading} in\n{tree}");
    }
}

#[test]
fn shipped_sample_data_is_what_ksa_sample_generates() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    assert!(
        readme.contains(SAMPLE_COMMAND),
        "the README documents how data/customer-service was made: {SAMPLE_COMMAND}"
    );
    let dir = workdir();
    // The documented command, run from a copy of the model's place in the repo.
    let mut args: Vec<String> = SAMPLE_COMMAND
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect();
    let model_at = args.iter().position(|a| a == "--model").unwrap() + 1;
    args[model_at] = repo_arg(MODEL);
    let out_at = args.iter().position(|a| a == "--out").unwrap() + 1;
    args[out_at] = "generated".to_string();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(dir.path(), &argv);
    for (generated, shipped) in [
        ("generated/evaluations.csv", EVALS),
        ("generated/candidates.csv", CANDIDATES),
    ] {
        let g = std::fs::read(dir.path().join(generated)).unwrap();
        let s = std::fs::read(repo(shipped)).unwrap();
        assert!(
            g == s,
            "{shipped} differs from what `{SAMPLE_COMMAND}` writes now: regenerate it"
        );
    }
}

#[test]
fn bank_sample_data_keeps_its_bytes() {
    // The README's command for data/: the sampler's department-neutral words
    // for other models must leave the bank model's data byte-identical.
    let dir = workdir();
    run_ok(
        dir.path(),
        &[
            "sample",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--people",
            "40",
            "--periods",
            "2",
            "--seed",
            "2026",
            "--candidates",
            "12",
            "--out",
            "data",
        ],
    );
    for f in ["evaluations.csv", "candidates.csv"] {
        let g = std::fs::read(dir.path().join("data").join(f)).unwrap();
        let s = std::fs::read(repo("data").join(f)).unwrap();
        assert!(g == s, "data/{f} is no longer what ksa sample writes");
    }
}

#[test]
fn sample_units_ids_and_comments_suit_a_customer_service_department() {
    let facts = model_facts();
    let rows = rows_of(&repo(EVALS));
    let units: BTreeSet<&str> = rows.iter().map(|r| r["unit"].as_str()).collect();
    // 30 people: three regions of one team each, a neutral tree.
    assert_eq!(
        units,
        BTreeSet::from([
            "总部/华东区/城东中心/一组",
            "总部/华北区/城东中心/一组",
            "总部/华南区/城东中心/一组"
        ]),
        "neutral unit names, not bank branches"
    );
    assert!(units.iter().all(|u| !u.contains("行")), "{units:?}");
    assert!(rows.iter().all(|r| r["person_id"].starts_with('E')));
    let grades: BTreeSet<&str> = rows.iter().map(|r| r["grade"].as_str()).collect();
    assert!(grades.iter().all(|g| facts.grades.iter().any(|x| x == g)));
    // Comments name the competency they are written on.
    let names: BTreeMap<&str, &str> = facts
        .competency_ids
        .iter()
        .map(String::as_str)
        .zip(facts.competency_names.iter().map(String::as_str))
        .collect();
    let comments: Vec<_> = rows.iter().filter(|r| !r["comment"].is_empty()).collect();
    assert!(!comments.is_empty());
    for r in comments {
        let name = names[r["competency"].as_str()];
        assert!(r["comment"].starts_with(name), "{r:?}");
        assert!(!r["comment"].contains("授信") && !r["comment"].contains("客户经理"));
    }
}

#[test]
fn score_and_place_cover_everyone() {
    let facts = model_facts();
    let pp = person_periods();
    let dir = workdir();
    let scores = run_ok(
        dir.path(),
        &[
            "score",
            "--model",
            &repo_arg(MODEL),
            "--evals",
            &repo_arg(EVALS),
            "--format",
            "csv",
        ],
    );
    let records = csv_records(&scores);
    assert_eq!(
        records.len() - 1,
        pp.len() * (1 + facts.categories + facts.competency_ids.len()),
        "one overall, one per category and one per competency for each person and period"
    );
    let header = &records[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (person, period, id) = (col("person_id"), col("period"), col("id"));
    let scored: BTreeSet<(String, String)> = records[1..]
        .iter()
        .map(|r| (r[person].clone(), r[period].clone()))
        .collect();
    assert_eq!(scored, pp);
    let ids: BTreeSet<&str> = records[1..].iter().map(|r| r[id].as_str()).collect();
    for c in &facts.competency_ids {
        assert!(ids.contains(c.as_str()), "{c} scored");
    }

    let place = run_ok(
        dir.path(),
        &[
            "place",
            "--model",
            &repo_arg(MODEL),
            "--evals",
            &repo_arg(EVALS),
            "--format",
            "csv",
        ],
    );
    let records = csv_records(&place);
    assert_eq!(
        records.len() - 1,
        pp.len(),
        "one placement per person and period"
    );
    for g in &facts.grades {
        assert!(records[0].contains(&format!("fit_{g}")), "{:?}", records[0]);
    }
    // The sample spreads people over the grades: every grade is someone's placement.
    let placement = records[0].iter().position(|h| h == "placement").unwrap();
    let placed: BTreeSet<&str> = records[1..].iter().map(|r| r[placement].as_str()).collect();
    for g in &facts.grades {
        assert!(
            placed.contains(g.as_str()),
            "someone placed at {g}: {placed:?}"
        );
    }
}

/// Reads an HTML report, checks it is a whole document, and parses it.
fn html_document(path: &Path) -> Html {
    let text = std::fs::read_to_string(path).expect("read report");
    assert!(
        text.starts_with("<!DOCTYPE html>") && text.trim_end().ends_with("</html>"),
        "{}: not a whole HTML document",
        path.display()
    );
    let doc = Html::parse_document(&text);
    assert!(
        doc.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        doc.errors
    );
    doc
}

fn text_of(doc: &Html) -> String {
    doc.root_element().text().collect()
}

#[test]
fn team_and_individual_reports_name_the_departments_competencies() {
    let facts = model_facts();
    let dir = workdir();
    let report = |kind: &str, extra: &[&str]| -> Vec<String> {
        let mut args = vec!["report", kind, "--model", MODEL, "--evals", EVALS, "--out"];
        let out = dir.path().join(kind);
        let out = out.to_str().unwrap();
        args.push(out);
        args.extend_from_slice(extra);
        let o = ksa()
            .current_dir(repo("."))
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };

    let team = report("team", &[]);
    assert_eq!(team.len(), 1, "{team:?}");
    let doc = html_document(Path::new(&team[0]));
    let text = text_of(&doc);
    assert!(text.contains("团队能力报告"));
    for name in &facts.competency_names {
        assert!(text.contains(name.as_str()), "team report names {name}");
    }
    assert!(
        !text.contains("支行"),
        "no bank branches in a customer-service team"
    );

    let people = report("individual", &[]);
    assert_eq!(
        people.len(),
        person_periods().len() + 1,
        "one page per person and period, and the index"
    );
    assert!(people.last().unwrap().ends_with("index.html"), "{people:?}");
    for page in people.iter().take(3) {
        let doc = html_document(Path::new(page));
        let text = text_of(&doc);
        assert!(text.contains("个人能力差距报告"), "{page}");
        for name in &facts.competency_names {
            assert!(text.contains(name.as_str()), "{page} names {name}");
        }
    }
}

/// Runs `ksa demo` in `dir` with `args`; returns its stdout lines with `out/`
/// stripped, its stderr, and the demo folder.
fn demo(dir: &Path, out: &str, args: &[&str]) -> (Vec<String>, String) {
    let o = ksa()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["demo", "--out", out])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let prefix = format!("{out}/");
    let files = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            l.strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{l} outside {out}"))
                .to_string()
        })
        .collect();
    (files, String::from_utf8(o.stderr).unwrap())
}

/// A written file's kind: individual pages without the person's id, the
/// comparison without its grade.
fn kind_of(file: &str) -> String {
    if let Some(rest) = file.strip_prefix("reports/people/person-") {
        let period = rest.rsplit('-').next().unwrap();
        format!("reports/people/person-<id>-{period}")
    } else if file.starts_with("reports/compare-") {
        "reports/compare-<grade>.html".to_string()
    } else {
        file.to_string()
    }
}

fn kinds(files: &[String]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in files {
        *m.entry(kind_of(f)).or_insert(0) += 1;
    }
    m
}

#[test]
fn demo_on_the_customer_service_model_writes_what_the_bank_demo_writes() {
    let dir = workdir();
    let (bank, _) = demo(dir.path(), "bank", &[]);
    let (cs, stderr) = demo(dir.path(), "cs", &["--model", &repo_arg(MODEL)]);
    assert_eq!(kinds(&cs), kinds(&bank), "the same set of files");
    // The model has no grade "rm": candidates go to the middle grade, and the
    // demo says so; its own recruitment weighting is used (no note).
    assert!(
        cs.contains(&"reports/compare-lead.html".to_string()),
        "{cs:?}"
    );
    assert!(
        stderr.contains("candidates ranked for 客服主管/副主管 (lead), the middle grade"),
        "{stderr}"
    );
    assert!(!stderr.contains("weighting"), "{stderr}");
    // The data is the generator's, as `ksa sample` writes it.
    run_ok(
        dir.path(),
        &[
            "sample",
            "--model",
            &repo_arg(MODEL),
            "--people",
            "40",
            "--periods",
            "2",
            "--seed",
            "2026",
            "--candidates",
            "12",
            "--out",
            "sampled",
        ],
    );
    for f in ["evaluations.csv", "candidates.csv"] {
        let demo_input = std::fs::read(dir.path().join("cs/inputs").join(f)).unwrap();
        let sampled = std::fs::read(dir.path().join("sampled").join(f)).unwrap();
        assert!(demo_input == sampled, "cs/inputs/{f}");
    }
    let model_copy = std::fs::read(dir.path().join("cs/inputs/customer-service.toml")).unwrap();
    assert_eq!(model_copy, std::fs::read(repo(MODEL)).unwrap());
    let doc = html_document(&dir.path().join("cs/reports/team.html"));
    assert!(text_of(&doc).contains("服务意识"));
}

#[test]
fn demo_with_the_bank_model_is_the_bundled_demo() {
    // Same generator and settings as data/: `--model models/bank-rm.toml`
    // gives byte for byte what the bundled demo gives (bar the English twin
    // of the model, which only the bundled demo copies).
    let dir = workdir();
    let (bundled, _) = demo(dir.path(), "a", &[]);
    let (given, _) = demo(
        dir.path(),
        "b",
        &["--model", &repo_arg("models/bank-rm.toml")],
    );
    assert_eq!(bundled, given);
    for f in bundled.iter().map(String::as_str).chain([
        "inputs/bank-rm.toml",
        "inputs/evaluations.csv",
        "inputs/candidates.csv",
    ]) {
        let a = std::fs::read(dir.path().join("a").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("b").join(f)).unwrap();
        assert!(a == b, "{f} differs");
    }
}

#[test]
fn demo_with_a_bad_model_writes_nothing() {
    let dir = workdir();
    let bad = write(
        dir.path(),
        "bad.toml",
        "schema = 1\nid = \"x\"\nname = \"x\"\nversion = \"1\"\ncolour = \"red\"\n",
    );
    let out = run(
        dir.path(),
        &["demo", "--out", "out", "--model", bad.to_str().unwrap()],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.errors().iter().any(|e| e.contains("bad.toml")),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("out").exists(), "nothing written");

    let missing = run(
        dir.path(),
        &["demo", "--out", "out", "--model", "nope.toml"],
    );
    assert_eq!(missing.code, Some(2));
    assert_eq!(
        missing.errors(),
        ["error: nope.toml: model file not found"],
        "{}",
        missing.stderr
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn demo_says_which_defaults_it_took_for_recruitment() {
    // Without a recruitment weighting the candidates are ranked with the
    // categories' own weights, and the demo says so.
    let dir = workdir();
    let text = std::fs::read_to_string(repo(MODEL)).unwrap();
    let block = "[[weightings]]\nid = \"recruitment\"\nname = \"招聘权重\"\ncategories = { K = 0.2, S = 0.3, A = 0.5 }\n";
    assert!(text.contains(block));
    let path = write(dir.path(), "no-weighting.toml", &text.replace(block, ""));
    let (files, stderr) = demo(dir.path(), "out", &["--model", path.to_str().unwrap()]);
    assert!(files.contains(&"reports/compare-lead.html".to_string()));
    assert!(
        stderr.contains("demo: candidates ranked with the categories' own weights: the model has no weighting \"recruitment\""),
        "{stderr}"
    );
    // --quiet leaves the notes out with the rest of the progress.
    let quiet = run(
        dir.path(),
        &[
            "demo",
            "--out",
            "q",
            "--quiet",
            "--model",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(quiet.code, Some(0));
    assert_eq!(quiet.stderr, "");
}
