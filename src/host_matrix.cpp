#include "gpubench/host_matrix.hpp"

#include <cstdlib>
#include <new>
#include <random>

namespace gpubench {

void HostMatrix::Free::operator()(void* p) const { std::free(p); }

HostMatrix::HostMatrix(DType storage, std::int64_t rows, std::int64_t cols)
    : dtype_(storage), rows_(rows), cols_(cols) {
  const std::size_t elem = storage == DType::fp64 ? sizeof(double) : sizeof(float);
  std::size_t bytes = size() * elem;
  bytes = (bytes + 63) / 64 * 64;  // aligned_alloc wants a multiple of the alignment
  void* p = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
  if (!p) throw std::bad_alloc();
  data_.reset(p);
}

void HostMatrix::fill_random(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> mag(0.125, 1.0);
  const std::size_t n = size();
  for (std::size_t i = 0; i < n; ++i) {
    double v = mag(rng);
    if (rng() & 1) v = -v;
    v = round_to_storage(dtype_, v);
    if (is_double())
      f64()[i] = v;
    else
      f32()[i] = float(v);
  }
}

}  // namespace gpubench
