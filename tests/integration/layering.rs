//! The pipeline's layering, checked on the source: a module may import its
//! own layer or a lower one, never a higher one, and imports within a layer
//! form no cycle. README "Layout" lists the same layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules of `src/`, lowest layer first. A new module must be
/// placed here, or the test fails.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "bottom: errors, text input, suggestions, files written",
        &["error", "input", "suggest", "rng", "files", "privacy"],
    ),
    ("model", &["model"]),
    ("ingest", &["ingest"]),
    ("score", &["score"]),
    ("plan / analysis", &["plan", "analysis", "anonymity"]),
    ("output / report", &["output", "report", "sample"]),
    ("binary edge", &["cli", "cmd", "fuzzing", "main", "lib"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, members)| members.contains(&module))
}

/// Removes `//` comments (doc comments included) and the contents of string
/// literals, so that prose mentioning `crate::x` is not an import.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    out.push('"');
                }
                '\n' => out.push('\n'),
                _ => {}
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                in_string = true;
                out.push('"');
            }
            // A char literal such as '"' must not open a string.
            '\'' => {
                out.push('\'');
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("\"'") || rest.starts_with("\\\"'") {
                    for _ in 0..rest.find('\'').unwrap() + 1 {
                        chars.next();
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The top-level modules a piece of source names through `crate::` (or
/// `ksa::` in the binary): `crate::score::fit`, `use crate::{model, ingest::X}`.
fn imported_modules(source: &str) -> BTreeSet<String> {
    let code = code_only(source);
    let mut found = BTreeSet::new();
    for prefix in ["crate::", "ksa::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // e.g. `mycrate::`
            }
            let rest_trim = rest.trim_start();
            if let Some(group) = rest_trim.strip_prefix('{') {
                // Items at brace depth 1 of `crate::{a, b::{c, d}, e}`.
                let mut depth = 1;
                let mut at_item = true;
                let mut ident = String::new();
                for c in group.chars() {
                    if depth == 1 && at_item && (c.is_alphanumeric() || c == '_') {
                        ident.push(c);
                        continue;
                    }
                    if !ident.is_empty() {
                        found.insert(std::mem::take(&mut ident));
                        at_item = false;
                    }
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        ',' if depth == 1 => at_item = true,
                        _ => {}
                    }
                }
                if !ident.is_empty() {
                    found.insert(ident);
                }
            } else {
                let ident: String = rest_trim
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() {
                    found.insert(ident);
                }
            }
        }
    }
    found
}

/// Every `.rs` file under `dir`, with the top-level module it belongs to.
fn sources(dir: &Path, top: Option<&str>, out: &mut Vec<(String, String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            sources(&path, Some(top.unwrap_or(&name)), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = top.unwrap_or(&name).to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((module, path.display().to_string(), text));
        }
    }
}

/// Layer violations and same-layer cycles of a set of (module, file, source).
fn violations(files: &[(String, String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut same_layer: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path, text) in files {
        let Some(own) = layer_of(module) else {
            problems.push(format!(
                "{path}: module `{module}` has no layer: add it to LAYERS in tests/integration/layering.rs and to README's Layout"
            ));
            continue;
        };
        for imported in imported_modules(text) {
            if imported == *module {
                continue;
            }
            let Some(theirs) = layer_of(&imported) else {
                continue; // an item of lib.rs such as `exit_code`
            };
            if theirs > own {
                problems.push(format!(
                    "{path}: `{module}` ({}) imports `{imported}` ({}), a higher layer",
                    LAYERS[own].0, LAYERS[theirs].0
                ));
            } else if theirs == own {
                same_layer
                    .entry(module.clone())
                    .or_default()
                    .insert(imported);
            }
        }
    }
    // A cycle within a layer: a module that reaches itself.
    for start in same_layer.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = same_layer[start].iter().collect();
        while let Some(next) = stack.pop() {
            if next == start {
                problems.push(format!("import cycle within a layer through `{start}`"));
                break;
            }
            if seen.insert(next.clone()) {
                if let Some(more) = same_layer.get(next) {
                    stack.extend(more.iter());
                }
            }
        }
    }
    problems
}

#[test]
fn no_stage_imports_a_higher_one() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        None,
        &mut files,
    );
    assert!(files.len() > 50, "found only {} source files", files.len());
    let problems = violations(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_finds_upward_imports_cycles_and_unplaced_modules() {
    let file =
        |module: &str, text: &str| (module.to_string(), format!("{module}.rs"), text.to_string());
    let bad = [
        // score reaching up into report, inside a nested use group
        file(
            "score",
            "use crate::{model::Model, report::{team, Audit}};\n",
        ),
        // plan and analysis importing each other
        file("plan", "fn f() { crate::analysis::x(); }\n"),
        file("analysis", "use crate::plan;\n"),
        file("newstage", "use crate::error::Result;\n"),
    ];
    let problems = violations(&bad);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems[0].contains("`score` (score) imports `report`"),
        "{problems:#?}"
    );
    assert!(
        problems[1].contains("`newstage` has no layer"),
        "{problems:#?}"
    );
    assert!(problems[2].contains("cycle within a layer through `analysis`"));
    assert!(problems[3].contains("cycle within a layer through `plan`"));

    // Prose and strings are not imports; `ksa::` in the binary is.
    let ok = [
        file("model", "/// see crate::report::team\nconst S: &str = \"crate::cmd\";\nconst Q: char = '\"';\nuse crate::error;\n"),
        file("main", "fn main() { ksa::cmd::run(); }\n"),
    ];
    assert_eq!(violations(&ok), Vec::<String>::new());
    assert_eq!(
        imported_modules("use crate::{a, b::{c, d}, e as f};"),
        ["a", "b", "e"].iter().map(|s| s.to_string()).collect()
    );
}
