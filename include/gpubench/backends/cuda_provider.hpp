// The CUDA provider (cuBLAS and the project's kernels). Its rows come from one table for builds
// with and without CUDA, so a CUDA-less build lists the same GPU backends, each saying why.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gpubench/backends/kernel_catalog.hpp"
#include "gpubench/backends/registry.hpp"

namespace gpubench {

using BackendFactory = std::function<std::unique_ptr<Backend>(const BackendOptions&)>;

// cuBLAS, then kKernelCatalog in ladder order; `factory(nullptr)` creates cuBLAS and
// `factory(&kernel)` a kernel. Inline: only the files that create the backends reference the
// launchers in the catalog, so the lower static library does not depend on the CUDA one.
inline std::vector<BackendEntry> cuda_backend_entries(
    const std::function<BackendFactory(const KernelInfo*)>& factory) {
  std::vector<BackendEntry> rows;
  rows.push_back({"cublas", DeviceKind::gpu, "NVIDIA cuBLAS", "gpu", true, factory(nullptr)});
  rows.back().role = BackendRole::vendor_library;  // the reference of the kernels below
  for (const KernelInfo& k : kKernelCatalog) {
    rows.push_back({std::string(k.name), DeviceKind::gpu, std::string(k.description), "kernels",
                    false, factory(&k)});
    rows.back().role = BackendRole::own_kernel;
  }
  return rows;
}

// Defined in src/backends/cuda/ (builds with CUDA only).
Provider cuda_provider();

}  // namespace gpubench
