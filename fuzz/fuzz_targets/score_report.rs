//! libFuzzer target: see ksa::fuzzing::score_and_report and docs/fuzzing.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ksa::fuzzing::score_and_report(data);
});
