#!/usr/bin/env python3
"""The card's SM clock, power and temperature in each timed window of a capture_check.py
default-vs-torch run, from an nvidia-smi trace taken beside it (bench/wave3f_gpu_call4.sh):
whether torch.mm's window and gpubench's default met the card in the same state.
  python3 bench/clock_trace.py SMI_CSV DEFAULT_VS_TORCH_JSON
SMI_CSV: nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw.instant,temperature.gpu
--format=csv,nounits -lms 20 (timestamps in UTC)."""
import csv
import json
import sys
from datetime import datetime, timezone

# gpubench's default batches follow its main window (and the window's energy run-on): ~0.25 s.
ALTERNATION_SECONDS = 0.6


def trace(path):
    rows = []
    with open(path) as f:
        for r in csv.reader(f):
            try:
                t = datetime.strptime(r[0].strip(), "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)
                rows.append((t.timestamp(), float(r[1]), float(r[2]), float(r[3])))
            except (ValueError, IndexError):
                continue
    return rows


def state(samples, start, end):
    inside = [s for s in samples if start <= s[0] <= end]
    if not inside:
        return "no samples"
    mean = lambda i: sum(s[i] for s in inside) / len(inside)
    return (f"{mean(1):.0f} MHz (min {min(s[1] for s in inside):.0f}), {mean(2):.0f} W "
            f"(max {max(s[2] for s in inside):.0f}), {max(s[3] for s in inside):.0f} C")


def main():
    samples = trace(sys.argv[1])
    for row in json.load(open(sys.argv[2])):
        shape = f"{row['m']}x{row['n']}x{row['k']}"
        for t in (t for t in row["torch"] if "error" not in t):  # a failed run timed nothing
            print(f"{shape} torch.mm graph {t['gflops'] / 1e3:.1f} TFLOPS: {state(samples, *t['window_unix'])}")
        for g in row["gpubench"]:
            start, end = g["main_window_unix"]
            print(f"{shape} gpubench main {g['gflops'] / 1e3:.1f}: {state(samples, start, end)}; "
                  f"default {g['default_gflops'] / 1e3:.1f} (the {ALTERNATION_SECONDS} s after): "
                  f"{state(samples, end, end + ALTERNATION_SECONDS)}")


if __name__ == "__main__":
    main()
