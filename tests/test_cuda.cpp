// The cuBLAS backend on a real GPU (skipped with the reason where there is none), plus the parts
// of the CUDA code that need no device (telemetry warnings).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "gpubench/backends/backend.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/measure/runner.hpp"
#include "gpubench/core/verify.hpp"
#include "run_helpers.hpp"

#ifdef GPUBENCH_HAVE_CUDA
#include <cuda_runtime.h>
#include <dlfcn.h>

#include "backend_cublas.hpp"
#include "cuda_check.hpp"
#include "graph_batches.hpp"
#include "nvml_telemetry.hpp"
#endif

using namespace gpubench;
using namespace gpubench::test_helpers;

namespace {

BackendEntry cublas_entry() {
  for (const BackendEntry& e : backend_registry())
    if (e.name == "cublas") return e;
  throw std::runtime_error("no cublas entry in the registry");
}

// The backend, or null with `why` set when this machine has no usable GPU.
std::unique_ptr<Backend> make_cublas(std::string& why, BackendOptions o = {}) {
  try {
    return cublas_entry().create(o);
  } catch (const BackendError& e) {
    why = e.what();
    return nullptr;
  }
}

#define CUBLAS_OR_SKIP(var, ...)                                     \
  std::string why_##var;                                             \
  auto var = make_cublas(why_##var __VA_OPT__(, ) __VA_ARGS__);      \
  if (!var) {                                                        \
    ASSERT_NE(why_##var.find("no CUDA device"), std::string::npos) << why_##var; \
    GTEST_SKIP() << why_##var;                                       \
  }

struct Inputs {
  HostMatrix a, b;
  Problem problem;
  Inputs(DType d, Shape s) : a(operand_a(d, s)), b(operand_b(d, s)) {
    a.fill_random(7);
    b.fill_random(8);
    problem = Problem{s, d, &a, &b};
  }
};

Verification run_and_verify(Backend& be, const Problem& p) {
  auto c = be.prepare(p);
  EXPECT_GT(c->time_kernel(2), 0.0);
  std::vector<double> out;
  c->read_result(out);
  return verify_result(p, out, 1);
}

}  // namespace

TEST(Cublas, WithoutGpuTheEntrySaysWhy) {
  std::string why;
  auto be = make_cublas(why);
  if (be) GTEST_SKIP() << "a GPU is present";
  EXPECT_EQ(why.rfind("no CUDA device", 0), 0u) << why;
#ifdef GPUBENCH_HAVE_CUDA
  // No driver installed reads as no driver, not as a driver too old for the runtime.
  if (void* libcuda = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) {
    dlclose(libcuda);
  } else {
    EXPECT_NE(why.find("no NVIDIA driver: libcuda.so.1 not found"), std::string::npos) << why;
    EXPECT_EQ(why.find("insufficient"), std::string::npos) << why;
  }
#endif
}

TEST(Cublas, EveryDtypeVerifiesOnAwkwardAndSquareShapes) {
  CUBLAS_OR_SKIP(be);
  for (DType d : kAllDTypes) {
    for (Shape s : {Shape{77, 45, 33}, Shape{256, 256, 256}, Shape{1, 300, 17}}) {
      SCOPED_TRACE(std::string(to_string(d)) + " " + s.label());
      if (!be->supports(d, s).ok) continue;
      Inputs in(d, s);
      const Verification v = run_and_verify(*be, in.problem);
      EXPECT_TRUE(v.passed) << "max rel. error " << v.max_rel_error << " > " << v.tolerance;
      EXPECT_GT(v.checked, 0);
    }
  }
}

#ifdef GPUBENCH_HAVE_CUDA
// Every dtype in every layout, one product and a batch, against the fp64 reference; what cuBLASLt
// cannot do is refused with a reason, and on Hopper that is exactly fp8 outside the nt layout.
TEST(Cublas, EveryDtypeLayoutAndBatchVerifiesOrIsRefusedWithAReason) {
  CUBLAS_OR_SKIP(be);
  int cc_major = 0;
  ASSERT_EQ(cudaDeviceGetAttribute(&cc_major, cudaDevAttrComputeCapabilityMajor, 0), cudaSuccess);
  int ran = 0;
  for (DType d : kAllDTypes)
    for (Layout l : kAllLayouts)
      for (std::int64_t batch : {1, 3})
        for (Shape s : {Shape{96, 64, 48, l, batch}, Shape{256, 256, 512, l, batch}}) {
          SCOPED_TRACE(std::string(to_string(d)) + " " + s.label());
          const Support sup = be->supports(d, s);
          if (cc_major == 9) {
            // fp8 and int8 kernels take the TN format (row-major nt) only.
            const bool refused_on_hopper = (is_fp8(d) || is_int8(d)) && l != Layout::nt;
            EXPECT_EQ(sup.ok, !refused_on_hopper) << sup.reason;
          }
          if (!sup.ok) {
            EXPECT_FALSE(sup.reason.empty());
            continue;
          }
          Inputs in(d, s);
          const Verification v = run_and_verify(*be, in.problem);
          EXPECT_TRUE(v.passed) << "max rel. error " << v.max_rel_error << " > " << v.tolerance;
          if (s.flops() / 2 <= kFullCheckFlopLimit) EXPECT_EQ(v.checked, batch * s.m * s.n);
          ++ran;
        }
  EXPECT_GT(ran, 0);
}

// fp8 and int8 results that a broken scale, layout or kernel would give are caught.
TEST(Cublas, WrongFp8AndInt8ResultsAreCaught) {
  CUBLAS_OR_SKIP(be);
  for (DType d : {DType::fp8e4m3, DType::fp8e5m2_fp32, DType::int8}) {
    const Shape s{128, 96, 64, Layout::nt, 2};
    if (!be->supports(d, s).ok) continue;
    Inputs in(d, s);
    auto c = be->prepare(in.problem);
    c->time_kernel(1);
    std::vector<double> out;
    c->read_result(out);
    ASSERT_TRUE(verify_result(in.problem, out, 1).passed) << to_string(d);
    // The same inputs read in another layout: what a lost transpose flag computes.
    Problem wrong = in.problem;
    wrong.shape.layout = Layout::nn;
    EXPECT_FALSE(verify_result(wrong, out, 1).passed) << to_string(d);
    // One entry of the last product off by a little (one for int8).
    out.back() += is_int8(d) ? 1.0 : 0.05 * std::fabs(out.back()) + 1.0;
    EXPECT_FALSE(verify_result(in.problem, out, 1).passed) << to_string(d);
  }
}
#endif

TEST(Cublas, RunnerProducesOkRowsWithPeakAndEndToEnd) {
  CUBLAS_OR_SKIP(probe);
  probe.reset();
  RunOptions o;
  o.shapes = {Shape{512, 512, 512}, Shape{100, 60, 30}};
  o.dtypes = {DType::fp32, DType::bf16};
  o.min_time = 0.01;
  o.min_samples = 3;
  for (bool pinned : {true, false}) {
    BackendOptions bo;
    bo.pinned_host = pinned;
    const auto records = run_matmul({cublas_entry()}, bo, o);
    ASSERT_EQ(records.size(), 4u);
    for (const Record& r : records) {
      SCOPED_TRACE(r.shape.label() + " " + std::string(to_string(r.dtype)));
      EXPECT_EQ(r.status, Status::ok) << r.reason;
      EXPECT_TRUE(r.verified);
      EXPECT_GT(r.main.gflops, 0);
      ASSERT_TRUE(r.end_to_end_gflops.has_value());
      EXPECT_LT(*r.end_to_end_gflops, r.main.gflops * 1.5);  // copies only ever add time
      EXPECT_EQ(r.device_kind, DeviceKind::gpu);
      EXPECT_FALSE(r.device_name.empty());
    }
  }
}

TEST(Cublas, NoTransfersMeansNoEndToEndTime) {
  BackendOptions bo;
  bo.end_to_end = false;
  CUBLAS_OR_SKIP(be, bo);
  Inputs in(DType::fp32, Shape{64, 64, 64});
  auto c = be->prepare(in.problem);
  EXPECT_FALSE(c->time_end_to_end().has_value());
}

TEST(Cublas, FlushL2StillVerifiesAndCountsItsBuffer) {
  BackendOptions flush;
  flush.cold_cache = true;
  CUBLAS_OR_SKIP(be, flush);
  std::string why;
  auto plain = make_cublas(why);
  ASSERT_TRUE(plain) << why;
  const Shape s{1024, 1024, 1024};
  EXPECT_GT(be->device_bytes(DType::fp32, s), plain->device_bytes(DType::fp32, s));
  Inputs in(DType::fp32, Shape{300, 200, 100});
  EXPECT_TRUE(run_and_verify(*be, in.problem).passed);
}

#ifdef GPUBENCH_HAVE_CUDA
TEST(Cublas, DeviceBytesCountOperandsAndWorkspace) {
  CUBLAS_OR_SKIP(be);
  const Shape s{1024, 1024, 1024};
  EXPECT_EQ(be->device_bytes(DType::fp32, s), 3u * 4 * 1024 * 1024 + cuda::kCublasWorkspaceBytes);
  EXPECT_EQ(be->device_bytes(DType::bf16, s), 3u * 2 * 1024 * 1024 + cuda::kCublasWorkspaceBytes);
  ASSERT_TRUE(be->free_device_bytes().has_value());
  EXPECT_GT(*be->free_device_bytes(), 0u);
}

TEST(Cublas, WrongResultIsCaught) {
  CUBLAS_OR_SKIP(be);
  for (DType d : {DType::fp32, DType::bf16}) {
    Inputs in(d, Shape{128, 96, 64});
    auto c = be->prepare(in.problem);
    c->time_kernel(1);
    std::vector<double> out;
    c->read_result(out);
    ASSERT_TRUE(verify_result(in.problem, out, 1).passed);
    // Corrupt C on the device, as a broken kernel would: zeros where the product is not zero.
    const cuda::DeviceResult res = cuda::device_result_of(*c);
    ASSERT_EQ(cudaMemset(res.ptr, 0, res.bytes), cudaSuccess);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    c->read_result(out);
    EXPECT_FALSE(verify_result(in.problem, out, 1).passed) << to_string(d);
  }
}

// A timed batch runs exactly its calls, as whole graphs and a rest, each graph captured once per
// variant and call count and replayed after: cublasSaxpy adds alpha * x to y once per call, and
// alpha is read when a call is captured, so a graph replayed shows the alpha it was captured with.
TEST(GraphBatches, RunEachCallOnceAndReplayEachVariantsOwnGraph) {
  CUBLAS_OR_SKIP(probe);
  probe.reset();
  cuda::Stream stream;
  cublasHandle_t handle = nullptr;
  ASSERT_EQ(cublasCreate(&handle), CUBLAS_STATUS_SUCCESS);
  ASSERT_EQ(cublasSetStream(handle, stream.get()), CUBLAS_STATUS_SUCCESS);
  constexpr int kLength = 4;
  cuda::DeviceBuffer x(kLength * sizeof(float)), y(kLength * sizeof(float));
  const std::vector<float> ones(kLength, 1.0f);
  ASSERT_EQ(cudaMemcpy(x.get(), ones.data(), x.bytes(), cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemset(y.get(), 0, y.bytes()), cudaSuccess);
  int enqueued = 0;  // calls queued on the host: captures, never replays
  const auto add = [&](float alpha) {
    return [&, alpha] {
      ++enqueued;
      ASSERT_EQ(cublasSaxpy(handle, kLength, &alpha, x.as<float>(), 1, y.as<float>(), 1),
                CUBLAS_STATUS_SUCCESS);
    };
  };
  constexpr int kWhole = cuda::GraphBatches::kMaxCallsPerGraph;
  cuda::EventTimer timer;
  cuda::GraphBatches batches;
  EXPECT_GT(batches.time(stream.get(), timer, 0, 2 * kWhole + 3, add(1.0f)), 0.0);  // +515
  EXPECT_EQ(enqueued, kWhole + 3);  // the whole graph and the rest, each captured once
  EXPECT_GT(batches.time(stream.get(), timer, 1, 3, add(1000.0f)), 0.0);  // +3000: its own graph
  EXPECT_GT(batches.time(stream.get(), timer, 0, 3, add(7.0f)), 0.0);     // +3: variant 0's
  EXPECT_GT(batches.time(stream.get(), timer, 0, kWhole, add(7.0f)), 0.0);  // +256: replayed
  EXPECT_EQ(enqueued, kWhole + 3 + 3);
  EXPECT_EQ(batches.fallback_reason(), "");
  EXPECT_TRUE(batches.warnings().empty());
  std::vector<float> out(kLength);
  ASSERT_EQ(cudaMemcpy(out.data(), y.get(), y.bytes(), cudaMemcpyDeviceToHost), cudaSuccess);
  for (float v : out) EXPECT_EQ(v, float(2 * kWhole + 3 + 3000 + 3 + kWhole));
  cublasDestroy(handle);
}

TEST(Cublas, UnwrittenResultIsCaught) {
  CUBLAS_OR_SKIP(be);
  Inputs in(DType::fp32, Shape{64, 64, 64});
  auto c = be->prepare(in.problem);  // C is poisoned (NaN) and no multiplication has run
  std::vector<double> out;
  c->read_result(out);
  EXPECT_FALSE(verify_result(in.problem, out, 1).passed);
}
#endif

TEST(Cublas, DeviceOutOfRangeIsAClearError) {
  CUBLAS_OR_SKIP(probe);
  BackendOptions o;
  o.device = 1000;
  try {
    cublas_entry().create(o);
    FAIL() << "device 1000 was accepted";
  } catch (const BackendError& e) {
    EXPECT_NE(std::string(e.what()).find("--device 1000 does not exist"), std::string::npos)
        << e.what();
  }
}

TEST(Cublas, ReportsPeakForKnownArchitectures) {
  CUBLAS_OR_SKIP(be);
  // Every architecture in the table has an fp32 rate; an unknown one must report none.
  const auto peak = be->peak_gflops(DType::fp32);
  if (peak) EXPECT_GT(*peak, 100.0);
}

#ifdef GPUBENCH_HAVE_CUDA
namespace {
TelemetrySample sample(double mhz, std::uint64_t reasons = 0) {
  TelemetrySample s;
  s.sm_clock_mhz = mhz;
  s.throttle_reasons = reasons;
  s.temperature_c = 60;
  s.power_w = 500;
  return s;
}
}  // namespace

TEST(Telemetry, ClockRampingUpIsNotADrop) {
  EXPECT_TRUE(cuda::telemetry_warnings({sample(1200), sample(1700), sample(1980)}).empty());
  EXPECT_TRUE(cuda::telemetry_warnings({}).empty());
}

TEST(Telemetry, ClockDropOfMoreThanTenPercentWarns) {
  const auto w = cuda::telemetry_warnings({sample(1980), sample(1980), sample(1700)});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("SM clock dropped 14%"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("1980 -> 1700 MHz"), std::string::npos) << w[0];
  EXPECT_TRUE(cuda::telemetry_warnings({sample(1980), sample(1850)}).empty());  // 6.6%
}

TEST(Telemetry, ThrottleReasonsOtherThanBenignOnesWarn) {
  EXPECT_TRUE(cuda::telemetry_warnings({sample(1980, 0x1 | 0x2 | 0x100)}).empty());
  // The power cap is what a sustained rate is: recorded with the rate, not a warning.
  EXPECT_TRUE(cuda::telemetry_warnings({sample(1700, 0x4)}).empty());
  const auto w = cuda::telemetry_warnings({sample(1980, 0x2), sample(1980, 0x4 | 0x40)});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("hw thermal slowdown"), std::string::npos) << w[0];
  EXPECT_EQ(w[0].find("power cap"), std::string::npos) << w[0];
  EXPECT_EQ(cuda::describe_throttle_reasons(0x1000), "reason bits 0x1000");
}
#endif
