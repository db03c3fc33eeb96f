//! The bottom layer for files ksa writes, which every stage may use:
//! writing a file whole or not at all and never over an input (`dest`),
//! formula-safe CSV text (`formula`), and the audit record of which model
//! and inputs an output came from (`audit`). It imports nothing of ksa but
//! `error` and `input` (to read the inputs it fingerprints).

pub mod audit;
pub mod dest;
pub mod formula;

pub use audit::{Audit, AuditFile};
pub use formula::{csv_text, looks_like_formula};
