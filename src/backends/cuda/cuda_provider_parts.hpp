// The pieces cuda_provider() (device.cpp) assembles, each defined in its own file here.
#pragma once

#include <memory>

#include "gpubench/backends/backend.hpp"
#include "gpubench/backends/device_copy.hpp"
#include "gpubench/backends/kernel_catalog.hpp"

namespace gpubench::cuda {

// The backend of one kernel of kKernelCatalog (backend_kernels.cpp). Throws BackendError when the
// device cannot be used.
std::unique_ptr<Backend> make_kernel_backend(const KernelInfo& kernel, const BackendOptions& o);

// The copy service of backends/device_copy.hpp (bandwidth_cuda.cpp).
CopyTiming time_device_copy(const CopyRequest& request);

}  // namespace gpubench::cuda
