//! Candidate comparison (issue 15): knock-outs marked and, with
//! `--knockouts last`, listed after the others; names and reasons in the
//! terminal table; the compare report's bootstrap intervals, checked
//! against scipy (tests/fixtures/bootstrap/reference.json, written by
//! scripts/bootstrap_reference.py) and by property tests.

use crate::common::*;
use ksa::analysis::bootstrap::{self, Candidate, Resampled};
use ksa::ingest::{ingest, IngestOptions};
use ksa::model::{load_model, Model};
use ksa::score::{self, Weights};
use proptest::prelude::*;
use scraper::{Html, Selector};

fn fixture_model() -> Model {
    load_model(&fixture("bootstrap/model.toml")).unwrap().model
}

fn cmp_args(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "--model".into(),
        fixture("bootstrap/model.toml").display().to_string(),
        "--evals".into(),
        fixture("bootstrap/candidates.csv").display().to_string(),
        "--grade".into(),
        "g2".into(),
        "-q".into(),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn ksa_out(args: &[String]) -> std::process::Output {
    ksa().args(args).output().unwrap()
}

#[test]
fn knockouts_last_moves_them_after_the_others_with_their_ranks() {
    let mut a = vec!["compare".to_string()];
    a.extend(cmp_args(&[]));
    let keep = String::from_utf8(ksa_out(&a).stdout).unwrap();
    a.extend(["--knockouts".into(), "last".into()]);
    let last = String::from_utf8(ksa_out(&a).stdout).unwrap();
    let keep = csv_records(&keep);
    let last = csv_records(&last);
    // Same header and rows (§7 layout unchanged), other order.
    assert_eq!(keep[0], last[0]);
    assert_eq!(
        keep[0],
        [
            "rank",
            "person_id",
            "period",
            "fit",
            "meets",
            "overall",
            "K",
            "A"
        ]
    );
    let ids = |rows: &[Vec<String>]| -> Vec<String> {
        rows[1..]
            .iter()
            .map(|r| format!("{}#{}", r[1], r[0]))
            .collect()
    };
    assert_eq!(
        ids(&keep),
        ["C01#1", "C02#2", "C04#3", "C03#4", "C05#5", "C06#6"]
    );
    // C06 fails the critical "Rules"; C05 has none, so nothing else moves.
    assert_eq!(
        ids(&last),
        ["C01#1", "C02#2", "C04#3", "C03#4", "C05#5", "C06#6"]
    );

    // A data set where the knock-out is not last already: C04's Rules
    // drops below 3 (every rating of it 2).
    let dir = workdir();
    let text = std::fs::read_to_string(fixture("bootstrap/candidates.csv")).unwrap();
    let changed: String = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            if f[0] == "C04" && f[3] == "k2" {
                format!("{},{},{},{},2\n", f[0], f[1], f[2], f[3])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let evals = write(dir.path(), "c.csv", &changed);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "compare".to_string(),
            "--model".into(),
            fixture("bootstrap/model.toml").display().to_string(),
            "--evals".into(),
            evals.display().to_string(),
            "--grade".into(),
            "g2".into(),
            "-q".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        csv_records(&String::from_utf8(ksa_out(&args).stdout).unwrap())
    };
    let keep = run(&[]);
    let last = run(&["--knockouts", "last"]);
    let keep_ids = ids(&keep);
    let last_ids = ids(&last);
    let c04 = keep_ids.iter().position(|x| x.starts_with("C04")).unwrap();
    assert!(
        c04 < keep_ids.len() - 2,
        "C04 is not already last: {keep_ids:?}"
    );
    // Knock-outs (C04, C06) follow the others, each part in rank order,
    // every rank as §6 gives it.
    let mut expected: Vec<String> = keep_ids
        .iter()
        .filter(|x| !x.starts_with("C04") && !x.starts_with("C06"))
        .cloned()
        .collect();
    expected.extend(
        keep_ids
            .iter()
            .filter(|x| x.starts_with("C04") || x.starts_with("C06"))
            .cloned(),
    );
    assert_eq!(last_ids, expected);
    let mut a = keep[1..].to_vec();
    let mut b = last[1..].to_vec();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same rows");
}

#[test]
fn the_terminal_table_and_json_say_who_and_why() {
    let mut a = vec!["compare".to_string()];
    a.extend(cmp_args(&["--format", "table", "--lang", "en"]));
    let table = String::from_utf8(ksa_out(&a).stdout).unwrap();
    let head = table.lines().next().unwrap();
    for col in ["rank", "person", "name", "fit", "knock-out", "why"] {
        assert!(head.split_whitespace().any(|c| c == col), "{col}: {head}");
    }
    let c06 = table.lines().find(|l| l.contains("C06")).unwrap();
    assert!(c06.contains("knock-out"), "{c06}");
    assert!(
        c06.contains("short of Senior") && c06.contains("Rules (critical) 2.61 < 3.00"),
        "{c06}"
    );
    // The same words as `ksa explain` (its sentence for C06 and g2).
    let mut e = vec!["explain".to_string()];
    e.extend(cmp_args(&[
        "--format", "table", "--lang", "en", "--person", "C06",
    ]));
    let explained = String::from_utf8(ksa_out(&e).stdout).unwrap();
    let sentence = c06.split("knock-out").nth(1).unwrap().trim();
    assert!(explained.contains(sentence), "{explained}\n{sentence}");

    let mut j = vec!["compare".to_string()];
    j.extend(cmp_args(&["--format", "json"]));
    let json: serde_json::Value = serde_json::from_slice(&ksa_out(&j).stdout).expect("valid JSON");
    let rows = json["rows"].as_array().unwrap();
    let c06 = rows.iter().find(|r| r["person_id"] == "C06").unwrap();
    assert_eq!(c06["knockout"], true);
    assert!(c06["blockers"]
        .as_str()
        .unwrap()
        .contains("k2:knockout_short"));
    let c01 = rows.iter().find(|r| r["person_id"] == "C01").unwrap();
    assert_eq!(c01["knockout"], false);
}

#[test]
fn score_table_shows_names() {
    let dir = workdir();
    let evals = sample_into(dir.path(), "s", 3, &[]);
    let score = |extra: &[&str]| {
        let model = repo_arg("models/bank-rm.toml");
        let mut args = vec![
            "score",
            "--model",
            &model,
            "--evals",
            evals.to_str().unwrap(),
        ];
        args.extend(extra);
        run_ok(dir.path(), &args)
    };
    let table = score(&["--format", "table"]);
    let mut lines = table.lines();
    let head: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    // Headers in the model's language (zh).
    assert_eq!(&head[..4], ["员工编号", "姓名", "考核期", "对照职级"]);
    // Each row's name is the one the evaluations give its person.
    let rows = csv_records(&std::fs::read_to_string(&evals).unwrap());
    let (id, name) = (
        rows[0].iter().position(|c| c == "person_id").unwrap(),
        rows[0].iter().position(|c| c == "name").unwrap(),
    );
    let names: std::collections::HashMap<&str, &str> = rows[1..]
        .iter()
        .map(|r| (r[id].as_str(), r[name].as_str()))
        .collect();
    let mut checked = 0;
    for line in lines.skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(Some(&f[1]), names.get(f[0]), "{line}");
        checked += 1;
    }
    assert!(checked > 3, "{table}");
    // The CSV keeps §7's columns.
    assert!(score(&[]).starts_with("person_id,period,target_grade,kind,"));
}

#[test]
fn terminal_tables_speak_the_language_and_csv_keeps_codes() {
    let dir = workdir();
    let evals = repo_arg("data/evaluations.csv");
    let model = repo_arg("models/bank-rm.toml");
    let promote = |extra: &[&str]| {
        let mut a = vec![
            "promote", "--model", &model, "--evals", &evals, "--period", "2026H1",
        ];
        a.extend(extra);
        run_ok(dir.path(), &a)
    };
    let csv = csv_records(&promote(&["--format", "csv"]));
    let en = promote(&["--format", "table", "--lang", "en"]);
    let zh = promote(&["--format", "table", "--lang", "zh"]);
    let (status, meets) = (8, 7);
    assert_eq!(csv[0][status], "status");
    let first = &csv[1];
    let en_row = en.lines().nth(2).unwrap();
    let zh_row = zh.lines().nth(2).unwrap();
    assert!(en_row.starts_with(&first[0]) && zh_row.starts_with(&first[0]));
    let (en_status, zh_status) = match first[status].as_str() {
        "meets" => ("meets", "达到"),
        "one_plan_away" => ("one plan away", "一项计划可达"),
        "not_ready" => ("not ready", "未就绪"),
        other => panic!("status {other}"),
    };
    assert!(
        en_row.contains(en_status) && zh_row.contains(zh_status),
        "{en_row}\n{zh_row}"
    );
    let (en_yes, zh_yes) = if first[meets] == "true" {
        ("yes", "是")
    } else {
        ("no", "否")
    };
    assert!(en_row.split_whitespace().any(|w| w == en_yes), "{en_row}");
    assert!(zh_row.split_whitespace().any(|w| w == zh_yes), "{zh_row}");
    assert!(en.lines().next().unwrap().contains("next grade"));
    assert!(zh.lines().next().unwrap().contains("下一职级"));
}

// ================================================================ bootstrap

fn fixture_data(model: &Model) -> ksa::ingest::Dataset {
    let opts = IngestOptions {
        keep_ratings: true,
        ..IngestOptions::default()
    };
    ingest(model, &[fixture("bootstrap/candidates.csv")], &opts).unwrap()
}

fn all(data: &ksa::ingest::Dataset) -> Vec<Candidate> {
    (0..data.people.len())
        .map(|pp| Candidate { pp, fixed: false })
        .collect()
}

#[test]
fn intervals_agree_with_scipy_within_the_monte_carlo_error() {
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("bootstrap/reference.json")).unwrap(),
    )
    .unwrap();
    let model = fixture_model();
    let data = fixture_data(&model);
    let g = model.find_grade("g2").unwrap();
    let b = reference["resamples"].as_u64().unwrap() as usize;
    let w = Weights::new(&model, None);
    let got = bootstrap::intervals(&model, &data, &w, g, &all(&data), b, 7);
    let refs = reference["candidates"].as_array().unwrap();
    assert_eq!(refs.len(), data.people.len());
    for r in refs {
        let id = r["person_id"].as_str().unwrap();
        let pp = data.people.iter().position(|p| p.person_id == id).unwrap();
        let Resampled::Intervals(x) = &got[pp] else {
            panic!("{id}: no interval")
        };
        let f = |v: &serde_json::Value| v.as_f64().unwrap();
        for (what, mine, theirs) in [
            ("overall", x.overall.unwrap(), &r["overall"]),
            ("fit", x.fit.unwrap(), &r["fit"]),
        ] {
            // Two independent bootstraps of B resamples: the 2.5% and 97.5%
            // points differ by about 0.04 standard errors; allow 0.25.
            let tol = 0.25 * f(&theirs["se"]) + 1e-9;
            assert!(
                (mine.low - f(&theirs["low"])).abs() <= tol
                    && (mine.high - f(&theirs["high"])).abs() <= tol,
                "{id} {what}: ksa {:.4}–{:.4}, scipy {:.4}–{:.4} (tolerance {tol:.4})",
                mine.low,
                mine.high,
                f(&theirs["low"]),
                f(&theirs["high"])
            );
        }
        let rk = &r["rank"];
        let rp = x.rank_percentile;
        assert!(
            (rp.low - f(&rk["low"])).abs() <= 1.0 && (rp.high - f(&rk["high"])).abs() <= 1.0,
            "{id} rank: ksa {}–{}, scipy {}–{}",
            rp.low,
            rp.high,
            f(&rk["low"]),
            f(&rk["high"])
        );
    }
}

#[test]
fn fixed_and_single_rating_candidates_get_no_interval() {
    let model = fixture_model();
    let data = fixture_data(&model);
    let w = Weights::new(&model, None);
    let g = model.find_grade("g2").unwrap();
    let mut c = all(&data);
    c[0].fixed = true;
    let got = bootstrap::intervals(&model, &data, &w, g, &c, 200, 1);
    assert_eq!(got[0], Resampled::Fixed);
    assert!(matches!(got[1], Resampled::Intervals(_)));

    // One rating per cell: "insufficient ratings", not a zero-width interval.
    let dir = workdir();
    let evals = write(
        dir.path(),
        "one.csv",
        "candidate_id,rater,rater_id,competency,score\n\
         X1,panel,P1,k1,4\nX1,panel,P1,k2,4\nX1,panel,P1,a1,4\nX1,panel,P1,a2,4\n\
         X2,panel,P1,k1,3\nX2,panel,P2,k1,4\nX2,panel,P1,k2,3\nX2,panel,P1,a1,3\n",
    );
    let opts = IngestOptions {
        keep_ratings: true,
        ..IngestOptions::default()
    };
    let data = ingest(&model, &[evals], &opts).unwrap();
    let got = bootstrap::intervals(&model, &data, &w, g, &all(&data), 200, 1);
    let x1 = data
        .people
        .iter()
        .position(|p| p.person_id == "X1")
        .unwrap();
    assert_eq!(got[x1], Resampled::Insufficient);
    assert!(matches!(got[1 - x1], Resampled::Intervals(_)));
}

/// Random candidates rated on the fixture model: (candidate, group,
/// competency, score).
fn ratings() -> impl Strategy<Value = Vec<(u8, u8, u8, u8)>> {
    prop::collection::vec((0u8..6, 0u8..3, 0u8..4, 1u8..=5), 1..120)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rank_intervals_contain_the_point_rank_and_repeat_with_the_seed(
        rows in ratings(), seed in any::<u64>()
    ) {
        let model = fixture_model();
        let dir = workdir();
        let mut text = String::from("candidate_id,rater,rater_id,competency,score\n");
        for (i, (p, g, c, y)) in rows.iter().enumerate() {
            let group = ["panel", "hr", "self"][*g as usize];
            let comp = ["k1", "k2", "a1", "a2"][*c as usize];
            text.push_str(&format!("C{p},{group},R{i},{comp},{y}\n"));
        }
        let evals = write(dir.path(), "e.csv", &text);
        let opts = IngestOptions { keep_ratings: true, ..IngestOptions::default() };
        let data = ingest(&model, &[evals], &opts).unwrap();
        let w = Weights::new(&model, None);
        let g = model.find_grade("g2").unwrap();
        let cands = all(&data);
        let a = bootstrap::intervals(&model, &data, &w, g, &cands, 100, seed);
        let b = bootstrap::intervals(&model, &data, &w, g, &cands, 100, seed);
        prop_assert_eq!(&a, &b);
        let keys: Vec<score::Candidate> = (0..data.people.len())
            .map(|pp| {
                let s = score::score_person(&model, &data, pp, &w);
                score::Candidate {
                    index: pp,
                    person_id: &data.people[pp].person_id,
                    fit: score::fit(&model, &s, g, &w),
                    overall: s.overall,
                }
            })
            .collect();
        for r in score::rank_candidates(&keys) {
            if let Resampled::Intervals(x) = &a[r.index] {
                prop_assert!(x.rank.0 <= r.rank && r.rank <= x.rank.1,
                    "point rank {} outside {:?}", r.rank, x.rank);
                prop_assert!(x.rank.0 >= 1 && x.rank.1 <= data.people.len());
                if let Some(o) = x.overall {
                    prop_assert!(1.0 <= o.low && o.low <= o.high && o.high <= 5.0);
                }
                if let Some(f) = x.fit {
                    prop_assert!(0.0 <= f.low && f.low <= f.high && f.high <= 1.0);
                }
            }
        }
    }
}

// ================================================================ the report

fn report(dir: &std::path::Path, out: &str, extra: &[&str]) -> std::process::Output {
    let mut a = vec!["report".to_string(), "compare".into()];
    a.extend(cmp_args(extra));
    a.extend(["--out".into(), out.into()]);
    ksa().current_dir(dir).args(&a).output().unwrap()
}

fn ranking_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let doc = Html::parse_document(&std::fs::read_to_string(path).unwrap());
    let tr = Selector::parse("#ranking tbody tr").unwrap();
    let td = Selector::parse("td").unwrap();
    doc.select(&tr)
        .map(|r| {
            r.select(&td)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn compare_report_shows_rank_intervals_and_lists_knockouts_last() {
    let dir = workdir();
    assert!(report(dir.path(), "a", &[]).status.success());
    assert!(report(dir.path(), "b", &[]).status.success());
    assert!(report(dir.path(), "c", &["--seed", "99"]).status.success());
    assert!(report(dir.path(), "n", &["--bootstrap", "0"])
        .status
        .success());
    let page = dir.path().join("a/compare-g2.html");
    let rows = ranking_rows(&page);
    assert_eq!(rows.len(), 6);
    // rank, rank interval, name, id, fit, meets, overall, K, A, knock-outs.
    let ids: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(ids.last(), Some(&"C06"));
    assert!(rows[5][9].contains("淘汰") || rows[5][9].contains("knock-out"));
    for r in &rows {
        let rank: usize = r[0].trim_end_matches(['≈', ' ']).parse().unwrap();
        let (lo, hi) = match r[1].split_once('–') {
            Some((a, b)) => (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()),
            None => (r[1].parse().unwrap(), r[1].parse().unwrap()),
        };
        assert!(lo <= rank && rank <= hi, "{r:?}");
    }
    // Close calls are marked: C01, C02 and C04 share a fit of 0.9506.
    assert!(rows[1][0].contains('≈'), "{:?}", rows[1]);
    // The same seed gives the same intervals; without resampling there
    // are none.
    assert_eq!(rows, ranking_rows(&dir.path().join("b/compare-g2.html")));
    let other = ranking_rows(&dir.path().join("c/compare-g2.html"));
    assert_eq!(other.len(), 6);
    let none = ranking_rows(&dir.path().join("n/compare-g2.html"));
    assert_eq!(none[0].len(), rows[0].len() - 1, "{:?}", none[0]);
    assert!(
        !std::fs::read_to_string(dir.path().join("n/compare-g2.html"))
            .unwrap()
            .contains("class=\"ci\"")
    );
}

#[test]
fn resampling_flags_are_checked() {
    let dir = workdir();
    let out = report(dir.path(), "x", &["--bootstrap", "100001"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--bootstrap 100001") && err.contains("100,000"),
        "{err}"
    );
    // Resampling belongs to the comparison.
    let mut a = vec!["report".to_string(), "team".into()];
    a.extend(cmp_args(&["--seed", "3", "--out", "t"]));
    let out = ksa().current_dir(dir.path()).args(&a).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("--bootstrap/--seed"));
}
