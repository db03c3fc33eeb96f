//! Matching a header row to ksa's columns (evaluation-files.md, "Columns"):
//! trimmed, case-insensitive, with English and Chinese aliases; in the wide
//! format, competency ids or names as headers.

use crate::error::{KsaError, Result};
use crate::model::Model;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    PersonId,
    Name,
    Grade,
    Unit,
    Period,
    Rater,
    RaterId,
    Competency,
    Score,
    Comment,
}

impl Column {
    pub const ALL: [Column; 10] = [
        Column::PersonId,
        Column::Name,
        Column::Grade,
        Column::Unit,
        Column::Period,
        Column::Rater,
        Column::RaterId,
        Column::Competency,
        Column::Score,
        Column::Comment,
    ];

    /// The canonical name first, then the aliases.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Column::PersonId => &[
                "person_id",
                "employee_id",
                "candidate_id",
                "工号",
                "员工编号",
                "人员编号",
                "候选人编号",
            ],
            Column::Name => &["name", "姓名"],
            Column::Grade => &["grade", "职级", "岗位层级", "层级"],
            Column::Unit => &["unit", "department", "branch", "部门", "机构", "支行"],
            Column::Period => &["period", "考核期", "期间"],
            Column::Rater => &["rater", "rater_group", "评价人类型", "评价者类型"],
            Column::RaterId => &["rater_id", "评价人", "评价人编号"],
            Column::Competency => &["competency", "能力项", "指标"],
            Column::Score => &["score", "得分", "分数", "评分"],
            Column::Comment => &["comment", "评语", "备注"],
        }
    }

    pub fn canonical(self) -> &'static str {
        self.names()[0]
    }

    fn index(self) -> usize {
        Column::ALL.iter().position(|&c| c == self).unwrap()
    }

    /// The column a `--column` flag names by its canonical name.
    pub fn named(name: &str) -> Option<Column> {
        let n = name.trim().to_lowercase();
        Column::ALL.iter().copied().find(|c| c.canonical() == n)
    }

    /// Its names in a message: "score (得分, 分数, 评分)".
    fn with_aliases(self) -> String {
        format!("{} ({})", self.canonical(), self.names()[1..].join(", "))
    }
}

/// `--column COLUMN=HEADER`, checked: the column must be one of ksa's.
pub fn parse_column_flag(flag: &str) -> Result<(Column, String)> {
    let bad = |why: String| KsaError::invalid(format!("--column {flag}: {why}"));
    let (name, header) = flag
        .split_once('=')
        .ok_or_else(|| bad("write it as COLUMN=HEADER, e.g. --column score=成绩".into()))?;
    let header = header.trim();
    if header.is_empty() {
        return Err(bad("the header after = is empty".into()));
    }
    let column = Column::named(name).ok_or_else(|| {
        let all: Vec<&str> = Column::ALL.iter().map(|c| c.canonical()).collect();
        let known: Vec<crate::suggest::Known> = all
            .iter()
            .map(|c| crate::suggest::Known::plain(c))
            .collect();
        bad(format!(
            "\"{}\" is not a column of ksa (columns: {}){}",
            name.trim(),
            all.join(", "),
            crate::suggest::did_you_mean(name, &known)
        ))
    })?;
    Ok((column, header.to_string()))
}

/// Whether one of `fields` names the person column (by an alias, or as
/// `--column person_id=…` maps it).
pub fn has_person_column(fields: &[String], mapped: &[(Column, String)]) -> bool {
    fields.iter().any(|f| {
        let norm = normalise_header(f);
        mapped
            .iter()
            .any(|(c, h)| *c == Column::PersonId && normalise_header(h) == norm)
            || Column::PersonId
                .names()
                .iter()
                .any(|n| n.to_lowercase() == norm)
    })
}

/// Header text as it is compared: trimmed and lower-cased.
pub fn normalise_header(h: &str) -> String {
    h.trim().to_lowercase()
}

/// What a file's header says about its layout.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Field index of each known column, by `Column::index`.
    positions: [Option<usize>; 10],
    /// Wide format: (field index, competency index) for every competency column.
    pub competency_columns: Vec<(usize, usize)>,
    /// The header as written, for messages.
    pub headers: Vec<String>,
    /// Headers that are neither a ksa column nor (in the wide format) a
    /// competency: warned about once, or an error with `--strict`.
    pub unknown: Vec<String>,
    pub long: bool,
    pub width: usize,
}

impl Layout {
    pub fn get(&self, c: Column) -> Option<usize> {
        self.positions[c.index()]
    }

    /// Whether field `field` holds something ksa reads: a ksa column or, in
    /// the wide format, a competency (unknown columns are ignored).
    pub fn is_read(&self, field: usize) -> bool {
        self.positions.contains(&Some(field))
            || self.competency_columns.iter().any(|&(f, _)| f == field)
    }

    /// The header text of a column as the file writes it.
    pub fn header_of(&self, c: Column) -> &str {
        self.get(c)
            .map(|i| self.headers[i].trim())
            .unwrap_or(c.canonical())
    }

    /// Maps a header row. Header errors (evaluation-files.md, "Edge cases") are
    /// file-level: no person column, only one of competency/score, or two
    /// headers naming the same column.
    pub fn from_header(
        headers: Vec<String>,
        model: &Model,
        label: &str,
        mapped: &[(Column, String)],
        hint: &dyn Fn() -> String,
    ) -> Result<Layout> {
        let mut positions: [Option<usize>; 10] = [None; 10];
        let mut competency_columns: Vec<(usize, usize)> = Vec::new();
        let mut unknown = Vec::new();
        let mut wide_candidates = Vec::new();

        for (i, h) in headers.iter().enumerate() {
            let norm = normalise_header(h);
            let known = mapped
                .iter()
                .find(|(_, header)| normalise_header(header) == norm)
                .map(|(c, _)| *c)
                .or_else(|| {
                    Column::ALL
                        .iter()
                        .copied()
                        .find(|c| c.names().iter().any(|n| n.to_lowercase() == norm))
                });
            match known {
                Some(c) => {
                    if let Some(prev) = positions[c.index()] {
                        return Err(KsaError::invalid(format!(
                            "{label}: header: columns \"{}\" and \"{}\" both name the column `{}`",
                            headers[prev].trim(),
                            h.trim(),
                            c.canonical()
                        )));
                    }
                    positions[c.index()] = Some(i);
                }
                None => wide_candidates.push((i, norm)),
            }
        }

        let has_comp = positions[Column::Competency.index()].is_some();
        let has_score = positions[Column::Score.index()].is_some();
        let found = || {
            headers
                .iter()
                .map(|h| format!("\"{}\"", h.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if positions[Column::PersonId.index()].is_none() {
            return Err(KsaError::invalid(format!(
                "{label}: header: no person column; the header has {}; a person column is named {}, or map yours with --column person_id=HEADER{}",
                found(),
                Column::PersonId.with_aliases(),
                hint()
            )));
        }
        if has_comp != has_score {
            let (have, lack) = if has_comp {
                (Column::Competency, Column::Score)
            } else {
                (Column::Score, Column::Competency)
            };
            // One header that is nothing ksa knows is most likely it.
            let header = match wide_candidates.as_slice() {
                [(i, _)] => headers[*i].trim().to_string(),
                _ => "HEADER".to_string(),
            };
            return Err(KsaError::invalid(format!(
                "{label}: header: a `{}` column without a `{}` column (the long format needs both, the wide format neither); the header has {}; a {} column is named {}, or map yours with --column {}={header}",
                have.canonical(),
                lack.canonical(),
                found(),
                lack.canonical(),
                lack.with_aliases(),
                lack.canonical()
            )));
        }
        let long = has_comp;

        for (i, norm) in wide_candidates {
            let comp = if long {
                None
            } else {
                // Ids win over names (model-format.md).
                model
                    .competencies
                    .iter()
                    .position(|c| c.id.to_lowercase() == norm)
                    .or_else(|| {
                        model
                            .competencies
                            .iter()
                            .position(|c| c.name.trim().to_lowercase() == norm)
                    })
            };
            match comp {
                Some(ci) => {
                    if let Some(&(prev, _)) = competency_columns.iter().find(|(_, c)| *c == ci) {
                        return Err(KsaError::invalid(format!(
                            "{label}: header: columns \"{}\" and \"{}\" both name the competency {}",
                            headers[prev].trim(),
                            headers[i].trim(),
                            model.competencies[ci].id
                        )));
                    }
                    competency_columns.push((i, ci));
                }
                None => unknown.push(headers[i].trim().to_string()),
            }
        }

        Ok(Layout {
            positions,
            competency_columns,
            width: headers.len(),
            headers,
            unknown,
            long,
        })
    }
}
