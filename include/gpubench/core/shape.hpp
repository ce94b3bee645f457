// Matrix-multiplication shapes and the --sizes grammar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// C (M x N) = A (M x K) * B (K x N). Row-major throughout gpubench.
struct Shape {
  std::int64_t m = 0, n = 0, k = 0;
  bool operator==(const Shape&) const = default;
  bool square() const { return m == n && n == k; }
  // "4096" for a square shape, "4096x1024x512" otherwise.
  std::string label() const;
  // 2*M*N*K: one multiply and one add per inner-product term.
  double flops() const { return 2.0 * double(m) * double(n) * double(k); }
  // Bytes of A, B and C for an element size, or SIZE_MAX when that overflows size_t.
  std::size_t operand_bytes(std::size_t element_bytes) const;
};

// The grammar, printed with every parse error.
extern const char* const kSizesGrammar;

// The checks every dimension gets, shared by --sizes and --shapes: a positive integer no larger
// than BLAS's 32-bit limit. Returns the value or throws UsageError with the reason alone
// ("M '-5' is negative"), for the caller to add where it came from.
std::int64_t parse_dimension(std::string_view token, std::string_view what);
// Throws UsageError when the shape's operands overflow a size_t byte count.
void check_shape_bytes(const Shape& s);

// Parses a --sizes SPEC: "128..8192", "128..1024:+128", "256..4096:x4", "512,1000,3000",
// "4096x1024x512", "4096x1024" (K = N), lists mixing all of these. Throws UsageError that names
// the bad token and shows the grammar. Never returns an empty list.
std::vector<Shape> parse_sizes(std::string_view spec);

}  // namespace gpubench
