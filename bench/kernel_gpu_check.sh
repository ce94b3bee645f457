#!/usr/bin/env bash
# Everything issue 5 needs from the GPU machine in one go, results into a folder (default $OUT):
# build (sm_90), the kernel tests, the warp-tile search, the ladder, and Nsight Compute sections
# for the last step of each ladder (warptile at 4096, wgmma_bf16 at 8192) when ncu is present.
# Usage: bench/kernel_gpu_check.sh [out-dir]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-${OUT:-$root/out}}"
build="$root/build-gpu"
mkdir -p "$out"
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit --format=csv,noheader | tee "$out/card.txt"
{ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 &&
  cmake --build "$build" -j"$(nproc)"; } > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
(cd "$build" && timeout 170 ctest -R Kernel --output-on-failure --timeout 110 > "$out/ctest.log" 2>&1)
grep -E "Passed|Failed|Timeout|tests passed" "$out/ctest.log" | sed 's/ *#.*//' | tail -12
grep -B2 -A12 "Failure" "$out/ctest.log" | head -40
timeout 90 bash "$root/bench/tune_warptile.sh" > "$out/tune.md" 2>&1; cat "$out/tune.md"
backends=cublas,kernels
grep -q "kernel_wgmma_bf16.*Passed" "$out/ctest.log" ||
  backends=cublas,kernel:naive,kernel:coalesced,kernel:smem,kernel:tile1d,kernel:tile2d,kernel:vectorized,kernel:warptile
BACKENDS=$backends LADDER_JSON="$out/ladder.json" timeout 200 bash "$root/bench/kernel_ladder.sh" \
  "$build" > "$out/ladder.md" 2> "$out/ladder.err"
cat "$out/ladder.md"; tail -3 "$out/ladder.err"
ncu="$(command -v ncu || echo /usr/local/cuda/bin/ncu)"
[[ -x "$ncu" ]] || exit 0
profile() {  # name kernel-regex size dtype
  timeout 90 "$ncu" -k "regex:$2" --launch-skip 3 --launch-count 1 --section SpeedOfLight \
    --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis --section Occupancy \
    --section WarpStateStats --log-file "$out/ncu_$1.txt" "$build/gpubench" matmul --sizes "$3" \
    --backends "kernel:$1" --dtype "$4" --no-verify --min-time 0.05 --warmup 1 --quiet \
    --format json > /dev/null 2>&1
  grep -E "Compute \(SM\) Throughput|Memory Throughput|DRAM Throughput|Duration|Registers Per|Achieved Occ|Issue Slots Busy|Stall|L1/TEX Hit|L2 Hit" \
    "$out/ncu_$1.txt" | head -20
}
profile warptile sgemm_warptile 4096 fp32
profile wgmma_bf16 bf16_wgmma 8192 bf16
