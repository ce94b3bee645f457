#!/usr/bin/env python3
"""The reference for `gpubench peak`: the same search over the same M x N x K grid within the same
budget, with torch.mm instead of gpubench's cuBLASLt backend, each shape timed the way gpubench's
search times it; then the best few re-measured the way gpubench re-measures them.

Search order (as src/measure/peak_search.cpp): the cubes at doubling sizes, smallest first; a
compass search in grid-index space from the best (each dimension one step up and down, and all
three together; move while a neighbour is >= 0.5% faster, else halve the step, down to 1); then the
shapes around the best, nearest first, cheapest first within a distance. A shape predicted not to
fit the time left is passed over.

Per search shape (gpubench's peak_search_timing through its runner): one warm-up run, a 1 s rest
(gpubench's runner rests the card after cuBLAS's algorithm tuning), then the burst window: up to 50
warm-up runs (at most 0.25 s), then the mean of up to 100 (at most 0.5 s).

Re-measuring (--remeasure, default 3, best search burst rate first), as gpubench's runner with its
default timing: 2 warm-up runs; after a 1 s rest, the burst window as above; then the clock settled
(run until two consecutive ~25 ms chunks are within 1% of the one before, at most 1.5 s) and
samples of batched runs until >= 0.3 s and >= 5 samples (at most 10 s), median: the sustained
rate. The timing loop is bench/torch_timing.py's.
--shapes-from FILE (a `gpubench peak -o` file) also times gpubench's best shape with both windows,
for a same-shape ratio.

Writes a JSON document: {"torch", "device", "dtype", "grid", "budget", "points": [...],
"remeasured": [...], "best": {...}, "gpubench_best": {...} or null}.
"""
import argparse
import json
import math
import sys
import time

import torch

from torch_timing import (TORCH_DTYPES, burst, event_timer, samples, settle, summary, uniform,
                          warm_up)

MOVE_GAIN = 1.005


def grid_values(start, stop, step):
    if start == 0:
        start = step
    return list(range(start, stop + 1, step))


def doubling_indices(values):
    out = []
    t = float(values[0])
    while t <= values[-1]:
        i = min(range(len(values)), key=lambda j: abs(values[j] - t))
        if not out or out[-1] != i:
            out.append(i)
        t *= 2
    if out[-1] != len(values) - 1:
        out.append(len(values) - 1)
    return out


class Timer:
    def __init__(self, dtype, device, layout="nn", seed=42):
        self.layout = layout
        torch.backends.cuda.matmul.allow_tf32 = dtype == "tf32"
        torch.backends.cudnn.allow_tf32 = dtype == "tf32"
        self.t = TORCH_DTYPES[dtype]
        self.device = device
        self.gen = torch.Generator(device=device).manual_seed(seed)

    def timed_mm(self, m, n, k):
        """`timed(reps)` for torch.mm on fresh operands of the shape, stored as the layout says."""
        def rand(r, c):
            return uniform((r, c), self.device, self.gen, self.t)
        # gpubench's --layout: nt stores B as N x K (a Linear layer's weight), tn stores A as K x M.
        a = rand(k, m).t() if self.layout in ("tn", "tt") else rand(m, k)
        b = rand(n, k).t() if self.layout in ("nt", "tt") else rand(k, n)
        c = torch.empty(m, n, device=self.device, dtype=self.t)
        return event_timer(lambda: torch.mm(a, b, out=c), self.device)

    def search_rate(self, m, n, k, settle_first):
        timed = self.timed_mm(m, n, k)
        first = warm_up(timed, 1)  # gpubench's search: one warm-up run
        time.sleep(1.0)  # the runner's rest before a burst window (after cuBLAS's tuning there)
        if settle_first:
            settle(timed, first)
        # gpubench's burst_window: 10 event windows, the mean of them all.
        mean, runs = burst(timed, first, pieces=10)
        return {"m": m, "n": n, "k": k, "gflops": 2.0 * m * n * k / mean / 1e9, "mean_s": mean,
                "kernel_s": (1 + runs) * mean}

    def full_rates(self, m, n, k):
        timed = self.timed_mm(m, n, k)
        flops = 2.0 * m * n * k
        first = warm_up(timed, 2)  # gpubench's default: 2 warm-up runs
        time.sleep(1.0)  # the runner's rest before a burst window
        mean, _ = burst(timed, first, pieces=10)
        # sustained: settled clock, then gpubench's default sampling (0.3 s, 5 samples, at most
        # 10 s), median.
        settle(timed, first)
        s = summary(samples(timed, first, 0.3, 5, max_time=10.0), flops)
        return {"m": m, "n": n, "k": k, "burst_gflops": flops / mean / 1e9,
                "sustained_gflops": s["gflops"], "cv": s["cv"], "samples": s["samples"]}


class Search:
    def __init__(self, timer, values, budget, remeasure, settle):
        self.timer, self.values, self.settle = timer, values, settle
        self.t0 = time.monotonic()
        self.deadline = self.t0 + budget
        self.budget = budget
        self.remeasure = remeasure
        self.measured = {}  # index triple -> point
        self.passed = set()
        self.points = []
        self.seen = []  # (flops, elements, wall, gflops)
        self.best = None
        self.reserve = 0.3 * budget

    def shape(self, i):
        return tuple(self.values[d][i[d]] for d in range(3))

    def rate(self, i):
        p = self.measured.get(i)
        return p["gflops"] if p else 0.0

    @staticmethod
    def timing(warmup, min_time, min_samples, max_time, one):
        # gpubench's PeakCostModel::timing_seconds.
        one = max(one, 1e-7)
        target = max(1e-4, min_time / max(1, min_samples * 2))
        batch = min(max(math.floor(target / one), 1.0), 1000.0)
        timed = min(max(min_time, min_samples * batch * one), max_time) + batch * one
        return max(1, warmup) * one + timed

    def predict(self, s, full=False):
        # gpubench's PeakCostModel::predict: the rate of the nearest measured shape (x 0.8), the
        # overhead (all but the timed runs) extrapolated from the cheapest measured shape.
        m, n, k = s
        flops, elements = 2.0 * m * n * k, m * k + k * n + m * n
        gflops, overhead = 10.0, 0.05 + 30e-9 * elements
        if self.seen:
            gflops = min(self.seen, key=lambda c: abs(math.log(flops / c[0])))[3]
            overhead = min(max(0.0, c[2] - c[4]) * max(1.0, elements / c[1]) for c in self.seen)
        one = flops / (gflops * 0.8 * 1e9)
        burst = 1.0 + min(50 * one, max(0.25, one)) + min(100 * one, max(0.5, one)) + one
        if full:  # rest + burst window, settling (at most), gpubench's default timing
            timing = burst + 1.525 + one + self.timing(2, 0.3, 5, 10.0, one)
        else:
            timing = one + burst
        return 1.1 * (overhead + timing) + 0.005

    def left(self):
        return self.deadline - self.reserve - time.monotonic()

    def out_of_time(self):
        return time.monotonic() >= self.deadline - self.reserve

    def measure(self, i, phase):
        if i in self.measured or i in self.passed or self.out_of_time():
            return
        s = self.shape(i)
        if self.predict(self.shape((0, 0, 0))) > self.left():
            self.deadline = time.monotonic() + self.reserve  # nothing fits: the search is over
            return
        if self.predict(s) > self.left():
            self.passed.add(i)
            return
        t0 = time.monotonic()
        try:
            p = self.timer.search_rate(*s, settle_first=self.settle)
        except torch.cuda.OutOfMemoryError:
            torch.cuda.empty_cache()
            self.passed.add(i)
            return
        wall = time.monotonic() - t0
        p["phase"] = phase
        p["wall_s"] = wall
        self.measured[i] = p
        self.points.append(p)
        self.seen.append((2.0 * s[0] * s[1] * s[2], s[0] * s[2] + s[2] * s[1] + s[0] * s[1],
                          wall, p["gflops"], p["kernel_s"]))
        if self.best is None or p["gflops"] > self.rate(self.best):
            self.best = i
        top = sorted(self.points, key=lambda q: -q["gflops"])[: self.remeasure]
        need = sum(self.predict((q["m"], q["n"], q["k"]), full=True) for q in top)
        self.reserve = min(max(need, 0.15 * self.budget), 0.5 * self.budget)
        print(f"torch {len(self.points)} {phase} {s[0]}x{s[1]}x{s[2]}: {p['gflops'] / 1e3:.1f} "
              f"TFLOPS", file=sys.stderr)

    def measure_all(self, cands, phase):
        for i in sorted(cands, key=lambda i: math.prod(self.shape(i))):
            if self.out_of_time():
                return
            self.measure(i, phase)

    def run(self):
        coarse = [doubling_indices(v) for v in self.values]
        levels = max(len(c) for c in coarse)
        diag = []
        for t in range(levels):
            i = tuple(coarse[d][min(t, len(coarse[d]) - 1)] for d in range(3))
            if i not in diag:
                diag.append(i)
        self.measure_all(diag, "diagonal")
        if self.best is None:
            return
        centre = self.best
        step = [max(1, 2 ** int(math.log2(max(1, (len(v) - 1) // 4)))) for v in self.values]
        while not self.out_of_time():
            around = []
            def add(i):
                i = tuple(min(max(i[d], 0), len(self.values[d]) - 1) for d in range(3))
                if i != centre and i not in around:
                    around.append(i)
            for d in range(3):
                for sign in (-1, 1):
                    i = list(centre)
                    i[d] += sign * step[d]
                    add(i)
            for sign in (-1, 1):
                add([centre[d] + sign * step[d] for d in range(3)])
            self.measure_all(around, "pattern")
            nxt = max(around + [centre], key=self.rate)
            if nxt != centre and self.rate(nxt) > MOVE_GAIN * self.rate(centre):
                centre = nxt
                continue
            if step == [1, 1, 1]:
                break
            step = [max(1, s // 2) for s in step]
        c = self.best
        reach = max(max(c[d], len(self.values[d]) - 1 - c[d]) for d in range(3))
        for r in range(1, reach + 1):
            if self.out_of_time():
                break
            shell = []
            for a in range(-r, r + 1):
                for b in range(-r, r + 1):
                    face = abs(a) == r or abs(b) == r
                    for e in (range(-r, r + 1) if face else (-r, r)):
                        i = (c[0] + a, c[1] + b, c[2] + e)
                        if all(0 <= i[d] < len(self.values[d]) for d in range(3)):
                            shell.append(i)
            self.measure_all(shell, "fill")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--dtype", default="bf16", choices=sorted(TORCH_DTYPES))
    p.add_argument("--budget", type=float, default=120, help="seconds for search + re-measuring")
    for dim in "mnk":
        p.add_argument(f"--{dim}-range", type=int, nargs=3, default=[1024, 16384, 1024],
                       metavar=("START", "STOP", "STEP"), help="STOP included, as gpubench")
    p.add_argument("--remeasure", type=int, default=3)
    p.add_argument("--layout", default="nn", choices=["nn", "nt", "tn", "tt"])
    p.add_argument("--search-settle", action="store_true",
                   help="settle the clock before each search shape's burst window (gpubench does not)")
    p.add_argument("--shapes-from", help="a `gpubench peak -o` file: also time its best shape")
    p.add_argument("--device", type=int, default=0)
    p.add_argument("--output", default="-")
    args = p.parse_args()
    if not torch.cuda.is_available():
        sys.exit("peak_torch.py: no CUDA device visible to PyTorch")
    device = torch.device("cuda", args.device)
    torch.cuda.set_device(device)
    values = [grid_values(*getattr(args, f"{d}_range")) for d in "mnk"]
    timer = Timer(args.dtype, device, args.layout)
    search = Search(timer, values, args.budget, args.remeasure, args.search_settle)
    search.run()
    top = sorted(search.points, key=lambda q: -q["gflops"])[: args.remeasure]
    remeasured = []
    for q in top:
        if time.monotonic() >= search.deadline and remeasured:
            break
        remeasured.append(timer.full_rates(q["m"], q["n"], q["k"]))
    best = max(remeasured, key=lambda r: r["burst_gflops"], default=None)
    gpubench_best = None
    if args.shapes_from:
        with open(args.shapes_from, encoding="utf-8") as f:
            doc = json.load(f)
        for s in doc.get("peak", []):
            row = s.get("summary", {}).get("best_row")
            if s.get("dtype") == args.dtype and row is not None:
                shape = doc["records"][row]["shape"]
                gpubench_best = timer.full_rates(shape["m"], shape["n"], shape["k"])
    result = {"torch": torch.__version__, "device": torch.cuda.get_device_name(device),
              "dtype": args.dtype, "layout": args.layout, "grid": {d: getattr(args, f"{d}_range") for d in "mnk"},
              "budget": args.budget, "elapsed_s": time.monotonic() - search.t0,
              "points": search.points, "remeasured": remeasured, "best": best,
              "gpubench_best": gpubench_best}
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    json.dump(result, out, indent=1)
    out.write("\n")


if __name__ == "__main__":
    main()
