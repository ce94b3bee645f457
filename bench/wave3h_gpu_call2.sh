#!/usr/bin/env bash
# Third wave, device call 2 after 2026-12-08 (optional, where device time is left after
# bench/wave3h_gpu.sh): whether the way torch.mm is made and captured still matters, with
# bench/torch_fresh.py (each run a fresh process): gpubench's default against capture_begin
# (operands made on the GPU) and capture_host (made on the host), first cold on the shapes whose
# operands fit in the L2 (where warm they read 0.960 and 1.038 on 16x4096x4096), then warm on the
# six larger hidden shapes, smallest first, in the time left.
# [DEADLINE=S (560)] OUT=DIR bash bench/wave3h_gpu_call2.sh
set -uo pipefail
source bench/gpu_check_lib.sh
DEADLINE=${DEADLINE:-560}
start_call gpubench || exit 1
ways=gpubench,capture_begin,capture_host
for cache in cold warm; do
  if [ $cache = cold ]; then shapes="16,4096,4096 128,4096,4096 1024,1024,1024"
  else shapes="2048,6144,4096 3000,3000,3000 4096,4096,4096 4096,14336,4096 4096,4096,14336 8192,8192,8192"; fi
  t0=$SECONDS
  PYTHONUNBUFFERED=1 timeout $(left 400) python3 bench/torch_fresh.py --gpubench build/gpubench --cache $cache --variants $ways --out $out/fresh_$cache.json $shapes > $out/fresh_$cache.txt 2> $out/fresh_$cache.err
  log "torch_fresh $cache: exit $? in $((SECONDS-t0)) s"; grep summary $out/fresh_$cache.txt | tee -a $out/summary.txt
done
