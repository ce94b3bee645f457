#include "gpubench/analysis/references.hpp"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpubench/analysis/pricing.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/input_file.hpp"

namespace gpubench {

namespace {

constexpr std::size_t kMaxReferenceListBytes = 1 << 20;

std::string malformed(const std::string& file) {
  return fmt::format("'{}' is not a reference machine list: expected {{\"references\": [{{\"name\": "
                     "N, \"about\": A, \"file\": F}}, ...]}}",
                     file);
}

}  // namespace

std::string default_reference_file() {
  if (const char* env = std::getenv("GPUBENCH_REFERENCE_FILE"); env && *env) return env;
  return shipped_data_file("references.json");
}

std::vector<ReferenceMachine> reference_machines(const std::string& list_file) {
  const std::string text = read_input_file(list_file, "the reference machine list", kMaxReferenceListBytes);
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("references") || !doc["references"].is_array())
    throw UsageError(malformed(list_file));
  const std::filesystem::path dir = std::filesystem::path(list_file).parent_path();
  std::vector<ReferenceMachine> out;
  for (const auto& r : doc["references"]) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string() || !r.contains("file") ||
        !r["file"].is_string() || !r.value("about", nlohmann::json("")).is_string())
      throw UsageError(malformed(list_file));
    out.push_back({r["name"].get<std::string>(), r.value("about", std::string()),
                   (dir / r["file"].get<std::string>()).string()});
  }
  return out;
}

ReferenceMachine find_reference(const std::string& list_file, const std::string& name) {
  const auto all = reference_machines(list_file);
  std::string names;
  for (const ReferenceMachine& r : all) {
    if (r.name == name) return r;
    names += (names.empty() ? "" : ", ") + r.name;
  }
  throw UsageError(fmt::format("--reference: no reference machine '{}' (there are: {}; "
                               "gpubench compare --reference list says what each is)",
                               name, names.empty() ? "none" : names));
}

}  // namespace gpubench
