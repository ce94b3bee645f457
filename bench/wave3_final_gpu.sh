#!/usr/bin/env bash
# Every GPU-machine check of the third wave's second session in one device call (a machine is
# scarce: one start, at most 10 minutes; it replaces the first session's two-part wave3_gpu.sh). Each step runs under its own time limit and writes as it
# ends, so a step that overruns costs only itself:
#   build          release preset, sm_90: gpubench and the capture library
#   ctest          the GPU tests (CUDA, NVML, capture), only with CTEST=1 (the test programs'
#                  build and run take minutes a scarce machine may not have)
#   energy         issue 22: 19 shapes with both rates, every window's power against nvidia-smi's
#                  instantaneous reading and the limit (bench/energy_check.sh), the default sweep
#   default        issue 22: the default `gpubench matmul`, timed twice more
#   torch          issue 22: burst and sustained rates of 4096^3 and 8192x1024x8192 bf16 against
#                  torch.mm timed mamf-style, twice
#   capture        issue 23: bench/capture_check.sh (capture vs torch.profiler, replay, default
#                  algorithm vs torch.mm)
#   readme, cols   issue 26: README's example and a sweep in a 100-column pseudo-terminal
# Usage: bench/wave3_final_gpu.sh OUT   (OUT gets summary.txt and all.tar.gz)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:?give an output directory}"
work="$(mktemp -d)/final"
build="$root/build"
bin="$build/gpubench"
mkdir -p "$work" "$dest"
cd "$root"
# shellcheck source=bench/gpu_check_lib.sh
. "$root/bench/gpu_check_lib.sh"
start_summary "$work/summary.txt"
# What has been measured so far goes to OUT after every step: the device call may end this script
# before its last step.
save() { cp "$work/summary.txt" "$dest/summary.txt"; tar -C "$(dirname "$work")" -czf "$dest/all.tar.gz" final; }
step() {  # step NAME SECONDS CMD...: CMD under a time limit, its output in NAME.log, one line
  local name=$1 limit=$2 t0=$SECONDS; shift 2
  timeout "$limit" "$@" >"$work/$name.log" 2>&1
  log "$name: exit $? in $((SECONDS - t0)) s"
  save
}
seconds_since() { python3 -c "import sys; print(round($(date +%s.%N) - float(sys.argv[1]), 2))" "$1"; }

targets="--target gpubench gpubench_capture"
[ "${CTEST:-0}" = 1 ] && targets=""
step build 200 sh -c "cmake --preset release -DCMAKE_CUDA_ARCHITECTURES=90 >/dev/null && cmake --build '$build' -j$(nproc) $targets"
if [ "${CTEST:-0}" = 1 ]; then
  (cd "$build" && timeout 120 ctest -j8 --timeout 100 -R 'Cuda|Cublas|Kernel|Nvml|Gpu|Capture|capture|Telemetry|Energy' \
     --output-on-failure) >"$work/ctest.log" 2>&1
  log "ctest (GPU subset): exit $? $(grep -E 'tests passed' "$work/ctest.log")"
  grep -E "^\s+[0-9]+ - .*(Failed|Timeout)" "$work/ctest.log" | tee -a "$work/summary.txt"
fi

step energy 120 env BUILD="$build" bash bench/energy_check.sh "$work/energy"
grep -E "windows:|default gpubench|exit" "$work/energy/summary.txt" | tee -a "$work/summary.txt"

t0=$(date +%s.%N)
"$bin" matmul -o "$work/default_2.json" >"$work/default_2.txt" 2>&1
log "default gpubench matmul, run 2: exit $? in $(seconds_since "$t0") s"

printf '4096,4096,4096,bf16\n8192,1024,8192,bf16\n' >"$work/two.csv"
against_torch() {  # against_torch RUN: the two shapes by gpubench and by torch.mm, one table
  timeout 60 "$bin" matmul --shapes "$work/two.csv" --backends cublas --no-transfers --clocks both \
    --progress never -o "$work/two_$1.json" >/dev/null 2>&1
  timeout 60 python3 bench/rates_torch.py --shapes "$work/two.csv" --output "$work/two_torch_$1.jsonl" 2>/dev/null
  python3 bench/rates_compare.py "$work/two_$1.json" "$work/two_torch_$1.jsonl" \
    "gpubench vs torch.mm, run $1" | tee -a "$work/summary.txt"
  save
}
against_torch 1

step readme 80 env COLUMNS=100 script -qec "'$bin' matmul --sizes 128..8192 --dtype fp32 --host-memory pinned --progress never" "$work/readme_example.txt"
step capture 220 bash bench/capture_check.sh "$build" "$work/capture"
cat "$work/capture/report.md" >>"$work/summary.txt" 2>/dev/null
step cols 40 env COLUMNS=100 script -qec "'$bin' matmul --sizes 256..4096 --dtype fp32,bf16 --progress never" "$work/columns100.txt"
for f in readme cols; do
  tr -d '\r' <"$work/$f.log" | awk -v f="$f" '{ if (length($0) > m) m = length($0) } END { print f ": longest line in the 100-column pty: " m }' | tee -a "$work/summary.txt"
done
against_torch 2
save
cat "$work/summary.txt"
