// `gpubench --version`: the version, the commit it was built from when known, the build type and
// what was compiled in, so a results file's numbers can be traced to a build.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "gpubench/backends/cpu_blas.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench_build_info.hpp"

namespace gpubench {

std::string version_text() {
  const std::string commit = GPUBENCH_GIT_COMMIT;
  std::vector<std::string> cpu_libraries;
  for (const CpuBlasKind& k : cpu_blas_kinds()) cpu_libraries.push_back(k.backend);
  const GpuRuntimeRecord& gpu = gpu_runtime_record();
#ifdef GPUBENCH_HAVE_CUDA
  const std::string gpu_built = fmt::format("{} and own kernels ({}, sm {})", gpu.blas_backend,
                                            gpu.display, GPUBENCH_CUDA_ARCHS);
#else
  const std::string gpu_built = fmt::format("none (built without {})", gpu.display);
#endif
#ifdef GPUBENCH_HAVE_MPI
  const char* mpi = "yes";
#else
  const char* mpi = "no";
#endif
  return fmt::format(
      "gpubench {}\ncommit:   {}\nbuild:    {}, {}\nbackends: CPU {} (each loaded at run time where "
      "installed); GPU {}\nMPI:      {}",
      GPUBENCH_VERSION, commit.empty() ? "unknown (not built from a git checkout)" : commit,
      GPUBENCH_BUILD_TYPE, GPUBENCH_COMPILER, fmt::join(cpu_libraries, ", "), gpu_built, mpi);
}

}  // namespace gpubench
