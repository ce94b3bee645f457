// --shapes FILE: the shapes of a real workload (e.g. a transformer layer's GEMMs) as CSV.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/shape.hpp"

namespace gpubench {

struct ShapeCase {
  Shape shape;  // its layout and batch are the line's own, when given
  std::optional<DType> dtype;    // the line's own dtype; otherwise --dtype applies
  std::optional<Layout> layout;  // the line's own layout; otherwise --layout applies
  std::optional<std::int64_t> batch;  // the line's own batch; otherwise --batch applies
  std::int64_t count = 1;  // how many times the workload calls it (a captured file's weight)
};

// The largest count column: beyond it a count is surely a typo.
inline constexpr std::int64_t kMaxShapeCount = 1'000'000'000'000'000;

// Lines "M,N,K[,dtype[,layout[,batch[,count]]]]", e.g. "2048,2048,128,bf16,nt,32" (attention scores);
// an empty field takes the command line's value ("4096,4096,4096,,tn"). An optional header line
// (m,n,k,...); '#' starts a comment; blank lines are ignored. Dimensions get the --sizes checks.
// Throws UsageError naming origin:line and the bad field; a file without any shape is an error.
std::vector<ShapeCase> parse_shapes_csv(std::string_view text, const std::string& origin);
std::vector<ShapeCase> read_shapes_file(const std::string& path);

// Shapes x dtypes that run together (one Runner call each).
// One case of a workload and how many times the workload calls it (a shapes file's count column).
struct CaseCalls {
  Shape shape;
  DType dtype = DType::fp32;
  std::int64_t calls = 0;
};

struct ShapeGroup {
  std::vector<Shape> shapes;
  std::vector<DType> dtypes;
  // The workload's calls of the group's cases (shape and dtype: a dtype's calls are its own, so
  // that a case listed again with its dtype adds to that dtype alone); empty for --sizes.
  std::vector<CaseCalls> calls;
  // The workload calls of `s` in `d`, 0 where the group has none.
  std::int64_t calls_of(const Shape& s, DType d) const;
  // Adds `n` calls of `s` in `d` (to the calls already there); a count of 0 is no case.
  void add_calls(const Shape& s, DType d, std::int64_t n);
  // Takes the calls of `s` in `d` out of the group, and returns them.
  std::int64_t take_calls(const Shape& s, DType d);
};

// `groups` with each case (shape and dtype) only where it first runs (as --sizes 64,64 measures
// 64 once): a results file holds one record per case, and compare and the gate refuse two. A
// repeat's workload calls are added to the case where it runs (a captured file's weights are
// summed, never dropped). A group left without shapes goes.
std::vector<ShapeGroup> without_repeated_cases(std::vector<ShapeGroup> groups);

// Lines without a dtype run with `default_dtypes`; lines with one run with that dtype only.
// Lines without a layout run in each of `default_layouts`, without a batch with `default_batch`.
// Groups keep the file's order within them; a case (shape and dtype) listed twice runs once, with
// the calls of both lines.
std::vector<ShapeGroup> group_shape_cases(const std::vector<ShapeCase>& cases,
                                          const std::vector<DType>& default_dtypes,
                                          const std::vector<Layout>& default_layouts = {Layout::nn},
                                          std::int64_t default_batch = 1);

// --sizes shapes in each of `layouts`, with `batch` products (layout-major: every size in the
// first layout, then the next).
std::vector<Shape> with_layouts_and_batch(const std::vector<Shape>& shapes,
                                          const std::vector<Layout>& layouts, std::int64_t batch);

}  // namespace gpubench
