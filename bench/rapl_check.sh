#!/usr/bin/env bash
# On a machine whose RAPL counters are readable (root on bare metal, e.g. the GPU machine's Xeon;
# issue 22, "the same rule for RAPL"): is every CPU watt true? Samples the CPU packages' powercap
# energy every 50 ms (each sample stamped with this host's clock), runs a CPU sweep, then prints per
# timed window the mean power gpubench reports (or why it is unknown) beside the sampler's mean over
# the same span and the packages' power limit: bench/energy_check.py, the GPU check's table, reads
# the sampler's CSV as it reads nvidia-smi's. Also records the counters' update period gpubench
# measured (system.cpu.energy_counter_period_s).
# Usage: bench/rapl_check.sh OUT_DIR   (BUILD=dir to reuse a build, default build/)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?OUT_DIR}
build=${BUILD:-$root/build}
mkdir -p "$out"
summary="$out/summary.txt"
log() { echo "$*" | tee -a "$summary"; }
{ grep -m1 "model name" /proc/cpuinfo; date -u; } > "$summary"
zones=$(ls -d /sys/class/powercap/intel-rapl:[0-9] 2>/dev/null)
if [ -z "$zones" ] || ! cat /sys/class/powercap/intel-rapl:0/energy_uj >/dev/null 2>&1; then
  log "no readable RAPL here (/sys/class/powercap/intel-rapl:N/energy_uj): nothing to check"
  exit 77
fi

if [ ! -x "$build/gpubench" ] || [ -z "${BUILD:-}" ]; then
  (cd "$root" && cmake --preset cpu >/dev/null && cmake --build build-cpu -j"$(nproc)" --target gpubench) \
    >"$out/build.log" 2>&1 || { log "build failed: see $out/build.log"; exit 1; }
  build=$root/build-cpu
fi
bin=$build/gpubench

# The packages' energy every 50 ms as "time,watts,0,limit" (energy_check.py's nvidia-smi columns):
# watts over the last 50 ms, each counter's wrap undone; the limit is each package's highest
# constraint, summed, as gpubench reads it.
python3 - "$out/rapl.csv" <<'PY' &
import glob, sys, time
zones = [z for z in sorted(glob.glob("/sys/class/powercap/intel-rapl:[0-9]*"))
         if z.count(":") == 1 and open(z + "/name").read().startswith("package")]
def num(path):
    return float(open(path).read())
wrap = [num(z + "/max_energy_range_uj") for z in zones]
limit = sum(max([num(c) for c in glob.glob(z + "/constraint_*_power_limit_uw")] or [0]) for z in zones) / 1e6
last = [num(z + "/energy_uj") for z in zones]
t_last = time.time()
with open(sys.argv[1], "w") as f:
    while True:
        time.sleep(0.05)
        now = [num(z + "/energy_uj") for z in zones]
        t = time.time()
        uj = sum((n - l) if n >= l else n - l + w for n, l, w in zip(now, last, wrap))
        f.write(f"{t:.3f},{uj / 1e6 / (t - t_last):.2f},0,{limit:.1f}\n")
        f.flush()
        last, t_last = now, t
PY
sampler=$!
sleep 1

run() {  # run NAME ARGS...: one CPU sweep
  local name=$1; shift
  "$bin" matmul --progress never -o "$out/$name.json" "$@" >"$out/$name.txt" 2>"$out/$name.err"
  log "$name: exit $?"
}
run fp32 --backends cpu --sizes 256..4096 --dtype fp32
run fp64 --backends cpu --sizes 1024,4096 --dtype fp64 --min-time 1
run short --backends cpu --sizes 64,128 --dtype fp32 --min-time 0.01   # windows too short to trust
sleep 1
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null

python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['system']['cpu']; \
print('counter period', c.get('energy_counter_period_s'), 's; package limit', c.get('power_limit_w'), 'W')" \
  "$out/fp32.json" | tee -a "$summary"
python3 "$root/bench/energy_check.py" "$out/rapl.csv" "$out"/fp32.json "$out"/fp64.json \
  "$out"/short.json | tee -a "$summary"
