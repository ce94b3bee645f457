#!/usr/bin/env python3
"""Times torch.mm on the GPU the way gpubench times cuBLAS: CUDA events around back-to-back
multiplications on one stream, warm-up first, median per-multiplication time over many samples.
The steps (bench/torch_timing.py): 3 warm-up runs; run until the clock settles (two consecutive
~25 ms chunks within 1% of the one before, at most 1.5 s); batches of >= min_time / (2 *
min_samples) runs until min_time and min_samples are reached (at most 10 * min_time); the median.

Writes one JSON object per line: {"n", "dtype", "gflops", "median_s", "cv", "samples"}.
"""
import argparse
import json
import sys

import torch

from torch_timing import TORCH_DTYPES, event_timer, samples, settle, summary, uniform, warm_up


def time_mm(n, dtype, min_time, min_samples, device):
    # allow_tf32 decides fp32 vs tf32 exactly as a PyTorch user would set it.
    torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    torch.backends.cudnn.allow_tf32 = dtype == "tf32"
    gen = torch.Generator(device=device).manual_seed(42)
    t = TORCH_DTYPES[dtype]
    a = uniform((n, n), device, gen, t)
    b = uniform((n, n), device, gen, t)
    c = torch.empty(n, n, device=device, dtype=t)
    timed = event_timer(lambda: torch.mm(a, b, out=c), device)
    first = warm_up(timed, 3)
    # Then, as gpubench's cublas backend does, run until the power-capped clock settles: two
    # consecutive ~25 ms chunks within 1% of the one before, at most 1.5 s.
    settle(timed, first)
    # Batches of >= min_time / (2 * min_samples), as gpubench's runner does; at most 10 * min_time.
    per_run = samples(timed, first, min_time, min_samples, max_time=10 * min_time)
    return {"n": n, "dtype": dtype, **summary(per_run, 2.0 * n**3)}


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
