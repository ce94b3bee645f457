#!/usr/bin/env bash
# On the GPU machine (issue #22): is every reported watt true, and how long does the default
# sweep take? Builds the release preset, measures a sweep of 19 shapes (square 256..8192 bf16,
# skinny, batched, fp16 6144, fp8 with --layout nt) with --clocks both while nvidia-smi samples
# the power every 50 ms, then prints, per timed window, the mean power gpubench reports (or why it
# is unknown) beside nvidia-smi's mean over the same span (of its instantaneous reading, which
# gpubench's check uses too; its 1 s average trails a short window) and the enforced limit; and times the
# default `gpubench matmul`.
# Usage: bench/energy_check.sh OUT_DIR   (BUILD=dir to reuse a build, default build/)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?OUT_DIR}
build=${BUILD:-$root/build}
mkdir -p "$out"
source "$root/bench/gpu_check_lib.sh"
start_summary "$out/summary.txt"

if [ ! -x "$build/gpubench" ] || [ -z "${BUILD:-}" ]; then
  (cd "$root" && cmake --preset release >/dev/null && cmake --build build -j"$(nproc)" --target gpubench) \
    >"$out/build.log" 2>&1 || { log "build failed: see $out/build.log"; exit 1; }
fi
bin=$build/gpubench
"$bin" info >"$out/info.txt" 2>&1

# nvidia-smi every 50 ms, each line stamped with this host's clock as it arrives.
python3 - "$out/smi.csv" <<'PY' &
import subprocess, sys, time
with open(sys.argv[1], "w") as f:
    p = subprocess.Popen(["stdbuf", "-oL", "nvidia-smi", "-i", "0", "-lms", "50",
                          "--query-gpu=power.draw.instant,power.draw,clocks.sm,power.limit",
                          "--format=csv,noheader,nounits"], stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        f.write(f"{time.time():.3f},{line.strip()}\n")
        f.flush()
PY
smi=$!
sleep 1

t0=$SECONDS
run() {  # run NAME ARGS...: one gpubench matmul of the sweep
  local name=$1; shift
  "$bin" matmul --backends cublas --no-transfers --clocks both --progress never \
    -o "$out/$name.json" "$@" >"$out/$name.txt" 2>"$out/$name.err"
  log "$name: exit $?"
}
run square --sizes 256..8192 --dtype bf16                             # 6 shapes
run skinny --sizes 8192x1024x8192,16x8192x8192,8192x64x8192,4096x4096x512 --dtype bf16  # 4
run batched --sizes 2048x2048x128,1024x1024x1024 --batch 32 --dtype bf16  # 2
run fp16 --sizes 6144,8192 --dtype fp16                                 # 2
run fp8 --sizes 1024,2048,4096,8192 --dtype fp8 --layout nt             # 4
run tf32 --sizes 8192 --dtype tf32                                      # 1
log "sweep of 19 shapes: $((SECONDS - t0)) s"
sleep 1
kill "$smi" 2>/dev/null
wait "$smi" 2>/dev/null

python3 "$root/bench/energy_check.py" "$out/smi.csv" "$out"/square.json "$out"/skinny.json \
  "$out"/batched.json "$out"/fp16.json "$out"/fp8.json "$out"/tf32.json | tee -a "$summary"

# The default sweep, timed from the start of the process to its end.
t0=$(date +%s.%N)
"$bin" matmul >"$out/default.txt" 2>&1
status=$?
# python3, not bc: the GPU machine has no bc.
log "default gpubench matmul: exit $status in $(python3 -c "print(round($(date +%s.%N) - $t0, 2))") s"
