// libFuzzer target: the --shapes CSV (parse_shapes_csv) and the grouping the runner gets from it.
// Every shape it accepts passes the --sizes dimension checks, and grouping keeps every line.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "fuzz_check.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/shapes_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto cases = gpubench::parse_shapes_csv(text, "fuzz.csv");
    FUZZ_CHECK(!cases.empty());
    constexpr std::int64_t kMaxDim = std::numeric_limits<std::int32_t>::max();
    for (const auto& c : cases) {
      for (std::int64_t d : {c.shape.m, c.shape.n, c.shape.k}) FUZZ_CHECK(d >= 1 && d <= kMaxDim);
      FUZZ_CHECK(c.shape.operand_bytes(8) != std::numeric_limits<std::size_t>::max());
      FUZZ_CHECK(c.shape.batch >= 1 && c.shape.batch <= gpubench::kMaxBatch);
      FUZZ_CHECK(!c.batch || *c.batch == c.shape.batch);
      FUZZ_CHECK(!c.layout || *c.layout == c.shape.layout);
    }
    // Lines without a layout run in each of the command line's (two here).
    std::size_t expected = 0;
    for (const auto& c : cases) expected += c.layout ? 1 : 2;
    try {
      const auto groups = gpubench::group_shape_cases(
          cases, {gpubench::DType::fp32, gpubench::DType::fp64},
          {gpubench::Layout::nn, gpubench::Layout::tt}, 2);
      std::size_t shapes = 0;
      for (const auto& g : groups) {
        FUZZ_CHECK(!g.shapes.empty() && !g.dtypes.empty());
        shapes += g.shapes.size();
      }
      FUZZ_CHECK(shapes == expected);  // every line lands in exactly one group, per layout
    } catch (const gpubench::UsageError&) {
      // --batch 2 can overflow the byte count of a line that was fine alone: a usage error.
    }
  }
  FUZZ_EXPECTED_ERRORS
  return 0;
}
