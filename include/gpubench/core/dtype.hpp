// What a multiplication computes: the storage types of A, B and C and the arithmetic (GemmSpec),
// and the names --dtype knows them by (DType). A DType is the name of one GemmSpec; everything
// numeric (bytes, rounding, tolerances, which CPU rows answer it) is read off the spec, so a new
// type (fp8 with bf16 output and per-tensor scales, int8 with int32 output) is a new table row.
#pragma once

#include <cstddef>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// tf32 is fp32 storage computed on tensor cores with a 10-bit mantissa; fp16/bf16 accumulate in fp32.
// fp8: 8-bit float operands (the names say A's format, then B's where it differs: cuBLASLt has
// no e5m2 x e5m2) with per-tensor scales, fp32 accumulation, output bf16 (the name alone), fp16
// (":fp16") or fp32 (":fp32"). int8: s8 x s8 summed exactly into s32 (tensor-core IMMA).
enum class DType {
  fp64, fp32, tf32, fp16, bf16,
  fp8e4m3, fp8e4m3_fp16, fp8e4m3_fp32,              // e4m3 x e4m3
  fp8e5m2, fp8e5m2_fp16, fp8e5m2_fp32,              // e5m2 x e4m3
  fp8e4m3e5m2, fp8e4m3e5m2_fp16, fp8e4m3e5m2_fp32,  // e4m3 x e5m2
  int8,
};

// Every DType, in the order of the GemmSpec rows (the rows are the list; see dtype.cpp).
extern const std::span<const DType> kAllDTypes;

// The canonical name: "fp32", "fp8e4m3", "fp8e5m2:fp32", "int8".
std::string_view to_string(DType d);
// Any name --dtype takes: a row's name or one of its aliases (float, half, fp8 = fp8e4m3, i8,
// ...); where a type has several outputs (fp8), its name may end in ":OUT" naming the output's
// format (fp8:fp32); case does not matter.
std::optional<DType> parse_dtype(std::string_view s);
// Parses a comma-separated list ("fp32,bf16"); throws UsageError naming the bad token.
std::vector<DType> parse_dtype_list(std::string_view s);
// The grammar of the names, for help texts and errors, written from the GemmSpec rows.
const std::string& dtype_grammar();

// How numbers are stored in memory.
enum class Storage { f64, f32, f16, bf16, e4m3, e5m2, s8, s32 };
// How the products are formed and summed. tf32: fp32 operands whose multiplies keep 10 mantissa
// bits (tensor cores), summed in fp32. i32: exact integer sums.
enum class Arithmetic { f64, f32, tf32, i32 };

// One row per DType (dtype.cpp): adding a type is its enumerator, its row, and the backends that
// multiply it.
struct GemmSpec {
  DType id;
  // The canonical name; a type with several outputs is one family: the row without ':' ("fp8e4m3")
  // and rows named FAMILY:OUTPUT ("fp8e4m3:fp16").
  std::string_view name;
  // Other names of the row (of the family, on its row without ':'), space-separated.
  std::string_view aliases;
  Storage a, b, c;
  Arithmetic compute;
  // The spec whose CPU rows answer this one: the same data in memory, multiplied exactly in the
  // storage precision (tf32's answer on a CPU is its fp32 GEMM). Itself for most specs.
  DType cpu_equivalent;
  std::string_view description;  // one line for help texts and the README
};

const GemmSpec& spec_of(DType d);
std::size_t storage_bytes(Storage s);
double storage_roundoff(Storage s);  // 0 for the integer formats (exact)
std::string_view to_string(Storage s);  // "fp32", "e4m3", "s8", ...
bool is_fp8(Storage s);
bool is_fp8(DType d);  // A or B stored in an 8-bit float format
bool is_int8(DType d);
// The family a dtype's hardware peak belongs to: its own name for the classic types, "fp8" for
// every fp8 mix and output (one tensor-core rate), "int8".
std::string_view peak_family(DType d);

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
double round_to_storage(Storage s, double v);
// A random input value for storage `s` from a uniform u in [0.125, 1] (sign applied by the
// caller): rounded to the format for floats; for s8 the nearest integer to 127 u (16..127), so
// integer products are neither zero nor trivially small.
double random_value_for_storage(Storage s, double u);

}  // namespace gpubench
