#include "gpubench/verify.hpp"

#include <cmath>
#include <random>

namespace gpubench {

double tolerance_for(DType d, std::int64_t k) {
  const double growth = 8.0 * std::sqrt(double(std::max<std::int64_t>(k, 1)));
  double tol = 2.0 * storage_unit_roundoff(d) + growth * compute_unit_roundoff(d);
  // TF32 keeps 10 mantissa bits of each fp32 input: each product may be off by ~2^-10 relative.
  if (d == DType::tf32) tol += std::ldexp(1.0, -9);
  return tol;
}

namespace {
// |C_ij - R_ij| / sum_k |A_ik B_kj| for one entry: the error relative to the size of the terms,
// which is what floating-point summation bounds (|R_ij| itself may be near zero).
double entry_error(const Problem& p, const std::vector<double>& c, std::int64_t i, std::int64_t j) {
  const HostMatrix& a = *p.a;
  const HostMatrix& b = *p.b;
  const std::int64_t K = p.shape.k, N = p.shape.n;
  double ref = 0, mag = 0;
  for (std::int64_t k = 0; k < K; ++k) {
    const double t = a.at(std::size_t(i * K + k)) * b.at(std::size_t(k * N + j));
    ref += t;
    mag += std::fabs(t);
  }
  const double got = c[std::size_t(i * N + j)];
  if (!std::isfinite(got)) return INFINITY;
  return std::fabs(got - ref) / (mag > 0 ? mag : 1.0);
}
}  // namespace

Verification verify_result(const Problem& p, const std::vector<double>& c, std::uint64_t seed) {
  Verification v;
  v.tolerance = tolerance_for(p.dtype, p.shape.k);
  const std::int64_t M = p.shape.m, N = p.shape.n;
  auto check = [&](std::int64_t i, std::int64_t j) {
    const double e = entry_error(p, c, i, j);
    if (!(e <= v.max_rel_error)) v.max_rel_error = e;  // NaN-safe: NaN/Inf become the max
    ++v.checked;
  };
  if (p.shape.flops() / 2 <= kFullCheckFlopLimit) {
    for (std::int64_t i = 0; i < M; ++i)
      for (std::int64_t j = 0; j < N; ++j) check(i, j);
  } else {
    check(0, 0);
    check(0, N - 1);
    check(M - 1, 0);
    check(M - 1, N - 1);
    std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
    for (int s = 0; s < kSampledEntries; ++s)
      check(std::int64_t(rng() % std::uint64_t(M)), std::int64_t(rng() % std::uint64_t(N)));
  }
  v.passed = std::isfinite(v.max_rel_error) && v.max_rel_error <= v.tolerance;
  return v;
}

}  // namespace gpubench
