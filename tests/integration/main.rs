//! Integration tests: they drive the real `ksa` binary on real files.
//! One module per area; `common` has the helpers.

mod appraise;
mod common;
mod ingest;
mod model;
mod plan;
mod props;
mod report;
mod score;
mod smoke;
mod stats;
