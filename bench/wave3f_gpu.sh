#!/usr/bin/env bash
# Third wave, sixth session (bench/results/wave3f_gpu_2026-12-07.md): the GPU unit tests and the
# default sweep's time with the default algorithm's batches after a rest where the main window was
# power-limited; bench/torch_inprocess.py (torch.mm beside gpubench's default call in PyTorch's own
# process) on the two small shapes where torch.mm ran 3-5% below; then capture_check.py
# default-vs-torch on its nine shapes, torch.mm now on gpubench's kind of values.
# OUT=DIR bash bench/wave3f_gpu.sh
set -uo pipefail
source bench/gpu_check_lib.sh
nvcc -O2 -arch=sm_90 -shared -Xcompiler -fPIC -o /tmp/libinproc.so bench/torch_inprocess.cu -lcublasLt -lcublas &
start_call gpubench gpubench_unit_tests || exit 1
wait
timeout 90 ./build/tests/gpubench_unit_tests --gtest_filter='GraphBatches*:Cublas*:Kernel*:*Runner*' > $out/unit.log 2>&1
log "GPU unit tests: exit $? $(grep -E '^\[  (PASSED|FAILED) ' $out/unit.log | tr '\n' ' ')"
grep -E "^\[  FAILED  \]" $out/unit.log | head | tee -a $out/summary.txt
s=$(date +%s.%N); timeout 30 ./build/gpubench matmul -o $out/default.json > $out/default.txt 2>&1
log "default sweep: exit $? in $(python3 -c "print(round($(date +%s.%N)-$s,2))") s; warnings about graphs: $(grep -c 'call by call' $out/default.txt)"
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout 120 python3 bench/torch_inprocess.py 1024,1024,1024 16,4096,4096 > $out/torch_inprocess.txt 2>&1
log "torch_inprocess: exit $? in $((SECONDS-t0)) s"; grep summary $out/torch_inprocess.txt | tee -a $out/summary.txt
python3 bench/capture_check.py hidden-shapes > /tmp/hidden.csv
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout 260 python3 bench/capture_check.py default-vs-torch --shapes /tmp/hidden.csv --gpubench build/gpubench --out $out/default_vs_torch.json 2> >(tee $out/runs.txt | grep -E "^[0-9]+x[0-9]+x[0-9]+: gpubench" >&2)
log "default-vs-torch: exit $? in $((SECONDS-t0)) s"
python3 -c "import sys; sys.path.insert(0,'bench'); import capture_check as c; c.report_default('$out')" | tee $out/report_default.md
