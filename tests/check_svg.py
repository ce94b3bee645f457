#!/usr/bin/env python3
"""Parses a gpubench chart with a real XML parser and checks its structure.
usage: check_svg.py FILE [--html] [--expect TEXT ...]: exit 0 when well-formed and complete."""
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
args = sys.argv[1:]
path, html = args[0], "--html" in args
expects = [args[i + 1] for i, a in enumerate(args) if a == "--expect"]
root = ET.parse(path).getroot()  # raises on anything not well-formed
if html:
    assert root.tag == "html", root.tag
    svgs = [e for e in root.iter() if e.tag == SVG + "svg"]
    assert len(svgs) == 1, f"{len(svgs)} inline svg elements"
    root = svgs[0]
assert root.tag == SVG + "svg", root.tag
for attr in ("width", "height", "viewBox"):
    assert root.get(attr), f"svg lacks {attr}"
groups = {g.get("id") for g in root.iter(SVG + "g")}
for g in ("gflops", "speedup", "series", "legend", "crossovers"):
    assert g in groups, f"no <g id='{g}'>"
lines = list(root.iter(SVG + "polyline"))
assert lines, "no series drawn"
for pl in lines:
    pts = pl.get("points").split()
    for p in pts:
        x, y = (float(v) for v in p.split(","))
        assert 0 <= x <= float(root.get("width")) and 0 <= y <= float(root.get("height")), p
text = " ".join("".join(t.itertext()) for t in root.iter(SVG + "text"))
for e in expects:
    assert e in text, f"missing text {e!r} in: {text[:2000]}"
print(f"ok: {len(lines)} series, {len(list(root.iter(SVG + 'text')))} texts")
