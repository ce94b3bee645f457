#!/usr/bin/env bash
# The third wave's checks on the GPU machine, in two parts so each fits one device call:
#   bench/wave3_gpu.sh build OUT   build (sm_90), the whole test suite, burst/sustained vs torch.mm
#   bench/wave3_gpu.sh measure OUT  energy windows vs nvidia-smi and the default sweep's time
#                                   (bench/energy_check.sh), capture and replay vs torch.profiler
#                                   (bench/capture_check.sh), the fitted table in a 100-column pty
# Each step's output lands in OUT as it ends; OUT gets summary.txt and the rest in one tarball
# (the device tool returns at most 8 files).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
part="${1:?build or measure}"
dest="${2:?give an output directory}"
work="$(mktemp -d)/$part"
build="$root/build"
mkdir -p "$work" "$dest"
cd "$root"
# shellcheck source=bench/gpu_check_lib.sh
. "$root/bench/gpu_check_lib.sh"
start_summary "$work/summary.txt"
step() {  # step NAME SECONDS CMD...: CMD under a time limit, its output in NAME.log, one line
  local name=$1 limit=$2 t0=$SECONDS; shift 2
  timeout "$limit" "$@" >"$work/$name.log" 2>&1
  log "$name: exit $? in $((SECONDS - t0)) s"
}
case "$part" in
build)
  step build 300 sh -c "cmake --preset release -DCMAKE_CUDA_ARCHITECTURES=90 && cmake --build '$build' -j$(nproc)"
  run_ctest "$build" "$work/ctest.log"
  step rates_vs_torch 200 env BUILD="$build" bash bench/rates_vs_torch.sh "$work/rates"
  cat "$work/rates/rates_vs_torch.md" >>"$work/summary.txt" 2>/dev/null
  # Issue 22's two shapes once more: burst rates within 2% of torch.mm's, run after run.
  printf '4096,4096,4096,bf16\n8192,1024,8192,bf16\n' >"$work/two.csv"
  for run in 2 3; do
    "$build/gpubench" matmul --shapes "$work/two.csv" --backends cublas --no-transfers --clocks both \
      --progress never -o "$work/two_$run.json" >/dev/null 2>&1
    python3 bench/rates_torch.py --shapes "$work/two.csv" --output "$work/two_torch_$run.jsonl" 2>/dev/null
    python3 bench/rates_compare.py "$work/two_$run.json" "$work/two_torch_$run.jsonl" "run $run" \
      | tee -a "$work/summary.txt"
  done
  ;;
measure)
  # A fresh machine (the build part ran on another): build what this part runs.
  [ -x "$build/gpubench_capture.so" ] || [ -x "$build/gpubench" ] ||
    step build 300 sh -c "cmake --preset release -DCMAKE_CUDA_ARCHITECTURES=90 && cmake --build '$build' -j$(nproc)"
  step energy 260 env BUILD="$build" bash bench/energy_check.sh "$work/energy"
  cat "$work/energy/summary.txt" >>"$work/summary.txt" 2>/dev/null
  # Issue 23's check, once its branch has landed.
  [ -f bench/capture_check.sh ] && step capture 200 bash bench/capture_check.sh "$build" "$work/capture"
  cat "$work/capture/report.md" >>"$work/summary.txt" 2>/dev/null
  # The default sweep, twice more, timed from the start of the process to its end.
  for run in 2 3; do
    t0=$(date +%s.%N)
    "$build/gpubench" matmul -o "$work/default_$run.json" >"$work/default_$run.txt" 2>&1
    log "default gpubench matmul, run $run: exit $? in $(python3 -c "print(round($(date +%s.%N) - $t0, 2))") s"
  done
  # README's example in a 100-column pseudo-terminal (its fp32 rows; pinned copies).
  step readme_example 120 env COLUMNS=100 script -qec "'$build/gpubench' matmul --sizes 128..8192 --dtype fp32 --host-memory pinned --progress never" "$work/readme_example.txt"
  # The table as a 100-column terminal shows it (script(1) gives gpubench a pseudo-terminal).
  step columns100 60 env COLUMNS=100 script -qec "'$build/gpubench' matmul --sizes 256..4096 --progress never" "$work/columns100.txt"
  tr -d '\r' <"$work/columns100.log" | awk '{ if (length($0) > m) m = length($0) } END { print "longest line in the 100-column pty: " m }' | tee -a "$work/summary.txt"
  ;;
esac
cat "$work/summary.txt"
cp "$work/summary.txt" "$dest/summary_$part.txt"
tar -C "$(dirname "$work")" -czf "$dest/$part.tar.gz" "$part"
