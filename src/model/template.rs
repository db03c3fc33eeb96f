//! `ksa model init`: a commented starting model that an analyst edits into
//! their department's own. It uses every part of the format once, with
//! comments that say what each key means, and passes `ksa model check` with
//! no warning, so the first check after editing shows only what was changed.

use super::Language;
use std::fmt::Write as _;

/// The most grades a starting model offers; real job ladders have 2–5.
pub const MAX_GRADES: usize = 9;

/// Labels of one language.
struct Words {
    header: &'static str,
    schema_hint: &'static str,
    name: &'static str,
    levels: [&'static str; 5],
    /// The paper's three grades (article 1), used when three are asked for.
    three_grades: [(&'static str, &'static str, &'static str); 3],
    grade: &'static str,
    raters: [&'static str; 4],
    categories: [&'static str; 3],
    knowledge: (&'static str, [&'static str; 3]),
    skill: (&'static str, [&'static str; 3]),
    attribute: (&'static str, [&'static str; 3]),
    recruitment: &'static str,
    duty: (&'static str, [&'static str; 2]),
    course: (&'static str, &'static str),
}

const ZH: Words = Words {
    header: "# 能力素质模型 (KSA) — ksa 模型文件, schema 1。由 `ksa model init` 生成:请按本部门岗位职责修改。\n# 检查: ksa model check 本文件;  查看: ksa model show 本文件",
    schema_hint: "# 编辑器校验与补全: ksa model schema > ksa-model.schema.json, 再把\n# `#:schema ./ksa-model.schema.json` 作为本文件第一行 (taplo / Even Better TOML)。",
    name: "我的部门能力素质模型",
    levels: [
        "未掌握",
        "有一定了解",
        "了解并能够运用",
        "深入了解、熟练运用",
        "精通,能指导他人",
    ],
    three_grades: [
        ("assistant", "助理", "对知识有一定了解"),
        ("regular", "专员", "对主要知识有所了解并能够运用"),
        ("senior", "高级专员", "对知识深入了解熟练运用"),
    ],
    grade: "等级",
    raters: ["上级", "同事", "客户", "自评"],
    categories: ["知识", "技能", "素质"],
    knowledge: (
        "业务知识",
        [
            "能说明主要业务的流程与规定",
            "能运用业务知识解决常见问题",
            "能解决复杂问题并指导他人",
        ],
    ),
    skill: (
        "沟通能力",
        [
            "能清楚表达并倾听对方",
            "能根据对象调整沟通方式,化解分歧",
            "能主持复杂沟通与谈判",
        ],
    ),
    attribute: (
        "责任心",
        [
            "按时完成分内工作",
            "主动承担责任,对结果负责",
            "在团队中树立标准,带动他人",
        ],
    ),
    recruitment: "招聘权重",
    duty: ("主要职责", ["任务一", "任务二"]),
    course: ("业务知识与沟通培训", "课程说明:内容、形式、适用人群。"),
};

const EN: Words = Words {
    header: "# Competency model (KSA) — ksa model file, schema 1. Written by `ksa model init`: edit it\n# into your department's model. Check: ksa model check THIS-FILE;  view: ksa model show THIS-FILE",
    schema_hint: "# Validation and completion in editors: ksa model schema > ksa-model.schema.json, then make\n# `#:schema ./ksa-model.schema.json` the first line of this file (taplo / Even Better TOML).",
    name: "My department's competency model",
    levels: [
        "No knowledge",
        "Some understanding",
        "Understands and can apply",
        "Deep understanding, applies fluently",
        "Expert, can teach others",
    ],
    three_grades: [
        ("assistant", "Assistant", "Has some understanding"),
        ("regular", "Officer", "Understands the main knowledge and can apply it"),
        ("senior", "Senior officer", "Deep understanding, applies fluently"),
    ],
    grade: "Grade",
    raters: ["Supervisor", "Peers", "Customers", "Self"],
    categories: ["Knowledge", "Skills", "Attributes"],
    knowledge: (
        "Business knowledge",
        [
            "Explains the main processes and rules",
            "Solves everyday problems with it",
            "Solves complex cases and coaches others",
        ],
    ),
    skill: (
        "Communication",
        [
            "Speaks clearly and listens",
            "Adapts to the audience and resolves disagreement",
            "Leads difficult conversations and negotiations",
        ],
    ),
    attribute: (
        "Responsibility",
        [
            "Finishes own work on time",
            "Takes ownership of results",
            "Sets the standard for the team",
        ],
    ),
    recruitment: "Recruitment",
    duty: ("Main duty", ["Task one", "Task two"]),
    course: (
        "Business knowledge and communication course",
        "What the course covers, its format and audience.",
    ),
};

/// The required level of grade `i` of `n` on a 1–5 scale: rising from 2
/// ("some understanding") to 4 for up to three grades, as the source paper
/// does, and to 5 when a longer ladder needs the room.
pub fn grade_level(i: usize, n: usize) -> i64 {
    let top = if n <= 3 { 4.0 } else { 5.0 };
    if n <= 1 {
        return 3;
    }
    (2.0 + i as f64 * (top - 2.0) / (n - 1) as f64).round() as i64
}

/// Grade ids and names for a ladder of `n` grades.
fn grades(n: usize, w: &Words) -> Vec<(String, String, Option<String>)> {
    if n == 3 {
        return w
            .three_grades
            .iter()
            .map(|(id, name, d)| (id.to_string(), name.to_string(), Some(d.to_string())))
            .collect();
    }
    (1..=n)
        .map(|i| (format!("g{i}"), format!("{}{i}", w.grade), None))
        .collect()
}

/// The text of a starting model with `n` grades (1..=MAX_GRADES).
pub fn starting_model(n: usize, lang: Language) -> String {
    let w = match lang {
        Language::Zh => &ZH,
        Language::En => &EN,
    };
    let grades = grades(n, w);
    let mut s = String::new();
    let _ = writeln!(s, "{}\n{}\n", w.header, w.schema_hint);
    let _ = writeln!(
        s,
        "schema = 1\n# Stable id: lowercase letters, digits, '.', '_', '-'. Every output names it.\nid = \"my-model\"\nname = {:?}\n# Raise the version whenever the model changes (`ksa model diff OLD NEW` shows what changed).\nversion = \"1\"\nlanguage = \"{}\"\n",
        w.name,
        lang.code()
    );

    s.push_str("# The proficiency scale. Ratings may be any number in [min, max].\n[scale]\nmin = 1\nmax = 5\n\n[scale.labels]\n");
    for (i, label) in w.levels.iter().enumerate() {
        let _ = writeln!(s, "\"{}\" = {label:?}", i + 1);
    }

    s.push_str("\n# Job grades, junior -> senior.\n");
    for (id, name, description) in &grades {
        let _ = writeln!(s, "[[grades]]\nid = {id:?}\nname = {name:?}");
        if let Some(d) = description {
            let _ = writeln!(s, "description = {d:?}");
        }
        s.push('\n');
    }

    s.push_str(
        "# Rater groups. The first is the default for rows that name no group.\n\
         # weight: share in a competency score; min_count: fewer distinct raters are\n\
         # never shown on their own in a report (anonymity).\n",
    );
    let raters = [
        ("supervisor", 0.5, None),
        ("peer", 0.25, Some(3)),
        ("customer", 0.25, Some(3)),
        ("self", 0.0, None),
    ];
    for ((id, weight, min_count), name) in raters.iter().zip(w.raters) {
        if *id == "self" {
            s.push_str("# Self-ratings are shown beside the others but not counted (weight 0).\n");
        }
        let _ = writeln!(
            s,
            "[[raters]]\nid = \"{id}\"\nname = {name:?}\nweight = {weight}"
        );
        if let Some(m) = min_count {
            let _ = writeln!(s, "min_count = {m}");
        }
        s.push('\n');
    }

    s.push_str("# The KSA tree: categories, weighted in the overall score and in fit.\n");
    for (id, name) in ["K", "S", "A"].iter().zip(w.categories) {
        let _ = writeln!(
            s,
            "[[categories]]\nid = \"{id}\"\nname = {name:?}\nweight = 1\n"
        );
    }

    s.push_str(
        "# Competencies: the rated leaves. `required` gives the level each grade needs\n\
         # (a grade left out: not required); `indicators` say what a person at a level does.\n\
         # Personal attributes are usually not trainable: they are recruited for.\n",
    );
    let levels: Vec<i64> = (0..n).map(|i| grade_level(i, n)).collect();
    let indicator_levels = [2, 3, 4];
    let leaves = [
        ("K.business", "K", w.knowledge, true, false),
        ("S.communication", "S", w.skill, true, false),
        ("A.responsibility", "A", w.attribute, false, true),
    ];
    for (id, category, (name, indicators), trainable, critical) in leaves {
        let _ = writeln!(
            s,
            "[[competencies]]\nid = \"{id}\"\nname = {name:?}\ncategory = \"{category}\"\nweight = 1"
        );
        if !trainable {
            s.push_str("trainable = false\n");
        }
        if critical {
            s.push_str("# A knock-out competency: no tolerance when deciding whether a grade is met.\ncritical = true\n");
        }
        let required: Vec<String> = grades
            .iter()
            .zip(&levels)
            .map(|((g, _, _), l)| format!("{g} = {l}"))
            .collect();
        let _ = writeln!(s, "required = {{ {} }}", required.join(", "));
        let ind: Vec<String> = indicator_levels
            .iter()
            .zip(indicators)
            .map(|(l, t)| format!("\"{l}\" = {t:?}"))
            .collect();
        let _ = writeln!(s, "indicators = {{ {} }}\n", ind.join(", "));
    }

    let _ = writeln!(
        s,
        "# Alternative category weights, chosen with --weighting: recruiting weights the\n\
         # hard-to-train attributes most.\n[[weightings]]\nid = \"recruitment\"\nname = {:?}\ncategories = {{ K = 0.2, S = 0.3, A = 0.5 }}\n",
        w.recruitment
    );
    s.push_str(
        "# A non-critical competency may be this far below its requirement and still meet the grade.\n\
         [placement]\ntolerance = 0.25\n\n",
    );
    let (duty, tasks) = w.duty;
    let _ = writeln!(
        s,
        "# Job duties and the competencies they rely on.\n[[duties]]\nid = \"D.main\"\nname = {duty:?}\ntasks = [{:?}, {:?}]\ncompetencies = [\"K.business\", \"S.communication\", \"A.responsibility\"]\n",
        tasks[0], tasks[1]
    );
    let (course, description) = w.course;
    let _ = writeln!(
        s,
        "# The training catalogue: each trainable requirement needs a course that covers it.\n\
         # gain: levels a completed course adds; up_to: no one is raised above this level.\n\
         [[training]]\nid = \"T.basics\"\nname = {course:?}\ncompetencies = [\"K.business\", \"S.communication\"]\ngain = 1\nup_to = 5\nhours = 16\ncost = 2000\ndescription = {description:?}"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_model_str;

    #[test]
    fn every_starting_model_is_valid_and_gives_no_warning() {
        for lang in [Language::Zh, Language::En] {
            for n in 1..=MAX_GRADES {
                let text = starting_model(n, lang);
                let loaded = load_model_str(&text, "init.toml")
                    .unwrap_or_else(|e| panic!("{n} grades, {lang:?}: {e:?}\n{text}"));
                assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
                assert_eq!(loaded.model.grades.len(), n);
                assert_eq!(loaded.model.language, lang);
            }
        }
    }

    #[test]
    fn levels_rise_with_the_grade_as_in_the_paper() {
        assert_eq!(
            (0..3).map(|i| grade_level(i, 3)).collect::<Vec<_>>(),
            [2, 3, 4]
        );
        assert_eq!(
            (0..4).map(|i| grade_level(i, 4)).collect::<Vec<_>>(),
            [2, 3, 4, 5]
        );
        assert_eq!(grade_level(0, 1), 3);
        for n in 2..=MAX_GRADES {
            let l: Vec<i64> = (0..n).map(|i| grade_level(i, n)).collect();
            assert!(l.windows(2).all(|w| w[0] <= w[1]), "{l:?}");
            assert!(l.iter().all(|&x| (2..=5).contains(&x)), "{l:?}");
        }
    }
}
