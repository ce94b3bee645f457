#!/usr/bin/env python3
# Static instruction mix per kernel from `cuobjdump -sass` output on stdin: how many of each
# opcode the compiled code holds, FFMA's share first. Used with bench/tune_warptile.sh to see what
# a configuration spends its instructions on besides FFMA (the warp-tiled kernel is issue-bound).
# Usage on the GPU machine: cuobjdump -sass BINARY | python3 bench/sass_mix.py
import re, sys, collections
cur = None; mix = collections.OrderedDict()
for line in sys.stdin:
    m = re.match(r'\s+Function : (\S+)', line)
    if m:
        cur = m.group(1); mix[cur] = collections.Counter(); continue
    m = re.match(r'\s+/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_]*)', line)
    if m and cur: mix[cur][m.group(1)] += 1
for f, c in mix.items():
    tot = sum(c.values())
    short = re.sub(r'.*WarptileConfigIL', '', f)[:80]
    print(f"{short}: total {tot}, FFMA {c['FFMA']} ({100*c['FFMA']/max(tot,1):.0f}%), " +
          ", ".join(f"{k} {v}" for k, v in c.most_common(14) if k != 'FFMA'))
