#!/usr/bin/env bash
# The kernel ladder on the GPU machine: builds gpubench (sm_90) when the build directory has no
# binary yet, runs every own kernel beside cuBLAS at n = 1024..8192 in fp32 and bf16, and prints
# markdown tables (TFLOPS and % of cuBLAS per step) on stdout. The JSON stays in $LADDER_JSON
# (default: <build>/kernel_ladder.json); $BACKENDS overrides the backend list (default
# cublas,kernels). Usage: bench/kernel_ladder.sh [build-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-gpu}"
if [[ ! -x "$build/gpubench" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 >&2
  cmake --build "$build" -j"$(nproc)" >&2
fi
json="${LADDER_JSON:-$build/kernel_ladder.json}"
"$build/gpubench" matmul --sizes 1024..8192 --backends "${BACKENDS:-cublas,kernels}" --dtype fp32,bf16 \
  --format json --quiet > "$json"
python3 "$root/bench/ladder_table.py" "$json"
