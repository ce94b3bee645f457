// The OpenBLAS CPU backend's public bits: what `gpubench info` and SystemInfo report about it.
#pragma once

#include <memory>

#include "gpubench/backends/backend.hpp"

namespace gpubench {

// Version, config string, core name, threading model and the thread count in effect after
// applying `threads` (0 = all cores).
LibraryInfo openblas_info(int threads);

// Threads to use by default: the CPUs this process may run on.
int default_cpu_threads();

std::unique_ptr<Backend> make_openblas_backend(const BackendOptions& opts);

}  // namespace gpubench
