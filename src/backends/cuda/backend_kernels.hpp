// The project's own CUDA kernels (kernels/) as backends "kernel:<step>", group "kernels".
#pragma once

#include <vector>

#include "gpubench/backends/registry.hpp"

namespace gpubench {

// Appends one entry per kernel of kKernelCatalog (not selected by default).
void register_kernel_backends(std::vector<BackendEntry>& registry);

}  // namespace gpubench
