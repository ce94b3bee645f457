"""How the bench/*_torch.py scripts time PyTorch on the GPU, once: the steps of gpubench's own
runner (src/measure/runner.cpp) in Python, so that the reference is timed the way gpubench times
cuBLAS. Each script's docstring says which steps it takes, in which order, with which numbers.

The steps take `timed(reps)` from event_timer() and `first`, the seconds of one run (the last
warm-up run), which sizes their chunks and batches as the runner's `one_run` / `first_run` does.
"""
import statistics

import torch

# gpubench's --dtype names. tf32 is fp32 storage: the scripts set allow_tf32 to choose it, as a
# PyTorch user would.
TORCH_DTYPES = {
    "fp64": torch.float64,
    "fp32": torch.float32,
    "tf32": torch.float32,
    "fp16": torch.float16,
    "bf16": torch.bfloat16,
}


def uniform(shape, device, generator, dtype=None):
    """Values uniform in [-1, 1), as gpubench's operands (random, non-zero, of both signs), drawn
    in fp32 from `generator` and converted to `dtype` (None: left fp32 for the caller to scale)."""
    x = torch.rand(shape, device=device, generator=generator, dtype=torch.float32).mul_(2).sub_(1)
    return x if dtype is None else x.to(dtype)


def event_timer(fn, device=None):
    """`timed(reps)`: seconds for `reps` back-to-back calls of `fn` (one multiplication) between
    two CUDA events on the device's current stream, as gpubench's cuBLAS backend times a kernel.
    The events time the GPU's work, not Python's; synchronizing on the stop event makes each call
    return only when that work is done, so a chunk or sample never overlaps the next."""
    stream = torch.cuda.current_stream(device)
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)

    def timed(reps):
        start.record(stream)
        for _ in range(reps):
            fn()
        stop.record(stream)
        stop.synchronize()
        return start.elapsed_time(stop) / 1e3

    return timed


def warm_up(timed, runs):
    """`runs` untimed runs (the cuBLAS handle, its workspace, kernel module loading and algorithm
    choice stay out of the numbers); returns the last one's seconds, the `first` of the steps below
    (the runner's `last`)."""
    for _ in range(runs):
        first = timed(1)
    return first


def settle(timed, first):
    """gpubench's settle(): run ~25 ms chunks until two consecutive chunks are within 1% of the one
    before, at most 1.5 s, so that a sustained window starts after the power-capped clock came down
    and does not mix two speeds."""
    reps = int(min(1e5, max(1, 0.025 / max(first, 1e-7))))
    spent, previous, stable = 0.0, 0.0, 0
    while spent < 1.5 and stable < 2:
        t = timed(reps)
        spent += t
        stable = stable + 1 if previous > 0 and abs(t - previous) <= 0.01 * previous else 0
        previous = t


def burst(timed, first, pieces):
    """gpubench's burst_window(), as mamf-finder and most published tables time it: 50 warm-up
    runs, then the mean of the next 100, fewer when long so that the window stays inside the boost
    period (warm-up at most 0.25 s, timing at most 0.5 s). The caller rests the card before.

    The timed runs go in `pieces` event windows of count // pieces runs each (gpubench: 10, for the
    spread of its burst samples; 1: one window, as mamf-finder); the mean is the whole window's
    time over its runs either way. Returns (mean seconds per run, runs done, warm-up included)."""
    per = max(first, 1e-7)
    warm = int(min(max(0.25 / per, 1), 50))
    count = int(min(max(0.5 / per, 1), 100))
    timed(warm)
    per_piece = max(1, count // pieces)
    n = count // per_piece
    total = sum(timed(per_piece) for _ in range(n))
    return total / (n * per_piece), warm + n * per_piece


def samples(timed, first, min_time, min_samples, max_time=None):
    """gpubench's adaptive_samples(): batches of back-to-back runs, each batch >= min_time /
    (2 * min_samples) (so event resolution and launch gaps stay negligible and there are still
    >= min_samples samples; at most 1000 runs), until min_time timed seconds and min_samples
    samples, or `max_time` timed seconds (None: no cap). Returns each batch's seconds per run.

    The cap is checked after each sample with >=, as the runner's max_time_per_case."""
    target = max(1e-4, min_time / (2 * min_samples))
    batch = int(min(1000, max(1, target / max(first, 1e-7))))
    out, spent = [], 0.0
    while spent < min_time or len(out) < min_samples:
        s = timed(batch)
        out.append(s / batch)
        spent += s
        if max_time is not None and spent >= max_time:
            break
    return out


def summary(per_run, flops):
    """The rate of the median sample (robust to a stray slow batch), and the spread (coefficient of
    variation) that says whether something else competed for the device."""
    med = statistics.median(per_run)
    mean = statistics.fmean(per_run)
    return {"gflops": flops / med / 1e9, "median_s": med,
            "cv": statistics.pstdev(per_run) / mean if mean > 0 else 0.0, "samples": len(per_run)}
