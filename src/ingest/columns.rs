//! Matching a header row to ksa's columns (evaluations.md, "Columns"):
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

    /// Maps a header row. Header errors (evaluations.md, "Edge cases") are
    /// file-level: no person column, only one of competency/score, or two
    /// headers naming the same column.
    pub fn from_header(headers: Vec<String>, model: &Model, label: &str) -> Result<Layout> {
        let mut positions: [Option<usize>; 10] = [None; 10];
        let mut competency_columns: Vec<(usize, usize)> = Vec::new();
        let mut unknown = Vec::new();
        let mut wide_candidates = Vec::new();

        for (i, h) in headers.iter().enumerate() {
            let norm = normalise_header(h);
            let known = Column::ALL
                .iter()
                .copied()
                .find(|c| c.names().iter().any(|n| n.to_lowercase() == norm));
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
        if positions[Column::PersonId.index()].is_none() {
            return Err(KsaError::invalid(format!(
                "{label}: header: no person column (person_id, employee_id, candidate_id, 工号, 员工编号, 人员编号 or 候选人编号)"
            )));
        }
        if has_comp != has_score {
            let (have, lack) = if has_comp {
                (Column::Competency, Column::Score)
            } else {
                (Column::Score, Column::Competency)
            };
            return Err(KsaError::invalid(format!(
                "{label}: header: a `{}` column without a `{}` column; the long format needs both, the wide format neither",
                have.canonical(),
                lack.canonical()
            )));
        }
        let long = has_comp;

        for (i, norm) in wide_candidates {
            let comp = if long {
                None
            } else {
                // Ids win over names (model.md).
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
