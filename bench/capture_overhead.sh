#!/usr/bin/env bash
# The capture library's cost per GEMM call: a 1x1x1 cblas_sgemm (the library's own work is a few
# dozen nanoseconds) called N times, with and without the library preloaded; the difference per
# call is the interposer's (lookup, two clock reads, a lock). Usage:
#   bench/capture_overhead.sh [BUILD_DIR] [CALLS]    (BUILD_DIR holds libgpubench_capture.so)
set -euo pipefail
build=${1:-build}
calls=${2:-2000000}
lib=$(cd "$build" && pwd)/libgpubench_capture.so
[ -f "$lib" ] || { echo "no $lib: build the gpubench_capture target first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/loop.cpp" <<'CPP'
#include <chrono>
#include <cstdio>
#include <cstdlib>
extern "C" void cblas_sgemm(int, int, int, int, int, int, float, const float*, int, const float*,
                            int, float, float*, int);
int main(int argc, char** argv) {
  const long n = std::atol(argv[1]);
  float a = 1, b = 2, c = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) cblas_sgemm(101, 111, 111, 1, 1, 1, 1.f, &a, 1, &b, 1, 0.f, &c, 1);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%.1f\n", s / double(n) * 1e9);
}
CPP
g++ -O2 "$work/loop.cpp" -o "$work/loop" /usr/lib/x86_64-linux-gnu/libblas.so.3
best() { local b=""; for _ in 1 2 3 4 5; do v=$("$@"); if [ -z "$b" ] || awk "BEGIN{exit !($v < $b)}"; then b=$v; fi; done; echo "$b"; }
plain=$(best "$work/loop" "$calls")
captured=$(best env GPUBENCH_CAPTURE_DIR="$work" LD_PRELOAD="$lib" "$work/loop" "$calls")
echo "ns per 1x1x1 cblas_sgemm call (best of 5, $calls calls): plain $plain, captured $captured"
awk "BEGIN{printf \"capture overhead: %.0f ns per call\n\", $captured - $plain}"
