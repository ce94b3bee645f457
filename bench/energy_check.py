#!/usr/bin/env python3
"""Per timed window of gpubench results files: the mean power gpubench reports (or why it is
unknown), nvidia-smi's mean power over the same span (its samples stamped by bench/energy_check.sh)
and the enforced limit; a summary line counts the windows outside limit +5% or 5% from nvidia-smi.
Usage: energy_check.py SMI_CSV RESULTS.json..."""
import json
import sys


def smi_samples(path):
    """(host time, power W, SM MHz, limit W) per line: the instantaneous power where nvidia-smi
    has it (power.draw.instant), else its 1 s average (power.draw)."""
    out = []
    for line in open(path):
        parts = [p.strip() for p in line.split(",")]
        try:
            t, instant, average, mhz, limit = parts[:5]
            power = float(instant) if instant.replace(".", "", 1).isdigit() else float(average)
            out.append((float(t), power, float(mhz), float(limit)))
        except (ValueError, IndexError):
            pass
    return out


def main():
    smi = smi_samples(sys.argv[1])
    limit = max((s[3] for s in smi), default=0.0)
    print(f"{'row':<34} {'window':>9} {'secs':>6} {'gpubench W':>11} {'smi W':>7} {'limit':>6}  note")
    bad = unknown = known = 0
    for path in sys.argv[2:]:
        for r in json.load(open(path)).get("records", []):
            if r.get("status") != "ok":
                continue
            label = f"{r['backend']} {r['dtype']} {r['label']}"
            rates = [(r.get("clocks") or "main", r)] + ([("burst", r["burst"])] if r.get("burst") else [])
            for name, rate in rates:
                t = rate.get("telemetry") or {}
                start, end = t.get("window_start_unix_s"), t.get("window_end_unix_s")
                inside = [s[1] for s in smi if start and end and start <= s[0] <= end]
                smi_w = sum(inside) / len(inside) if inside else None
                w = t.get("mean_power_w")
                note = ""
                if w is None:
                    unknown += 1
                    note = t.get("unavailable", "")
                else:
                    known += 1
                    over = limit and w > 1.05 * limit
                    far = smi_w and abs(w - smi_w) > 0.05 * smi_w
                    if over or far:
                        bad += 1
                        note = "OVER LIMIT" if over else "OFF nvidia-smi by >5%"
                secs = (end - start) if start and end else 0
                fmt = lambda v: f"{v:.0f}" if v is not None else "-"
                print(f"{label:<34} {name:>9} {secs:6.2f} {fmt(w):>11} {fmt(smi_w):>7} {limit:6.0f}  {note}")
    print(f"windows: {known} with power ({bad} outside limit+5% or 5% of nvidia-smi), {unknown} unknown")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
