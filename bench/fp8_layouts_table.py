#!/usr/bin/env python3
"""Joins gpubench's cublas rows (JSON) with fp8_layouts_torch.py's (JSON lines) into the markdown
table of issue 13's bar: gpubench / PyTorch for fp8, batched bf16 and the transposed layouts
(>= 0.98), int8 / gpubench's own fp8 at 8192 (>= 0.8; PyTorch's int8 shown for information).
Every gpubench row must also be ok and verified.

Usage: fp8_layouts_table.py GPUBENCH.json TORCH.jsonl [--title T]   (exit 1 when a bar is missed)
"""
import argparse
import json
import sys


def key(r):
    return (r["m"], r["n"], r["k"], r["layout"], r["batch"], r["dtype"])


def label(k):
    m, n, kk, layout, batch, dtype = k
    shape = f"{m}" if m == n == kk else f"{m}x{n}x{kk}"
    return f"{dtype} {shape} {layout}" + (f" batch {batch}" if batch != 1 else "")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("gpubench")
    p.add_argument("torch")
    p.add_argument("--title", default="gpubench cublas vs PyTorch")
    args = p.parse_args()
    doc = json.load(open(args.gpubench))
    ours = {}
    for r in doc["records"]:
        if r["backend"] != "cublas":
            continue
        s = r["shape"]
        dtype = {"fp8e4m3": "fp8"}.get(r["dtype"], r["dtype"])
        ours[(s["m"], s["n"], s["k"], s.get("layout", "nn"), s.get("batch", 1), dtype)] = r
    theirs = {key(t): t for t in map(json.loads, open(args.torch)) if "m" in t}

    print(f"# {args.title}\n")
    print("| case | gpubench TFLOPS | spread | verified (max rel. err / tol.) | reference | "
          "reference TFLOPS | ratio | bar | |")
    print("|---|---|---|---|---|---|---|---|---|")
    ok = True
    fp8_8192 = ours.get((8192, 8192, 8192, "nt", 1, "fp8"))
    for k, r in ours.items():
        g = r["gflops"] / 1e3 if r["status"] == "ok" else None
        cv = (r.get("seconds") or {}).get("cv")
        ver = (f"{'yes' if r['verified'] else 'no'} ({r['max_rel_error']:.2g} / {r['tolerance']:.2g})"
               if r["status"] == "ok" else f"{r['status']}: {r['reason']}")
        row_ok = r["status"] == "ok" and r["verified"]
        t = theirs.get(k, {})
        tg = t["gflops"] / 1e3 if "gflops" in t else None
        if k[5] == "int8":
            ref_name, bar = "gpubench fp8 8192 nt (same run)", 0.8
            ref = fp8_8192["gflops"] / 1e3 if fp8_8192 and fp8_8192["status"] == "ok" else None
        else:
            ref_name, bar, ref = t.get("op", "torch"), 0.98, tg
        ratio = g / ref if g and ref else None
        passed = row_ok and ratio is not None and ratio >= bar
        ok = ok and passed
        cells = [label(k), f"{g:.1f}" if g else "-", f"±{100 * cv:.1f}%" if cv is not None else "-",
                 ver, ref_name, f"{ref:.1f}" if ref else t.get("error", "-"),
                 f"{ratio:.3f}" if ratio else "-", f">= {bar}", "ok" if passed else "MISSED"]
        print("| " + " | ".join(cells) + " |")
        if k[5] == "int8" and tg:
            print(f"| (int8 for information) | | | | {t.get('op')} | {tg:.1f} | "
                  f"{g / tg:.2f}x | | |")
    torch_version = next((t.get("torch") for t in theirs.values()), "?")
    print(f"\nPyTorch {torch_version}; both timed warm: warm-up, clock settled under the power cap "
          "(<= 1.5 s), then the median of CUDA-event-timed batches (>= 0.3 s, >= 5 samples).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
