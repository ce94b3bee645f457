// Matrix-multiplication shapes and the --sizes grammar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// How A and B are stored, row-major: the first letter is A's, the second B's. 'n': as the product
// reads it (A is M x K, B is K x N); 't': transposed (A is stored K x M, B is stored N x K) and
// the product uses its transpose. nt is C = A B^T, a Linear layer (x W^T) or attention's Q K^T.
// In column-major BLAS terms a row-major layout is the same letters swapped between the operands
// (row-major nt is column-major "TN", what cuBLASLt's fp8 and int8 kernels take on Hopper).
enum class Layout { nn, nt, tn, tt };
inline constexpr Layout kAllLayouts[] = {Layout::nn, Layout::nt, Layout::tn, Layout::tt};
std::string_view to_string(Layout l);
std::optional<Layout> parse_layout(std::string_view s);  // "nn", "NT", ...
// A comma-separated list ("nn,nt"); throws UsageError naming the bad token. Never empty.
std::vector<Layout> parse_layout_list(std::string_view s);
inline bool transposed_a(Layout l) { return l == Layout::tn || l == Layout::tt; }
inline bool transposed_b(Layout l) { return l == Layout::nt || l == Layout::tt; }

// `batch` products C_i (M x N) = op(A_i) op(B_i), stored one after the other (strided batches),
// with A and B stored as `layout` says. Row-major throughout gpubench.
struct Shape {
  std::int64_t m = 0, n = 0, k = 0;
  Layout layout = Layout::nn;
  std::int64_t batch = 1;
  bool operator==(const Shape&) const = default;
  bool square() const { return m == n && n == k; }
  // The plain case the size sweeps are made of: nn, one product.
  bool plain() const { return layout == Layout::nn && batch == 1; }
  // "4096" for a square shape, "4096x1024x512" otherwise; then " nt" when the layout is not nn
  // and " batch 32" when there is more than one product: "2048x2048x128 nt batch 32".
  std::string label() const;
  // The stored dimensions of one A and one B (row-major rows x columns), as the layout says.
  std::int64_t a_rows() const { return transposed_a(layout) ? k : m; }
  std::int64_t a_cols() const { return transposed_a(layout) ? m : k; }
  std::int64_t b_rows() const { return transposed_b(layout) ? n : k; }
  std::int64_t b_cols() const { return transposed_b(layout) ? k : n; }
  // 2*M*N*K per product, times the batch: one multiply and one add per inner-product term.
  double flops() const { return 2.0 * double(m) * double(n) * double(k) * double(batch); }
  // Bytes of every A, B and C of the batch for an element size (of C: `c_bytes`, when C is
  // stored wider than A and B), or SIZE_MAX when that overflows size_t.
  std::size_t operand_bytes(std::size_t element_bytes) const;
  std::size_t operand_bytes(std::size_t ab_bytes, std::size_t c_bytes) const;
};

// The largest --batch and batch column: beyond it a "batch" is surely a typo.
inline constexpr std::int64_t kMaxBatch = 1 << 20;
// Parses a batch count (a positive integer <= kMaxBatch); throws UsageError with the reason alone.
std::int64_t parse_batch(std::string_view token, std::string_view what);

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
