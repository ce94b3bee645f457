// libFuzzer target: the --sizes grammar (parse_sizes). Besides not crashing, every list it
// accepts must be one the runner can take: non-empty, within the size cap, each dimension a
// positive BLAS int, operands countable in bytes, no shape twice.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <tuple>

#include "fuzz_check.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/shape.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  try {
    const auto shapes = gpubench::parse_sizes(spec);
    FUZZ_CHECK(!shapes.empty());
    FUZZ_CHECK(shapes.size() <= 4096);
    constexpr std::int64_t kMaxDim = std::numeric_limits<std::int32_t>::max();
    // Sorted, so that checking for repeats stays linear: up to 4096 shapes, and a quadratic
    // check here would make the harness, not the parser, the slow part.
    auto sorted = shapes;
    const auto as_tuple = [](const gpubench::Shape& s) { return std::tie(s.m, s.n, s.k); };
    std::sort(sorted.begin(), sorted.end(),
              [&](const auto& a, const auto& b) { return as_tuple(a) < as_tuple(b); });
    FUZZ_CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
    for (const auto& s : shapes) {
      for (std::int64_t d : {s.m, s.n, s.k}) FUZZ_CHECK(d >= 1 && d <= kMaxDim);
      FUZZ_CHECK(s.operand_bytes(8) != std::numeric_limits<std::size_t>::max());
      // The label names the shape again: it must parse back to the same shape.
      const auto again = gpubench::parse_sizes(s.label());
      FUZZ_CHECK(again.size() == 1 && again[0] == s);
    }
  }
  FUZZ_EXPECTED_ERRORS
  return 0;
}
