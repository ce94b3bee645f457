#!/usr/bin/env python3
"""The GPU machine's check of `gpubench capture` and the default-algorithm rates (issue 23).

Run by bench/capture_check.sh, which says what each step is for. Subcommands:
  train --steps N        N training steps of a small transformer (bf16 autocast, forward and
                         backward, AdamW): the program gpubench capture records
  profile --out F        one such step (after warm-up) under torch.profiler(record_shapes=True):
                         each GEMM op's shapes and its own kernels' device time, as JSON
  hidden-shapes          the bf16 shapes of the default-vs-torch.mm comparison, as a --shapes file
  torch-mm --shapes F --out J   torch.mm's rate on each shape, timed as gpubench --clocks
                         sustained times the default algorithm: the kernel alone (a CUDA graph of
                         torch.mm(a, b, out=c) calls replayed between CUDA events, as gpubench
                         replays its batches; a Python loop would add PyTorch's ~12-16 us of CPU
                         a call), after the clock settled as gpubench's settle()
                         does, then gpubench's sustained window (~30 ms samples for 0.3 s, the
                         median)
  default-vs-torch --shapes F --gpubench BIN --out J [--rounds R]
                         per shape, gpubench's default-algorithm rate and torch.mm's, each run
                         2R times in alternating order (gpubench then torch.mm, then torch.mm then
                         gpubench) after the same rest, so that both meet the card in the same
                         state (torch.mm timed as torch-mm does), with the kernels torch.mm runs
  report --dir D --steps N      the comparisons, as markdown
"""
import argparse
import json
import math
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


def hidden_shapes(_args):
    print("# bench/capture_check.py: the default algorithm against torch.mm")
    print("m,n,k,dtype,layout,batch")
    for m, n, k in HIDDEN_SHAPES:
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
SETTLE_CHUNK_SECONDS, SETTLE_MAX_SECONDS, SETTLE_TOLERANCE = 0.025, 1.5, 0.01
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
            for _ in range(reps):
                torch.mm(a, b, out=c)
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


def settle(batch):
    """Runs batches until two consecutive ~25 ms chunks agree within 1% (at most 1.5 s), as
    gpubench's settle() does before its sustained window: the clock has come down to the cap's."""
    chunk = max(1, round(SETTLE_CHUNK_SECONDS / max(event_seconds(batch), 1e-7)))
    spent, previous, stable = 0.0, 0.0, 0
    while spent < SETTLE_MAX_SECONDS and stable < 2:
        t = event_seconds(lambda: [batch() for _ in range(chunk)])
        spent += t
        stable = stable + 1 if previous > 0 and abs(t - previous) <= SETTLE_TOLERANCE * previous else 0
        previous = t


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


# The wall-clock span (Unix seconds) of the last median_window, to line it up with a clock trace.
last_window_unix = (0.0, 0.0)


def median_window(batch, reps):
    """gpubench's sustained window over `batch` (`reps` runs a replay): (seconds per run of the
    median sample, runs, seconds timed)."""
    global last_window_unix
    import time
    per_sample = max(1, round(SAMPLE_SECONDS / max(event_seconds(batch), 1e-7)))
    per_run, total = [], 0.0
    start = time.time()
    while total < MIN_TIME or len(per_run) < MIN_SAMPLES:
        t = event_seconds(lambda: [batch() for _ in range(per_sample)])
        per_run.append(t / (per_sample * reps))
        total += t
    last_window_unix = (start, time.time())
    return statistics.median(per_run), len(per_run) * per_sample * reps, total


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


def time_mm(m, n, k, queued=False, a=None, b=None, capture_error_mode="global",
            capture="torch.cuda.graph"):
    """(GFLOPS, how it was timed, method) of torch.mm on one bf16 shape (operands `a` and `b`,
    gpubench's kind of values by default), its graphs captured as graph_batch's `capture` and
    `capture_error_mode` say; with `queued`, also the GFLOPS of the same calls queued behind a
    sleep (no graph), timed right after."""
    import torch
    a = gpubench_values(m, k) if a is None else a
    b = gpubench_values(k, n) if b is None else b
    c = torch.empty(m, n, device="cuda", dtype=torch.bfloat16)
    try:
        probe = graph_batch(a, b, c, 10, capture_error_mode, capture)
        one = max(event_seconds(probe) / 10, 1e-7)
        reps = int(min(max(BATCH_SECONDS / one, 1), 1000))
        batch, how = graph_batch(a, b, c, reps, capture_error_mode, capture), "CUDA graph"
    except RuntimeError as e:  # say why, and time the Python loop instead
        print(f"torch.mm {m}x{n}x{k}: CUDA graph failed ({e}); timing a Python loop",
              file=sys.stderr)
        torch.cuda.synchronize()
        loop = loop_batch(a, b, c, 3)
        loop()
        one = max(event_seconds(loop) / 3, 1e-7)
        reps = int(min(max(BATCH_SECONDS / one, 1), 1000))
        batch, how = loop_batch(a, b, c, reps), f"Python loop (CUDA graph failed: {e})"
    settle(batch)
    per_run, runs, total = median_window(batch, reps)
    method = f"{how} of {reps} calls, settled clock, median sample of {runs} runs in {total:.2f} s"
    flops = 2.0 * m * n * k
    if not queued:
        return flops / per_run / 1e9, how, method
    q_total, q_runs = window(lambda: queued_seconds(a, b, c, reps), reps)
    return flops / per_run / 1e9, how, method, flops * q_runs / q_total / 1e9


def alternating(label, names, measure):
    """Each of `names` measured twice, in order and then reversed, so that none always runs after
    the same one: measure(name) gives (TFLOPS, a note or ""). Prints each run, then each name's
    mean against the first name's; returns {name: [TFLOPS, TFLOPS]}. bench/small_gap.py,
    torch_inprocess.py and torch_process_bisect.py compare their variants so."""
    got = {name: [] for name in names}
    for order in (names, names[::-1]):
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
    out = []
    for m, n, k in read_shapes(args.shapes):
        gflops, how, method = time_mm(m, n, k)
        out.append({"m": m, "n": n, "k": k, "gflops": gflops, "batch": how, "method": method})
        print(f"torch.mm {m}x{n}x{k}: {gflops / 1e3:.1f} TFLOPS ({method})", file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


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


def gpubench_default(gb, m, n, k):
    """One gpubench process on one shape (cuBLAS, --clocks sustained): its row's rates."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        with open(f"{tmp}/shape.csv", "w") as f:
            f.write(f"m,n,k,dtype,layout,batch\n{m},{n},{k},bf16,nn,1\n")
        run = subprocess.run([gb, "matmul", "--shapes", f"{tmp}/shape.csv", "--backends", "cublas",
                              "--clocks", "sustained", "-o", f"{tmp}/row.json"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(run.stdout, file=sys.stderr)
        if run.returncode != 0:
            raise SystemExit(f"gpubench exited {run.returncode} on {m}x{n}x{k}")
        results = json.load(open(f"{tmp}/row.json"))
        [r] = [r for r in results["records"] if r.get("backend") == "cublas"]
        cublas = [lib.get("version", "") for lib in results["system"].get("libraries", []) if lib.get("name") == "cuBLAS"]
    if r.get("status") != "ok" or not r.get("default_rate"):
        raise SystemExit(f"gpubench's {m}x{n}x{k} row has no default rate: {r.get('reason', r.get('status'))}")
    main = r.get("telemetry", {})
    return {"default_gflops": r["default_rate"]["gflops"], "default_method": r["default_rate"].get("method", ""),
            "main_window_unix": [main.get("window_start_unix_s"), main.get("window_end_unix_s")],
            "gflops": r["gflops"], "tuned_gain": r.get("tuned_gain"), "algorithm": r.get("algorithm", ""),
            "default_algorithm": r.get("default_algorithm", ""), "warnings": r.get("warnings", []),
            "cublas": cublas[0] if cublas else ""}


# Rest before every run, so that each side starts from the same card: a card that has just worked
# for tens of seconds runs its capped clock lower (torch.mm, run after a whole gpubench sweep, was
# 7% below gpubench at 4096^3 and 8192^3).
REST_SECONDS = 2.0


def default_vs_torch(args):
    import time
    out = []
    cublas = torch_cublas()  # one library for the whole process
    for m, n, k in read_shapes(args.shapes):
        row = {"m": m, "n": n, "k": k, "gpubench": [], "torch": [], "torch_kernels": torch_kernels(m, n, k),
               "torch_cublas": cublas}
        for order in (("gpubench", "torch"), ("torch", "gpubench")) * args.rounds:
            for side in order:
                time.sleep(REST_SECONDS)
                if side == "gpubench":
                    row["gpubench"].append(gpubench_default(args.gpubench, m, n, k))
                else:
                    gflops, how, method, queued = time_mm(m, n, k, queued=True,
                                                          capture_error_mode=args.capture_mode)
                    row["torch"].append({"gflops": gflops, "batch": how, "method": method,
                                         "capture_mode": args.capture_mode,
                                         "queued_gflops": queued, "window_unix": last_window_unix})
        g = [x["default_gflops"] for x in row["gpubench"]]
        t = [x["gflops"] for x in row["torch"]]
        q = [x["queued_gflops"] for x in row["torch"]]
        tflops = lambda xs: ", ".join(f"{x / 1e3:.1f}" for x in xs)
        print(f"{m}x{n}x{k}: gpubench default {tflops(g)}; torch.mm graph {tflops(t)}, queued "
              f"{tflops(q)} TFLOPS", file=sys.stderr)
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


def report_default(d):
    rows = json.load(open(f"{d}/default_vs_torch.json"))
    print("## Default algorithm against torch.mm (bf16, nn)\n")
    print("Timed the same way on both sides: on a settled (power-capped) clock, the kernels as CUDA "
          "graphs of consecutive calls replayed between CUDA events (gpubench since it times every "
          "batch so; torch.mm as torch.mm(a, b, out=c) calls in torch.cuda.graph), and gpubench's "
          "sustained window (~30 ms samples for 0.3 s, the median). gpubench ran with --clocks "
          "sustained: its default rate is the row's sustained window where the default algorithm is "
          "the chosen one, else ~0.25 s of ~5 ms batches alternating with the chosen one after that "
          "window (the mean of their runs; since wave 3f after a rest and a settle where that window "
          "met a power or thermal limit). The cuBLAS each side loaded "
          f"is named below the table. Per shape, each side ran {len(rows[0]['torch']) if rows else 0} times in "
          f"alternating order, {REST_SECONDS:g} s of rest before every run; the rates are their means.\n")
    print("| shape | torch.mm TFLOPS, graph (runs) | torch.mm TFLOPS, queued | gpubench default TFLOPS (runs) | "
          "default / torch graph | default / torch queued | tuned TFLOPS | tuned gain | "
          "torch.mm's kernel | default algorithm | chosen |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    within = within_queued = True
    for r in rows:
        t = [x["gflops"] / 1e3 for x in r["torch"]]
        q = [x["queued_gflops"] / 1e3 for x in r["torch"] if x.get("queued_gflops")]
        g = [x["default_gflops"] / 1e3 for x in r["gpubench"]]
        tuned = [x["gflops"] / 1e3 for x in r["gpubench"]]
        ratio = statistics.mean(g) / statistics.mean(t)
        ratio_q = statistics.mean(g) / statistics.mean(q) if q else float("nan")
        within &= abs(ratio - 1) <= 0.03
        within_queued &= abs(ratio_q - 1) <= 0.03
        gains = [x["tuned_gain"] for x in r["gpubench"] if x.get("tuned_gain")]
        last = r["gpubench"][-1]
        kernel = "; ".join(k.split("(")[0].split("<")[0].removeprefix("void ") for k in r["torch_kernels"])
        print(f"| {r['m']}x{r['n']}x{r['k']} | {statistics.mean(t):.1f} ({', '.join(f'{x:.1f}' for x in t)}) | "
              f"{statistics.mean(q) if q else float('nan'):.1f} | "
              f"{statistics.mean(g):.1f} ({', '.join(f'{x:.1f}' for x in g)}) | {ratio:.3f} | {ratio_q:.3f} | {statistics.mean(tuned):.1f} | "
              f"{statistics.mean(gains) if gains else float('nan'):.2f}x | `{kernel}` | {last['default_algorithm']} | "
              f"{last['algorithm']} |")
    print(f"\ncuBLAS: gpubench {', '.join(sorted({x.get('cublas', '?') for r in rows for x in r['gpubench']}))}; "
          f"torch.mm {', '.join(sorted({r.get('torch_cublas', '?') for r in rows}))}")
    batches = sorted({x["batch"] for r in rows for x in r["torch"]})
    print(f"\ntorch.mm's batches: {'; '.join(batches)} (each run's method in default_vs_torch.json)")
    print(f"\nEvery default rate within 3% of torch.mm in a graph: **{'yes' if within else 'no'}**; "
          f"of torch.mm queued: **{'yes' if within_queued else 'no'}**")


def report(args):
    prof = report_capture(args.dir, args.steps)
    report_replay(args.dir, args.steps, prof)
    report_default(args.dir)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("train").add_argument("--steps", type=int, default=3)
    sub.add_parser("profile").add_argument("--out", required=True)
    sub.add_parser("hidden-shapes")
    t = sub.add_parser("torch-mm")
    t.add_argument("--shapes", required=True)
    t.add_argument("--out", required=True)
    v = sub.add_parser("default-vs-torch")
    v.add_argument("--shapes", required=True)
    v.add_argument("--gpubench", required=True)
    v.add_argument("--out", required=True)
    v.add_argument("--rounds", type=int, default=1, help="each round runs each side twice")
    v.add_argument("--capture-mode", choices=["global", "thread_local"], default="global",
                   help="torch.cuda.graph's capture_error_mode for torch.mm's graphs")
    r = sub.add_parser("report")
    r.add_argument("--dir", required=True)
    r.add_argument("--steps", type=int, default=3)
    args = p.parse_args()
    {"train": train, "profile": profile, "hidden-shapes": hidden_shapes, "torch-mm": torch_mm,
     "default-vs-torch": default_vs_torch, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
