#!/usr/bin/env python3
"""Markdown tables of the kernel ladder from `gpubench matmul --format json` output: one table per
dtype, a row per backend, a column per size, each cell TFLOPS and % of cuBLAS for the same case."""
import json
import sys


def main(path):
    doc = json.load(open(path))
    recs = doc["records"]
    gpus = doc.get("system", {}).get("gpus", [])
    device = gpus[0]["name"] if gpus else "unknown GPU"
    print(f"Kernel ladder on {device}, gpubench {doc.get('gpubench_version', '')}, "
          f"{doc.get('start_time', '')} (kernel time, median TFLOPS; % of cuBLAS for the same "
          f"shape and dtype)\n")
    for dtype in sorted({r["dtype"] for r in recs}):
        rows = [r for r in recs if r["dtype"] == dtype]
        sizes = sorted({r["label"] for r in rows}, key=lambda s: [int(x) for x in s.split("x")])
        backends = []
        for r in rows:
            if r["backend"] not in backends:
                backends.append(r["backend"])
        # A kernel that refuses the dtype everywhere has no row in this table.
        backends = [b for b in backends
                    if any(r["backend"] == b and r["status"] != "unsupported" for r in rows)]
        cublas = {r["label"]: r["gflops"] for r in rows
                  if r["backend"] == "cublas" and r["status"] == "ok"}
        print(f"### {dtype}\n")
        print("| backend | " + " | ".join(f"n={s}" for s in sizes) + " |")
        print("|---|" + "---:|" * len(sizes))
        for b in backends:
            cells = []
            for s in sizes:
                r = next((r for r in rows if r["backend"] == b and r["label"] == s), None)
                if r is None:
                    cells.append("")
                elif r["status"] != "ok":
                    cells.append(r["status"])
                else:
                    cell = f"{r['gflops'] / 1e3:.1f}"
                    if b != "cublas" and cublas.get(s):
                        cell += f" ({100 * r['gflops'] / cublas[s]:.0f}%)"
                    cells.append(cell)
            print(f"| {b} | " + " | ".join(cells) + " |")
        print()
    bad = [r for r in recs if r["status"] == "failed"]
    for r in bad:
        print(f"- FAILED: {r['backend']} {r['dtype']} {r['label']}: {r['reason']}")


if __name__ == "__main__":
    main(sys.argv[1])
