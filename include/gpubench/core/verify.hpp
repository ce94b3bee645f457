// Checking a result against an fp64 reference computed on the same (storage-rounded) inputs.
#pragma once

#include <cstdint>
#include <vector>

#include "gpubench/core/problem.hpp"

namespace gpubench {

struct Verification {
  double max_rel_error = 0;  // max |C - R| / sum_k |A_ik * B_kj| over checked entries
  double tolerance = 0;
  std::int64_t checked = 0;
  bool passed = false;  // false also for any NaN/Inf in the checked entries
};

// Tolerance on the normalised error for a dtype and inner dimension K: the storage rounding of C
// plus accumulation error growing like sqrt(K) (blocked and tensor-core sums grow no faster),
// plus input rounding for tf32 (its 10-bit mantissa drops bits of fp32 inputs), plus fp8 tensor
// cores' narrow partial sums; 0 for int8 (exact integer sums).
double tolerance_for(DType d, std::int64_t k);

// Problems with M*N*K at or below this are checked entry by entry; larger ones by sampling.
inline constexpr double kFullCheckFlopLimit = 64.0 * 1024 * 1024;
inline constexpr int kSampledRows = 48;
inline constexpr int kSampledCols = 64;

// Compares C (batch x M x N, row-major doubles) with the reference: every entry for small problems,
// else a grid of kSampledRows x kSampledCols random rows and columns (first and last included),
// from `seed`, in every product of a batch when that is cheap, else in the first, the last and
// random others. int8 is held to exact equality (tolerance 0).
Verification verify_result(const Problem& p, const std::vector<double>& c, std::uint64_t seed);

}  // namespace gpubench
