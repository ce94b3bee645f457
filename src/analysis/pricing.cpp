// Price options and the preset file.
#include "gpubench/analysis/pricing.hpp"

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/input_file.hpp"

namespace gpubench {

namespace {

// The "presets" object of a preset file's text; `origin` names the file in the message.
nlohmann::json presets_in(std::string_view text, const std::string& origin) {
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false,
                                           true);  // comments allowed
  if (j.is_discarded() || !j.is_object() || !j.contains("presets") || !j["presets"].is_object())
    throw UsageError(fmt::format("'{}' is not a price preset file: expected a JSON object with "
                                 "\"presets\": {{\"NAME\": {{\"cpu_usd_per_hour\": X, "
                                 "\"gpu_usd_per_hour\": Y}}}}",
                                 origin));
  return j["presets"];
}

std::string read_preset_file(const std::string& file) {
  return read_input_file(file, "the price preset file", kMaxPriceFileBytes);
}

// A price per hour from a micro-dollar to a million dollars: GFLOP per dollar of a price far below
// overflows to infinity (and would be dropped from the verdict without a word).
constexpr double kMinUsdPerHour = 1e-6, kMaxUsdPerHour = 1e6;

bool price_in_range(double usd_per_hour) {
  return usd_per_hour >= kMinUsdPerHour && usd_per_hour <= kMaxUsdPerHour;
}

std::string price_range_error(const std::string& what) {
  return fmt::format("{} must be a number of dollars per hour from {:.6f} to {:.0f}", what,
                     kMinUsdPerHour, kMaxUsdPerHour);
}

double positive_price(const nlohmann::json& v, const std::string& what) {
  if (!v.is_number()) throw UsageError(price_range_error(what));
  return checked_usd_per_hour(v.get<double>(), what);
}

}  // namespace

double checked_usd_per_hour(double usd_per_hour, const std::string& what) {
  if (!price_in_range(usd_per_hour)) throw UsageError(price_range_error(what));
  return usd_per_hour;
}

std::string shipped_data_file(const std::string& name) {
  // An installed gpubench (PREFIX/bin/gpubench) finds what cmake --install put in
  // PREFIX/share/gpubench; a build in the source tree uses the tree's bench/.
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share/gpubench" / name;
    if (std::filesystem::is_regular_file(installed, ec)) return installed.string();
  }
  return GPUBENCH_SOURCE_DIR "/bench/" + name;
}

std::string default_price_file() {
  if (const char* env = std::getenv("GPUBENCH_PRICE_FILE"); env && *env) return env;
  return shipped_data_file("prices.json");
}

std::vector<std::string> price_preset_names_in(std::string_view text, const std::string& origin) {
  std::vector<std::string> names;
  const nlohmann::json presets = presets_in(text, origin);  // items() must not outlive it
  for (const auto& [name, value] : presets.items()) names.push_back(name);
  return names;
}

std::vector<std::string> price_preset_names(const std::string& file) {
  return price_preset_names_in(read_preset_file(file), file);
}

Pricing price_preset_in(std::string_view text, const std::string& preset,
                        const std::string& origin) {
  const nlohmann::json presets = presets_in(text, origin);
  if (!presets.contains(preset)) {
    std::string known;
    for (const auto& [name, value] : presets.items()) known += (known.empty() ? "" : ", ") + name;
    throw UsageError(fmt::format("unknown price preset '{}' in '{}'; known: {}", preset, origin,
                                 known.empty() ? "none" : known));
  }
  const nlohmann::json& p = presets[preset];
  const std::string where = fmt::format("preset '{}' in '{}':", preset, origin);
  if (!p.is_object() || !p.contains("cpu_usd_per_hour") || !p.contains("gpu_usd_per_hour"))
    throw UsageError(where + " needs cpu_usd_per_hour and gpu_usd_per_hour");
  return Pricing{positive_price(p["cpu_usd_per_hour"], where + " cpu_usd_per_hour"),
                 positive_price(p["gpu_usd_per_hour"], where + " gpu_usd_per_hour"),
                 fmt::format("preset {}", preset)};
}

std::optional<Pricing> resolve_pricing(const PriceOptions& o) {
  for (const auto& [v, flag] : {std::pair{o.cpu_usd_per_hour, "--price-cpu"},
                                std::pair{o.gpu_usd_per_hour, "--price-gpu"}})
    if (v && !price_in_range(*v)) throw UsageError(price_range_error(flag));
  if (o.preset.empty()) {
    if (!o.cpu_usd_per_hour && !o.gpu_usd_per_hour) return std::nullopt;
    if (!o.cpu_usd_per_hour || !o.gpu_usd_per_hour)
      throw UsageError("--price-cpu and --price-gpu go together (or use --price-preset NAME)");
    return Pricing{*o.cpu_usd_per_hour, *o.gpu_usd_per_hour, "--price-cpu/--price-gpu"};
  }
  const std::string file = o.file.empty() ? default_price_file() : o.file;
  Pricing price = price_preset_in(read_preset_file(file), o.preset, file);
  if (o.cpu_usd_per_hour) price.cpu_usd_per_hour = *o.cpu_usd_per_hour;
  if (o.gpu_usd_per_hour) price.gpu_usd_per_hour = *o.gpu_usd_per_hour;
  if (o.cpu_usd_per_hour || o.gpu_usd_per_hour) price.source += ", overridden on the command line";
  return price;
}

}  // namespace gpubench
