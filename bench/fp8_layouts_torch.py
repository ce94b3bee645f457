#!/usr/bin/env python3
"""Times PyTorch on the cases of bench/fp8_layouts.csv the way gpubench timed its cublas rows when
this was written (e2cb288; its sustained window does the same since): warm-up, then run until the
power-capped clock settles (two consecutive ~25 ms chunks within 1% of the one before, at most
1.5 s), then batches of >= min_time / (2 * min_samples) of back-to-back calls between CUDA events
on one stream until min_time and min_samples are reached (at most 10 * min_time); the median
per-call time. The loop is bench/torch_timing.py's (3 warm-up runs, settle, samples).

  fp8 e4m3 -> bf16  torch._scaled_mm(a, b.t(), scale_a, scale_b, out_dtype=torch.bfloat16),
                    a M x K row-major, b N x K row-major (so b.t() is column-major): layout nt
  int8              torch._int_mm(a, b.t()) for information only (no anchor: far below the peak)
  batched bf16      torch.bmm on (batch, M, K) x (batch, K, N), or x (batch, N, K).transpose(1, 2)
  layouts           torch.mm on the matching transposed views: nt = mm(a, b.t()) with b N x K,
                    tn = mm(a.t(), b) with a K x M, tt = mm(a.t(), b.t())

Writes one JSON object per line: m, n, k, layout, batch, dtype, op, gflops, median_s, cv, samples.
"""
import argparse
import csv
import json
import sys

import torch

from torch_timing import event_timer, samples, settle, summary, uniform, warm_up

FLOAT = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def timed_median(fn, flops, min_time, min_samples):
    timed = event_timer(fn)
    first = warm_up(timed, 3)
    settle(timed, first)
    return summary(samples(timed, first, min_time, min_samples, max_time=10 * min_time), flops)


def operands(m, n, k, layout, batch, make):
    """A and B stored as the layout says (t: A is K x M, B is N x K), and the views to multiply."""
    a = make((batch, k, m) if layout[0] == "t" else (batch, m, k))
    b = make((batch, n, k) if layout[1] == "t" else (batch, k, n))
    av = a.transpose(1, 2) if layout[0] == "t" else a
    bv = b.transpose(1, 2) if layout[1] == "t" else b
    if batch == 1:
        return av[0], bv[0]
    return av, bv


def case_fn(m, n, k, dtype, layout, batch, gen):
    if dtype in ("fp8", "fp8e4m3"):
        if layout != "nt" or batch != 1:
            raise ValueError("torch._scaled_mm takes one product in the nt layout")
        a = uniform((m, k), "cuda", gen, torch.float8_e4m3fn)
        b = uniform((n, k), "cuda", gen, torch.float8_e4m3fn)
        one = torch.ones((), device="cuda", dtype=torch.float32)
        return "torch._scaled_mm", lambda: torch._scaled_mm(a, b.t(), scale_a=one, scale_b=one,
                                                            out_dtype=torch.bfloat16)
    if dtype == "int8":
        if layout != "nt" or batch != 1:
            raise ValueError("torch._int_mm takes one product in the nt layout here")
        a = uniform((m, k), "cuda", gen).mul_(127).to(torch.int8)
        b = uniform((n, k), "cuda", gen).mul_(127).to(torch.int8)
        return "torch._int_mm", lambda: torch._int_mm(a, b.t())
    t = FLOAT[dtype]
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 is exact fp32, as gpubench's fp32
    av, bv = operands(m, n, k, layout, batch, lambda shape: uniform(shape, "cuda", gen, t))
    if batch == 1:
        c = torch.empty((m, n), device="cuda", dtype=t)
        return "torch.mm", lambda: torch.mm(av, bv, out=c)
    c = torch.empty((batch, m, n), device="cuda", dtype=t)
    return "torch.bmm", lambda: torch.bmm(av, bv, out=c)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("shapes", help="gpubench's --shapes file: m,n,k,dtype,layout,batch")
    p.add_argument("--min-time", type=float, default=0.3)
    p.add_argument("--min-samples", type=int, default=5)
    p.add_argument("--output", default="-")
    args = p.parse_args()
    if not torch.cuda.is_available():
        sys.exit("fp8_layouts_torch.py: no CUDA device visible to PyTorch")
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    print(f"# torch {torch.__version__} on {torch.cuda.get_device_name()}", file=sys.stderr)
    gen = torch.Generator(device="cuda").manual_seed(42)
    rows = [r for r in csv.reader(line for line in open(args.shapes)
                                  if line.strip() and not line.startswith(("#", "m,")))]
    for r in rows:
        r = [x.split("#")[0].strip() for x in r] + [""] * 6
        m, n, k = int(r[0]), int(r[1]), int(r[2])
        dtype, layout, batch = r[3], r[4] or "nn", int(r[5] or 1)
        rec = {"m": m, "n": n, "k": k, "layout": layout, "batch": batch, "dtype": dtype}
        try:
            op, fn = case_fn(m, n, k, dtype, layout, batch, gen)
            rec["op"] = op
            rec.update(timed_median(fn, 2.0 * m * n * k * batch, args.min_time, args.min_samples))
        except Exception as e:  # an op torch lacks is a row saying so, not a stopped run
            rec["error"] = f"{type(e).__name__}: {e}"
        rec["torch"] = torch.__version__
        print(json.dumps(rec), file=out, flush=True)
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
