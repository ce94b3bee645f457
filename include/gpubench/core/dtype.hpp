// Element types gpubench can multiply, and what each one means numerically.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// tf32 is fp32 storage computed on tensor cores with a 10-bit mantissa; fp16/bf16 accumulate in fp32.
enum class DType { fp64, fp32, tf32, fp16, bf16 };

inline constexpr DType kAllDTypes[] = {DType::fp64, DType::fp32, DType::tf32, DType::fp16,
                                       DType::bf16};

std::string_view to_string(DType d);
std::optional<DType> parse_dtype(std::string_view s);
// Parses a comma-separated list ("fp32,bf16"); throws UsageError naming the bad token.
std::vector<DType> parse_dtype_list(std::string_view s);

// Bytes of one stored element (A, B and C share the storage type).
std::size_t element_bytes(DType d);

// Unit roundoff of the storage format of inputs/outputs, and of the arithmetic that accumulates.
double storage_unit_roundoff(DType d);
double compute_unit_roundoff(DType d);

// Rounds a value to the nearest number representable in the dtype's *storage* format, so that
// inputs are exactly what every backend sees and the fp64 reference is computed on the same data.
double round_to_storage(DType d, double v);

}  // namespace gpubench
