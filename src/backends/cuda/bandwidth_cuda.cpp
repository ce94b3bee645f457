// The CUDA provider's copy service: host<->device over pinned or pageable memory and
// device-to-device copies, each repetition timed with CUDA events on one stream.
#include <cuda_runtime.h>

#include <cstring>

#include "cuda_check.hpp"
#include "cuda_provider_parts.hpp"

namespace gpubench::cuda {

namespace {

// Repeats one copy until min_reps and min_time are reached; one untimed warm-up copy first.
std::vector<double> time_copy(const CopyRequest& o, cudaStream_t s, void* dst, const void* src,
                              cudaMemcpyKind kind) {
  EventTimer timer;
  GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(dst, src, o.bytes, kind, s));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(s));
  std::vector<double> seconds;
  double total = 0;
  while (int(seconds.size()) < o.max_reps &&
         (int(seconds.size()) < o.min_reps || total < o.min_time) && !(o.stop && o.stop->load())) {
    timer.start(s);
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(dst, src, o.bytes, kind, s));
    timer.stop(s);
    seconds.push_back(timer.seconds());
    total += seconds.back();
  }
  return seconds;
}

}  // namespace

CopyTiming time_device_copy(const CopyRequest& o) {
  CopyTiming t;
  try {
    GPUBENCH_CUDA_CHECK(cudaSetDevice(o.device));
    Stream stream;
    DeviceBuffer dev(o.bytes);
    switch (o.direction) {
      case CopyDirection::host_to_device:
      case CopyDirection::device_to_host: {
        HostBuffer host(o.bytes, o.pinned);
        std::memset(host.get(), 1, o.bytes);  // first touch outside the timing
        const bool h2d = o.direction == CopyDirection::host_to_device;
        t.seconds = h2d ? time_copy(o, stream.get(), dev.get(), host.get(), cudaMemcpyHostToDevice)
                        : time_copy(o, stream.get(), host.get(), dev.get(), cudaMemcpyDeviceToHost);
        break;
      }
      case CopyDirection::device_to_device: {
        DeviceBuffer dst(o.bytes);
        GPUBENCH_CUDA_CHECK(cudaMemsetAsync(dev.get(), 1, o.bytes, stream.get()));
        t.seconds = time_copy(o, stream.get(), dst.get(), dev.get(), cudaMemcpyDeviceToDevice);
        break;
      }
    }
  } catch (const BackendError& e) {
    // Too little memory is a skipped row; any other CUDA error a failed one.
    t.status = dynamic_cast<const OutOfMemoryError*>(&e) ? Status::skipped : Status::failed;
    t.reason = e.what();
    t.seconds.clear();
  }
  return t;
}

}  // namespace gpubench::cuda
