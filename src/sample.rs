//! Deterministic sample data (`ksa sample`): staff rated by every rater
//! group over several periods, and recruitment candidates rated by
//! interviewers, in the long format that HR systems export.
//!
//! Plausible on purpose: a person's competencies correlate (one latent
//! ability plus a per-competency deviation), senior staff score higher, people
//! grow between periods and some are promoted, self-ratings are lenient, some
//! people lack ratings from a group, a few cells are blank. The generator
//! streams rows to disk, so it can make the 10-million-row benchmark files.
//!
//! The random numbers come from SplitMix64 (`crate::rng`), written out so
//! that a seed gives the same files in every ksa version (a crate's
//! generator may change its stream between releases).

use crate::error::{KsaError, Result};
use crate::files::dest::OutputFolder;
use crate::model::{Language, Model};
pub use crate::rng::Rng;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct SampleSpec {
    pub people: usize,
    pub periods: usize,
    pub seed: u64,
    pub candidates: usize,
    pub bom: bool,
}

/// The most staff (`--people`) and candidates (`--candidates`) generated:
/// 1,000,000 each, about 150 million rating rows (some 10 GB) of staff
/// with the bank model. Memory is about 150 bytes a person whatever the
/// model (a person's competency deviations are drawn again each period
/// rather than kept). README "Limits", docs/hardening.md.
pub const MAX_PEOPLE: usize = 1_000_000;

/// The most periods (`--periods`): 20 half-years, ten years of appraisals
/// back from 2026H1.
pub const MAX_PERIODS: usize = 20;

impl SampleSpec {
    /// Refuses sizes over the limits, naming the flag and the limit, before
    /// anything is generated.
    pub fn check(&self) -> Result<()> {
        for (flag, value, limit, what) in [
            ("--people", self.people, MAX_PEOPLE, "staff"),
            ("--candidates", self.candidates, MAX_PEOPLE, "candidates"),
            ("--periods", self.periods, MAX_PERIODS, "periods"),
        ] {
            if value > limit {
                return Err(KsaError::invalid(format!(
                    "{flag} {value}: more than {}, the limit on {what} in generated data",
                    crate::error::thousands(limit as u64)
                )));
            }
        }
        Ok(())
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "晓东", "婷", "欣怡", "子涵", "浩然", "宇轩", "思远",
    "雨桐", "嘉怡", "俊杰", "佳琪", "文博", "一鸣", "晨曦", "梓萱", "建国", "海燕", "志强",
];
const EN_FIRST: &[&str] = &[
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan", "Jie",
    "Juan", "Tao", "Ming", "Chao", "Xia", "Ping", "Gang", "Ting", "Hao", "Yu", "Xin", "Jia",
];
const EN_LAST: &[&str] = &[
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao",
];
const UNITS_ZH: &[&str] = &["城东支行", "城西支行", "高新区支行", "滨江支行"];
const UNITS_EN: &[&str] = &[
    "East City Branch",
    "West City Branch",
    "Hi-Tech Zone Branch",
    "Riverside Branch",
];
const COMMENTS_ZH: &[&str] = &[
    "客户走访积极,需求挖掘到位",
    "授信材料有遗漏,需加强与审批部门沟通",
    "本期新增对公客户3户,表现突出",
    "对新产品掌握不够,建议参加培训",
    "团队协作好,乐于分享客户资源",
    "抗压能力强,季末冲刺表现稳定",
    "方案呈现清晰,\"一户一策\"落实较好",
];
const COMMENTS_EN: &[&str] = &[
    "Visits clients actively; uncovers needs well",
    "Credit files incomplete; should talk to the approval team earlier",
    "Opened 3 new corporate accounts this period",
    "Needs to learn the new products, recommend training",
    "Good team player, shares client leads",
    "Stays steady under quarter-end pressure",
    "Clear proposals, \"one client, one plan\" applied well",
];
// One draw picks a comment in either language: the lists must stay as long.
const _: () = assert!(COMMENTS_ZH.len() == COMMENTS_EN.len());

/// The id of the bundled bank model, whose sample data keeps the bank's words.
const BANK_MODEL_ID: &str = "bank-rm";
const TEAMS_ZH: &[&str] = &["一组", "二组", "三组", "四组"];

/// The words of the generated data that name the organisation: units,
/// person ids and supervisors' comments. The bundled bank model keeps the
/// branch names, `RM` ids and comments that `data/` and the golden files
/// were made with; any other model (another department, another sector) gets
/// neutral teams (一组, 二组 …), `E` (employee) ids and comments built from
/// the rated competency's own name. Both draw the same random numbers, so the
/// vocabulary changes words, never ratings.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Vocabulary {
    Bank,
    Neutral,
}

impl Vocabulary {
    fn of(model: &Model) -> Vocabulary {
        if model.id == BANK_MODEL_ID {
            Vocabulary::Bank
        } else {
            Vocabulary::Neutral
        }
    }

    fn person_prefix(self) -> &'static str {
        match self {
            Vocabulary::Bank => "RM",
            Vocabulary::Neutral => "E",
        }
    }

    fn unit_name(self, u: usize, units: usize, lang: Language) -> String {
        match (self, lang, units <= 4) {
            (Vocabulary::Bank, Language::Zh, true) => UNITS_ZH[u].to_string(),
            (Vocabulary::Bank, Language::En, true) => UNITS_EN[u].to_string(),
            (Vocabulary::Bank, Language::Zh, false) => format!("第{:03}支行", u + 1),
            (Vocabulary::Bank, Language::En, false) => format!("Branch {:03}", u + 1),
            (Vocabulary::Neutral, Language::Zh, true) => TEAMS_ZH[u].to_string(),
            (Vocabulary::Neutral, Language::En, true) => format!("Team {}", u + 1),
            (Vocabulary::Neutral, Language::Zh, false) => format!("第{:03}组", u + 1),
            (Vocabulary::Neutral, Language::En, false) => format!("Team {:03}", u + 1),
        }
    }

    /// A supervisor's comment on competency `c`. `pick` is the random choice
    /// among the bank's comments; a neutral comment follows instead how far
    /// the person's level `above` lies above (or below) the requirement, and
    /// suggests training only for what training can raise.
    fn comment(self, model: &Model, c: usize, pick: usize, above: f64, lang: Language) -> String {
        let comp = &model.competencies[c];
        match (self, lang) {
            (Vocabulary::Bank, Language::Zh) => COMMENTS_ZH[pick].to_string(),
            (Vocabulary::Bank, Language::En) => COMMENTS_EN[pick].to_string(),
            (Vocabulary::Neutral, Language::Zh) => {
                let n = &comp.name;
                if above >= 0.5 {
                    format!("{n}表现突出,可在团队内分享经验")
                } else if above > -0.5 {
                    format!("{n}达到岗位要求")
                } else if comp.trainable {
                    format!("{n}有待加强,建议参加相关培训")
                } else {
                    format!("{n}有待加强,建议辅导或轮岗锻炼")
                }
            }
            (Vocabulary::Neutral, Language::En) => {
                let n = &comp.name;
                if above >= 0.5 {
                    format!("{n}: strong, could share practice with the team")
                } else if above > -0.5 {
                    format!("{n}: meets the grade's requirement")
                } else if comp.trainable {
                    format!("{n}: needs work, training recommended")
                } else {
                    format!("{n}: needs work, coaching or job rotation suggested")
                }
            }
        }
    }
}

/// The role a rater group plays in a 360, from its id.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Supervisor,
    Peer,
    Customer,
    SelfRating,
    Interviewer,
    Other,
}

fn role_of(id: &str, index: usize) -> Role {
    let id = id.to_ascii_lowercase();
    if id.contains("interview") {
        Role::Interviewer
    } else if id == "self" || id.contains("self") {
        Role::SelfRating
    } else if id.contains("peer") || id.contains("colleague") {
        Role::Peer
    } else if id.contains("customer") || id.contains("client") {
        Role::Customer
    } else if id.contains("super") || id.contains("manager") || id.contains("boss") || index == 0 {
        Role::Supervisor
    } else {
        Role::Other
    }
}

/// Period labels: `periods` half-years ending with 2026H1.
pub fn period_labels(periods: usize) -> Vec<String> {
    let mut out = Vec::new();
    let (mut year, mut half) = (2026, 1);
    for _ in 0..periods.max(1) {
        out.push(format!("{year}H{half}"));
        if half == 1 {
            year -= 1;
            half = 2;
        } else {
            half = 1;
        }
    }
    out.reverse();
    out
}

fn person_name(rng: &mut Rng, lang: Language) -> String {
    match lang {
        Language::Zh => format!(
            "{}{}",
            SURNAMES[rng.below(SURNAMES.len())],
            GIVEN[rng.below(GIVEN.len())]
        ),
        Language::En => format!(
            "{} {}",
            EN_FIRST[rng.below(EN_FIRST.len())],
            EN_LAST[rng.below(EN_LAST.len())]
        ),
    }
}

/// A rating on the scale: whole levels, as most survey tools export.
fn to_level(x: f64, model: &Model) -> i64 {
    (x.round() as i64).clamp(model.scale.min, model.scale.max)
}

/// The typical requirement of a grade, averaged over competencies.
fn grade_level(model: &Model, g: usize) -> f64 {
    let reqs: Vec<f64> = model
        .competencies
        .iter()
        .filter_map(|c| c.requirement(g))
        .collect();
    if reqs.is_empty() {
        (model.scale.min_f() + model.scale.max_f()) / 2.0
    } else {
        reqs.iter().sum::<f64>() / reqs.len() as f64
    }
}

struct Person {
    id: String,
    name: String,
    unit: usize,
    /// Grade index in the first period.
    grade: usize,
    /// Level relative to the requirements of the person's grade.
    ability: f64,
    /// Where the person's per-competency deviations start in the random
    /// stream: they are drawn from here again each period, so memory stays
    /// the same whatever the number of competencies.
    deviations: Rng,
    /// Groups this person has no ratings from (e.g. no customer survey).
    missing: Vec<bool>,
    peers: usize,
}

const HEADER: &str = "person_id,name,unit,grade,period,rater,rater_id,competency,score,comment\n";
const CANDIDATE_HEADER: &str = "candidate_id,name,rater,rater_id,competency,score,comment\n";

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes `evaluations.csv` (and `candidates.csv` when asked) into `dir`,
/// never over `inputs` (the model) and never through a link there.
/// Returns the files written with their row counts.
pub fn write_files(
    model: &Model,
    spec: &SampleSpec,
    dir: &Path,
    inputs: &[PathBuf],
) -> Result<Vec<(PathBuf, u64)>> {
    let folder = OutputFolder::create(dir, inputs)?;
    let mut written = Vec::new();
    let mut rows = 0;
    let path = folder.write("evaluations.csv", |mut w| {
        rows = write_staff(model, spec, &mut w)?;
        w.flush()
    })?;
    written.push((path, rows));
    if spec.candidates > 0 {
        let path = folder.write("candidates.csv", |mut w| {
            rows = write_candidates(model, spec, &mut w)?;
            w.flush()
        })?;
        written.push((path, rows));
    }
    Ok(written)
}

/// The staff evaluation rows, streamed to `w`.
pub fn write_staff(model: &Model, spec: &SampleSpec, w: &mut impl Write) -> std::io::Result<u64> {
    let root = Rng::new(spec.seed);
    let lang = model.language;
    let vocabulary = Vocabulary::of(model);
    let n = spec.people;
    let units = if n <= 200 {
        4.min(n.max(1))
    } else {
        n.div_ceil(50)
    };
    let grades = model.grades.len();
    let roles: Vec<Role> = model
        .raters
        .iter()
        .enumerate()
        .map(|(i, r)| role_of(&r.id, i))
        .collect();
    let nc = model.competencies.len();

    // People: a grade spread of roughly 35/40/25 over three grades (juniors
    // are the many), ability around the grade's typical requirement.
    let mut rng = root.fork(1);
    let width = n.max(1).to_string().len().max(3);
    let people: Vec<Person> = (0..n)
        .map(|i| {
            let u = rng.uniform();
            let grade = if grades == 1 {
                0
            } else {
                let f = if u < 0.35 {
                    0.0
                } else if u < 0.75 {
                    0.5
                } else {
                    1.0
                };
                ((f * (grades - 1) as f64).round() as usize).min(grades - 1)
            };
            // Relative to the grade's profile: most people hold their
            // grade, some are above it (ready for promotion), some below.
            let ability = 0.6 + 0.35 * rng.normal();
            // One normal a competency, two numbers each (`deviations_of`).
            let deviations = rng.clone();
            rng.skip(2 * nc as u64);
            let missing = roles
                .iter()
                .map(|r| match r {
                    Role::Customer => rng.chance(0.08),
                    Role::SelfRating => rng.chance(0.05),
                    Role::Interviewer => true,
                    _ => false,
                })
                .collect();
            Person {
                id: format!(
                    "{}{:0width$}",
                    vocabulary.person_prefix(),
                    i + 1,
                    width = width
                ),
                name: person_name(&mut rng, lang),
                unit: i % units,
                grade,
                ability,
                deviations,
                missing,
                // A few people have only two peers: below a min_count of 3,
                // so reports must suppress that group.
                peers: if rng.chance(0.07) {
                    2
                } else {
                    3 + rng.below(3)
                },
            }
        })
        .collect();

    let periods = period_labels(spec.periods);
    w.write_all(if spec.bom { b"\xEF\xBB\xBF" } else { b"" })?;
    w.write_all(HEADER.as_bytes())?;
    let mut rows = 0u64;
    let mut line = String::with_capacity(256);
    let mut noise = root.fork(2);
    let mut deviations = Vec::with_capacity(nc);
    for (t, period) in periods.iter().enumerate() {
        let last = t + 1 == periods.len();
        for (i, p) in people.iter().enumerate() {
            // Growth between periods; the strongest are promoted for the last one.
            let growth = 0.15 * t as f64;
            let next_gap = if p.grade + 1 < grades {
                grade_level(model, p.grade + 1) - grade_level(model, p.grade)
            } else {
                f64::INFINITY
            };
            let promoted = last && t > 0 && p.ability + growth > next_gap + 0.1;
            let grade = if promoted { p.grade + 1 } else { p.grade };
            let grade_id = &model.grades[grade].id;
            let unit = vocabulary.unit_name(p.unit, units, lang);
            let mut draws = p.deviations.clone();
            deviations.clear();
            deviations.extend((0..nc).map(|_| 0.2 * draws.normal()));
            // Peers are colleagues in the same unit: each colleague once and
            // never the person (in a small staff the steps wrap around, and
            // a repeated rater would be an invalid row).
            let mut same_unit: Vec<usize> = Vec::with_capacity(p.peers);
            for k in 0..p.peers {
                let j = (i + units * (k + 1)) % n.max(1);
                if j != i && !same_unit.contains(&j) {
                    same_unit.push(j);
                }
            }
            for (g, role) in roles.iter().enumerate() {
                if p.missing[g] {
                    continue;
                }
                let raters: Vec<String> = match role {
                    Role::Supervisor => vec![format!("MGR{:03}", p.unit + 1)],
                    Role::Peer => same_unit.iter().map(|&j| people[j].id.clone()).collect(),
                    // Customer surveys are anonymous: no rater_id.
                    Role::Customer => vec![String::new(); 3],
                    Role::SelfRating => vec![p.id.clone()],
                    Role::Other => vec![format!("R{:03}", g), format!("R{:03}", g + 100)],
                    Role::Interviewer => vec![],
                };
                let bias = match role {
                    Role::SelfRating => 0.45,
                    Role::Customer => 0.15,
                    Role::Peer => 0.05,
                    _ => 0.0,
                };
                for rid in &raters {
                    let rater_bias = 0.25 * noise.normal();
                    let comment_at =
                        (*role == Role::Supervisor && noise.chance(0.3)).then(|| noise.below(nc));
                    for (c, &deviation) in deviations.iter().enumerate() {
                        // Customers see the client-facing skills and
                        // attributes, not internal knowledge.
                        if *role == Role::Customer
                            && model.competencies[c].category_index == 0
                            && model.categories.len() > 1
                        {
                            continue;
                        }
                        // The person's level on c: the requirement of their
                        // first-period grade, shifted by their ability.
                        let base = model.competencies[c]
                            .requirement(p.grade)
                            .unwrap_or_else(|| grade_level(model, p.grade));
                        let level = base
                            + p.ability
                            + deviation
                            + growth
                            + bias
                            + rater_bias
                            + 0.5 * noise.normal();
                        let blank = noise.chance(0.01);
                        line.clear();
                        line.push_str(&p.id);
                        line.push(',');
                        line.push_str(&csv_field(&p.name));
                        line.push(',');
                        line.push_str(&csv_field(&unit));
                        line.push(',');
                        line.push_str(grade_id);
                        line.push(',');
                        line.push_str(period);
                        line.push(',');
                        line.push_str(&model.raters[g].id);
                        line.push(',');
                        line.push_str(rid);
                        line.push(',');
                        line.push_str(&model.competencies[c].id);
                        line.push(',');
                        if !blank {
                            line.push_str(&to_level(level, model).to_string());
                        }
                        line.push(',');
                        if comment_at == Some(c) {
                            let pick = noise.below(COMMENTS_ZH.len());
                            // Against the grade held in this period.
                            let req = model.competencies[c].requirement(grade).unwrap_or(base);
                            let comment = vocabulary.comment(model, c, pick, level - req, lang);
                            line.push_str(&csv_field(&comment));
                        }
                        line.push('\n');
                        w.write_all(line.as_bytes())?;
                        rows += 1;
                    }
                }
            }
        }
    }
    Ok(rows)
}

/// Candidate rows: rated by interviewers (and some by themselves), no period.
pub fn write_candidates(
    model: &Model,
    spec: &SampleSpec,
    w: &mut impl Write,
) -> std::io::Result<u64> {
    let mut rng = Rng::new(spec.seed).fork(3);
    let lang = model.language;
    let interviewer = model
        .raters
        .iter()
        .enumerate()
        .find(|(i, r)| role_of(&r.id, *i) == Role::Interviewer)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let self_group = model
        .raters
        .iter()
        .enumerate()
        .find(|(i, r)| role_of(&r.id, *i) == Role::SelfRating)
        .map(|(i, _)| i);
    // Candidates are hired at the middle grade: centre them there.
    let target = grade_level(model, model.grades.len() / 2);
    w.write_all(if spec.bom { b"\xEF\xBB\xBF" } else { b"" })?;
    w.write_all(CANDIDATE_HEADER.as_bytes())?;
    let mut rows = 0u64;
    for i in 0..spec.candidates {
        let id = format!("C2026-{:03}", i + 1);
        let name = person_name(&mut rng, lang);
        let ability = target - 0.2 + 0.7 * rng.normal();
        let dev: Vec<f64> = model
            .competencies
            .iter()
            .map(|_| 0.45 * rng.normal())
            .collect();
        let mut groups = vec![
            (interviewer, "I01".to_string(), 0.0),
            (interviewer, "I02".to_string(), 0.0),
        ];
        if rng.chance(0.5) {
            groups.push((interviewer, "I03".to_string(), 0.0));
        }
        if let Some(s) = self_group {
            if rng.chance(0.6) {
                groups.push((s, id.clone(), 0.5));
            }
        }
        for (g, rid, bias) in &groups {
            let rb = 0.2 * rng.normal();
            for (c, comp) in model.competencies.iter().enumerate() {
                let level = ability + dev[c] + bias + rb + 0.45 * rng.normal();
                let score = if rng.chance(0.01) {
                    String::new()
                } else {
                    to_level(level, model).to_string()
                };
                writeln!(
                    w,
                    "{id},{},{},{rid},{},{score},",
                    csv_field(&name),
                    model.raters[*g].id,
                    comp.id
                )?;
                rows += 1;
            }
        }
    }
    Ok(rows)
}
