//! `ksa sample`'s planted structure (issue 16 item 4): the organisation
//! tree, branch effects, competency difficulty, rater leniency, personal
//! trends and the truth files, each through the real binary and the CSV it
//! writes.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `ksa sample` of `model` into `dir/out` with `--truth dir/out/truth`.
fn sample(dir: &Path, model: &str, out: &str, people: usize, extra: &[&str]) {
    let model = repo_arg(model);
    let people = people.to_string();
    let truth = format!("{out}/truth");
    let mut args = vec![
        "sample", "--model", &model, "--people", &people, "--out", out, "--truth", &truth,
    ];
    args.extend_from_slice(extra);
    run_ok(dir, &args);
}

/// The records of a CSV file (byte-order mark and header dropped), each a
/// map from column name to value.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut records = csv_records(text).into_iter();
    let header = records.next().unwrap();
    records
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn sd(xs: &[f64]) -> f64 {
    let m = mean(xs);
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

fn pearson(xs: &[f64], ys: &[f64]) -> f64 {
    let (mx, my) = (mean(xs), mean(ys));
    let cov: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// For every competency, the largest difference between two branches'
/// mean scores (the branch is the second part of the unit path).
fn branch_gaps(evals: &Path) -> BTreeMap<String, f64> {
    let mut cells: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for r in rows(evals) {
        if let Ok(score) = r["score"].parse::<f64>() {
            let branch = r["unit"].split('/').nth(1).unwrap().to_string();
            cells
                .entry((r["competency"].clone(), branch))
                .or_default()
                .push(score);
        }
    }
    let mut gaps: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for ((c, _), scores) in &cells {
        let m = mean(scores);
        let e = gaps.entry(c.clone()).or_insert((f64::MAX, f64::MIN));
        *e = (e.0.min(m), e.1.max(m));
    }
    gaps.into_iter().map(|(c, (lo, hi))| (c, hi - lo)).collect()
}

/// Each person's true score per competency less the requirement of their
/// grade (one period): what ability, difficulty and the unit add.
fn residuals(dir: &Path, out: &str) -> Vec<(String, String, String, f64)> {
    let model = ksa::model::load_model(&repo("models/bank-rm.toml"))
        .unwrap()
        .model;
    let evals = rows(&dir.join(out).join("evaluations.csv"));
    let person: BTreeMap<String, (String, String)> = evals
        .iter()
        .map(|r| {
            (
                r["person_id"].clone(),
                (r["grade"].clone(), r["unit"].clone()),
            )
        })
        .collect();
    rows(&dir.join(out).join("truth/true-scores.csv"))
        .into_iter()
        .map(|r| {
            let (grade, unit) = &person[&r["person_id"]];
            let g = model.grades.iter().position(|x| &x.id == grade).unwrap();
            let c = model.find_competency(&r["competency"]).unwrap();
            let req = model.competencies[c].requirement(g).unwrap();
            let truth: f64 = r["true_score"].parse().unwrap();
            (
                r["person_id"].clone(),
                unit.clone(),
                r["competency"].clone(),
                truth - req,
            )
        })
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_data() {
    let dir = workdir();
    let d = dir.path();
    let files = [
        "evaluations.csv",
        "candidates.csv",
        "truth/rater-effects.csv",
        "truth/true-scores.csv",
    ];
    for out in ["a", "b"] {
        sample(
            d,
            "models/bank-rm.toml",
            out,
            120,
            &["--seed", "9", "--candidates", "5"],
        );
    }
    sample(
        d,
        "models/bank-rm.toml",
        "c",
        120,
        &["--seed", "10", "--candidates", "5"],
    );
    for f in files {
        let a = std::fs::read(d.join("a").join(f)).unwrap();
        assert_eq!(a, std::fs::read(d.join("b").join(f)).unwrap(), "{f}");
        assert_ne!(a, std::fs::read(d.join("c").join(f)).unwrap(), "{f}");
    }
    // --truth writes beside the data; it changes no byte of the data.
    run_ok(
        d,
        &[
            "sample",
            "--model",
            &repo_arg("models/bank-rm.toml"),
            "--people",
            "120",
            "--seed",
            "9",
            "--candidates",
            "5",
            "--out",
            "plain",
        ],
    );
    for f in ["evaluations.csv", "candidates.csv"] {
        assert_eq!(
            std::fs::read(d.join("a").join(f)).unwrap(),
            std::fs::read(d.join("plain").join(f)).unwrap(),
            "{f}"
        );
    }
    assert!(!d.join("plain/truth").exists());
}

#[test]
fn unit_paths_form_a_four_level_tree_sized_by_the_flags() {
    let dir = workdir();
    let d = dir.path();
    let units = |out: &str| -> BTreeMap<String, BTreeSet<String>> {
        let mut people: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for r in rows(&d.join(out).join("evaluations.csv")) {
            people
                .entry(r["unit"].clone())
                .or_default()
                .insert(r["person_id"].clone());
        }
        people
    };
    // Defaults, 600 people: about √600 / 2 = 12 branches, teams of 20 on
    // average (10–30), three to a sub-branch.
    sample(d, "models/bank-rm.toml", "zh", 600, &["--periods", "1"]);
    let zh = units("zh");
    let mut branches = BTreeSet::new();
    let mut subs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (unit, people) in &zh {
        let parts: Vec<&str> = unit.split('/').collect();
        assert_eq!(parts.len(), 4, "{unit}");
        assert_eq!(parts[0], "总行", "{unit}");
        assert!(parts[1].ends_with("分行"), "{unit}");
        assert!(parts[2].ends_with("支行"), "{unit}");
        assert!(parts[3].ends_with("团队"), "{unit}");
        branches.insert(parts[1].to_string());
        subs.entry(parts[..3].join("/"))
            .or_default()
            .insert(parts[3].to_string());
        assert!((8..=32).contains(&people.len()), "{unit}: {}", people.len());
    }
    assert_eq!(branches.len(), 12, "{branches:?}");
    assert_eq!(zh.len(), 30);
    assert!(subs.values().all(|t| t.len() <= 3), "{subs:?}");
    assert!(subs.values().any(|t| t.len() == 3), "{subs:?}");
    // Each person is in one team; every team has one supervisor.
    let everyone: usize = zh.values().map(BTreeSet::len).sum();
    assert_eq!(everyone, 600);
    assert!(zh.contains_key("总行/华东分行/城东支行/一团队"));

    // The knobs: 4 branches, teams of 10, two to a sub-branch.
    sample(
        d,
        "models/bank-rm.toml",
        "small",
        600,
        &[
            "--periods",
            "1",
            "--branches",
            "4",
            "--team-size",
            "10",
            "--teams-per-sub-branch",
            "2",
        ],
    );
    let small = units("small");
    assert_eq!(small.len(), 60);
    let branches: BTreeSet<&str> = small.keys().map(|u| u.split('/').nth(1).unwrap()).collect();
    assert_eq!(branches.len(), 4, "{branches:?}");
    let mut subs: BTreeMap<String, usize> = BTreeMap::new();
    for u in small.keys() {
        *subs
            .entry(u.rsplit_once('/').unwrap().0.to_string())
            .or_default() += 1;
    }
    assert!(subs.values().all(|&n| n <= 2), "{subs:?}");
    assert!(small.values().all(|p| (4..=16).contains(&p.len())));

    // The English model names the same tree in English.
    sample(d, "models/bank-rm.en.toml", "en", 600, &["--periods", "1"]);
    let en = units("en");
    assert_eq!(en.len(), 30);
    assert!(
        en.contains_key("Head office/East China branch/Chengdong sub-branch/Team 1"),
        "{:?}",
        en.keys().take(3).collect::<Vec<_>>()
    );
    for u in en.keys() {
        let parts: Vec<&str> = u.split('/').collect();
        assert_eq!(parts.len(), 4, "{u}");
        // Past the named regions branches are numbered (Branch 008).
        assert!(parts[1].to_lowercase().contains("branch"), "{u}");
        assert!(parts[2].ends_with(" sub-branch"), "{u}");
    }
}

#[test]
fn default_branches_differ_clearly_and_unit_spread_0_makes_them_alike() {
    let dir = workdir();
    let d = dir.path();
    sample(d, "models/bank-rm.toml", "on", 400, &["--periods", "1"]);
    sample(
        d,
        "models/bank-rm.toml",
        "off",
        400,
        &["--periods", "1", "--unit-spread", "0"],
    );
    let on = branch_gaps(&d.join("on/evaluations.csv"));
    let off = branch_gaps(&d.join("off/evaluations.csv"));
    let widest = |g: &BTreeMap<String, f64>| g.values().cloned().fold(0.0, f64::max);
    // A branch's weak competency sits 0.7 below the others, on top of the
    // branches' own ±0.5: some competency's branch means lie a level apart.
    assert!(widest(&on) > 1.0, "{on:?}");
    // Without unit effects, what is left is who happens to be where and
    // their supervisors' leniency.
    assert!(widest(&off) < 0.75 * widest(&on), "{off:?} vs {on:?}");
    // In the true scores (no raters), branches are the planted effects alone.
    let spread_of_branches = |out: &str| {
        let mut by: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (_, unit, _, r) in residuals(d, out) {
            by.entry(unit.split('/').nth(1).unwrap().to_string())
                .or_default()
                .push(r);
        }
        sd(&by.values().map(|v| mean(v)).collect::<Vec<_>>())
    };
    assert!(
        spread_of_branches("on") > 0.25,
        "{}",
        spread_of_branches("on")
    );
    assert!(
        spread_of_branches("off") < 0.12,
        "{}",
        spread_of_branches("off")
    );
}

#[test]
fn difficulty_spread_makes_some_competencies_generally_short() {
    let dir = workdir();
    let d = dir.path();
    let by_competency = |out: &str| -> Vec<f64> {
        let mut by: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (_, _, c, r) in residuals(d, out) {
            by.entry(c).or_default().push(r);
        }
        by.values().map(|v| mean(v)).collect()
    };
    for (out, spread) in [("on", "0.3"), ("off", "0")] {
        sample(
            d,
            "models/bank-rm.toml",
            out,
            300,
            &[
                "--periods",
                "1",
                "--unit-spread",
                "0",
                "--difficulty-spread",
                spread,
            ],
        );
    }
    // Everyone shares a competency's shift: the competencies' means spread
    // about as much as the flag says, and not at all without it.
    let on = sd(&by_competency("on"));
    let off = sd(&by_competency("off"));
    assert!((0.15..0.5).contains(&on), "{on}");
    assert!(off < 0.05, "{off}");
}

#[test]
fn trend_spread_has_some_people_decline_and_0_grows_everyone_alike() {
    let dir = workdir();
    let d = dir.path();
    let changes = |out: &str| -> Vec<f64> {
        let mut by: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
        for r in rows(&d.join(out).join("truth/true-scores.csv")) {
            by.entry((r["person_id"].clone(), r["competency"].clone()))
                .or_default()
                .push(r["true_score"].parse().unwrap());
        }
        by.values().map(|v| v[1] - v[0]).collect()
    };
    sample(d, "models/bank-rm.toml", "on", 200, &[]);
    sample(
        d,
        "models/bank-rm.toml",
        "off",
        200,
        &["--trend-spread", "0"],
    );
    let on = changes("on");
    let declining = on.iter().filter(|&&c| c < 0.0).count() as f64 / on.len() as f64;
    assert!((0.1..0.35).contains(&declining), "{declining}");
    assert!(on.iter().any(|&c| c > 0.4), "some improve fast");
    for c in changes("off") {
        assert!((c - 0.15).abs() < 1e-3, "{c}");
    }
}

#[test]
fn rater_effects_are_planted_and_rater_spread_0_plants_none() {
    let dir = workdir();
    let d = dir.path();
    sample(d, "models/bank-rm.toml", "on", 400, &["--periods", "1"]);
    sample(
        d,
        "models/bank-rm.toml",
        "off",
        400,
        &["--periods", "1", "--rater-spread", "0"],
    );
    let effects = |out: &str| -> BTreeMap<String, f64> {
        rows(&d.join(out).join("truth/rater-effects.csv"))
            .into_iter()
            .map(|r| (r["rater_id"].clone(), r["effect"].parse().unwrap()))
            .collect()
    };
    let on = effects("on");
    let values: Vec<f64> = on.values().cloned().collect();
    assert!((0.25..0.35).contains(&sd(&values)), "{}", sd(&values));
    assert!(values.iter().any(|&e| e > 0.3) && values.iter().any(|&e| e < -0.3));
    let off = effects("off");
    assert_eq!(
        off.keys().collect::<Vec<_>>(),
        on.keys().collect::<Vec<_>>()
    );
    assert!(off.values().all(|&e| e == 0.0), "{off:?}");

    // The planted effect is in the ratings: a supervisor's mean of
    // (score − true score) follows it.
    let truth: BTreeMap<(String, String), f64> = rows(&d.join("on/truth/true-scores.csv"))
        .into_iter()
        .map(|r| {
            (
                (r["person_id"].clone(), r["competency"].clone()),
                r["true_score"].parse().unwrap(),
            )
        })
        .collect();
    let mut lean: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in rows(&d.join("on/evaluations.csv")) {
        if r["rater"] != "supervisor" {
            continue;
        }
        if let Ok(s) = r["score"].parse::<f64>() {
            let t = truth[&(r["person_id"].clone(), r["competency"].clone())];
            lean.entry(r["rater_id"].clone()).or_default().push(s - t);
        }
    }
    let (planted, seen): (Vec<f64>, Vec<f64>) =
        lean.iter().map(|(id, v)| (on[id], mean(v))).unzip();
    assert!(planted.len() >= 15, "{}", planted.len());
    let r = pearson(&planted, &seen);
    assert!(r > 0.9, "correlation {r}");
}

#[test]
fn truth_files_name_exactly_the_ids_of_the_data() {
    let dir = workdir();
    let d = dir.path();
    sample(d, "models/bank-rm.toml", "t", 150, &["--candidates", "8"]);
    let evals = rows(&d.join("t/evaluations.csv"));
    let cands = rows(&d.join("t/candidates.csv"));
    let mut raters: BTreeSet<String> = evals
        .iter()
        .map(|r| r["rater_id"].clone())
        .filter(|id| !id.is_empty())
        .collect();
    raters.extend(cands.iter().map(|r| r["rater_id"].clone()));
    let planted: BTreeSet<String> = rows(&d.join("t/truth/rater-effects.csv"))
        .into_iter()
        .map(|r| r["rater_id"].clone())
        .collect();
    assert_eq!(planted, raters);
    assert!(planted.contains("MGR001") && planted.contains("I01"));

    let cells: BTreeSet<(String, String, String)> = evals
        .iter()
        .map(|r| {
            (
                r["person_id"].clone(),
                r["period"].clone(),
                r["competency"].clone(),
            )
        })
        .collect();
    let truth: Vec<(String, String, String)> = rows(&d.join("t/truth/true-scores.csv"))
        .into_iter()
        .map(|r| {
            assert!(r["true_score"].parse::<f64>().unwrap().is_finite());
            (
                r["person_id"].clone(),
                r["period"].clone(),
                r["competency"].clone(),
            )
        })
        .collect();
    // One row a person, period and competency: those of the data.
    assert_eq!(truth.len(), 150 * 2 * 19);
    assert_eq!(truth.iter().cloned().collect::<BTreeSet<_>>(), cells);
}

#[test]
fn bad_values_of_the_structure_flags_are_one_line_and_exit_2() {
    let dir = workdir();
    let d = dir.path();
    let model = repo_arg("models/bank-rm.toml");
    for (flag, value, says) in [
        (
            "--rater-spread",
            "abc",
            "not a number (e.g. 0.3; 0 turns it off)",
        ),
        (
            "--rater-spread",
            "-0.5",
            "must be 0 or more (0 turns it off)",
        ),
        ("--unit-spread", "NaN", "not a finite number"),
        ("--difficulty-spread", "inf", "not a finite number"),
        (
            "--trend-spread",
            "9",
            "more than 5, the limit on a spread in levels",
        ),
        ("--branches", "0", "must be at least 1"),
        (
            "--branches",
            "41",
            "more than the 40 people of --people; every branch needs a team",
        ),
        ("--team-size", "2.5", "not a whole number (e.g. 3)"),
        ("--team-size", "-3", "not a whole number (e.g. 3)"),
        ("--teams-per-sub-branch", "0", "must be at least 1"),
        ("--team-size", "1000001", "more than 1,000,000, the limit"),
    ] {
        let o = run(
            d,
            &[
                "sample", "--model", &model, "--people", "40", flag, value, "--out", "out",
                "--truth", "truth",
            ],
        );
        assert_eq!(o.code, Some(2), "{flag} {value}: {}", o.stderr);
        assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
        assert_eq!(o.errors(), [format!("error: {flag} {value}: {says}")]);
        assert!(!d.join("out").exists() && !d.join("truth").exists());
    }
}
