#!/usr/bin/env bash
# Third wave, sixth session, device call 4 (bench/results/wave3f_gpu_2026-12-07.md): capture_check.py
# default-vs-torch on the three small hidden shapes (each side four times) with an nvidia-smi trace beside it, and
# bench/clock_trace.py's reading of the card's state in each side's timed window.
# OUT=DIR bash bench/wave3f_gpu_call4.sh
set -uo pipefail
source bench/gpu_check_lib.sh
start_call gpubench || exit 1
printf 'm,n,k\n16,4096,4096\n128,4096,4096\n1024,1024,1024\n' > /tmp/shapes.csv
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw.instant,temperature.gpu --format=csv,nounits -lms 20 > $out/smi.csv 2>&1 &
smi=$!
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout 300 python3 bench/capture_check.py default-vs-torch --shapes /tmp/shapes.csv --gpubench build/gpubench --out $out/default_vs_torch.json --rounds 2 2> >(tee $out/runs.txt | grep -E "^[0-9]+x[0-9]+x[0-9]+: gpubench" >&2)
log "default-vs-torch: exit $? in $((SECONDS-t0)) s"
kill $smi
python3 bench/clock_trace.py $out/smi.csv $out/default_vs_torch.json | tee $out/clock_trace.txt
python3 -c "import sys; sys.path.insert(0,'bench'); import capture_check as c; c.report_default('$out')" > $out/report_default.md
