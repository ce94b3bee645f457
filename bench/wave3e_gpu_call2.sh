#!/usr/bin/env bash
# Third wave, fifth session, device call 2 (bench/results/wave3e_gpu_2026-12-07.md): with the
# default algorithm's window moved before the main sustained window, the default sweep's time and
# capture_check.py default-vs-torch on the shapes where call 1 found the default differing (8192^3,
# 3000^3 and the skinny 16x4096x4096) and 4096^3 as a control. OUT=DIR bash bench/wave3e_gpu_call2.sh
set -uo pipefail
source bench/gpu_check_lib.sh
start_call gpubench || exit 1
printf 'm,n,k\n8192,8192,8192\n3000,3000,3000\n16,4096,4096\n4096,4096,4096\n' > /tmp/shapes.csv
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout 150 python3 bench/capture_check.py default-vs-torch --shapes /tmp/shapes.csv --gpubench build/gpubench --out $out/default_vs_torch.json 2> >(tee $out/runs.txt | grep -E "^[0-9]+x[0-9]+x[0-9]+: gpubench" >&2)
log "default-vs-torch: exit $? in $((SECONDS-t0)) s"
python3 -c "import sys; sys.path.insert(0,'bench'); import capture_check as c; c.report_default('$out')" | tee $out/report_default.md
s=$(date +%s.%N); timeout 30 ./build/gpubench matmul -o $out/default.json > $out/default.txt 2>&1
log "default sweep: exit $? in $(python3 -c "print(round($(date +%s.%N)-$s,2))") s"
