#!/usr/bin/env python3
"""Times torch.mm on the GPU the way gpubench times cuBLAS: CUDA events around back-to-back
multiplications on one stream, warm-up first, median per-multiplication time over many samples.

Writes one JSON object per line: {"n", "dtype", "gflops", "median_s", "cv", "samples"}.
"""
import argparse
import json
import statistics
import sys

import torch

TORCH_DTYPES = {
    "fp64": torch.float64,
    "fp32": torch.float32,
    "tf32": torch.float32,
    "fp16": torch.float16,
    "bf16": torch.bfloat16,
}


def time_mm(n, dtype, min_time, min_samples, device):
    # allow_tf32 decides fp32 vs tf32 exactly as a PyTorch user would set it.
    torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    torch.backends.cudnn.allow_tf32 = dtype == "tf32"
    gen = torch.Generator(device=device).manual_seed(42)
    t = TORCH_DTYPES[dtype]
    a = torch.rand(n, n, device=device, generator=gen, dtype=torch.float32).mul_(2).sub_(1).to(t)
    b = torch.rand(n, n, device=device, generator=gen, dtype=torch.float32).mul_(2).sub_(1).to(t)
    c = torch.empty(n, n, device=device, dtype=t)
    stream = torch.cuda.current_stream(device)
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)

    def timed(reps):
        start.record(stream)
        for _ in range(reps):
            torch.mm(a, b, out=c)
        stop.record(stream)
        stop.synchronize()
        return start.elapsed_time(stop) / 1e3

    for _ in range(3):  # warm-up: cuBLAS handle, workspace, kernel module loading
        first = timed(1)
    # Then, as gpubench's cublas backend does, run until the power-capped clock settles: two
    # consecutive ~25 ms chunks within 1% of the one before, at most 1.5 s.
    reps, spent, previous, stable = int(min(1e5, max(1, 0.025 / max(first, 1e-7)))), 0.0, 0.0, 0
    while spent < 1.5 and stable < 2:
        t = timed(reps)
        spent += t
        stable = stable + 1 if previous > 0 and abs(t - previous) <= 0.01 * previous else 0
        previous = t
    # Batches of >= 1/10 of min_time / min_samples, as gpubench's runner does.
    target = max(1e-4, min_time / (2 * min_samples))
    batch = int(min(1000, max(1, target / max(first, 1e-7))))
    samples, spent = [], 0.0
    while spent < min_time or len(samples) < min_samples:
        s = timed(batch)
        samples.append(s / batch)
        spent += s
        if spent > 10 * min_time:
            break
    med = statistics.median(samples)
    mean = statistics.fmean(samples)
    cv = statistics.pstdev(samples) / mean if mean > 0 else 0.0
    return {"n": n, "dtype": dtype, "gflops": 2.0 * n**3 / med / 1e9, "median_s": med,
            "cv": cv, "samples": len(samples)}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", default="1024,2048,4096,8192")
    p.add_argument("--dtypes", default="fp32,tf32,bf16")
    p.add_argument("--min-time", type=float, default=1.0, help="timed seconds per case")
    p.add_argument("--min-samples", type=int, default=5, help="as gpubench's default")
    p.add_argument("--device", type=int, default=0)
    p.add_argument("--output", default="-", help="JSON lines file ('-' = stdout)")
    args = p.parse_args()
    if not torch.cuda.is_available():
        sys.exit("torch_mm.py: no CUDA device visible to PyTorch")
    device = torch.device("cuda", args.device)
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    print(f"# torch {torch.__version__} on {torch.cuda.get_device_name(device)}", file=sys.stderr)
    for dtype in args.dtypes.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            r = time_mm(n, dtype, args.min_time, args.min_samples, device)
            r["torch"] = torch.__version__
            r["device"] = torch.cuda.get_device_name(device)
            print(json.dumps(r), file=out, flush=True)


if __name__ == "__main__":
    main()
