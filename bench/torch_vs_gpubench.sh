#!/usr/bin/env bash
# On a GPU machine: builds gpubench from source, then in the same run times gpubench's cublas rows
# and torch.mm (same shapes, dtypes, warm-up, CUDA events) and writes a markdown table of the
# gpubench/PyTorch GFLOPS ratio.
#
# Usage: bench/torch_vs_gpubench.sh [OUT_DIR]      (default: $OUT, else bench/results)
# Environment: SIZES (1024,2048,4096,8192), DTYPES (fp32,tf32,bf16), BUILD_DIR (build-bench),
#              CUDA_ARCHS (90), MIN_TIME (0.3 seconds per case, gpubench's default; with 2 s per
#              case an H200 at its power cap drifted within the case and tf32/bf16 rows spread
#              3-4%, see bench/results/cublas_vs_torch_h200_2026-11-27.md).
# Needs cmake, ninja, nvcc, python3 with torch. Exit 1 when the ratio bar (>= 0.97x at n >= 4096,
# CV < 2%) is missed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${OUT:-$root/bench/results}}
build=${BUILD_DIR:-$root/build-bench}
sizes=${SIZES:-1024,2048,4096,8192}
dtypes=${DTYPES:-fp32,tf32,bf16}
min_time=${MIN_TIME:-0.3}
mkdir -p "$out"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CUDA_ARCHITECTURES="${CUDA_ARCHS:-90}" -DGPUBENCH_CUDA=ON -DGPUBENCH_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target gpubench >/dev/null

gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader -i 0 2>/dev/null | head -1 || true)
gpu=${gpu:-gpu}
tag="$(echo "$gpu" | tr -c 'A-Za-z0-9\n' '_' | sed 's/__*/_/g; s/_$//')_$(date -u +%Y-%m-%d)"

# gpubench first, then torch, on the same warm GPU. JSON where this build has the reporter.
ours="$out/gpubench_$tag.json"
args=(matmul --sizes "$sizes" --dtype "$dtypes" --backends cublas --no-transfers
      --min-time "$min_time")
if "$build/gpubench" matmul --help 2>&1 | grep -q json; then
  "$build/gpubench" "${args[@]}" --format json --output "$ours" || true
else
  ours="$out/gpubench_$tag.txt"
  "$build/gpubench" "${args[@]}" >"$ours" || true
fi
python3 "$root/bench/torch_mm.py" --sizes "$sizes" --dtypes "$dtypes" --min-time "$min_time" \
  --output "$out/torch_$tag.jsonl"

status=0
python3 "$root/bench/compare_torch.py" "$ours" "$out/torch_$tag.jsonl" \
  --title "gpubench cublas vs torch.mm on $gpu, $(date -u +%F)" >"$out/torch_vs_gpubench_$tag.md" \
  || status=$?
cat "$out/torch_vs_gpubench_$tag.md"
exit $status
