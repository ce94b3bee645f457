// A fixed set of Records and SystemInfo for reporter and results-file tests: every status, a GPU
// row with end-to-end numbers, a kernel row, warnings, quoting hazards and an optional left unset.
#pragma once

#include "gpubench/core/record.hpp"

namespace gpubench::testing {

inline Record sample_record(std::int64_t n, const char* backend, DeviceKind k, double seconds) {
  Record r;
  r.shape = {n, n, n};
  r.dtype = DType::fp32;
  r.backend = backend;
  r.role = infer_backend_role(backend, k);
  r.device_kind = k;
  r.device_index = k == DeviceKind::gpu ? 0 : -1;
  r.device_name = k == DeviceKind::gpu ? "Test GPU" : "Test CPU";
  r.host = "box";
  r.threads = k == DeviceKind::cpu ? 2 : 0;
  r.main.iterations = 10;
  r.main.seconds.samples = 5;
  r.main.seconds.median = seconds;
  r.main.seconds.mean = seconds * 1.01;
  r.main.seconds.min = seconds * 0.98;
  r.main.seconds.max = seconds * 1.05;
  r.main.seconds.stddev = seconds * 0.02;
  r.main.gflops = r.shape.flops() / seconds / 1e9;
  r.verified = true;
  r.max_rel_error = 1.5e-7;
  r.tolerance = 1e-5;
  r.checked_entries = 4096;
  return r;
}

// A square, ok record defined by its GFLOPS (the verdict and the chart read only that and the
// median time derived from it).
inline Record record_at_gflops(std::int64_t n, DType d, const char* backend, DeviceKind k,
                               double gflops, int samples = 5) {
  Record r;
  r.shape = {n, n, n};
  r.dtype = d;
  r.backend = backend;
  r.role = infer_backend_role(backend, k);
  r.device_kind = k;
  r.device_index = k == DeviceKind::gpu ? 0 : -1;
  r.host = "box";
  r.main.gflops = gflops;
  r.main.seconds.samples = samples;
  r.main.seconds.median = r.shape.flops() / gflops / 1e9;
  return r;
}

inline Results sample_results() {
  Results r;
  SystemInfo& s = r.system;
  s.gpubench_version = "9.9.9";
  s.command_line = "gpubench matmul --sizes 1024,2048 --output 'a b.json'";
  s.start_time = "2026-01-02T03:04:05Z";
  s.hostname = "box";
  s.os = "Test OS";
  s.cpu.model = "Test CPU, 2.0GHz";
  s.cpu.physical_cores = 4;
  s.cpu.logical_cpus = 8;
  s.cpu.simd = "avx2";
  s.cpu.fma_units = 2;
  s.cpu.clock_ghz = 2.0;
  s.cpu.clock_source = "/proc/cpuinfo";
  s.cpu.peak_gflops_fp32 = 256.0;
  s.cpu.peak_gflops_fp64 = 128.0;
  s.cpu.peak_note = "estimate";
  s.libraries.push_back({.name = "OpenBLAS",
                         .role = kCpuBlasRole,
                         .version = "0.3.26",
                         .config = "OpenBLAS 0.3.26 DYNAMIC_ARCH",
                         .detected = "Haswell",
                         .detected_as = "core",
                         .threads = 2,
                         .parallel = "pthreads"});
  s.gpu_runtime = {"cuda", true, "ok",
                   {{"driver_version", 13000}, {"runtime_version", 13000}, {"cublas_version", 130000}}};
  GpuInfo g;
  g.name = "Test GPU";
  g.pci_bus_id = "0000:01:00.0";
  g.cc_major = 9;
  g.sms = 132;
  g.max_sm_clock_mhz = 1980;
  g.memory_clock_mhz = 2619;
  g.memory_bus_width_bits = 5120;
  g.memory_total_bytes = 85899345920ull;
  g.l2_bytes = 52428800;
  g.peak_gflops = {{"fp32", 66908.0}};
  s.gpus.push_back(g);

  Record cpu = sample_record(1024, "openblas", DeviceKind::cpu, 0.01);  // 214.7 GFLOPS
  cpu.peak_gflops = 256.0;
  cpu.pct_of_peak = 100.0 * cpu.main.gflops / 256.0;
  r.records.push_back(cpu);
  Record gpu = sample_record(1024, "cublas", DeviceKind::gpu, 0.0001);  // 100x the CPU
  gpu.end_to_end_seconds = gpu.main.seconds;
  gpu.end_to_end_seconds->median = 0.0004;
  gpu.end_to_end_gflops = gpu.shape.flops() / 0.0004 / 1e9;
  gpu.host_memory = "pinned";
  r.records.push_back(gpu);
  Record kernel = sample_record(1024, "kernel:naive", DeviceKind::gpu, 0.001);  // 10% of cuBLAS
  kernel.warnings.push_back("noisy: spread \"wide\", check load | other jobs");
  r.records.push_back(kernel);
  Record failed = sample_record(2048, "openblas", DeviceKind::cpu, 0.08);
  failed.status = Status::failed;
  failed.reason = "verification failed: max rel. error 0.5 > tolerance 1e-05";
  failed.max_rel_error = 0.5;
  r.records.push_back(failed);
  Record skipped;
  skipped.shape = {2048, 1024, 512};
  skipped.backend = "cublas";
  skipped.role = BackendRole::vendor_library;
  skipped.device_kind = DeviceKind::gpu;
  skipped.device_index = 0;
  skipped.host = "box";
  skipped.status = Status::skipped;
  skipped.reason = "needs 9.00 GiB of device memory, 1.00 GiB free";
  r.records.push_back(skipped);
  Record unsupported;
  unsupported.shape = {64, 64, 64};
  unsupported.dtype = DType::tf32;
  unsupported.backend = "openblas";
  unsupported.role = BackendRole::library;
  unsupported.host = "box";
  unsupported.status = Status::unsupported;
  unsupported.reason = "tf32 is a GPU tensor-core mode | not on CPUs";
  r.records.push_back(unsupported);
  return r;
}

}  // namespace gpubench::testing
