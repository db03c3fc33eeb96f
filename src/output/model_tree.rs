//! `ksa model show`: the KSA tree (category → group → competency) with the
//! required level per grade as aligned columns. Alignment uses display
//! width, so Chinese names line up.

use super::text::{shown, TextTable};
use crate::model::{fmt_level, Language, Model};

struct Words {
    weight: &'static str,
    scale: &'static str,
    critical: &'static str,
    not_trainable: &'static str,
    legend: &'static str,
    tolerance: &'static str,
}

fn words(lang: Language) -> Words {
    match lang {
        Language::Zh => Words {
            weight: "权重",
            scale: "等级",
            critical: "关键",
            not_trainable: "不可培训",
            legend: "“关键”:一票否决项,判定是否达到职级时不适用容差;“不可培训”:培训无法提升,需辅导、轮岗或在选拔时考虑;“-”:该职级不要求",
            tolerance: "容差",
        },
        Language::En => Words {
            weight: "weight",
            scale: "scale",
            critical: "critical",
            not_trainable: "not trainable",
            legend: "critical: knock-out, no tolerance when deciding whether someone meets a grade; not trainable: courses cannot raise it (coaching, rotation, selection); -: not required at that grade",
            tolerance: "tolerance",
        },
    }
}

pub fn render(model: &Model, lang: Language) -> String {
    let w = words(lang);
    let mut out = String::new();
    // The model's own text is shown as the table shows it (`text::shown`).
    let title = format!("{}  ({} {})", model.name, model.id, model.version);
    out.push_str(&shown(&title));
    out.push('\n');
    let levels: Vec<String> = (model.scale.min..=model.scale.max)
        .map(|l| match model.scale.label(l) {
            Some(t) => format!("{l} {t}"),
            None => l.to_string(),
        })
        .collect();
    out.push_str(&shown(&format!("{}: {}", w.scale, levels.join(" · "))));
    out.push('\n');
    out.push_str(&format!(
        "{}: {}\n\n",
        w.tolerance,
        fmt_level(model.placement.tolerance)
    ));

    let mut header = vec![String::new(), w.weight.to_string()];
    header.extend(model.grades.iter().map(|g| g.name.clone()));
    let mut t = TextTable::new(header);
    let ng = model.grades.len();
    let right = |n: usize| {
        let mut r = vec![false];
        r.extend(std::iter::repeat_n(true, n - 1));
        r
    };
    for (k, cat) in model.categories.iter().enumerate() {
        let mut row = vec![format!("{} {}", cat.id, cat.name), fmt_level(cat.weight)];
        row.extend(std::iter::repeat_n(String::new(), ng));
        t.push(row, right(ng + 2));
        let mut group: Option<&str> = None;
        for c in model.competencies_of(k) {
            let comp = &model.competencies[c];
            let indent = if comp.group.is_some() { "    " } else { "  " };
            if comp.group.as_deref() != group {
                group = comp.group.as_deref();
                if let Some(gname) = group {
                    let mut row = vec![format!("  {gname}"), String::new()];
                    row.extend(std::iter::repeat_n(String::new(), ng));
                    t.push(row, right(ng + 2));
                }
            }
            let mut flags = Vec::new();
            if comp.critical {
                flags.push(w.critical);
            }
            if !comp.trainable {
                flags.push(w.not_trainable);
            }
            let flag_text = if flags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", flags.join(", "))
            };
            let mut row = vec![
                format!("{indent}{} {}{flag_text}", comp.id, comp.name),
                fmt_level(comp.weight),
            ];
            for g in 0..ng {
                row.push(
                    comp.requirement(g)
                        .map(fmt_level)
                        .unwrap_or_else(|| "-".into()),
                );
            }
            t.push(row, right(ng + 2));
        }
    }
    out.push_str(&t.render());
    out.push('\n');
    out.push_str(w.legend);
    out.push('\n');
    out
}
