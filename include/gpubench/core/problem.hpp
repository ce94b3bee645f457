// The inputs of one multiplication: what a backend multiplies and what verification checks.
#pragma once

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/host_matrix.hpp"
#include "gpubench/core/shape.hpp"

namespace gpubench {

// The inputs of one case, filled by the Runner outside any timed region. A and B hold values that
// are exactly representable in the dtype's storage formats (see round_to_storage), stored as the
// shape's layout says, the batch's matrices one after the other: A is batch x a_rows() x a_cols()
// row-major (M x K, or K x M when transposed), B batch x b_rows() x b_cols(). The values are the
// real ones: a backend that stores scaled numbers (fp8's per-tensor scales) scales them itself.
struct Problem {
  Shape shape;
  DType dtype = DType::fp32;
  const HostMatrix* a = nullptr;
  const HostMatrix* b = nullptr;
};

// A (batch*a_rows) x a_cols and a (batch*b_rows) x b_cols host matrix for the shape, values in
// each operand's storage format (not yet filled).
HostMatrix operand_a(DType d, const Shape& s);
HostMatrix operand_b(DType d, const Shape& s);

}  // namespace gpubench
