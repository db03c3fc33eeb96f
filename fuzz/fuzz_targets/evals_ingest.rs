//! libFuzzer target: see ksa::fuzzing::evaluations and docs/fuzzing.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ksa::fuzzing::evaluations(data);
});
