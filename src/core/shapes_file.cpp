#include "gpubench/core/shapes_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/input_file.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields = split_list(line);
  for (std::string_view& f : fields) f = trim(f);
  return fields;
}

constexpr const char* kShapesFormat =
    "--shapes file format: one shape per line, 'M,N,K' or 'M,N,K,dtype' (C is M x N, K is the "
    "inner dimension), an optional header line 'm,n,k,dtype', '#' comments, e.g.\n"
    "  # m,n,k,dtype\n  4096,4096,4096\n  8192,1024,4096,bf16";

}  // namespace

std::vector<ShapeCase> parse_shapes_csv(std::string_view text, const std::string& origin) {
  std::vector<ShapeCase> out;
  int line_no = 0;
  bool first_content_line = true;
  // Spreadsheets start a UTF-8 CSV with a byte order mark.
  std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == text.npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (const auto hash = line.find('#'); hash != line.npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    const auto fail = [&](const std::string& why) {
      throw UsageError(
          fmt::format("{}:{}: {} in '{}'\n{}", origin, line_no, why, shown_input(line), kShapesFormat));
    };
    const auto fields = split(line);
    if (first_content_line && !fields.empty() && lower(fields[0]) == "m") {
      first_content_line = false;
      continue;  // the optional header
    }
    first_content_line = false;
    if (fields.size() < 3 || fields.size() > 4)
      fail(fmt::format("expected 3 or 4 fields (M,N,K[,dtype]), found {}", fields.size()));
    ShapeCase c;
    try {
      c.shape = {parse_dimension(fields[0], "M"), parse_dimension(fields[1], "N"),
                 parse_dimension(fields[2], "K")};
      check_shape_bytes(c.shape);
    } catch (const UsageError& e) {
      fail(e.what());
    }
    if (fields.size() == 4 && !fields[3].empty()) {
      c.dtype = parse_dtype(lower(fields[3]));
      if (!c.dtype)
        fail(fmt::format("unknown dtype '{}' (known: fp64, fp32, tf32, fp16, bf16)",
                         shown_input(fields[3])));
    }
    out.push_back(c);
  }
  if (out.empty())
    throw UsageError(fmt::format("{}: no shapes in the file\n{}", origin, kShapesFormat));
  return out;
}

std::vector<ShapeCase> read_shapes_file(const std::string& path) {
  return parse_shapes_csv(read_input_file(path, "--shapes", kMaxShapesFileBytes), path);
}

std::vector<ShapeGroup> group_shape_cases(const std::vector<ShapeCase>& cases,
                                          const std::vector<DType>& default_dtypes) {
  std::vector<ShapeGroup> groups;
  ShapeGroup plain{{}, default_dtypes};
  for (const ShapeCase& c : cases) {
    if (!c.dtype) {
      plain.shapes.push_back(c.shape);
      continue;
    }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const ShapeGroup& g) {
      return g.dtypes.size() == 1 && g.dtypes[0] == *c.dtype;
    });
    if (it == groups.end()) it = groups.insert(groups.end(), ShapeGroup{{}, {*c.dtype}});
    it->shapes.push_back(c.shape);
  }
  if (!plain.shapes.empty()) groups.insert(groups.begin(), plain);
  return groups;
}

}  // namespace gpubench
