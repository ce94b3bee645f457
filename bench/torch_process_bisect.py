#!/usr/bin/env python3
"""Which step of a PyTorch process slows cuBLAS's small kernels (bench/torch_inprocess.py found
gpubench's default call on buffers of its own as slow as torch.mm inside torch's process, and both
3-6% below gpubench's process, at the same 1980 MHz). Each mode is a fresh Python process that
takes its steps, then times bench/torch_inprocess.cu's cublasLtMatmul graph on buffers of its own:
  bare        no torch
  import      import torch (no CUDA from torch)
  cuda        torch's CUDA context (a tensor on the GPU)
  mm          and one torch.mm (torch's cuBLAS handle and workspace)
  values      mm, and operands made by capture_check.gpubench_values
  graph       values, and a torch.cuda.graph of torch.mm captured, replayed and dropped
  graph_kept  the same, the graph kept alive
  graph_local graph, captured with capture_error_mode="thread_local" (as gpubench captures)
  graph_add   values, and a torch.cuda.graph of an elementwise op (no cuBLAS) instead
  empty_cache values, and torch.cuda.empty_cache() (what torch.cuda.graph does before capturing)
  graph_raw   values, and torch.mm captured by CUDAGraph.capture_begin/end (no gc, no empty_cache)
  time_mm     values, and capture_check.time_mm on the shape (what torch_inprocess.py did first)
Modes alternate, twice. Run on the GPU machine after building /tmp/libinproc.so (see the .cu):
  python3 bench/torch_process_bisect.py [--modes a,b,...] M,N,K ...
"""
import ctypes
import subprocess
import sys

sys.path.insert(0, "bench")
import capture_check as cc  # noqa: E402

MODES = ["bare", "import", "cuda", "mm", "values", "graph", "graph_kept", "graph_local", "graph_add",
         "empty_cache", "graph_raw", "time_mm"]


def steps(mode, m, n, k):
    """Takes the mode's steps; returns what must stay alive while the rate is timed."""
    if mode == "bare":
        return None
    import torch
    if mode == "import":
        return None
    x = torch.ones(1024, 1024, device="cuda", dtype=torch.bfloat16)
    if mode == "cuda":
        return x
    torch.mm(x, x)
    torch.cuda.synchronize()
    if mode == "mm":
        return x
    a, b = cc.gpubench_values(m, k), cc.gpubench_values(k, n)
    c = torch.empty(m, n, device="cuda", dtype=torch.bfloat16)
    if mode == "time_mm":
        cc.time_mm(m, n, k, a=a, b=b)
    elif mode == "graph_add":
        g = torch.cuda.CUDAGraph()
        side = torch.cuda.Stream()
        with torch.cuda.graph(g, stream=side):
            for _ in range(100):
                c.add_(1)
        for _ in range(10):
            g.replay()
    elif mode == "empty_cache":
        torch.cuda.empty_cache()
    elif mode.startswith("graph"):
        local = mode == "graph_local"
        capture = "capture_begin" if mode == "graph_raw" else "torch.cuda.graph"
        replay = cc.graph_batch(a, b, c, 100, "thread_local" if local else "global", capture)
        for _ in range(10):
            replay()
        torch.cuda.synchronize()
        if mode == "graph_kept":
            return replay
    torch.cuda.synchronize()
    return a, b, c


def one(mode, shape):
    m, n, k = map(int, shape.split(","))
    alive = steps(mode, m, n, k)  # noqa: F841 (kept alive on purpose)
    lib = ctypes.CDLL("/tmp/libinproc.so")
    lib.rate.restype = ctypes.c_double
    lib.rate.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int] * 5
    print(f"{lib.rate(None, None, None, m, n, k, 0, 1):.2f}", flush=True)


def main():
    if sys.argv[1] == "one":
        return one(sys.argv[2], sys.argv[3])
    args, modes = sys.argv[1:], MODES
    if args[0] == "--modes":
        modes, args = args[1].split(","), args[2:]
    for shape in args:
        def measure(mode):
            out = subprocess.run([sys.executable, __file__, "one", mode, shape],
                                 capture_output=True, text=True)
            tflops = float(out.stdout.split()[-1]) if out.stdout.split() else float("nan")
            return tflops, out.stderr.strip()[-200:]
        cc.alternating(shape, modes, measure)

if __name__ == "__main__":
    main()
