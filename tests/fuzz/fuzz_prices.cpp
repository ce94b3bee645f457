// libFuzzer target: the price preset file (--price-file, bench/prices.json): the names it lists
// and each preset read from it. A preset that reads has two positive, finite prices and names
// itself as the source; a name the file lists is never refused as unknown; anything else leaving
// the parser than a UsageError is a finding.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "gpubench/analysis/pricing.hpp"
#include "gpubench/core/errors.hpp"

namespace {

// Reads preset `name`; `listed`: price_preset_names_in named it, so it must not be "unknown".
void check_preset(std::string_view text, const std::string& name, bool listed) {
  try {
    const gpubench::Pricing p = gpubench::price_preset_in(text, name, "fuzz.json");
    FUZZ_CHECK(std::isfinite(p.cpu_usd_per_hour) && p.cpu_usd_per_hour > 0);
    FUZZ_CHECK(std::isfinite(p.gpu_usd_per_hour) && p.gpu_usd_per_hour > 0);
    FUZZ_CHECK(p.source == "preset " + name);
  } catch (const gpubench::UsageError& e) {
    const std::string_view why = e.what();
    const bool unknown = why.starts_with("unknown price preset");  // a name may hold the words
    FUZZ_CHECK(!(listed && unknown));
    // An unknown name is named in the message, so the user sees what was not found.
    FUZZ_CHECK(!unknown || why.find("'" + name + "'") != std::string_view::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> names;
  try {
    names = gpubench::price_preset_names_in(text, "fuzz.json");
  }
  FUZZ_EXPECTED_ERRORS
  std::size_t asked = 0;
  for (const auto& name : names)
    if (asked++ < 16) check_preset(text, name, true);
  // A name the file may not have: read, or refused with a UsageError, never anything else.
  const std::string probe = "h100-cloud";
  check_preset(text, probe, std::find(names.begin(), names.end(), probe) != names.end());
  return 0;
}
