#!/usr/bin/env python3
"""gpubench's default rate against torch.mm with each run in a fresh process, as gpubench's runs
are, torch.mm made and captured each of capture_check.TORCH_WAYS's ways (in torch's process,
torch.cuda.graph's capture slowed later small kernels 5-9%, a kernel of bench/torch_inprocess.cu's
on buffers of its own included; on 16x4096x4096, CUDAGraph.capture_begin/end without
torch.cuda.graph's gc.collect() and empty_cache() did not: bench/results/wave3g_gpu_2026-12-07.md):
  gpubench       gpubench matmul --clocks sustained, its row's default rate (capture_check)
  graph          torch.mm as capture_check.time_mm times it (torch.cuda.graph)
  capture_begin  the same, captured by CUDAGraph.capture_begin/end
  capture_host   capture_begin, and the operands made on the host (no temporaries on the GPU)
Each variant twice per shape, alternating, 2 s of rest before each run; each run's rates in the
JSON after every shape, and a summary line in the statistic of gpubench's default rates
(capture_check.torch_matched). With --cache cold, both sides flush the L2 before every call
(capture_check.time_mm_cold).
  python3 bench/torch_fresh.py --gpubench build/gpubench --out FILE [--variants a,b]
                               [--cache warm|cold] M,N,K ...
"""
import argparse
import json
import statistics
import sys

sys.path.insert(0, "bench")
import capture_check as cc  # noqa: E402

VARIANTS = ["gpubench", *cc.TORCH_WAYS]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--gpubench", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--cache", choices=["warm", "cold"], default="warm")
    p.add_argument("shapes", nargs="+", help="M,N,K")
    args = p.parse_args()
    variants, results = args.variants.split(","), {}
    for shape in args.shapes:
        m, n, k = map(int, shape.split(","))
        runs = results[shape] = cc.alternating_fresh(args.gpubench, variants, m, n, k, args.cache)
        if "gpubench" in runs:
            default = statistics.mean(x["default_gflops"] / 1e3 for x in runs["gpubench"])
            matched = {v: cc.torch_matched(runs["gpubench"], runs[v]) for v in variants if v != "gpubench"}
            print(f"{shape} summary, matched: gpubench {default:.1f}, " + ", ".join(
                f"{v} {statistics.mean(t):.1f} (default / it {default / statistics.mean(t):.3f}){' ' + note if note else ''}"
                for v, (t, note) in matched.items()), flush=True)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
