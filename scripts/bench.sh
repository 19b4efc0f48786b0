#!/usr/bin/env bash
# Runs Keeper's benchmarks (release builds) and prints one table of their key figures.
# Each benchmark prints its own detail to the log, and its key figures as lines
#   BENCH<TAB>group<TAB>metric<TAB>value<TAB>target
# which this script gathers. Medians are reported where a benchmark repeats a run.
#   scripts/bench.sh            everything (about 25 minutes on 2 cores)
#   KEEPER_BENCH_QUICK=1 ...    shorter pacing phases, no 100k x 100k matching, salon-size import and search
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KEEPER_ROOT"
apt_ensure build-essential pkg-config python3-venv
KEEPER_PYTHON="$(scripts/provision-python.sh)"
export KEEPER_PYTHON
LOG="${KEEPER_BENCH_LOG:-$CARGO_TARGET_DIR/bench.log}"
: > "$LOG"
quick="${KEEPER_BENCH_QUICK:-0}"

run() {
  echo "==> $*" >&2
  "$@" 2>>"$LOG" | tee -a "$LOG" >/dev/null
}

run cargo run -q --release -p keeper-sim --example sim_load -- large 8 4000
if [ "$quick" = 1 ]; then
  run cargo run -q --release -p keeper-square --example pacing_bench -- --quick
  FEBRL_ONLY=1 run cargo run -q --release -p keeper-enrich --example febrl_bench
else
  run cargo run -q --release -p keeper-square --example pacing_bench
  run cargo run -q --release -p keeper-enrich --example febrl_bench
fi
run cargo run -q --release -p keeper-normalize --example normalize_bench -- salon
run cargo test -q --release -p keeper-analysis --test simulated -- --ignored --nocapture
run cargo run -q --release -p keeper-analysis --example insights_bench
if [ "$quick" = 1 ]; then
  run cargo run -q --release -p keeper-import --example import_bench -- salon
else
  run cargo run -q --release -p keeper-import --example import_bench
fi
run cargo run -q --release -p keeper-reviews --example sentiment_eval
KEEPER_MODEL_DIR="$(scripts/provision-model.sh --print-dir)"
export KEEPER_MODEL_DIR
run cargo run -q --release -p keeper-search --example search_eval -- salon
run cargo run -q --release -p keeper-search --example search_bench -- salon
if [ "$quick" != 1 ]; then
  # Every large customer's document is built; 300 go through the model (the per-customer
  # cost), the rest get copies of those vectors so the search runs over all of them.
  run cargo run -q --release -p keeper-search --example search_bench -- large 300
fi
if [ "$quick" = 1 ]; then
  run cargo run -q --release -p keeper-api --example ui_latency -- salon
else
  run cargo run -q --release -p keeper-api --example ui_latency -- large
fi

echo
grep -h $'^BENCH\t' "$LOG" | cut -f2- | awk -F'\t' '
  BEGIN { printf "%-14s %-58s %18s %20s\n", "area", "measure", "value", "target";
          printf "%-14s %-58s %18s %20s\n", "----", "-------", "-----", "------" }
  { printf "%-14s %-58s %18s %20s\n", $1, $2, $3, $4 }'
echo
echo "details: $LOG"
