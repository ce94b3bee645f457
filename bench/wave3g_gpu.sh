#!/usr/bin/env bash
# Third wave, seventh session (bench/results/wave3g_gpu_2026-12-07.md): where the small shapes'
# 5-9% between gpubench's process and torch.mm's comes from. bench/relative_placement.sh (the
# workspace and operands placed against each other, no torch); bench/torch_process_bisect.py with
# torch's graph captured "global" (its default) and "thread_local" (as gpubench captures) and a
# graph without cuBLAS; then capture_check.py default-vs-torch on the three small hidden shapes
# with torch.mm's graphs captured "thread_local".
# OUT=DIR bash bench/wave3g_gpu.sh
set -uo pipefail
source bench/gpu_check_lib.sh
nvcc -O2 -arch=sm_90 -shared -Xcompiler -fPIC -o /tmp/libinproc.so bench/torch_inprocess.cu -lcublasLt -lcublas &
nvcc -O2 -arch=sm_90 -o /tmp/one_lt bench/ncu_one_call.cu -lcublasLt -lcublas &
start_call gpubench || exit 1
wait
timeout 30 /tmp/one_lt 1024 1024 1024 > $out/one_lt.txt 2>&1; log "ncu_one_call runs without ncu: exit $?"
t0=$SECONDS
timeout 200 bash bench/relative_placement.sh > $out/relative_placement.txt 2>&1
log "relative_placement: exit $? in $((SECONDS-t0)) s"
python3 - $out/relative_placement.txt <<'PY' | tee -a $out/summary.txt
import collections, statistics, sys
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    if "offsets_kb" in line:
        by[line.split()[0]].append(float(line.split(":")[1].split()[0]))
for shape, x in by.items():
    print(f"{shape}: {len(x)} runs, min {min(x):.1f} median {statistics.median(x):.1f} max {max(x):.1f} (max/min {max(x)/min(x):.3f})")
PY
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout 280 python3 bench/torch_process_bisect.py --modes mm,values,empty_cache,graph,graph_raw,graph_local,graph_add 1024,1024,1024 16,4096,4096 > $out/bisect.txt 2>&1
log "bisect: exit $? in $((SECONDS-t0)) s"; grep summary $out/bisect.txt | tee -a $out/summary.txt
printf 'm,n,k\n16,4096,4096\n128,4096,4096\n1024,1024,1024\n' > /tmp/shapes.csv
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout 150 python3 bench/capture_check.py default-vs-torch --shapes /tmp/shapes.csv --gpubench build/gpubench --out $out/default_vs_torch.json --capture-mode thread_local 2> >(tee $out/runs.txt | grep -E "^[0-9]+x[0-9]+x[0-9]+: gpubench" >&2)
log "default-vs-torch thread_local: exit $? in $((SECONDS-t0)) s"
python3 -c "import sys; sys.path.insert(0,'bench'); import capture_check as c; c.report_default('$out')" > $out/report_default.md 2>&1
