//! The rows of `ksa appraise` (`analysis::appraise::appraise`), one per
//! person in the order given: unit, rank, then person_id.

use super::{Sink, Value};
use crate::analysis::appraise::Appraised;
use std::io;

/// The columns of `ksa appraise` (cli.md).
pub fn columns() -> Vec<String> {
    [
        "unit",
        "rank",
        "person_id",
        "name",
        "task",
        "competency",
        "objective",
        "composite",
        "overall_from",
        "overall_to",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Writes the appraised people, scores with 2 decimals.
pub fn write(rows: &[Appraised], sink: &mut dyn Sink) -> io::Result<()> {
    for p in rows {
        sink.row(&[
            p.unit.as_deref().map_or(Value::Missing, Value::Text),
            p.rank.map_or(Value::Missing, |r| Value::Int(r as u64)),
            Value::Text(&p.person_id),
            p.name.as_deref().map_or(Value::Missing, Value::Text),
            Value::Num(p.task, 2),
            Value::Num(p.development, 2),
            Value::Num(p.objective, 2),
            Value::Num(p.composite, 2),
            Value::Num(p.overall_from, 2),
            Value::Num(p.overall_to, 2),
        ])?;
    }
    Ok(())
}
