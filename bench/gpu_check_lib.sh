# Sourced by the GPU-machine check scripts (session_check, arch_check, fp8_layouts,
# peak_vs_torch): one summary file per run that starts with the card and the date, each step's
# line appended to it as the step ends, and the whole test suite as one step.
# shellcheck shell=bash

# start_summary FILE: the summary is FILE from now on, begun with the card (nvidia-smi) and the
# date; log appends to it.
start_summary() {
  summary="$1"
  { nvidia-smi --query-gpu=name,clocks.max.sm,power.limit,driver_version --format=csv; date -u; } \
    > "$summary" 2>&1
}

# log LINE...: the line on stdout and in the summary.
log() { echo "$*" | tee -a "$summary"; }

# run_ctest BUILD LOG: the whole suite of BUILD (MPI tests allowed as root), its output in LOG,
# one summary line, then the failed tests' lines.
run_ctest() {
  local t0=$SECONDS
  (cd "$1" && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
     timeout 300 ctest -j8 --timeout 150 --output-on-failure) > "$2" 2>&1
  log "ctest: exit $? in $((SECONDS - t0)) s: $(grep -E 'tests passed' "$2")"
  grep -E "^\s+[0-9]+ - .*(Failed|Timeout)" "$2" | tee -a "$summary"
}

# build_release TARGET...: the release preset for sm_90, those targets only, the output in
# $build_log (default /tmp/build.log); logs how long it took and returns the build's status.
build_release() {
  local t0=$SECONDS rc
  (cmake --preset release -DCMAKE_CUDA_ARCHITECTURES=90 >/dev/null && cmake --build build -j16 --target "$@") > "${build_log:-/tmp/build.log}" 2>&1
  rc=$?
  log "build: exit $rc in $((SECONDS - t0)) s"
  return $rc
}

# start_call [TARGET...]: the start of a device call: out is $OUT (else /tmp/out), made, and its
# summary.txt begun; with targets, build_release of them, the build log's tail shown where it
# failed. Returns the build's status (0 without targets).
start_call() {
  call_begin=$SECONDS
  out=${OUT:-/tmp/out}; mkdir -p "$out"
  start_summary "$out/summary.txt"
  [ $# -eq 0 ] && return 0
  build_release "$@" || { tail -20 "${build_log:-/tmp/build.log}"; return 1; }
}

# left CAP: the seconds a step may take: CAP, or less where the call's deadline (DEADLINE seconds
# after start_call began, 590 by default) comes sooner.
left() {
  local l=$((${DEADLINE:-590} - (SECONDS - call_begin)))
  [ "$l" -lt "$1" ] && echo "$l" || echo "$1"
}

# begin_device_call: the start the wave3c device scripts share. Sets w (a scratch folder), out
# ($OUT, else /tmp/out), bin and smi (nvidia-smi sampling clocks, power and event reasons every
# 20 ms into $w/smi.csv); defines save (summary and a tarball of $w to $out); builds the release
# preset for sm_90 and logs how long it took.
begin_device_call() {
  root=$(pwd); out=${OUT:-/tmp/out}; w=$(mktemp -d); mkdir -p "$out"
  bin=$root/build/gpubench
  start_summary "$w/summary.txt"
  save() { cp "$w/summary.txt" "$out/summary.txt"; tar -C "$w" -czf "$out/all.tar.gz" .; }
  build_log=$w/build.log build_release gpubench gpubench_capture; save
  nvidia-smi --query-gpu=timestamp,clocks.sm,clocks.mem,power.draw.instant,pstate,clocks_event_reasons.active --format=csv,nounits -lms 20 > "$w/smi.csv" 2>&1 &
  smi=$!
}
