#!/usr/bin/env python3
"""What NVML's power readings and energy counter actually do around a GEMM load (issue 22), and
what a burst window needs: measured with torch.mm and NVML through ctypes, no gpubench involved.

A. The cost of each NVML reading gpubench polls (energy counter, averaged and instant power, SM
   clock, clocks-event reasons).
B. A trace every ~2 ms: 0.5 s idle, 2 s of 8192^3 bf16, 1.5 s idle. Then, for windows of several
   lengths placed through the load, the counter's power (between its first and last change in the
   window) against the mean of the instant and of the averaged power readings over the same span.
C. The burst rate of 4096^3 bf16 (50 warm-up, the mean of the next 100 in one event window, as
   mamf-finder) after a 1 s load and rests of several lengths, with and without a thread polling
   NVML every 5 ms the way gpubench's probe does.

Writes a report on stdout and the trace as CSV to --trace.
"""
import argparse
import ctypes
import statistics
import threading
import time

import torch

NVML_FI_DEV_POWER_AVERAGE = 185
NVML_FI_DEV_POWER_INSTANT = 186


class FieldValue(ctypes.Structure):
    _fields_ = [("fieldId", ctypes.c_uint), ("scopeId", ctypes.c_uint),
                ("timestamp", ctypes.c_longlong), ("latencyUsec", ctypes.c_longlong),
                ("valueType", ctypes.c_int), ("nvmlReturn", ctypes.c_int),
                ("value", ctypes.c_ulonglong)]


class Nvml:
    def __init__(self, index=0):
        self.lib = ctypes.CDLL("libnvidia-ml.so.1")
        assert self.lib.nvmlInit_v2() == 0
        self.h = ctypes.c_void_p()
        assert self.lib.nvmlDeviceGetHandleByIndex_v2(index, ctypes.byref(self.h)) == 0
        self.reasons_fn = getattr(self.lib, "nvmlDeviceGetCurrentClocksEventReasons", None) or \
            self.lib.nvmlDeviceGetCurrentClocksThrottleReasons

    def energy_j(self):
        v = ctypes.c_ulonglong()
        return v.value / 1e3 if self.lib.nvmlDeviceGetTotalEnergyConsumption(self.h, ctypes.byref(v)) == 0 else None

    def power_avg_w(self):
        v = ctypes.c_uint()
        return v.value / 1e3 if self.lib.nvmlDeviceGetPowerUsage(self.h, ctypes.byref(v)) == 0 else None

    def field_w(self, fid):
        fv = FieldValue()
        fv.fieldId = fid
        if self.lib.nvmlDeviceGetFieldValues(self.h, 1, ctypes.byref(fv)) != 0 or fv.nvmlReturn != 0:
            return None
        return (fv.value & 0xFFFFFFFF) / 1e3  # an unsigned int in mW

    def clock_mhz(self):
        v = ctypes.c_uint()
        return v.value if self.lib.nvmlDeviceGetClockInfo(self.h, 1, ctypes.byref(v)) == 0 else None

    def reasons(self):
        v = ctypes.c_ulonglong()
        return v.value if self.reasons_fn(self.h, ctypes.byref(v)) == 0 else None

    def limit_w(self):
        v = ctypes.c_uint()
        return v.value / 1e3 if self.lib.nvmlDeviceGetEnforcedPowerLimit(self.h, ctypes.byref(v)) == 0 else None


def call_costs(nv):
    print("## A. cost per NVML call (median of 200, microseconds)")
    for name, fn in [("energy counter", nv.energy_j), ("power (averaged)", nv.power_avg_w),
                     ("power instant (field 186)", lambda: nv.field_w(NVML_FI_DEV_POWER_INSTANT)),
                     ("power average (field 185)", lambda: nv.field_w(NVML_FI_DEV_POWER_AVERAGE)),
                     ("SM clock", nv.clock_mhz), ("clocks-event reasons", nv.reasons)]:
        ts = []
        for _ in range(200):
            t0 = time.perf_counter()
            v = fn()
            ts.append(time.perf_counter() - t0)
        print(f"  {name:28s} {statistics.median(ts) * 1e6:8.1f} us   (value {v})")


class Poller:
    """Polls every `period` s in a thread: (t, energy J, averaged W, instant W, MHz, reasons)."""

    def __init__(self, nv, period, energy=True):
        self.nv, self.period, self.energy = nv, period, energy
        self.rows, self.stop, self.t0 = [], threading.Event(), time.perf_counter()

    def run(self):
        while not self.stop.is_set():
            t = time.perf_counter() - self.t0
            e = self.nv.energy_j() if self.energy else None
            self.rows.append((t, e, self.nv.power_avg_w(), self.nv.field_w(NVML_FI_DEV_POWER_INSTANT),
                              self.nv.clock_mhz(), self.nv.reasons()))
            time.sleep(self.period)

    def __enter__(self):
        self.th = threading.Thread(target=self.run, daemon=True)
        self.th.start()
        return self

    def __exit__(self, *a):
        self.stop.set()
        self.th.join()


def load(fn, seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(10):
            fn()
        torch.cuda.synchronize()


def counter_power(rows, t_from, t_to):
    """Power from the counter's changes inside [t_from, t_to]: (W, steps, first t, last t)."""
    inside = [r for r in rows if t_from <= r[0] <= t_to and r[1] is not None]
    ch = [inside[i] for i in range(1, len(inside)) if inside[i][1] != inside[i - 1][1]]
    if len(ch) < 2:
        return None, 0, None, None
    return (ch[-1][1] - ch[0][1]) / (ch[-1][0] - ch[0][0]), len(ch) - 1, ch[0][0], ch[-1][0]


def trace(nv, path):
    print("\n## B. trace: 0.5 s idle, 2 s of 8192^3 bf16, 1.5 s idle (poll every 2 ms)")
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    torch.mm(a, b)
    torch.cuda.synchronize()
    time.sleep(2)
    with Poller(nv, 0.002) as p:
        time.sleep(0.5)
        t_load = time.perf_counter() - p.t0
        load(lambda: torch.mm(a, b), 2.0)
        t_end = time.perf_counter() - p.t0
        time.sleep(1.5)
    rows = p.rows
    with open(path, "w") as f:
        f.write("t_s,energy_j,power_avg_w,power_instant_w,sm_mhz,reasons\n")
        for r in rows:
            f.write(",".join("" if v is None else f"{v}" for v in r) + "\n")
    def period(col):
        ch = [rows[i][0] for i in range(1, len(rows)) if rows[i][col] is not None and rows[i][col] != rows[i - 1][col]]
        gaps = [y - x for x, y in zip(ch, ch[1:])]
        return statistics.median(gaps) if gaps else None
    print(f"  update period: energy {period(1)} s, averaged power {period(2)} s, instant power {period(3)} s")
    print(f"  load from {t_load:.3f} s to {t_end:.3f} s; limit {nv.limit_w()} W")
    print("  window(start,len)   counter W steps  instant-mean W  avg-mean W  counter/instant")
    for start_off in (0.0, 0.3, 1.0):
        for length in (0.3, 0.6, 1.0, 1.5):
            t0 = t_load + start_off
            t1 = t0 + length
            if t1 > t_end:
                continue
            w, steps, f0, f1 = counter_power(rows, t0, t1)
            if w is None:
                print(f"  ({start_off:.1f},{length:.1f})  no counter steps")
                continue
            inst = [r[3] for r in rows if f0 <= r[0] <= f1 and r[3] is not None]
            avg = [r[2] for r in rows if f0 <= r[0] <= f1 and r[2] is not None]
            mi, ma = statistics.mean(inst), statistics.mean(avg)
            print(f"  ({start_off:.1f},{length:.1f})      {w:8.1f} {steps:5d} {mi:14.1f} {ma:11.1f}  {w / mi:8.3f}")
    # After the load: how long until instant and averaged power fall under half the limit, and
    # the reasons bits clear of the power cap (0x4).
    lim = nv.limit_w() or 700
    for col, name in ((3, "instant"), (2, "averaged")):
        after = [r for r in rows if r[0] >= t_end and r[col] is not None and r[col] <= 0.5 * lim]
        print(f"  {name} power under half the limit {after[0][0] - t_end:.3f} s after the load" if after else f"  {name}: never under half")
    capped = [r for r in rows if r[0] >= t_end and r[5] is not None and not (r[5] & 0x4)]
    print(f"  power-cap reason clear {capped[0][0] - t_end:.3f} s after the load" if capped else "  power cap reason never clear")


def burst(fn, start, stop):
    for _ in range(50):
        fn()
    start.record()
    for _ in range(100):
        fn()
    stop.record()
    stop.synchronize()
    return start.elapsed_time(stop) / 1e3 / 100


def bursts(nv):
    print("\n## C. 4096^3 bf16 burst rate (50 warm-up, mean of 100) after 1 s of load and a rest")
    n = 4096
    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    c = torch.empty(n, n, device="cuda", dtype=torch.bfloat16)
    fn = lambda: torch.mm(a, b, out=c)
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    fn()
    torch.cuda.synchronize()
    flops = 2.0 * n ** 3
    print("  rest s   poller          TFLOPS (3 runs)              MHz at start")
    for rest in (0.0, 0.1, 0.3, 1.0, 2.0):
        for mode in ("none", "5ms+energy", "5ms-no-energy"):
            rates, mhz = [], []
            for _ in range(3):
                load(fn, 1.0)
                time.sleep(rest)
                mhz.append(nv.clock_mhz())
                if mode == "none":
                    t = burst(fn, s, e)
                else:
                    with Poller(nv, 0.005, energy=(mode == "5ms+energy")):
                        t = burst(fn, s, e)
                rates.append(flops / t / 1e12)
            print(f"  {rest:5.1f}   {mode:14s} " + " ".join(f"{r:7.1f}" for r in rates) + f"     {mhz}")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--trace", default="power_trace.csv")
    args = p.parse_args()
    nv = Nvml()
    print(f"# {torch.cuda.get_device_name(0)}, limit {nv.limit_w()} W, torch {torch.__version__}")
    call_costs(nv)
    trace(nv, args.trace)
    bursts(nv)


if __name__ == "__main__":
    main()
