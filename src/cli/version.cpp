// `gpubench --version`: the version, the commit it was built from when known, the build type and
// what was compiled in, so a results file's numbers can be traced to a build.
#include <fmt/format.h>

#include "commands.hpp"
#include "gpubench_build_info.hpp"

namespace gpubench {

std::string version_text() {
  const std::string commit = GPUBENCH_GIT_COMMIT;
#ifdef GPUBENCH_HAVE_CUDA
  const std::string cuda = fmt::format("cublas and own kernels (CUDA, sm {})", GPUBENCH_CUDA_ARCHS);
#else
  const std::string cuda = "none (built without CUDA)";
#endif
#ifdef GPUBENCH_HAVE_MPI
  const char* mpi = "yes";
#else
  const char* mpi = "no";
#endif
  return fmt::format(
      "gpubench {}\ncommit:   {}\nbuild:    {}, {}\nbackends: CPU openblas, blis, mkl (each loaded at run "
      "time where installed); GPU {}\nMPI:      {}",
      GPUBENCH_VERSION, commit.empty() ? "unknown (not built from a git checkout)" : commit,
      GPUBENCH_BUILD_TYPE, GPUBENCH_COMPILER, cuda, mpi);
}

}  // namespace gpubench
