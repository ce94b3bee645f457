#!/usr/bin/env bash
# The GPU-machine check of a session's tree in one command, each step's output in its own file
# under OUT as soon as it ends: build (sm_90), the whole test suite, burst/sustained vs torch.mm
# (bench/rates_vs_torch.sh), `gpubench peak` vs a torch.mm search (bench/peak_vs_torch.sh) and the
# default sweep for the README.
# Usage: bash bench/session_check.sh OUT   (SKIP_PEAK=1: without the peak search, ~5 minutes less)
# OUT gets summary.txt and everything in check.tar.gz (the device tool returns at most 8 files).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:?give an output directory}"
out="$(mktemp -d)/check"
build="$root/build"
mkdir -p "$out"
cd "$root"
# shellcheck source=bench/gpu_check_lib.sh
. "$root/bench/gpu_check_lib.sh"
start_summary "$out/summary.txt"
t0=$SECONDS
{ cmake --preset release -DCMAKE_CUDA_ARCHITECTURES=90 && cmake --build "$build" -j"$(nproc)"; } \
  > "$out/build.log" 2>&1
log "build: exit $? in $((SECONDS - t0)) s"
run_ctest "$build" "$out/ctest.log"
t0=$SECONDS
BUILD="$build" timeout 200 bash bench/rates_vs_torch.sh "$out/rates" > /dev/null 2>&1
log "rates vs torch: exit $? in $((SECONDS - t0)) s"
cat "$out/rates/rates_vs_torch.md" >> "$out/summary.txt"
t0=$SECONDS
timeout 120 "$build/gpubench" matmul --progress never > "$out/default_sweep.txt" 2>&1
log "default sweep: exit $? in $((SECONDS - t0)) s"
if [ -f bench/peak_vs_torch.sh ] && [ -z "${SKIP_PEAK:-}" ]; then
  t0=$SECONDS
  BUILD_DIR="$build" timeout 330 bash bench/peak_vs_torch.sh "$out/peak" > /dev/null 2>&1
  log "peak vs torch: exit $? in $((SECONDS - t0)) s"
  cat "$out/peak/peak_vs_torch.md" >> "$out/summary.txt" 2>/dev/null
fi
cat "$out/summary.txt"
mkdir -p "$dest" && cp "$out/summary.txt" "$dest/" && tar -C "$(dirname "$out")" -czf "$dest/check.tar.gz" check
