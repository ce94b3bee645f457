#!/usr/bin/env bash
# The next device call for issue 23 (bench/results/wave3e_gpu_2026-12-07.md): bench/window_order.cu
# on two power-capped shapes whose default is not the chosen algorithm (8192^3, 3000^3) and on a
# shape that is not capped as a control (1024^3), ~70 s each. OUT=DIR bash bench/window_order.sh
set -uo pipefail
source bench/gpu_check_lib.sh
start_call
nvcc -O2 -arch=sm_90 -o /tmp/window_order bench/window_order.cu -lcublasLt || exit 1
for s in "8192 8192 8192" "3000 3000 3000" "1024 1024 1024"; do timeout 150 /tmp/window_order $s; done 2>&1 | tee $out/window_order.txt
