// Every backend this build knows, in one place. CUDA backends are compiled in under GPUBENCH_CUDA;
// in a build without CUDA their entries still exist and say why they cannot run.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpubench/backends/backend.hpp"

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
};

std::vector<BackendEntry> backend_registry();

// Resolves a --backends list ("openblas,cublas", "all", "kernels", "kernel:naive") to entries, in
// registry order. Throws UsageError for an unknown name, listing the known ones.
std::vector<BackendEntry> select_backends(const std::vector<BackendEntry>& registry,
                                          const std::string& spec);

// Hooks implemented in src/cuda (or as stubs when CUDA is off).
void register_cuda_backends(std::vector<BackendEntry>& registry);

}  // namespace gpubench
