pub mod appraise;
pub mod bootstrap;
pub mod explain;
pub mod org;
pub mod promote;
pub mod revision;
pub mod stats;
