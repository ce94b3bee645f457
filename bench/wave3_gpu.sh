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
  step build 240 sh -c "cmake --preset release -DCMAKE_CUDA_ARCHITECTURES=90 && cmake --build '$build' -j$(nproc)"
  run_ctest "$build" "$work/ctest.log"
  step rates_vs_torch 200 env BUILD="$build" bash bench/rates_vs_torch.sh "$work/rates"
  cat "$work/rates/rates_vs_torch.md" >>"$work/summary.txt" 2>/dev/null
  ;;
measure)
  step energy 260 env BUILD="$build" bash bench/energy_check.sh "$work/energy"
  cat "$work/energy/summary.txt" >>"$work/summary.txt" 2>/dev/null
  # Issue 23's check, once its branch has landed.
  [ -f bench/capture_check.sh ] && step capture 200 bash bench/capture_check.sh "$build" "$work/capture"
  cat "$work/capture/report.md" >>"$work/summary.txt" 2>/dev/null
  # The table as a 100-column terminal shows it (script(1) gives gpubench a pseudo-terminal).
  step columns100 60 env COLUMNS=100 script -qec "'$build/gpubench' matmul --sizes 256..4096 --progress never" "$work/columns100.txt"
  tr -d '\r' <"$work/columns100.log" | awk '{ if (length($0) > m) m = length($0) } END { print "longest line in the 100-column pty: " m }' | tee -a "$work/summary.txt"
  ;;
esac
cat "$work/summary.txt"
cp "$work/summary.txt" "$dest/summary_$part.txt"
tar -C "$(dirname "$work")" -czf "$dest/$part.tar.gz" "$part"
