#!/usr/bin/env python3
"""Why torch.mm's CUDA graph runs the kernel gpubench's default runs 2-3% longer on small shapes
(bench/results/wave3e_gpu_2026-12-07.md: 1024^3 5.60 vs 5.41 us a call, 16x4096x4096 likewise).
torch.mm timed as bench/capture_check.py times it (graph of ~5 ms of calls, settle, sustained
window), varying one thing at a time, each variant twice in alternating order:
  randn      torch.randn operands (capture_check's until wave 3f)
  gpubench   gpubench's values (capture_check.gpubench_values, its operands since)
  reps200    randn, but 200 calls a graph, as bench/cublas_launch_modes.cu's graph
  lt         randn, torch.backends.cuda.preferred_blas_library("cublaslt")
Run on the GPU machine: python3 bench/small_gap.py M,N,K ...
"""
import sys

import torch

sys.path.insert(0, "bench")
import capture_check as cc  # noqa: E402


def variant(name, m, n, k):
    torch.backends.cuda.preferred_blas_library("cublaslt" if name == "lt" else "cublas")
    if name == "gpubench":
        a, b = cc.gpubench_values(m, k), cc.gpubench_values(k, n)
    else:
        a = torch.randn(m, k, device="cuda", dtype=torch.bfloat16)
        b = torch.randn(k, n, device="cuda", dtype=torch.bfloat16)
    saved = cc.BATCH_SECONDS
    if name == "reps200":  # a batch of 200 calls, whatever their time
        probe = cc.graph_batch(a, b, torch.empty(m, n, device="cuda", dtype=torch.bfloat16), 10)
        cc.BATCH_SECONDS = 200 * cc.event_seconds(probe) / 10
    try:
        rate = cc.time_mm(m, n, k, a=a, b=b)
    finally:
        cc.BATCH_SECONDS = saved
    return rate["gflops"], rate["method"]


def main():
    torch.manual_seed(0)
    for arg in sys.argv[1:]:
        m, n, k = map(int, arg.split(","))

        def measure(name):
            gflops, method = variant(name, m, n, k)
            return gflops / 1e3, method
        cc.alternating(f"{m}x{n}x{k}", ["randn", "gpubench", "reps200", "lt"], measure)

if __name__ == "__main__":
    main()
