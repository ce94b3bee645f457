#!/usr/bin/env bash
# Issue 23's check on the GPU machine (PyTorch with CUDA there), one session:
#  1. gpubench capture of a small transformer's training steps (bf16 autocast, forward and
#     backward) lists the same GEMMs, with the same counts per step, as torch.profiler's
#     record_shapes for one step;
#  2. replaying the captured file gives a per-step GEMM time close to the profiler's GEMM kernel
#     time (with the library's default algorithm, which PyTorch runs, and with gpubench's choice);
#  3. each cuBLAS row's default-algorithm rate against torch.mm on the same shapes, timed the same
#     way, with the tuned gain beside it. "The same way" is four things:
#     - the kernel alone: gpubench replays each batch as CUDA graphs of consecutive calls between
#       CUDA events (graph_batches.hpp); torch.mm is a CUDA graph of torch.mm(a, b, out=c) calls
#       replayed between CUDA events (from a Python loop PyTorch's ~12-16 us of CPU a call bound
#       the small shapes: 1024^3 170 vs 281 TFLOPS);
#     - one clock regime, the sustained (power-capped) one. gpubench's default rate
#       (runner.cpp, time_default_algorithm) is the row's main rate when the default algorithm is
#       the chosen one, else ~0.25 s of ~5 ms batches alternating with the chosen one, run right
#       after the main window with no rest. Under --clocks burst the first is a rested-card boost
#       burst and the second is not (4096^3: 790.9 burst vs torch.mm's 718.5 sustained), so this
#       step runs --clocks sustained: both are then on a settled clock, and torch.mm settles the
#       same way (25 ms chunks until two agree within 1%, at most 1.5 s) before gpubench's
#       sustained window (~30 ms samples until 0.3 s);
#     - the same card: each side twice per shape in alternating order, the same rest before
#       every run (torch.mm after a whole gpubench sweep met a hotter card);
#     - the same kind of process: every run a fresh one, as gpubench's are (torch.cuda.graph's
#       capture slowed a process's later small kernels 5-9%), torch.mm's graph captured by
#       CUDAGraph.capture_begin/end and its operands made on the host and copied, as gpubench
#       makes its own (capture_check.py's TORCH_WAYS, "capture_host";
#       bench/results/wave3g_gpu_2026-12-07.md);
#  3b. the same, cold (an L2 flush before every call on both sides, gpubench --cache cold), on the
#     shapes whose operands fit in the L2: warm, what stays in the L2 between calls depends on
#     where things lie (16x4096x4096 read 59.0-64.0 TFLOPS over placements of the same kernel).
# Usage: bench/capture_check.sh [BUILD_DIR] [OUT_DIR]     (BUILD_DIR: a CUDA build, default build)
# Writes OUT_DIR (default bench/results/capture_check), 8 files: step.csv and capture.stderr (the
# capture), profile.json, replay.json, tables.txt (the replay's gpubench tables, then each
# step-3 run's), default_vs_torch.json, default_vs_torch_cold.json and report.md, which it
# prints.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-bench/results/capture_check}
steps=3
gb="$build/gpubench"
py="${PYTHON:-python3}"
mkdir -p "$out"
"$gb" --version | head -1
"$py" -c "import torch; assert torch.cuda.is_available(); print('torch', torch.__version__, torch.cuda.get_device_name())"

echo "== 1. capture $steps training steps" >&2
"$gb" capture -o "$out/step.csv" -- "$py" bench/capture_check.py train --steps "$steps" \
  2> >(tee "$out/capture.stderr" >&2)
echo "== 1. the profiler's step" >&2
"$py" bench/capture_check.py profile --out "$out/profile.json"

echo "== 2. replay (cuBLAS, burst clocks: a step's GEMMs run back to back)" >&2
# Both tables (with the workload and tuned: lines) go to one file: at most 8 files come back.
"$gb" matmul --shapes "$out/step.csv" --backends cublas --clocks burst \
  -o "$out/replay.json" > "$out/tables.txt"

# Cold first: it is the shorter, and answers for the shapes whose warm rate is a sample of the L2.
echo "== 3b. default algorithm against torch.mm, cold, on the shapes whose operands fit in the L2" >&2
hidden=$(mktemp --suffix=.csv) small=$(mktemp --suffix=.csv)
trap 'rm -f "$hidden" "$small"' EXIT
l2=$("$py" -c "import torch; print(torch.cuda.get_device_properties(0).L2_cache_size)")
"$py" bench/capture_check.py hidden-shapes --fit-l2 "$l2" > "$small"
"$py" bench/capture_check.py default-vs-torch --shapes "$small" --gpubench "$gb" --cache cold \
  --out "$out/default_vs_torch_cold.json" 2> >(tee -a "$out/tables.txt" >&2)
echo "== 3. default algorithm against torch.mm, warm, on every hidden shape" >&2
"$py" bench/capture_check.py hidden-shapes > "$hidden"
"$py" bench/capture_check.py default-vs-torch --shapes "$hidden" --gpubench "$gb" \
  --out "$out/default_vs_torch.json" 2> >(tee -a "$out/tables.txt" >&2)

"$py" bench/capture_check.py report --dir "$out" --steps "$steps" | tee "$out/report.md"
