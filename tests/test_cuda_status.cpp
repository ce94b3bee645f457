// Why there is no CUDA device, as the user reads it: each case names its cause and what to do.
// Plain facts in, a sentence out: no GPU or driver needed.
#include <gtest/gtest.h>

#include "gpubench/backends/cuda_status.hpp"

namespace gpubench {
namespace {

using E = CudaDriverFacts::Error;

// What cudaGetDeviceCount said, with a driver of that version (0: none) and the 12.8 runtime.
CudaDriverFacts facts(E error, int driver_version = 12080) {
  CudaDriverFacts f;
  f.error = error;
  f.driver_version = driver_version;
  f.runtime_version = 12080;
  return f;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CudaStatus, ADeviceToUseNeedsNoExplanation) {
  CudaDriverFacts f;
  f.device_count = 2;
  EXPECT_EQ(explain_no_cuda_device(f), "");
}

TEST(CudaStatus, NoLibcudaIsNoDriverNotAnOldOne) {
  // What the runtime reports on a machine without a driver: "insufficient driver".
  CudaDriverFacts f = facts(E::insufficient_driver);
  f.libcuda_loads = false;
  f.libcuda_error = "libcuda.so.1: cannot open shared object file: No such file or directory";
  const std::string why = explain_no_cuda_device(f);
  EXPECT_EQ(why.rfind("no CUDA device: no NVIDIA driver: libcuda.so.1 not found (install", 0), 0u)
      << why;
  EXPECT_FALSE(has(why, "insufficient")) << why;
  EXPECT_FALSE(has(why, "older")) << why;
}

TEST(CudaStatus, ALibcudaThatDoesNotLoadSaysWhy) {
  CudaDriverFacts f = facts(E::insufficient_driver);
  f.libcuda_loads = false;
  f.libcuda_error = "libcuda.so.1: wrong ELF class: ELFCLASS32";
  EXPECT_TRUE(has(explain_no_cuda_device(f),
                  "no NVIDIA driver: libcuda.so.1 does not load: libcuda.so.1: wrong ELF class"));
}

TEST(CudaStatus, ADriverVersionOfZeroIsNoDriver) {
  CudaDriverFacts f = facts(E::insufficient_driver, 0);
  EXPECT_TRUE(has(explain_no_cuda_device(f), "no NVIDIA driver"));
}

TEST(CudaStatus, AnOlderDriverNamesBothVersionsAndTheUpdate) {
  CudaDriverFacts f = facts(E::insufficient_driver, 12020);
  f.runtime_version = 12080;
  const std::string why = explain_no_cuda_device(f);
  EXPECT_TRUE(has(why, "the NVIDIA driver supports CUDA 12.2, older than this gpubench's CUDA "
                       "runtime 12.8"))
      << why;
  EXPECT_TRUE(has(why, "update the driver to one for CUDA 12.8 or newer")) << why;
}

TEST(CudaStatus, NoDeviceIsNoDeviceWithWhereToLook) {
  for (E error : {E::no_device, E::none}) {
    const CudaDriverFacts f = facts(error, 13000);
    const std::string why = explain_no_cuda_device(f);
    EXPECT_TRUE(has(why, "no CUDA device: the NVIDIA driver (CUDA 13.0) found no GPU")) << why;
    EXPECT_TRUE(has(why, "nvidia-smi")) << why;
  }
}

TEST(CudaStatus, NoDeviceNamesCudaVisibleDevicesWhenItIsSet) {
  CudaDriverFacts f = facts(E::no_device);
  f.visible_devices = "";
  EXPECT_TRUE(has(explain_no_cuda_device(f), "sees no GPU with CUDA_VISIBLE_DEVICES=''"));
}

TEST(CudaStatus, AMismatchedModuleSaysReboot) {
  CudaDriverFacts f = facts(E::driver_mismatch);
  EXPECT_TRUE(has(explain_no_cuda_device(f), "kernel module and libcuda.so.1 are different versions"));
}

TEST(CudaStatus, AnyOtherErrorKeepsTheRuntimesWords) {
  CudaDriverFacts f = facts(E::other);
  f.error_text = "unknown error (cudaErrorUnknown)";
  EXPECT_EQ(explain_no_cuda_device(f), "no CUDA device: unknown error (cudaErrorUnknown)");
}

TEST(CudaStatus, VersionsReadAsMajorDotMinor) {
  EXPECT_EQ(cuda_version_text(12080), "12.8");
  EXPECT_EQ(cuda_version_text(13000), "13.0");
  EXPECT_EQ(cuda_version_text(11040), "11.4");
}

}  // namespace
}  // namespace gpubench
