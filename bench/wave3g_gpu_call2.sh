#!/usr/bin/env bash
# Third wave, seventh session, device call 2 (bench/results/wave3g_gpu_2026-12-07.md):
# bench/torch_fresh.py, each run in a fresh process: gpubench's default rate against torch.mm timed
# with CUDAGraph.capture_begin/end, and with that and operands made on the host, on the three
# small hidden shapes (torch.cuda.graph, as before, left out for time: three calls had it); then
# gpubench against whichever capture_* variant came closest there, on the six other hidden
# shapes, smallest first, in the time left.
# [DEADLINE=S (560)] OUT=DIR bash bench/wave3g_gpu_call2.sh
set -uo pipefail
source bench/gpu_check_lib.sh
DEADLINE=${DEADLINE:-560}
start_call gpubench || exit 1
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout $(left 260) python3 bench/torch_fresh.py --gpubench build/gpubench --out $out/fresh_small.json --variants gpubench,capture_begin,capture_host 16,4096,4096 128,4096,4096 1024,1024,1024 > $out/fresh_small.txt 2> $out/fresh_small.err
log "torch_fresh small: exit $? in $((SECONDS-t0)) s"; grep summary $out/fresh_small.txt | tee -a $out/summary.txt
best=$(python3 - $out/fresh_small.json <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))
def worst(v):  # the largest |gpubench / torch - 1| over the shapes
    return max(abs(statistics.mean(x["gpubench"]) / statistics.mean(x[v]) - 1) for x in r.values())
print(min(["capture_begin", "capture_host"], key=worst) if r else "capture_host")
PY
)
log "closest on the small shapes: $best"
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout $(left 300) python3 bench/torch_fresh.py --gpubench build/gpubench --out $out/fresh_large.json --variants gpubench,$best 2048,6144,4096 3000,3000,3000 4096,4096,4096 4096,14336,4096 4096,4096,14336 8192,8192,8192 > $out/fresh_large.txt 2> $out/fresh_large.err
log "torch_fresh large: exit $? in $((SECONDS-t0)) s"; grep summary $out/fresh_large.txt | tee -a $out/summary.txt
