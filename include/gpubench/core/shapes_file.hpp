// --shapes FILE: the shapes of a real workload (e.g. a transformer layer's GEMMs) as CSV.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/shape.hpp"

namespace gpubench {

struct ShapeCase {
  Shape shape;
  std::optional<DType> dtype;  // the line's own dtype; otherwise --dtype applies
};

// Lines "M,N,K" or "M,N,K,dtype"; an optional header line (m,n,k[,dtype]); '#' starts a comment;
// blank lines are ignored. Dimensions get the --sizes checks. Throws UsageError naming
// origin:line and the bad field; a file without any shape is an error too.
std::vector<ShapeCase> parse_shapes_csv(std::string_view text, const std::string& origin);
std::vector<ShapeCase> read_shapes_file(const std::string& path);

// Shapes x dtypes that run together (one Runner call each).
struct ShapeGroup {
  std::vector<Shape> shapes;
  std::vector<DType> dtypes;
};

// Lines without a dtype run with `default_dtypes`; lines with one run with that dtype only.
// Groups keep the file's order within them.
std::vector<ShapeGroup> group_shape_cases(const std::vector<ShapeCase>& cases,
                                          const std::vector<DType>& default_dtypes);

}  // namespace gpubench
