//! `ksa report` and the reports of `ksa demo`: parsed as HTML and checked
//! for structure, self-containment, escaping, anonymity and reproducibility.

use crate::common::*;
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};

const EPOCH: &str = "1767225600";

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn parse(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).expect("read report"))
}

fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// Runs `ksa report ...` in `dir` and returns the files it printed.
fn report(dir: &Path, args: &[&str]) -> Vec<PathBuf> {
    let out = ksa()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("report")
        .args(args)
        .output()
        .expect("run ksa");
    assert!(
        out.status.success(),
        "ksa report {args:?} failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| dir.join(l))
        .collect()
}

/// Every chart is an inline `<svg>` with a non-zero viewBox.
fn assert_charts(doc: &Html, what: &str, expected: usize) {
    let svgs: Vec<_> = doc.select(&sel("svg")).collect();
    assert_eq!(svgs.len(), expected, "{what}: number of charts");
    for s in svgs {
        let vb = s
            .value()
            .attr("viewBox")
            .unwrap_or_else(|| panic!("{what}: svg without viewBox"));
        let n: Vec<f64> = vb.split_whitespace().map(|x| x.parse().unwrap()).collect();
        assert!(
            n.len() == 4 && n[2] > 0.0 && n[3] > 0.0,
            "{what}: viewBox {vb}"
        );
    }
}

/// No `src=`/`href=` to anything outside the page's folder: only relative
/// file links and fragments; and no scripts.
fn assert_self_contained(doc: &Html, what: &str) {
    for e in doc.select(&sel("[src], [href]")) {
        for attr in ["src", "href"] {
            if let Some(v) = e.value().attr(attr) {
                let v = v.trim();
                assert!(
                    !v.contains(':') && !v.starts_with("//") && !v.starts_with('/'),
                    "{what}: external or absolute {attr}=\"{v}\""
                );
            }
        }
    }
    assert_eq!(
        doc.select(&sel("script")).count(),
        0,
        "{what}: has a script"
    );
    assert_eq!(
        doc.select(&sel("link, iframe, img, object")).count(),
        0,
        "{what}"
    );
}

fn assert_sections(doc: &Html, what: &str, ids: &[&str]) {
    for id in ids {
        assert_eq!(
            doc.select(&sel(&format!("#{id}"))).count(),
            1,
            "{what}: section #{id}"
        );
    }
}

#[test]
fn demo_writes_every_kind_of_report_and_an_index() {
    let dir = workdir();
    let out = ksa()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["demo", "--out", "demo", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let demo = dir.path().join("demo");
    // The CSV outputs are still there.
    for f in [
        "scores.csv",
        "placement.csv",
        "candidates-ranking.csv",
        "model.txt",
    ] {
        assert!(demo.join(f).is_file(), "{f}");
    }
    let index = parse(&demo.join("index.html"));
    assert_self_contained(&index, "index");
    let links: Vec<String> = index
        .select(&sel("a[href]"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    // 40 people × 2 periods, the team report and the comparison.
    assert_eq!(links.len(), 82, "{links:?}");
    for l in &links {
        assert!(demo.join(l).is_file(), "index links a missing file: {l}");
    }

    let people = std::fs::read_dir(demo.join("reports/people"))
        .unwrap()
        .count();
    assert_eq!(people, 80);
    let person = parse(&demo.join("reports/people/person-RM003-2026H1.html"));
    assert_self_contained(&person, "individual");
    assert_sections(
        &person,
        "individual",
        &[
            "person",
            "audit",
            "summary",
            "radar",
            "gaps",
            "competencies",
            "blind-spots",
            "shortfalls",
            "change",
            "comments",
            "training-plan",
        ],
    );
    assert_charts(&person, "individual", 2);
    assert_eq!(person.select(&sel("#radar svg")).count(), 1);
    assert_eq!(person.select(&sel("#gaps svg")).count(), 1);
    let head = texts(&person, "#person");
    assert!(head[0].contains("杨明") && head[0].contains("RM003") && head[0].contains("2026H1"));
    let audit = texts(&person, "#audit")[0].clone();
    assert!(audit.contains("bank-rm 2026.1"), "{audit}");
    assert!(
        audit.contains("sha256:") && audit.contains("ksa "),
        "{audit}"
    );
    assert!(audit.contains("2026-01-01 00:00:00 UTC"), "{audit}");
    // The real plan, no longer a placeholder.
    assert_eq!(person.select(&sel("#training-plan.placeholder")).count(), 0);
    assert_eq!(
        person.select(&sel("#training-plan .plan-status")).count(),
        1
    );

    let team = parse(&demo.join("reports/team.html"));
    assert_self_contained(&team, "team");
    assert_sections(
        &team,
        "team",
        &[
            "summary",
            "placement",
            "hist-overall",
            "hist-fit",
            "heatmap",
            "extremes",
            "coverage",
            "people",
            "training-plan",
        ],
    );
    assert_charts(&team, "team", 4);
    // 40 people in one period: the heatmap shows people.
    assert!(texts(&team, "#heatmap svg")[0].contains("RM003"));

    let cmp = parse(&demo.join("reports/compare-rm.html"));
    assert_self_contained(&cmp, "compare");
    assert_sections(
        &cmp,
        "compare",
        &["ranking", "radar", "matrix", "knockouts"],
    );
    assert_charts(&cmp, "compare", 1);
    assert_eq!(cmp.select(&sel("#ranking tbody tr")).count(), 12);
    assert!(cmp.select(&sel("#ranking .bar")).count() == 12, "fit bars");
    assert!(
        cmp.select(&sel("#matrix td.ko")).count() > 0,
        "knock-outs marked"
    );
    assert!(
        cmp.select(&sel("#matrix td.short")).count() > 0,
        "shortfalls marked"
    );
}

const MODEL: &str = r#"
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
[[grades]]
id = "senior"
name = "Senior"
[[raters]]
id = "supervisor"
name = "Boss"
weight = 0.5
[[raters]]
id = "peer"
name = "Peers"
weight = 0.5
min_count = 3
[[raters]]
id = "self"
name = "Self"
weight = 0
[[categories]]
id = "K"
name = "Knowledge"
[[competencies]]
id = "a"
name = "Alpha"
category = "K"
critical = true
required = { rm = 3, senior = 4 }
indicators = { "3" = "Does alpha things", "4" = "Leads alpha things" }
[[competencies]]
id = "b"
name = "Beta"
category = "K"
required = { rm = 3, senior = 4 }
indicators = { "3" = "Does beta things", "4" = "Leads beta things" }
"#;

/// P1 has two peers (below min_count 3); P2 has three. Means are chosen so
/// that every group's mean is a distinct, recognisable number.
const EVALS: &str = "person_id,name,unit,grade,period,rater,rater_id,competency,score,comment
P1,<script>alert(1)</script>,\"U\"\"><i>x</i>\",rm,2026H1,supervisor,S1,a,4.5,boss says fine
P1,<script>alert(1)</script>,,rm,2026H1,supervisor,S1,b,4.5,
P1,<script>alert(1)</script>,,rm,2026H1,peer,Q1,a,1.5,PEER-SECRET-COMMENT
P1,<script>alert(1)</script>,,rm,2026H1,peer,Q2,a,1.5,
P1,<script>alert(1)</script>,,rm,2026H1,peer,Q1,b,1.5,
P1,<script>alert(1)</script>,,rm,2026H1,peer,Q2,b,1.5,
P1,<script>alert(1)</script>,,rm,2026H1,self,P1,a,5,
P1,<script>alert(1)</script>,,rm,2026H1,self,P1,b,2,
P2,Pat,V,rm,2026H1,supervisor,S1,a,4.5,
P2,Pat,V,rm,2026H1,supervisor,S1,b,4.5,
P2,Pat,V,rm,2026H1,peer,Q1,a,3.5,
P2,Pat,V,rm,2026H1,peer,Q2,a,3.5,
P2,Pat,V,rm,2026H1,peer,Q3,a,3.5,
P2,Pat,V,rm,2026H1,peer,Q1,b,3.5,
P2,Pat,V,rm,2026H1,peer,Q2,b,3.5,
P2,Pat,V,rm,2026H1,peer,Q3,b,3.5,
../../evil,Eve,V,rm,2026H1,supervisor,S1,a,3,
P3,Solo,V,rm,2026H1,peer,Q1,a,1.4,
P3,Solo,V,rm,2026H1,peer,Q2,a,1.4,
";

fn fixture_dir() -> tempfile::TempDir {
    let dir = workdir();
    write(dir.path(), "model.toml", MODEL);
    write(dir.path(), "evals.csv", EVALS);
    dir
}

#[test]
fn data_is_escaped_and_file_names_stay_inside_out() {
    let dir = fixture_dir();
    let files = report(
        dir.path(),
        &[
            "individual",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out",
        ],
    );
    // Four people and the index.
    assert_eq!(files.len(), 5);
    assert!(files[4].ends_with("index.html"), "{files:?}");
    let out = std::fs::canonicalize(dir.path().join("out")).unwrap();
    for f in &files {
        let f = std::fs::canonicalize(f).unwrap();
        assert_eq!(f.parent(), Some(out.as_path()), "{f:?} escaped --out");
    }
    let p1 = files
        .iter()
        .find(|f| f.ends_with("person-P1-2026H1.html"))
        .unwrap();
    let raw = std::fs::read_to_string(p1).unwrap();
    assert!(
        raw.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    let doc = Html::parse_document(&raw);
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(
        doc.select(&sel("i")).count(),
        0,
        "markup from the data became a tag"
    );
    assert!(texts(&doc, "h1")[0].contains("<script>alert(1)</script>"));
    // The radar legend carries the name too: escaped inside the SVG.
    assert!(texts(&doc, "#radar svg")[0].contains("<script>alert(1)</script>"));

    let team = report(
        dir.path(),
        &[
            "team",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out",
        ],
    );
    let doc = parse(&team[0]);
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert!(texts(&doc, "#people")[0].contains("<script>alert(1)</script>"));
}

#[test]
fn bidi_and_zero_width_controls_are_shown_and_text_from_the_data_isolated() {
    // Fails on the code before: U+202E and U+200B reached titles, tables,
    // the 9-box and the chart labels as they were, so "RM\u{202E}100" read
    // "RM001" turned around and a zero-width space made two names look alike.
    let dir = workdir();
    write(dir.path(), "model.toml", MODEL);
    let evals = "person_id,name,unit,grade,period,rater,rater_id,competency,score,comment
RM\u{202E}100,Ev\u{200B}e \u{2067}x,U\u{202D}1,rm,2026H1,supervisor,S1,a,4,note \u{202E}txet
RM\u{202E}100,Ev\u{200B}e \u{2067}x,U\u{202D}1,rm,2026H1,supervisor,S1,b,3,
RM002,\u{05E9}\u{05DC}\u{05D5}\u{05DD} 12,U\u{202D}1,rm,2026H1,supervisor,S1,a,4,
";
    write(dir.path(), "evals.csv", evals);
    let mut pages = Vec::new();
    for kind in [
        &["individual"][..],
        &["team"][..],
        &["compare", "--grade", "rm"][..],
    ] {
        let mut args = kind.to_vec();
        args.extend([
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out",
        ]);
        pages.extend(report(dir.path(), &args));
    }
    assert_eq!(pages.len(), 5, "{pages:?}");
    for p in &pages {
        let raw = std::fs::read_to_string(p).unwrap();
        for c in ['\u{202E}', '\u{202D}', '\u{2067}', '\u{200B}'] {
            assert!(!raw.contains(c), "{}: raw U+{:04X}", p.display(), c as u32);
        }
    }
    let person = pages
        .iter()
        .find(|p| {
            p.to_string_lossy().contains("person-RM") && !p.ends_with("person-RM002-2026H1.html")
        })
        .expect("the first person's page");
    let doc = parse(person);
    assert_eq!(texts(&doc, "h1 bdi"), ["Ev[U+200B]e [U+2067]x"]);
    assert!(texts(&doc, ".meta")[0].contains("RM[U+202E]100"));
    assert!(texts(&doc, "#comments li bdi")[0].contains("note [U+202E]txet"));
    assert!(texts(&doc, "#radar svg")[0].contains("Ev[U+200B]e [U+2067]x"));
    let team = parse(pages.iter().find(|p| p.ends_with("team.html")).unwrap());
    let nine_box = texts(&team, "#nine-box");
    assert!(
        nine_box[0].contains("Ev[U+200B]e [U+2067]x (RM[U+202E]100)"),
        "{nine_box:?}"
    );
    // The stylesheet isolates inline text and table cells.
    let raw = std::fs::read_to_string(person).unwrap();
    assert!(raw.contains("b, a, span, bdi, .who { unicode-bidi: isolate; }"));
}

#[test]
fn a_peer_group_below_min_count_is_neither_shown_nor_derivable() {
    let dir = fixture_dir();
    let files = report(
        dir.path(),
        &[
            "individual",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out",
            "--person",
            "P1",
        ],
    );
    let doc = parse(&files[0]);
    let groups = texts(&doc, "#competencies th.group");
    assert!(groups.iter().all(|g| !g.contains("Peers")), "{groups:?}");
    assert!(groups.iter().any(|g| g.contains("Boss")) && groups.iter().any(|g| g.contains("Self")));
    let notices = texts(&doc, ".notice.anonymity").join(" ");
    assert!(
        notices.contains("Peers") && notices.contains("fewer than 3"),
        "{notices}"
    );
    // The score (3.00) and the boss's mean (4.50) would give the peers'
    // mean (1.50) by subtraction: the boss's mean must not be on the page.
    let whole = doc.root_element().text().collect::<String>();
    assert!(!whole.contains("1.50"), "the peers' mean is on the page");
    assert!(
        !whole.contains("4.50"),
        "the boss's mean would reveal the peers"
    );
    assert!(whole.contains("3.00"), "the score itself is shown");
    // Nor their count, nor their comment; the boss's comment is shown.
    assert!(!whole.contains("n = 2"));
    assert!(!whole.contains("PEER-SECRET-COMMENT"));
    assert!(whole.contains("boss says fine"));
    // Self never enters the score, so it stays: 5 vs 3 is a blind spot.
    assert!(texts(&doc, "#blind-spots")[0].contains("Alpha"));
    // Against the senior grade P1 falls short, and the shortfall carries
    // the indicator of the required level.
    let files = report(
        dir.path(),
        &[
            "individual",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "senior",
            "--person",
            "P1",
            "--grade",
            "senior",
        ],
    );
    let doc = parse(&files[0]);
    let short = texts(&doc, "#shortfalls")[0].clone();
    assert!(
        short.contains("Leads alpha things") && short.contains("-1.00"),
        "{short}"
    );
    assert!(!doc
        .root_element()
        .text()
        .collect::<String>()
        .contains("4.50"));

    // P2 has three peers: shown, with their mean.
    let files = report(
        dir.path(),
        &[
            "individual",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out2",
            "--person",
            "P2",
        ],
    );
    let doc = parse(&files[0]);
    assert!(texts(&doc, "#competencies th.group")
        .iter()
        .any(|g| g.contains("Peers")));
    assert!(texts(&doc, "#competencies")[0].contains("3.50"));

    // P3 was rated by two peers only: the scores would be their mean, so
    // the report shows no scores at all, and says why.
    let files = report(
        dir.path(),
        &[
            "individual",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out4",
            "--person",
            "P3",
        ],
    );
    let doc = parse(&files[0]);
    assert_eq!(doc.select(&sel("#summary, #competencies, svg")).count(), 0);
    assert!(texts(&doc, ".notice.anonymity")
        .join(" ")
        .contains("shows no scores"));
    assert!(!doc
        .root_element()
        .text()
        .collect::<String>()
        .contains("1.40"));

    // The team report says who lacks peers, and never shows a group mean.
    let team = report(
        dir.path(),
        &[
            "team",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out3",
        ],
    );
    let doc = parse(&team[0]);
    let cov = texts(&doc, "#coverage")[0].clone();
    assert!(cov.contains("Peers: too few"), "{cov}");
    let whole = doc.root_element().text().collect::<String>();
    assert!(!whole.contains("1.50") && !whole.contains("1.40"));
    assert!(texts(&doc, "#summary")[0].contains("Withheld for anonymity"));
}

#[test]
fn same_inputs_and_epoch_give_identical_bytes() {
    let dir = fixture_dir();
    let mut runs: Vec<Vec<(String, Vec<u8>)>> = Vec::new();
    for out in ["a", "b"] {
        let mut files = Vec::new();
        for kind in [
            &["individual"][..],
            &["team"],
            &["compare", "--grade", "senior"],
        ] {
            let mut args: Vec<&str> = kind.to_vec();
            args.extend([
                "--model",
                "model.toml",
                "--evals",
                "evals.csv",
                "--out",
                out,
            ]);
            files.extend(report(dir.path(), &args));
        }
        let mut contents: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| {
                (
                    f.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(f).unwrap(),
                )
            })
            .collect();
        contents.sort();
        runs.push(contents);
    }
    // Four individual reports and their index, the team report, the
    // comparison.
    assert_eq!(runs[0].len(), 7);
    for (x, y) in runs[0].iter().zip(&runs[1]) {
        assert_eq!(x.0, y.0);
        assert!(x.1 == y.1, "{} differs between two runs", x.0);
    }
}

#[test]
fn templates_folder_overrides_built_in_templates_and_labels() {
    let dir = fixture_dir();
    let t = dir.path().join("brand");
    std::fs::create_dir_all(t.join("labels")).unwrap();
    write(
        &t,
        "team.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"brand\">ACME BANK {{ team.scope }}</p>{% endblock content %}",
    );
    write(&t, "labels/en.toml", "footer = \"ACME internal\"\n");
    let files = report(
        dir.path(),
        &[
            "team",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out",
            "--templates",
            "brand",
        ],
    );
    let doc = parse(&files[0]);
    assert_eq!(texts(&doc, "#brand"), vec!["ACME BANK everyone"]);
    assert_eq!(texts(&doc, "footer"), vec!["ACME internal"]);
    // Templates it does not replace are the built-in ones.
    let files = report(
        dir.path(),
        &[
            "individual",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out",
            "--templates",
            "brand",
            "--person",
            "P2",
        ],
    );
    assert_eq!(parse(&files[0]).select(&sel("#competencies")).count(), 1);

    // A broken template is an input error (exit 2) naming the template.
    write(&t, "compare.html", "{% if %}");
    let out = ksa()
        .current_dir(dir.path())
        .args([
            "report",
            "compare",
            "--grade",
            "rm",
            "--model",
            "model.toml",
        ])
        .args([
            "--evals",
            "evals.csv",
            "--out",
            "out",
            "--templates",
            "brand",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: templates"));
}

#[test]
fn lang_chooses_the_labels_and_defaults_to_the_model() {
    let dir = workdir();
    let model = repo("models/bank-rm.toml");
    let evals = repo("data/evaluations.csv");
    let (m, e) = (model.to_str().unwrap(), evals.to_str().unwrap());
    let zh = report(
        dir.path(),
        &[
            "individual",
            "--model",
            m,
            "--evals",
            e,
            "--out",
            "zh",
            "--person",
            "RM001",
            "--period",
            "2026H1",
        ],
    );
    let doc = parse(&zh[0]);
    assert!(texts(&doc, "h1")[0].contains("个人能力差距报告"));
    assert_eq!(doc.root_element().value().attr("lang"), Some("zh-CN"));
    let en = report(
        dir.path(),
        &[
            "individual",
            "--model",
            m,
            "--evals",
            e,
            "--out",
            "en",
            "--person",
            "RM001",
            "--period",
            "2026H1",
            "--lang",
            "en",
        ],
    );
    let doc = parse(&en[0]);
    assert!(texts(&doc, "h1")[0].contains("Individual gap report"));
    assert!(texts(&doc, "#competencies h2")[0].contains("Competencies"));
    assert!(!doc
        .root_element()
        .text()
        .collect::<String>()
        .contains("个人能力差距报告"));
}

#[test]
fn large_teams_get_a_units_heatmap() {
    let dir = workdir();
    sample_into(dir.path(), "data", 70, &["--periods", "1"]);
    let files = report(
        dir.path(),
        &[
            "team",
            "--model",
            repo("models/bank-rm.toml").to_str().unwrap(),
            "--evals",
            "data/evaluations.csv",
            "--out",
            "out",
        ],
    );
    let doc = parse(&files[0]);
    assert_charts(&doc, "team", 4);
    let heat = texts(&doc, "#heatmap svg")[0].clone();
    assert!(heat.contains("n="), "units with their head counts: {heat}");
    assert_eq!(doc.select(&sel("#people tbody tr")).count(), 70);
}

#[test]
fn usage_errors_exit_2() {
    let dir = fixture_dir();
    let base = ["--model", "model.toml", "--evals", "evals.csv"];
    for args in [
        vec!["compare", "--out", "o"],
        vec!["team"],
        vec!["team", "--out", "o", "--period", "1999H1"],
        vec!["individual", "--out", "o", "--lang", "fr"],
        vec!["team", "--out", "o", "--unit", "nowhere"],
        vec!["individual", "--out", "o", "--format", "csv"],
    ] {
        let out = ksa()
            .current_dir(dir.path())
            .arg("report")
            .args(&args)
            .args(base)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("error: "),
            "{args:?}"
        );
    }
}

/// The demo's individual and team reports: the real training plans and the
/// 9-box grid (issue 5).
fn demo_reports(dir: &Path) -> PathBuf {
    let out = ksa()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["demo", "--out", "demo", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("demo/reports")
}

#[test]
fn individual_report_shows_the_training_plan_and_attribute_actions() {
    let dir = workdir();
    let reports = demo_reports(dir.path());
    // RM030 in 2026H1 (RM018 before the data were regenerated, issue 16)
    // is short of trainable knowledge and skills and of attributes against
    // their own grade.
    let doc = parse(&reports.join("people/person-RM030-2026H1.html"));
    assert_eq!(doc.select(&sel("#training-plan.placeholder")).count(), 0);
    let courses = texts(&doc, "#training-plan table.plan-courses tr.course");
    assert!(
        courses.iter().any(|c| c.contains("T.credit")),
        "a course for the trainable shortfall: {courses:?}"
    );
    // Each course says what it raises and by how much.
    assert!(courses.iter().all(|c| c.contains('+')), "{courses:?}");
    let total = texts(&doc, "#training-plan table.plan-courses tr.total");
    assert!(total[0].contains("124.00"), "{total:?}");
    let closed = texts(&doc, "#training-plan tr.need.closed");
    assert!(!closed.is_empty());
    let attrs = texts(&doc, "#training-plan tr.need.not_trainable td.action");
    assert!(!attrs.is_empty(), "attribute shortfalls are listed");
    for a in &attrs {
        assert!(a.contains("辅导、岗位轮换或在选拔时考虑"), "{a}");
    }
    // Someone with no shortfall gets no courses and says so (RM002; RM003
    // before the data were regenerated).
    let none = parse(&reports.join("people/person-RM002-2026H1.html"));
    assert_eq!(none.select(&sel("#training-plan tr.course")).count(), 0);
}

#[test]
fn report_budget_flags_limit_the_plan() {
    let dir = workdir();
    let model = repo("models/bank-rm.toml");
    let evals = repo("data/evaluations.csv");
    let common = [
        "--model",
        model.to_str().unwrap(),
        "--evals",
        evals.to_str().unwrap(),
        "--period",
        "2026H1",
        "--lang",
        "en",
    ];
    let mut args = vec!["individual", "--person", "RM030", "--out", "a"];
    args.extend(common);
    args.extend(["--budget-hours", "20"]);
    let doc = parse(&report(dir.path(), &args)[0]);
    let hours: f64 = texts(&doc, "#training-plan table.plan-courses tr.total td")[1]
        .parse()
        .unwrap();
    assert!(hours <= 20.0 && hours > 0.0, "{hours}");
    assert!(texts(&doc, "#training-plan")[0].contains("20.00 hours"));
    let over = texts(&doc, "#training-plan tr.need.over_budget");
    assert!(!over.is_empty(), "some trainable shortfall is over budget");

    let mut args = vec!["team", "--out", "t"];
    args.extend(common);
    args.extend(["--budget-cost", "10000"]);
    let doc = parse(&report(dir.path(), &args)[0]);
    let runs = texts(&doc, "#training-plan table.team-plan tr.course td.runs");
    assert!(runs.iter().any(|r| r == "no"), "{runs:?}");
    assert!(runs.iter().any(|r| r == "yes"), "{runs:?}");

    // Person-hours and cost per course are those `ksa plan --team` spends:
    // attendees × the per-attendee figures, 0 for a course that does not
    // run. (Before, the report multiplied by everyone who needed it.)
    let cells = |css: &str| texts(&doc, css);
    let report_rows: Vec<(String, String, String)> = doc
        .select(&sel("#training-plan table.team-plan tr.course"))
        .map(|tr| {
            let td: Vec<String> = tr
                .select(&sel("td"))
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect();
            let id = tr
                .select(&sel("td .note"))
                .next()
                .map(|n| n.text().collect::<String>())
                .unwrap();
            (id, td[6].clone(), td[7].clone())
        })
        .collect();
    assert!(!cells("#training-plan table.team-plan tr.course").is_empty());
    let mut plan_args = vec![
        "plan",
        "--team",
        "--format",
        "csv",
        "--budget-cost",
        "10000",
    ];
    plan_args.extend(common);
    let csv = csv_records(&run_ok(dir.path(), &plan_args));
    let col = |n: &str| csv[0].iter().position(|h| h == n).unwrap();
    let (id, hours, cost, kind) = (col("course_id"), col("hours"), col("cost"), col("kind"));
    let from_csv: Vec<(String, String, String)> = csv[1..]
        .iter()
        .filter(|r| r[kind] == "course" && r[col("needed_by")] != "0")
        .map(|r| (r[id].clone(), r[hours].clone(), r[cost].clone()))
        .collect();
    let mut a = report_rows.clone();
    let mut b = from_csv;
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(
        a.iter().any(|r| r.1 == "0.00"),
        "an unselected course: {a:?}"
    );

    // A comparison has no plan, so a budget there is a usage error.
    let mut args = vec!["report", "compare", "--grade", "rm", "--out", "c"];
    args.extend(common);
    args.extend(["--budget-hours", "5"]);
    let out = ksa().current_dir(dir.path()).args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Counts in the 9-box cells, row by row (potential high to low).
fn nine_box_counts(doc: &Html) -> Vec<usize> {
    doc.select(&sel("#nine-box td.box"))
        .map(|e| e.value().attr("data-count").unwrap().parse().unwrap())
        .collect()
}

#[test]
fn team_report_has_the_team_plan_and_a_nine_box() {
    let dir = workdir();
    let reports = demo_reports(dir.path());
    let team = parse(&reports.join("team.html"));
    assert_eq!(team.select(&sel("#training-plan.placeholder")).count(), 0);
    let rows = texts(&team, "#training-plan table.team-plan tr.course");
    assert!(!rows.is_empty());
    let dev = rows
        .iter()
        .find(|r| r.contains("T.sales"))
        .expect("the sales course is needed");
    assert!(dev.contains("RM030"), "attendee list: {dev}");
    // Still four charts: the 9-box is an HTML table.
    assert_charts(&team, "team", 4);

    let counts = nine_box_counts(&team);
    assert_eq!(counts.len(), 9);
    let shown: usize = texts(&team, "#nine-box b.shown")[0].parse().unwrap();
    assert_eq!(counts.iter().sum::<usize>(), shown);
    // 40 people: names are listed, one per person in the grid.
    assert_eq!(team.select(&sel("#nine-box td.box li")).count(), shown);
    // The rest are at the most senior grade and said to be left out.
    let left = texts(&team, "#nine-box .left-out");
    let top: usize = left[0].split_whitespace().next().unwrap().parse().unwrap();
    let people = team.select(&sel("#people tbody tr")).count();
    assert_eq!(shown + top, people, "{left:?}");
    let legend = texts(&team, "#nine-box .nine-box-legend")[0].clone();
    for cut in ["能力达成:对照本人现职级", "80.0%", "95.0%"] {
        assert!(legend.contains(cut), "{legend}");
    }
}

/// The `ksa explain` verdicts of the demo's latest period, against each
/// person's own grade: person_id → (grade, verdict, blocking competencies).
fn own_grade_verdicts(
    dir: &Path,
    model: &Path,
) -> std::collections::BTreeMap<String, (String, String, Vec<String>)> {
    let evals = repo("data/evaluations.csv");
    // The own grade of each person: the `grade` column of the data.
    let data = std::fs::read_to_string(&evals).unwrap();
    let mut rdr = csv::Reader::from_reader(data.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (pi, gi, pe) = (col("person_id"), col("grade"), col("period"));
    let mut own = std::collections::BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[pe] == "2026H1" {
            own.insert(r[pi].to_string(), r[gi].to_string());
        }
    }
    let out = ksa()
        .current_dir(dir)
        .args(["explain", "--model"])
        .arg(model)
        .arg("--evals")
        .arg(&evals)
        .args(["--period", "2026H1", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut rdr = csv::Reader::from_reader(&out.stdout[..]);
    let mut v = std::collections::BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if own.get(&r[0]).map(String::as_str) != Some(&r[2]) {
            continue;
        }
        let e = v
            .entry(r[0].to_string())
            .or_insert_with(|| (r[2].to_string(), r[3].to_string(), Vec::new()));
        if !r[3].starts_with("meets") && !r[4].is_empty() {
            e.2.push(r[4].to_string());
        }
    }
    v
}

/// Issue 15: the team summary leads with met / borderline / short per grade
/// and the most frequent blockers, the same as `ksa explain` says person by
/// person; the people table says what blocks; the 9-box's columns are
/// competency attainment. Fails before: the summary led with mean fit.
#[test]
fn team_headline_agrees_with_explain() {
    // With every min_count 1 nothing is hidden, so the page may show every
    // interval and its verdicts are exactly `ksa explain`'s. (Where hidden
    // ratings blend into a score, the page shows no interval for it, so
    // that row never makes a verdict borderline: `View::explain`.)
    let dir = workdir();
    let model = std::fs::read_to_string(repo("models/bank-rm.toml"))
        .unwrap()
        .replace("min_count = 3", "min_count = 1");
    write(dir.path(), "model.toml", &model);
    let model = dir.path().join("model.toml");
    let out = ksa()
        .current_dir(dir.path())
        .args(["report", "team", "--model", "model.toml", "--evals"])
        .arg(repo("data/evaluations.csv"))
        .args(["--out", "t", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let team = parse(&dir.path().join("t/team.html"));
    let verdicts = own_grade_verdicts(dir.path(), &model);
    let rows = |css: &str| -> Vec<String> {
        team.select(&sel(css))
            .map(|tr| {
                tr.select(&sel("td"))
                    .map(|td| td.text().collect::<String>().trim().to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    assert_eq!(verdicts.len(), 40);
    // Per grade (the model's grade names, in order): meets, meets
    // (borderline), short (borderline), short.
    let codes = ["meets", "meets_borderline", "short_borderline", "short"];
    let mut expected = Vec::new();
    for (id, name) in [
        ("assistant", "客户经理助理"),
        ("rm", "客户经理"),
        ("senior", "高级客户经理"),
    ] {
        let n: Vec<usize> = codes
            .iter()
            .map(|c| verdicts.values().filter(|v| v.0 == id && v.1 == *c).count())
            .collect();
        expected.push(format!(
            "{name} {} {} {} {} {}",
            n[0],
            n[1],
            n[2],
            n[3],
            n.iter().sum::<usize>()
        ));
    }
    assert_eq!(rows("#verdicts tbody tr"), expected);
    // Most frequent blockers, counted over the people short of their grade.
    let short = verdicts
        .values()
        .filter(|v| v.1.starts_with("short"))
        .count();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for v in verdicts.values() {
        for c in &v.2 {
            *counts.entry(c.clone()).or_default() += 1;
        }
    }
    let top = texts(&team, "#blockers li");
    assert_eq!(top.len(), 5, "{top:?}");
    let max = counts.values().max().copied().unwrap();
    assert!(top[0].ends_with(&format!(": {max} / {short}")), "{top:?}");
    // Mean fit is not a card: it stands beside its histogram.
    let cards = texts(&team, "#summary .card .label");
    assert!(!cards.iter().any(|c| c.contains("匹配度")), "{cards:?}");
    assert!(texts(&team, "#hist-fit figcaption")[0].starts_with("平均匹配度 "));
    // Each row of the people table says what blocks, as `ksa explain`.
    let rm030 = texts(&team, "#people tbody tr")
        .into_iter()
        .find(|r| r.contains("RM030"))
        .unwrap();
    assert!(
        rm030.ends_with("未达 高级客户经理:爱岗敬业(关键) 3.10 < 4.00;企业制度(关键) 3.42 < 4.00(临界,95% 2.54–4.29);抗压能力 2.58 < 3.75;客户开发技巧 2.79 < 3.75;银行内部业务流程 2.83 < 3.75;另有 4 项"),
        "{rm030}"
    );
    // 9-box: the columns are attainment of the own grade, the rows fit to the next.
    let heads = texts(&team, "#nine-box thead th");
    assert_eq!(
        heads[1..],
        [
            "能力达成: 未达本职级",
            "能力达成: 达到",
            "能力达成: 达到且有余量"
        ]
    );
    let id_of = |label: &str| {
        label
            .rsplit('(')
            .next()
            .unwrap()
            .trim_end_matches(')')
            .to_string()
    };
    // The whole grid, person by person, from `ksa explain` (columns: short,
    // met, met with margin: a "meets" verdict with no competency met only
    // within tolerance) and `ksa compare --grade NEXT` (rows: fit to the
    // next grade, low below 80%, high from 95%). The most senior grade has
    // no next grade and stays out.
    let margin_spoiled = explain_statuses(dir.path(), &model, "met_within_tolerance");
    let next = |g: &str| match g {
        "assistant" => Some("rm"),
        "rm" => Some("senior"),
        _ => None,
    };
    let fits: std::collections::BTreeMap<&str, _> = ["rm", "senior"]
        .into_iter()
        .map(|g| (g, compare_fits(dir.path(), &model, g)))
        .collect();
    let mut expected = vec![vec![std::collections::BTreeSet::new(); 3]; 3];
    for (id, (grade, verdict, _)) in &verdicts {
        let Some(up) = next(grade) else { continue };
        let col = match verdict.as_str() {
            v if v.starts_with("short") => 0,
            "meets" if !margin_spoiled.contains(id) => 2,
            _ => 1,
        };
        let fit = fits[up][id];
        let row = if fit >= 0.95 {
            0
        } else if fit >= 0.8 {
            1
        } else {
            2
        };
        expected[row][col].insert(id.clone());
    }
    let grid: Vec<Vec<std::collections::BTreeSet<String>>> = team
        .select(&sel("#nine-box tbody tr"))
        .map(|tr| {
            tr.select(&sel("td.box"))
                .map(|td| {
                    td.select(&sel("li"))
                        .map(|li| id_of(&li.text().collect::<String>()))
                        .collect()
                })
                .collect()
        })
        .collect();
    assert_eq!(grid, expected);
    let in_grid: usize = expected.iter().flatten().map(|c| c.len()).sum();
    let seniors = verdicts.values().filter(|v| v.0 == "senior").count();
    assert_eq!(in_grid + seniors, 40);
    assert!(in_grid > 20 && expected.iter().flatten().filter(|c| !c.is_empty()).count() >= 4);
}

/// The people of the demo's latest period with some competency of the
/// given `ksa explain` status against their own grade.
fn explain_statuses(dir: &Path, model: &Path, status: &str) -> std::collections::BTreeSet<String> {
    let out = ksa()
        .current_dir(dir)
        .args(["explain", "--model"])
        .arg(model)
        .arg("--evals")
        .arg(repo("data/evaluations.csv"))
        .args(["--period", "2026H1", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let own = own_grade_verdicts(dir, model);
    let mut rdr = csv::Reader::from_reader(&out.stdout[..]);
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| &r[5] == status && own.get(&r[0]).map(|v| v.0.as_str()) == Some(&r[2]))
        .map(|r| r[0].to_string())
        .collect()
}

/// Each person's fit to `grade` in the demo's latest period, from
/// `ksa compare`.
fn compare_fits(dir: &Path, model: &Path, grade: &str) -> std::collections::BTreeMap<String, f64> {
    let out = ksa()
        .current_dir(dir)
        .args(["compare", "--model"])
        .arg(model)
        .arg("--evals")
        .arg(repo("data/evaluations.csv"))
        .args(["--grade", grade, "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut rdr = csv::Reader::from_reader(&out.stdout[..]);
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| &r[2] == "2026H1")
        .map(|r| (r[1].to_string(), r[3].parse().unwrap()))
        .collect()
}

/// With `--results`, the 9-box's columns are job performance: the weighted
/// mean of task and objective scores, cut at 60 and 80.
#[test]
fn nine_box_uses_results_for_performance() {
    let dir = workdir();
    // RM001 (客户经理助理) 90/70 → 80, high; RM005 59/60 → 59.5, low; RM009
    // 70 and no objective → undefined, left out.
    write(
        dir.path(),
        "results.csv",
        "person_id,period,task_score,objective_score\nRM001,2026H1,90,70\nRM005,2026H1,59,60\nRM009,2026H1,70,\nRM001,2025H2,10,10\n",
    );
    let out = ksa()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["report", "team", "--model"])
        .arg(repo("models/bank-rm.toml"))
        .arg("--evals")
        .arg(repo("data/evaluations.csv"))
        .args(["--results", "results.csv", "--out", "t", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let team = parse(&dir.path().join("t/team.html"));
    let heads = texts(&team, "#nine-box thead th");
    assert_eq!(heads[1..], ["绩效: 低", "绩效: 中", "绩效: 高"]);
    let boxes: Vec<String> = texts(&team, "#nine-box td.box");
    let in_col = |i: usize, id: &str| (0..3).any(|r| boxes[r * 3 + i].contains(id));
    assert!(in_col(2, "RM001") && !in_col(0, "RM001") && !in_col(1, "RM001"));
    assert!(in_col(0, "RM005") && !in_col(1, "RM005") && !in_col(2, "RM005"));
    assert!(!boxes.iter().any(|b| b.contains("RM009")));
    let shown: usize = texts(&team, "#nine-box b.shown")[0].parse().unwrap();
    assert_eq!(shown, 2);
    let left = texts(&team, "#nine-box .left-out").join(" ");
    assert!(
        left.contains("人在考核结果中没有本期的任务绩效或目标完成得分"),
        "{left}"
    );
    // --results is for the team report only.
    let out = ksa()
        .current_dir(dir.path())
        .args(["report", "individual", "--model"])
        .arg(repo("models/bank-rm.toml"))
        .arg("--evals")
        .arg(repo("data/evaluations.csv"))
        .args(["--results", "results.csv", "--out", "i"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--results applies to the team report"));
}

#[test]
fn withheld_people_have_no_plan_and_stay_out_of_team_plan_and_nine_box() {
    let dir = workdir();
    let model = MODEL.replace(
        "[[grades]]\nid = \"senior\"",
        "[[training]]\nid = \"T.alpha\"\nname = \"Alpha course\"\ncompetencies = [\"a\"]\ngain = 3\nup_to = 5\nhours = 8\ncost = 100\n\n[[grades]]\nid = \"senior\"",
    );
    assert!(model.contains("T.alpha"));
    write(dir.path(), "model.toml", &model);
    let evals = format!("{EVALS}P4,Four,V,rm,2026H1,supervisor,S1,a,2,\n");
    write(dir.path(), "evals.csv", &evals);
    let base = [
        "--model",
        "model.toml",
        "--evals",
        "evals.csv",
        "--lang",
        "en",
    ];

    let mut args = vec!["individual", "--person", "P3", "--out", "i"];
    args.extend(base);
    let doc = parse(&report(dir.path(), &args)[0]);
    let plan = texts(&doc, "#training-plan")[0].clone();
    assert!(plan.contains("withheld"), "{plan}");
    assert_eq!(doc.select(&sel("#training-plan table")).count(), 0);
    assert!(!plan.contains("Alpha course"), "{plan}");

    let mut args = vec!["individual", "--person", "P4", "--out", "i4"];
    args.extend(base);
    let doc = parse(&report(dir.path(), &args)[0]);
    let courses = texts(&doc, "#training-plan tr.course");
    assert!(courses[0].contains("Alpha course"), "{courses:?}");

    let mut args = vec!["team", "--out", "t"];
    args.extend(base);
    let team = parse(&report(dir.path(), &args)[0]);
    let plan = texts(&team, "#training-plan")[0].clone();
    assert!(plan.contains("P4") && !plan.contains("P3"), "{plan}");
    assert!(plan.contains("left out of the training-needs analysis"));
    let grid = texts(&team, "#nine-box")[0].clone();
    assert!(!grid.contains("P3") && !grid.contains("Solo"), "{grid}");
    assert!(grid.contains("with scores withheld"), "{grid}");
}

#[test]
fn low_precision_scores_are_marked_next_to_the_score() {
    let dir = workdir();
    let reports = demo_reports(dir.path());
    let marked = |doc: &Html| -> std::collections::BTreeSet<String> {
        doc.select(&sel("#competencies tr.competency"))
            .filter(|tr| tr.select(&sel("td .low-precision")).next().is_some())
            .map(|tr| {
                tr.select(&sel("td"))
                    .next()
                    .unwrap()
                    .text()
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    // With every min_count 1 nothing blends hidden ratings in, so the page
    // marks exactly the competencies `ksa stats precision` calls low
    // precision, beside the score, in the score cell.
    let text = std::fs::read_to_string(repo("models/bank-rm.toml"))
        .unwrap()
        .replace("min_count = 3", "min_count = 1");
    write(dir.path(), "open.toml", &text);
    let model = ksa::model::load_model(&dir.path().join("open.toml"))
        .unwrap()
        .model;
    let mut args = vec!["individual", "--model", "open.toml", "--evals"];
    let evals = repo("data/evaluations.csv");
    args.push(evals.to_str().unwrap());
    args.extend(["--person", "RM003", "--period", "2026H1", "--out", "open"]);
    let files = report(dir.path(), &args);
    let open = parse(&files[0]);
    let expected: std::collections::BTreeSet<String> = stats_rows(dir.path(), "precision", None)
        .into_iter()
        .filter(|r| r[0] == "RM003" && r[1] == "2026H1" && r[9] == "true")
        .map(|r| {
            model.competencies[model.find_competency(&r[2]).unwrap()]
                .name
                .clone()
        })
        .collect();
    assert_eq!(marked(&open), expected);
    assert_eq!(expected.len(), 14, "{expected:?}");
    for m in open.select(&sel("#competencies tr.competency td .low-precision")) {
        assert_eq!(m.text().collect::<String>(), "◇ 精度低");
    }
    // The demo hides groups of fewer than 3 raters; where their ratings
    // blend into a score, no marker is shown for it (rule 4 of
    // `anonymity`), so the demo marks a strict subset.
    let doc = parse(&reports.join("people/person-RM003-2026H1.html"));
    let demo = marked(&doc);
    assert!(
        demo.is_subset(&expected) && demo.len() < expected.len(),
        "{demo:?}"
    );
    assert!(texts(&doc, "#competencies .legend")[0].contains("ksa stats precision"));
}

#[test]
fn team_report_has_a_data_quality_section_without_rater_ids() {
    let dir = workdir();
    let reports = demo_reports(dir.path());
    let doc = parse(&reports.join("team.html"));
    assert_sections(&doc, "team", &["data-quality"]);
    // Issue 6: an ICC row per competency, an alpha per category.
    let model = include_str!("../../models/bank-rm.toml");
    let count = |h: &str| model.lines().filter(|l| l.trim() == h).count();
    let icc = texts(&doc, "#data-quality table.dq-icc tr.icc");
    assert_eq!(icc.len(), count("[[competencies]]"), "{icc:?}");
    let alpha = texts(&doc, "#data-quality table.dq-alpha tr.alpha");
    assert_eq!(alpha.len(), count("[[categories]]"), "{alpha:?}");
    // The ICCs are `ksa stats icc`'s on the period shown, to 3 decimals.
    let csv = std::fs::read_to_string(repo("data/evaluations.csv")).unwrap();
    let mut lines = csv.lines();
    let mut latest = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| l.contains(",2026H1,")) {
        latest.push_str(l);
        latest.push('\n');
    }
    write(dir.path(), "latest.csv", &latest);
    let stats = stats_rows(dir.path(), "icc", Some("latest.csv"));
    let value = |c: &str, k: &str| -> f64 {
        let r = stats.iter().find(|r| r[0] == c && r[1] == k).unwrap();
        r[2].parse().unwrap()
    };
    let parsed = ksa::model::load_model(&repo("models/bank-rm.toml"))
        .unwrap()
        .model;
    let cells: Vec<Vec<String>> = doc
        .select(&sel("#data-quality table.dq-icc tr.icc"))
        .map(|tr| {
            tr.select(&sel("td"))
                .map(|td| td.text().collect::<String>())
                .collect()
        })
        .collect();
    let mut cells_in_order = cells.clone();
    cells_in_order.sort_by_key(|r| parsed.competencies.iter().position(|c| c.name == r[0]));
    assert_eq!(cells_in_order.len(), parsed.competencies.len());
    for (row, c) in cells_in_order.iter().zip(&parsed.competencies) {
        assert_eq!((row[0].as_str(), row[3].as_str()), (c.name.as_str(), ""));
        // The page rounds the coefficient to 3 decimals, the CSV to 4.
        for (cell, k) in [(&row[1], "ICC1"), (&row[2], "ICC1k")] {
            let shown: f64 = cell.parse().unwrap();
            assert!(
                (shown - value(&c.id, k)).abs() <= 0.00055,
                "{}: {cell} vs {}",
                c.id,
                value(&c.id, k)
            );
        }
    }
    for row in icc.iter().chain(&alpha) {
        assert!(!row.contains("NaN") && !row.contains("inf"), "{row}");
    }
    // Rater leniency is shown as counts per group only: no rater id.
    let section = doc
        .select(&sel("#data-quality"))
        .next()
        .expect("section")
        .html();
    assert!(!section.contains("MGR0"), "a rater id in the section");
}

#[test]
fn a_long_comment_is_cut_with_a_note() {
    // Fails on the code before: a comment of any length was printed whole
    // (a 1 GiB cell made a 1 GiB page).
    let dir = workdir();
    write(dir.path(), "model.toml", MODEL);
    let long: String = "长".repeat(1999) + "尾" + &"x".repeat(3000);
    write(
        dir.path(),
        "evals.csv",
        &format!(
            "person_id,grade,rater,rater_id,competency,score,comment\n\
             P1,rm,supervisor,S1,a,4,{long}\nP1,rm,supervisor,S1,b,4,short\n"
        ),
    );
    let files = report(
        dir.path(),
        &[
            "individual",
            "--model",
            "model.toml",
            "--evals",
            "evals.csv",
            "--out",
            "out",
        ],
    );
    let doc = parse(&files[0]);
    let comments = texts(&doc, "#comments li bdi");
    assert_eq!(comments.len(), 2);
    let expected = format!(
        "{}尾… (cut: 3000 more characters; a report shows at most 2000 characters of a comment)",
        "长".repeat(1999)
    );
    assert_eq!(comments[0], expected);
    assert_eq!(comments[1], "short");
}

/// Issue 15: the summary says in words why the placement is what it is,
/// what the own and the next grade need, and what the plan costs; plan
/// lines inside the measurement error say so; gap bars carry intervals.
/// Fails before: the summary was cards only.
#[test]
fn individual_summary_explains_the_placement_in_words() {
    let dir = workdir();
    let reports = demo_reports(dir.path());
    // RM030 (RM018 before the data were regenerated, issue 16).
    let doc = parse(&reports.join("people/person-RM030-2026H1.html"));
    assert_eq!(
        texts(&doc, "#summary ul.why li"),
        [
            "能力定级 定级为 客户经理助理(达到的最高职级);未达(临界) 客户经理:企业制度(关键) 3.42 < 3.50(临界,95% 2.54–4.29);抗压能力 2.58 < 2.75(临界,95% 2.14–3.03);团队协作 2.65 < 2.75(临界,95% 1.95–3.34)",
            "对照职级 高级客户经理 未达 高级客户经理:爱岗敬业(关键) 3.10 < 4.00;企业制度(关键) 3.42 < 4.00(临界,95% 2.54–4.29);抗压能力 2.58 < 3.75;客户开发技巧 2.79 < 3.75;银行内部业务流程 2.83 < 3.75;另有 4 项",
            "培训 对照 高级客户经理:5 门课程,共 124 学时、费用 26500。计划实施后仍有差距(见下表)。",
        ]
    );
    // The plan line of a borderline gap is tagged; a clear one is not.
    let needs = texts(&doc, "#training-plan tr.need");
    let line = |name: &str| needs.iter().find(|n| n.starts_with(name)).unwrap().clone();
    assert!(
        line("企业制度").contains("临界:差距在测量误差之内"),
        "{needs:?}"
    );
    assert!(!line("客户开发技巧").contains("临界"), "{needs:?}");
    // A whisker is three ink lines (the interval and two end caps); the
    // zero line is one more. Of RM023's 19 bars (RM018's before the data
    // were regenerated, issue 16), 团队协作 has none on the page: its score
    // blends a thin cell (anonymity rule 4), so its spread is not shown.
    let doc = parse(&reports.join("people/person-RM023-2026H1.html"));
    let svg = doc
        .select(&sel("#gaps svg"))
        .next()
        .expect("gap chart")
        .html();
    let ink = svg.matches(r##"stroke="#212529""##).count();
    assert_eq!(ink, 1 + 3 * 18, "{svg}");
    let teamwork = texts(&doc, "#competencies tr.competency")
        .into_iter()
        .find(|r| r.starts_with("团队协作"))
        .unwrap();
    assert!(teamwork.contains('‡'), "{teamwork}");
    // Someone who meets the own grade and not the next one (RM002; RM003
    // before the data were regenerated).
    let doc = parse(&reports.join("people/person-RM002-2026H1.html"));
    let why = texts(&doc, "#summary ul.why li");
    assert_eq!(why.len(), 4, "{why:?}");
    assert!(why[0].starts_with("能力定级 定级为 "), "{why:?}");
    assert!(why[3].starts_with("培训 "), "{why:?}");
}

#[test]
fn individual_summary_sentences_follow_lang() {
    let dir = workdir();
    let out = ksa()
        .current_dir(repo(""))
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args([
            "report",
            "individual",
            "--model",
            "models/bank-rm.en.toml",
            "--evals",
            "data/evaluations.csv",
            "--person",
            "RM030",
            "--period",
            "2026H1",
            "--lang",
            "en",
            "--quiet",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = parse(&dir.path().join("person-RM030-2026H1.html"));
    let why = texts(&doc, "#summary ul.why li");
    assert_eq!(
        why[0],
        "Placement Placed at Assistant Relationship Manager (the most senior grade met); short of Relationship Manager (borderline): Bank policies and rules (critical) 3.42 < 3.50 (borderline, 95% 2.54–4.29); Resilience 2.58 < 2.75 (borderline, 95% 2.14–3.03); Teamwork 2.65 < 2.75 (borderline, 95% 1.95–3.34)"
    );
    assert_eq!(
        why[2],
        "Training Against Senior Relationship Manager: 5 course(s), 124 hours, cost 26500. Some shortfalls remain after the plan (see below)."
    );
}

/// The rows of `ksa stats KIND` on the demo data (or `evals` in `dir`).
fn stats_rows(dir: &Path, kind: &str, evals: Option<&str>) -> Vec<Vec<String>> {
    let evals = evals
        .map(|e| dir.join(e))
        .unwrap_or_else(|| repo("data/evaluations.csv"));
    let out = ksa()
        .current_dir(dir)
        .args(["stats", kind, "--model"])
        .arg(repo("models/bank-rm.toml"))
        .arg("--evals")
        .arg(evals)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    csv::Reader::from_reader(&out.stdout[..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}
