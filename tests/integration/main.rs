//! Integration tests: they drive the real `ksa` binary on real files.
//! One module per area; `common` has the helpers.

mod anonymity;
mod appraise;
mod common;
mod compare;
mod customer_service;
mod editor;
mod excel_in;
mod excel_out;
mod explain;
mod failure;
mod files;
mod fuzz_corpus;
mod hostile;
mod ingest;
mod injection;
mod layering;
mod messages;
mod model;
mod model_diff;
mod org;
mod plan;
mod privacy;
mod props;
mod report;
mod sample;
mod score;
mod smoke;
mod stats;
