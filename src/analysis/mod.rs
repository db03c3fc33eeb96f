pub mod appraise;
pub mod explain;
pub mod promote;
pub mod revision;
pub mod stats;
