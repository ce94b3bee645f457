#!/usr/bin/env bash
# On the GPU machine (issue #12): gpubench's burst and sustained cuBLAS rates beside torch.mm
# timed both ways in the same session, a cold-cache row, `gpubench info` (the measured CPU peak per
# core and cycle) and a CPU+GPU run for the work-per-joule verdict.
# Usage: bench/rates_vs_torch.sh OUT_DIR   (expects a built gpubench in $BUILD, default build/)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?OUT_DIR}
bin=${BUILD:-$root/build}/gpubench
mkdir -p "$out"
shapes="$out/rates_shapes.csv"
cat >"$shapes" <<'CSV'
4096,4096,4096,bf16
8192,1024,8192,bf16
4096,4096,4096,fp16
4096,4096,4096,tf32
4096,4096,4096,fp32
CSV
"$bin" info >"$out/info.txt" 2>&1
"$bin" matmul --shapes "$shapes" --backends cublas --no-transfers --clocks both \
  --progress never --output "$out/rates_gpubench.json" --output "$out/rates_gpubench.txt" \
  >/dev/null 2>"$out/rates_gpubench.err"
python3 "$root/bench/rates_torch.py" --shapes "$shapes" --output "$out/rates_torch.jsonl" \
  2>"$out/rates_torch.err"
python3 "$root/bench/rates_compare.py" "$out/rates_gpubench.json" "$out/rates_torch.jsonl" \
  "gpubench cublas vs torch.mm, burst and sustained, $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1), $(date -u +%F)" \
  >"$out/rates_vs_torch.md"
echo "rates compare exit $?" >>"$out/rates_vs_torch.md"
# Cold cache and the in-cache warning: the issue's 16x4096x4096 bf16 (33 MB on a 50 MB L2).
"$bin" matmul --sizes 16x4096x4096 --dtype bf16 --backends cublas --no-transfers --progress never \
  >"$out/cache_warm.txt" 2>&1
"$bin" matmul --sizes 16x4096x4096 --dtype bf16 --backends cublas --no-transfers --cache cold \
  --progress never >"$out/cache_cold.txt" 2>&1
# CPU and GPU side by side: the verdict's work per joule (CPU energy where powercap is readable).
"$bin" matmul --sizes 1024,4096 --dtype fp32 --backends openblas,cublas --progress never \
  >"$out/verdict_fp32.txt" 2>&1
cat "$out/rates_vs_torch.md"
