// The OpenBLAS provider: the CPU backend and what SystemInfo reports about the library.
#pragma once

#include <memory>

#include "gpubench/backends/backend.hpp"
#include "gpubench/backends/registry.hpp"

namespace gpubench {

// Version, config string, core name, threading model and the thread count in effect after
// applying `threads` (0 = all cores).
LibraryInfo openblas_info(int threads);

std::unique_ptr<Backend> make_openblas_backend(const BackendOptions& opts);

// The "openblas" backend and the OpenBLAS library entry.
Provider openblas_provider();

}  // namespace gpubench
