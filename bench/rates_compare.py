#!/usr/bin/env python3
"""Markdown table of gpubench's burst and sustained cuBLAS rates against torch.mm timed the same
two ways in the same session (bench/rates_torch.py), with clocks and GFLOPS/W. Exit 1 when a
ratio is below 0.98 (issue #12's bar)."""
import json
import sys


def main():
    ours, theirs, title = sys.argv[1], sys.argv[2], sys.argv[3]
    doc = json.load(open(ours))
    torch_rows = {}
    for line in open(theirs):
        r = json.loads(line)
        torch_rows[(r["m"], r["n"], r["k"], r["dtype"])] = r
    print(f"## {title}\n")
    print("| shape | dtype | gpubench burst | torch burst | ratio | MHz | gpubench sust. | torch sust."
          " | ratio | MHz | W | GFLOPS/W | J/mult |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    worst = 9.9
    for rec in doc["records"]:
        if rec["backend"] != "cublas" or rec["status"] != "ok":
            continue
        s = rec["shape"]
        t = torch_rows.get((s["m"], s["n"], s["k"], rec["dtype"]))
        if not t:
            continue
        b = rec.get("burst") or {}
        bt = (b.get("telemetry") or {})
        st = rec.get("telemetry") or {}
        rb = b.get("gflops", 0) / t["burst_gflops"]
        rs = rec["gflops"] / t["sustained_gflops"]
        worst = min(worst, rb, rs)
        f = lambda v, p=0: "-" if v is None else f"{v:.{p}f}"
        print(f"| {rec['label']} | {rec['dtype']} | {b.get('gflops', 0) / 1e3:.1f} T | "
              f"{t['burst_gflops'] / 1e3:.1f} T | {rb:.3f} | {f(bt.get('mean_sm_clock_mhz'))} | "
              f"{rec['gflops'] / 1e3:.1f} T | {t['sustained_gflops'] / 1e3:.1f} T | {rs:.3f} | "
              f"{f(st.get('mean_sm_clock_mhz'))} | {f(st.get('mean_power_w'))} | "
              f"{f(st.get('gflops_per_watt'), 1)} | {f(st.get('energy_per_mult_j'), 3)} |")
    print(f"\nworst ratio: {worst:.3f} (bar: 0.98)")
    sys.exit(0 if worst >= 0.98 else 1)


if __name__ == "__main__":
    main()
