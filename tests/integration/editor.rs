//! Editor and shell support: the JSON Schema of the model format (`ksa model
//! schema`), the starting model (`ksa model init`), shell completions and
//! manual pages.
//!
//! The schema is checked against real models: every shipped model and every
//! starting model must validate, and every broken model of the model tests
//! must not, except those whose fault relates one part of a model to another
//! (`model::assert_rejected_by_checker`), which no JSON Schema can express.

use crate::common::*;
use std::sync::OnceLock;

/// The schema `ksa model schema` prints, compiled once for all tests.
fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let dir = workdir();
        let text = run_ok(dir.path(), &["model", "schema"]);
        let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
        jsonschema::draft7::new(&schema).expect("a valid draft-7 schema")
    })
}

/// Validates model text against the schema: the first problem, if any.
/// Text that is not TOML counts as rejected (editors report it as such).
pub fn schema_verdict(toml_text: &str) -> Result<(), String> {
    let value: serde_json::Value =
        toml::from_str(toml_text).map_err(|e| format!("not TOML: {e}"))?;
    let errors: Vec<String> = validator()
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

#[test]
fn the_schema_is_draft_7_and_closed_to_unknown_keys() {
    let dir = workdir();
    let text = run_ok(dir.path(), &["model", "schema"]);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for key in [
        "schema",
        "id",
        "name",
        "version",
        "scale",
        "grades",
        "raters",
        "categories",
        "competencies",
    ] {
        assert!(required.contains(&key), "{key} required: {required:?}");
    }
    assert!(!required.contains(&"training"), "{required:?}");
}

#[test]
fn every_shipped_model_validates_against_the_schema() {
    let mut seen = 0;
    for entry in std::fs::read_dir(repo("models")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Err(e) = schema_verdict(&text) {
                panic!("{}: {e}", path.display());
            }
            seen += 1;
        }
    }
    assert!(seen >= 2, "the shipped models were found ({seen})");
}

#[test]
fn the_shipped_schema_file_is_what_ksa_prints() {
    let dir = workdir();
    let printed = run_ok(dir.path(), &["model", "schema"]);
    let shipped = std::fs::read_to_string(repo("models/ksa-model.schema.json"))
        .expect("models/ksa-model.schema.json");
    assert_same_text(
        &printed,
        &shipped,
        "models/ksa-model.schema.json (regenerate: ksa model schema > models/ksa-model.schema.json)",
    );
}

#[test]
fn the_schema_rejects_what_it_can_express() {
    let base = std::fs::read_to_string(repo("models/bank-rm.toml")).unwrap();
    assert_eq!(schema_verdict(&base), Ok(()));
    let cases = [
        (
            "version = \"2026.1\"",
            "version = 2026",
            "a number for a string",
        ),
        (
            "id = \"bank-rm\"",
            "id = \"Bank RM\"",
            "a model id outside [a-z0-9._-]",
        ),
        (
            "language = \"zh\"",
            "language = \"fr\"",
            "an unknown language",
        ),
        ("min = 1\n", "min = \"1\"\n", "a string for an integer"),
        (
            "\"1\" = \"未掌握\"",
            "\"one\" = \"未掌握\"",
            "a level key that is no number",
        ),
        ("weight = 0.5", "weight = -0.5", "a negative rater weight"),
        ("min_count = 3", "min_count = 0", "min_count below 1"),
        ("schema = 1", "schema = 2", "another schema"),
        (
            "name = \"上级\"",
            "name = \"上级\"\ncolour = \"red\"",
            "an unknown key",
        ),
    ];
    for (from, to, what) in cases {
        assert!(base.contains(from), "{from}");
        let broken = base.replacen(from, to, 1);
        assert!(schema_verdict(&broken).is_err(), "{what} must be rejected");
    }
}

#[test]
fn init_writes_a_valid_commented_model_for_each_ladder() {
    let dir = workdir();
    for lang in ["zh", "en"] {
        for grades in ["1", "2", "3", "5", "9"] {
            let text = run_ok(
                dir.path(),
                &["model", "init", "--grades", grades, "--lang", lang],
            );
            assert!(text.starts_with("# "), "commented: {text}");
            assert_eq!(schema_verdict(&text), Ok(()), "{lang} {grades}");
            let name = format!("init-{lang}-{grades}.toml");
            write(dir.path(), &name, &text);
            let out = run(dir.path(), &["model", "check", &name]);
            assert_eq!(out.code, Some(0), "{}", out.stderr);
            assert_eq!(out.warnings(), Vec::<&str>::new(), "no warnings");
            let n: usize = grades.parse().unwrap();
            assert!(
                out.stderr.contains(&format!("3 competencies, {n} grades")),
                "{}",
                out.stderr
            );
        }
    }
    // The default is the paper's three grades, in Chinese.
    let text = run_ok(dir.path(), &["model", "init"]);
    assert!(text.contains("language = \"zh\""), "{text}");
    assert!(text.contains("required = { assistant = 2, regular = 3, senior = 4 }"));
}

#[test]
fn init_refuses_a_ladder_it_cannot_write() {
    let dir = workdir();
    for bad in [
        &["model", "init", "--grades", "0"][..],
        &["model", "init", "--grades", "10"],
        &["model", "init", "--lang", "fr"],
    ] {
        let out = run(dir.path(), bad);
        assert_eq!(out.code, Some(2), "{bad:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn completions_cover_every_command_in_each_shell() {
    let dir = workdir();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = run_ok(dir.path(), &["completions", shell]);
        for command in ["score", "place", "compare", "plan", "report", "model"] {
            assert!(script.contains(command), "{shell}: {command}");
        }
        assert!(script.contains("--evals"), "{shell}: flags too");
    }
    let bash = run_ok(dir.path(), &["completions", "bash"]);
    if std::path::Path::new("/bin/bash").exists() {
        let path = write(dir.path(), "ksa.bash", &bash);
        let status = std::process::Command::new("/bin/bash")
            .arg("-n")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success(), "bash -n accepts the script");
    }
    let out = run(dir.path(), &["completions", "tcsh"]);
    assert_eq!(out.code, Some(2), "an unknown shell: {}", out.stderr);
}

#[test]
fn man_prints_the_page_or_writes_one_per_command() {
    let dir = workdir();
    let page = run_ok(dir.path(), &["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH ksa 1"),
        "{page}"
    );
    assert!(page.contains("score"), "lists the commands");
    let out = run(dir.path(), &["man", "--out", "man"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for name in [
        "ksa.1",
        "ksa-score.1",
        "ksa-model.1",
        "ksa-model-check.1",
        "ksa-report.1",
    ] {
        let p = dir.path().join("man").join(name);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|_| panic!("{name} written"));
        assert!(text.contains(".TH"), "{name} is a roff page");
    }
    let top = std::fs::read_to_string(dir.path().join("man/ksa.1")).unwrap();
    assert_eq!(top, page, "the same top page either way");
}
