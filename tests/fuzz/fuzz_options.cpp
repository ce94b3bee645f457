// libFuzzer target: the parsers of option values (--dtype, --max-regression, --device, --output,
// --format, one dimension). The first byte picks the parser (and, for --device, the GPU count);
// the rest is the value as the user typed it.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "fuzz_check.hpp"
#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/core/dtype.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/shape.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/measure/devices.hpp"
#include "gpubench/output/formats.hpp"
#include "gpubench/output/output_files.hpp"
#include "gpubench/output/report.hpp"

namespace {

using namespace gpubench;

void check_devices(const std::vector<int>& devices, int gpu_count) {
  FUZZ_CHECK(!devices.empty());
  for (std::size_t i = 0; i < devices.size(); ++i) {
    FUZZ_CHECK(devices[i] >= 0);
    if (gpu_count > 0) FUZZ_CHECK(devices[i] < gpu_count);
    FUZZ_CHECK(std::count(devices.begin(), devices.end(), devices[i]) == 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::string value(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int gpu_count = (selector >> 4) % 9;  // 0 (no GPU) to 8
  try {
    switch (selector % 7) {
      case 0: {
        const auto list = parse_dtype_list(value);
        FUZZ_CHECK(!list.empty());
        try {
          FUZZ_CHECK(!parse_layout_list(value).empty());
        } catch (const UsageError&) {
        }
        break;
      }
      case 1: {
        // One name: parse_dtype's answer must name the same dtype again.
        if (const auto d = parse_dtype(value)) FUZZ_CHECK(parse_dtype(to_string(*d)) == d);
        if (const auto l = parse_layout(value)) FUZZ_CHECK(parse_layout(to_string(*l)) == l);
        break;
      }
      case 2: {
        const double f = parse_max_regression(value);
        FUZZ_CHECK(std::isfinite(f) && f >= 0 && f < 1);
        break;
      }
      case 3:
        check_devices(parse_device_spec(value, gpu_count), gpu_count);
        break;
      case 4: {
        // Parsing only: check_writable would touch the file system.
        for (ResultKind k : {ResultKind::matmul, ResultKind::bandwidth, ResultKind::compare}) {
          try {
            const OutputTarget t = parse_output_target(value, k);
            FUZZ_CHECK(!t.path.empty());
            FUZZ_CHECK(spec_of(t.format).prints(k));
          } catch (const UsageError&) {
          }
        }
        break;
      }
      case 5: {
        for (ResultKind k : {ResultKind::matmul, ResultKind::bandwidth, ResultKind::compare}) {
          try {
            FUZZ_CHECK(spec_of(parse_format(k, value)).prints(k));
          } catch (const UsageError&) {
          }
        }
        break;
      }
      case 6: {
        const std::int64_t d = parse_dimension(value, "M");
        FUZZ_CHECK(d >= 1 && d <= std::numeric_limits<std::int32_t>::max());
        break;
      }
    }
  } catch (const UsageError& e) {
    // What main() prints: one short line, whatever the value held.
    const std::string shown = with_inputs_shown(e.what(), {value});
    FUZZ_CHECK(!has_control_characters(shown));
    FUZZ_CHECK(shown.size() < 2000);
  }
  FUZZ_EXPECTED_ERRORS
  return 0;
}
