#!/usr/bin/env bash
# Third wave, third session, device call 1 (H100; bench/results/wave3c_gpu_2026-12-07.md): the
# default sweep three times, first-case bursts against torch.mm (bench/rates_torch.py, with and
# without its throwaway case), bench/capture_check.sh and bench/energy_check.sh. GPUBENCH_TRACE
# asked a temporary build for phase stamps on stderr (never committed; others ignore it).
# Usage, on the GPU machine from the repository root: OUT=DIR bash bench/wave3c_gpu_call1.sh
set -uo pipefail
. bench/gpu_check_lib.sh
begin_device_call
for i in 1 2 3; do
  s=$(date +%s.%N)
  GPUBENCH_TRACE=1 "$bin" matmul -o "$w/default_$i.json" >"$w/default_$i.txt" 2>"$w/default_$i.err"
  log "default run $i: exit $? in $(python3 -c "print(round($(date +%s.%N)-$s,2))") s"
done
save
printf '4096,4096,4096,bf16\n8192,1024,8192,bf16\n' >"$w/two.csv"
printf '2048,2048,2048,bf16\n4096,4096,4096,bf16\n8192,1024,8192,bf16\n' >"$w/three.csv"
printf '8192,1024,8192,bf16\n4096,4096,4096,bf16\n' >"$w/rev.csv"
for i in 1 2; do
  date +%s.%N > "$w/two_$i.stamp"
  GPUBENCH_TRACE=1 timeout 60 "$bin" matmul --shapes "$w/two.csv" --backends cublas --no-transfers --clocks both --progress never -o "$w/two_$i.json" >/dev/null 2>"$w/two_$i.err"
  sleep 1
  date +%s.%N > "$w/three_$i.stamp"
  GPUBENCH_TRACE=1 timeout 60 "$bin" matmul --shapes "$w/three.csv" --backends cublas --no-transfers --clocks both --progress never -o "$w/three_$i.json" >/dev/null 2>"$w/three_$i.err"
  sleep 1
  GPUBENCH_TRACE=1 timeout 60 "$bin" matmul --shapes "$w/rev.csv" --backends cublas --no-transfers --clocks both --progress never -o "$w/rev_$i.json" >/dev/null 2>"$w/rev_$i.err"
  sleep 1
done
timeout 60 python3 bench/rates_torch.py --no-throwaway --shapes "$w/two.csv" --output "$w/torch_fresh.jsonl" 2>"$w/torch_fresh.err"
timeout 60 python3 bench/rates_torch.py --shapes "$w/two.csv" --output "$w/torch_1.jsonl" 2>"$w/torch_1.err"
cat "$w/torch_fresh.jsonl" >> "$w/summary.txt"
for f in two_1 two_2 three_1 three_2 rev_1 rev_2; do
  python3 bench/rates_compare.py "$w/$f.json" "$w/torch_1.jsonl" "$f vs torch.mm" | tee -a "$w/summary.txt"
done
kill $smi
save
t0=$SECONDS
timeout 240 bash bench/capture_check.sh build "$w/capture" > "$w/capture.log" 2>&1
log "capture: exit $? in $((SECONDS - t0)) s"
cat "$w/capture/report.md" >> "$w/summary.txt" 2>/dev/null
save
t0=$SECONDS
timeout 150 env BUILD=build bash bench/energy_check.sh "$w/energy" > "$w/energy.log" 2>&1
log "energy: exit $? in $((SECONDS - t0)) s"
grep -E "windows:|default gpubench" "$w/energy/summary.txt" | tee -a "$w/summary.txt"
save
cat "$w/summary.txt"
