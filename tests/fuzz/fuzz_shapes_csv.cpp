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
    }
    const auto groups =
        gpubench::group_shape_cases(cases, {gpubench::DType::fp32, gpubench::DType::fp64});
    std::size_t shapes = 0;
    for (const auto& g : groups) {
      FUZZ_CHECK(!g.shapes.empty() && !g.dtypes.empty());
      shapes += g.shapes.size();
    }
    FUZZ_CHECK(shapes == cases.size());  // every line lands in exactly one group
  }
  FUZZ_EXPECTED_ERRORS
  return 0;
}
