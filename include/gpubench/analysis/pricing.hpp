// Prices per hour of a CPU machine and a GPU machine, from the command line or from a preset in
// an editable JSON file (bench/prices.json), for the GFLOP-per-dollar part of the verdict.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

struct PriceOptions {
  std::optional<double> cpu_usd_per_hour, gpu_usd_per_hour;
  std::string preset;  // a name in the preset file
  std::string file;    // the preset file; empty = default_price_file()
};

// A file gpubench ships: PREFIX/share/gpubench/NAME beside an installed binary, else the source
// tree's bench/NAME.
std::string shipped_data_file(const std::string& name);

// $GPUBENCH_PRICE_FILE when set, else the bench/prices.json of the source tree gpubench was
// built from.
std::string default_price_file();

// Names of the presets in a file. Throws UsageError for a missing or malformed file.
std::vector<std::string> price_preset_names(const std::string& file);

// The same from a preset file's text (`origin` names it in messages; the fuzz target's way in).
std::vector<std::string> price_preset_names_in(std::string_view text, const std::string& origin);

// One preset of a preset file's text. Throws UsageError for malformed text, an unknown name, or
// a preset without two positive prices.
Pricing price_preset_in(std::string_view text, const std::string& preset,
                        const std::string& origin);

// A price per hour as every price option takes it (a micro-dollar to a million dollars). Throws
// UsageError naming `what` otherwise.
double checked_usd_per_hour(double usd_per_hour, const std::string& what);

// Pricing from the options: a preset, and/or both prices given (a price given with a preset
// overrides that side of it). nullopt when none was given. Throws UsageError (exit 2) for one
// price without the other, a price that is not positive, an unknown preset or a bad file.
std::optional<Pricing> resolve_pricing(const PriceOptions& o);

}  // namespace gpubench
