// libFuzzer target: the --shapes CSV (parse_shapes_csv) and the grouping the runner gets from it.
// Every shape it accepts passes the --sizes dimension checks, and grouping keeps every line.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <tuple>
#include <vector>
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
    // Lines without a layout run in each of the command line's (two here), without a dtype with
    // each of its dtypes; every such case runs once, however often the file lists it.
    using Case = std::tuple<std::int64_t, std::int64_t, std::int64_t, gpubench::Layout,
                            std::int64_t, gpubench::DType>;
    const std::vector<gpubench::DType> dtypes{gpubench::DType::fp32, gpubench::DType::fp64};
    const std::vector<gpubench::Layout> layouts{gpubench::Layout::nn, gpubench::Layout::tt};
    std::set<Case> expected;
    for (const auto& c : cases)
      for (gpubench::Layout l : c.layout ? std::vector{*c.layout} : layouts)
        for (gpubench::DType d : c.dtype ? std::vector{*c.dtype} : dtypes)
          expected.insert({c.shape.m, c.shape.n, c.shape.k, l, c.batch ? *c.batch : 2, d});
    try {
      const auto groups = gpubench::group_shape_cases(cases, dtypes, layouts, 2);
      std::set<Case> seen;
      for (const auto& g : groups) {
        FUZZ_CHECK(!g.shapes.empty() && !g.dtypes.empty());
        for (const auto& s : g.shapes)
          for (gpubench::DType d : g.dtypes)
            FUZZ_CHECK(seen.insert({s.m, s.n, s.k, s.layout, s.batch, d}).second);  // once
      }
      FUZZ_CHECK(seen == expected);  // every line's cases, and nothing else
    } catch (const gpubench::UsageError&) {
      // --batch 2 can overflow the byte count of a line that was fine alone: a usage error.
    }
  }
  FUZZ_EXPECTED_ERRORS
  return 0;
}
