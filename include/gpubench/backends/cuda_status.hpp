// Why there is no usable CUDA device, in words a user can act on. The CUDA provider gathers the
// facts (can libcuda.so.1 be loaded, the driver's and the runtime's CUDA versions, what
// cudaGetDeviceCount said); this plain function turns them into the message, so each case is
// tested without a GPU or a driver.
#pragma once

#include <optional>
#include <string>

namespace gpubench {

struct CudaDriverFacts {
  // What cudaGetDeviceCount returned, sorted into the cases that have their own advice.
  enum class Error { none, insufficient_driver, no_device, driver_mismatch, other };

  bool libcuda_loads = true;   // dlopen("libcuda.so.1") succeeded
  std::string libcuda_error;   // dlerror() when it did not
  int driver_version = 0;      // cudaDriverGetVersion: 1000 x major + 10 x minor; 0 = no driver
  int runtime_version = 0;     // cudaRuntimeGetVersion, the same encoding
  Error error = Error::none;
  std::string error_text;      // "cudaGetErrorString (cudaGetErrorName)", for Error::other
  int device_count = 0;
  std::optional<std::string> visible_devices;  // CUDA_VISIBLE_DEVICES, when it is set
};

// "12.8" for 12080.
std::string cuda_version_text(int encoded);

// "no CUDA device: <what is wrong> (<what to do>)", or "" when there is a device to use. The
// "no CUDA device" prefix is what the rows, the GPU line and --require-gpu show.
std::string explain_no_cuda_device(const CudaDriverFacts& facts);

}  // namespace gpubench
