//! Anonymity in reports (README, "Anonymity"): what a rater group under its
//! `min_count`, or a competency fewer than `min_count` of a group rated,
//! said is never shown, directly or by subtraction; `--strict-anonymity`
//! computes every output from the shown ratings only.
//!
//! The differential tests decide which ratings are hidden by their own
//! reading of the rule (not ksa's code), change those ratings at random,
//! and check that no page changes.

use crate::common::*;
use proptest::prelude::*;
use scraper::{Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const EPOCH: &str = "1780000000";

/// The issue's model: supervisor (weight 0.5, min_count 1) and peer (0.5,
/// min_count 3), self (0); one category with a, b, c, each required at 3.
const MODEL: &str = r#"schema = 1
id = "anon"
name = "Anon"
version = "1"
language = "en"
[scale]
min = 1
max = 5
[[grades]]
id = "g"
name = "G"
[[raters]]
id = "supervisor"
name = "Supervisor"
weight = 0.5
[[raters]]
id = "peer"
name = "Peer"
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
required = { g = 3 }
[[competencies]]
id = "b"
name = "Beta"
category = "K"
required = { g = 3 }
[[competencies]]
id = "c"
name = "Gamma"
category = "K"
required = { g = 3 }
[[training]]
id = "t1"
name = "Course"
competencies = ["a", "b", "c"]
gain = 1
hours = 8
cost = 100
"#;

/// The supervisor rates a only; two peers rate a, b (1 and 2) and c (5, 5).
const ISSUE_EVALS: &str = "person_id,name,grade,rater,rater_id,competency,score,comment
P1,Pat,g,supervisor,S1,a,4,
P1,Pat,g,peer,X1,a,3,
P1,Pat,g,peer,X2,a,4,
P1,Pat,g,peer,X1,b,1,b needs work
P1,Pat,g,peer,X2,b,2,
P1,Pat,g,peer,X1,c,5,
P1,Pat,g,peer,X2,c,5,
P2,Quinn,g,supervisor,S1,a,4,
P2,Quinn,g,supervisor,S1,b,4,
P2,Quinn,g,supervisor,S1,c,4,
";

fn report(dir: &Path, kind: &str, evals: &str, out: &str, extra: &[&str]) {
    let mut args = vec![
        "report",
        kind,
        "--model",
        "model.toml",
        "--evals",
        evals,
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    let o = ksa()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(&args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ksa {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The competency table: one line per row, its cells joined by " | ".
fn competency_table(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let row = Selector::parse("#competencies tbody tr").unwrap();
    let cell = Selector::parse("td").unwrap();
    doc.select(&row)
        .map(|r| {
            r.select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[test]
fn a_competency_only_a_suppressed_group_rated_is_withheld_everywhere() {
    // Fails on the code before this rule: b showed 1.50 (the two peers'
    // mean) with its gap, chart point and plan line, c 5.00 with no ◇.
    let dir = workdir();
    write(dir.path(), "model.toml", MODEL);
    write(dir.path(), "e.csv", ISSUE_EVALS);
    report(dir.path(), "individual", "e.csv", "out", &[]);
    let page = read(&dir.path().join("out/person-P1.html"));
    assert_eq!(
        competency_table(&page),
        [
            "Knowledge | 3.00 | ‡ | ‡ | ",
            // a blends the supervisor and the suppressed peers: shown, but
            // the supervisor's own mean is withheld (it would give the
            // peers back), and no ◇ (its absence would tell their spread).
            "Alpha | 3.00 | 3.75 | +0.75 | ‡",
            "Beta | 3.00 | ‡ | ‡ | ‡",
            "Gamma | 3.00 | ‡ | ‡ | ‡",
        ]
    );
    for leak in ["1.50", "5.00", "-1.50", "+2.00", "b needs work"] {
        assert!(!page.contains(leak), "the page shows {leak}");
    }
    // The summary: overall, category and fit rest on b and c; a meets, so
    // the verdict rests on them too.
    assert_eq!(
        texts(&page, "#summary .card .value"),
        ["‡", "‡", "‡", "—", "‡", "—"]
    );
    // Shortfalls and plan: b and c are not listed as short, nor planned.
    assert_eq!(
        texts(&page, "#shortfalls .withheld-required"),
        ["Required competencies withheld for anonymity: Beta, Gamma"]
    );
    assert!(texts(&page, "#shortfalls tbody tr").is_empty());
    assert_eq!(
        texts(&page, "#training-plan .plan-needs tbody tr .status"),
        ["‡ withheld for anonymity", "‡ withheld for anonymity"]
    );
    assert!(texts(&page, "#training-plan .plan-courses").is_empty());
    // Gap bars: a's bar and ‡ for b and c, no value for them.
    let bars = texts(&page, "#gaps svg text");
    assert!(bars.contains(&"+0.75".to_string()), "{bars:?}");
    assert_eq!(bars.iter().filter(|t| *t == "‡").count(), 2, "{bars:?}");

    // The team heatmap shows the same cells as ‡, and leaves them out of
    // the means and counts.
    report(dir.path(), "team", "e.csv", "out", &[]);
    let team = read(&dir.path().join("out/team.html"));
    let heat = texts(&team, "#heatmap svg text");
    assert_eq!(heat.iter().filter(|t| *t == "‡").count(), 2, "{heat:?}");
    // -1.5 (b) appears in the legend only; +2.0 (c) nowhere.
    assert_eq!(heat.iter().filter(|t| *t == "-1.5").count(), 1, "{heat:?}");
    assert!(!heat.contains(&"+2.0".to_string()), "{heat:?}");
    assert_eq!(
        texts(&team, "#people tbody tr"),
        [
            // The verdict rests on withheld b and c: its reasons are too.
            "Pat P1 G ‡ ‡ ‡ — ‡",
            "Quinn P2 G 4.00 100.0% G — meets G (borderline): Alpha 4.00 ≥ 3.00 (insufficient ratings); Beta 4.00 ≥ 3.00 (insufficient ratings); Gamma 4.00 ≥ 3.00 (insufficient ratings)"
        ]
    );
}

#[test]
fn a_thin_cell_in_a_shown_group_is_withheld_with_its_comment() {
    // Fails on the earlier code: X1's comment was shown as "Peer · Beta".
    let dir = workdir();
    write(dir.path(), "model.toml", MODEL);
    write(
        dir.path(),
        "e.csv",
        "person_id,grade,rater,rater_id,competency,score,comment
P1,g,supervisor,S1,a,4,
P1,g,supervisor,S1,b,4,
P1,g,supervisor,S1,c,4,
P1,g,peer,X1,a,3,all good
P1,g,peer,X2,a,4,
P1,g,peer,X3,a,4,
P1,g,peer,X1,b,1,only X1 rated b
P1,g,peer,X1,c,2,
P1,g,peer,X2,c,3,
P1,g,peer,X3,c,4,
",
    );
    report(dir.path(), "individual", "e.csv", "out", &[]);
    let page = read(&dir.path().join("out/person-P1.html"));
    assert_eq!(
        competency_table(&page),
        [
            "Knowledge | 3.00 | 3.28 | +0.28 |  | ",
            "Alpha | 3.00 | 3.83◇ low precision | +0.83 | 4.00 | 3.67",
            // b blends the supervisor and X1 alone: both means withheld.
            "Beta | 3.00 | 2.50 | -0.50 | ‡ | ‡",
            "Gamma | 3.00 | 3.50◇ low precision | +0.50 | 4.00 | 3.00",
        ]
    );
    assert_eq!(texts(&page, "#comments li"), ["Peer · Alpha all good"]);
}

#[test]
fn the_low_precision_marker_is_left_off_rows_that_blend_hidden_ratings() {
    // Before: c showed no ◇ exactly when the suppressed peers agreed.
    let dir = workdir();
    write(dir.path(), "model.toml", MODEL);
    let evals = |c2: u8| {
        format!(
            "person_id,grade,rater,rater_id,competency,score
P1,g,supervisor,S1,a,4
P1,g,supervisor,S2,a,4
P1,g,supervisor,S1,c,4
P1,g,supervisor,S2,c,4
P1,g,peer,X1,c,4
P1,g,peer,X2,c,{c2}
"
        )
    };
    for (name, c2) in [("same.csv", 4), ("apart.csv", 1)] {
        write(dir.path(), name, &evals(c2));
        report(dir.path(), "individual", name, c2_dir(c2), &[]);
        let page = read(&dir.path().join(c2_dir(c2)).join("person-P1.html"));
        assert_eq!(
            texts(&page, "#competencies .low-precision").len(),
            0,
            "{name}: a ◇ on a row that blends the suppressed peers"
        );
    }
}

fn c2_dir(c2: u8) -> &'static str {
    if c2 == 4 {
        "same"
    } else {
        "apart"
    }
}

#[test]
fn without_strict_anonymity_a_blended_score_moves_with_the_hidden_ratings() {
    // The residual risk the README states: a blended score shown to the
    // supervisor lets them subtract. This is what --strict-anonymity stops,
    // and it shows that the differential test below can fail.
    let dir = workdir();
    write(dir.path(), "model.toml", MODEL);
    write(dir.path(), "e.csv", ISSUE_EVALS);
    write(
        dir.path(),
        "f.csv",
        &ISSUE_EVALS.replace("P1,Pat,g,peer,X2,a,4,", "P1,Pat,g,peer,X2,a,1,"),
    );
    for (evals, out, strict) in [
        ("e.csv", "e", false),
        ("f.csv", "f", false),
        ("e.csv", "se", true),
        ("f.csv", "sf", true),
    ] {
        let extra: &[&str] = if strict { &["--strict-anonymity"] } else { &[] };
        report(dir.path(), "individual", evals, out, extra);
    }
    let page = |d: &str| without_audit(&read(&dir.path().join(d).join("person-P1.html")));
    assert_ne!(page("e"), page("f"));
    assert_eq!(page("se"), page("sf"));
    let strict = page("se");
    assert!(strict.contains("id=\"strict-anonymity\""));
    // Strict: a is the supervisor's 4 alone, and their mean is shown.
    assert_eq!(
        competency_table(&strict)[1],
        "Alpha | 3.00 | 4.00◇ low precision | +1.00 | 4.00"
    );
}

/// A page without its audit line (the input files' SHA-256 differ when
/// the ratings do).
fn without_audit(page: &str) -> String {
    match (page.find("<p class=\"audit\""), page.find("</header>")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &page[..a], &page[b..]),
        _ => panic!("no audit line"),
    }
}

// ---- differential tests over random data

/// Four groups with their weights; the `min_count`s are drawn per case.
const GROUPS: [(&str, f64); 4] = [("sup", 0.5), ("peer", 0.3), ("cust", 0.2), ("self", 0.0)];
const COMPETENCIES: [&str; 4] = ["a", "b", "c", "d"];

fn random_model(min: &[u32; 4]) -> String {
    let mut s = String::from(
        "schema = 1\nid = \"r\"\nname = \"R\"\nversion = \"1\"\nlanguage = \"en\"\n\
         [scale]\nmin = 1\nmax = 5\n\
         [[grades]]\nid = \"g1\"\nname = \"G1\"\n[[grades]]\nid = \"g2\"\nname = \"G2\"\n\
         [placement]\ntolerance = 0.25\n",
    );
    for (i, (id, w)) in GROUPS.iter().enumerate() {
        s.push_str(&format!(
            "[[raters]]\nid = \"{id}\"\nname = \"{id}\"\nweight = {w}\nmin_count = {}\n",
            min[i]
        ));
    }
    s.push_str(
        "[[categories]]\nid = \"K\"\nname = \"K\"\n[[categories]]\nid = \"S\"\nname = \"S\"\n",
    );
    let req = [
        "{ g1 = 3, g2 = 4 }",
        "{ g1 = 3 }",
        "{ g2 = 4 }",
        "{ g1 = 2, g2 = 3.5 }",
    ];
    for (i, c) in COMPETENCIES.iter().enumerate() {
        s.push_str(&format!(
            "[[competencies]]\nid = \"{c}\"\nname = \"{c}\"\ncategory = \"{}\"\ncritical = {}\nrequired = {}\n",
            if i < 2 { "K" } else { "S" },
            i == 0,
            req[i]
        ));
    }
    s.push_str(
        "[[training]]\nid = \"t\"\nname = \"T\"\ncompetencies = [\"a\", \"c\"]\ngain = 1\nhours = 8\ncost = 100\n",
    );
    s
}

/// One rating row: person, period, group, rater, competency, score.
#[derive(Debug, Clone)]
struct Rating {
    person: usize,
    period: usize,
    group: usize,
    rater: usize,
    competency: usize,
    score: u8,
}

/// Per person-period and group: 0–3 raters (self at most 1), each rating
/// a random non-empty subset of the competencies.
fn ratings() -> impl Strategy<Value = Vec<Rating>> {
    let rater = (1u8..16, proptest::collection::vec(1u8..=5, 4));
    let group = |max: usize| proptest::collection::vec(rater.clone(), 0..=max);
    let person_period = (group(2), group(4), group(3), group(1));
    proptest::collection::vec(person_period, 4).prop_map(|pps| {
        let mut out = Vec::new();
        for (i, (sup, peer, cust, me)) in pps.into_iter().enumerate() {
            for (g, raters) in [sup, peer, cust, me].into_iter().enumerate() {
                for (r, (subset, scores)) in raters.into_iter().enumerate() {
                    for (c, &score) in scores.iter().enumerate() {
                        if subset & (1 << c) != 0 {
                            out.push(Rating {
                                person: i % 3,
                                period: i / 3,
                                group: g,
                                rater: r,
                                competency: c,
                                score,
                            });
                        }
                    }
                }
            }
        }
        out
    })
}

/// Our reading of the rule: a rating is hidden when its group has fewer
/// distinct raters of the person-period than its `min_count`, or its
/// (group, competency) cell has fewer ratings than that. Also: whether
/// every counted rating of its competency is hidden (a withheld cell).
fn hidden(rows: &[Rating], min: &[u32; 4]) -> (Vec<bool>, Vec<bool>) {
    let mut raters: BTreeMap<(usize, usize, usize), BTreeSet<usize>> = BTreeMap::new();
    let mut cells: BTreeMap<(usize, usize, usize, usize), u32> = BTreeMap::new();
    for r in rows {
        raters
            .entry((r.person, r.period, r.group))
            .or_default()
            .insert(r.rater);
        *cells
            .entry((r.person, r.period, r.group, r.competency))
            .or_default() += 1;
    }
    let hide: Vec<bool> = rows
        .iter()
        .map(|r| {
            (raters[&(r.person, r.period, r.group)].len() as u32) < min[r.group]
                || cells[&(r.person, r.period, r.group, r.competency)] < min[r.group]
        })
        .collect();
    let mut shown_counted: BTreeSet<(usize, usize, usize)> = BTreeSet::new();
    for (r, h) in rows.iter().zip(&hide) {
        if !h && GROUPS[r.group].1 > 0.0 {
            shown_counted.insert((r.person, r.period, r.competency));
        }
    }
    let withheld = rows
        .iter()
        .zip(&hide)
        .map(|(r, h)| *h && !shown_counted.contains(&(r.person, r.period, r.competency)))
        .collect();
    (hide, withheld)
}

fn evals_csv(rows: &[Rating], score: impl Fn(usize, &Rating) -> String) -> String {
    let mut s =
        String::from("person_id,name,period,grade,unit,rater,rater_id,competency,score,comment\n");
    for (i, r) in rows.iter().enumerate() {
        s.push_str(&format!(
            "P{},Name{},2026H{},g{},U{},{},R{}{},{},{},note {i}\n",
            r.person,
            r.person,
            r.period + 1,
            1 + r.person % 2,
            r.person % 2,
            GROUPS[r.group].0,
            GROUPS[r.group].0,
            r.rater,
            COMPETENCIES[r.competency],
            score(i, r),
        ));
    }
    s
}

/// Every page of the three reports on `evals`, by file name, audit lines
/// removed.
fn pages(dir: &Path, evals: &str, out: &str, extra: &[&str]) -> BTreeMap<String, String> {
    for (kind, more) in [
        ("individual", &[][..]),
        ("team", &[][..]),
        ("team", &["--period", "2026H1", "--unit", "U0"][..]),
        ("compare", &["--grade", "g2"][..]),
    ] {
        let mut args: Vec<&str> = more.to_vec();
        args.extend_from_slice(extra);
        report(dir, kind, evals, out, &args);
    }
    let mut all = BTreeMap::new();
    for e in std::fs::read_dir(dir.join(out)).unwrap() {
        let p = e.unwrap().path();
        all.insert(
            p.file_name().unwrap().to_string_lossy().into_owned(),
            without_audit(&read(&p)),
        );
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// `--strict-anonymity`: change every hidden rating at random and no
    /// page of the individual, team and compare reports changes.
    #[test]
    fn strict_pages_do_not_depend_on_hidden_ratings(
        rows in ratings(),
        min in (1u32..=2, 1u32..=4, 1u32..=3, 1u32..=1),
        new in proptest::collection::vec(1u8..=5, 200),
    ) {
        let min = [min.0, min.1, min.2, min.3];
        let (hide, _) = hidden(&rows, &min);
        let changed: Vec<bool> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| hide[i] && new[i % new.len()] != r.score)
            .collect();
        prop_assume!(changed.contains(&true));
        let dir = workdir();
        write(dir.path(), "model.toml", &random_model(&min));
        write(dir.path(), "a.csv", &evals_csv(&rows, |_, r| r.score.to_string()));
        write(dir.path(), "b.csv", &evals_csv(&rows, |i, r| {
            if hide[i] { new[i % new.len()] } else { r.score }.to_string()
        }));
        let a = pages(dir.path(), "a.csv", "a", &["--strict-anonymity"]);
        let b = pages(dir.path(), "b.csv", "b", &["--strict-anonymity"]);
        prop_assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (name, page) in &a {
            if page != &b[name] {
                assert_same_text(page, &b[name], name);
            }
        }
    }

    /// Without the flag: change the ratings of withheld cells (every
    /// counted rating of the competency hidden) at random and no individual
    /// or comparison page changes.
    #[test]
    fn withheld_cells_do_not_reach_any_page(
        rows in ratings(),
        min in (1u32..=2, 1u32..=4, 1u32..=3, 1u32..=1),
        new in proptest::collection::vec(1u8..=5, 200),
    ) {
        let min = [min.0, min.1, min.2, min.3];
        let (_, withheld) = hidden(&rows, &min);
        prop_assume!(rows.iter().enumerate().any(|(i, r)| withheld[i] && new[i % new.len()] != r.score));
        let dir = workdir();
        write(dir.path(), "model.toml", &random_model(&min));
        write(dir.path(), "a.csv", &evals_csv(&rows, |_, r| r.score.to_string()));
        write(dir.path(), "b.csv", &evals_csv(&rows, |i, r| {
            if withheld[i] { new[i % new.len()] } else { r.score }.to_string()
        }));
        for (kind, more, file) in [
            ("individual", &[][..], None),
            ("compare", &["--grade", "g2"][..], Some("compare-g2.html")),
        ] {
            report(dir.path(), kind, "a.csv", "a", more);
            report(dir.path(), kind, "b.csv", "b", more);
            let names: Vec<String> = match file {
                Some(f) => vec![f.to_string()],
                None => std::fs::read_dir(dir.path().join("a"))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("person-"))
                    .collect(),
            };
            for n in names {
                let pa = without_audit(&read(&dir.path().join("a").join(&n)));
                let pb = without_audit(&read(&dir.path().join("b").join(&n)));
                if pa != pb {
                    assert_same_text(&pa, &pb, &n);
                }
            }
        }
    }

    /// `--strict-anonymity` on the analysts' outputs is the same as
    /// leaving the hidden ratings blank in the file.
    #[test]
    fn strict_csv_outputs_equal_those_of_the_file_without_hidden_ratings(
        rows in ratings(),
        min in (1u32..=2, 1u32..=4, 1u32..=3, 1u32..=1),
    ) {
        let min = [min.0, min.1, min.2, min.3];
        let (hide, _) = hidden(&rows, &min);
        let dir = workdir();
        write(dir.path(), "model.toml", &random_model(&min));
        write(dir.path(), "all.csv", &evals_csv(&rows, |_, r| r.score.to_string()));
        write(dir.path(), "shown.csv", &evals_csv(&rows, |i, r| {
            if hide[i] { String::new() } else { r.score.to_string() }
        }));
        for cmd in [
            &["score"][..],
            &["place"][..],
            &["compare", "--grade", "g2"][..],
            &["stats", "precision"][..],
        ] {
            let run = |file: &str, strict: bool| {
                let mut args: Vec<&str> = cmd.to_vec();
                args.extend(["--model", "model.toml", "--evals", file, "--format", "csv"]);
                if strict {
                    args.push("--strict-anonymity");
                }
                run_ok(dir.path(), &args)
            };
            assert_same_text(&run("shown.csv", false), &run("all.csv", true), &cmd.join(" "));
        }
    }
}
