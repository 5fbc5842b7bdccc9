#!/usr/bin/env bash
# Runs every fuzz target of crosshedge for a bounded time (default 60 s each), outside the main
# test run. Usage: fuzz/run.sh [seconds] [target ...]
#
# Each target starts from the committed hand-made seeds in fuzz/corpus/<target>/ (read only)
# and grows a working corpus under fuzz/target/corpus/<target>/. libFuzzer fails the run on a
# panic, on an input taking more than 1 s (-timeout=1) or on more than 2 GiB of memory
# (-rss_limit_mb; -malloc_limit_mb bounds a single allocation); inputs are at most 64 KiB, so
# 10x the input is far below any allocation the importers make beyond their fixed buffers.
# A failing input is saved under fuzz/artifacts/<target>/; reproduce it with
# `cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>`.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
all=(import_csv futures_csv date book_toml manifest user_shock events_csv parity_chain episodes_toml vendor_formats)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
cargo +nightly fuzz build --fuzz-dir fuzz
failed=()
for t in "${targets[@]}"; do
  work="fuzz/target/corpus/$t"
  mkdir -p "$work" "fuzz/artifacts/$t"
  echo "== $t: ${secs}s"
  if ! cargo +nightly fuzz run --fuzz-dir fuzz "$t" "$work" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=512 \
      -max_len=65536 -print_final_stats=1 2>"fuzz/target/$t.log"; then
    failed+=("$t")
    tail -n 30 "fuzz/target/$t.log"
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "fuzz/target/$t.log" | tr '\n' ' '
    echo
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all ${#targets[@]} targets ran ${secs}s each without a crash, panic, timeout or OOM"
