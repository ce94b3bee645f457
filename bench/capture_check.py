#!/usr/bin/env python3
"""The GPU machine's check of `gpubench capture` and the default-algorithm rates (issue 23).

Run by bench/capture_check.sh, which says what each step is for. Subcommands:
  train --steps N        N training steps of a small transformer (bf16 autocast, forward and
                         backward, AdamW): the program gpubench capture records
  profile --out F        one such step (after warm-up) under torch.profiler(record_shapes=True):
                         each GEMM op's shapes and its own kernels' device time, as JSON
  hidden-shapes [--fit-l2 BYTES]  the bf16 shapes of the default-vs-torch.mm comparison, as a
                         --shapes file (only those whose operands fit in BYTES of L2)
  torch-mm [--way W] [--cache C] [--queued] M,N,K
                         torch.mm's rate on one shape in this process, as one JSON line, timed as
                         gpubench --clocks sustained times the default algorithm. Warm: the kernel
                         alone (a CUDA graph of torch.mm(a, b, out=c) calls replayed between CUDA
                         events, as gpubench replays its batches; a Python loop would add
                         PyTorch's ~12-16 us of CPU a call), after the clock settled as gpubench's
                         settle() does, then gpubench's sustained window (~30 ms samples for
                         0.3 s, the median). Cold: each call alone between events after an L2
                         flush, as gpubench --cache cold. W (TORCH_WAYS): how the graphs are
                         captured and where the operands are made
  default-vs-torch --shapes F --gpubench BIN --out J [--rounds R] [--way W] [--cache C]
                         per shape, gpubench's default-algorithm rate and torch.mm's, each run
                         2R times in alternating order (gpubench then torch.mm, then torch.mm then
                         gpubench) after the same rest, so that both meet the card in the same
                         state, each run in a fresh process (torch.mm as torch-mm times it), with
                         the kernels torch.mm runs
  report --dir D --steps N      the comparisons, as markdown
"""
import argparse
import json
import math
import os
import statistics
import sys
from collections import Counter

# The model: 2 pre-norm blocks, attention written with matmuls (q @ k^T, p @ v are batched GEMMs,
# which cuBLAS runs; a fused attention kernel would not be a GEMM call), no biases (each Linear is
# one mm), a vocabulary head. 4 x 512 = 2048 tokens.
D, HEADS, FF, VOCAB, LAYERS, BATCH, SEQ = 1024, 16, 4096, 8192, 2, 4, 512
GEMM_OPS = ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm")


def build():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.n1, self.n2 = nn.LayerNorm(D), nn.LayerNorm(D)
            self.qkv = nn.Linear(D, 3 * D, bias=False)
            self.out = nn.Linear(D, D, bias=False)
            self.up = nn.Linear(D, FF, bias=False)
            self.down = nn.Linear(FF, D, bias=False)

        def forward(self, x):
            b, t, d = x.shape
            q, k, v = self.qkv(self.n1(x)).split(d, dim=-1)
            heads = lambda z: z.view(b, t, HEADS, d // HEADS).transpose(1, 2)
            q, k, v = heads(q), heads(k), heads(v)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d // HEADS))
            y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
            x = x + self.out(y)
            return x + self.down(F.gelu(self.up(self.n2(x))))

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(VOCAB, D)
            self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
            self.head = nn.Linear(D, VOCAB, bias=False)

        def forward(self, tokens):
            x = self.embed(tokens)
            for blk in self.blocks:
                x = blk(x)
            return self.head(x)

    torch.manual_seed(0)
    model = Model().cuda()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    tokens = torch.randint(0, VOCAB, (BATCH, SEQ), device="cuda")
    target = torch.randint(0, VOCAB, (BATCH, SEQ), device="cuda")

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(tokens)
            loss = F.cross_entropy(logits.float().view(-1, VOCAB), target.view(-1))
        loss.backward()
        opt.step()
        return loss

    return step


def train(args):
    import torch
    step = build()
    for _ in range(args.steps):
        loss = step()
    torch.cuda.synchronize()
    print(f"loss after {args.steps} steps: {loss.item():.4f}")


def gemm_of(name, dims):
    """(M, N, K, batch) of an aten GEMM op from its input shapes (row-major, as gpubench reads)."""
    if name == "aten::mm":
        (m, k), (_, n) = dims[0], dims[1]
        return m, n, k, 1
    if name == "aten::addmm":
        (m, k), (_, n) = dims[1], dims[2]
        return m, n, k, 1
    a, b = (dims[0], dims[1]) if name == "aten::bmm" else (dims[1], dims[2])
    return a[1], b[2], a[2], a[0]


def profile(args):
    import torch
    from torch.profiler import ProfilerActivity, profile as torch_profile
    step = build()
    for _ in range(3):
        step()
    torch.cuda.synchronize()
    with torch_profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA],
                       record_shapes=True) as prof:
        step()
        torch.cuda.synchronize()
    gemms = []
    for e in prof.events():
        if e.name not in GEMM_OPS:
            continue
        # The op's own kernels (the GEMM and its split-K reduction), not its child ops' (a
        # .contiguous() copy of an operand is no GEMM time); older torch calls it self_cuda_*.
        device_us = getattr(e, "self_device_time_total", None)
        if device_us is None:
            device_us = e.self_cuda_time_total
        m, n, k, batch = gemm_of(e.name, e.input_shapes)
        gemms.append({"op": e.name, "m": m, "n": n, "k": k, "batch": batch,
                      "device_seconds": device_us * 1e-6})
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "gemms": gemms}, f, indent=1)
    print(f"{len(gemms)} GEMM ops, {sum(g['device_seconds'] for g in gemms) * 1e3:.3f} ms of "
          f"GEMM kernels in one step")


HIDDEN_SHAPES = [  # m, n, k (bf16, nn): a skinny one first
    (16, 4096, 4096), (128, 4096, 4096), (1024, 1024, 1024), (2048, 6144, 4096),
    (3000, 3000, 3000), (4096, 4096, 4096), (4096, 14336, 4096), (4096, 4096, 14336),
    (8192, 8192, 8192),
]


def hidden_shapes(args):
    print("# bench/capture_check.py: the default algorithm against torch.mm")
    print("m,n,k,dtype,layout,batch")
    for m, n, k in HIDDEN_SHAPES:
        if args.fit_l2 is None or 2 * (m * k + k * n + m * n) <= args.fit_l2:  # bf16 A, B, C
            print(f"{m},{n},{k},bf16,nn,1")


def read_shapes(path):
    shapes = []
    for line in open(path):
        line = line.split("#")[0].strip()
        if not line or line.startswith("m,"):
            continue
        f = line.split(",")
        shapes.append((int(f[0]), int(f[1]), int(f[2])))
    return shapes


# torch.mm timed as gpubench times the default algorithm under --clocks sustained (see
# bench/capture_check.sh): the kernel alone, on a settled (power-capped) clock, then gpubench's
# sustained window with its default --min-time 0.3 and --min-samples 5 (samples of ~30 ms until
# 0.3 s and 5 samples, the median sample's seconds per run). gpubench replays its batches as CUDA
# graphs; a Python loop of torch.mm would add PyTorch's ~12-16 us of CPU per call and bind the
# small shapes to it, so a batch is a CUDA graph of ~5 ms of torch.mm(a, b, out=c) calls, and a
# sample the replays of a few such graphs between two CUDA events.
BATCH_SECONDS, WINDOW_SECONDS = 5e-3, 0.25
SAMPLE_SECONDS, MIN_TIME, MIN_SAMPLES = 0.03, 0.3, 5


def event_seconds(run):
    """Seconds of GPU time `run()` enqueues, between two CUDA events."""
    import torch
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    run()
    stop.record()
    torch.cuda.synchronize()
    return start.elapsed_time(stop) * 1e-3


def graph_batch(a, b, c, reps, capture_error_mode="global", capture="torch.cuda.graph"):
    """A CUDA graph of `reps` torch.mm(a, b, out=c) calls: its replay(), as a batch. The capture
    mode is torch.cuda.graph's (its default "global"; gpubench captures "thread_local"). `capture`
    "capture_begin" captures by CUDAGraph.capture_begin/end, without torch.cuda.graph's
    gc.collect() and empty_cache() first (which slowed later small kernels 5-9% in its process:
    bench/results/wave3g_gpu_2026-12-07.md)."""
    import torch
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm-up on the capture's stream (cuBLAS handle, workspace)
        for _ in range(3):
            torch.mm(a, b, out=c)
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    if capture == "capture_begin":
        with torch.cuda.stream(side):
            g.capture_begin(capture_error_mode=capture_error_mode)
            try:
                for _ in range(reps):
                    torch.mm(a, b, out=c)
            finally:  # a call that failed leaves no capture open (time_mm then falls back)
                g.capture_end()
    else:
        with torch.cuda.graph(g, stream=side, capture_error_mode=capture_error_mode):
            for _ in range(reps):
                torch.mm(a, b, out=c)
    torch.cuda.synchronize()
    return g.replay


def loop_batch(a, b, c, reps):
    """The fallback where graphs fail: `reps` calls from Python (CPU-bound on small shapes)."""
    import torch

    def run():
        for _ in range(reps):
            torch.mm(a, b, out=c)
    return run


# Calls queued behind one sleep: well inside CUDA's queue of pending launches (about a thousand),
# which, once full, would hold Python back until the GPU ran ahead of it.
QUEUED_MAX = 256


def queued_seconds(a, b, c, reps):
    """Seconds of `reps` torch.mm calls from a Python loop queued behind torch.cuda._sleep, so
    that the GPU runs them back to back without a graph: the start event fires when the sleep
    ends, after the loop has queued every call (the sleep outlasts ~25 us of CPU a call)."""
    import torch
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda._sleep(int(2.0e9 * (1e-3 + 25e-6 * reps)))  # cycles, at most the 1980 MHz clock
    start.record()
    for _ in range(reps):
        torch.mm(a, b, out=c)
    stop.record()
    torch.cuda.synchronize()
    return start.elapsed_time(stop) * 1e-3


def median_window(batch, reps):
    """gpubench's sustained window over `batch` (`reps` runs a replay): (seconds per run of the
    median sample, runs, seconds timed, its wall-clock span in Unix seconds, to line it up with a
    clock trace)."""
    import time
    per_sample = max(1, round(SAMPLE_SECONDS / max(event_seconds(batch), 1e-7)))
    per_run, total = [], 0.0
    start = time.time()
    while total < MIN_TIME or len(per_run) < MIN_SAMPLES:
        t = event_seconds(lambda: [batch() for _ in range(per_sample)])
        per_run.append(t / (per_sample * reps))
        total += t
    return statistics.median(per_run), len(per_run) * per_sample * reps, total, (start, time.time())


def window(seconds_of_batch, reps):
    total, runs = 0.0, 0
    while runs < 3 * reps or total < WINDOW_SECONDS:
        total += seconds_of_batch()
        runs += reps
    return total, runs


def gpubench_values(rows, cols, device="cuda"):
    """A bf16 operand filled as gpubench fills its own (src/core/host_matrix.cpp: magnitudes
    uniform in [0.125, 1], random signs), so that both sides multiply the same kind of numbers:
    the card's power, and so its capped clock, depends on the bits it moves. Made on `device`,
    then moved to the GPU: "cpu" leaves no temporaries in torch's GPU memory."""
    import torch
    magnitude = 0.125 + 0.875 * torch.rand(rows, cols, device=device)
    sign = torch.where(torch.rand(rows, cols, device=device) < 0.5, -1.0, 1.0)
    return (magnitude * sign).to(torch.bfloat16).to("cuda")


def time_mm(m, n, k, queued=False, a=None, b=None, capture="torch.cuda.graph"):
    """torch.mm on one bf16 shape (operands `a` and `b`, gpubench's kind of values by default),
    timed warm, its graphs captured as graph_batch's `capture` says: a dict
    of gflops (the median sample's), mean_gflops (the window's runs over its time), batch (how a
    batch ran), method and window_unix; with `queued`, also queued_gflops, the same calls queued
    behind a sleep (no graph), timed right after."""
    import torch
    from torch_timing import settle
    a = gpubench_values(m, k) if a is None else a
    b = gpubench_values(k, n) if b is None else b
    c = torch.empty(m, n, device="cuda", dtype=torch.bfloat16)
    try:
        probe = graph_batch(a, b, c, 10, capture=capture)
        one = max(event_seconds(probe) / 10, 1e-7)
        reps = int(min(max(BATCH_SECONDS / one, 1), 1000))
        batch, how = graph_batch(a, b, c, reps, capture=capture), "CUDA graph"
    except RuntimeError as e:  # say why, and time the Python loop instead
        print(f"torch.mm {m}x{n}x{k}: CUDA graph failed ({e}); timing a Python loop",
              file=sys.stderr)
        torch.cuda.synchronize()
        loop = loop_batch(a, b, c, 3)
        loop()
        one = max(event_seconds(loop) / 3, 1e-7)
        reps = int(min(max(BATCH_SECONDS / one, 1), 1000))
        batch, how = loop_batch(a, b, c, reps), f"Python loop (CUDA graph failed: {e})"
    settle(lambda count: event_seconds(lambda: [batch() for _ in range(count)]), event_seconds(batch))
    per_run, runs, total, span = median_window(batch, reps)
    flops = 2.0 * m * n * k
    rate = {"gflops": flops / per_run / 1e9, "mean_gflops": flops * runs / total / 1e9,
            "batch": how, "window_unix": span,
            "method": f"{how} of {reps} calls, settled clock, median sample of {runs} runs in "
                      f"{total:.2f} s"}
    if queued:
        q_reps = min(reps, QUEUED_MAX)
        q_total, q_runs = window(lambda: queued_seconds(a, b, c, q_reps), q_reps)
        rate["queued_gflops"] = flops * q_runs / q_total / 1e9
    return rate


# torch.mm timed as gpubench --cache cold times a run (runner.cpp cache_policy; gpu_backend.cpp
# flush_l2; graph_batches.cpp): a CUDA graph of one call replayed alone between CUDA events, after
# a rewrite of a buffer twice the L2 that stays outside them, then a wait for it; then settle() and
# the sustained window as above, but every run its own sample.


def cold_runs(run, flush, reps):
    """Per-run seconds of `reps` calls of `run` (one torch.mm), each after `flush` was rewritten,
    one at a time as gpubench runs them: the flush (~30 us for 100 MiB) is queued ahead of the
    events, so Python's ~15 us of launching the call and its events stays off the timed span."""
    import torch
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    seconds = []
    for i in range(reps):
        flush.fill_(i % 255 + 1)  # a new value each time, as gpubench's memset
        start.record()
        run()
        stop.record()
        stop.synchronize()
        seconds.append(start.elapsed_time(stop) * 1e-3)
    return seconds


def time_mm_cold(m, n, k, a, b, capture="torch.cuda.graph"):
    """torch.mm on one bf16 shape timed cold, as gpubench --cache cold --clocks sustained, its
    one-call graph captured as graph_batch's `capture` says: the same dict as time_mm's (no queued
    rate)."""
    import time
    import torch
    from torch_timing import settle
    c = torch.empty(m, n, device="cuda", dtype=torch.bfloat16)
    l2 = torch.cuda.get_device_properties(c.device).L2_cache_size
    flush = torch.empty(max(2 * l2, 1 << 20), dtype=torch.uint8, device="cuda")
    try:
        run, how = graph_batch(a, b, c, 1, capture=capture), "a CUDA graph of one call"
    except RuntimeError as e:  # say why, and time the call itself
        print(f"torch.mm {m}x{n}x{k}: CUDA graph failed ({e}); timing the call", file=sys.stderr)
        torch.cuda.synchronize()
        run, how = (lambda: torch.mm(a, b, out=c)), f"one call (CUDA graph failed: {e})"
    cold_runs(run, flush, 3)  # warm-up, as gpubench's --warmup
    one = max(statistics.median(cold_runs(run, flush, 10)), 1e-7)
    settle(lambda count: sum(cold_runs(run, flush, count)), one)
    # gpubench's window: runs until MIN_TIME of them, or of the wall clock (the flushes count),
    # and MIN_SAMPLES.
    per_run, start = [], time.time()
    while (sum(per_run) < MIN_TIME and time.time() - start < MIN_TIME) or len(per_run) < MIN_SAMPLES:
        per_run += cold_runs(run, flush, 50)
    flops = 2.0 * m * n * k
    how += f" between CUDA events after a {flush.numel() >> 20} MiB L2 flush"
    return {"gflops": flops / statistics.median(per_run) / 1e9,
            "mean_gflops": flops * len(per_run) / sum(per_run) / 1e9, "batch": how,
            "window_unix": (start, time.time()),
            "method": f"{how}; settled clock, median of {len(per_run)} runs "
                      f"in {time.time() - start:.2f} s"}


# How torch.mm's side is timed (bench/results/wave3g_gpu_2026-12-07.md): every run in a fresh
# process, as gpubench's runs are (torch.cuda.graph's capture slowed a process's later small
# kernels 5-9%); its graphs captured by torch.cuda.graph or by CUDAGraph.capture_begin/end; its
# operands made on the GPU, or on the host and copied, as gpubench makes its own (no temporaries
# in torch's GPU memory, which moved the skinny shape's rate 59.0 -> 63.9 TFLOPS).
TORCH_WAYS = {"graph": ("torch.cuda.graph", "cuda"),
              "capture_begin": ("capture_begin", "cuda"),
              "capture_host": ("capture_begin", "cpu")}
DEFAULT_WAY = "capture_host"


def torch_rate(m, n, k, way=DEFAULT_WAY, cache="warm", queued=False):
    """time_mm's (or, cold, time_mm_cold's) dict for torch.mm made and captured `way`, in this
    process, with way and cache added."""
    capture, where = TORCH_WAYS[way]
    a, b = gpubench_values(m, k, where), gpubench_values(k, n, where)
    rate = (time_mm_cold(m, n, k, a, b, capture) if cache == "cold" else
            time_mm(m, n, k, queued=queued, a=a, b=b, capture=capture))
    return {**rate, "way": way, "cache": cache}


def torch_rate_fresh(m, n, k, way=DEFAULT_WAY, cache="warm", queued=False):
    """torch_rate in a fresh Python process (this file's torch-mm); where it failed, a dict with
    gflops nan and its error."""
    import subprocess
    cmd = [sys.executable, __file__, "torch-mm", "--way", way, "--cache", cache,
           *(["--queued"] if queued else []), f"{m},{n},{k}"]
    run = subprocess.run(cmd, capture_output=True, text=True)
    lines = run.stdout.strip().splitlines()
    if run.returncode != 0 or not lines:
        return {"gflops": math.nan, "mean_gflops": math.nan, "way": way, "cache": cache,
                "error": f"exit {run.returncode}: {run.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def alternating(label, names, measure, rounds=1):
    """Each of `names` measured 2 x `rounds` times, in order and then reversed, so that none always
    runs after the same one: measure(name) gives (TFLOPS, a note or ""). Prints each run, then each
    name's mean against the first name's; returns {name: [TFLOPS, ...]}. default_vs_torch,
    bench/torch_fresh.py, small_gap.py, torch_inprocess.py and torch_process_bisect.py compare
    their variants so."""
    got = {name: [] for name in names}
    for order in (names, names[::-1]) * rounds:
        for name in order:
            tflops, note = measure(name)
            got[name].append(tflops)
            print(f"{label} {name}: {tflops:.1f} TFLOPS" + (f" ({note})" if note else ""), flush=True)
    base = statistics.mean(got[names[0]])
    print(f"{label} summary: " + ", ".join(
        f"{name} {statistics.mean(x):.1f} ({statistics.mean(x) / base:.3f})" for name, x in got.items()),
        flush=True)
    return got


def torch_mm(args):
    m, n, k = map(int, args.shape.split(","))
    print(json.dumps(torch_rate(m, n, k, args.way, args.cache, args.queued)))


def torch_kernels(m, n, k):
    """The CUDA kernels one torch.mm of this shape runs, from torch.profiler."""
    import torch
    from torch.profiler import ProfilerActivity, profile as torch_profile
    a, b = gpubench_values(m, k), gpubench_values(k, n)
    torch.mm(a, b)
    torch.cuda.synchronize()
    with torch_profile(activities=[ProfilerActivity.CUDA]) as prof:
        torch.mm(a, b)
        torch.cuda.synchronize()
    return sorted({e.name for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA})


def torch_cublas():
    """The libcublasLt torch.mm loaded: its path and version (cublasLtGetVersion, 130100 = 13.1.0).
    PyTorch's wheels bring their own cuBLAS, which may not be the one gpubench links."""
    import ctypes
    import torch
    torch.mm(torch.ones(8, 8, device="cuda"), torch.ones(8, 8, device="cuda"))
    torch.cuda.synchronize()
    paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "libcublasLt" in line})
    if not paths:
        return "not found in /proc/self/maps"
    version = ctypes.CDLL(paths[0]).cublasLtGetVersion()
    return f"{paths[0]} ({version // 10000}.{version // 100 % 100}.{version % 100})"


def gpubench_default(gb, m, n, k, cache="warm"):
    """One gpubench process on one shape (cuBLAS, --clocks sustained, --cache `cache`): its row's
    rates."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        with open(f"{tmp}/shape.csv", "w") as f:
            f.write(f"m,n,k,dtype,layout,batch\n{m},{n},{k},bf16,nn,1\n")
        run = subprocess.run([gb, "matmul", "--shapes", f"{tmp}/shape.csv", "--backends", "cublas",
                              "--clocks", "sustained", "--cache", cache, "-o", f"{tmp}/row.json"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(run.stdout, file=sys.stderr)
        if run.returncode != 0:
            raise SystemExit(f"gpubench exited {run.returncode} on {m}x{n}x{k}")
        results = json.load(open(f"{tmp}/row.json"))
        [r] = [r for r in results["records"] if r.get("backend") == "cublas"]
        cublas = [lib.get("version", "") for lib in results["system"].get("libraries", []) if lib.get("name") == "cuBLAS"]
    if r.get("status") != "ok" or not r.get("default_rate"):
        raise SystemExit(f"gpubench's {m}x{n}x{k} row has no default rate: {r.get('reason', r.get('status'))}")
    main = r.get("telemetry") or {}  # null where the device has no telemetry
    return {"default_gflops": r["default_rate"]["gflops"], "default_method": r["default_rate"].get("method", ""),
            "main_window_unix": [main.get("window_start_unix_s"), main.get("window_end_unix_s")],
            "gflops": r["gflops"], "tuned_gain": r.get("tuned_gain"), "algorithm": r.get("algorithm", ""),
            "default_algorithm": r.get("default_algorithm", ""), "warnings": r.get("warnings", []),
            "cold_cache": r.get("cold_cache", False), "cublas": cublas[0] if cublas else ""}


# Rest before every run, so that each side starts from the same card: a card that has just worked
# for tens of seconds runs its capped clock lower (torch.mm, run after a whole gpubench sweep, was
# 7% below gpubench at 4096^3 and 8192^3).
REST_SECONDS = 2.0


def alternating_fresh(gb, sides, m, n, k, cache, rounds=1, queued=False):
    """alternating() over `sides` ("gpubench", gpubench_default's default rate, and TORCH_WAYS
    names, torch_rate_fresh's rate), every run a fresh process after REST_SECONDS of rest:
    {side: [each run's record]}. `queued`: the torch.mm runs also time the queued calls."""
    import time
    runs = {side: [] for side in sides}

    def measure(side):
        time.sleep(REST_SECONDS)
        if side == "gpubench":
            x = gpubench_default(gb, m, n, k, cache)
            runs[side].append(x)
            return x["default_gflops"] / 1e3, ""
        x = torch_rate_fresh(m, n, k, side, cache, queued)
        runs[side].append(x)
        return x["gflops"] / 1e3, x.get("error", "")
    alternating(f"{m}x{n}x{k}", sides, measure, rounds)
    return runs


def default_vs_torch(args):
    out = []
    cublas = torch_cublas()  # one library for every process on this machine
    for m, n, k in read_shapes(args.shapes):
        row = {"m": m, "n": n, "k": k, "way": args.way, "cache": args.cache,
               "torch_kernels": torch_kernels(m, n, k), "torch_cublas": cublas}
        runs = alternating_fresh(args.gpubench, ["gpubench", args.way], m, n, k, args.cache,
                                 args.rounds, queued=args.cache == "warm")
        row["gpubench"], row["torch"] = runs["gpubench"], runs[args.way]
        out.append(row)
        with open(args.out, "w") as f:  # after every shape: a run cut short keeps what it measured
            json.dump(out, f, indent=1)


def captured_cases(path):
    """(m, n, k, batch) -> count, and the layouts seen, from gpubench capture's file."""
    counts, layouts = Counter(), {}
    for line in open(path):
        line = line.split("#")[0].strip()
        if not line or line.startswith("m,"):
            continue
        m, n, k, dtype, layout, batch, count = line.split(",")
        key = (int(m), int(n), int(k), int(batch))
        counts[key] += int(count)
        layouts.setdefault(key, set()).add(f"{dtype} {layout}")
    return counts, layouts


def report_capture(d, steps):
    prof = json.load(open(f"{d}/profile.json"))
    profiled = Counter((g["m"], g["n"], g["k"], g["batch"]) for g in prof["gemms"])
    captured, layouts = captured_cases(f"{d}/step.csv")
    print(f"## Capture against torch.profiler (torch {prof['torch']})\n")
    print(f"gpubench capture of {steps} steps, counts divided by {steps}; the profiler's one step.\n")
    print("| M | N | K | batch | captured per step | profiler | dtype, layout (captured) |")
    print("|---|---|---|---|---|---|---|")
    same = True
    for key in sorted(set(captured) | set(profiled)):
        per_step = captured.get(key, 0) / steps
        ok = per_step == profiled.get(key, 0)
        same &= ok
        print(f"| {' | '.join(map(str, key))} | {per_step:g} | {profiled.get(key, 0)} | "
              f"{', '.join(sorted(layouts.get(key, [])))}{'' if ok else ' **differs**'} |")
    print(f"\nSame GEMMs with the same counts: **{'yes' if same else 'no'}**\n")
    return prof


def replay_times(d, steps):
    doc = json.load(open(f"{d}/replay.json"))
    chosen = default = 0.0
    for r in doc["records"]:
        if r.get("status") != "ok" or not r.get("workload_calls"):
            continue
        chosen += r["workload_calls"] * r["flops"] / (r["gflops"] * 1e9)
        rate = (r.get("default_rate") or {}).get("gflops") or r["gflops"]
        default += r["workload_calls"] * r["flops"] / (rate * 1e9)
    return chosen / steps, default / steps


def report_replay(d, steps, prof):
    measured = sum(g["device_seconds"] for g in prof["gemms"])
    chosen, default = replay_times(d, steps)
    print("## Replay against the profiler's GEMM kernel time\n")
    print(f"- profiler, GEMM kernels of one step: {measured * 1e3:.3f} ms")
    for what, t in (("library's default algorithm (what PyTorch runs)", default),
                    ("gpubench's chosen algorithm", chosen)):
        print(f"- replay, {what}: {t * 1e3:.3f} ms per step ({100 * (t / measured - 1):+.1f}%)")
    ok = abs(default / measured - 1) <= 0.15
    print(f"\nDefault-algorithm replay within 15% of the profiler: **{'yes' if ok else 'no'}**\n")


def torch_statistic(gpubench_run):
    """The torch.mm rate that matches how gpubench got its default rate: "gflops" (the median
    sample's) where the default is the row's own window, "mean_gflops" (runs over time) where it
    alternated with the chosen algorithm."""
    return "mean_gflops" if gpubench_run["default_method"].startswith("mean") else "gflops"


def torch_matched(gpubench_runs, torch_runs):
    """torch.mm's TFLOPS, run by run, in the statistic of gpubench's default rates, and a note
    where gpubench's runs got theirs differently (each process tunes afresh: one may choose the
    default algorithm, another not), where the medians are compared."""
    stats = {torch_statistic(x) for x in gpubench_runs}
    stat = next(iter(stats)) if len(stats) == 1 else "gflops"
    note = "" if len(stats) == 1 else "gpubench's default was a median in some runs, a mean in others: medians"
    return [x[stat] / 1e3 for x in torch_runs], note


def how_timed(cache):
    """The report's paragraph on how both sides were timed."""
    if cache == "cold":
        return ("Timed the same way on both sides, cold: before every call a buffer twice the L2 is "
                "rewritten, outside the CUDA events that time the call alone (gpubench --cache "
                "cold; torch.mm as a CUDA graph of one call), one call at a time, "
                "on a settled (power-capped) clock, every call its own sample for 0.3 s.")
    return ("Timed the same way on both sides, warm: on a settled (power-capped) clock, the kernels "
            "as CUDA graphs of consecutive calls replayed between CUDA events (gpubench since it "
            "times every batch so; torch.mm as torch.mm(a, b, out=c) calls in a CUDA graph), and "
            "gpubench's sustained window (~30 ms samples for 0.3 s). \"queued\" is the same calls "
            "from a Python loop queued behind a sleep, no graph.")


def report_default(d, name):
    """The default-vs-torch table of D/NAME.json; returns {shape: default / torch.mm}."""
    rows = json.load(open(f"{d}/{name}.json"))
    if not rows:
        print(f"## {name}: no shapes measured\n")
        return {}
    cache, way = rows[0].get("cache", "warm"), rows[0].get("way", "graph")
    warm = cache == "warm"
    print(f"## Default algorithm against torch.mm (bf16, nn, {cache} L2)\n")
    print(f"{how_timed(cache)} Each run in a fresh process: gpubench with --clocks sustained, whose "
          "default rate is the row's sustained window where the default algorithm is the chosen "
          "one (a median), else ~0.25 s of ~5 ms batches alternating with the chosen one after "
          "that window (a mean, after a rest and a settle where that window met a power or thermal "
          f"limit); torch.mm made and captured as `{way}` ({', '.join(TORCH_WAYS[way])}), and the "
          "statistic compared is the one gpubench's default rate is (median or mean). Per shape, "
          f"each side ran {len(rows[0]['torch'])} times in alternating order, {REST_SECONDS:g} s of "
          "rest before every run; the rates are their means. The cuBLAS each side loaded is named "
          "below the table.\n")
    print("| shape | torch.mm TFLOPS (runs) |" + (" torch.mm queued |" if warm else "") +
          " gpubench default TFLOPS (runs) | default / torch.mm |" +
          (" default / queued |" if warm else "") +
          " tuned TFLOPS | tuned gain | torch.mm's kernel | default algorithm | chosen |")
    print("|---" * (11 if warm else 9) + "|")
    ratios, notes = {}, []
    runs = lambda xs: f"{statistics.mean(xs):.1f} ({', '.join(f'{x:.1f}' for x in xs)})"
    for r in rows:
        shape, last = f"{r['m']}x{r['n']}x{r['k']}", r["gpubench"][-1]
        t, note = torch_matched(r["gpubench"], r["torch"])
        notes += [f"{shape}: {note}"] if note else []
        notes += [f"{shape}: torch.mm failed: {x['error']}" for x in r["torch"] if "error" in x]
        g = [x["default_gflops"] / 1e3 for x in r["gpubench"]]
        ratio = ratios[shape] = statistics.mean(g) / statistics.mean(t)  # nan: a torch.mm run failed
        cells = [shape, runs(t)]
        if warm:
            q = [x["queued_gflops"] / 1e3 for x in r["torch"] if x.get("queued_gflops")]
            cells.append(f"{statistics.mean(q):.1f}" if q else "")
        cells += [runs(g), f"{ratio:.3f}"]
        if warm:
            cells.append(f"{statistics.mean(g) / statistics.mean(q):.3f}" if q else "")
        gains = [x["tuned_gain"] for x in r["gpubench"] if x.get("tuned_gain")]
        kernel = "; ".join(k.split("(")[0].split("<")[0].removeprefix("void ") for k in r["torch_kernels"])
        cells += [f"{statistics.mean(x['gflops'] / 1e3 for x in r['gpubench']):.1f}",
                  f"{statistics.mean(gains):.2f}x" if gains else "", f"`{kernel}`",
                  last["default_algorithm"], last["algorithm"]]
        print("| " + " | ".join(cells) + " |")
    print(f"\ncuBLAS: gpubench {', '.join(sorted({x.get('cublas', '?') for r in rows for x in r['gpubench']}))}; "
          f"torch.mm {', '.join(sorted({r.get('torch_cublas', '?') for r in rows}))}")
    batches = sorted({x["batch"] for r in rows for x in r["torch"] if "batch" in x})
    print(f"\ntorch.mm's batches: {'; '.join(batches)} (each run's method in {name}.json)")
    for e in notes:
        print(f"\n- {e}")
    within = all(abs(x - 1) <= BAR for x in ratios.values())
    print(f"\nEvery default rate within 3% of torch.mm, {cache}: **{'yes' if within else 'no'}**\n")
    return ratios


BAR = 0.03  # issue 23: each default rate within 3% of torch.mm's


def report_bar(warm, cold):
    """Where the 3% bar stands, shape by shape: warm, and cold where the cold comparison ran (the
    shapes whose operands fit in L2, where a warm rate depends on what stayed in it between calls:
    bench/results/wave3g_gpu_2026-12-07.md)."""
    off = lambda x: math.isnan(x) or abs(x - 1) > BAR
    print("## Where the 3% bar stands\n")
    print(f"- warm: {sum(not off(x) for x in warm.values())} of {len(warm)} shapes within 3%")
    for shape, x in warm.items():
        if off(x):
            then = f", cold {cold[shape]:.3f}" if shape in cold else ", not run cold"
            print(f"  - {shape}: warm {x:.3f}{then}")
    if cold:
        print(f"- cold: {sum(not off(x) for x in cold.values())} of {len(cold)} shapes within 3% "
              f"({', '.join(f'{s} {x:.3f}' for s, x in cold.items())})")
    print()


def report(args):
    prof = report_capture(args.dir, args.steps)
    report_replay(args.dir, args.steps, prof)
    warm = report_default(args.dir, "default_vs_torch")
    cold = (report_default(args.dir, "default_vs_torch_cold")
            if os.path.exists(f"{args.dir}/default_vs_torch_cold.json") else {})
    report_bar(warm, cold)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("train").add_argument("--steps", type=int, default=3)
    sub.add_parser("profile").add_argument("--out", required=True)
    sub.add_parser("hidden-shapes").add_argument("--fit-l2", type=int, metavar="BYTES")
    t = sub.add_parser("torch-mm")
    t.add_argument("shape", help="M,N,K")
    t.add_argument("--queued", action="store_true", help="warm: also the calls queued, no graph")
    v = sub.add_parser("default-vs-torch")
    v.add_argument("--shapes", required=True)
    v.add_argument("--gpubench", required=True)
    v.add_argument("--out", required=True)
    v.add_argument("--rounds", type=int, default=1, help="each round runs each side twice")
    for x in (t, v):
        x.add_argument("--way", choices=list(TORCH_WAYS), default=DEFAULT_WAY,
                       help="how torch.mm's graphs are captured and its operands made")
        x.add_argument("--cache", choices=["warm", "cold"], default="warm",
                       help="cold: an L2 flush before every call, both sides")
    r = sub.add_parser("report")
    r.add_argument("--dir", required=True)
    r.add_argument("--steps", type=int, default=3)
    args = p.parse_args()
    {"train": train, "profile": profile, "hidden-shapes": hidden_shapes, "torch-mm": torch_mm,
     "default-vs-torch": default_vs_torch, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
