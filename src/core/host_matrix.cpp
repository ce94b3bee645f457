#include "gpubench/core/host_matrix.hpp"

#include "gpubench/core/problem.hpp"

#include <cstdlib>
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

}  // namespace gpubench
