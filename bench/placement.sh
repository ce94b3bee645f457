#!/usr/bin/env bash
# Whether where the operands land in device memory moves a small GEMM's rate
# (bench/results/wave3f_gpu_2026-12-07.md): bench/torch_process_bisect.py's "bare" mode (no torch)
# with GEMM_PAD_MB of device memory taken before its own buffers, each pad in a fresh process,
# the pads in order and then reversed. Needs /tmp/libinproc.so (bench/torch_inprocess.cu).
for shape in 1024,1024,1024 16,4096,4096; do
  for pad in 0 2 6 20 64 250 250 64 20 6 2 0; do
    echo "$shape pad $pad MiB: $(GEMM_PAD_MB=$pad timeout 20 python3 bench/torch_process_bisect.py one bare $shape) TFLOPS"
  done
done
