// Built instead of src/backends/cuda when CUDA is off: the GPU entries exist and say why they cannot run.
#include "gpubench/backends/backend.hpp"
#include "gpubench/measure/bandwidth.hpp"
#include "gpubench/backends/kernel_catalog.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/platform/sysinfo.hpp"

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

std::vector<GpuCopyTiming> time_gpu_copies(const BandwidthOptions& o) {
  std::vector<GpuCopyTiming> rows;
  for (const char* test : {"H2D", "D2H", "D2D copy"})
    for (const char* mem : {"pinned", "pageable"}) {
      if (std::string(test) == "D2D copy" && std::string(mem) == "pageable") continue;
      GpuCopyTiming t;
      t.record.test = test;
      t.record.host_memory = std::string(test) == "D2D copy" ? "" : mem;
      t.record.device_kind = DeviceKind::gpu;
      t.record.device_index = o.device;
      t.record.status = Status::skipped;
      t.record.reason = kNoCuda;
      rows.push_back(t);
    }
  return rows;
}

}  // namespace gpubench
