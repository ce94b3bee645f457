#include "gpubench/core/dtype.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

namespace {
// One row per DType, in enum order: its names, its storage and arithmetic, the CPU rows that
// answer it. Every list of types, the parser and the --dtype grammar are read off these rows.
constexpr GemmSpec kSpecs[] = {
    {DType::fp64, "fp64", "double float64 f64", Storage::f64, Storage::f64, Storage::f64,
     Arithmetic::f64, DType::fp64, "fp64 in and out, fp64 arithmetic (DGEMM)"},
    {DType::fp32, "fp32", "float float32 f32", Storage::f32, Storage::f32, Storage::f32,
     Arithmetic::f32, DType::fp32, "fp32 in and out, exact fp32 arithmetic (SGEMM)"},
    {DType::tf32, "tf32", "", Storage::f32, Storage::f32, Storage::f32, Arithmetic::tf32,
     DType::fp32, "fp32 in and out, tensor-core products of 10-bit mantissas, fp32 sums"},
    {DType::fp16, "fp16", "half float16 f16", Storage::f16, Storage::f16, Storage::f16,
     Arithmetic::f32, DType::fp16, "fp16 in and out, fp32 accumulation"},
    {DType::bf16, "bf16", "bfloat16", Storage::bf16, Storage::bf16, Storage::bf16, Arithmetic::f32,
     DType::bf16, "bf16 in and out, fp32 accumulation"},
    // fp8: no CPU library multiplies it, so its CPU rows answer themselves (unsupported).
    {DType::fp8e4m3, "fp8e4m3", "fp8 fp8e4m3e4m3", Storage::e4m3, Storage::e4m3, Storage::bf16,
     Arithmetic::f32, DType::fp8e4m3,
     "fp8 e4m3 x e4m3, per-tensor scales, fp32 accumulation, bf16 out"},
    {DType::fp8e4m3_fp16, "fp8e4m3:fp16", "", Storage::e4m3, Storage::e4m3, Storage::f16,
     Arithmetic::f32, DType::fp8e4m3_fp16,
     "fp8 e4m3 x e4m3, per-tensor scales, fp32 accumulation, fp16 out"},
    {DType::fp8e4m3_fp32, "fp8e4m3:fp32", "", Storage::e4m3, Storage::e4m3, Storage::f32,
     Arithmetic::f32, DType::fp8e4m3_fp32,
     "fp8 e4m3 x e4m3, per-tensor scales, fp32 accumulation, fp32 out"},
    {DType::fp8e5m2, "fp8e5m2", "fp8e5m2e4m3", Storage::e5m2, Storage::e4m3, Storage::bf16,
     Arithmetic::f32, DType::fp8e5m2,
     "fp8 e5m2 x e4m3, per-tensor scales, fp32 accumulation, bf16 out"},
    {DType::fp8e5m2_fp16, "fp8e5m2:fp16", "", Storage::e5m2, Storage::e4m3, Storage::f16,
     Arithmetic::f32, DType::fp8e5m2_fp16,
     "fp8 e5m2 x e4m3, per-tensor scales, fp32 accumulation, fp16 out"},
    {DType::fp8e5m2_fp32, "fp8e5m2:fp32", "", Storage::e5m2, Storage::e4m3, Storage::f32,
     Arithmetic::f32, DType::fp8e5m2_fp32,
     "fp8 e5m2 x e4m3, per-tensor scales, fp32 accumulation, fp32 out"},
    {DType::fp8e4m3e5m2, "fp8e4m3e5m2", "", Storage::e4m3, Storage::e5m2, Storage::bf16,
     Arithmetic::f32, DType::fp8e4m3e5m2,
     "fp8 e4m3 x e5m2, per-tensor scales, fp32 accumulation, bf16 out"},
    {DType::fp8e4m3e5m2_fp16, "fp8e4m3e5m2:fp16", "", Storage::e4m3, Storage::e5m2, Storage::f16,
     Arithmetic::f32, DType::fp8e4m3e5m2_fp16,
     "fp8 e4m3 x e5m2, per-tensor scales, fp32 accumulation, fp16 out"},
    {DType::fp8e4m3e5m2_fp32, "fp8e4m3e5m2:fp32", "", Storage::e4m3, Storage::e5m2, Storage::f32,
     Arithmetic::f32, DType::fp8e4m3e5m2_fp32,
     "fp8 e4m3 x e5m2, per-tensor scales, fp32 accumulation, fp32 out"},
    {DType::int8, "int8", "i8 s8", Storage::s8, Storage::s8, Storage::s32, Arithmetic::i32,
     DType::int8, "int8 in, exact int32 sums and out (tensor-core IMMA)"},
};

constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kSpecs); ++i)
    if (static_cast<std::size_t>(kSpecs[i].id) != i) return false;
  return true;
}
static_assert(rows_in_enum_order(), "kSpecs: one row per DType, in the enum's order");

constexpr auto kIds = [] {
  std::array<DType, std::size(kSpecs)> ids{};
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = kSpecs[i].id;
  return ids;
}();

// A family's name: the row's name before any ':OUTPUT'.
std::string_view family_of(const GemmSpec& s) { return s.name.substr(0, s.name.find(':')); }
bool is_family_row(const GemmSpec& s) { return s.name.find(':') == std::string_view::npos; }

std::vector<std::string_view> aliases_of(const GemmSpec& s) {
  std::vector<std::string_view> out;
  for (std::string_view a : split_list(s.aliases, ' '))
    if (!a.empty()) out.push_back(a);
  return out;
}

// The family row named `n` (its name or an alias), or null.
const GemmSpec* family_named(std::string_view n) {
  for (const GemmSpec& s : kSpecs) {
    if (!is_family_row(s)) continue;
    const auto aliases = aliases_of(s);
    if (s.name == n || std::find(aliases.begin(), aliases.end(), n) != aliases.end()) return &s;
  }
  return nullptr;
}

// The rows of a family after its own: its other outputs.
std::vector<const GemmSpec*> other_outputs(const GemmSpec& family) {
  std::vector<const GemmSpec*> out;
  for (const GemmSpec& s : kSpecs)
    if (!is_family_row(s) && family_of(s) == family.name) out.push_back(&s);
  return out;
}

// The storage an output suffix names: a type stored in that one format (fp16, half, float, ...).
std::optional<Storage> output_named(std::string_view n) {
  const GemmSpec* s = family_named(n);
  if (s && to_string(s->c) == s->name) return s->c;
  return std::nullopt;
}
}  // namespace

const std::span<const DType> kAllDTypes{kIds};

std::string_view to_string(DType d) { return spec_of(d).name; }

std::optional<DType> parse_dtype(std::string_view name) {
  // Case does not matter: FP32, BF16 and Float32 name what fp32, bf16 and float32 do.
  std::string s(name);
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  const auto colon = s.find(':');
  const GemmSpec* family = family_named(std::string_view(s).substr(0, colon));
  if (!family) return std::nullopt;
  if (colon == std::string::npos) return family->id;
  // FAMILY:OUTPUT, for families with several outputs; the family row's own output too.
  const auto outputs = other_outputs(*family);
  const auto out = output_named(std::string_view(s).substr(colon + 1));
  if (outputs.empty() || !out) return std::nullopt;
  if (family->c == *out) return family->id;
  for (const GemmSpec* o : outputs)
    if (o->c == *out) return o->id;
  return std::nullopt;
}

std::vector<DType> parse_dtype_list(std::string_view s) {
  std::vector<DType> out;
  for (std::string_view tok : split_list(s)) {
    auto d = parse_dtype(tok);
    if (!d)
      throw UsageError("unknown dtype '" + shown_input(tok) +
                       "' in --dtype; expected a comma-separated list of " + dtype_grammar());
    bool seen = false;
    for (DType e : out) seen = seen || e == *d;
    if (!seen) out.push_back(*d);
  }
  return out;
}

namespace {
// "fp8e4m3|fp8|fp8e4m3e4m3 (e4m3 x e4m3 -> bf16)": a family's names, and its formats when they
// are not one.
std::string family_entry(const GemmSpec& s) {
  std::string entry(s.name);
  for (std::string_view a : aliases_of(s)) entry += "|" + std::string(a);
  if (s.a != s.b || s.b != s.c)
    entry += fmt::format(" ({} x {} -> {})", to_string(s.a), to_string(s.b), to_string(s.c));
  return entry;
}

std::string joined(const std::vector<std::string>& items, std::string_view last_separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? std::string(last_separator) : ", ") + items[i];
  return out;
}

// "; a name shown -> bf16 may end in :fp16 or :fp32 for that output": one clause per family
// output and set of other outputs, in row order.
std::string output_clauses() {
  std::vector<std::string> clauses;
  for (const GemmSpec& s : kSpecs) {
    const auto outputs = other_outputs(s);
    if (!is_family_row(s) || outputs.empty()) continue;
    std::vector<std::string> suffixes;
    for (const GemmSpec* o : outputs) suffixes.push_back(":" + std::string(to_string(o->c)));
    const std::string clause = fmt::format("; a name shown -> {} may end in {} for that output",
                                           to_string(s.c), joined(suffixes, " or "));
    if (std::find(clauses.begin(), clauses.end(), clause) == clauses.end())
      clauses.push_back(clause);
  }
  std::string out;
  for (const std::string& c : clauses) out += c;
  return out;
}
}  // namespace

const std::string& dtype_grammar() {
  static const std::string grammar = [] {
    std::vector<std::string> entries;
    for (const GemmSpec& s : kSpecs)
      if (is_family_row(s)) entries.push_back(family_entry(s));
    return joined(entries, ", ") + output_clauses();
  }();
  return grammar;
}

const GemmSpec& spec_of(DType d) {
  const auto i = static_cast<std::size_t>(d);
  if (i >= std::size(kSpecs)) throw std::logic_error("spec_of: a DType without a GemmSpec row");
  return kSpecs[i];
}

std::size_t storage_bytes(Storage s) {
  switch (s) {
    case Storage::f64:
      return 8;
    case Storage::f32:
    case Storage::s32:
      return 4;
    case Storage::f16:
    case Storage::bf16:
      return 2;
    case Storage::e4m3:
    case Storage::e5m2:
    case Storage::s8:
      return 1;
  }
  return 4;
}

double storage_roundoff(Storage s) {
  switch (s) {
    case Storage::f64:
      return std::ldexp(1.0, -53);
    case Storage::f32:
      return std::ldexp(1.0, -24);
    case Storage::f16:
      return std::ldexp(1.0, -11);
    case Storage::bf16:
      return std::ldexp(1.0, -8);
    case Storage::e4m3:
      return std::ldexp(1.0, -4);
    case Storage::e5m2:
      return std::ldexp(1.0, -3);
    case Storage::s8:
    case Storage::s32:
      return 0;
  }
  return 0;
}

std::string_view to_string(Storage s) {
  switch (s) {
    case Storage::f64:
      return "fp64";
    case Storage::f32:
      return "fp32";
    case Storage::f16:
      return "fp16";
    case Storage::bf16:
      return "bf16";
    case Storage::e4m3:
      return "e4m3";
    case Storage::e5m2:
      return "e5m2";
    case Storage::s8:
      return "s8";
    case Storage::s32:
      return "s32";
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
    case Arithmetic::f64:
      return std::ldexp(1.0, -53);
    case Arithmetic::i32:
      return 0;
    default:
      return std::ldexp(1.0, -24);
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
    case Storage::f64:
      return v;
    case Storage::f32:
      return double(float(v));
    case Storage::f16:
      return double(round_mantissa(float(v), 10));
    case Storage::bf16:
      return double(round_mantissa(float(v), 7));
    case Storage::e4m3:
      return double(round_mantissa(float(v), 3));
    case Storage::e5m2:
      return double(round_mantissa(float(v), 2));
    case Storage::s8:
      return std::clamp(std::nearbyint(v), -128.0, 127.0);
    case Storage::s32:
      return std::clamp(std::nearbyint(v), -2147483648.0, 2147483647.0);
  }
  return v;
}

double random_value_for_storage(Storage s, double u) {
  return round_to_storage(s, s == Storage::s8 ? 127.0 * u : u);
}

}  // namespace gpubench
