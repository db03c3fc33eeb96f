pub mod appraise;
pub mod promote;
pub mod revision;
pub mod stats;
