//! Deterministic sample data (`ksa sample`): staff rated by every rater
//! group over several periods, and recruitment candidates rated by
//! interviewers, in the long format that HR systems export.
//!
//! Plausible on purpose: a person's competencies correlate (one latent
//! ability plus a per-competency deviation), senior staff score higher, people
//! grow between periods and some are promoted, self-ratings are lenient, some
//! people lack ratings from a group, a few cells are blank. And structured, so
//! that charts show patterns to find (`Structure`, README "Sample data"): an
//! organisation tree head office → branches → sub-branches → teams, strong and
//! weak branches each with weak competencies of its own, competencies that are
//! generally short, lenient and severe raters, people who improve or decline.
//! The planted truth — every rater's effect, every true score — can be written
//! beside the data (`--truth DIR`) to check estimates against. The generator
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
    pub structure: Structure,
}

/// The patterns planted in the data (the flags of `ksa sample`, README
/// "Sample data"). Each spread is in levels of the scale; 0 turns its
/// pattern off.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    /// Branches under the head office (`--branches`); `None`: about
    /// √people / 2, at least 2 — 3 for 40 people, 158 for 100,000.
    pub branches: Option<usize>,
    /// People in a team on average (`--team-size`); a team's size lies
    /// between half and one and a half times it.
    pub team_size: usize,
    /// Teams of a sub-branch (`--teams-per-sub-branch`), the last of a
    /// branch may have fewer.
    pub teams_per_sub_branch: usize,
    /// Branch effects (`--unit-spread`): branches lie evenly between
    /// −1.5 and +1.5 times it, in shuffled order, and each has two weak
    /// competencies twice it below the rest.
    pub unit_spread: f64,
    /// Competency difficulty (`--difficulty-spread`): the standard
    /// deviation of a competency's shift from its requirement, the same for
    /// everyone (the low ones are generally short).
    pub difficulty_spread: f64,
    /// Rater leniency (`--rater-spread`): the standard deviation of the
    /// effect planted on each `rater_id` (supervisors, peers, self,
    /// interviewers, other named raters), added to every rating it gives.
    pub rater_spread: f64,
    /// Change between periods (`--trend-spread`): the standard deviation of
    /// a person's own growth per period around the common 0.15, so some
    /// improve fast and some decline.
    pub trend_spread: f64,
}

impl Default for Structure {
    fn default() -> Structure {
        Structure {
            branches: None,
            team_size: 20,
            teams_per_sub_branch: 3,
            unit_spread: 0.35,
            difficulty_spread: 0.3,
            rater_spread: 0.3,
            trend_spread: 0.2,
        }
    }
}

/// The largest spread a flag takes: 5 levels, more than any scale's width
/// of interest (a spread wider than the scale only piles ratings on its
/// ends).
pub const MAX_SPREAD: f64 = 5.0;

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
        if let Some(b) = self.structure.branches {
            if b > self.people.max(1) {
                return Err(KsaError::invalid(format!(
                    "--branches {b}: more than the {} people of --people; every branch needs a team",
                    self.people.max(1)
                )));
            }
        }
        Ok(())
    }
}

/// A whole-number flag of `ksa sample` from its text: at least 1 and at most
/// `max`, or the one-line error naming the flag and the value.
pub fn parse_count(flag: &str, text: &str, max: usize) -> Result<usize> {
    let bad = |why: &str| KsaError::invalid(format!("{flag} {text}: {why}"));
    let n: u64 = text
        .trim()
        .parse()
        .map_err(|_| bad("not a whole number (e.g. 3)"))?;
    if n == 0 {
        return Err(bad("must be at least 1"));
    }
    if n > max as u64 {
        return Err(bad(&format!(
            "more than {}, the limit",
            crate::error::thousands(max as u64)
        )));
    }
    Ok(n as usize)
}

/// A spread flag of `ksa sample` (levels of the scale) from its text: a
/// finite number from 0 to `MAX_SPREAD`, or the one-line error.
pub fn parse_spread(flag: &str, text: &str) -> Result<f64> {
    let bad = |why: &str| KsaError::invalid(format!("{flag} {text}: {why}"));
    let x: f64 = text
        .trim()
        .parse()
        .map_err(|_| bad("not a number (e.g. 0.3; 0 turns it off)"))?;
    if !x.is_finite() {
        return Err(bad("not a finite number"));
    }
    if x < 0.0 {
        return Err(bad("must be 0 or more (0 turns it off)"));
    }
    if x > MAX_SPREAD {
        return Err(bad(&format!(
            "more than {MAX_SPREAD}, the limit on a spread in levels"
        )));
    }
    Ok(x)
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
/// Stems of branch names (华东分行, East China branch) and of sub-branch
/// names (城东支行, Chengdong sub-branch); the zh and en lists pair up.
const REGIONS_ZH: &[&str] = &["华东", "华南", "华北", "华中", "西南", "西北", "东北"];
const REGIONS_EN: &[&str] = &[
    "East China",
    "South China",
    "North China",
    "Central China",
    "Southwest",
    "Northwest",
    "Northeast",
];
const DISTRICTS_ZH: &[&str] = &[
    "城东",
    "城西",
    "城南",
    "城北",
    "高新区",
    "滨江",
    "开发区",
    "新城",
];
const DISTRICTS_EN: &[&str] = &[
    "Chengdong",
    "Chengxi",
    "Chengnan",
    "Chengbei",
    "Hi-Tech Zone",
    "Riverside",
    "Development Zone",
    "New Town",
];
const _: () = assert!(REGIONS_ZH.len() == REGIONS_EN.len());
const _: () = assert!(DISTRICTS_ZH.len() == DISTRICTS_EN.len());
const NUMERALS_ZH: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
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

/// The words of the generated data that name the organisation: units,
/// person ids and supervisors' comments. The bundled bank model gets a
/// bank's tree (总行/华东分行/城东支行/一团队), `RM` ids and bank comments; any
/// other model (another department, another sector) gets a neutral tree
/// (总部/华东区/城东中心/一组), `E` (employee) ids and comments built from the
/// rated competency's own name. Both draw the same random numbers, so the
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

    /// The unit path of a team: head office / branch `b` / sub-branch `s`
    /// of that branch / team `t` of that sub-branch (all from 0). Names
    /// repeat under different parents, as in a real bank; past the lists
    /// they are numbered.
    fn unit_path(self, b: usize, s: usize, t: usize, lang: Language) -> String {
        let bank = self == Vocabulary::Bank;
        let named = |list: &[&str], i: usize| list.get(i).map(|x| x.to_string());
        match lang {
            Language::Zh => {
                let head = if bank { "总行" } else { "总部" };
                let (bs, ss, ts) = if bank {
                    ("分行", "支行", "团队")
                } else {
                    ("区", "中心", "组")
                };
                let branch = named(REGIONS_ZH, b).unwrap_or_else(|| format!("第{:03}", b + 1));
                let sub = named(DISTRICTS_ZH, s).unwrap_or_else(|| format!("第{:02}", s + 1));
                let team = named(NUMERALS_ZH, t).unwrap_or_else(|| format!("第{:02}", t + 1));
                format!("{head}/{branch}{bs}/{sub}{ss}/{team}{ts}")
            }
            Language::En => {
                let (bs, ss) = if bank {
                    ("branch", "sub-branch")
                } else {
                    ("region", "centre")
                };
                let branch = match REGIONS_EN.get(b) {
                    Some(r) => format!("{r} {bs}"),
                    None => format!("{}{} {:03}", bs[..1].to_uppercase(), &bs[1..], b + 1),
                };
                let sub = match DISTRICTS_EN.get(s) {
                    Some(d) => format!("{d} {ss}"),
                    None => format!("{}{} {:02}", ss[..1].to_uppercase(), &ss[1..], s + 1),
                };
                format!("Head office/{branch}/{sub}/Team {}", t + 1)
            }
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
    /// Index of the person's team in `Org`.
    team: u32,
    /// Grade index in the first period.
    grade: usize,
    /// Level relative to the requirements of the person's grade.
    ability: f64,
    /// The person's own growth per period, added to the common 0.15
    /// (`Structure::trend_spread`): below −0.15 the person declines.
    trend: f64,
    /// Where the person's per-competency deviations start in the random
    /// stream: they are drawn from here again each period, so memory stays
    /// the same whatever the number of competencies.
    deviations: Rng,
    /// Groups this person has no ratings from (e.g. no customer survey).
    missing: Vec<bool>,
    peers: usize,
}

/// The organisation of the generated staff (`Structure`): teams of
/// consecutive people, consecutive teams in a sub-branch, consecutive
/// sub-branches in a branch, and each branch's planted effects. Memory grows
/// with the teams, never with the rows.
struct Org {
    /// First person of each team, then one past the last person.
    starts: Vec<usize>,
    /// (branch, sub-branch within the branch, team within the sub-branch).
    place: Vec<(usize, usize, usize)>,
    /// A branch's shift of every level (strong > 0, weak < 0).
    branch_effect: Vec<f64>,
    /// A branch's weak competencies, each `2 × unit_spread` below the rest.
    branch_weak: Vec<Vec<usize>>,
    /// A competency's shift for everyone (`difficulty_spread`).
    difficulty: Vec<f64>,
}

impl Org {
    fn new(n: usize, st: &Structure, nc: usize, root: &Rng) -> Org {
        let default_branches = (((n as f64).sqrt() / 2.0).round() as usize).max(2);
        let branches = st.branches.unwrap_or(default_branches).min(n).max(1);
        let teams = ((n as f64 / st.team_size.max(1) as f64).round() as usize)
            .max(branches)
            .min(n.max(1));
        // Sizes between half and one and a half times the average: everyone
        // gets one person, the rest is shared by weight.
        let mut rng = root.fork(4);
        let weights: Vec<f64> = (0..teams).map(|_| 0.5 + rng.uniform()).collect();
        let total: f64 = weights.iter().sum();
        let rest = n.saturating_sub(teams) as f64;
        let mut starts = Vec::with_capacity(teams + 1);
        let mut before = 0.0;
        for (t, w) in weights.iter().enumerate() {
            starts.push((t + (rest * before / total).floor() as usize).min(n));
            before += w;
        }
        starts.push(n);
        let tps = st.teams_per_sub_branch.max(1);
        let place = (0..teams)
            .map(|t| {
                let b = t * branches / teams;
                let first = (b * teams).div_ceil(branches);
                let local = t - first;
                (b, local / tps, local % tps)
            })
            .collect();
        // Evenly spread branch effects in shuffled order: with two branches
        // or more there is always a strong and a weak one.
        let mut order: Vec<usize> = (0..branches).collect();
        for i in (1..branches).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let branch_effect = order
            .iter()
            .map(|&k| {
                if branches < 2 {
                    0.0
                } else {
                    st.unit_spread * 1.5 * (2.0 * (k as f64 + 0.5) / branches as f64 - 1.0)
                }
            })
            .collect();
        let branch_weak = (0..branches)
            .map(|_| {
                let mut weak = Vec::with_capacity(2);
                while weak.len() < 2.min(nc) {
                    let c = rng.below(nc);
                    if !weak.contains(&c) {
                        weak.push(c);
                    }
                }
                weak
            })
            .collect();
        let mut d = root.fork(5);
        let difficulty = (0..nc).map(|_| st.difficulty_spread * d.normal()).collect();
        Org {
            starts,
            place,
            branch_effect,
            branch_weak,
            difficulty,
        }
    }

    fn team_of_index(&self, i: usize) -> usize {
        self.starts.partition_point(|&s| s <= i) - 1
    }

    /// The planted shift of a person of `team` on competency `c`: the
    /// branch's, its weakness on `c`, and `c`'s difficulty.
    fn effect(&self, team: usize, c: usize, st: &Structure) -> f64 {
        let b = self.place[team].0;
        let weak = if self.branch_weak[b].contains(&c) {
            -2.0 * st.unit_spread
        } else {
            0.0
        };
        self.branch_effect[b] + weak + self.difficulty[c]
    }
}

/// The leniency (> 0) or severity (< 0) planted on each rater id
/// (`Structure::rater_spread`): drawn from the id itself, so it needs no
/// memory and is the same wherever the id rates. With `--truth`, the ids
/// that rated are kept (one entry a rater) for `rater-effects.csv`.
struct RaterEffects {
    root: Rng,
    spread: f64,
    used: Option<std::collections::BTreeMap<String, f64>>,
}

impl RaterEffects {
    fn new(spec: &SampleSpec, keep: bool) -> RaterEffects {
        RaterEffects {
            root: Rng::new(spec.seed).fork(6),
            spread: spec.structure.rater_spread,
            used: keep.then(Default::default),
        }
    }

    fn of(&mut self, id: &str) -> f64 {
        if id.is_empty() {
            // Anonymous (customer surveys): no one to plant an effect on.
            return 0.0;
        }
        let effect = if self.spread == 0.0 {
            0.0
        } else {
            // FNV-1a of the id picks its own stream.
            let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
            });
            self.spread * self.root.fork(hash).normal()
        };
        if let Some(used) = &mut self.used {
            if !used.contains_key(id) {
                used.insert(id.to_string(), effect);
            }
        }
        effect
    }
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
/// and with `truth` the planted truth into that folder: `rater-effects.csv`
/// (`rater_id,effect`) and `true-scores.csv` (`person_id,period,competency,
/// true_score`, the level before any rater's effect, noise and rounding).
/// Never over `inputs` (the model) and never through a link there. Returns
/// the files written with their row counts.
pub fn write_files(
    model: &Model,
    spec: &SampleSpec,
    dir: &Path,
    truth: Option<&Path>,
    inputs: &[PathBuf],
) -> Result<Vec<(PathBuf, u64)>> {
    let folder = OutputFolder::create(dir, inputs)?;
    let truth = truth.map(|t| OutputFolder::create(t, inputs)).transpose()?;
    let mut effects = RaterEffects::new(spec, truth.is_some());
    let mut written = Vec::new();
    let mut rows = 0;
    match &truth {
        None => {
            let path = folder.write("evaluations.csv", |mut w| {
                rows = staff(model, spec, &mut w, None, &mut effects)?.0;
                w.flush()
            })?;
            written.push((path, rows));
        }
        Some(t) => {
            let (scores_path, mut scores_file) = t.file("true-scores.csv")?;
            let mut scores = scores_file.writer();
            let mut score_rows = 0;
            let path = folder.write("evaluations.csv", |mut w| {
                let truth: &mut dyn Write = &mut scores;
                (rows, score_rows) = staff(model, spec, &mut w, Some(truth), &mut effects)?;
                w.flush()
            })?;
            written.push((path, rows));
            scores.flush().map_err(|e| KsaError::io(&scores_path, e))?;
            drop(scores);
            scores_file.commit()?;
            written.push((scores_path, score_rows));
        }
    }
    if spec.candidates > 0 {
        let path = folder.write("candidates.csv", |mut w| {
            rows = candidates(model, spec, &mut w, &mut effects)?;
            w.flush()
        })?;
        written.push((path, rows));
    }
    if let (Some(t), Some(used)) = (&truth, &effects.used) {
        let path = t.write("rater-effects.csv", |mut w| {
            w.write_all(b"rater_id,effect\n")?;
            for (id, e) in used {
                writeln!(w, "{},{e:.4}", csv_field(id))?;
            }
            w.flush()
        })?;
        written.push((path, used.len() as u64));
    }
    Ok(written)
}

/// The staff evaluation rows, streamed to `w`.
pub fn write_staff(model: &Model, spec: &SampleSpec, w: &mut impl Write) -> std::io::Result<u64> {
    let mut effects = RaterEffects::new(spec, false);
    staff(model, spec, w, None, &mut effects).map(|(rows, _)| rows)
}

/// The staff rows to `w`, and with `truth` each person's true score per
/// period and competency; returns the rows of both.
fn staff(
    model: &Model,
    spec: &SampleSpec,
    w: &mut impl Write,
    mut truth: Option<&mut dyn Write>,
    effects: &mut RaterEffects,
) -> std::io::Result<(u64, u64)> {
    let root = Rng::new(spec.seed);
    let st = &spec.structure;
    let lang = model.language;
    let vocabulary = Vocabulary::of(model);
    let n = spec.people;
    let grades = model.grades.len();
    let roles: Vec<Role> = model
        .raters
        .iter()
        .enumerate()
        .map(|(i, r)| role_of(&r.id, i))
        .collect();
    let nc = model.competencies.len();
    let org = Org::new(n, st, nc, &root);
    let teams = org.place.len();
    let mgr_width = teams.to_string().len().max(3);

    // People: a grade spread of roughly 35/40/25 over three grades (juniors
    // are the many), ability around the grade's typical requirement.
    let mut rng = root.fork(1);
    let mut trends = root.fork(7);
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
                team: org.team_of_index(i) as u32,
                grade,
                ability,
                trend: st.trend_spread * trends.normal(),
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
    if let Some(t) = truth.as_mut() {
        t.write_all(b"person_id,period,competency,true_score\n")?;
    }
    let mut rows = 0u64;
    let mut truth_rows = 0u64;
    let mut line = String::with_capacity(256);
    let mut noise = root.fork(2);
    let mut deviations = Vec::with_capacity(nc);
    let mut true_levels = Vec::with_capacity(nc);
    for (t, period) in periods.iter().enumerate() {
        let last = t + 1 == periods.len();
        for (i, p) in people.iter().enumerate() {
            let team = p.team as usize;
            let (b, s, k) = org.place[team];
            // Growth between periods, the person's own pace around the
            // common one; the strongest are promoted for the last period.
            let growth = (0.15 + p.trend) * t as f64;
            let next_gap = if p.grade + 1 < grades {
                grade_level(model, p.grade + 1) - grade_level(model, p.grade)
            } else {
                f64::INFINITY
            };
            let standing = p.ability + growth + org.branch_effect[b];
            let promoted = last && t > 0 && standing > next_gap + 0.1;
            let grade = if promoted { p.grade + 1 } else { p.grade };
            let grade_id = &model.grades[grade].id;
            let unit = vocabulary.unit_path(b, s, k, lang);
            let mut draws = p.deviations.clone();
            deviations.clear();
            deviations.extend((0..nc).map(|_| 0.2 * draws.normal()));
            // The person's level on each competency: the requirement of
            // their first-period grade, shifted by their ability, growth and
            // the planted unit and competency effects. No rater is in it.
            true_levels.clear();
            true_levels.extend(deviations.iter().enumerate().map(|(c, &deviation)| {
                let base = model.competencies[c]
                    .requirement(p.grade)
                    .unwrap_or_else(|| grade_level(model, p.grade));
                base + p.ability + deviation + growth + org.effect(team, c, st)
            }));
            if let Some(tw) = truth.as_mut() {
                for (c, level) in true_levels.iter().enumerate() {
                    writeln!(
                        tw,
                        "{},{period},{},{level:.4}",
                        p.id, model.competencies[c].id
                    )?;
                    truth_rows += 1;
                }
            }
            // Peers are colleagues in the same team: each colleague once and
            // never the person (in a small team the steps wrap around, and
            // a repeated rater would be an invalid row).
            let (start, end) = (org.starts[team], org.starts[team + 1]);
            let size = end - start;
            let mut same_unit: Vec<usize> = Vec::with_capacity(p.peers);
            for k in 0..p.peers {
                let j = start + (i - start + k + 1) % size;
                if j != i && !same_unit.contains(&j) {
                    same_unit.push(j);
                }
            }
            for (g, role) in roles.iter().enumerate() {
                if p.missing[g] {
                    continue;
                }
                let raters: Vec<String> = match role {
                    Role::Supervisor => vec![format!("MGR{:0mgr_width$}", team + 1)],
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
                    // The rater's planted leniency, and how this rater saw
                    // this person this time.
                    let rater_bias = effects.of(rid) + 0.15 * noise.normal();
                    let comment_at =
                        (*role == Role::Supervisor && noise.chance(0.3)).then(|| noise.below(nc));
                    for (c, &true_level) in true_levels.iter().enumerate() {
                        // Customers see the client-facing skills and
                        // attributes, not internal knowledge.
                        if *role == Role::Customer
                            && model.competencies[c].category_index == 0
                            && model.categories.len() > 1
                        {
                            continue;
                        }
                        let level = true_level + bias + rater_bias + 0.5 * noise.normal();
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
                            let base = model.competencies[c]
                                .requirement(p.grade)
                                .unwrap_or_else(|| grade_level(model, p.grade));
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
    Ok((rows, truth_rows))
}

/// Candidate rows: rated by interviewers (and some by themselves), no period.
pub fn write_candidates(
    model: &Model,
    spec: &SampleSpec,
    w: &mut impl Write,
) -> std::io::Result<u64> {
    let mut effects = RaterEffects::new(spec, false);
    candidates(model, spec, w, &mut effects)
}

fn candidates(
    model: &Model,
    spec: &SampleSpec,
    w: &mut impl Write,
    effects: &mut RaterEffects,
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
            let rb = effects.of(rid) + 0.2 * rng.normal();
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
