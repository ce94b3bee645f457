#!/usr/bin/env bash
# Whether where the operands and the workspace land against each other moves a small GEMM's rate
# (bench/placement.sh moved them all together and nothing moved): bench/torch_process_bisect.py's
# "bare" mode (no torch) with GEMM_OFFSETS_KB placing the 32 MiB workspace, A, B and C in one
# allocation, each placement in a fresh process, in order and then reversed. A spread of 5% here
# would explain torch.mm's process (its allocator places them its own way) without any "slowdown".
# Needs /tmp/libinproc.so (bench/torch_inprocess.cu).
placements() {  # M N K: "w,a,b,c" offsets in KiB, one a line
  python3 - "$@" <<'PY'
import random, sys
m, n, k = map(int, sys.argv[1:])
ws, a, b, c = 32 << 10, max(1, m * k * 2 >> 10), max(1, k * n * 2 >> 10), max(1, m * n * 2 >> 10)
up = lambda x, to=2048: -(-x // to) * to  # cudaMalloc's 2 MiB granules
print(f"0,{up(ws)},{up(ws) + up(a)},{up(ws) + up(a) + up(b)}")  # as separate cudaMallocs
print(f"0,{ws},{ws + a},{ws + a + b}")                            # packed
print(f"{up(a) + up(b) + up(c)},{up(b) + up(c)},{up(c)},0")      # reversed order
rng = random.Random(23)
for _ in range(5):  # the same order, random gaps of 0-3 MiB in 4 KiB steps
    at, out = 0, []
    for size in (ws, a, b, c):
        at += 4 * rng.randrange(0, 768)
        out.append(at)
        at += size
    print(",".join(map(str, out)))
PY
}
for shape in 1024,1024,1024 16,4096,4096; do
  mapfile -t ps < <(placements ${shape//,/ })
  for p in "${ps[@]}" $(printf '%s\n' "${ps[@]}" | tac); do
    echo "$shape offsets_kb $p: $(GEMM_OFFSETS_KB=$p timeout 20 python3 bench/torch_process_bisect.py one bare $shape) TFLOPS"
  done
done
