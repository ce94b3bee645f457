// The CUDA provider (cuBLAS and the project's kernels). Its rows come from one table for builds
// with and without CUDA, so a CUDA-less build lists the same GPU backends, each saying why.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gpubench/backends/kernel_catalog.hpp"
#include "gpubench/backends/registry.hpp"

namespace gpubench {

// The CUDA toolkit's record (see GpuRuntimeRecord), the same with and without CUDA in the build.
inline const GpuRuntimeRecord& cuda_runtime_record() {
  static const GpuRuntimeRecord record{"cuda",
                                       "CUDA",
                                       "cublas",
                                       "cuBLAS",
                                       {{"driver_version", "driver", "driver", 1000},
                                        {"runtime_version", "CUDA runtime", "runtime", 1000},
                                        {"cublas_version", "cuBLAS", "cuBLAS", 10000}}};
  return record;
}

using BackendFactory = std::function<std::unique_ptr<Backend>(const BackendOptions&)>;

// cuBLAS, then kKernelCatalog in ladder order; `factory(nullptr)` creates cuBLAS and
// `factory(&kernel)` a kernel. Inline: only the files that create the backends reference the
// launchers in the catalog, so the lower static library does not depend on the CUDA one.
inline std::vector<BackendEntry> cuda_backend_entries(
    const std::function<BackendFactory(const KernelInfo*)>& factory) {
  std::vector<BackendEntry> rows;
  const GpuRuntimeRecord& cuda = cuda_runtime_record();
  rows.push_back({cuda.blas_backend, DeviceKind::gpu, "NVIDIA " + cuda.blas_display, "gpu", true,
                  factory(nullptr)});
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
