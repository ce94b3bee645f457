// The providers of this build, in one list (ggml-backend-reg.cpp's pattern), and what is
// assembled from them: the backend registry, SystemInfo, the device copy service.
#include "gpubench/core/text.hpp"
#include "gpubench/backends/registry.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "gpubench/backends/cuda_provider.hpp"
#include "gpubench/backends/cpu_blas.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/platform/sysinfo.hpp"

namespace gpubench {

namespace {

#ifndef GPUBENCH_HAVE_CUDA
constexpr const char* kNoCuda = "no CUDA device: this gpubench was built without CUDA";

// The CUDA provider of a build without it: the same rows as the real one, each saying why.
Provider unbuilt_cuda_provider() {
  Provider p;
  p.name = "cuda";
  p.libraries = [](int) { return std::vector<LibraryInfo>{}; };
  p.describe_devices = [](SystemInfo& s) {
    const GpuRuntimeRecord& cuda = cuda_runtime_record();
    s.gpu_runtime = {cuda.key, false, kNoCuda, {}};
    for (const RuntimeVersionFact& v : cuda.versions) s.gpu_runtime.versions.emplace_back(v.key, 0);
  };
  p.backends = [] {
    auto rows = cuda_backend_entries([](const KernelInfo*) -> BackendFactory {
      return [](const BackendOptions&) -> std::unique_ptr<Backend> { throw BackendError(kNoCuda); };
    });
    for (BackendEntry& e : rows) e.description += " (not built)";
    return rows;
  };
  p.time_copy = [](const CopyRequest&) {
    CopyTiming t;
    t.status = Status::skipped;
    t.reason = kNoCuda;
    return t;
  };
  return p;
}
#endif

}  // namespace

const GpuRuntimeRecord& gpu_runtime_record() { return cuda_runtime_record(); }

std::string runtime_version_text(int v, int major_scale) {
  if (v <= 0) return "unknown";
  if (major_scale == 1000) return fmt::format("{}.{}", v / 1000, v % 1000 / 10);
  return fmt::format("{}.{}.{}", v / 10000, v % 10000 / 100, v % 100);
}

std::string library_display_name(const std::string& backend) {
  for (const CpuBlasKind& k : cpu_blas_kinds())
    if (k.backend == backend) return k.display;
  if (backend == gpu_runtime_record().blas_backend) return gpu_runtime_record().blas_display;
  return backend;
}

std::vector<std::string> library_backends() {
  std::vector<std::string> out;
  for (const CpuBlasKind& k : cpu_blas_kinds()) out.push_back(k.backend);
  out.push_back(gpu_runtime_record().blas_backend);
  return out;
}

std::vector<Provider> providers() {
  std::vector<Provider> p = cpu_blas_providers();
#ifdef GPUBENCH_HAVE_CUDA
  p.push_back(cuda_provider());
#else
  p.push_back(unbuilt_cuda_provider());
#endif
  return p;
}

std::vector<BackendEntry> backend_registry() {
  std::vector<BackendEntry> r;
  for (const Provider& p : providers())
    for (BackendEntry& e : p.backends()) r.push_back(std::move(e));
  return r;
}

SystemInfo collect_system_info(const std::string& command_line, int threads) {
  // The host's facts first, alone: the CPU peak's FMA loops beside CUDA's start-up read 42
  // instead of 58 FLOP/cycle/core on the GPU machine (a thread on a core's SMT sibling takes its
  // share of the FMA units, which the loops' own CPU time does not see).
  const HostFacts& host = host_facts();
  SystemInfo s;
  s.gpubench_version = gpubench_version();
  s.command_line = command_line;
  s.start_time = utc_timestamp();
  for (const Provider& p : providers()) {
    if (p.libraries)
      for (LibraryInfo& l : p.libraries(threads)) s.libraries.push_back(std::move(l));
    if (p.describe_devices) p.describe_devices(s);
  }
  s.hostname = host.hostname;
  s.os = host.os;
  s.cpu = host.cpu;
  return s;
}

CopyTiming time_device_copy(const CopyRequest& request) {
  for (const Provider& p : providers())
    if (p.time_copy) return p.time_copy(request);
  CopyTiming t;
  t.status = Status::skipped;
  t.reason = "no CUDA device: no provider with device memory";
  return t;
}

std::vector<BackendEntry> select_backends(const std::vector<BackendEntry>& registry,
                                          const std::string& spec) {
  std::vector<bool> chosen(registry.size(), false);
  // `cpu` names the CPU libraries found; when none is, every CPU row comes, saying why.
  const bool any_cpu_found = std::any_of(registry.begin(), registry.end(), [](const auto& e) {
    return e.group == "cpu" && !e.missing;
  });
  for (const std::string_view item : split_list(spec)) {
    const std::string tok(item);
    bool matched = false;
    for (std::size_t i = 0; i < registry.size(); ++i) {
      const BackendEntry& e = registry[i];
      const bool in_group = tok == e.group && !(tok == "cpu" && e.missing && any_cpu_found);
      if (tok == "all" || tok == e.name || in_group || (tok == "default" && e.in_default)) {
        chosen[i] = true;
        matched = true;
      }
    }
    if (!matched) {
      std::string known = "all, default, cpu, gpu, kernels";
      for (const auto& e : registry) known += ", " + e.name;
      throw UsageError(fmt::format("unknown backend '{}' in --backends; known: {}", tok, known));
    }
  }
  std::vector<BackendEntry> out;
  for (std::size_t i = 0; i < registry.size(); ++i)
    if (chosen[i]) out.push_back(registry[i]);
  return out;
}

}  // namespace gpubench
