#include "gpubench/core/verify.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace gpubench {

double tolerance_for(DType d, std::int64_t k) {
  // Integer sums of int8 products are exact (supports() keeps K where they fit in int32).
  if (spec_of(d).compute == Arithmetic::i32) return 0;
  const double growth = 8.0 * std::sqrt(double(std::max<std::int64_t>(k, 1)));
  // Operands rounded for the multiplier (tf32) put up to twice their roundoff on each product.
  double tol = 2.0 * storage_unit_roundoff(d) + growth * compute_unit_roundoff(d) +
               2.0 * operand_roundoff_in_compute(d);
  // fp8 tensor cores (Hopper) add each instruction's products into partial sums of about 14
  // mantissa bits before the library folds them into fp32; allow 2^-10 of the terms' size for it
  // (a transposed or mis-scaled operand is off by ~1/sqrt(K) or by the scale itself).
  if (is_fp8(d)) tol += std::ldexp(1.0, -10);
  return tol;
}

namespace {

// Indices of the batch's products to check: all of them when that is cheap, else the first, the
// last and random others up to a budget of multiply-adds.
std::vector<std::int64_t> checked_products(std::int64_t batch, double per_product_work,
                                           std::mt19937_64& rng) {
  constexpr double kBudget = 128.0 * 1024 * 1024;
  std::vector<std::int64_t> out;
  if (batch <= 2 || double(batch) * per_product_work <= kBudget) {
    for (std::int64_t b = 0; b < batch; ++b) out.push_back(b);
    return out;
  }
  const auto count =
      std::int64_t(std::max(2.0, std::min(double(batch), kBudget / per_product_work)));
  out = {0, batch - 1};
  while (std::int64_t(out.size()) < count)
    out.push_back(std::int64_t(rng() % std::uint64_t(batch)));
  return out;
}

}  // namespace

Verification verify_result(const Problem& p, const std::vector<double>& c, std::uint64_t seed) {
  Verification v;
  v.tolerance = tolerance_for(p.dtype, p.shape.k);
  const std::int64_t M = p.shape.m, N = p.shape.n, K = p.shape.k;
  const bool ta = transposed_a(p.shape.layout), tb = transposed_b(p.shape.layout);
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
  std::vector<std::int64_t> rows, cols;
  if (p.shape.flops() / 2 <= kFullCheckFlopLimit) {
    for (std::int64_t i = 0; i < M; ++i) rows.push_back(i);
    for (std::int64_t j = 0; j < N; ++j) cols.push_back(j);
  } else {
    // A grid of random rows x random columns, always including the edges (where tiling bugs
    // live). Gathering the sampled columns of B once keeps this cheap at n = 8192.
    rows = {0, M - 1};
    cols = {0, N - 1};
    while (rows.size() < std::size_t(kSampledRows))
      rows.push_back(std::int64_t(rng() % std::uint64_t(M)));
    while (cols.size() < std::size_t(kSampledCols))
      cols.push_back(std::int64_t(rng() % std::uint64_t(N)));
  }
  const std::vector<std::int64_t> products = checked_products(
      p.shape.batch, double(rows.size()) * double(cols.size()) * double(K), rng);
  const std::size_t a_size = std::size_t(M) * std::size_t(K);
  const std::size_t b_size = std::size_t(K) * std::size_t(N);
  std::vector<double> bcols(std::size_t(K) * cols.size());  // B[:, cols], column by column
  std::vector<double> arow(static_cast<std::size_t>(K));
  for (std::int64_t item : products) {
    const std::size_t a0 = std::size_t(item) * a_size, b0 = std::size_t(item) * b_size;
    const std::size_t c0 = std::size_t(item) * std::size_t(M) * std::size_t(N);
    // op(B)(k, j): B stored K x N, or N x K when transposed.
    for (std::size_t jj = 0; jj < cols.size(); ++jj)
      for (std::int64_t k = 0; k < K; ++k)
        bcols[jj * std::size_t(K) + std::size_t(k)] =
            p.b->at(b0 + std::size_t(tb ? cols[jj] * K + k : k * N + cols[jj]));
    for (std::int64_t i : rows) {
      for (std::int64_t k = 0; k < K; ++k)
        arow[std::size_t(k)] = p.a->at(a0 + std::size_t(ta ? k * M + i : i * K + k));
      for (std::size_t jj = 0; jj < cols.size(); ++jj) {
        // |C_ij - R_ij| / sum_k |A_ik B_kj|: the error relative to the size of the terms, which
        // is what floating-point summation bounds (|R_ij| itself may be near zero).
        const double* bc = &bcols[jj * std::size_t(K)];
        double ref = 0, mag = 0;
        for (std::int64_t k = 0; k < K; ++k) {
          const double t = arow[std::size_t(k)] * bc[k];
          ref += t;
          mag += std::fabs(t);
        }
        const double got = c[c0 + std::size_t(i * N + cols[jj])];
        const double e =
            std::isfinite(got) ? std::fabs(got - ref) / (mag > 0 ? mag : 1.0) : INFINITY;
        if (!(e <= v.max_rel_error)) v.max_rel_error = e;  // NaN-safe
        ++v.checked;
      }
    }
  }
  v.passed = std::isfinite(v.max_rel_error) && v.max_rel_error <= v.tolerance;
  return v;
}

}  // namespace gpubench
