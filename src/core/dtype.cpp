#include "gpubench/core/dtype.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <string>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

const char* const kDTypeNames =
    "fp64, fp32, tf32, fp16, bf16, int8 (s8 x s8 -> s32), fp8 (= fp8e4m3: e4m3 x e4m3 -> bf16), "
    "fp8e5m2 (e5m2 x e4m3), fp8e4m3e5m2 (e4m3 x e5m2); an fp8 name may end in :fp16 or :fp32 "
    "for that output instead of bf16, e.g. fp8:fp32";

std::string_view to_string(DType d) {
  switch (d) {
    case DType::fp64: return "fp64";
    case DType::fp32: return "fp32";
    case DType::tf32: return "tf32";
    case DType::fp16: return "fp16";
    case DType::bf16: return "bf16";
    case DType::fp8e4m3: return "fp8e4m3";
    case DType::fp8e4m3_fp16: return "fp8e4m3:fp16";
    case DType::fp8e4m3_fp32: return "fp8e4m3:fp32";
    case DType::fp8e5m2: return "fp8e5m2";
    case DType::fp8e5m2_fp16: return "fp8e5m2:fp16";
    case DType::fp8e5m2_fp32: return "fp8e5m2:fp32";
    case DType::fp8e4m3e5m2: return "fp8e4m3e5m2";
    case DType::fp8e4m3e5m2_fp16: return "fp8e4m3e5m2:fp16";
    case DType::fp8e4m3e5m2_fp32: return "fp8e4m3e5m2:fp32";
    case DType::int8: return "int8";
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
  if (s == "i8" || s == "s8") return DType::int8;
  // fp8 names: the operand formats, then an optional output (bf16 when absent).
  std::string out = "bf16";
  if (const auto colon = s.find(':'); colon != std::string::npos) {
    out = s.substr(colon + 1);
    s.resize(colon);
  }
  DType bf16_out, fp16_out, fp32_out;
  if (s == "fp8" || s == "fp8e4m3" || s == "fp8e4m3e4m3")
    bf16_out = DType::fp8e4m3, fp16_out = DType::fp8e4m3_fp16, fp32_out = DType::fp8e4m3_fp32;
  else if (s == "fp8e5m2" || s == "fp8e5m2e4m3")
    bf16_out = DType::fp8e5m2, fp16_out = DType::fp8e5m2_fp16, fp32_out = DType::fp8e5m2_fp32;
  else if (s == "fp8e4m3e5m2")
    bf16_out = DType::fp8e4m3e5m2, fp16_out = DType::fp8e4m3e5m2_fp16,
    fp32_out = DType::fp8e4m3e5m2_fp32;
  else
    return std::nullopt;
  if (out == "bf16" || out == "bfloat16") return bf16_out;
  if (out == "fp16" || out == "half" || out == "f16") return fp16_out;
  if (out == "fp32" || out == "float" || out == "f32") return fp32_out;
  return std::nullopt;
}

std::vector<DType> parse_dtype_list(std::string_view s) {
  std::vector<DType> out;
  for (std::string_view tok : split_list(s)) {
    auto d = parse_dtype(tok);
    if (!d)
      throw UsageError("unknown dtype '" + shown_input(tok) +
                       "' in --dtype; expected a comma-separated list of " + kDTypeNames);
    bool seen = false;
    for (DType e : out) seen = seen || e == *d;
    if (!seen) out.push_back(*d);
  }
  return out;
}

namespace {
// One row per --dtype name, in DType order.
constexpr std::array<GemmSpec, 15> kSpecs{{
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
    // fp8: no CPU library multiplies it, so its CPU rows answer themselves (unsupported).
    {DType::fp8e4m3, Storage::e4m3, Storage::e4m3, Storage::bf16, Arithmetic::f32,
     DType::fp8e4m3, "fp8 e4m3 x e4m3, per-tensor scales, fp32 accumulation, bf16 out"},
    {DType::fp8e4m3_fp16, Storage::e4m3, Storage::e4m3, Storage::f16, Arithmetic::f32,
     DType::fp8e4m3_fp16, "fp8 e4m3 x e4m3, per-tensor scales, fp32 accumulation, fp16 out"},
    {DType::fp8e4m3_fp32, Storage::e4m3, Storage::e4m3, Storage::f32, Arithmetic::f32,
     DType::fp8e4m3_fp32, "fp8 e4m3 x e4m3, per-tensor scales, fp32 accumulation, fp32 out"},
    {DType::fp8e5m2, Storage::e5m2, Storage::e4m3, Storage::bf16, Arithmetic::f32,
     DType::fp8e5m2, "fp8 e5m2 x e4m3, per-tensor scales, fp32 accumulation, bf16 out"},
    {DType::fp8e5m2_fp16, Storage::e5m2, Storage::e4m3, Storage::f16, Arithmetic::f32,
     DType::fp8e5m2_fp16, "fp8 e5m2 x e4m3, per-tensor scales, fp32 accumulation, fp16 out"},
    {DType::fp8e5m2_fp32, Storage::e5m2, Storage::e4m3, Storage::f32, Arithmetic::f32,
     DType::fp8e5m2_fp32, "fp8 e5m2 x e4m3, per-tensor scales, fp32 accumulation, fp32 out"},
    {DType::fp8e4m3e5m2, Storage::e4m3, Storage::e5m2, Storage::bf16, Arithmetic::f32,
     DType::fp8e4m3e5m2, "fp8 e4m3 x e5m2, per-tensor scales, fp32 accumulation, bf16 out"},
    {DType::fp8e4m3e5m2_fp16, Storage::e4m3, Storage::e5m2, Storage::f16, Arithmetic::f32,
     DType::fp8e4m3e5m2_fp16, "fp8 e4m3 x e5m2, per-tensor scales, fp32 accumulation, fp16 out"},
    {DType::fp8e4m3e5m2_fp32, Storage::e4m3, Storage::e5m2, Storage::f32, Arithmetic::f32,
     DType::fp8e4m3e5m2_fp32, "fp8 e4m3 x e5m2, per-tensor scales, fp32 accumulation, fp32 out"},
    {DType::int8, Storage::s8, Storage::s8, Storage::s32, Arithmetic::i32, DType::int8,
     "int8 in, exact int32 sums and out (tensor-core IMMA)"},
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
    case Storage::f32:
    case Storage::s32: return 4;
    case Storage::f16:
    case Storage::bf16: return 2;
    case Storage::e4m3:
    case Storage::e5m2:
    case Storage::s8: return 1;
  }
  return 4;
}

double storage_roundoff(Storage s) {
  switch (s) {
    case Storage::f64: return std::ldexp(1.0, -53);
    case Storage::f32: return std::ldexp(1.0, -24);
    case Storage::f16: return std::ldexp(1.0, -11);
    case Storage::bf16: return std::ldexp(1.0, -8);
    case Storage::e4m3: return std::ldexp(1.0, -4);
    case Storage::e5m2: return std::ldexp(1.0, -3);
    case Storage::s8:
    case Storage::s32: return 0;
  }
  return 0;
}

std::string_view to_string(Storage s) {
  switch (s) {
    case Storage::f64: return "fp64";
    case Storage::f32: return "fp32";
    case Storage::f16: return "fp16";
    case Storage::bf16: return "bf16";
    case Storage::e4m3: return "e4m3";
    case Storage::e5m2: return "e5m2";
    case Storage::s8: return "s8";
    case Storage::s32: return "s32";
  }
  return "?";
}

bool is_fp8(Storage s) { return s == Storage::e4m3 || s == Storage::e5m2; }
bool is_fp8(DType d) { return is_fp8(spec_of(d).a) || is_fp8(spec_of(d).b); }
bool is_int8(DType d) { return spec_of(d).a == Storage::s8; }

std::string_view peak_family(DType d) {
  if (is_fp8(d)) return "fp8";
  return to_string(d);
}

std::size_t element_bytes(DType d) { return storage_bytes(spec_of(d).a); }
std::size_t element_bytes_c(DType d) { return storage_bytes(spec_of(d).c); }

double storage_unit_roundoff(DType d) { return storage_roundoff(spec_of(d).c); }

double compute_unit_roundoff(DType d) {
  // Products of storage-exact fp16/bf16/fp8 inputs are exact in fp32 and accumulate in fp32;
  // integer sums are exact.
  switch (spec_of(d).compute) {
    case Arithmetic::f64: return std::ldexp(1.0, -53);
    case Arithmetic::i32: return 0;
    default: return std::ldexp(1.0, -24);
  }
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

double round_to_storage(DType d, double v) { return round_to_storage(spec_of(d).a, v); }

double round_to_storage(Storage s, double v) {
  switch (s) {
    case Storage::f64: return v;
    case Storage::f32: return double(float(v));
    case Storage::f16: return double(round_mantissa(float(v), 10));
    case Storage::bf16: return double(round_mantissa(float(v), 7));
    case Storage::e4m3: return double(round_mantissa(float(v), 3));
    case Storage::e5m2: return double(round_mantissa(float(v), 2));
    case Storage::s8: return std::clamp(std::nearbyint(v), -128.0, 127.0);
    case Storage::s32: return std::clamp(std::nearbyint(v), -2147483648.0, 2147483647.0);
  }
  return v;
}

double random_value_for_storage(Storage s, double u) {
  return round_to_storage(s, s == Storage::s8 ? 127.0 * u : u);
}

}  // namespace gpubench
