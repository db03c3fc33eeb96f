//! `ksa report org`: the organisation roll-up site (issue 16).

use crate::common::*;
use scraper::{Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn parse(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// The demo data (unit paths 总行/分行/支行/团队), written into `dir` with
/// `separator` between the parts of each unit.
fn demo_with_paths(dir: &Path, separator: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo("data/evaluations.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    let h = rdr.headers().unwrap().clone();
    w.write_record(&h).unwrap();
    let u = h.iter().position(|c| c == "unit").unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        let mut row: Vec<String> = r.iter().map(str::to_string).collect();
        assert_eq!(row[u].split('/').count(), 4, "{}", row[u]);
        row[u] = row[u].replace('/', separator);
        w.write_record(&row).unwrap();
    }
    let path = dir.join("evals.csv");
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    path
}

/// The bank model with every min_count 1 (nothing hidden), as
/// `open.toml` in `dir`.
fn write_open_model(dir: &Path) {
    let open = std::fs::read_to_string(repo("models/bank-rm.toml"))
        .unwrap()
        .replace("min_count = 3", "min_count = 1");
    write(dir, "open.toml", &open);
}

fn org_site(dir: &Path, extra: &[&str]) -> Outcome {
    let model = repo_arg("models/bank-rm.toml");
    let mut args = vec!["report", "org", "--evals", "evals.csv"];
    if !extra.contains(&"--model") {
        args.extend(["--model", model.as_str()]);
    }
    if !extra.contains(&"--out") {
        args.extend(["--out", "site"]);
    }
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    out
}

/// Follows every link from index.html: each must name a file of the site
/// (no scheme, no absolute path, no way out of the folder, resolved from
/// the page's own folder), and every file written must be reached.
/// Returns the pages by path inside the site (`people/unit-…/person-….html`).
fn crawl(site: &Path) -> BTreeMap<String, Html> {
    let mut pages = BTreeMap::new();
    let mut todo = vec!["index.html".to_string()];
    while let Some(name) = todo.pop() {
        if pages.contains_key(&name) {
            continue;
        }
        let path = site.join(&name);
        assert!(path.is_file(), "dead link to {name}");
        let doc = parse(&path);
        let here: Vec<&str> = name.split('/').collect();
        for e in doc.select(&sel("[href], [src]")) {
            for attr in ["href", "src"] {
                let Some(v) = e.value().attr(attr) else {
                    continue;
                };
                assert!(
                    !v.contains(':') && !v.starts_with('/') && !v.contains('\\'),
                    "{name}: {attr}=\"{v}\" points outside the site"
                );
                let mut parts: Vec<&str> = here[..here.len() - 1].to_vec();
                for p in v.split('/') {
                    match p {
                        ".." => assert!(
                            parts.pop().is_some(),
                            "{name}: {attr}=\"{v}\" points outside the site"
                        ),
                        "." | "" => panic!("{name}: {attr}=\"{v}\": an odd path"),
                        p => parts.push(p),
                    }
                }
                todo.push(parts.join("/"));
            }
        }
        assert_eq!(
            doc.select(&sel("script, link, img, iframe")).count(),
            0,
            "{name}"
        );
        pages.insert(name, doc);
    }
    let mut written = BTreeSet::new();
    let mut dirs = vec![String::new()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(site.join(&d)).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let rel = if d.is_empty() {
                name
            } else {
                format!("{d}/{name}")
            };
            match e.file_type().unwrap().is_dir() {
                true => dirs.push(rel),
                false => {
                    written.insert(rel);
                }
            }
        }
    }
    assert_eq!(written, pages.keys().cloned().collect::<BTreeSet<_>>());
    pages
}

/// Own-grade verdicts of the demo's latest period from `ksa explain`:
/// person_id → verdict.
fn explain_verdicts(dir: &Path, model: &str) -> BTreeMap<String, String> {
    let out = run_ok(
        dir,
        &[
            "explain",
            "--model",
            model,
            "--evals",
            "evals.csv",
            "--period",
            "2026H1",
            "--quiet",
        ],
    );
    let text = std::fs::read_to_string(dir.join("evals.csv")).unwrap();
    let mut own = BTreeMap::new();
    for r in csv_records(&text).into_iter().skip(1) {
        if r[4] == "2026H1" {
            own.insert(r[0].clone(), r[3].clone());
        }
    }
    csv_records(&out)
        .into_iter()
        .skip(1)
        .filter(|r| own.get(&r[0]) == Some(&r[2]))
        .map(|r| (r[0].clone(), r[3].clone()))
        .collect()
}

#[test]
fn org_site_links_the_bank_down_to_teams_and_its_counts_are_explains() {
    // With every min_count 1 nothing is hidden, so the pages' verdicts are
    // exactly `ksa explain`'s (where hidden ratings blend into a score, a
    // page shows no interval for it: `View::explain`).
    let dir = workdir();
    demo_with_paths(dir.path(), "/");
    write_open_model(dir.path());
    let out = org_site(dir.path(), &["--model", "open.toml"]);
    assert_eq!(out.stdout.trim(), "site/index.html");
    assert!(
        out.stderr
            .contains("4 pages written into site; open site/index.html"),
        "{}",
        out.stderr
    );
    let pages = crawl(&dir.path().join("site"));
    assert_eq!(
        pages.keys().collect::<Vec<_>>(),
        [
            "index.html",
            "unit-总行-华东分行.html",
            "unit-总行-华北分行.html",
            "unit-总行-华南分行.html"
        ]
    );
    let index = &pages["index.html"];
    assert_eq!(texts(index, "h1"), ["机构能力汇总 · 总行"]);
    // The top has no breadcrumbs; a branch links back to it.
    assert_eq!(index.select(&sel("#breadcrumbs")).count(), 0);
    let east = &pages["unit-总行-华东分行.html"];
    assert_eq!(texts(east, "#breadcrumbs"), ["总行 › 华东分行"]);
    assert_eq!(
        east.select(&sel("#breadcrumbs a"))
            .next()
            .unwrap()
            .value()
            .attr("href"),
        Some("index.html")
    );

    // Met / borderline / short per own grade: exactly `ksa explain`'s.
    let verdicts = explain_verdicts(dir.path(), "open.toml");
    assert_eq!(verdicts.len(), 40);
    let codes = ["meets", "meets_borderline", "short_borderline", "short"];
    let text = std::fs::read_to_string(dir.path().join("evals.csv")).unwrap();
    let mut grade_of = BTreeMap::new();
    let mut unit_of = BTreeMap::new();
    for r in csv_records(&text).into_iter().skip(1) {
        if r[4] == "2026H1" {
            grade_of.insert(r[0].clone(), r[3].clone());
            unit_of.insert(r[0].clone(), r[2].clone());
        }
    }
    let mut expected = Vec::new();
    for (id, name) in [
        ("assistant", "客户经理助理"),
        ("rm", "客户经理"),
        ("senior", "高级客户经理"),
    ] {
        let n: Vec<usize> = codes
            .iter()
            .map(|c| {
                verdicts
                    .iter()
                    .filter(|(p, v)| grade_of[*p] == id && v == c)
                    .count()
            })
            .collect();
        let total: usize = n.iter().sum();
        expected.push(format!(
            "{name} {} {} {} {} {total}",
            n[0], n[1], n[2], n[3]
        ));
    }
    let rows: Vec<String> = index
        .select(&sel("#verdicts tbody tr"))
        .map(|tr| {
            tr.select(&sel("td"))
                .map(|td| td.text().collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(rows, expected);

    // The branches: people and the share meeting their own grade, lowest
    // share first.
    let mut expected_rows: Vec<(f64, String)> = ["华东分行", "华北分行", "华南分行"]
        .iter()
        .map(|b| {
            let people: Vec<&String> = unit_of
                .iter()
                .filter(|(_, u)| u.split('/').nth(1) == Some(b))
                .map(|(p, _)| p)
                .collect();
            let meets = people
                .iter()
                .filter(|p| verdicts[**p].starts_with("meets"))
                .count();
            let share = meets as f64 / people.len() as f64;
            (
                share,
                format!(
                    "{b} (含人员名单) {} {:.1}% ({meets} / {})",
                    people.len(),
                    share * 100.0,
                    people.len()
                ),
            )
        })
        .collect();
    expected_rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let units: Vec<String> = index
        .select(&sel("#units tr.unit"))
        .map(|tr| {
            tr.select(&sel("td"))
                .take(3)
                .map(|td| td.text().collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        units,
        expected_rows.into_iter().map(|r| r.1).collect::<Vec<_>>()
    );
    // Training needs are counts, never names.
    let needs = texts(index, "#training-needs")[0].clone();
    assert!(!needs.contains("RM0"), "{needs}");
    // A branch of at most 100 is a leaf: the team page of its people,
    // names listed.
    let people = texts(east, "#people tbody tr");
    let east_people: BTreeSet<&String> = unit_of
        .iter()
        .filter(|(_, u)| u.starts_with("总行/华东分行/"))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(people.len(), east_people.len());
    for p in &east_people {
        assert!(people.iter().any(|r| r.contains(p.as_str())), "{p}");
    }
}

#[test]
fn the_heatmap_shows_each_unit_against_the_bank_mean() {
    // Each cell: the branch's mean gap (against each one's own grade) less
    // the bank's, from `ksa score`'s gaps (to 2 decimals, so the cells'
    // one decimal may differ by rounding only). Nothing is hidden with
    // min_count 1, so every gap is shown.
    let dir = workdir();
    demo_with_paths(dir.path(), "/");
    write_open_model(dir.path());
    org_site(dir.path(), &["--model", "open.toml", "--lang", "en"]);
    let index = parse(&dir.path().join("site/index.html"));
    assert_eq!(
        texts(&index, "h1"),
        ["Organisation competency roll-up · 总行"]
    );
    let svg = index
        .select(&sel("#heatmap svg"))
        .next()
        .expect("a heatmap")
        .html();
    for label in ["-0.5", "+0.25", "+0.5"] {
        assert!(svg.contains(label), "{label}");
    }
    let doc = Html::parse_fragment(&svg);
    let all: Vec<String> = doc
        .select(&sel("text"))
        .map(|t| t.text().collect::<String>().trim().to_string())
        .collect();

    let model = ksa::model::load_model(&dir.path().join("open.toml"))
        .unwrap()
        .model;
    let scores = run_ok(
        dir.path(),
        &[
            "score",
            "--model",
            "open.toml",
            "--evals",
            "evals.csv",
            "--quiet",
        ],
    );
    let text = std::fs::read_to_string(dir.path().join("evals.csv")).unwrap();
    let mut branch_of = BTreeMap::new();
    for r in csv_records(&text).into_iter().skip(1) {
        branch_of.insert(r[0].clone(), r[2].split('/').nth(1).unwrap().to_string());
    }
    // (branch or "" for the bank, competency) → (sum, n)
    let mut sums: BTreeMap<(String, usize), (f64, usize)> = BTreeMap::new();
    for r in csv_records(&scores).into_iter().skip(1) {
        if r[1] != "2026H1" || r[3] != "competency" {
            continue;
        }
        let c = model.find_competency(&r[4]).unwrap();
        let g: f64 = r[7].parse().unwrap();
        for key in [String::new(), branch_of[&r[0]].clone()] {
            let e = sums.entry((key, c)).or_default();
            e.0 += g;
            e.1 += 1;
        }
    }
    let mean = |b: &str, c: usize| {
        let (s, n) = sums[&(b.to_string(), c)];
        s / n as f64
    };
    let mut rows = 0;
    for b in ["华东分行", "华北分行", "华南分行"] {
        let at = all
            .iter()
            .position(|t| t.starts_with(&format!("{b} (n=")))
            .unwrap_or_else(|| panic!("{b} in {all:?}"));
        rows += 1;
        for c in 0..model.competencies.len() {
            let cell = &all[at + 1 + c];
            let shown: f64 = cell.parse().unwrap_or_else(|_| panic!("{b}: {cell}"));
            let expected = mean(b, c) - mean("", c);
            assert!(
                (shown - expected).abs() <= 0.05 + 0.006,
                "{b} {}: {cell} vs {expected:.4}",
                model.competencies[c].id
            );
        }
    }
    assert_eq!(rows, 3);
    // The branches differ: some cell is coloured away from the bank.
    assert!(all
        .iter()
        .any(|t| t.starts_with('-') && t.len() > 1 && t != "-0.5"));
}

#[test]
fn another_separator_keeps_slashes_in_names() {
    let dir = workdir();
    demo_with_paths(dir.path(), " > ");
    org_site(dir.path(), &["--unit-separator", ">"]);
    let pages = crawl(&dir.path().join("site"));
    assert_eq!(pages.len(), 4, "{:?}", pages.keys());
    // With "/" the same file is one unit per path: four flat top units.
    org_site(dir.path(), &["--out", "flat"]);
    let flat = parse(&dir.path().join("flat/index.html"));
    assert!(
        texts(&flat, "h1")[0].ends_with("全行"),
        "{:?}",
        texts(&flat, "h1")
    );
}

#[test]
fn big_units_tables_continue_on_further_pages() {
    // 150 teams of one person under one head office: the units table holds
    // 100 rows and continues on a second page; the heatmap shows 40.
    let dir = workdir();
    let evals = sample_into(dir.path(), "s", 150, &["--periods", "1"]);
    let text = std::fs::read_to_string(&evals).unwrap();
    let mut out = String::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 {
            f[2] = format!("总行/{}", f[0]);
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    write(dir.path(), "evals.csv", &out);
    org_site(dir.path(), &[]);
    let pages = crawl(&dir.path().join("site"));
    let index = &pages["index.html"];
    assert_eq!(index.select(&sel("#units tr.unit")).count(), 100);
    assert_eq!(texts(index, "#unit-pages"), ["其余机构: 1–100 101–150"]);
    let more = &pages["index.p2.html"];
    assert_eq!(more.select(&sel("#units tr.unit")).count(), 50);
    assert_eq!(
        more.select(&sel("#summary, #heatmap, #training-needs"))
            .count(),
        0
    );
    assert!(texts(index, "#heatmap .note")[0].contains("40 个机构(共 150 个)"));
    let svg = index.select(&sel("#heatmap svg")).next().unwrap().html();
    assert_eq!(svg.matches("(n=1)").count(), 40);
    // 150 leaf pages, the index and its continuation.
    assert_eq!(pages.len(), 152);
}

#[test]
fn a_unit_of_withheld_people_shows_nothing_of_them() {
    // P3 is rated by two peers only (min_count 3): their page withholds
    // every score, so their unit's row shows no share, no gap, no need.
    let dir = workdir();
    write(dir.path(), "model.toml", ANON_MODEL);
    let evals = "person_id,name,unit,grade,period,rater,rater_id,competency,score,comment
P2,Pat,总行/B,rm,2026H1,supervisor,S1,a,4.5,
P2,Pat,总行/B,rm,2026H1,supervisor,S1,b,4.5,
P2,Pat,总行/B,rm,2026H1,peer,Q1,a,3.5,
P2,Pat,总行/B,rm,2026H1,peer,Q2,a,3.5,
P2,Pat,总行/B,rm,2026H1,peer,Q3,a,3.5,
P3,Solo,总行/C,rm,2026H1,peer,Q1,a,1.4,
P3,Solo,总行/C,rm,2026H1,peer,Q2,a,1.4,
";
    write(dir.path(), "evals.csv", evals);
    let out = run(
        dir.path(),
        &[
            "report",
            "org",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "site",
            "--lang",
            "en",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let pages = crawl(&dir.path().join("site"));
    let index = &pages["index.html"];
    let row = |name: &str| -> Vec<String> {
        index
            .select(&sel("#units tr.unit"))
            .find(|tr| tr.text().collect::<String>().contains(name))
            .unwrap()
            .select(&sel("td"))
            .map(|td| td.text().collect::<String>().trim().to_string())
            .collect()
    };
    assert_eq!(
        row("C"),
        ["C (people listed)", "1", "— (0 / 0)", "", "0.00"]
    );
    assert_eq!(row("B")[..3], ["B (people listed)", "1", "100.0% (1 / 1)"]);
    let cards: Vec<String> = texts(index, "#summary .card .label")
        .into_iter()
        .zip(texts(index, "#summary .card .value"))
        .map(|(l, v)| format!("{l}: {v}"))
        .collect();
    assert_eq!(
        cards,
        [
            "People: 2",
            "Meeting own grade: 100.0%",
            "Training needed (person-hours): 0.00",
            "Low-precision scores: 100.0%",
            "Withheld for anonymity: 1"
        ]
    );
    let svg = index.select(&sel("#heatmap svg")).next().unwrap().html();
    let doc = Html::parse_fragment(&svg);
    let all: Vec<String> = doc
        .select(&sel("text"))
        .map(|t| t.text().collect::<String>().trim().to_string())
        .collect();
    let at = all.iter().position(|t| t == "C (n=1)").unwrap();
    // No value in C's row: the next text is the legend's title.
    assert_eq!(all[at + 1], "vs bank", "{all:?}");
}

/// Two competencies; peers are shown from 3 raters.
const ANON_MODEL: &str = r#"
schema = 1
id = "anon-test"
name = "Anonymity test"
version = "1"
language = "en"
[scale]
min = 1
max = 5
[[grades]]
id = "rm"
name = "RM"
[[raters]]
id = "supervisor"
name = "Boss"
weight = 0.5
[[raters]]
id = "peer"
name = "Peers"
weight = 0.5
min_count = 3
[[categories]]
id = "K"
name = "Knowledge"
[[competencies]]
id = "a"
name = "Alpha"
category = "K"
required = { rm = 3 }
[[competencies]]
id = "b"
name = "Beta"
category = "K"
required = { rm = 3 }
"#;

#[test]
fn org_flags_that_do_not_apply_are_refused() {
    let dir = workdir();
    demo_with_paths(dir.path(), "/");
    let model = repo_arg("models/bank-rm.toml");
    let base = [
        "--model",
        model.as_str(),
        "--evals",
        "evals.csv",
        "--out",
        "site",
    ];
    for (extra, message) in [
        (
            vec!["org", "--grade", "rm"],
            "error: --grade does not apply to ksa report org: every person is judged against their own grade",
        ),
        (
            vec!["org", "--unit", "总行"],
            "error: --unit does not apply to ksa report org: the site covers every unit; open the unit's page in it",
        ),
        (
            vec!["org", "--unit-separator", ""],
            "error: --unit-separator: must not be empty (the default is /)",
        ),
        (
            vec!["team", "--individual"],
            "error: --individual applies to the org report: it links the team pages' names to individual reports (ksa report individual writes them on their own)",
        ),
        (
            vec!["team", "--unit-separator", ">"],
            "error: --unit-separator applies to the org and individual reports: it splits unit paths into the organisation tree and the reports' unit folders",
        ),
    ] {
        let mut args = vec!["report"];
        args.extend(extra.iter().copied());
        args.extend(base);
        let out = run(dir.path(), &args);
        assert_eq!(out.code, Some(2), "{args:?}");
        assert_eq!(out.stderr.trim(), message, "{args:?}");
        assert!(!dir.path().join("site/index.html").exists());
    }
}

/// `--individual`: everyone's report of the site's period, one folder per
/// unit under people/, each linked from their name on the team page, and
/// all listed in people/index.html, linked from the top page.
#[test]
fn individual_reports_are_linked_from_the_team_pages() {
    let dir = workdir();
    demo_with_paths(dir.path(), "/");
    let out = org_site(dir.path(), &["--individual"]);
    assert_eq!(out.stdout.trim(), "site/index.html");
    let pages = crawl(&dir.path().join("site"));
    let people: Vec<&String> = pages
        .keys()
        .filter(|k| k.starts_with("people/unit-"))
        .collect();
    // The latest period's 40 people, each in their team's folder.
    let text = std::fs::read_to_string(dir.path().join("evals.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut expected = BTreeSet::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[4] == "2026H1" {
            let folder = format!("unit-{}", r[2].replace('/', "-"));
            expected.insert(format!("people/{folder}/person-{}-2026H1.html", &r[0]));
        }
    }
    assert_eq!(expected.len(), 40);
    assert_eq!(
        people
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        expected
    );
    // Every name on a team page links to that person's own report.
    let mut linked = 0;
    for (name, doc) in &pages {
        if !name.starts_with("unit-") {
            continue;
        }
        for row in doc.select(&sel("#people tbody tr")) {
            let a = row.select(&sel("td a")).next().expect("a linked name");
            let id = row
                .select(&sel("td"))
                .nth(1)
                .unwrap()
                .text()
                .collect::<String>();
            let href = a.value().attr("href").unwrap();
            assert!(
                href.ends_with(&format!("/person-{id}-2026H1.html")),
                "{href}"
            );
            let page = &pages[href];
            assert!(
                texts(page, "h1")[0].contains(a.text().collect::<String>().trim()),
                "{href}"
            );
            linked += 1;
        }
    }
    assert_eq!(linked, 40);
    let index = &pages["index.html"];
    assert_eq!(
        index
            .select(&sel("header a"))
            .map(|a| a.value().attr("href").unwrap())
            .collect::<Vec<_>>(),
        ["people/index.html"]
    );
    // Without --individual, no links and no folder.
    let out = org_site(dir.path(), &["--out", "plain"]);
    assert_eq!(out.code, Some(0));
    assert!(!dir.path().join("plain/people").exists());
    let plain = crawl(&dir.path().join("plain"));
    assert!(plain
        .values()
        .all(|d| d.select(&sel("#people td a")).count() == 0));
}

/// `report individual` on many people: one folder per unit, stdout gives
/// only the index and stderr one line; beyond 500 reports the top index
/// lists the units and each unit folder has an index of its own, so every
/// report is reached from index.html (and no page lists everyone).
#[test]
fn many_individual_reports_go_in_unit_folders_under_indexes() {
    let dir = workdir();
    let model = repo_arg("models/bank-rm.toml");
    run_ok(
        dir.path(),
        &[
            "sample",
            "--model",
            &model,
            "--people",
            "260",
            "--periods",
            "2",
            "--seed",
            "3",
            "--candidates",
            "0",
            "--out",
            "data",
        ],
    );
    let out = run(
        dir.path(),
        &[
            "report",
            "individual",
            "--model",
            &model,
            "--evals",
            "data/evaluations.csv",
            "--out",
            "people",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "people/index.html\n");
    let site = crawl(&dir.path().join("people"));
    let reports: Vec<&String> = site.keys().filter(|k| k.contains("/person-")).collect();
    assert_eq!(reports.len(), 520);
    let folders: BTreeSet<&str> = reports
        .iter()
        .map(|k| k.split('/').next().unwrap())
        .collect();
    let line = format!(
        "520 individual reports written into people ({} unit folders); open people/index.html",
        folders.len()
    );
    assert!(out.stderr.lines().any(|l| l == line), "{}", out.stderr);
    // The top index lists units with their counts, no people.
    let top = &site["index.html"];
    assert_eq!(top.select(&sel("#people")).count(), 0);
    let units: Vec<(String, usize)> = top
        .select(&sel("#units tbody tr"))
        .map(|r| {
            let a = r.select(&sel("a")).next().unwrap();
            let n: usize = r
                .select(&sel("td.num"))
                .next()
                .unwrap()
                .text()
                .collect::<String>()
                .parse()
                .unwrap();
            (a.value().attr("href").unwrap().to_string(), n)
        })
        .collect();
    assert_eq!(units.len(), folders.len());
    for (href, n) in &units {
        let folder = href.strip_suffix("/index.html").unwrap();
        let listed = site[href.as_str()].select(&sel("#people tbody tr")).count();
        let written = reports
            .iter()
            .filter(|k| k.starts_with(&format!("{folder}/")))
            .count();
        assert_eq!((listed, written), (*n, *n), "{href}");
    }
    // A few people (the demo's 40): every path printed, one index of everyone.
    let demo = repo_arg("data/evaluations.csv");
    let out = run(
        dir.path(),
        &[
            "report",
            "individual",
            "--model",
            &model,
            "--evals",
            &demo,
            "--period",
            "2026H1",
            "--out",
            "few",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let printed: Vec<&str> = out.stdout.lines().collect();
    let few = crawl(&dir.path().join("few"));
    assert_eq!(printed.last(), Some(&"few/index.html"));
    assert_eq!(printed.len(), few.len());
    // Up to 100 reports they stay in one folder, as for a team.
    assert!(few.keys().all(|k| !k.contains('/')), "{:?}", few.keys());
    assert_eq!(
        few["index.html"].select(&sel("#people tbody tr a")).count(),
        few.len() - 1
    );
}

/// `report team` past a readable page still writes it, and says to use
/// `report org`.
#[test]
fn a_team_page_of_too_many_people_points_to_the_org_report() {
    let dir = workdir();
    let model = repo_arg("models/bank-rm.toml");
    run_ok(
        dir.path(),
        &[
            "sample",
            "--model",
            &model,
            "--people",
            "2001",
            "--periods",
            "1",
            "--candidates",
            "0",
            "--out",
            "data",
        ],
    );
    let out = run(
        dir.path(),
        &[
            "report",
            "team",
            "--model",
            &model,
            "--evals",
            "data/evaluations.csv",
            "--out",
            "r",
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.lines().any(|l| l
            == "warning: ksa report team: 2,001 people on one page, more than 2,000 (the team page's limit for a readable page); \
                ksa report org --out DIR writes them as linked pages from the whole bank down to teams of at most 100, \
                or choose one unit with --unit"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout.lines().count(), 1);
}
