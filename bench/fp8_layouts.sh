#!/usr/bin/env bash
# Issue 13 on the GPU machine in one command: build (sm_90), the cuBLAS tests of every dtype x
# layout x batch against the fp64 reference, then gpubench's cublas rows of bench/fp8_layouts.csv
# (fp8 e4m3 -> bf16, int8, batched bf16, the four layouts in fp32 and bf16) and PyTorch on the same
# cases in the same run, and the table of ratios (bench/fp8_layouts_table.py). Results under OUT.
# Usage: bench/fp8_layouts.sh [OUT]          Exit 1 when a bar is missed or a test fails.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-${OUT:?give an output directory}}"
build="$root/build-gpu"
mkdir -p "$out"
cd "$root"
# shellcheck source=bench/gpu_check_lib.sh
. "$root/bench/gpu_check_lib.sh"
start_summary "$out/summary.txt"
{ cat "$root/COMMIT" 2>/dev/null || git log -1 --format='%h %s'; } >> "$out/summary.txt" 2>&1
t0=$SECONDS
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 &&
  cmake --build "$build" -j"$(nproc)" --target gpubench gpubench_unit_tests; } > "$out/build.log" 2>&1
built=$?
log "build: exit $built in $((SECONDS - t0)) s"
# At most 8 files come back from the GPU machine: the build log only when the build failed.
[ $built -eq 0 ] && rm -f "$out/build.log"
t0=$SECONDS
(cd "$build" && CUBLASLT_LOG_LEVEL=1 CUBLASLT_LOG_FILE="$out/cublaslt_tests.log" \
   timeout 240 ./tests/gpubench_unit_tests \
   --gtest_filter='Cublas.*:LayoutVerify.*:Fp8Int8*:Layouts.*') > "$out/tests.log" 2>&1
status=$?
log "tests: exit $status in $((SECONDS - t0)) s: $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$out/tests.log" | tr '\n' ' ')"
t0=$SECONDS
# cuBLASLt's own word on anything it refuses (level 1: errors only) goes to a log of its own.
CUBLASLT_LOG_LEVEL=1 CUBLASLT_LOG_FILE="$out/cublaslt.log" timeout 240 "$build/gpubench" matmul --shapes bench/fp8_layouts.csv --backends cublas \
  --no-transfers --progress never -o "$out/gpubench.json" > "$out/gpubench.txt" 2>&1
log "gpubench: exit $? in $((SECONDS - t0)) s"
t0=$SECONDS
timeout 180 python3 bench/fp8_layouts_torch.py bench/fp8_layouts.csv --output "$out/torch.jsonl" \
  2> "$out/torch.err"
log "torch: exit $? in $((SECONDS - t0)) s: $(tr '\n' ' ' < "$out/torch.err")"
rm -f "$out/torch.err"
python3 bench/fp8_layouts_table.py "$out/gpubench.json" "$out/torch.jsonl" \
  --title "gpubench cublas vs PyTorch on $(nvidia-smi --query-gpu=name --format=csv,noheader -i 0), $(date -u +%F)" \
  > "$out/table.md"
bar=$?
log "table: exit $bar"
cat "$out/table.md" "$out/gpubench.txt"
[ $status -eq 0 ] && [ $bar -eq 0 ]
