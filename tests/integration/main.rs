//! Integration tests: they drive the real `ksa` binary on real files.
//! One module per area; `common` has the helpers.

mod common;
mod smoke;
