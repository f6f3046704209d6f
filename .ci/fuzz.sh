#!/usr/bin/env bash
# The fuzz target `compile` (fuzz/) for a bounded time, seeded with the examples and every
# fixture: any panic or failed assertion fails the run, with the input in
# fuzz/artifacts/compile/.
#
#   .ci/fuzz.sh [SECONDS]        (default 60)
#
# Needs a nightly toolchain (libFuzzer's instrumentation) and cargo-fuzz, which it installs
# with `cargo install --locked` when missing. Builds without a sanitizer (`-s none`): drc
# forbids unsafe code, and the run does twice the inputs without AddressSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN="${1:-60}"
if ! cargo +nightly --version >/dev/null 2>&1; then
    # The image this project runs on ships a nightly toolchain beside stable; a machine
    # without one cannot fetch it, so the step says so loudly and is skipped, not failed.
    echo "fuzz: NOT RUN: no nightly toolchain on this machine (libFuzzer needs one)" >&2
    exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi
CORPUS=fuzz/corpus/compile
mkdir -p "$CORPUS" fuzz/artifacts/compile
cp examples/*.dr "$CORPUS/"
for f in tests/fixtures/*/*/*.dr; do
    cp "$f" "$CORPUS/$(echo "$f" | tr / _)"
done
cargo +nightly fuzz run -s none compile "$CORPUS" -- \
    -dict=fuzz/dr.dict -max_total_time="$SECONDS_TO_RUN" -print_final_stats=1
