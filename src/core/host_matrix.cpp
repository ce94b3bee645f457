#include "gpubench/core/host_matrix.hpp"

#include "gpubench/core/problem.hpp"

#include <cstdlib>
#include <limits>
#include <new>

namespace gpubench {

void HostMatrix::Free::operator()(void* p) const { std::free(p); }

HostMatrix::HostMatrix(DType storage, std::int64_t rows, std::int64_t cols)
    : HostMatrix(storage, rows, cols, spec_of(storage).a) {}

HostMatrix::HostMatrix(DType storage, std::int64_t rows, std::int64_t cols, Storage values)
    : dtype_(storage), values_(values), rows_(rows), cols_(cols) {
  const std::size_t elem = storage == DType::fp64 ? sizeof(double) : sizeof(float);
  std::size_t bytes = size() * elem;
  bytes = (bytes + 63) / 64 * 64;  // aligned_alloc wants a multiple of the alignment
  void* p = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
  if (!p) throw std::bad_alloc();
  data_.reset(p);
}

void HostMatrix::fill_random(std::uint64_t seed) {
  // splitmix64: fast (n = 8192 fills 67M entries) and well mixed; the top 53 bits give the
  // magnitude, the lowest bit the sign.
  std::uint64_t state = seed;
  const std::size_t n = size();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    double v = 0.125 + 0.875 * double(z >> 11) * 0x1.0p-53;
    v = random_value_for_storage(values_, v);
    if (z & 1) v = -v;
    if (is_double())
      f64()[i] = v;
    else
      f32()[i] = float(v);
  }
}

HostMatrix operand_a(DType d, const Shape& s) {
  return HostMatrix(d, s.batch * s.a_rows(), s.a_cols(), spec_of(d).a);
}

HostMatrix operand_b(DType d, const Shape& s) {
  return HostMatrix(d, s.batch * s.b_rows(), s.b_cols(), spec_of(d).b);
}

std::size_t host_bytes_for_case(DType d, const Shape& s) {
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  const std::size_t generated_elem = d == DType::fp64 ? sizeof(double) : sizeof(float);
  // A and B alone: C's element size 0.
  const std::size_t generated = s.operand_bytes(generated_elem, 0);
  const std::size_t stored = s.operand_bytes(element_bytes(d), element_bytes_c(d));
  // C alone, as doubles.
  const std::size_t read_back = Shape{s.m, s.n, 0, s.layout, s.batch}.operand_bytes(0, sizeof(double));
  std::size_t total = 0;
  for (std::size_t part : {generated, stored, read_back}) {
    if (part == kMax || total > kMax - part) return kMax;
    total += part;
  }
  return total;
}

}  // namespace gpubench
