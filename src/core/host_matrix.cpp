#include "gpubench/core/host_matrix.hpp"

#include "gpubench/core/problem.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <new>
#include <thread>
#include <vector>

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
  // splitmix64: fast and well mixed; the top 53 bits give the magnitude, the lowest bit the sign.
  // Entry i is a function of (seed, i) alone, so large matrices are filled by several threads
  // with the very same values (n = 8192 fills 67M entries: ~0.5 s on one core).
  const auto fill = [this, seed](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      std::uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;
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
  };
  constexpr std::size_t kPerThread = std::size_t(1) << 20;
  const std::size_t n = size();
  const std::size_t threads = std::clamp<std::size_t>(
      n / kPerThread, 1, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t)
    pool.emplace_back(fill, n * t / threads, n * (t + 1) / threads);
  fill(0, n / threads);
  for (std::thread& th : pool) th.join();
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
