#include "gpubench/core/shapes_file.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <cctype>
#include <cerrno>
#include <charconv>
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
    "--shapes file format: one shape per line, 'M,N,K[,dtype[,layout[,batch[,count]]]]' (C is M "
    "x N, K is the inner dimension; layout nn, nt, tn or tt; an empty field takes --dtype, "
    "--layout or --batch; count: the calls of the shape in the workload, 1 if empty), an "
    "optional header line 'm,n,k,dtype,layout,batch,count', '#' comments, e.g.\n"
    "  # m,n,k,dtype,layout,batch,count\n  4096,4096,4096\n  8192,1024,4096,bf16\n"
    "  2048,2048,128,bf16,nt,32,96";

// A count column's value: a whole number of calls, 1 to 10^15.
std::int64_t parse_count(std::string_view token) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || end != token.data() + token.size() || v < 1 || v > kMaxShapeCount)
    throw UsageError(fmt::format("count '{}' is not a whole number from 1 to {}",
                                 shown_input(token), kMaxShapeCount));
  return v;
}

// Adds each of `shapes` to `g` once, with `count` calls in each of the group's dtypes.
void add_counted(ShapeGroup& g, const std::vector<Shape>& shapes, std::int64_t count) {
  for (const Shape& s : shapes) {
    if (std::find(g.shapes.begin(), g.shapes.end(), s) == g.shapes.end()) g.shapes.push_back(s);
    for (DType d : g.dtypes) g.add_calls(s, d, count);
  }
}

}  // namespace

std::int64_t ShapeGroup::calls_of(const Shape& s, DType d) const {
  for (const CaseCalls& c : calls)
    if (c.shape == s && c.dtype == d) return c.calls;
  return 0;
}

void ShapeGroup::add_calls(const Shape& s, DType d, std::int64_t n) {
  if (n <= 0) return;
  for (CaseCalls& c : calls)
    if (c.shape == s && c.dtype == d) {
      c.calls += n;
      return;
    }
  calls.push_back({s, d, n});
}

std::int64_t ShapeGroup::take_calls(const Shape& s, DType d) {
  const std::int64_t n = calls_of(s, d);
  std::erase_if(calls, [&](const CaseCalls& c) { return c.shape == s && c.dtype == d; });
  return n;
}

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
    if (fields.size() < 3 || fields.size() > 7)
      fail(fmt::format("expected 3 to 7 fields (M,N,K[,dtype[,layout[,batch[,count]]]]), found {}",
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
    if (fields.size() >= 6 && !fields[5].empty()) {
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
    if (fields.size() == 7 && !fields[6].empty()) {
      try {
        c.count = parse_count(fields[6]);
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
  // Each case's group where it first runs: a repeat's calls go there.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, Layout, std::int64_t, DType>,
           std::size_t>
      first;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    std::vector<Shape> kept;
    for (const Shape& s : groups[i].shapes) {
      bool is_new = false;
      for (DType d : groups[i].dtypes) {
        const auto [at, inserted] = first.try_emplace({s.m, s.n, s.k, s.layout, s.batch, d}, i);
        is_new |= inserted;
        if (!inserted && at->second != i)
          groups[at->second].add_calls(s, d, groups[i].take_calls(s, d));
      }
      if (is_new) kept.push_back(s);
    }
    groups[i].shapes = std::move(kept);
  }
  std::erase_if(groups, [](const ShapeGroup& g) { return g.shapes.empty(); });
  return groups;
}

std::vector<ShapeGroup> group_shape_cases(const std::vector<ShapeCase>& cases,
                                          const std::vector<DType>& default_dtypes,
                                          const std::vector<Layout>& default_layouts,
                                          std::int64_t default_batch) {
  std::vector<ShapeGroup> groups;
  ShapeGroup plain{{}, default_dtypes, {}};
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
      add_counted(plain, shapes, c.count);
      continue;
    }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const ShapeGroup& g) {
      return g.dtypes.size() == 1 && g.dtypes[0] == *c.dtype;
    });
    if (it == groups.end()) it = groups.insert(groups.end(), ShapeGroup{{}, {*c.dtype}, {}});
    add_counted(*it, shapes, c.count);
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
