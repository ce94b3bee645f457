#!/usr/bin/env bash
# Third wave, device call 1 after 2026-12-08 (no device was lent that day): bench/capture_check.sh
# whole, on one card, at this commit: the capture against torch.profiler, the replay, and each
# cuBLAS row's default rate against torch.mm with every run in a fresh process (torch.mm captured
# by CUDAGraph.capture_begin/end, its operands made on the host, as gpubench's): cold (an L2 flush
# before every call, both sides) on the shapes whose operands fit in the L2, then warm on the
# nine hidden shapes. About 555 s: build ~40, a smoke test ~15, steps 1-2 ~50, cold ~120, warm ~330;
# a cut falls on the largest warm shapes, measured in earlier calls. Its eight files come back as
# one tarball (at most 8 files come back), its report beside it.
# [DEADLINE=S (585)] OUT=DIR bash bench/wave3h_gpu.sh
set -uo pipefail
source bench/gpu_check_lib.sh
DEADLINE=${DEADLINE:-585}
start_call gpubench gpubench_capture || exit 1
# First, ~15 s: torch.mm's new timing paths (never run on a GPU before this call) on a small shape,
# so that a mistake costs seconds rather than the whole call.
for cache in cold warm; do
  timeout 60 python3 bench/capture_check.py torch-mm --cache $cache --queued 1024,1024,1024 > $out/smoke.txt 2>&1
  rc=$?; log "torch-mm $cache smoke: exit $rc: $(tail -c 300 $out/smoke.txt)"
  [ $rc -eq 0 ] || exit 1
done
w=$(mktemp -d)
t0=$SECONDS
PYTHONUNBUFFERED=1 timeout $(left 600) bash bench/capture_check.sh build $w/cc > $out/capture_check.log 2>&1
log "capture_check.sh: exit $? in $((SECONDS-t0)) s"
# Cut short, it wrote no report: the one from what it measured (default-vs-torch writes its JSON
# after every shape).
[ -s $w/cc/report.md ] || python3 bench/capture_check.py report --dir $w/cc > $w/cc/report.md 2>&1
cp $w/cc/report.md $out/report.md
sed -n '/Where the 3% bar stands/,$p' $out/report.md | tee -a $out/summary.txt
tar -C $w -czf $out/capture_check.tar.gz cc
