#include "gpubench/backends/cuda_status.hpp"

#include <fmt/format.h>

namespace gpubench {

std::string cuda_version_text(int encoded) {
  return fmt::format("{}.{}", encoded / 1000, encoded % 1000 / 10);
}

namespace {

std::string no_driver(const CudaDriverFacts& f) {
  // A file that is there but does not load (another architecture, a missing dependency) says so.
  const bool missing = f.libcuda_error.empty() ||
                       f.libcuda_error.find("No such file") != std::string::npos;
  const std::string why = f.libcuda_loads ? "libcuda.so.1 reports no driver version"
                          : missing       ? "libcuda.so.1 not found"
                                          : "libcuda.so.1 does not load: " + f.libcuda_error;
  return fmt::format(
      "no NVIDIA driver: {} (install the NVIDIA driver to use a GPU; the CPU rows do not need it)",
      why);
}

std::string driver_too_old(const CudaDriverFacts& f) {
  const std::string runtime = cuda_version_text(f.runtime_version);
  return fmt::format(
      "the NVIDIA driver supports CUDA {}, older than this gpubench's CUDA runtime {} (update the "
      "driver to one for CUDA {} or newer, or build gpubench with a CUDA toolkit of {} or older)",
      cuda_version_text(f.driver_version), runtime, runtime, cuda_version_text(f.driver_version));
}

std::string no_device(const CudaDriverFacts& f) {
  if (f.visible_devices)
    return fmt::format(
        "the NVIDIA driver (CUDA {}) sees no GPU with CUDA_VISIBLE_DEVICES='{}' (unset it, or name "
        "a GPU that nvidia-smi -L lists)",
        cuda_version_text(f.driver_version), *f.visible_devices);
  return fmt::format(
      "the NVIDIA driver (CUDA {}) found no GPU (check nvidia-smi; in a container, pass the GPU "
      "in, e.g. docker run --gpus all)",
      cuda_version_text(f.driver_version));
}

}  // namespace

std::string explain_no_cuda_device(const CudaDriverFacts& f) {
  using E = CudaDriverFacts::Error;
  if (f.error == E::none && f.device_count > 0) return "";
  std::string why;
  if (!f.libcuda_loads || (f.error == E::insufficient_driver && f.driver_version == 0))
    why = no_driver(f);
  else if (f.error == E::insufficient_driver)
    why = driver_too_old(f);
  else if (f.error == E::no_device || f.error == E::none)
    why = no_device(f);
  else if (f.error == E::driver_mismatch)
    why = "the NVIDIA kernel module and libcuda.so.1 are different versions (reboot after a driver "
          "update, or reinstall the driver)";
  else
    why = f.error_text;
  return "no CUDA device: " + why;
}

}  // namespace gpubench
