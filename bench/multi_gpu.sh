#!/usr/bin/env bash
# Issue 7's whole multi-GPU session in one go, results into a folder (default $OUT): build (sm_90),
# every GPU with cuBLAS one after the other, all at once (--concurrent), and under mpirun with one
# rank per GPU; then the fleet tests (two GPUs, mpirun).
# Usage: bench/multi_gpu.sh [out-dir]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-${OUT:-$root/out}}"
build="$root/build-gpu"
mkdir -p "$out"
nvidia-smi --query-gpu=index,name,pci.bus_id,clocks.max.sm,power.limit --format=csv,noheader |
  tee "$out/cards.txt"
{ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DGPUBENCH_MPI=ON &&
  cmake --build "$build" -j"$(nproc)" --target gpubench gpubench_fleet_tests
} > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
grep -E "MPI gather|CUDA backends" "$out/build.log"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
sweep="--backends cublas --sizes 1024..8192 --dtype fp32,bf16 --quiet"
run() {  # name, then the command
  local name=$1; shift
  local t0=$SECONDS
  timeout 100 "$@" > "$out/$name.txt" 2> "$out/$name.err"
  echo "== $name: exit $? in $((SECONDS - t0)) s"
  cat "$out/$name.txt"; tail -5 "$out/$name.err"
}
run sequential "$build/gpubench" matmul $sweep --device all --output "$out/sequential.json"
run concurrent "$build/gpubench" matmul $sweep --device all --concurrent \
  --output "$out/concurrent.json"
# One rank per GPU, chosen by the local rank; --bind-to none so each rank may use every core.
run mpirun mpirun -np 2 --bind-to none "$build/gpubench" matmul $sweep --output "$out/mpirun.json"

(cd "$build" && timeout 90 ./tests/gpubench_fleet_tests > "$out/fleet_tests.log" 2>&1)
grep -E "^\[ +(OK|FAILED|SKIPPED) +\]" "$out/fleet_tests.log" | sort -u
grep -B2 -A20 "Failure" "$out/fleet_tests.log" | head -60
