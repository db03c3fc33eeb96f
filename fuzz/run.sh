#!/bin/sh
# Runs the ksa fuzz targets one after another (docs/fuzzing.md).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# New inputs go to fuzz/corpus-work/<target> (not committed); the committed
# seeds in fuzz/corpus/<target> are only read. Crashes land in
# fuzz/artifacts/<target>/: minimise one with
#   cargo +nightly fuzz tmin <target> fuzz/artifacts/<target>/crash-…
# and, once fixed, copy it into fuzz/corpus/<target>/ so that
# tests/integration/fuzz_corpus.rs replays it on every `cargo test`.
set -eu
cd "$(dirname "$0")"
# The data harnesses write each input, and the rejects and reports read
# from it, into a fresh temporary folder: on a memory-backed folder they
# run about twice as fast as on disk (docs/fuzzing.md, "Results").
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-model_load evals_ingest score_report}

for target in $targets; do
    case $target in
        model_load) max_len=32768 ;;   # the bundled model is 24 KB
        *) max_len=8192 ;;             # a few dozen rows in any encoding
    esac
    mkdir -p "corpus-work/$target"
    echo "== $target: ${seconds}s, -max_len=$max_len"
    # One fuzzing process on one core (the machine is shared); libFuzzer's
    # -jobs=1 would do the same but send the output to fuzz-0.log.
    cargo +nightly fuzz run -O --debug-assertions "$target" \
        "corpus-work/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len="$max_len" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
