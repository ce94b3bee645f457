#!/usr/bin/env bash
# How fast is this CPU with each BLAS library: OpenBLAS vs BLIS vs MKL, fp32 and fp64, n =
# 1024..8192, through gpubench's `cpu` group (every library found), then the harness check of
# each library: gpubench's number against a direct call loop of the same library, paired round by
# round in one process (bench/harness_ab.cpp; bench/harness_overhead.sh is the same check with a
# process per side, which a shared VM's wandering speed drowns). Writes into OUT_DIR (default
# bench/results): cpu_libraries_<tag>_info.txt, cpu_libraries_<tag>.txt/.json (the table and its
# verdict), harness_ab_<tag>.md.
# Usage: bench/cpu_libraries.sh TAG [BUILD_DIR] [THREADS]
# Environment: BLAS_LIB ("mkl=/path/libmkl_rt.so blis=/path/libblis.so.4": --blas-lib items),
# SIZES (1024..8192), DTYPES (fp32,fp64), MIN_TIME (0.3), OUT_DIR, OVERHEAD=0 to skip the check,
# ROUNDS (21), OVERHEAD_MIN_TIME (0.2 s a side a round) and OVERHEAD_SIZES (1024 2048 4096) of it.
# Libraries carried as .deb files (a machine without a package registry): put them in .cpulibs/
# and this script unpacks them to /tmp/cpulibs and puts their folders on LD_LIBRARY_PATH, so that
# gpubench finds them by soname and a library that cannot run here is a row saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:?usage: bench/cpu_libraries.sh TAG [BUILD_DIR] [THREADS]}
build=${2:-build-cpu}
threads=${3:-$(nproc)}
out=${OUT_DIR:-bench/results}
mkdir -p "$out"
blas_lib=${BLAS_LIB:-}
if compgen -G ".cpulibs/*.deb" >/dev/null; then
  rm -rf /tmp/cpulibs && mkdir -p /tmp/cpulibs
  for f in .cpulibs/*.deb; do dpkg -x "$f" /tmp/cpulibs; done
  dirs=$(find /tmp/cpulibs \( -name 'libblis.so.4' -o -name 'libmkl_rt.so*' \) -printf '%h\n' | sort -u | paste -sd:)
  export LD_LIBRARY_PATH="$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
args=""
for item in $blas_lib; do args+=" --blas-lib $item"; done
[ -x "$build/gpubench" ] || { cmake --preset cpu >/dev/null && cmake --build "$build" -j "$(nproc)" --target gpubench >/dev/null; }
[ "${OVERHEAD:-1}" = 0 ] || cmake --build "$build" -j "$(nproc)" --target harness_ab >/dev/null

"$build/gpubench" info --threads "$threads" $args > "$out/cpu_libraries_${tag}_info.txt"
"$build/gpubench" matmul --sizes "${SIZES:-1024..8192}" --dtype "${DTYPES:-fp32,fp64}" \
  --backends cpu --threads "$threads" --min-time "${MIN_TIME:-0.3}" --progress never $args \
  -o "$out/cpu_libraries_${tag}.json" > "$out/cpu_libraries_${tag}.txt"
if [ "${OVERHEAD:-1}" != 0 ]; then
  # shellcheck disable=SC2086  # the sizes are separate arguments
  BLAS_LIB="$blas_lib" "$build/harness_ab" "$threads" "${ROUNDS:-21}" "${OVERHEAD_MIN_TIME:-0.2}" fp32 \
    ${OVERHEAD_SIZES:-1024 2048 4096} > "$out/harness_ab_${tag}.md"
fi
