#!/usr/bin/env bash
# "Do I need a GPU?" on the GPU machine: builds gpubench from source, runs a CPU-vs-GPU sweep
# (table + verdict block, pinned copies), the same fp32 sweep with pageable copies, draws the
# chart, and measures memory bandwidth. Everything lands in one directory:
#   <name>.json/.txt/.md  the sweep (results file, terminal output with the verdict, markdown)
#   <name>.svg/.html      the chart            <name>_pageable.json/.txt  fp32 with pageable copies
#   bandwidth_<name>.txt/.md/.json             info_<name>.txt  `gpubench info`
# <name> is the GPU's model and the date, e.g. h100_80gb_hbm3_20260127.
#
# usage: bench/gpu_question.sh [OUTDIR]        (default: $OUT, else bench/results)
# environment: SIZES (128..8192), DTYPES (fp32,tf32,fp64,bf16), PRICE_PRESET (h100-cloud on an
# H100, none otherwise; see bench/prices.json), BUILD_DIR (build-gpu-question), CUDA_ARCH (90).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-${OUT:-bench/results}}"
mkdir -p "$out"
build="${BUILD_DIR:-build-gpu-question}"
sizes="${SIZES:-128..8192}"
dtypes="${DTYPES:-fp32,tf32,fp64,bf16}"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CUDA_ARCHITECTURES="${CUDA_ARCH:-90}" -DGPUBENCH_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
gpubench="$build/gpubench"

gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1 || true)
[ -n "$gpu_name" ] || gpu_name="no-gpu"
slug=$(printf '%s' "$gpu_name" | tr 'A-Z' 'a-z' | sed 's/nvidia//; s/[^a-z0-9]\+/_/g; s/^_//; s/_$//')
name="${slug}_$(date -u +%Y%m%d)"

price=()
preset="${PRICE_PRESET-}"
if [ -z "${PRICE_PRESET+set}" ] && [[ "$gpu_name" == *H100* ]]; then preset=h100-cloud; fi
[ -n "$preset" ] && price=(--price-preset "$preset")

"$gpubench" info | tee "$out/info_${name}.txt"

# A failed check (exit 1) must not lose the other outputs: note it, go on, exit with it at the end.
status=0

# The sweep: OpenBLAS on every core against cuBLAS, kernel-only and with pinned copies.
"$gpubench" matmul --sizes "$sizes" --dtype "$dtypes" --host-memory pinned "${price[@]}" \
    --output "$out/${name}.json" --output "$out/${name}.md" | tee "$out/${name}.txt" || status=$?
# Pageable host memory costs more per copy: the copies-included crossover moves.
"$gpubench" matmul --sizes "$sizes" --dtype fp32 --host-memory pageable "${price[@]}" \
    --output "$out/${name}_pageable.json" | tee "$out/${name}_pageable.txt" || status=$?

"$gpubench" plot "$out/${name}.json" -o "$out/${name}.svg"
"$gpubench" plot "$out/${name}.json" -o "$out/${name}.html"

"$gpubench" bandwidth --output "$out/bandwidth_${name}.json" \
    --output "$out/bandwidth_${name}.md" | tee "$out/bandwidth_${name}.txt" || status=$?

echo "gpu_question: outputs in $out (name $name), exit status $status"
exit "$status"
