#!/usr/bin/env bash
# Builds the `fuzz` preset and runs every libFuzzer target for SECONDS each, one after another,
# on a copy of its seed corpus (tests/fuzz/corpus/<target>; the repository is never written).
# Exits non-zero when any target finds a crash, a sanitizer report, a leak, a hang (an input
# running past 5 s) or an input needing more than 2 GB; the reproducer is kept in the work folder.
#
#   tests/fuzz/run_fuzz.sh SECONDS [TARGET...]
#   FUZZ_WORKDIR=DIR   where the corpus copies, logs and reproducers go (default: a new temp dir)
set -euo pipefail
usage() { echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
seconds=$1; shift
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_sizes fuzz_shapes_csv fuzz_results fuzz_options fuzz_prices)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

work=${FUZZ_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/gpubench-fuzz.XXXXXX")}
mkdir -p "$work"
# UBSan stops at the first report (the build also says -fno-sanitize-recover), with a stack.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

failed=()
for t in "${targets[@]}"; do
  bin=build-fuzz/tests/fuzz/$t
  [ -x "$bin" ] || { echo "run_fuzz.sh: no target $t" >&2; exit 2; }
  corpus=$work/corpus/$t
  rm -rf "$corpus"
  mkdir -p "$corpus" "$work/artifacts"
  cp -R "tests/fuzz/corpus/$t/." "$corpus/"
  seeds=$(find "$corpus" -type f | wc -l)
  log=$work/$t.log
  rc=0
  "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$t-" "$corpus" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  grown=$(find "$corpus" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    echo "$t: ok, ${execs:-?} executions in ${seconds}s, corpus $seeds -> $grown inputs"
  else
    failed+=("$t")
    echo "$t: FAILED (libFuzzer exit $rc) after ${execs:-?} executions; log $log" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*fuzz invariant failed|.*Test unit written)' \
      "$log" | head -20 >&2 || true
  fi
done

echo "run_fuzz.sh: logs, grown corpora and reproducers in $work"
if [ ${#failed[@]} -gt 0 ]; then
  echo "run_fuzz.sh: findings in ${failed[*]}; rerun one with: build-fuzz/tests/fuzz/TARGET FILE" >&2
  exit 1
fi
