#!/usr/bin/env bash
# Third wave, fourth session, one device call: the GPU unit tests (GraphBatches, cuBLAS, kernels),
# the default sweep twice, and bench/capture_check.sh, whose step 3 compares each cuBLAS row's
# default-algorithm rate with torch.mm's now that gpubench replays its batches as CUDA graphs.
# Usage, on the GPU machine from the repository root: OUT=DIR bash bench/wave3d_gpu.sh
set -uo pipefail
. bench/gpu_check_lib.sh
begin_device_call
t0=$SECONDS
cmake --build build -j16 --target gpubench_unit_tests > "$w/build_tests.log" 2>&1
log "unit-test build: exit $? in $((SECONDS - t0)) s"
t0=$SECONDS
timeout 200 ./build/tests/gpubench_unit_tests > "$w/unit.log" 2>&1
log "unit tests: exit $? in $((SECONDS - t0)) s: $(grep -E '^\[  (PASSED|FAILED) ' "$w/unit.log" | tr '\n' ' ')"
grep -E "^\[  FAILED  \]|SKIPPED \] (GraphBatches|Cublas)" "$w/unit.log" | head -20 | tee -a "$w/summary.txt"
save
for i in 1 2; do
  s=$(date +%s.%N)
  "$bin" matmul -o "$w/default_$i.json" >"$w/default_$i.txt" 2>"$w/default_$i.err"
  log "default run $i: exit $? in $(python3 -c "print(round($(date +%s.%N)-$s,2))") s"
done
grep -h "call by call" "$w"/default_*.txt | head -3 | tee -a "$w/summary.txt"
save
t0=$SECONDS
timeout 420 bash bench/capture_check.sh build "$w/capture" > "$w/capture.log" 2>&1
log "capture: exit $? in $((SECONDS - t0)) s"
cat "$w/capture/report.md" >> "$w/summary.txt" 2>/dev/null
kill $smi
save
cat "$w/summary.txt"
