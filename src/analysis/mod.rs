pub mod appraise;
pub mod promote;
pub mod stats;
