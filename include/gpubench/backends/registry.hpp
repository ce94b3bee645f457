// Providers (a library or toolkit: OpenBLAS, CUDA) and the backends they offer, after
// ggml-backend's registry -> device -> backend. The list of providers is explicit, in
// src/backends/registry.cpp; a provider this build lacks still lists its rows, saying why.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpubench/backends/backend.hpp"
#include "gpubench/backends/device_copy.hpp"
#include "gpubench/core/record.hpp"

namespace gpubench {

struct BackendEntry {
  std::string name;         // "openblas", "cublas", "kernel:naive"
  DeviceKind kind;
  std::string description;  // one line for `gpubench info`
  std::string group;        // "cpu", "gpu", "kernels": names a user can select as a set
  bool in_default = true;   // selected when --backends is not given
  // Creates the backend; throws BackendError with the reason when this machine cannot run it.
  std::function<std::unique_ptr<Backend>(const BackendOptions&)> create;
  // GPU entries bound to one ordinal (see bind_to_devices): rows carry it even when creation
  // fails. -1: the device of BackendOptions.
  int device = -1;
  // Its place among the backends of its device (the reference for analysis is chosen by it).
  BackendRole role = BackendRole::unknown;
  // A CPU library that is not installed: named alone or by `all` it is a row saying why; the
  // `cpu` group ("every CPU library found") leaves it out.
  bool missing = false;
};

struct Provider {
  std::string name;  // "openblas", "cuda"
  // The libraries it uses, for SystemInfo; `threads` is the CPU thread count the run will use.
  std::function<std::vector<LibraryInfo>(int threads)> libraries;
  // Adds its devices to SystemInfo (GPUs, driver and runtime, why there are none); unset for a
  // provider whose device is the host, which platform/ describes.
  std::function<void(SystemInfo&)> describe_devices;
  // Its backends, in the order --backends and `gpubench info` list them.
  std::function<std::vector<BackendEntry>()> backends;
  // Copy timing between host and device memory; unset for a provider without device memory.
  std::function<CopyTiming(const CopyRequest&)> time_copy;
};

// How one version number of a GPU runtime reads: "driver_version" 13000 is "driver 13.0".
struct RuntimeVersionFact {
  std::string key;          // in GpuRuntimeInfo::versions and in results files
  std::string label;        // where machines are compared side by side ("CUDA runtime")
  std::string short_label;  // after the runtime's name in `gpubench info` ("runtime")
  // The encoding: 1000 is major * 1000 + minor * 10, 10000 is major * 10000 + minor * 100 + patch.
  int major_scale = 1000;
};

// What gpubench knows of a GPU toolkit whether this build has it or not: its name, the backend
// of its BLAS, and how the facts its provider records read (the CUDA provider's record).
struct GpuRuntimeRecord {
  std::string key;           // GpuRuntimeInfo::key
  std::string display;       // as people write it
  std::string blas_backend;  // the backend of its BLAS
  std::string blas_display;  // that library as people write it
  std::vector<RuntimeVersionFact> versions;  // in the order the provider records them
};
const GpuRuntimeRecord& gpu_runtime_record();
// A version number in the encoding `major_scale` names ("13.0", "13.1.0"); "unknown" for 0.
std::string runtime_version_text(int version, int major_scale);
// A backend's library as people write it, from the providers' records ("cublas" -> "cuBLAS");
// other names (the project's kernels) as they are.
std::string library_display_name(const std::string& backend);
// The backends that are libraries, in provider order: each CPU library, then the GPU BLAS.
std::vector<std::string> library_backends();

// Every provider of this build, in order: the CPU libraries (OpenBLAS, BLIS, MKL: each loaded at
// run time, see cpu_blas.hpp), then CUDA (built or not).
std::vector<Provider> providers();

// Every provider's backends, in provider order.
std::vector<BackendEntry> backend_registry();

// Resolves a --backends list ("openblas,cublas", "all", "kernels", "kernel:naive") to entries, in
// registry order. `cpu` is every CPU library found (all of them, each row saying why, when none
// is). Throws UsageError for an unknown name, listing the known ones.
std::vector<BackendEntry> select_backends(const std::vector<BackendEntry>& registry,
                                          const std::string& spec);

// SystemInfo of this run: the host facts of platform/, each provider's libraries and devices.
// `threads` is the CPU thread count the run will use (0 = all cores).
SystemInfo collect_system_info(const std::string& command_line, int threads);

}  // namespace gpubench
