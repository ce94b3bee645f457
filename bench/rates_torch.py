#!/usr/bin/env python3
"""Times torch.mm on the GPU both ways gpubench times cuBLAS (issue #12), for the same shapes:

- burst: after the card rested 1 s, 50 warm-up multiplications, then the mean of the next 100
  in one CUDA-event window: how mamf-finder and most published tables time it;
- sustained: after the power-capped clock settled (two consecutive ~25 ms chunks within 1%, at
  most 1.5 s), the median of timed samples: how gpubench times its main rate.

Writes one JSON object per line: {"m","n","k","dtype","burst_gflops","sustained_gflops"}.
"""
import argparse
import json
import statistics
import sys
import time

import torch

TORCH_DTYPES = {"fp32": torch.float32, "tf32": torch.float32, "fp16": torch.float16,
                "bf16": torch.bfloat16}


def time_case(m, n, k, dtype, min_time, device):
    torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    gen = torch.Generator(device=device).manual_seed(42)
    t = TORCH_DTYPES[dtype]
    a = torch.rand(m, k, device=device, generator=gen).mul_(2).sub_(1).to(t)
    b = torch.rand(k, n, device=device, generator=gen).mul_(2).sub_(1).to(t)
    c = torch.empty(m, n, device=device, dtype=t)
    stream = torch.cuda.current_stream(device)
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    flops = 2.0 * m * n * k

    def timed(reps):
        start.record(stream)
        for _ in range(reps):
            torch.mm(a, b, out=c)
        stop.record(stream)
        stop.synchronize()
        return start.elapsed_time(stop) / 1e3

    first = timed(1)  # handle, workspace, module loading
    # Burst, as mamf-finder: rest, 50 warm-up, the mean of the next 100 (fewer when long, as
    # gpubench caps its window at 0.25 s of warm-up and 0.5 s of timing).
    torch.cuda.synchronize()
    time.sleep(1.0)
    warm = int(min(50, max(1, 0.25 / max(first, 1e-7))))
    count = int(min(100, max(1, 0.5 / max(first, 1e-7))))
    timed(warm)
    burst_s = timed(count) / count
    # Sustained: settle, then median of samples of >= min_time/10 each.
    reps = int(min(1e5, max(1, 0.025 / max(first, 1e-7))))
    spent, previous, stable = 0.0, 0.0, 0
    while spent < 1.5 and stable < 2:
        s = timed(reps)
        spent += s
        stable = stable + 1 if previous > 0 and abs(s - previous) <= 0.01 * previous else 0
        previous = s
    batch = int(min(1000, max(1, max(1e-4, min_time / 10) / max(first, 1e-7))))
    samples, spent = [], 0.0
    while spent < min_time or len(samples) < 5:
        s = timed(batch)
        samples.append(s / batch)
        spent += s
    med = statistics.median(samples)
    torch.cuda.synchronize()
    time.sleep(1.0)  # leave the card rested for whatever runs next
    return {"m": m, "n": n, "k": k, "dtype": dtype, "burst_gflops": flops / burst_s / 1e9,
            "sustained_gflops": flops / med / 1e9}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--shapes", required=True, help="CSV lines M,N,K,dtype")
    p.add_argument("--min-time", type=float, default=0.3)
    p.add_argument("--output", default="-")
    args = p.parse_args()
    if not torch.cuda.is_available():
        sys.exit("rates_torch.py: no CUDA device visible to PyTorch")
    device = torch.device("cuda", 0)
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    # One throwaway case first: the process's first multiplications (library loading, heuristics)
    # read several percent low, and would otherwise land on the first real case's burst window.
    time_case(2048, 2048, 2048, "bf16", 0.1, device)
    for line in open(args.shapes):
        line = line.split("#")[0].strip()
        if not line or line.lower().startswith("m,"):
            continue
        m, n, k, dtype = [x.strip() for x in line.split(",")][:4]
        r = time_case(int(m), int(n), int(k), dtype, args.min_time, device)
        r["torch"] = torch.__version__
        print(json.dumps(r), file=out, flush=True)


if __name__ == "__main__":
    main()
