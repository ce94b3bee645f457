// What `gpubench capture` recorded: the interposer's per-process tables (raw BLAS arguments, see
// src/backends/capture/gemm_interposer.cpp) mapped to gpubench's row-major shapes and dtypes,
// merged, and written as a --shapes file with a count column.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/shape.hpp"

namespace gpubench {

// One line of an interposer table: the call's arguments as the library took them.
struct CapturedCall {
  std::string api;  // cblas, fortran, cublas, cublaslt
  char order = 'c';  // 'r' row-major (CBLAS's CblasRowMajor), 'c' column-major
  char trans_a = 'n', trans_b = 'n';
  std::int64_t m = 0, n = 0, k = 0, batch = 1;
  int a_type = 0, b_type = 0, c_type = 0;  // cudaDataType_t numbers (0 float, 1 double, ...)
  int compute = -1;                        // cublasComputeType_t, -1 when the call has none
  std::int64_t calls = 0;
  std::int64_t nanoseconds = 0;  // time in the call: CPU libraries only
  bool cpu() const { return api == "cblas" || api == "fortran"; }
};

struct CaptureLog {
  std::vector<CapturedCall> calls;
  std::int64_t dropped = 0;  // calls beyond the interposer's table size
};

// Parses one process's table; throws std::runtime_error on a malformed line.
CaptureLog parse_capture_log(std::string_view text);

// The call in gpubench's terms: C (M x N) = op(A) op(B) row-major, the layout letters A's then B's.
// A column-major call computes C^T = op(B)^T op(A)^T: M and N swap, and so do the operands.
Shape row_major_shape(const CapturedCall& c);
// gpubench's dtype for the call's types (row-major A first), or nullopt when it has none.
std::optional<DType> captured_dtype(const CapturedCall& c);

// One distinct case of the workload: a shape, its dtype, how often and how long it ran.
struct CapturedCase {
  Shape shape;
  DType dtype = DType::fp32;
  std::int64_t calls = 0;
  double seconds = 0;  // CPU calls' time; 0 for GPU calls (asynchronous)
  std::string apis;    // the interfaces it came through, e.g. "cblas" or "cublas,cublaslt"
};

struct CaptureSummary {
  std::vector<CapturedCase> cases;  // by time spent, then by FLOPs x calls, largest first
  std::int64_t calls = 0;
  std::int64_t unknown_type_calls = 0;  // calls of a type gpubench cannot replay (left out)
  std::int64_t dropped = 0;
  int processes = 0;
};

CaptureSummary merge_captured(const std::vector<CaptureLog>& logs);

// The --shapes file: a header comment naming the command, the column header, one line per case
// "M,N,K,dtype,layout,batch,count" with a trailing comment of its time and interfaces.
std::string format_capture_shapes(const CaptureSummary& s, const std::string& command);
// The lines printed on stderr: distinct shapes, calls, processes, the top cases' share of time.
std::string format_capture_summary(const CaptureSummary& s, std::size_t top = 10);

}  // namespace gpubench
