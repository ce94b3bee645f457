#!/usr/bin/env bash
# Third wave, fourth session, device call 2 (H100): which kernels torch.mm runs (cuBLAS and
# cuBLASLt backends) and at what rate in a graph, with randn and with gpubench-like inputs
# (bench/wave3d_kernels_torch.py); then Nsight Compute on gpubench (its first 12 kernels: the
# tuning candidates, the heuristic's first = default first) and on torch.mm, per kernel.
set -uo pipefail
out=${OUT:-/tmp/out}; mkdir -p $out
(cmake --preset release -DCMAKE_CUDA_ARCHITECTURES=90 >/dev/null && cmake --build build -j16 --target gpubench) > $out/build.log 2>&1 || { tail -20 $out/build.log; exit 1; }
echo built
NCU=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)
echo "ncu: $NCU"
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw.instant,temperature.gpu --format=csv,nounits -lms 100 > $out/smi.csv 2>&1 &
smi=$!
PYTHONUNBUFFERED=1 timeout 150 python3 bench/wave3d_kernels_torch.py 2>&1 | tee $out/torch.txt
for s in 1024,1024,1024 16,4096,4096; do
  printf "m,n,k,dtype,layout,batch\n$s,bf16,nn,1\n" > /tmp/one.csv
  echo "== gpubench $s" | tee -a $out/ncu.txt
  timeout 100 $NCU --clock-control none --launch-count 12 --metrics gpu__time_duration.sum ./build/gpubench matmul --shapes /tmp/one.csv --backends cublas --clocks sustained --min-time 0.05 --no-transfers --progress never -o /tmp/one.json > /tmp/ncu_gb.txt 2>&1
  grep -E "^  [a-zA-Z_].*\(|gpu__time_duration" /tmp/ncu_gb.txt | cut -c1-150 >> $out/ncu.txt
  python3 -c "
import json; r=[r for r in json.load(open('/tmp/one.json'))['records'] if r['backend']=='cublas'][0]
print('default', r.get('default_algorithm'), '| chosen', r.get('algorithm'))" >> $out/ncu.txt
  IFS=, read m n k <<< "$s"
  echo "== torch.mm $s" >> $out/ncu.txt
  timeout 100 $NCU --clock-control none --launch-count 6 --metrics gpu__time_duration.sum python3 -c "
import torch
a=torch.randn($m,$k,device='cuda',dtype=torch.bfloat16); b=torch.randn($k,$n,device='cuda',dtype=torch.bfloat16)
for _ in range(3): torch.mm(a,b)
torch.cuda.synchronize()" > /tmp/ncu_t.txt 2>&1
  grep -E "^  [a-zA-Z_].*\(|gpu__time_duration" /tmp/ncu_t.txt | cut -c1-150 >> $out/ncu.txt
done
kill $smi
cat $out/ncu.txt
