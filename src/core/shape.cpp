#include "gpubench/core/shape.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

const char* const kSizesGrammar =
    "--sizes grammar (items separated by commas):\n"
    "  N                 a square N x N x N multiplication, e.g. 1024\n"
    "  A..B              powers-of-two steps from A to B (doubling), e.g. 128..8192\n"
    "  A..B:+S           arithmetic steps of S, e.g. 128..1024:+128\n"
    "  A..B:xF           geometric steps of factor F, e.g. 256..4096:x4\n"
    "  MxNxK             a rectangular shape: C is M x N, K is the inner dimension, e.g. 4096x1024x512\n"
    "  MxN               the same with K = N\n"
    "  every number is a positive integer; e.g. --sizes 128..1024,3000,4096x1024x512";

std::string_view to_string(Layout l) {
  switch (l) {
    case Layout::nn: return "nn";
    case Layout::nt: return "nt";
    case Layout::tn: return "tn";
    case Layout::tt: return "tt";
  }
  return "?";
}

std::optional<Layout> parse_layout(std::string_view name) {
  std::string s(name);
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (Layout l : kAllLayouts)
    if (to_string(l) == s) return l;
  return std::nullopt;
}

std::vector<Layout> parse_layout_list(std::string_view s) {
  std::vector<Layout> out;
  for (std::string_view raw : split_list(s)) {
    const std::string_view tok = trim(raw);
    const auto l = parse_layout(tok);
    if (!l)
      throw UsageError(fmt::format(
          "unknown layout '{}' in --layout; expected a comma-separated list of nn, nt, tn, tt "
          "(first letter A, second B; t = stored transposed)",
          shown_input(tok)));
    if (std::find(out.begin(), out.end(), *l) == out.end()) out.push_back(*l);
  }
  return out;
}

std::int64_t parse_batch(std::string_view token, std::string_view what) {
  const std::int64_t v = parse_dimension(token, what);
  if (v > kMaxBatch)
    throw UsageError(fmt::format("{} {} is larger than {}", what, v, kMaxBatch));
  return v;
}

std::string Shape::label() const {
  std::string s = square() ? std::to_string(m) : fmt::format("{}x{}x{}", m, n, k);
  if (layout != Layout::nn) s += fmt::format(" {}", to_string(layout));
  if (batch != 1) s += fmt::format(" batch {}", batch);
  return s;
}

std::size_t Shape::operand_bytes(std::size_t elem) const { return operand_bytes(elem, elem); }

std::size_t Shape::operand_bytes(std::size_t ab_elem, std::size_t c_elem) const {
  // (A (M*K) + B (K*N) + C (M*N)) * batch, each times its element size, with overflow checks.
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  std::size_t total = 0;
  const std::int64_t dims[3][2] = {{m, k}, {k, n}, {m, n}};
  const std::size_t elems[3] = {ab_elem, ab_elem, c_elem};
  for (int i = 0; i < 3; ++i) {
    const auto r = std::size_t(dims[i][0]), c = std::size_t(dims[i][1]);
    const std::size_t elem = elems[i];
    if (r != 0 && c > kMax / r) return kMax;
    std::size_t count = r * c;
    const auto copies = std::size_t(std::max<std::int64_t>(batch, 1));
    if (count > kMax / copies) return kMax;
    count *= copies;
    if (elem != 0 && count > kMax / elem) return kMax;
    const std::size_t bytes = count * elem;
    if (total > kMax - bytes) return kMax;
    total += bytes;
  }
  return total;
}

namespace {
// BLAS takes 32-bit ints for dimensions.
constexpr std::int64_t kMaxDim = std::numeric_limits<std::int32_t>::max();
}  // namespace

std::int64_t parse_dimension(std::string_view num, std::string_view what) {
  if (num.empty()) throw UsageError(fmt::format("missing {}", what));
  if (num.front() == '-') throw UsageError(fmt::format("{} '{}' is negative", what, shown_input(num)));
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (ec == std::errc::result_out_of_range)
    throw UsageError(fmt::format("{} '{}' is too large", what, shown_input(num)));
  if (ec != std::errc() || ptr != num.data() + num.size())
    throw UsageError(fmt::format("{} '{}' is not a positive integer", what, shown_input(num)));
  if (v == 0) throw UsageError(fmt::format("{} must be positive, got 0", what));
  if (v > std::uint64_t(kMaxDim))
    throw UsageError(
        fmt::format("{} {} exceeds the largest BLAS dimension {}", what, v, kMaxDim));
  return std::int64_t(v);
}

void check_shape_bytes(const Shape& s) {
  // fp64 is the widest element: a shape whose fp64 operands overflow size_t can never run.
  if (s.operand_bytes(8) == std::numeric_limits<std::size_t>::max())
    throw UsageError(fmt::format("the operands of {} overflow a {}-bit byte count", s.label(),
                                 8 * sizeof(std::size_t)));
}

namespace {
// A range that expands into more sizes than this is surely a typo.
constexpr std::size_t kMaxSizes = 4096;

[[noreturn]] void fail(std::string_view token, const std::string& why) {
  throw UsageError(
      fmt::format("invalid --sizes item '{}': {}\n{}", shown_input(token), why, kSizesGrammar));
}

std::int64_t parse_positive(std::string_view item, std::string_view num, const char* what) {
  try {
    return parse_dimension(num, what);
  } catch (const UsageError& e) {
    fail(item, e.what());
  }
}

void check_bytes(std::string_view item, const Shape& s) {
  try {
    check_shape_bytes(s);
  } catch (const UsageError& e) {
    fail(item, e.what());
  }
}

void parse_range(std::string_view item, std::string_view body, std::vector<Shape>& out) {
  const auto dots = body.find("..");
  std::string_view ends = body, step;
  const auto colon = body.find(':');
  if (colon != std::string_view::npos && colon < dots)
    fail(item, "the step comes after the range: A..B:+S or A..B:xF");
  if (colon != std::string_view::npos) {
    ends = body.substr(0, colon);
    step = body.substr(colon + 1);
    if (step.empty()) fail(item, "':' must be followed by a step, '+S' or 'xF'");
  }
  const std::int64_t lo = parse_positive(item, trim(ends.substr(0, dots)), "range start");
  const std::int64_t hi = parse_positive(item, trim(ends.substr(dots + 2)), "range end");
  if (lo > hi)
    fail(item, fmt::format("range start {} is greater than its end {} (write {}..{})", lo, hi, hi,
                           lo));
  char kind = 'x';
  std::int64_t by = 2;
  if (!step.empty()) {
    kind = step.front();
    if (kind != '+' && kind != 'x' && kind != '*')
      fail(item, fmt::format("step '{}' must start with '+' (arithmetic) or 'x' (geometric)",
                             shown_input(step)));
    by = parse_positive(item, step.substr(1), "step");
    if (kind != '+' && by < 2) fail(item, "a geometric factor must be at least 2");
  }
  std::size_t count = 0;
  for (std::int64_t v = lo; v <= hi;) {
    if (++count > kMaxSizes)
      fail(item, fmt::format("expands to more than {} sizes", kMaxSizes));
    Shape s{v, v, v};
    check_bytes(item, s);
    out.push_back(s);
    if (kind == '+') {
      if (v > hi - by) break;
      v += by;
    } else {
      if (v > hi / by) break;
      v *= by;
    }
  }
}

void parse_shape(std::string_view item, std::string_view body, std::vector<Shape>& out) {
  std::int64_t dims[3];
  int count = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t x = body.find_first_of("xX", start);
    std::string_view tok = body.substr(start, x == std::string_view::npos ? body.npos : x - start);
    if (count == 3) fail(item, "a shape has at most three dimensions, MxNxK");
    static const char* const names[] = {"M", "N", "K"};
    const char* what = count == 0 && x == body.npos ? "size" : names[count];
    dims[count] = parse_positive(item, trim(tok), what);
    ++count;
    if (x == std::string_view::npos) break;
    start = x + 1;
  }
  Shape s;
  if (count == 1) s = {dims[0], dims[0], dims[0]};
  if (count == 2) s = {dims[0], dims[1], dims[1]};
  if (count == 3) s = {dims[0], dims[1], dims[2]};
  check_bytes(item, s);
  out.push_back(s);
}

}  // namespace

std::vector<Shape> parse_sizes(std::string_view spec) {
  std::vector<Shape> out;
  if (trim(spec).empty()) fail(spec, "empty size list");
  for (std::string_view raw : split_list(spec)) {
    const std::string_view item = trim(raw);
    if (item.empty()) fail(spec, "empty item between commas");
    if (item.find("..") != std::string_view::npos)
      parse_range(item, item, out);
    else
      parse_shape(item, item, out);
    if (out.size() > kMaxSizes) fail(spec, fmt::format("more than {} sizes", kMaxSizes));
  }
  // A size named twice (64,64 or 128..512,256) is measured once, where it first appears. A set,
  // not a search of the list so far: 4096 sizes would be 8 million comparisons.
  std::vector<Shape> unique;
  std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> seen;
  for (const Shape& s : out)
    if (seen.insert({s.m, s.n, s.k}).second) unique.push_back(s);
  // (--sizes shapes are nn, one product; --layout and --batch apply to them afterwards.)
  return unique;
}

}  // namespace gpubench
