#include "gpubench/core/dtype.hpp"

#include <bit>
#include <cctype>
#include <string>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

std::string_view to_string(DType d) {
  switch (d) {
    case DType::fp64: return "fp64";
    case DType::fp32: return "fp32";
    case DType::tf32: return "tf32";
    case DType::fp16: return "fp16";
    case DType::bf16: return "bf16";
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view name) {
  // Case does not matter: FP32, BF16 and Float32 name what fp32, bf16 and float32 do.
  std::string s(name);
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (DType d : kAllDTypes)
    if (to_string(d) == s) return d;
  if (s == "float" || s == "float32" || s == "f32") return DType::fp32;
  if (s == "double" || s == "float64" || s == "f64") return DType::fp64;
  if (s == "half" || s == "float16" || s == "f16") return DType::fp16;
  if (s == "bfloat16") return DType::bf16;
  return std::nullopt;
}

std::vector<DType> parse_dtype_list(std::string_view s) {
  std::vector<DType> out;
  for (std::string_view tok : split_list(s)) {
    auto d = parse_dtype(tok);
    if (!d)
      throw UsageError("unknown dtype '" + std::string(tok) +
                       "' in --dtype; expected a comma-separated list of fp64, fp32, tf32, fp16, bf16");
    bool seen = false;
    for (DType e : out) seen = seen || e == *d;
    if (!seen) out.push_back(*d);
  }
  return out;
}

namespace {
// One row per --dtype name, in DType order.
constexpr std::array<GemmSpec, 5> kSpecs{{
    {DType::fp64, Storage::f64, Storage::f64, Storage::f64, Arithmetic::f64, DType::fp64,
     "fp64 in and out, fp64 arithmetic (DGEMM)"},
    {DType::fp32, Storage::f32, Storage::f32, Storage::f32, Arithmetic::f32, DType::fp32,
     "fp32 in and out, exact fp32 arithmetic (SGEMM)"},
    {DType::tf32, Storage::f32, Storage::f32, Storage::f32, Arithmetic::tf32, DType::fp32,
     "fp32 in and out, tensor-core products of 10-bit mantissas, fp32 sums"},
    {DType::fp16, Storage::f16, Storage::f16, Storage::f16, Arithmetic::f32, DType::fp16,
     "fp16 in and out, fp32 accumulation"},
    {DType::bf16, Storage::bf16, Storage::bf16, Storage::bf16, Arithmetic::f32, DType::bf16,
     "bf16 in and out, fp32 accumulation"},
}};
}  // namespace

const GemmSpec& spec_of(DType d) {
  for (const GemmSpec& s : kSpecs)
    if (s.name == d) return s;
  throw std::logic_error("spec_of: a DType without a GemmSpec row");
}

std::size_t storage_bytes(Storage s) {
  switch (s) {
    case Storage::f64: return 8;
    case Storage::f32: return 4;
    case Storage::f16:
    case Storage::bf16: return 2;
  }
  return 4;
}

double storage_roundoff(Storage s) {
  switch (s) {
    case Storage::f64: return std::ldexp(1.0, -53);
    case Storage::f32: return std::ldexp(1.0, -24);
    case Storage::f16: return std::ldexp(1.0, -11);
    case Storage::bf16: return std::ldexp(1.0, -8);
  }
  return 0;
}

std::size_t element_bytes(DType d) { return storage_bytes(spec_of(d).a); }
std::size_t element_bytes_c(DType d) { return storage_bytes(spec_of(d).c); }

double storage_unit_roundoff(DType d) { return storage_roundoff(spec_of(d).c); }

double compute_unit_roundoff(DType d) {
  // Products of storage-exact fp16/bf16 inputs are exact in fp32 and accumulate in fp32.
  return spec_of(d).compute == Arithmetic::f64 ? std::ldexp(1.0, -53) : std::ldexp(1.0, -24);
}

double operand_roundoff_in_compute(DType d) {
  // TF32 keeps 10 mantissa bits of each fp32 input: each product may be off by ~2^-10 relative.
  return spec_of(d).compute == Arithmetic::tf32 ? std::ldexp(1.0, -10) : 0.0;
}

namespace {
// Round-to-nearest-even of a float's mantissa to `keep` bits (of 23). Valid in the normal range of
// the narrower format, which is where gpubench's inputs (|x| in [0.125, 1]) live.
float round_mantissa(float x, int keep) {
  auto bits = std::bit_cast<std::uint32_t>(x);
  const int drop = 23 - keep;
  const std::uint32_t half = (1u << (drop - 1)) - 1;
  bits += half + ((bits >> drop) & 1u);
  bits &= ~((1u << drop) - 1u);
  return std::bit_cast<float>(bits);
}
}  // namespace

double round_to_storage(DType d, double v) {
  switch (spec_of(d).a) {
    case Storage::f64: return v;
    case Storage::f32: return double(float(v));
    case Storage::f16: return double(round_mantissa(float(v), 10));
    case Storage::bf16: return double(round_mantissa(float(v), 7));
  }
  return v;
}

}  // namespace gpubench
