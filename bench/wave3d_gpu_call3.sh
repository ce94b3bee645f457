#!/usr/bin/env bash
# Third wave, fourth session, device call 3 (H100; bench/results/wave3d_gpu_2026-12-07.md): the
# launch-mode check (bench/cublas_launch_modes.cu) and capture_check.py default-vs-torch on its
# nine shapes (gpubench graphs; torch.mm as a graph and queued). OUT=DIR bash bench/wave3d_gpu_call3.sh
set -uo pipefail
out=${OUT:-/tmp/out}; mkdir -p $out
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit,driver_version --format=csv > $out/summary.txt; date -u >> $out/summary.txt
t0=$SECONDS
(cmake --preset release -DCMAKE_CUDA_ARCHITECTURES=90 >/dev/null && cmake --build build -j16 --target gpubench) > /tmp/build.log 2>&1 || { tail -20 /tmp/build.log; exit 1; }
echo "build $((SECONDS-t0)) s" | tee -a $out/summary.txt
nvcc -O2 -arch=sm_90 -o /tmp/cublas_launch_modes bench/cublas_launch_modes.cu -lcublasLt -lcublas && for s in "1024 1024 1024" "16 4096 4096" "128 4096 4096"; do timeout 20 /tmp/cublas_launch_modes $s; done 2>&1 | tee $out/graphdiag.txt
python3 bench/capture_check.py hidden-shapes > /tmp/hidden.csv
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout 330 python3 bench/capture_check.py default-vs-torch --shapes /tmp/hidden.csv --gpubench build/gpubench --out $out/default_vs_torch.json 2> >(tee $out/runs.txt | grep -E "^[0-9]+x[0-9]+x[0-9]+: gpubench" >&2)
echo "default-vs-torch: exit $? in $((SECONDS-t0)) s" | tee -a $out/summary.txt
python3 -c "import sys; sys.path.insert(0,'bench'); import capture_check as c; c.report_default('$out')" | tee $out/report_default.md
