#!/usr/bin/env bash
# Runs the three fuzz targets at once, each for SECONDS (default 3600), at the lowest CPU
# priority (so that the machine stays usable), from the seeds in regressions/ and the working
# corpus in corpus/ (kept between runs, not committed). Logs go to logs/<target>.log; the last
# lines print, per target, the time, executions, coverage and what was found (crash-, leak-,
# timeout- and oom- files in artifacts/<target>/), and how many slow-unit- files libFuzzer kept
# (an input that took over 10 s: replay it to see whether it really is slow).
#
#   cargo install cargo-fuzz --locked
#   fuzz/run.sh [SECONDS]
#
# Targets are built first with `cargo fuzz build -O` (RUSTC_BOOTSTRAP=1: this project's
# machines have a stable toolchain only). See README.md beside this file.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-3600}
TARGETS=(signature_header inbox_json search_query)
export RUSTC_BOOTSTRAP=1
for t in "${TARGETS[@]}"; do
    cargo fuzz build -O "$t"
done
mkdir -p logs
pids=()
for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    extra=()
    [ "$t" = inbox_json ] && extra=(-max_len=65536)
    nice -n 19 cargo fuzz run -O "$t" "corpus/$t" "regressions/$t" -- \
        -max_total_time="$SECONDS_EACH" -print_final_stats=1 "${extra[@]}" \
        >"logs/$t.log" 2>&1 &
    pids+=($!)
done
status=0
for p in "${pids[@]}"; do
    wait "$p" || status=1
done
for t in "${TARGETS[@]}"; do
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' || true)
    secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "logs/$t.log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || true)
    cov=$(grep -o 'cov: [0-9]*' "logs/$t.log" | tail -n 1 | grep -o '[0-9]*' || true)
    found=$(find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    # libFuzzer also keeps the slowest input (over 10 s); a run that was stopped for a while
    # (kill -STOP, as for a benchmark) reports whatever input was running then.
    slow=$(find "artifacts/$t" -type f -name 'slow-unit-*' | wc -l)
    echo "$t: ${secs:-?} s, ${runs:-?} executions, coverage ${cov:-?} edges, $found found, $slow slow (artifacts/$t)"
done
exit $status
