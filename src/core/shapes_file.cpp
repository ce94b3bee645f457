#include "gpubench/core/shapes_file.hpp"

#include <algorithm>
#include <set>
#include <tuple>
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
    "--shapes file format: one shape per line, 'M,N,K[,dtype[,layout[,batch]]]' (C is M x N, K "
    "is the inner dimension; layout nn, nt, tn or tt; an empty field takes --dtype, --layout or "
    "--batch), an optional header line 'm,n,k,dtype,layout,batch', '#' comments, e.g.\n"
    "  # m,n,k,dtype,layout,batch\n  4096,4096,4096\n  8192,1024,4096,bf16\n"
    "  2048,2048,128,bf16,nt,32";

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
    if (fields.size() < 3 || fields.size() > 6)
      fail(fmt::format("expected 3 to 6 fields (M,N,K[,dtype[,layout[,batch]]]), found {}",
                       fields.size()));
    ShapeCase c;
    try {
      c.shape = {parse_dimension(fields[0], "M"), parse_dimension(fields[1], "N"),
                 parse_dimension(fields[2], "K")};
      check_shape_bytes(c.shape);
    } catch (const UsageError& e) {
      fail(e.what());
    }
    if (fields.size() >= 4 && !fields[3].empty()) {
      c.dtype = parse_dtype(lower(fields[3]));
      if (!c.dtype)
        fail(fmt::format("unknown dtype '{}' (known: {})", shown_input(fields[3]),
                         dtype_grammar()));
    }
    if (fields.size() >= 5 && !fields[4].empty()) {
      c.layout = parse_layout(fields[4]);
      if (!c.layout)
        fail(fmt::format("unknown layout '{}' (known: nn, nt, tn, tt)", shown_input(fields[4])));
      c.shape.layout = *c.layout;
    }
    if (fields.size() == 6 && !fields[5].empty()) {
      try {
        c.batch = parse_batch(fields[5], "batch");
      } catch (const UsageError& e) {
        fail(e.what());
      }
      c.shape.batch = *c.batch;
      try {
        check_shape_bytes(c.shape);
      } catch (const UsageError& e) {
        fail(e.what());
      }
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

std::vector<ShapeGroup> without_repeated_cases(std::vector<ShapeGroup> groups) {
  std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t, Layout, std::int64_t, DType>> seen;
  for (ShapeGroup& g : groups) {
    std::vector<Shape> kept;
    for (const Shape& s : g.shapes) {
      bool is_new = false;
      for (DType d : g.dtypes) is_new |= seen.insert({s.m, s.n, s.k, s.layout, s.batch, d}).second;
      if (is_new) kept.push_back(s);
    }
    g.shapes = std::move(kept);
  }
  std::erase_if(groups, [](const ShapeGroup& g) { return g.shapes.empty(); });
  return groups;
}

std::vector<ShapeGroup> group_shape_cases(const std::vector<ShapeCase>& cases,
                                          const std::vector<DType>& default_dtypes,
                                          const std::vector<Layout>& default_layouts,
                                          std::int64_t default_batch) {
  std::vector<ShapeGroup> groups;
  ShapeGroup plain{{}, default_dtypes};
  for (const ShapeCase& c : cases) {
    // The line's shape in its own layout, or in each of the command line's.
    std::vector<Shape> shapes;
    for (Layout l : c.layout ? std::vector<Layout>{*c.layout} : default_layouts) {
      Shape s = c.shape;
      s.layout = l;
      s.batch = c.batch ? *c.batch : default_batch;
      check_shape_bytes(s);
      shapes.push_back(s);
    }
    if (!c.dtype) {
      plain.shapes.insert(plain.shapes.end(), shapes.begin(), shapes.end());
      continue;
    }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const ShapeGroup& g) {
      return g.dtypes.size() == 1 && g.dtypes[0] == *c.dtype;
    });
    if (it == groups.end()) it = groups.insert(groups.end(), ShapeGroup{{}, {*c.dtype}});
    it->shapes.insert(it->shapes.end(), shapes.begin(), shapes.end());
  }
  if (!plain.shapes.empty()) groups.insert(groups.begin(), plain);
  return without_repeated_cases(std::move(groups));
}

std::vector<Shape> with_layouts_and_batch(const std::vector<Shape>& shapes,
                                          const std::vector<Layout>& layouts, std::int64_t batch) {
  std::vector<Shape> out;
  for (Layout l : layouts)
    for (Shape s : shapes) {
      s.layout = l;
      s.batch = batch;
      check_shape_bytes(s);
      out.push_back(s);
    }
  return out;
}

}  // namespace gpubench
