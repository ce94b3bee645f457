// GPU copy bandwidth: host<->device over pinned and pageable memory, device-to-device, each
// repetition timed with CUDA events on one stream.
#include <cuda_runtime.h>

#include <cstring>

#include <fmt/format.h>

#include "cuda_check.hpp"
#include "gpubench/measure/bandwidth.hpp"

namespace gpubench {

namespace {

using cuda::DeviceBuffer;
using cuda::EventTimer;
using cuda::HostBuffer;
using cuda::Stream;

// Repeats one copy until min_reps and min_time are reached; one untimed warm-up copy first.
std::vector<double> time_copy(const BandwidthOptions& o, cudaStream_t s, void* dst,
                              const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  EventTimer timer;
  GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, kind, s));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(s));
  std::vector<double> seconds;
  double total = 0;
  while (int(seconds.size()) < o.max_reps &&
         (int(seconds.size()) < o.min_reps || total < o.min_time)) {
    timer.start(s);
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, kind, s));
    timer.stop(s);
    seconds.push_back(timer.seconds());
    total += seconds.back();
  }
  return seconds;
}

GpuCopyTiming row(const BandwidthOptions& o, const char* test, const char* mem,
                  std::uint64_t bytes) {
  GpuCopyTiming t;
  t.record.test = test;
  t.record.host_memory = mem;
  t.record.device_kind = DeviceKind::gpu;
  t.record.device_index = o.device;
  t.record.bytes = bytes;
  return t;
}

void mark(GpuCopyTiming& t, const BackendError& e) {
  t.record.status = dynamic_cast<const OutOfMemoryError*>(&e) ? Status::skipped : Status::failed;
  t.record.reason = e.what();
}

}  // namespace

std::vector<GpuCopyTiming> time_gpu_copies(const BandwidthOptions& o) {
  std::vector<GpuCopyTiming> out;
  try {
    GPUBENCH_CUDA_CHECK(cudaSetDevice(o.device));
  } catch (const BackendError& e) {
    for (const char* test : {"H2D", "D2H"})
      for (const char* mem : {"pinned", "pageable"}) {
        out.push_back(row(o, test, mem, o.transfer_bytes));
        mark(out.back(), e);
      }
    out.push_back(row(o, "D2D copy", "", 2 * std::uint64_t(o.device_copy_bytes)));
    mark(out.back(), e);
    return out;
  }
  for (const bool pinned : {true, false}) {
    const char* mem = pinned ? "pinned" : "pageable";
    GpuCopyTiming h2d = row(o, "H2D", mem, o.transfer_bytes);
    GpuCopyTiming d2h = row(o, "D2H", mem, o.transfer_bytes);
    try {
      Stream stream;
      HostBuffer host(o.transfer_bytes, pinned);
      std::memset(host.get(), 1, o.transfer_bytes);  // first touch outside the timing
      DeviceBuffer dev(o.transfer_bytes);
      try {
        h2d.seconds = time_copy(o, stream.get(), dev.get(), host.get(), o.transfer_bytes,
                                cudaMemcpyHostToDevice);
      } catch (const BackendError& e) {
        mark(h2d, e);
      }
      try {
        d2h.seconds = time_copy(o, stream.get(), host.get(), dev.get(), o.transfer_bytes,
                                cudaMemcpyDeviceToHost);
      } catch (const BackendError& e) {
        mark(d2h, e);
      }
    } catch (const BackendError& e) {
      mark(h2d, e);
      mark(d2h, e);
    }
    out.push_back(h2d);
    out.push_back(d2h);
  }
  // Each device-to-device byte is read once and written once: counted twice, as STREAM's copy.
  GpuCopyTiming d2d = row(o, "D2D copy", "", 2 * std::uint64_t(o.device_copy_bytes));
  try {
    Stream stream;
    DeviceBuffer src(o.device_copy_bytes), dst(o.device_copy_bytes);
    GPUBENCH_CUDA_CHECK(cudaMemsetAsync(src.get(), 1, o.device_copy_bytes, stream.get()));
    d2d.seconds = time_copy(o, stream.get(), dst.get(), src.get(), o.device_copy_bytes,
                            cudaMemcpyDeviceToDevice);
  } catch (const BackendError& e) {
    mark(d2d, e);
  }
  out.push_back(d2d);
  return out;
}

}  // namespace gpubench
