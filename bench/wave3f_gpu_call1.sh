#!/usr/bin/env bash
# Third wave, sixth session, device call 1 (bench/results/wave3f_gpu_2026-12-07.md): bench/small_gap.py
# (what in torch.mm's graph makes small shapes slower), the launch configuration torch.mm and
# bench/ncu_one_call.cu's cuBLAS calls get (Nsight Compute), and bench/window_order.cu on three shapes.
# OUT=DIR bash bench/wave3f_gpu_call1.sh
set -uo pipefail
source bench/gpu_check_lib.sh
start_call
nvcc -O2 -arch=sm_90 -o /tmp/window_order bench/window_order.cu -lcublasLt &
nvcc -O2 -arch=sm_90 -o /tmp/one_lt bench/ncu_one_call.cu -lcublasLt -lcublas &
wait
log "built"
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout 150 python3 bench/small_gap.py 1024,1024,1024 16,4096,4096 128,4096,4096 > $out/small_gap.txt 2>&1
log "small_gap: exit $? in $((SECONDS-t0)) s"; grep summary $out/small_gap.txt
t0=$SECONDS
cat > /tmp/one_mm.py <<'PY'
import torch
for m, n, k in [(1024, 1024, 1024), (16, 4096, 4096)]:
    a = torch.randn(m, k, device="cuda", dtype=torch.bfloat16); b = torch.randn(k, n, device="cuda", dtype=torch.bfloat16)
    torch.mm(a, b); torch.cuda.synchronize()
PY
NCU=/usr/local/cuda/bin/ncu
timeout 90 $NCU --clock-control none -k regex:"nvjet|splitK" --section LaunchStats --section Occupancy python3 /tmp/one_mm.py > $out/ncu_torch.txt 2>&1
log "ncu torch: exit $?"
for s in "1024 1024 1024" "16 4096 4096"; do timeout 60 $NCU --clock-control none -k regex:"nvjet|splitK" --section LaunchStats --section Occupancy /tmp/one_lt $s; done > $out/ncu_cpp.txt 2>&1
log "ncu cpp: exit $? in $((SECONDS-t0)) s"
t0=$SECONDS
for s in "8192 8192 8192" "3000 3000 3000" "1024 1024 1024"; do timeout 150 /tmp/window_order $s; done > $out/window_order.txt 2>&1
log "window_order: exit $? in $((SECONDS-t0)) s"
cat $out/window_order.txt
