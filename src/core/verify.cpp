#include "gpubench/core/verify.hpp"

#include <cmath>
#include <random>

namespace gpubench {

double tolerance_for(DType d, std::int64_t k) {
  const double growth = 8.0 * std::sqrt(double(std::max<std::int64_t>(k, 1)));
  // Operands rounded for the multiplier (tf32) put up to twice their roundoff on each product.
  return 2.0 * storage_unit_roundoff(d) + growth * compute_unit_roundoff(d) +
         2.0 * operand_roundoff_in_compute(d);
}


Verification verify_result(const Problem& p, const std::vector<double>& c, std::uint64_t seed) {
  Verification v;
  v.tolerance = tolerance_for(p.dtype, p.shape.k);
  const std::int64_t M = p.shape.m, N = p.shape.n;
  std::vector<std::int64_t> rows, cols;
  if (p.shape.flops() / 2 <= kFullCheckFlopLimit) {
    for (std::int64_t i = 0; i < M; ++i) rows.push_back(i);
    for (std::int64_t j = 0; j < N; ++j) cols.push_back(j);
  } else {
    // A grid of random rows x random columns, always including the edges (where tiling bugs
    // live). Gathering the sampled columns of B once keeps this cheap at n = 8192.
    std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
    rows = {0, M - 1};
    cols = {0, N - 1};
    while (rows.size() < std::size_t(kSampledRows)) rows.push_back(std::int64_t(rng() % std::uint64_t(M)));
    while (cols.size() < std::size_t(kSampledCols)) cols.push_back(std::int64_t(rng() % std::uint64_t(N)));
  }
  const std::int64_t K = p.shape.k;
  std::vector<double> bcols(std::size_t(K) * cols.size());  // B[:, cols], column by column
  for (std::size_t jj = 0; jj < cols.size(); ++jj)
    for (std::int64_t k = 0; k < K; ++k)
      bcols[jj * std::size_t(K) + std::size_t(k)] = p.b->at(std::size_t(k * N + cols[jj]));
  std::vector<double> arow(static_cast<std::size_t>(K));
  for (std::int64_t i : rows) {
    for (std::int64_t k = 0; k < K; ++k) arow[std::size_t(k)] = p.a->at(std::size_t(i * K + k));
    for (std::size_t jj = 0; jj < cols.size(); ++jj) {
      // |C_ij - R_ij| / sum_k |A_ik B_kj|: the error relative to the size of the terms, which is
      // what floating-point summation bounds (|R_ij| itself may be near zero).
      const double* bc = &bcols[jj * std::size_t(K)];
      double ref = 0, mag = 0;
      for (std::int64_t k = 0; k < K; ++k) {
        const double t = arow[std::size_t(k)] * bc[k];
        ref += t;
        mag += std::fabs(t);
      }
      const double got = c[std::size_t(i * N + cols[jj])];
      const double e = std::isfinite(got) ? std::fabs(got - ref) / (mag > 0 ? mag : 1.0) : INFINITY;
      if (!(e <= v.max_rel_error)) v.max_rel_error = e;  // NaN-safe
      ++v.checked;
    }
  }
  v.passed = std::isfinite(v.max_rel_error) && v.max_rel_error <= v.tolerance;
  return v;
}

}  // namespace gpubench
