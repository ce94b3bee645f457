#!/usr/bin/env python3
"""Which step of becoming a PyTorch process slows cuBLAS's small kernels (bench/torch_inprocess.py
found gpubench's default call on buffers of its own as slow as torch.mm inside torch's process, and
both 3-6% below gpubench's process). Each mode is a fresh Python process that goes one step further,
then times bench/torch_inprocess.cu's cublasLtMatmul graph on buffers of its own:
  bare     no torch
  import   import torch (no CUDA from torch)
  cuda     torch's CUDA context (a tensor on the GPU)
  mm       and one torch.mm (torch's cuBLAS handle and workspace)
Modes alternate, twice. Run on the GPU machine after building /tmp/libinproc.so (see the .cu):
  python3 bench/torch_process_bisect.py M,N,K ...
"""
import ctypes
import subprocess
import sys

MODES = ["bare", "import", "cuda", "mm"]


def one(mode, shapes):
    if mode != "bare":
        import torch
        if mode in ("cuda", "mm"):
            x = torch.ones(1024, 1024, device="cuda", dtype=torch.bfloat16)
        if mode == "mm":
            torch.mm(x, x)
            torch.cuda.synchronize()
    lib = ctypes.CDLL("/tmp/libinproc.so")
    lib.rate.restype = ctypes.c_double
    lib.rate.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int] * 5
    for shape in shapes:
        m, n, k = map(int, shape.split(","))
        print(f"{shape} {lib.rate(None, None, None, m, n, k, 0, 1):.2f}", flush=True)


def main():
    if sys.argv[1] == "one":
        return one(sys.argv[2], sys.argv[3:])
    got = {}
    for order in (MODES, MODES[::-1]):
        for mode in order:
            out = subprocess.run([sys.executable, __file__, "one", mode] + sys.argv[1:],
                                 capture_output=True, text=True).stdout
            for line in out.split("\n"):
                if line.strip():
                    shape, tflops = line.split()
                    got.setdefault(shape, {}).setdefault(mode, []).append(float(tflops))
                    print(f"{shape} {mode}: {tflops} TFLOPS", flush=True)
    for shape, modes in got.items():
        base = sum(modes["bare"]) / len(modes["bare"])
        print(f"{shape} summary: " + ", ".join(
            f"{mode} {sum(x) / len(x):.1f} ({sum(x) / len(x) / base:.3f})" for mode, x in modes.items()))


if __name__ == "__main__":
    main()
