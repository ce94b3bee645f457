#!/usr/bin/env bash
# Parameter search for the warp-tiled SGEMM on the GPU machine: compiles bench/tune_warptile.cu
# (every candidate configuration in one binary, sm_90) and prints a markdown table, fastest first.
# Fix the winner in kernels/sgemm_warptile.cu. Usage: bench/tune_warptile.sh [n...] (default 4096).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${TMPDIR:-/tmp}/gpubench_tune_warptile"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
"$nvcc" -std=c++17 -O3 -gencode=arch=compute_90,code=sm_90 -I"$root/kernels" \
  "$root/bench/tune_warptile.cu" -lcublas -o "$out"
"$out" "$@"
