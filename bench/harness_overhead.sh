#!/usr/bin/env bash
# Does gpubench's harness cost anything? For each CPU library gpubench loads (OpenBLAS, BLIS,
# MKL), times its GEMM through gpubench's backend and through a minimal direct call loop of the
# same file (bench/direct_sgemm.cpp: dlopen, the library's own thread API), alternating the two
# ROUNDS times per size on the same threads, and prints the ratio of the best medians
# (gpubench / direct). Usage: bench/harness_overhead.sh [BUILD_DIR] [THREADS] [ROUNDS]
# Environment: SIZES ("1024 2048 4096"), MIN_TIME (1.0), DTYPE (fp32), LIBS (every library
# `gpubench info` loads), BLAS_LIB ("mkl=/path/libmkl_rt.so.2 ...": --blas-lib items).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
threads=${2:-$(nproc)}
rounds=${3:-3}
min_time=${MIN_TIME:-1.0}
sizes=${SIZES:-"1024 2048 4096"}
dtype=${DTYPE:-fp32}
blas_lib=""
for item in ${BLAS_LIB:-}; do blas_lib+=" --blas-lib $item"; done
[ -x "$build/gpubench" ] || { cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build "$build" >/dev/null; }
g++ -O2 -std=c++20 bench/direct_sgemm.cpp -ldl -o "$build/direct_sgemm"

info=$("$build/gpubench" info --threads "$threads" $blas_lib)
# "BLAS:       BLIS 0.9.0 config=zen3 ..." then "            from: PATH; placement: ...".
library_path() {  # display name -> the file gpubench loaded
  awk -v name="$1" '$1 == "BLAS:" { cur = $2 } cur == name && $1 == "from:" { sub(/;$/, "", $2); print $2; exit }' <<<"$info"
}
declare -A display=([openblas]=OpenBLAS [blis]=BLIS [mkl]=MKL)
libs=${LIBS:-"openblas blis mkl"}

gpubench_gflops() {  # the gflops field of the one CSV row
  "$build/gpubench" matmul --sizes "$1" --dtype "$dtype" --backends "$2" --threads "$threads" \
    --min-time "$min_time" --quiet --format csv $blas_lib |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "gflops") col = i; next } { print $col }'
}

echo "# gpubench harness overhead: each CPU library's backend vs a direct call loop of the same library"
echo
echo "host: $(hostname), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads=$threads, $dtype, min-time=${min_time}s, best of $rounds alternating rounds, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
grep -E '^BLAS:' <<<"$info" | sed 's/^/    /'
echo
echo "| library | n | direct GFLOPS | gpubench GFLOPS | gpubench / direct |"
echo "|---|---:|---:|---:|---:|"
for lib in $libs; do
  path=$(library_path "${display[$lib]}")
  if [ -z "$path" ]; then
    echo "| $lib | - | not loaded | - | - |"
    continue
  fi
  for n in $sizes; do
    best_d=0; best_g=0
    for ((r = 0; r < rounds; r++)); do
      d=$("$build/direct_sgemm" "$path" "$lib" "$n" "$threads" "$min_time" "$dtype" | awk '{print $3}')
      g=$(gpubench_gflops "$n" "$lib")
      best_d=$(awk -v a="$best_d" -v b="$d" 'BEGIN{print (b>a)?b:a}')
      best_g=$(awk -v a="$best_g" -v b="$g" 'BEGIN{print (b>a)?b:a}')
    done
    awk -v l="$lib" -v n="$n" -v d="$best_d" -v g="$best_g" 'BEGIN{printf "| %s | %d | %.1f | %.1f | %.3f |\n", l, n, d, g, g/d}'
  done
done
