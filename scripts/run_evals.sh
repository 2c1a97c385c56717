#!/usr/bin/env bash
# Runs every accuracy measurement of BENCHMARKS.md and writes each table to OUT_DIR.
#
#   cargo build --release && scripts/run_evals.sh [OUT_DIR]     (default: out/evals)
#
# Needs the public data sets in ../shared/data (read only here, never by the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${FINNEWS:-target/release/finnews}
DATA=${DATA:-../shared/data}
out=${1:-out/evals}
mkdir -p "$out"

run() {
    local name=$1
    shift
    echo "== $name: finnews $*" >&2
    "$B" "$@" > "$out/$name.txt"
}

for mode in default fast; do
    flag=()
    [ "$mode" = fast ] && flag=(--fast)
    run "dev-$mode" eval corpus/gold/dev.jsonl "${flag[@]}"
    run "train-$mode" eval corpus/gold/train.jsonl "${flag[@]}"
    run "fpb-$mode" eval --format phrasebank "$DATA/fpb/train.tsv" "${flag[@]}"
    run "fpb-held-out-$mode" eval --format phrasebank --held-out "$DATA/fpb/train.tsv" "${flag[@]}"
    run "finer-$mode" eval --format finer-ord "$DATA/finer-ord/val.csv" "${flag[@]}"
done
run sentences eval --format sentences corpus/sentences.jsonl --fast
if [ -f ../shared/corpus/seed/gold.jsonl ]; then
    run seed-default eval ../shared/corpus/seed/gold.jsonl
fi
echo "tables in $out" >&2
