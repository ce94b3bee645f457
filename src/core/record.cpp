#include "gpubench/core/record.hpp"

#include <algorithm>
#include <cctype>

namespace gpubench {

std::string to_string(DeviceKind k) { return k == DeviceKind::cpu ? "cpu" : "gpu"; }

std::string to_string(Status s) { return s == Status::failed ? "FAILED" : status_name(s); }

std::string status_name(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::skipped:
      return "skipped";
    case Status::unsupported:
      return "unsupported";
    case Status::failed:
      return "failed";
  }
  return "?";
}

std::string to_string(BackendRole r) {
  switch (r) {
    case BackendRole::library:
      return "library";
    case BackendRole::vendor_library:
      return "vendor_library";
    case BackendRole::own_kernel:
      return "own_kernel";
    case BackendRole::unknown:
      break;
  }
  return "unknown";
}

BackendRole parse_backend_role(const std::string& s) {
  for (BackendRole r : {BackendRole::library, BackendRole::vendor_library, BackendRole::own_kernel})
    if (to_string(r) == s) return r;
  return BackendRole::unknown;
}

BackendRole infer_backend_role(const std::string& backend, DeviceKind kind) {
  if (kind == DeviceKind::cpu) return BackendRole::library;
  return backend.rfind("kernel:", 0) == 0 ? BackendRole::own_kernel : BackendRole::vendor_library;
}

std::vector<const LibraryInfo*> cpu_libraries_used(const Results& r) {
  std::vector<const LibraryInfo*> ran;
  for (const LibraryInfo* l : r.system.cpu_blas_libraries()) {
    const bool used = std::any_of(r.records.begin(), r.records.end(), [&](const Record& rec) {
      return rec.device_kind == DeviceKind::cpu && r.system.cpu_blas_of(rec.backend) == l;
    });
    if (used) ran.push_back(l);
  }
  return ran.empty() ? r.system.cpu_blas_libraries() : ran;
}

std::string SystemInfo::gpu_status() const {
  return gpu_runtime.status.empty() ? "no GPU device" : gpu_runtime.status;
}

const LibraryInfo* SystemInfo::cpu_blas_of(const std::string& backend) const {
  for (const LibraryInfo& l : libraries) {
    if (l.role != kCpuBlasRole || !l.available()) continue;
    std::string lower = l.name;
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (l.backend == backend || (l.backend.empty() && lower == backend)) return &l;
  }
  return nullptr;
}

}  // namespace gpubench

namespace gpubench {
std::string to_string(Clocks c) {
  switch (c) {
    case Clocks::burst: return "burst";
    case Clocks::sustained: return "sustained";
    case Clocks::both: return "both";
  }
  return "both";
}
std::optional<double> flop_per_cycle(const Record& r, const Rate& rate, const SystemInfo& system) {
  if (!(rate.gflops > 0)) return std::nullopt;
  double hz = 0, units = 0;
  if (r.device_kind == DeviceKind::gpu) {
    for (const GpuInfo& g : system.gpus)
      if (g.index == r.device_index) units = g.sms;
    hz = rate.telemetry.mean_sm_clock_mhz.value_or(0) * 1e6;
  } else {
    const CpuInfo& c = system.cpu;
    hz = (c.measured_peak && c.measured_peak->clock_ghz > 0 ? c.measured_peak->clock_ghz
                                                            : c.clock_ghz) * 1e9;
    const int cores = c.physical_cores > 0 ? c.physical_cores : c.logical_cpus;
    units = r.threads > 0 && cores > 0 ? std::min(r.threads, cores) : cores;
  }
  if (!(hz > 0) || !(units > 0)) return std::nullopt;
  return rate.gflops * 1e9 / hz / units;
}

}  // namespace gpubench
