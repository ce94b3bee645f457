// The cuBLAS backend (cublasLt, every dtype gpubench knows), created through the registry.
#pragma once

#include <cstddef>
#include <memory>

#include "gpubench/backends/backend.hpp"

namespace gpubench::cuda {

// Throws BackendError when the CUDA device `o.device` cannot be used (no driver, no such device).
std::unique_ptr<Backend> make_cublas_backend(const BackendOptions& o);

// The device buffer holding C of a case the cublas backend prepared, so tests can corrupt it and
// check that verification notices. Throws std::invalid_argument for any other kind of Case.
struct DeviceResult {
  void* ptr = nullptr;
  std::size_t bytes = 0;
};
DeviceResult device_result_of(Case& c);

// cuBLASLt workspace per case: PyTorch gives cuBLASLt 32 MiB on Hopper, and several of the fastest
// Hopper kernels (split-K, stream-K) need it, so a smaller one would lose to torch.mm.
inline constexpr std::size_t kCublasWorkspaceBytes = 32u << 20;

}  // namespace gpubench::cuda
