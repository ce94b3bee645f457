// The CPU libraries a build offers, in provider order: the tests that check the list and its
// order read it here. NVIDIA's NVPL BLAS and Arm's ArmPL exist only for aarch64.
#pragma once

#include <string>
#include <vector>

namespace gpubench::test {

inline const std::vector<std::string> kCpuLibrariesOfThisBuild{
    "openblas", "blis", "mkl",
#if defined(__aarch64__)
    "nvpl", "armpl",
#endif
};

}  // namespace gpubench::test
