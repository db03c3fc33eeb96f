//! libFuzzer target: see ksa::fuzzing::model_text and docs/fuzzing.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ksa::fuzzing::model_text(data);
});
