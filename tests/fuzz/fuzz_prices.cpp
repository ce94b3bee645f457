// libFuzzer target: the price preset file (--price-file, bench/prices.json): the names it lists
// and each preset read from it. A preset that reads has two positive, finite prices and names
// itself as the source; every name listed can be asked for without anything but a UsageError.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "gpubench/analysis/pricing.hpp"
#include "gpubench/core/errors.hpp"

namespace {

void check_preset(std::string_view text, const std::string& name) {
  try {
    const gpubench::Pricing p = gpubench::price_preset_in(text, name, "fuzz.json");
    FUZZ_CHECK(std::isfinite(p.cpu_usd_per_hour) && p.cpu_usd_per_hour > 0);
    FUZZ_CHECK(std::isfinite(p.gpu_usd_per_hour) && p.gpu_usd_per_hour > 0);
    FUZZ_CHECK(p.source == "preset " + name);
  }
  FUZZ_EXPECTED_ERRORS
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto names = gpubench::price_preset_names_in(text, "fuzz.json");
    std::size_t asked = 0;
    for (const auto& name : names)
      if (asked++ < 16) check_preset(text, name);
  }
  FUZZ_EXPECTED_ERRORS
  // A name the file may not have: "unknown price preset", never anything else.
  check_preset(text, "h100-cloud");
  return 0;
}
