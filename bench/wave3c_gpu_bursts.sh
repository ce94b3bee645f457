#!/usr/bin/env bash
# Third wave, third session, device call 3 (H100; bench/results/wave3c_gpu_2026-12-07.md): issue
# 22's burst bar on a cold card (3 s idle before each process; both shapes first in turn) against
# torch.mm timed mamf-style the same session, then the default sweep twice. GPUBENCH_TRACE asked
# a temporary build for phase stamps on stderr (never committed; others ignore it).
# Usage, on the GPU machine from the repository root: OUT=DIR bash bench/wave3c_gpu_bursts.sh
set -uo pipefail
. bench/gpu_check_lib.sh
begin_device_call
printf '4096,4096,4096,bf16\n8192,1024,8192,bf16\n' >"$w/two.csv"
printf '8192,1024,8192,bf16\n4096,4096,4096,bf16\n' >"$w/rev.csv"
timeout 60 python3 bench/rates_torch.py --shapes "$w/two.csv" --output "$w/torch_1.jsonl" 2>"$w/torch_1.err"
for i in 1 2; do
  for f in two rev; do
    sleep 3  # a cold card: idle clocks before the process starts
    GPUBENCH_TRACE=1 timeout 60 "$bin" matmul --shapes "$w/$f.csv" --backends cublas --no-transfers --clocks both --progress never -o "$w/${f}_$i.json" >/dev/null 2>"$w/${f}_$i.err"
    python3 bench/rates_compare.py "$w/${f}_$i.json" "$w/torch_1.jsonl" "${f}_$i (cold card) vs torch.mm" | tee -a "$w/summary.txt"
  done
done
timeout 60 python3 bench/rates_torch.py --shapes "$w/two.csv" --output "$w/torch_2.jsonl" 2>"$w/torch_2.err"
cat "$w/torch_1.jsonl" "$w/torch_2.jsonl" >> "$w/summary.txt"
save
for i in 1 2; do
  s=$(date +%s.%N)
  GPUBENCH_TRACE=1 "$bin" matmul -o "$w/default_$i.json" >"$w/default_$i.txt" 2>"$w/default_$i.err"
  log "default run $i: exit $? in $(python3 -c "print(round($(date +%s.%N)-$s,2))") s"
done
save
kill $smi
save
cat "$w/summary.txt"
