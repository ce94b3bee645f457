// The inputs of one multiplication: what a backend multiplies and what verification checks.
#pragma once

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/host_matrix.hpp"
#include "gpubench/core/shape.hpp"

namespace gpubench {

// The inputs of one case, filled by the Runner outside any timed region. A and B hold values that
// are exactly representable in the dtype's storage format (see round_to_storage).
struct Problem {
  Shape shape;
  DType dtype = DType::fp32;
  const HostMatrix* a = nullptr;  // M x K, row-major
  const HostMatrix* b = nullptr;  // K x N, row-major
};

}  // namespace gpubench
