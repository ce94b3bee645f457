// 64-byte-aligned host matrices. Values are held as float (every dtype but fp64) or double.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/shape.hpp"

namespace gpubench {

class HostMatrix {
 public:
  HostMatrix() = default;
  // Allocates rows x cols elements of `float` (or `double` for fp64); uninitialised. `values`:
  // the storage format its random values are rounded to (the dtype's A format when absent; B's
  // differs in the fp8 mixes).
  HostMatrix(DType storage, std::int64_t rows, std::int64_t cols);
  HostMatrix(DType storage, std::int64_t rows, std::int64_t cols, Storage values);

  DType dtype() const { return dtype_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::size_t size() const { return std::size_t(rows_) * std::size_t(cols_); }
  bool is_double() const { return dtype_ == DType::fp64; }

  float* f32() { return static_cast<float*>(data_.get()); }
  const float* f32() const { return static_cast<const float*>(data_.get()); }
  double* f64() { return static_cast<double*>(data_.get()); }
  const double* f64() const { return static_cast<const double*>(data_.get()); }
  double at(std::size_t i) const { return is_double() ? f64()[i] : double(f32()[i]); }

  Storage values() const { return values_; }

  // Fills with uniform values in [-1, -0.125] U [0.125, 1] (never zero), rounded to the storage
  // format (int8: integers 16..127 in magnitude, see random_value_for_storage), from a fixed
  // seed. Writing every element also first-touches the pages.
  void fill_random(std::uint64_t seed);

 private:
  struct Free {
    void operator()(void* p) const;
  };
  DType dtype_ = DType::fp32;
  Storage values_ = Storage::f32;
  std::int64_t rows_ = 0, cols_ = 0;
  std::unique_ptr<void, Free> data_;
};

// Host bytes a case of this dtype and shape needs at most, or SIZE_MAX when that overflows: A and
// B as generated (float, or double for fp64), a copy of A, B and C in the dtype's storage (a GPU's
// staging buffers, a CPU library's converted operands and its result), and C read back as doubles
// for the check. Every A is M x K, every B K x N, every C M x N, times the batch. The runner (so
// matmul and peak) and the replay of captured shapes skip a case by this one figure.
std::size_t host_bytes_for_case(DType d, const Shape& s);

}  // namespace gpubench
