// What a multiplication computes: the storage types of A, B and C and the arithmetic (GemmSpec),
// and the names --dtype knows them by (DType). A DType is the name of one GemmSpec; everything
// numeric (bytes, rounding, tolerances, which CPU rows answer it) is read off the spec, so a new
// type (fp8 with bf16 output and per-tensor scales, int8 with int32 output) is a new table row.
#pragma once

#include <cstddef>
#include <array>
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

// How numbers are stored in memory.
enum class Storage { f64, f32, f16, bf16 };
// How the products are formed and summed. tf32: fp32 operands whose multiplies keep 10 mantissa
// bits (tensor cores), summed in fp32.
enum class Arithmetic { f64, f32, tf32 };

struct GemmSpec {
  DType name;
  Storage a, b, c;
  Arithmetic compute;
  // The spec whose CPU rows answer this one: the same data in memory, multiplied exactly in the
  // storage precision (tf32's answer on a CPU is its fp32 GEMM). Itself for most specs.
  DType cpu_equivalent;
  std::string_view description;  // one line for help texts and the README
};

const GemmSpec& spec_of(DType d);
std::size_t storage_bytes(Storage s);
double storage_roundoff(Storage s);

// Bytes of one stored element of A and B (the operands; C is element_bytes_c).
std::size_t element_bytes(DType d);
std::size_t element_bytes_c(DType d);

// Unit roundoff of the storage format of the output C, of the arithmetic that accumulates, and of
// the operands as the multiplier sees them (tf32 drops fp32 mantissa bits; 0 when exact).
double storage_unit_roundoff(DType d);
double compute_unit_roundoff(DType d);
double operand_roundoff_in_compute(DType d);

// Rounds a value to the nearest number representable in the dtype's *storage* format, so that
// inputs are exactly what every backend sees and the fp64 reference is computed on the same data.
double round_to_storage(DType d, double v);

}  // namespace gpubench
