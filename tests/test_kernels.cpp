// The project's own kernels (kernels/) as backends: every step must match the fp64 reference on
// awkward shapes (not multiples of any tile, M != N != K) and refuse what it cannot take. The GPU
// tests skip, with the reason, where there is no usable GPU; the registry tests run everywhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gpubench/backends/backend.hpp"
#include "gpubench/backends/kernel_catalog.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/core/verify.hpp"

using namespace gpubench;

namespace {

BackendEntry entry_named(std::string_view name) {
  for (const BackendEntry& e : backend_registry())
    if (e.name == name) return e;
  throw std::runtime_error("no registry entry " + std::string(name));
}

// Shapes chosen to miss every tile size (32, 64, 128, 256) in M, N and K, plus a square one and,
// for the persistent BF16 kernel, one with more tiles than an H100 has SMs. warptile runs its
// 128x128 configuration on 2040x2044 (one full wave of 132 SMs x 2 blocks) and its 64x128 one on
// the others.
const std::vector<Shape> kShapes = {
    {1000, 777, 333}, {129, 65, 257}, {1024, 1024, 1024}, {7, 5, 3},        // any alignment
    {1000, 776, 332}, {129, 68, 260}, {2040, 2044, 1000},                   // K, N % 4 == 0
    {1000, 776, 336}, {129, 264, 520}, {200, 136, 72},  {2112, 4104, 1000}, // K, N % 8 == 0
};

std::string param_name(const testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  std::replace(s.begin(), s.end(), ':', '_');
  return s;
}

std::vector<std::string> kernel_names() {
  std::vector<std::string> v;
  for (const KernelInfo& k : kKernelCatalog) v.emplace_back(k.name);
  return v;
}

}  // namespace

TEST(KernelRegistry, EveryStepIsAnOptInBackendOfTheKernelsGroup) {
  const auto registry = backend_registry();
  for (const KernelInfo& k : kKernelCatalog) {
    const BackendEntry e = entry_named(k.name);
    EXPECT_EQ(e.group, "kernels") << k.name;
    EXPECT_FALSE(e.in_default) << k.name;
    EXPECT_EQ(e.kind, DeviceKind::gpu);
  }
  EXPECT_EQ(select_backends(registry, "kernels").size(), kKernelCatalog.size());
  const auto both = select_backends(registry, "cublas,kernels");
  ASSERT_EQ(both.size(), kKernelCatalog.size() + 1);
  EXPECT_EQ(both.front().name, "cublas");
  for (const BackendEntry& e : select_backends(registry, "default"))
    EXPECT_NE(e.group, "kernels") << e.name;
}

class KernelStep : public testing::TestWithParam<std::string> {};

TEST_P(KernelStep, MatchesTheReferenceOrRefusesWithAReason) {
  const std::string name = GetParam();
  const KernelInfo& info =
      *std::find_if(kKernelCatalog.begin(), kKernelCatalog.end(),
                    [&](const KernelInfo& k) { return k.name == name; });
  std::unique_ptr<Backend> be;
  try {
    be = entry_named(name).create(BackendOptions{});
  } catch (const BackendError& e) {
    ASSERT_NE(std::string(e.what()).find("no CUDA device"), std::string::npos) << e.what();
    GTEST_SKIP() << e.what();
  }
  const DType other = info.dtype == DType::fp32 ? DType::bf16 : DType::fp32;
  EXPECT_FALSE(be->supports(other, {64, 64, 64}).ok) << "a kernel multiplies one dtype only";
  if (const Support s = be->supports(info.dtype, {1024, 1024, 1024}); !s.ok) {
    ASSERT_TRUE(info.needs_hopper) << name << ": " << s.reason;
    GTEST_SKIP() << name << ": " << s.reason;  // not a Hopper GPU
  }
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(name + " " + shape.label());
    const bool aligned = shape.k % info.kn_multiple == 0 && shape.n % info.kn_multiple == 0;
    const Support s = be->supports(info.dtype, shape);
    if (!aligned) {
      EXPECT_FALSE(s.ok);
      EXPECT_NE(s.reason.find("multiples of"), std::string::npos) << s.reason;
      continue;
    }
    ASSERT_TRUE(s.ok) << s.reason;
    HostMatrix a(info.dtype, shape.m, shape.k), b(info.dtype, shape.k, shape.n);
    a.fill_random(11);
    b.fill_random(12);
    const Problem p{shape, info.dtype, &a, &b};
    auto c = be->prepare(p);
    EXPECT_GT(c->time_kernel(2), 0.0);
    std::vector<double> out;
    c->read_result(out);
    const Verification v = verify_result(p, out, 5);
    EXPECT_TRUE(v.passed) << "max relative error " << v.max_rel_error << " > tolerance "
                          << v.tolerance << " over " << v.checked << " entries";
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, KernelStep, testing::ValuesIn(kernel_names()), param_name);
