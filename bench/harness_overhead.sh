#!/usr/bin/env bash
# Does gpubench's harness cost anything? Times OpenBLAS sgemm through gpubench's openblas backend
# and through a minimal direct cblas_sgemm loop (bench/direct_sgemm.cpp), alternating the two
# ROUNDS times per size on the same threads, and prints the ratio of the best medians
# (gpubench / direct). Usage: bench/harness_overhead.sh [BUILD_DIR] [THREADS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
threads=${2:-$(nproc)}
rounds=${3:-3}
min_time=${MIN_TIME:-1.0}
sizes=${SIZES:-"512 1024 2048 4096"}
[ -x "$build/gpubench" ] || { cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build "$build" >/dev/null; }
g++ -O2 -std=c++20 bench/direct_sgemm.cpp $(pkg-config --cflags --libs openblas) -o "$build/direct_sgemm"

gpubench_gflops() {  # the GFLOPS column of the single openblas row of the table
  "$build/gpubench" matmul --sizes "$1" --dtype fp32 --backends openblas --threads "$threads" \
    --min-time "$min_time" --quiet | awk '$3 == "openblas" { print $7 }'
}

echo "# gpubench harness overhead: openblas backend vs a direct cblas_sgemm loop"
echo
echo "host: $(hostname), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads=$threads, min-time=${min_time}s, best of $rounds alternating rounds, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "$("$build/gpubench" info --threads "$threads" | grep '^BLAS:')"
echo
echo "| n | direct GFLOPS | gpubench GFLOPS | gpubench / direct |"
echo "|---:|---:|---:|---:|"
for n in $sizes; do
  best_d=0; best_g=0
  for ((r = 0; r < rounds; r++)); do
    d=$("$build/direct_sgemm" "$n" "$threads" "$min_time" | awk '{print $3}')
    g=$(gpubench_gflops "$n")
    best_d=$(awk -v a="$best_d" -v b="$d" 'BEGIN{print (b>a)?b:a}')
    best_g=$(awk -v a="$best_g" -v b="$g" 'BEGIN{print (b>a)?b:a}')
  done
  awk -v n="$n" -v d="$best_d" -v g="$best_g" 'BEGIN{printf "| %d | %.1f | %.1f | %.3f |\n", n, d, g, g/d}'
done
