#!/usr/bin/env bash
# Third wave, fifth session, device call 1 (bench/results/wave3e_gpu_2026-12-07.md): the GPU unit
# tests and the default sweep at this commit; which cuBLAS torch.mm loads beside gpubench's, and
# bench/cublas_launch_modes.cu with each; then capture_check.py default-vs-torch on its nine shapes
# (gpubench's default now in a sustained window of its own), with the system's cuBLAS and, where
# torch's is another version, again with torch's (LD_LIBRARY_PATH). OUT=DIR bash bench/wave3e_gpu.sh
set -uo pipefail
source bench/gpu_check_lib.sh
start_call gpubench gpubench_unit_tests || exit 1
timeout 90 ./build/tests/gpubench_unit_tests --gtest_filter='GraphBatches*:Cublas*:Kernel*:*Runner*' > $out/unit.log 2>&1
log "GPU unit tests: exit $? $(grep -E '^\[  (PASSED|FAILED) ' $out/unit.log | tr '\n' ' ')"
grep -E "^\[  FAILED  \]" $out/unit.log | head | tee -a $out/summary.txt
s=$(date +%s.%N); timeout 30 ./build/gpubench matmul -o $out/default.json > $out/default.txt 2>&1
log "default sweep: exit $? in $(python3 -c "print(round($(date +%s.%N)-$s,2))") s; warnings about graphs: $(grep -c 'call by call' $out/default.txt)"
torch_lt=$(python3 -c "import sys; sys.path.insert(0, 'bench'); import capture_check as c; print(c.torch_cublas())")
torch_dir=$(dirname "${torch_lt%% *}")
log "torch.mm's cublasLt: $torch_lt; gpubench's: $(ldd build/gpubench | grep -o '/[^ ]*libcublasLt[^ ]*')"
nvcc -O2 -arch=sm_90 -o /tmp/cublas_launch_modes bench/cublas_launch_modes.cu -lcublasLt -lcublas && for s in "1024 1024 1024" "16 4096 4096"; do
  timeout 20 /tmp/cublas_launch_modes $s; LD_LIBRARY_PATH=$torch_dir timeout 20 /tmp/cublas_launch_modes $s; done 2>&1 | tee $out/launch_modes.txt
# What one replay of torch.mm's CUDA graph runs (10 calls), by kernel: an extra node a call would
# explain torch's graph running small shapes slower than a C++ graph of the same cuBLAS kernel.
python3 - <<'PY' 2>&1 | tee $out/torch_graph_kernels.txt
import sys; sys.path.insert(0, "bench")
import capture_check as c, torch
from collections import defaultdict
from torch.profiler import ProfilerActivity, profile
for m, n, k in ((1024, 1024, 1024), (16, 4096, 4096)):
    a = torch.randn(m, k, device="cuda", dtype=torch.bfloat16); b = torch.randn(k, n, device="cuda", dtype=torch.bfloat16)
    out = torch.empty(m, n, device="cuda", dtype=torch.bfloat16)
    replay = c.graph_batch(a, b, out, 10)
    replay(); torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        replay(); torch.cuda.synchronize()
    kernels = defaultdict(list)
    for e in prof.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            kernels[e.name[:90]].append(e.device_time)
    for name, t in kernels.items():
        print(f"{m}x{n}x{k} torch graph of 10: {len(t)} x {name} mean {sum(t) / len(t):.2f} us")
PY
python3 bench/capture_check.py hidden-shapes > /tmp/hidden.csv
# gpubench with torch's cuBLAS only where torch's is another version (cublas_launch_modes says)
libs=system; [ "$(grep -oE 'cublasLt [0-9]+' $out/launch_modes.txt | sort -u | wc -l)" -gt 1 ] && libs="system torch"
for lib in $libs; do
  mkdir -p $out/$lib; t0=$SECONDS
  [ $lib = torch ] && export LD_LIBRARY_PATH=$torch_dir
  PYTHONUNBUFFERED=1 timeout 200 python3 bench/capture_check.py default-vs-torch --shapes /tmp/hidden.csv --gpubench build/gpubench --out $out/$lib/default_vs_torch.json 2> >(tee $out/$lib/runs.txt | grep -E "^[0-9]+x[0-9]+x[0-9]+: gpubench" >&2)
  log "default-vs-torch ($lib cuBLAS for gpubench): exit $? in $((SECONDS-t0)) s"
  python3 -c "import sys; sys.path.insert(0,'bench'); import capture_check as c; c.report_default('$out/$lib')" | tee $out/$lib/report_default.md
done
