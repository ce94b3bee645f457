#!/usr/bin/env python3
"""Joins gpubench's cublas rows with torch_mm.py's results into a markdown table of
gpubench/PyTorch GFLOPS ratios. gpubench results are read from its JSON file (--format json) or,
for builds without the JSON reporter, parsed from its terminal table.

Usage: compare_torch.py GPUBENCH_RESULTS(.json|.txt) TORCH_RESULTS.jsonl [--bar 0.97] [--max-cv 0.02]
Exit status 0 when every n >= 4096 row meets the bar and the CV limit, 1 otherwise.
"""
import argparse
import json
import re
import sys

UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def gpubench_rows(path):
    """{(n, dtype): (gflops, cv)} for square cublas rows that are ok."""
    text = open(path).read()
    rows = {}
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if doc is not None:
        for r in doc.get("records", []):
            s = r["shape"]
            if r["backend"] != "cublas" or r["status"] != "ok" or not (s["m"] == s["n"] == s["k"]):
                continue
            cv = (r.get("seconds") or {}).get("cv")
            rows[(s["m"], r["dtype"])] = (r["gflops"], cv)
        return rows
    # Table fallback: "shape dtype backend median unit spread ..." lines of the cublas backend.
    for line in text.splitlines():
        t = line.split()
        if len(t) < 6 or t[2] != "cublas" or not t[0].isdigit():
            continue
        m = re.match(r"([\d.]+)\s*(ns|us|µs|ms|s)$", t[3] + (t[4] if t[4] in UNITS else ""))
        if not m:
            continue
        n = int(t[0])
        gflops = 2.0 * n**3 / (float(m.group(1)) * UNITS[m.group(2)]) / 1e9
        # The spread column is the CV; the GFLOPS column right after it has more digits than
        # the median's three.
        i = next((i for i, x in enumerate(t) if x.startswith("±")), None)
        cv = float(t[i].strip("±%")) / 100 if i is not None else None
        if i is not None and i + 1 < len(t):
            try:
                gflops = float(t[i + 1].replace(",", ""))
            except ValueError:
                pass
        rows[(n, t[1])] = (gflops, cv)
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("gpubench")
    p.add_argument("torch")
    p.add_argument("--bar", type=float, default=0.97)
    p.add_argument("--max-cv", type=float, default=0.02)
    p.add_argument("--title", default="")
    a = p.parse_args()
    ours = gpubench_rows(a.gpubench)
    theirs = [json.loads(l) for l in open(a.torch) if l.strip()]
    ok = True
    out = []
    if a.title:
        out += [f"### {a.title}", ""]
    out += ["| n | dtype | gpubench cublas GFLOPS | CV | torch.mm GFLOPS | CV | ratio | bar |",
            "|---:|---|---:|---:|---:|---:|---:|---|"]
    for t in theirs:
        key = (t["n"], t["dtype"])
        mine = ours.get(key)
        if mine is None:
            out.append(f"| {t['n']} | {t['dtype']} | missing | | {t['gflops']:.0f} | "
                       f"{100 * t['cv']:.1f}% | | |")
            ok = False
            continue
        g, cv = mine
        ratio = g / t["gflops"]
        gated = t["n"] >= 4096
        passed = ratio >= a.bar and (cv is None or cv < a.max_cv)
        verdict = ("pass" if passed else "FAIL") if gated else "-"
        ok &= passed or not gated
        cv_s = f"{100 * cv:.1f}%" if cv is not None else "?"
        out.append(f"| {t['n']} | {t['dtype']} | {g:.0f} | {cv_s} | {t['gflops']:.0f} | "
                   f"{100 * t['cv']:.1f}% | {ratio:.3f} | {verdict} |")
    out += ["", f"Bar: gpubench >= {a.bar}x torch.mm and CV < {100 * a.max_cv:.0f}% at n >= 4096."]
    print("\n".join(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
