// Built instead of src/cuda when CUDA is off: the GPU entries exist and say why they cannot run.
#include "gpubench/backend.hpp"
#include "gpubench/kernel_catalog.hpp"
#include "gpubench/registry.hpp"
#include "gpubench/sysinfo.hpp"

namespace gpubench {

namespace {
constexpr const char* kNoCuda = "no CUDA device: this gpubench was built without CUDA";
}

void register_cuda_backends(std::vector<BackendEntry>& registry) {
  registry.push_back({"cublas", DeviceKind::gpu, "NVIDIA cuBLAS (not built)", "gpu", true,
                      [](const BackendOptions&) -> std::unique_ptr<Backend> {
                        throw BackendError(kNoCuda);
                      }});
  for (const KernelInfo& k : kKernelCatalog)
    registry.push_back({std::string(k.name), DeviceKind::gpu,
                        std::string(k.description) + " (not built)", "kernels", false,
                        [](const BackendOptions&) -> std::unique_ptr<Backend> {
                          throw BackendError(kNoCuda);
                        }});
}

void collect_gpu_info(SystemInfo& info) {
  info.cuda_built = false;
  info.cuda_status = kNoCuda;
}

}  // namespace gpubench
