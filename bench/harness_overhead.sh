#!/usr/bin/env bash
# Does gpubench's harness cost anything? For each CPU library gpubench loads (OpenBLAS, BLIS,
# MKL), times its GEMM through gpubench's backend and through a minimal direct call loop of the
# same file (bench/direct_sgemm.cpp: dlopen, the library's own thread API), alternating the two
# ROUNDS times per size on the same threads (which one goes first alternates too, so a drift of
# the machine's speed favours neither), and prints the ratio of the best medians (gpubench /
# direct) beside the range of each side's medians: on a shared VM one process's median can read
# 5-10% low, and the best of several is the library's speed. Both sides sample alike (batches of
# calls, the median per call); the last column compares their fastest samples. Thread placement is the caller's
# (OMP_PROC_BIND/OMP_PLACES apply to both sides; `gpubench info` reports it).
# Usage: bench/harness_overhead.sh [BUILD_DIR] [THREADS] [ROUNDS]
# Environment: SIZES ("1024 2048 4096"), MIN_TIME (1.0), DTYPE (fp32), LIBS (every library
# `gpubench info` loads), BLAS_LIB ("mkl=/path/libmkl_rt.so.2 ...": --blas-lib items).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
threads=${2:-$(nproc)}
rounds=${3:-5}
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

direct_gflops() {  # PATH KIND N -> the direct loop's "GFLOPS GFLOPS-of-its-fastest-sample"
  "$build/direct_sgemm" "$1" "$2" "$3" "$threads" "$min_time" "$dtype" | awk '{print $3 "/" $4}'
}
gpubench_gflops() {  # the gflops field of the one CSV row
  "$build/gpubench" matmul --sizes "$1" --dtype "$dtype" --backends "$2" --threads "$threads" \
    --min-time "$min_time" --quiet --format csv $blas_lib |
    awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "gflops") g = i; if ($i == "min_s") m = i }; next }
                       { printf "%s/%.2f\n", $g, 2 * n * n * n / $m / 1e9 }'
}

echo "# gpubench harness overhead: each CPU library's backend vs a direct call loop of the same library"
echo
echo "host: $(hostname), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads=$threads, $dtype, min-time=${min_time}s, best of $rounds alternating rounds, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
grep -E '^BLAS:' <<<"$info" | sed 's/^/    /'
echo
echo "| library | n | direct GFLOPS | gpubench GFLOPS | gpubench / direct | direct medians | gpubench medians | fastest samples, gpubench / direct |"
echo "|---|---:|---:|---:|---:|---|---|---:|"
for lib in $libs; do
  path=$(library_path "${display[$lib]}")
  if [ -z "$path" ]; then
    echo "| $lib | - | not loaded | - | - |"
    continue
  fi
  for n in $sizes; do
    ds=""; gs=""
    for ((r = 0; r < rounds; r++)); do
      if ((r % 2 == 0)); then
        d=$(direct_gflops "$path" "$lib" "$n"); g=$(gpubench_gflops "$n" "$lib")
      else
        g=$(gpubench_gflops "$n" "$lib"); d=$(direct_gflops "$path" "$lib" "$n")
      fi
      ds+=" $d"; gs+=" $g"
    done
    # Each item "median-GFLOPS/fastest-sample-GFLOPS"; the best of each over the rounds.
    awk -v l="$lib" -v n="$n" -v ds="$ds" -v gs="$gs" '
      function scan(list, out,   k, x, i, p) {
        k = split(list, x, " "); out["lo"] = 1e30; out["hi"] = 0; out["fast"] = 0
        for (i = 1; i <= k; i++) {
          split(x[i], p, "/")
          if (p[1] + 0 > out["hi"]) out["hi"] = p[1] + 0
          if (p[1] + 0 < out["lo"]) out["lo"] = p[1] + 0
          if (p[2] + 0 > out["fast"]) out["fast"] = p[2] + 0
        }
      }
      BEGIN {
        scan(ds, d); scan(gs, g)
        printf "| %s | %d | %.1f | %.1f | %.3f | %.1f-%.1f | %.1f-%.1f | %.3f |\n", l, n, d["hi"], g["hi"],
               g["hi"] / d["hi"], d["lo"], d["hi"], g["lo"], g["hi"], g["fast"] / d["fast"]
      }'
  done
done
