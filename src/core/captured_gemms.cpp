#include "gpubench/core/captured_gemms.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "gpubench/core/format_util.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

namespace {

// cudaDataType_t (library_types.h) and cublasComputeType_t (cublas_api.h) values the interposer
// writes; the CPU entry points use the same numbers for float and double.
constexpr int kR32F = 0, kR64F = 1, kR16F = 2, kR8I = 3, kR16BF = 14, kR8F_E4M3 = 28,
              kR8F_E5M2 = 29;
constexpr int kCompute32FFastTF32 = 77;

Layout layout_of(char a, char b) {
  if (a == 'n') return b == 'n' ? Layout::nn : Layout::nt;
  return b == 'n' ? Layout::tn : Layout::tt;
}

// fp8 A x B with C's type choosing the output variant (gpubench's fp8 names: bf16 out by default).
std::optional<DType> fp8_dtype(int a, int b, int c) {
  static const std::map<std::tuple<int, int, int>, DType> table = {
      {{kR8F_E4M3, kR8F_E4M3, kR16BF}, DType::fp8e4m3},
      {{kR8F_E4M3, kR8F_E4M3, kR16F}, DType::fp8e4m3_fp16},
      {{kR8F_E4M3, kR8F_E4M3, kR32F}, DType::fp8e4m3_fp32},
      {{kR8F_E5M2, kR8F_E4M3, kR16BF}, DType::fp8e5m2},
      {{kR8F_E5M2, kR8F_E4M3, kR16F}, DType::fp8e5m2_fp16},
      {{kR8F_E5M2, kR8F_E4M3, kR32F}, DType::fp8e5m2_fp32},
      {{kR8F_E4M3, kR8F_E5M2, kR16BF}, DType::fp8e4m3e5m2},
      {{kR8F_E4M3, kR8F_E5M2, kR16F}, DType::fp8e4m3e5m2_fp16},
      {{kR8F_E4M3, kR8F_E5M2, kR32F}, DType::fp8e4m3e5m2_fp32},
  };
  const auto it = table.find({a, b, c});
  if (it == table.end()) return std::nullopt;
  return it->second;
}

}  // namespace

CaptureLog parse_capture_log(std::string_view text) {
  CaptureLog log;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream f(line);
    CapturedCall c;
    f >> c.api;
    if (c.api == "dropped") {
      f >> log.dropped;
    } else {
      f >> c.order >> c.trans_a >> c.trans_b >> c.m >> c.n >> c.k >> c.batch >> c.a_type >>
          c.b_type >> c.c_type >> c.compute >> c.calls >> c.nanoseconds;
      log.calls.push_back(c);
    }
    if (!f) throw std::runtime_error("a malformed capture line: '" + line + "'");
  }
  return log;
}

Shape row_major_shape(const CapturedCall& c) {
  Shape s;
  s.batch = c.batch;
  if (c.order == 'r') {
    s.m = c.m, s.n = c.n, s.k = c.k;
    s.layout = layout_of(c.trans_a, c.trans_b);
  } else {
    s.m = c.n, s.n = c.m, s.k = c.k;
    s.layout = layout_of(c.trans_b, c.trans_a);
  }
  return s;
}

std::optional<DType> captured_dtype(const CapturedCall& c) {
  const int a = c.order == 'r' ? c.a_type : c.b_type;  // row-major A
  const int b = c.order == 'r' ? c.b_type : c.a_type;
  if (a == kR8F_E4M3 || a == kR8F_E5M2) return fp8_dtype(a, b, c.c_type);
  if (a != b) return std::nullopt;
  switch (a) {
    case kR64F: return DType::fp64;
    case kR32F: return c.compute == kCompute32FFastTF32 ? DType::tf32 : DType::fp32;
    case kR16F: return DType::fp16;
    case kR16BF: return DType::bf16;
    case kR8I: return DType::int8;
    default: return std::nullopt;
  }
}

CaptureSummary merge_captured(const std::vector<CaptureLog>& logs) {
  CaptureSummary out;
  for (const CaptureLog& log : logs) {
    ++out.processes;
    out.dropped += log.dropped;
    for (const CapturedCall& call : log.calls) {
      out.calls += call.calls;
      const std::optional<DType> dtype = captured_dtype(call);
      if (!dtype) {
        out.unknown_type_calls += call.calls;
        continue;
      }
      const Shape shape = row_major_shape(call);
      auto it = std::find_if(out.cases.begin(), out.cases.end(), [&](const CapturedCase& c) {
        return c.shape == shape && c.dtype == *dtype;
      });
      if (it == out.cases.end()) {
        CapturedCase c;
        c.shape = shape;
        c.dtype = *dtype;
        it = out.cases.insert(out.cases.end(), c);
      }
      it->calls += call.calls;
      it->seconds += double(call.nanoseconds) * 1e-9;
      if (("," + it->apis + ",").find("," + call.api + ",") == std::string::npos)
        it->apis += (it->apis.empty() ? "" : ",") + call.api;
    }
  }
  std::stable_sort(out.cases.begin(), out.cases.end(), [](const auto& x, const auto& y) {
    if (x.seconds != y.seconds) return x.seconds > y.seconds;
    return x.shape.flops() * double(x.calls) > y.shape.flops() * double(y.calls);
  });
  return out;
}

std::string format_capture_shapes(const CaptureSummary& s, const std::string& command) {
  std::string out = fmt::format(
      "# gpubench capture of: {}\n# {}, {}; replay: gpubench matmul "
      "--shapes FILE (each line weighed by its count)\nm,n,k,dtype,layout,batch,count\n",
      printable_text(command), format_count(s.cases.size(), "distinct GEMM"),
      format_count(s.calls - s.unknown_type_calls, "call"));
  for (const CapturedCase& c : s.cases) {
    const std::string time = c.seconds > 0 ? fmt::format("{:.6f} s, ", c.seconds) : "";
    out += fmt::format("{},{},{},{},{},{},{}  # {}{}\n", c.shape.m, c.shape.n, c.shape.k,
                       to_string(c.dtype), to_string(c.shape.layout), c.shape.batch, c.calls,
                       time, c.apis);
  }
  return out;
}

std::string format_capture_summary(const CaptureSummary& s, std::size_t top) {
  double total = 0;
  for (const CapturedCase& c : s.cases) total += c.seconds;
  std::string out = fmt::format("gpubench: captured {}, {} distinct, from {}",
                                format_count(s.calls, "GEMM call"), s.cases.size(),
                                format_count(s.processes, "process", "processes"));
  if (total > 0) {
    double top_time = 0;
    for (std::size_t i = 0; i < s.cases.size() && i < top; ++i) top_time += s.cases[i].seconds;
    out += fmt::format("; {} in CPU GEMMs, the top {} {:.1f}% of it", format_seconds(total),
                       format_count(std::min(top, s.cases.size()), "shape"),
                       100.0 * top_time / total);
  }
  out += "\n";
  if (s.unknown_type_calls > 0)
    out += fmt::format("gpubench: warning: {} of types gpubench cannot replay {} left out\n",
                       format_count(s.unknown_type_calls, "call"),
                       s.unknown_type_calls == 1 ? "was" : "were");
  if (s.dropped > 0)
    out += fmt::format("gpubench: warning: {} beyond the capture table's distinct-shape limit "
                       "{} not recorded\n", format_count(s.dropped, "call"),
                       s.dropped == 1 ? "was" : "were");
  return out;
}

}  // namespace gpubench
