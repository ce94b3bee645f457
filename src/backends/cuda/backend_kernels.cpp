// One Backend per kernel of the ladder in kernels/. Each multiplies a single dtype; shapes or
// devices a kernel cannot take are reported as unsupported with the reason, never run wrongly.
// Kernel time only (no end-to-end number: the copies are the same as cublas's, which has them).
#include "cuda_provider_parts.hpp"

#include <cuda_bf16.h>

#include <climits>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "cuda_check.hpp"
#include "gpu_backend.hpp"
#include "graph_batches.hpp"
#include "gpubench/backends/gpu_peaks.hpp"
#include "gpubench/backends/kernel_catalog.hpp"
#include "kernels.hpp"

namespace gpubench {

namespace {

class KernelBackend;

class KernelCase final : public Case {
 public:
  KernelCase(const KernelBackend& be, const Problem& p);
  double time_kernel(int reps) override;
  bool flush_cache() override;
  void read_result(std::vector<double>& out) override;
  std::vector<std::string> warnings() override;

 private:
  void launch();

  const KernelBackend& be_;
  Problem p_;
  cudaStream_t stream_;
  cuda::DeviceBuffer a_, b_, c_;
  cuda::EventTimer timer_;
  cuda::GraphBatches batches_;
};

class KernelBackend final : public cuda::GpuBackend {
 public:
  KernelBackend(const KernelInfo& kernel, const BackendOptions& o)
      : GpuBackend(o), kernel_(kernel) {
    if (info().needs_hopper) device_refusal_ = kernels::bf16_wgmma_unavailable_reason(o.device);
    stream_ = std::make_unique<cuda::Stream>();
  }

  const KernelInfo& info() const { return kernel_; }
  std::string name() const override { return std::string(info().name); }

  Support supports(DType d, const Shape& s) const override {
    if (d != info().dtype)
      return Support::no(fmt::format("{} implements {} only", info().name,
                                     to_string(info().dtype)));
    if (!device_refusal_.empty()) return Support::no(device_refusal_);
    // The ladder's kernels read A and B untransposed and multiply one product per launch.
    if (s.layout != Layout::nn)
      return Support::no(fmt::format("{} reads A and B as stored untransposed (layout nn only)",
                                     info().name));
    if (s.batch != 1)
      return Support::no(fmt::format("{} multiplies one product per launch (no batches)",
                                     info().name));
    // Kernels index with int and launch grids of at most 65535 blocks in y (32-row tiles).
    if (s.m > INT_MAX || s.n > INT_MAX || s.k > INT_MAX || s.m > 65535LL * 32 ||
        s.n > 65535LL * 32)
      return Support::no("a dimension exceeds the kernel's 32-bit indexing or grid limits");
    const int q = info().kn_multiple;
    if (q > 1 && (s.k % q != 0 || s.n % q != 0))
      return Support::no(fmt::format("needs K and N multiples of {} ({}); this shape has K={}, "
                                     "N={}", q, q == 4 ? "float4 loads" : "TMA row strides",
                                     s.k, s.n));
    return Support::yes();
  }

  std::unique_ptr<Case> prepare(const Problem& p) override {
    const Support s = supports(p.dtype, p.shape);
    if (!s.ok) throw BackendError(s.reason);
    GPUBENCH_CUDA_CHECK(cudaSetDevice(opts_.device));
    return std::make_unique<KernelCase>(*this, p);
  }

  cudaStream_t stream() const { return stream_->get(); }

 private:
  const KernelInfo& kernel_;  // an entry of kKernelCatalog, which outlives every backend
  std::string device_refusal_;  // why this device cannot run the kernel at all; "" if it can
  std::unique_ptr<cuda::Stream> stream_;
};

std::size_t elements(const Shape& s, char which) {
  if (which == 'a') return std::size_t(s.m) * std::size_t(s.k);
  if (which == 'b') return std::size_t(s.k) * std::size_t(s.n);
  return std::size_t(s.m) * std::size_t(s.n);
}

// Copies a host matrix (float values already exact in the dtype) to the device in its storage
// format: fp32 as is, bf16 converted (exactly) to __nv_bfloat16.
void upload(DType d, const HostMatrix& m, cuda::DeviceBuffer& dst, cudaStream_t stream) {
  if (d == DType::fp32) {
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(dst.get(), m.f32(), m.size() * sizeof(float),
                                        cudaMemcpyHostToDevice, stream));
  } else {
    std::vector<__nv_bfloat16> tmp(m.size());
    for (std::size_t i = 0; i < m.size(); ++i) tmp[i] = __float2bfloat16_rn(m.f32()[i]);
    GPUBENCH_CUDA_CHECK(cudaMemcpyAsync(dst.get(), tmp.data(), tmp.size() * sizeof(tmp[0]),
                                        cudaMemcpyHostToDevice, stream));
    GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream));  // before tmp goes away
  }
}

KernelCase::KernelCase(const KernelBackend& be, const Problem& p)
    : be_(be),
      p_(p),
      stream_(be.stream()),
      a_(elements(p.shape, 'a') * element_bytes(p.dtype)),
      b_(elements(p.shape, 'b') * element_bytes(p.dtype)),
      c_(elements(p.shape, 'c') * element_bytes(p.dtype)) {
  upload(p.dtype, *p.a, a_, stream_);
  upload(p.dtype, *p.b, b_, stream_);
  // Poison C (0xFF bytes are NaN in fp32 and bf16): an element a kernel fails to write fails
  // verification instead of passing on leftovers.
  GPUBENCH_CUDA_CHECK(cudaMemsetAsync(c_.get(), 0xFF, c_.bytes(), stream_));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

void KernelCase::launch() {
  const KernelLaunch args{int(p_.shape.m), int(p_.shape.n), int(p_.shape.k), a_.get(), b_.get(),
                          c_.get(), stream_};
  GPUBENCH_CUDA_CHECK(cudaError_t(be_.info().launch(args)));
}

double KernelCase::time_kernel(int reps) {
  // The calling thread may have another current device (one thread per GPU with --concurrent);
  // launches go to the current device.
  GPUBENCH_CUDA_CHECK(cudaSetDevice(be_.device_index()));
  const double s = batches_.time(stream_, timer_, 0, reps, [this] { launch(); });
  // A kernel that faulted reports it at the next synchronisation: surface it here, not later.
  GPUBENCH_CUDA_CHECK(cudaGetLastError());
  return s;
}

std::vector<std::string> KernelCase::warnings() { return batches_.warnings(); }

bool KernelCase::flush_cache() {
  GPUBENCH_CUDA_CHECK(cudaSetDevice(be_.device_index()));
  be_.flush_l2(stream_);
  return true;
}

void KernelCase::read_result(std::vector<double>& out) {
  GPUBENCH_CUDA_CHECK(cudaSetDevice(be_.device_index()));
  GPUBENCH_CUDA_CHECK(cudaStreamSynchronize(stream_));
  const std::size_t n = elements(p_.shape, 'c');
  out.resize(n);
  if (p_.dtype == DType::fp32) {
    std::vector<float> raw(n);
    GPUBENCH_CUDA_CHECK(cudaMemcpy(raw.data(), c_.get(), n * sizeof(float),
                                   cudaMemcpyDeviceToHost));
    for (std::size_t i = 0; i < n; ++i) out[i] = raw[i];
  } else {
    std::vector<__nv_bfloat16> raw(n);
    GPUBENCH_CUDA_CHECK(cudaMemcpy(raw.data(), c_.get(), n * sizeof(raw[0]),
                                   cudaMemcpyDeviceToHost));
    for (std::size_t i = 0; i < n; ++i) out[i] = __bfloat162float(raw[i]);
  }
}

}  // namespace

namespace cuda {

std::unique_ptr<Backend> make_kernel_backend(const KernelInfo& kernel, const BackendOptions& o) {
  return std::make_unique<KernelBackend>(kernel, o);
}

}  // namespace cuda

namespace kernel_launchers {

namespace {

// The FP32 ladder's launchers return nothing: the launch error is read back here.
template <auto Launch>
int fp32(const KernelLaunch& x) {
  Launch(x.m, x.n, x.k, static_cast<const float*>(x.a), static_cast<const float*>(x.b),
         static_cast<float*>(x.c), static_cast<cudaStream_t>(x.stream));
  return int(cudaGetLastError());
}

}  // namespace

int sgemm_naive(const KernelLaunch& x) { return fp32<kernels::launch_sgemm_naive>(x); }
int sgemm_coalesced(const KernelLaunch& x) { return fp32<kernels::launch_sgemm_coalesced>(x); }
int sgemm_smem(const KernelLaunch& x) { return fp32<kernels::launch_sgemm_smem>(x); }
int sgemm_tile1d(const KernelLaunch& x) { return fp32<kernels::launch_sgemm_tile1d>(x); }
int sgemm_tile2d(const KernelLaunch& x) { return fp32<kernels::launch_sgemm_tile2d>(x); }
int sgemm_vectorized(const KernelLaunch& x) { return fp32<kernels::launch_sgemm_vectorized>(x); }
int sgemm_warptile(const KernelLaunch& x) { return fp32<kernels::launch_sgemm_warptile>(x); }
int bf16_wgmma(const KernelLaunch& x) {
  return int(kernels::launch_bf16_wgmma(
      x.m, x.n, x.k, static_cast<const __nv_bfloat16*>(x.a), static_cast<const __nv_bfloat16*>(x.b),
      static_cast<__nv_bfloat16*>(x.c), static_cast<cudaStream_t>(x.stream)));
}

}  // namespace kernel_launchers

}  // namespace gpubench
