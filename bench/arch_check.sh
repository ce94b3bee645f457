#!/usr/bin/env bash
# The GPU-machine check of the architecture rework (issue 11) in one command, results under OUT:
# build (sm_90), the whole test suite, the kernel ladder beside cuBLAS (same-run ratios, to set
# against bench/results/kernel_ladder_h200_2026-11-27_tma_epilogue.md), the copy service through
# `gpubench bandwidth`, --flush-l2 on the own kernels (now honoured), and `info` with the measured
# CPU peak. Each step's output goes to its own file as soon as it ends.
# Usage: bench/arch_check.sh [OUT]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-${OUT:?give an output directory}}"
build="$root/build-gpu"
mkdir -p "$out"
cd "$root"
# shellcheck source=bench/gpu_check_lib.sh
. "$root/bench/gpu_check_lib.sh"
start_summary "$out/summary.txt"
t0=$SECONDS
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 &&
  cmake --build "$build" -j"$(nproc)"; } > "$out/build.log" 2>&1
log "build: exit $? in $((SECONDS - t0)) s"
run_ctest "$build" "$out/ctest.log"
t0=$SECONDS
"$build/gpubench" info > "$out/info.txt" 2>&1
log "info: $(grep 'CPU peak' "$out/info.txt")"
LADDER_JSON="$out/ladder.json" timeout 240 bash bench/kernel_ladder.sh "$build" > "$out/ladder.md" \
  2> "$out/ladder.err"
log "ladder: exit $? in $((SECONDS - t0)) s"
cat "$out/ladder.md"
t0=$SECONDS
timeout 60 "$build/gpubench" matmul --sizes 4096 --backends cublas,kernel:warptile,kernel:wgmma_bf16 \
  --dtype fp32,bf16 --flush-l2 --quiet > "$out/flush_l2.txt" 2>&1
log "flush-l2: exit $? in $((SECONDS - t0)) s"
cat "$out/flush_l2.txt"
t0=$SECONDS
timeout 90 "$build/gpubench" bandwidth --progress never > "$out/bandwidth.txt" 2>&1
log "bandwidth: exit $? in $((SECONDS - t0)) s"
cat "$out/bandwidth.txt"
