#!/usr/bin/env bash
# The lead's whole GPU-machine session in one command (a lease is short; the machine starts bare):
# build everything with tests, run the test suite, then the issue benches in priority order —
# cuBLAS vs torch.mm, the "do I need a GPU?" sweep with chart and bandwidth, the harness-overhead
# check on the machine's 16 cores. Each step's output is packed into its own file under OUT as
# soon as it ends, so a step cut off by the time limit loses only itself.
# Usage: bench/gpu_session.sh [OUT]     STEPS="ctest torch question harness ladder" picks steps
# (default: all but ladder, whose own script is bench/kernel_gpu_check.sh).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-${OUT:?give an output directory}}"
work=$(mktemp -d)
build="$root/build-gpu"
export BUILD_DIR="$build"
steps=" ${STEPS:-ctest torch question harness} "
want() { [[ $steps == *" $1 "* ]]; }
cd "$root"
{ nvidia-smi -L; nvidia-smi --query-gpu=name,clocks.max.sm,power.limit,driver_version --format=csv; date -u; } > "$out/machine.txt" 2>&1

t0=$SECONDS
{ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DGPUBENCH_BUILD_TESTS=ON && cmake --build "$build" -j"$(nproc)"; } > "$work/build.log" 2>&1
echo "build: exit $? in $((SECONDS - t0)) s" | tee -a "$out/machine.txt"
tail -30 "$work/build.log" >> "$out/machine.txt"

want ctest && { t0=$SECONDS
(cd "$build" && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
   timeout 200 ctest -j6 --timeout 120 --output-on-failure) > "$out/ctest.log" 2>&1
echo "ctest: exit $? in $((SECONDS - t0)) s" | tee -a "$out/machine.txt"
tail -5 "$out/ctest.log"; }

want torch && { t0=$SECONDS
mkdir -p "$work/torch"
timeout 170 bash bench/torch_vs_gpubench.sh "$work/torch" > "$work/torch/stdout.txt" 2>&1
echo "torch_vs_gpubench: exit $? in $((SECONDS - t0)) s" | tee -a "$out/machine.txt"
tar czf "$out/torch.tgz" -C "$work" torch; }

want question && { t0=$SECONDS
mkdir -p "$work/question"
timeout 240 bash bench/gpu_question.sh "$work/question" > "$work/question/stdout.txt" 2>&1
echo "gpu_question: exit $? in $((SECONDS - t0)) s" | tee -a "$out/machine.txt"
tar czf "$out/question.tgz" -C "$work" question; }

want ladder && { t0=$SECONDS
timeout 150 bash bench/kernel_ladder.sh "$build" > "$out/kernel_ladder.md" 2>&1
echo "kernel_ladder: exit $? in $((SECONDS - t0)) s" | tee -a "$out/machine.txt"; }

want harness && { t0=$SECONDS
SIZES="1024 2048 4096" MIN_TIME=0.5 timeout 90 bash bench/harness_overhead.sh "$build" "$(nproc)" 2 \
  > "$out/harness_overhead.md" 2>&1
echo "harness_overhead: exit $? in $((SECONDS - t0)) s" | tee -a "$out/machine.txt"
cat "$out/harness_overhead.md"; }
exit 0
