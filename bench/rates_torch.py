#!/usr/bin/env python3
"""Times torch.mm on the GPU both ways gpubench times cuBLAS (issue #12), for the same shapes:

- burst: after the card rested 1 s, 50 warm-up multiplications, then the mean of the next 100
  in one CUDA-event window: how mamf-finder and most published tables time it;
- sustained: after the power-capped clock settled (two consecutive ~25 ms chunks within 1%, at
  most 1.5 s), the median of timed samples of >= min_time / 10 until min_time and 5 samples:
  how gpubench times its main rate.
The loop is bench/torch_timing.py's.

Writes one JSON object per line: {"m","n","k","dtype","burst_gflops","sustained_gflops"}.
"""
import argparse
import json
import sys
import time

import torch

from torch_timing import (TORCH_DTYPES, burst, event_timer, samples, settle, summary, uniform,
                          warm_up)


def time_case(m, n, k, dtype, min_time, device):
    torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
    gen = torch.Generator(device=device).manual_seed(42)
    t = TORCH_DTYPES[dtype]
    a = uniform((m, k), device, gen, t)
    b = uniform((k, n), device, gen, t)
    c = torch.empty(m, n, device=device, dtype=t)
    flops = 2.0 * m * n * k
    timed = event_timer(lambda: torch.mm(a, b, out=c), device)

    first = warm_up(timed, 1)  # handle, workspace, module loading
    # Burst, as mamf-finder: rest, 50 warm-up, the mean of the next 100 in one event window
    # (fewer when long, as gpubench caps its window at 0.25 s of warm-up and 0.5 s of timing).
    torch.cuda.synchronize()
    time.sleep(1.0)
    burst_s, _ = burst(timed, first, pieces=1)
    # Sustained: settle, then median of samples of >= min_time/10 each (min_time / (2 * 5)),
    # at least 5 of them, no cap.
    settle(timed, first)
    sustained = summary(samples(timed, first, min_time, 5), flops)
    torch.cuda.synchronize()
    time.sleep(1.0)  # leave the card rested for whatever runs next
    return {"m": m, "n": n, "k": k, "dtype": dtype, "burst_gflops": flops / burst_s / 1e9,
            "sustained_gflops": sustained["gflops"]}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--shapes", required=True, help="CSV lines M,N,K,dtype")
    p.add_argument("--min-time", type=float, default=0.3)
    p.add_argument("--output", default="-")
    p.add_argument("--no-throwaway", action="store_true",
                   help="time the first shape first, without the throwaway case before it")
    args = p.parse_args()
    if not torch.cuda.is_available():
        sys.exit("rates_torch.py: no CUDA device visible to PyTorch")
    device = torch.device("cuda", 0)
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    # One throwaway case first: the process's first multiplications (library loading, heuristics)
    # read several percent low, and would otherwise land on the first real case's burst window.
    if not args.no_throwaway:
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
