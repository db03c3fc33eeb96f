//! The model file (model.md): validation errors and warnings through
//! `ksa model check`, the tree of `ksa model show` (golden files) and its
//! JSON form.
//!
//! Every broken model is the valid `BASE` below with one change, so a test
//! fails for exactly the rule it names. The messages must name the file, the
//! offending key or id, and the line where the TOML parser gives one
//! (model.md, "Validation").

use crate::common::*;
use std::path::Path;

/// A small valid model that uses every part of the format and gives no
/// warning: every required competency is either covered by a course or not
/// trainable, and no requirement falls as the grade rises.
const BASE: &str = r#"schema = 1
id = "test-model"
name = "Test model"
version = "1"
language = "en"

[scale]
min = 1
max = 5
labels = { "1" = "none", "5" = "expert" }

[[grades]]
id = "junior"
name = "Junior"

[[grades]]
id = "senior"
name = "Senior"

[[raters]]
id = "boss"
name = "Boss"
weight = 0.6

[[raters]]
id = "peer"
name = "Peer"
weight = 0.4
min_count = 2

[[categories]]
id = "K"
name = "Knowledge"
weight = 1

[[categories]]
id = "A"
name = "Attributes"
weight = 1.5

[[competencies]]
id = "K.law"
name = "Law"
category = "K"
weight = 2
required = { junior = 2, senior = 3 }
indicators = { "2" = "knows", "3" = "applies" }

[[competencies]]
id = "A.grit"
name = "Grit"
category = "A"
trainable = false
required = { junior = 3, senior = 4 }

[[weightings]]
id = "hire"
name = "Hiring"
categories = { A = 2 }

[placement]
tolerance = 0.5

[[duties]]
id = "advise"
name = "Advise clients"
tasks = ["listen", "propose"]
competencies = ["K.law"]

[[training]]
id = "law-course"
name = "Law course"
competencies = ["K.law"]
gain = 1
hours = 8
cost = 100
"#;

/// `BASE` with each `(from, to)` applied; `from` must occur exactly once, so
/// an edit can never silently miss.
fn edit(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert_eq!(
            text.matches(from).count(),
            1,
            "edit {from:?} must match exactly once"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

/// `BASE` with text added at the end (arrays of tables may continue there).
fn append(extra: &str) -> String {
    format!("{BASE}\n{extra}")
}

/// 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the model"));
    text[..at].matches('\n').count() + 1
}

/// 1-based line of the last occurrence of `needle`.
fn line_of_last(text: &str, needle: &str) -> usize {
    let at = text
        .rfind(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the model"));
    text[..at].matches('\n').count() + 1
}

/// Whether `word` occurs in `msg` not glued to letters, digits or `_`
/// (so "id" is not found inside "valid", nor "1" inside "10").
fn has_word(msg: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    msg.match_indices(word).any(|(i, _)| {
        let before = msg[..i].chars().next_back();
        let after = msg[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// Whether a message gives line `line`: `FILE:LINE` or `line LINE`.
fn names_line(msg: &str, line: usize) -> bool {
    let l = line.to_string();
    msg.match_indices(&format!(":{l}")).any(|(i, m)| {
        !msg[i + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    }) || has_word(msg, &format!("line {l}"))
}

/// Runs `ksa model check` on the model text written as `broken.toml`.
fn check(toml: &str) -> Outcome {
    let dir = workdir();
    write(dir.path(), "broken.toml", toml);
    run(dir.path(), &["model", "check", "broken.toml"])
}

/// Asserts that `ksa model check` rejects the model (exit 2) with an
/// `error:` line that names the file, every one of `mentions`, and `line`,
/// and that the JSON Schema editors use (`ksa model schema`) rejects it too.
fn assert_rejected(toml: &str, mentions: &[&str], line: Option<usize>) {
    assert_rejected_by_checker(toml, mentions, line);
    assert!(
        crate::editor::schema_verdict(toml).is_err(),
        "the JSON Schema must reject this model too:\n{toml}"
    );
}

/// As `assert_rejected`, for faults that relate one part of a model to
/// another (unique ids, references, levels inside the scale, weights that
/// are all 0): no JSON Schema can express them, so only `ksa model check`
/// catches them.
fn assert_rejected_by_checker(toml: &str, mentions: &[&str], line: Option<usize>) {
    let out = check(toml);
    assert_eq!(
        out.code,
        Some(2),
        "model check must exit 2; stderr:\n{}\nmodel:\n{toml}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", out.stdout);
    assert!(!out.stderr.contains("panicked"), "no panic: {}", out.stderr);
    let found = out.errors().into_iter().any(|l| {
        l.contains("broken.toml")
            && mentions.iter().all(|m| has_word(l, m))
            && line.is_none_or(|n| names_line(l, n))
    });
    assert!(
        found,
        "no `error:` line naming broken.toml, {mentions:?} and line {line:?}; stderr:\n{}",
        out.stderr
    );
}

/// Asserts that the model is valid (exit 0) and returns its warnings.
fn assert_valid(toml: &str) -> Vec<String> {
    assert_eq!(
        crate::editor::schema_verdict(toml),
        Ok(()),
        "the JSON Schema accepts a valid model"
    );
    let out = check(toml);
    assert_eq!(out.code, Some(0), "valid model; stderr:\n{}", out.stderr);
    assert!(out.errors().is_empty(), "no errors: {}", out.stderr);
    out.warnings().into_iter().map(str::to_string).collect()
}

#[test]
fn base_model_is_valid_and_gives_no_warning() {
    let warnings = assert_valid(BASE);
    assert!(warnings.is_empty(), "{warnings:?}");
}

// ------------------------------------------------------------ TOML and keys

#[test]
fn toml_syntax_error_gives_the_line() {
    let toml = edit(&[("name = \"Law\"", "name = \"Law")]);
    let line = line_of(&toml, "name = \"Law");
    assert_rejected(&toml, &[], Some(line));
}

#[test]
fn unknown_key_in_a_rater_is_an_error_naming_it() {
    let toml = edit(&[("weight = 0.6", "wieght = 0.6")]);
    assert_rejected(&toml, &["wieght"], Some(line_of(&toml, "wieght")));
}

#[test]
fn unknown_key_at_top_level_is_an_error_naming_it() {
    let toml = edit(&[("version = \"1\"\n", "version = \"1\"\ncolour = \"red\"\n")]);
    assert_rejected(&toml, &["colour"], Some(line_of(&toml, "colour")));
}

#[test]
fn unknown_key_in_a_competency_is_an_error_naming_it() {
    let toml = edit(&[("trainable = false", "trainable = false\ncritcal = true")]);
    assert_rejected(&toml, &["critcal"], Some(line_of(&toml, "critcal")));
}

#[test]
fn missing_top_level_keys_are_errors_naming_them() {
    for key in [
        "id = \"test-model\"\n",
        "name = \"Test model\"\n",
        "version = \"1\"\n",
    ] {
        let toml = edit(&[(key, "")]);
        let name = key.split(' ').next().unwrap();
        assert_rejected(&toml, &[name], None);
    }
    // The whole [scale] table.
    let toml = edit(&[(
        "[scale]\nmin = 1\nmax = 5\nlabels = { \"1\" = \"none\", \"5\" = \"expert\" }\n",
        "",
    )]);
    assert_rejected(&toml, &["scale"], None);
    for key in ["min = 1\n", "max = 5\n"] {
        let toml = edit(&[(key, "")]);
        assert_rejected(&toml, &[key.split(' ').next().unwrap()], None);
    }
}

/// Removes `key_line` from the array item that starts with `item_start` and
/// expects an error naming the key, on the line where the item starts.
fn assert_missing_key(item_start: &str, key_line: &str) {
    let key = key_line.split(' ').next().unwrap();
    let start = BASE.find(item_start).unwrap();
    // The item with its last newline, up to the blank line after it.
    let item_end = BASE[start..]
        .find("\n\n")
        .map_or(BASE.len() - start, |e| e + 1);
    let item = &BASE[start..start + item_end];
    assert!(item.contains(key_line), "{key_line:?} not in {item:?}");
    let toml = format!(
        "{}{}{}",
        &BASE[..start],
        item.replacen(key_line, "", 1),
        &BASE[start + item_end..]
    );
    // The parser places a missing key at the table that lacks it.
    assert_rejected(&toml, &[key], Some(line_of(&toml, item_start)));
}

#[test]
fn missing_required_key_of_a_grade() {
    let item = "[[grades]]\nid = \"junior\"";
    assert_missing_key(item, "name = \"Junior\"\n");
    assert_missing_key("[[grades]]\nid = \"senior\"", "name = \"Senior\"\n");
    let toml = edit(&[("id = \"senior\"\n", "")]);
    assert_rejected(&toml, &["id"], Some(line_of_last(&toml, "[[grades]]")));
}

#[test]
fn missing_required_keys_of_a_rater() {
    let item = "[[raters]]\nid = \"boss\"";
    assert_missing_key(item, "name = \"Boss\"\n");
    assert_missing_key(item, "weight = 0.6\n");
    let toml = edit(&[("id = \"peer\"\n", "")]);
    assert_rejected(&toml, &["id"], Some(line_of_last(&toml, "[[raters]]")));
}

#[test]
fn missing_required_keys_of_a_category() {
    assert_missing_key("[[categories]]\nid = \"K\"", "name = \"Knowledge\"\n");
    let toml = edit(&[("id = \"A\"\n", "")]);
    assert_rejected(&toml, &["id"], Some(line_of_last(&toml, "[[categories]]")));
}

#[test]
fn missing_required_keys_of_a_competency() {
    let item = "[[competencies]]\nid = \"K.law\"";
    assert_missing_key(item, "name = \"Law\"\n");
    assert_missing_key(item, "category = \"K\"\n");
    let toml = edit(&[("id = \"A.grit\"\n", "")]);
    assert_rejected(
        &toml,
        &["id"],
        Some(line_of_last(&toml, "[[competencies]]")),
    );
}

#[test]
fn missing_required_keys_of_a_duty() {
    assert_missing_key("[[duties]]", "id = \"advise\"\n");
    assert_missing_key("[[duties]]", "name = \"Advise clients\"\n");
}

#[test]
fn missing_required_keys_of_a_training_course() {
    assert_missing_key("[[training]]", "id = \"law-course\"\n");
    assert_missing_key("[[training]]", "name = \"Law course\"\n");
    assert_missing_key("[[training]]", "competencies = [\"K.law\"]\n");
}

#[test]
fn optional_keys_may_all_be_left_out() {
    // model.md: everything but the listed keys is optional (hours defaults
    // to 0); a model with only the required keys is valid.
    let toml = r#"schema = 1
id = "m"
name = "M"
version = "0"
[scale]
min = 0
max = 3
[[grades]]
id = "g"
name = "G"
[[raters]]
id = "r"
name = "R"
weight = 1
[[categories]]
id = "C"
name = "C"
[[competencies]]
id = "c"
name = "c"
category = "C"
required = { g = 2 }
trainable = false
[[training]]
id = "t"
name = "T"
competencies = ["c"]
[[duties]]
id = "d"
name = "D"
"#;
    assert_valid(toml);
}

#[test]
fn a_weight_given_as_a_string_is_a_type_error_with_its_line() {
    let toml = edit(&[("weight = 0.6", "weight = \"0.6\"")]);
    assert_rejected(&toml, &[], Some(line_of(&toml, "\"0.6\"")));
}

#[test]
fn other_wrong_value_types_are_errors_with_their_line() {
    for (from, to, _) in WRONG_TYPES {
        let toml = edit(&[(from, to)]);
        assert_rejected(&toml, &[], Some(line_of(&toml, to)));
    }
}

/// (from, to, key): one value of the wrong type each.
const WRONG_TYPES: [(&str, &str, &str); 6] = [
    ("weight = 0.6", "weight = \"0.6\"", "weight"),
    ("trainable = false", "trainable = \"no\"", "trainable"),
    ("min_count = 2", "min_count = 2.5", "min_count"),
    (
        "tasks = [\"listen\", \"propose\"]",
        "tasks = \"listen\"",
        "tasks",
    ),
    ("min = 1", "min = \"1\"", "min"),
    ("hours = 8", "hours = \"8h\"", "hours"),
];

#[test]
fn wrong_value_type_error_names_the_key() {
    // model.md: "every message names the file and the offending key or id".
    for (from, to, key) in WRONG_TYPES {
        let toml = edit(&[(from, to)]);
        assert_rejected(&toml, &[key], Some(line_of(&toml, to)));
    }
}

// ------------------------------------------------------------ schema

#[test]
fn missing_schema_is_reported_naming_the_supported_version() {
    let toml = edit(&[("schema = 1\n", "")]);
    assert_rejected(&toml, &["schema", "1"], None);
}

#[test]
fn schema_2_is_reported_naming_the_supported_version() {
    let toml = edit(&[("schema = 1\n", "schema = 2\n")]);
    assert_rejected(&toml, &["schema", "1"], None);
}

#[test]
fn unsupported_schema_is_reported_on_its_own() {
    // model.md: "A missing or unsupported schema is reported on its own" —
    // a schema-2 file is not also buried in errors about its other keys.
    let toml = edit(&[
        ("schema = 1\n", "schema = 2\n"),
        ("weight = 0.6", "wieght = 0.6"),
    ]);
    let out = check(&toml);
    assert_eq!(out.code, Some(2));
    let errors = out.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(has_word(errors[0], "schema"), "{errors:?}");
}

// ------------------------------------------------------------ duplicate ids

#[test]
fn duplicate_grade_ids() {
    let toml = edit(&[("id = \"senior\"", "id = \"junior\"")]);
    assert_rejected_by_checker(
        &toml,
        &["junior"],
        Some(line_of_last(&toml, "id = \"junior\"")),
    );
}

#[test]
fn duplicate_rater_ids() {
    let toml = edit(&[("id = \"peer\"", "id = \"boss\"")]);
    assert_rejected_by_checker(&toml, &["boss"], Some(line_of_last(&toml, "id = \"boss\"")));
}

#[test]
fn duplicate_category_ids() {
    let toml = append("[[categories]]\nid = \"K\"\nname = \"More knowledge\"\n");
    assert_rejected_by_checker(&toml, &["K"], Some(line_of_last(&toml, "id = \"K\"")));
}

#[test]
fn duplicate_competency_ids() {
    let toml = append(
        "[[competencies]]\nid = \"K.law\"\nname = \"Law again\"\ncategory = \"K\"\nrequired = { junior = 2 }\n",
    );
    assert_rejected_by_checker(
        &toml,
        &["K.law"],
        Some(line_of_last(&toml, "id = \"K.law\"")),
    );
}

#[test]
fn competency_and_category_ids_share_one_namespace() {
    // model.md: "Ids of competencies and categories share one namespace".
    let toml = edit(&[("id = \"A.grit\"", "id = \"K\"")]);
    assert_rejected_by_checker(
        &toml,
        &["K"],
        Some(line_of(&toml, "id = \"K\"\nname = \"Grit\"")),
    );
}

#[test]
fn duplicate_weighting_ids() {
    let toml = append("[[weightings]]\nid = \"hire\"\ncategories = { K = 3 }\n");
    assert_rejected_by_checker(&toml, &["hire"], Some(line_of_last(&toml, "id = \"hire\"")));
}

#[test]
fn duplicate_duty_ids() {
    let toml = append("[[duties]]\nid = \"advise\"\nname = \"Advise again\"\n");
    assert_rejected_by_checker(
        &toml,
        &["advise"],
        Some(line_of_last(&toml, "id = \"advise\"")),
    );
}

#[test]
fn duplicate_training_ids() {
    let toml = append(
        "[[training]]\nid = \"law-course\"\nname = \"Law course 2\"\ncompetencies = [\"K.law\"]\n",
    );
    assert_rejected_by_checker(
        &toml,
        &["law-course"],
        Some(line_of_last(&toml, "id = \"law-course\"")),
    );
}

#[test]
fn two_competencies_with_the_same_name() {
    let toml = edit(&[("name = \"Grit\"", "name = \"Law\"")]);
    assert_rejected_by_checker(&toml, &["Law"], Some(line_of_last(&toml, "name = \"Law\"")));
}

// ------------------------------------------------------------ references

#[test]
fn competency_with_an_unknown_category() {
    let toml = edit(&[("category = \"A\"", "category = \"B\"")]);
    assert_rejected_by_checker(
        &toml,
        &["B", "A.grit"],
        Some(line_of(&toml, "category = \"B\"")),
    );
}

#[test]
fn requirement_for_an_unknown_grade() {
    let toml = edit(&[("junior = 3, senior = 4", "junior = 3, chief = 4")]);
    assert_rejected_by_checker(&toml, &["chief"], Some(line_of(&toml, "chief")));
}

#[test]
fn training_course_naming_an_unknown_competency() {
    let toml = edit(&[(
        "competencies = [\"K.law\"]\ngain",
        "competencies = [\"K.law\", \"K.lore\"]\ngain",
    )]);
    assert_rejected_by_checker(&toml, &["K.lore"], Some(line_of(&toml, "K.lore")));
}

#[test]
fn duty_naming_an_unknown_competency() {
    let toml = edit(&[(
        "competencies = [\"K.law\"]\n\n[[training]]",
        "competencies = [\"K.law\", \"S.talk\"]\n\n[[training]]",
    )]);
    assert_rejected_by_checker(&toml, &["S.talk"], Some(line_of(&toml, "S.talk")));
}

#[test]
fn weighting_naming_an_unknown_category() {
    let toml = edit(&[("categories = { A = 2 }", "categories = { A = 2, Z = 1 }")]);
    assert_rejected_by_checker(&toml, &["Z"], Some(line_of(&toml, "Z = 1")));
}

// ------------------------------------------------------------ levels

#[test]
fn requirement_equal_to_the_scale_minimum() {
    // model.md: requirements lie in (min, max]; one equal to min means nothing.
    let toml = edit(&[("junior = 3, senior = 4", "junior = 1, senior = 4")]);
    assert_rejected_by_checker(
        &toml,
        &["A.grit", "junior"],
        Some(line_of(&toml, "junior = 1")),
    );
}

#[test]
fn requirement_above_the_scale_maximum() {
    let toml = edit(&[("junior = 3, senior = 4", "junior = 3, senior = 5.5")]);
    assert_rejected_by_checker(
        &toml,
        &["A.grit", "senior"],
        Some(line_of(&toml, "senior = 5.5")),
    );
}

#[test]
fn requirement_below_the_scale_minimum() {
    let toml = edit(&[("junior = 2, senior = 3", "junior = 0.5, senior = 3")]);
    assert_rejected_by_checker(&toml, &["K.law", "junior"], Some(line_of(&toml, "0.5")));
}

#[test]
fn decimal_requirements_inside_the_scale_are_valid() {
    // "requirements may be any number in (min, max]": 1.01 and 5 included.
    let toml = edit(&[("junior = 3, senior = 4", "junior = 1.01, senior = 5")]);
    assert_valid(&toml);
}

#[test]
fn indicator_level_that_is_not_a_whole_number() {
    let toml = edit(&[("\"3\" = \"applies\"", "\"3.5\" = \"applies\"")]);
    assert_rejected(&toml, &["3.5"], Some(line_of(&toml, "3.5")));
}

#[test]
fn indicator_level_outside_the_scale() {
    let toml = edit(&[("\"3\" = \"applies\"", "\"6\" = \"teaches\"")]);
    assert_rejected_by_checker(&toml, &["6"], Some(line_of(&toml, "teaches")));
}

#[test]
fn label_level_outside_the_scale() {
    let toml = edit(&[("\"1\" = \"none\"", "\"0\" = \"none\"")]);
    assert_rejected_by_checker(&toml, &["0"], Some(line_of(&toml, "\"0\" = \"none\"")));
}

#[test]
fn label_level_that_is_not_a_number() {
    let toml = edit(&[("\"5\" = \"expert\"", "\"five\" = \"expert\"")]);
    assert_rejected(&toml, &["five"], Some(line_of(&toml, "five")));
}

#[test]
fn indicator_at_the_scale_minimum_is_valid() {
    // Indicator keys are whole numbers in [min, max], min included (unlike
    // requirements).
    let toml = edit(&[(
        "\"2\" = \"knows\"",
        "\"1\" = \"unaware\", \"2\" = \"knows\"",
    )]);
    assert_valid(&toml);
}

// ------------------------------------------------------------ numbers

#[test]
fn negative_rater_weight() {
    let toml = edit(&[("weight = 0.6", "weight = -0.6")]);
    assert_rejected(&toml, &["boss", "weight"], Some(line_of(&toml, "-0.6")));
}

#[test]
fn negative_category_weight() {
    let toml = edit(&[("weight = 1.5", "weight = -1.5")]);
    assert_rejected(&toml, &["A", "weight"], Some(line_of(&toml, "-1.5")));
}

#[test]
fn negative_competency_weight() {
    let toml = edit(&[("weight = 2", "weight = -2")]);
    assert_rejected(&toml, &["K.law", "weight"], Some(line_of(&toml, "-2")));
}

#[test]
fn negative_weight_in_a_weighting() {
    let toml = edit(&[("categories = { A = 2 }", "categories = { A = -2 }")]);
    assert_rejected(&toml, &["hire"], Some(line_of(&toml, "A = -2")));
}

#[test]
fn competency_weight_zero() {
    // model.md: competency weight is "number > 0".
    let toml = edit(&[("weight = 2", "weight = 0")]);
    assert_rejected(
        &toml,
        &["K.law", "weight"],
        Some(line_of(&toml, "weight = 0\n")),
    );
}

#[test]
fn training_gain_zero() {
    let toml = edit(&[("gain = 1", "gain = 0")]);
    assert_rejected(
        &toml,
        &["law-course", "gain"],
        Some(line_of(&toml, "gain = 0")),
    );
}

#[test]
fn zero_weights_that_are_allowed() {
    // Rater weight 0 (self), one category of weight 0 and a weighting that
    // zeroes one category are all valid.
    let toml = edit(&[
        ("weight = 0.4", "weight = 0"),
        ("weight = 1\n", "weight = 0\n"),
        ("categories = { A = 2 }", "categories = { A = 0, K = 1 }"),
    ]);
    assert_valid(&toml);
}

#[test]
fn category_weights_all_zero() {
    let toml = edit(&[
        ("weight = 1\n", "weight = 0\n"),
        ("weight = 1.5", "weight = 0"),
    ]);
    assert_rejected_by_checker(&toml, &[], None);
    let out = check(&toml);
    assert!(
        out.errors()
            .iter()
            .any(|l| l.contains("broken.toml") && (l.contains("categor") || has_word(l, "weight"))),
        "{}",
        out.stderr
    );
}

#[test]
fn weighting_whose_effective_weights_are_all_zero() {
    // K keeps its own weight 0, the weighting sets A to 0: every effective
    // weight is 0 although the categories' own weights are fine.
    let toml = edit(&[
        ("weight = 1\n", "weight = 0\n"),
        ("categories = { A = 2 }", "categories = { A = 0 }"),
    ]);
    assert_rejected_by_checker(&toml, &["hire"], None);
}

#[test]
fn scale_min_equal_to_max() {
    let toml = edit(&[("min = 1\nmax = 5", "min = 3\nmax = 3")]);
    assert_rejected_by_checker(&toml, &["min"], None);
}

#[test]
fn scale_min_above_max() {
    let toml = edit(&[("min = 1\nmax = 5", "min = 5\nmax = 1")]);
    assert_rejected_by_checker(&toml, &["min"], None);
}

#[test]
fn min_count_zero() {
    let toml = edit(&[("min_count = 2", "min_count = 0")]);
    assert_rejected(
        &toml,
        &["peer", "min_count"],
        Some(line_of(&toml, "min_count = 0")),
    );
}

// ------------------------------------------------------------ ids and text

#[test]
fn model_id_not_matching_the_pattern() {
    for bad in ["Test-Model", "test model", "bank_RM", "模型", ""] {
        let toml = edit(&[("id = \"test-model\"", &format!("id = \"{bad}\""))]);
        let mention: &[&str] = if bad.is_empty() { &["id"] } else { &[bad] };
        assert_rejected(&toml, mention, Some(2));
    }
    // The allowed characters, all at once.
    assert_valid(&edit(&[("id = \"test-model\"", "id = \"a.b_c-9\"")]));
}

#[test]
fn empty_ids_are_errors() {
    for (from, what) in [
        ("id = \"junior\"", "grade"),
        ("id = \"peer\"", "rater"),
        ("id = \"A\"", "category"),
        ("id = \"A.grit\"", "competency"),
        ("id = \"hire\"", "weighting"),
        ("id = \"advise\"", "duty"),
        ("id = \"law-course\"", "training"),
    ] {
        let toml = edit(&[(from, "id = \"\"")]);
        let out = check(&toml);
        assert_eq!(out.code, Some(2), "empty {what} id: {}", out.stderr);
        let line = line_of(&toml, "id = \"\"");
        assert!(
            out.errors()
                .iter()
                .any(|l| l.contains("broken.toml") && has_word(l, "id") && names_line(l, line)),
            "empty {what} id: no error naming `id` at line {line}:\n{}",
            out.stderr
        );
    }
}

#[test]
fn language_other_than_zh_or_en() {
    let toml = edit(&[("language = \"en\"", "language = \"fr\"")]);
    assert_rejected(&toml, &["fr"], Some(5));
    assert_valid(&edit(&[("language = \"en\"", "language = \"zh\"")]));
}

#[test]
fn empty_arrays_of_grades_raters_categories_competencies() {
    // An empty array written as `key = []` at the top level, with every
    // `[[key]]` table removed.
    let cut = |text: &str, header: &str| -> String {
        text.split_inclusive("\n\n")
            .filter(|block| !block.starts_with(header))
            .collect()
    };
    for (key, header) in [
        ("grades", "[[grades]]"),
        ("raters", "[[raters]]"),
        ("categories", "[[categories]]"),
        ("competencies", "[[competencies]]"),
    ] {
        let toml = cut(BASE, header).replacen(
            "language = \"en\"\n",
            &format!("language = \"en\"\n{key} = []\n"),
            1,
        );
        assert!(!toml.contains(header));
        assert_rejected(&toml, &[key], Some(line_of(&toml, &format!("{key} = []"))));
    }
}

// ------------------------------------------------------------ all errors

#[test]
fn every_validation_error_of_a_file_is_reported() {
    // Five independent problems; model.md asks for all, not the first.
    let toml = edit(&[
        ("min_count = 2", "min_count = 0"),
        ("name = \"Grit\"", "name = \"Law\""),
        ("gain = 1", "gain = 0"),
        ("junior = 2, senior = 3", "junior = 2, chief = 3"),
        ("weight = 1.5", "weight = -1.5"),
    ]);
    let out = check(&toml);
    assert_eq!(out.code, Some(2));
    let errors = out.errors();
    for (what, line) in [
        ("min_count", line_of(&toml, "min_count = 0")),
        ("Law", line_of_last(&toml, "name = \"Law\"")),
        ("gain", line_of(&toml, "gain = 0")),
        ("chief", line_of(&toml, "chief")),
        ("weight", line_of(&toml, "-1.5")),
    ] {
        assert!(
            errors
                .iter()
                .any(|l| l.contains("broken.toml") && has_word(l, what) && names_line(l, line)),
            "{what} (line {line}) not reported:\n{}",
            out.stderr
        );
    }
}

#[test]
fn every_file_given_to_model_check_is_checked() {
    let dir = workdir();
    write(dir.path(), "a.toml", &edit(&[("gain = 1", "gain = 0")]));
    write(dir.path(), "ok.toml", BASE);
    write(
        dir.path(),
        "b.toml",
        &edit(&[("min_count = 2", "min_count = 0")]),
    );
    let out = run(
        dir.path(),
        &["model", "check", "a.toml", "ok.toml", "b.toml"],
    );
    assert_eq!(out.code, Some(2));
    let errors = out.errors();
    assert!(errors
        .iter()
        .any(|l| l.contains("a.toml") && l.contains("gain")));
    assert!(errors
        .iter()
        .any(|l| l.contains("b.toml") && l.contains("min_count")));
    assert!(!errors.iter().any(|l| l.contains("ok.toml")), "{errors:?}");
}

#[test]
fn missing_model_file_exits_2() {
    let dir = workdir();
    let out = run(dir.path(), &["model", "check", "nowhere.toml"]);
    assert_eq!(out.code, Some(2));
    assert!(out.errors().iter().any(|l| l.contains("nowhere.toml")));
}

#[test]
fn score_with_a_broken_model_exits_2_with_nothing_on_stdout() {
    let dir = workdir();
    write(
        dir.path(),
        "evals.csv",
        "person_id,competency,score\nP1,K.law,3\n",
    );
    for (i, toml) in [
        edit(&[("name = \"Law\"", "name = \"Law")]),
        edit(&[("weight = 0.6", "wieght = 0.6")]),
        edit(&[("gain = 1", "gain = 0")]),
        edit(&[("schema = 1\n", "schema = 2\n")]),
    ]
    .iter()
    .enumerate()
    {
        write(dir.path(), "broken.toml", toml);
        for cmd in [
            vec!["score"],
            vec!["place"],
            vec!["compare", "--grade", "junior"],
        ] {
            let mut args = cmd.clone();
            args.extend([
                "--model",
                "broken.toml",
                "--evals",
                "evals.csv",
                "--format",
                "csv",
            ]);
            let out = run(dir.path(), &args);
            assert_eq!(out.code, Some(2), "case {i} {cmd:?}: {}", out.stderr);
            assert!(
                out.stdout.is_empty(),
                "case {i} {cmd:?}: stdout {:?}",
                out.stdout
            );
            assert!(
                out.errors().iter().any(|l| l.contains("broken.toml")),
                "case {i}: {}",
                out.stderr
            );
        }
    }
}

// ------------------------------------------------------------ warnings

/// Asserts the model is valid and warns once about `id` with all of `words`.
fn assert_warns(toml: &str, id: &str) -> String {
    let warnings = assert_valid(toml);
    let about: Vec<&String> = warnings.iter().filter(|w| has_word(w, id)).collect();
    assert_eq!(about.len(), 1, "one warning about {id}: {warnings:?}");
    assert!(about[0].contains("broken.toml"), "{about:?}");
    about[0].clone()
}

#[test]
fn warning_for_a_requirement_that_falls_as_the_grade_rises() {
    let toml = edit(&[("junior = 3, senior = 4", "junior = 3, senior = 2.5")]);
    assert_warns(&toml, "A.grit");
}

#[test]
fn no_warning_for_an_equal_requirement_or_one_grade_only() {
    let toml = edit(&[
        ("junior = 3, senior = 4", "junior = 3, senior = 3"),
        ("junior = 2, senior = 3", "senior = 3"),
    ]);
    let warnings = assert_valid(&toml);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn warning_for_a_competency_required_at_no_grade() {
    let toml = edit(&[("required = { junior = 3, senior = 4 }\n", "")]);
    assert_warns(&toml, "A.grit");
}

#[test]
fn warning_for_a_trainable_required_competency_no_course_covers() {
    let toml = edit(&[("trainable = false\n", "")]);
    assert_warns(&toml, "A.grit");
}

#[test]
fn no_coverage_warning_for_a_competency_that_is_not_required() {
    // Trainable but required nowhere: only the "required at no grade"
    // warning, not the training one.
    let toml = edit(&[
        ("trainable = false\n", ""),
        ("required = { junior = 3, senior = 4 }\n", ""),
    ]);
    let w = assert_warns(&toml, "A.grit");
    assert!(!w.contains("course") && !w.contains("training"), "{w}");
}

#[test]
fn bundled_models_check_with_no_warning() {
    let mut files: Vec<_> = std::fs::read_dir(repo("models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let names: Vec<_> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_owned())
        .collect();
    assert!(names.iter().any(|n| n == "bank-rm.toml"), "{names:?}");
    assert!(names.iter().any(|n| n == "bank-rm.en.toml"), "{names:?}");
    let out = ksa()
        .args(["model", "check"])
        .args(&files)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("warning") && !stderr.contains("error"),
        "{stderr}"
    );
}

// ------------------------------------------------------------ model show

fn show(args: &[&str]) -> String {
    let dir = workdir();
    run_ok(dir.path(), args)
}

#[test]
fn model_show_golden_chinese() {
    let text = show(&["model", "show", &repo_arg("models/bank-rm.toml")]);
    assert_columns_align(&text);
    assert_golden("model-show.bank-rm.txt", &text);
}

#[test]
fn model_show_golden_english() {
    let text = show(&["model", "show", &repo_arg("models/bank-rm.en.toml")]);
    assert_columns_align(&text);
    assert_golden("model-show.bank-rm.en.txt", &text);
}

/// The table of `model show` lines up by display width (a Chinese character
/// is two columns): the dashed rule under the header gives each column's
/// span; the first column's text starts at its left edge and every other
/// column (numbers, right-aligned) ends at its right edge.
fn assert_columns_align(text: &str) {
    use unicode_width::UnicodeWidthChar;
    let lines: Vec<&str> = text.lines().collect();
    let rule_at = lines
        .iter()
        .position(|l| !l.is_empty() && l.chars().all(|c| c == '-' || c == ' '))
        .expect("a dashed rule under the header");
    let rule = lines[rule_at];
    let mut spans = Vec::new(); // (start, end) display columns of each column
    let mut col = 0;
    for run in rule.split(' ') {
        if !run.is_empty() {
            spans.push((col, col + run.len()));
        }
        col += run.len() + 1;
    }
    assert!(spans.len() >= 3, "columns: {spans:?}");
    // (display column, char) of a line.
    let cells = |line: &str| -> Vec<(usize, char)> {
        let mut at = 0;
        line.chars()
            .map(|c| {
                let here = at;
                at += c.width().unwrap_or(0);
                (here, c)
            })
            .collect()
    };
    let header = cells(lines[rule_at - 1]);
    for &(start, _) in &spans[1..] {
        // A header cell starts at its column (no character straddles it).
        assert!(
            header.iter().any(|&(at, c)| at == start && c != ' '),
            "header does not start a column at {start}:\n{}",
            lines[rule_at - 1]
        );
    }
    let mut rows = 0;
    for line in &lines[rule_at + 1..] {
        if line.is_empty() {
            break;
        }
        rows += 1;
        let text: Vec<(usize, usize)> = cells(line)
            .into_iter()
            .filter(|&(_, c)| c != ' ')
            .map(|(at, c)| (at, at + c.width().unwrap_or(1)))
            .collect();
        // Every character lies inside a column, none in the gaps.
        for &(from, to) in &text {
            assert!(
                spans.iter().any(|&(s, e)| s <= from && to <= e),
                "text outside the columns at display column {from}:\n{line}\n{rule}"
            );
        }
        // Numbers are right-aligned: a non-empty cell ends at its column's end.
        for &(start, end) in &spans[1..] {
            let last = text
                .iter()
                .filter(|&&(from, _)| from >= start && from < end)
                .map(|&(_, to)| to)
                .max();
            if let Some(last) = last {
                assert_eq!(last, end, "cell not right-aligned:\n{line}\n{rule}");
            }
        }
    }
    assert!(
        rows >= 20,
        "the table has every category and competency: {rows} rows"
    );
}

#[test]
#[should_panic]
fn column_check_catches_padding_by_char_count() {
    // The alignment check itself must fail on a table padded by character
    // count, as a naive implementation would pad Chinese text.
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w - s.chars().count()));
    let lpad = |s: &str, w: usize| format!("{}{s}", " ".repeat(w - s.chars().count()));
    let rows = [
        ("K 知识", "0.3", ""),
        ("  K.product 产品知识", "1.5", "2"),
        ("  K.policy Policy", "1", "3"),
    ];
    let mut t = format!("{}  权重  客户经理\n", pad("", 20));
    t.push_str(&format!("{}  ----  --------\n", "-".repeat(20)));
    for (a, b, c) in rows {
        t.push_str(&format!("{}  {}  {}\n", pad(a, 20), lpad(b, 4), lpad(c, 8)));
    }
    t.push_str(&"x\n".repeat(20));
    assert_columns_align(&t);
}

#[test]
fn model_show_lists_every_competency_with_its_requirements() {
    // Independent of the golden file: every competency id of the model is
    // on a row with its requirement at each grade, "-" where none.
    let text = show(&["model", "show", &repo_arg("models/bank-rm.toml")]);
    let model: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo("models/bank-rm.toml")).unwrap()).unwrap();
    let grades: Vec<String> = model["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    for c in model["competencies"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let row = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}"));
        let tail: Vec<&str> = row.split_whitespace().rev().take(grades.len()).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        for (g, cell) in grades.iter().zip(&tail) {
            let want = match c.get("required").and_then(|r| r.get(g)) {
                Some(v) => v
                    .as_float()
                    .unwrap_or_else(|| v.as_integer().unwrap() as f64),
                None => {
                    assert_eq!(*cell, "-", "{id} at {g}: {row}");
                    continue;
                }
            };
            assert_eq!(cell.parse::<f64>().ok(), Some(want), "{id} at {g}: {row}");
        }
    }
}

#[test]
fn model_show_json_has_the_competencies_with_derived_defaults() {
    let dir = workdir();
    write(dir.path(), "m.toml", BASE);
    let out = run_ok(dir.path(), &["model", "show", "m.toml", "--format", "json"]);
    let j: serde_json::Value =
        serde_json::from_str(&out).expect("model show --format json is JSON");
    assert_eq!(j["id"], "test-model");
    assert_eq!(j["version"], "1");
    let comps = j["competencies"].as_array().expect("competencies array");
    assert_eq!(comps.len(), 2);
    let grit = &comps[1];
    assert_eq!(grit["id"], "A.grit");
    // Defaults made explicit (model.md): weight 1, critical false.
    assert_eq!(grit["weight"].as_f64(), Some(1.0));
    assert_eq!(grit["critical"], false);
    assert_eq!(grit["trainable"], false);
    assert_eq!(grit["category"], "A");
    assert_eq!(grit["required"]["senior"].as_f64(), Some(4.0));
    let law = &comps[0];
    assert_eq!(law["trainable"], true);
    assert_eq!(law["weight"].as_f64(), Some(2.0));
    assert_eq!(law["indicators"]["3"], "applies");
    // Rater min_count defaults to 1; category weight as given.
    assert_eq!(j["raters"][0]["min_count"].as_u64(), Some(1));
    assert_eq!(j["raters"][1]["min_count"].as_u64(), Some(2));
    assert_eq!(j["categories"][1]["weight"].as_f64(), Some(1.5));
    // Training: up_to defaults to scale.max, cost as given.
    assert_eq!(j["training"][0]["up_to"].as_f64(), Some(5.0));
    assert_eq!(j["training"][0]["gain"].as_f64(), Some(1.0));
    assert_eq!(j["training"][0]["hours"].as_f64(), Some(8.0));
    assert_eq!(j["placement"]["tolerance"].as_f64(), Some(0.5));
}

#[test]
fn model_show_json_defaults_for_absent_optional_keys() {
    // No language, no category weight, no min_count, no cost, no hours, no
    // gain, no up_to, no placement: every default of model.md appears.
    let toml = r#"schema = 1
id = "m"
name = "M"
version = "0"
[scale]
min = 0
max = 4
[[grades]]
id = "g"
name = "G"
[[raters]]
id = "r"
name = "R"
weight = 1
[[categories]]
id = "C"
name = "C"
[[competencies]]
id = "c"
name = "c"
category = "C"
required = { g = 2 }
[[training]]
id = "t"
name = "T"
competencies = ["c"]
"#;
    let dir = workdir();
    write(dir.path(), "m.toml", toml);
    let out = run_ok(dir.path(), &["model", "show", "m.toml", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["language"], "en");
    assert_eq!(j["categories"][0]["weight"].as_f64(), Some(1.0));
    assert_eq!(j["raters"][0]["min_count"].as_u64(), Some(1));
    let c = &j["competencies"][0];
    assert_eq!(c["weight"].as_f64(), Some(1.0));
    assert_eq!(c["trainable"], true);
    assert_eq!(c["critical"], false);
    let t = &j["training"][0];
    assert_eq!(t["gain"].as_f64(), Some(1.0));
    assert_eq!(t["up_to"].as_f64(), Some(4.0));
    assert_eq!(t["hours"].as_f64(), Some(0.0));
    assert_eq!(t["cost"].as_f64(), Some(0.0));
    assert_eq!(j["placement"]["tolerance"].as_f64(), Some(0.0));
}

#[test]
fn model_show_json_of_the_bundled_model() {
    let out = show(&[
        "model",
        "show",
        &repo_arg("models/bank-rm.toml"),
        "--format",
        "json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["id"], "bank-rm");
    let comps = j["competencies"].as_array().unwrap();
    assert_eq!(comps.len(), 19, "7 K + 5 S + 7 A competencies (issue 2)");
    for c in comps {
        for key in [
            "id",
            "name",
            "category",
            "weight",
            "trainable",
            "critical",
            "required",
        ] {
            assert!(!c[key].is_null(), "{} lacks {key}", c["id"]);
        }
    }
}

/// Paths with spaces or Chinese are named as given.
#[test]
fn errors_name_the_model_file_as_given() {
    let dir = workdir();
    std::fs::create_dir(dir.path().join("模型 dir")).unwrap();
    let p = Path::new("模型 dir").join("坏.toml");
    std::fs::write(dir.path().join(&p), edit(&[("gain = 1", "gain = 0")])).unwrap();
    let out = run(dir.path(), &["model", "check", p.to_str().unwrap()]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.errors().iter().any(|l| l.contains(p.to_str().unwrap())),
        "{}",
        out.stderr
    );
}

// ---- issue 13: extreme models that passed `model check` and then broke
// every report (docs/model-format.md, "Limits")

#[test]
fn scale_ends_beyond_a_million_are_refused() {
    let m = edit(&[("max = 5", "max = 1000000000000")]);
    assert_rejected(
        &m,
        &["scale", "`max`", "1000000000000", "±1,000,000"],
        Some(line_of(&m, "max = 1000000000000")),
    );
    let m = edit(&[
        ("min = 1", "min = -9223372036854775808"),
        ("max = 5", "max = 9223372036854775807"),
    ]);
    assert_rejected(
        &m,
        &["`min`", "-9223372036854775808"],
        Some(line_of(&m, "min = -9")),
    );
    assert_rejected(
        &m,
        &["`max`", "9223372036854775807"],
        Some(line_of(&m, "max = 9")),
    );
}

#[test]
fn a_scale_wider_than_100_levels_is_refused() {
    let m = edit(&[("min = 1", "min = 0"), ("max = 5", "max = 101")]);
    assert_rejected_by_checker(
        &m,
        &["scale", "101", "100", "the limit on a scale's width"],
        Some(line_of(&m, "max = 101")),
    );
    // 百分制 fits.
    assert_valid(&edit(&[("min = 1", "min = 0"), ("max = 5", "max = 100")]));
}

#[test]
fn weights_beyond_the_limits_are_refused() {
    for (from, to, key) in [
        ("weight = 0.6", "weight = 1e308", "1e308"),
        ("weight = 1.5", "weight = 1000001", "1000001"),
        ("weight = 2", "weight = 2e6", "2000000"),
        (
            "categories = { A = 2 }",
            "categories = { A = 1e7 }",
            "10000000",
        ),
    ] {
        let m = edit(&[(from, to)]);
        assert_rejected(
            &m,
            &[key, "1,000,000", "the limit on a weight"],
            Some(line_of(&m, to)),
        );
    }
    // Too small to multiply exactly: only the checker sees it (the schema
    // cannot say "0 or at least 0.000001").
    let m = edit(&[("weight = 0.4", "weight = 1e-320")]);
    assert_rejected_by_checker(
        &m,
        &["`weight`", "0.000001", "the limit on a weight above 0"],
        Some(line_of(&m, "weight = 1e-320")),
    );
    assert_valid(&edit(&[
        ("weight = 0.6", "weight = 1000000"),
        ("weight = 0.4", "weight = 0.000001"),
    ]));
}

#[test]
fn course_hours_and_cost_beyond_a_billion_are_refused() {
    for (from, to) in [
        ("hours = 8", "hours = 1e10"),
        ("cost = 100", "cost = 1e308"),
    ] {
        let m = edit(&[(from, to)]);
        assert_rejected(
            &m,
            &[
                "law-course",
                "1,000,000,000",
                "the limit on a course's hours and cost",
            ],
            Some(line_of(&m, to)),
        );
    }
}

#[test]
fn models_over_the_size_limits_are_refused_at_the_first_entry_too_many() {
    let mut grades = String::new();
    for i in 0..101 {
        grades.push_str(&format!("[[grades]]\nid = \"g{i}\"\nname = \"G{i}\"\n\n"));
    }
    let m = append(&grades);
    assert_rejected(
        &m,
        &["`grades`", "103", "100", "the limit on a model's size"],
        Some(line_of(&m, "id = \"g98\"")),
    );
    let mut raters = String::new();
    for i in 0..99 {
        raters.push_str(&format!(
            "[[raters]]\nid = \"r{i}\"\nname = \"R{i}\"\nweight = 1\n\n"
        ));
    }
    let m = append(&raters);
    assert_rejected(
        &m,
        &["`raters`", "101", "100", "the limit on a model's size"],
        Some(line_of(&m, "id = \"r98\"")),
    );
}
