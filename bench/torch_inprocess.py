#!/usr/bin/env python3
"""Whether torch.mm's graph runs small shapes 2-3% slower than gpubench's default because of the
call or because of the process (bench/results/wave3f_gpu_2026-12-07.md): in one PyTorch process,
on the same tensors, torch.mm as capture_check.py times it, beside bench/torch_inprocess.cu's
cublasLtMatmul (heuristic's first) and cublasGemmEx graphs, each variant twice in alternating order.
Run on the GPU machine after building /tmp/libinproc.so: python3 bench/torch_inprocess.py M,N,K ...
"""
import ctypes, sys
import torch
sys.path.insert(0, "bench")
import capture_check as cc
lib = ctypes.CDLL("/tmp/libinproc.so")
lib.rate.restype = ctypes.c_double
lib.rate.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int] * 5
torch.manual_seed(0)
for arg in sys.argv[1:]:
    m, n, k = map(int, arg.split(","))
    a, b = cc.gpubench_values(m, k), cc.gpubench_values(k, n)
    c = torch.empty(m, n, device="cuda", dtype=torch.bfloat16)
    torch.cuda.synchronize()

    def measure(v):
        if v == "torch.mm":
            return cc.time_mm(m, n, k, a=a, b=b)["gflops"] / 1e3, ""
        if v == "torch.mm_side_stream":
            with torch.cuda.stream(torch.cuda.Stream()):
                return cc.time_mm(m, n, k, a=a, b=b)["gflops"] / 1e3, ""
        torch.cuda.synchronize()
        return lib.rate(a.data_ptr(), b.data_ptr(), c.data_ptr(), m, n, k, int(v.startswith("gemmex")), int("own" in v)), ""
    cc.alternating(f"{m}x{n}x{k}", ["torch.mm", "lt_torch_tensors", "lt_own_buffers", "gemmex_torch_tensors",
                                    "torch.mm_side_stream"], measure)
