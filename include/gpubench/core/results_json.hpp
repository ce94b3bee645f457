// Results <-> the versioned JSON results document (schema: src/output/gpubench-results.schema.json).
// This is the data model's own serialisation: the JSON printer adds the derived numbers
// (verdict, GFLOP per dollar) on top; MPI ranks exchange their Results through it.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gpubench/core/record.hpp"

namespace gpubench {

// A number for a JSON document, null where it is unknown or not finite (JSON has no NaN or
// Infinity): the one rule every JSON printer writes numbers by.
inline nlohmann::ordered_json json_number(std::optional<double> v) {
  return v && std::isfinite(*v) ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

// Bumped whenever a field changes meaning or disappears; new optional fields keep the version.
// 2: burst/sustained rates, telemetry and cache fields per record. Files of version 1 still read.
inline constexpr int kResultsSchemaVersion = 2;
// The "format" member of every results file; a file naming another format is not ours.
inline constexpr const char* kResultsFormatName = "gpubench-results";
inline constexpr int kOldestResultsSchemaVersion = 1;

// The measured data as a JSON document (no derived numbers).
nlohmann::ordered_json results_to_json(const Results& r);
// The same document as text: no NaN or Infinity (null instead).
std::string results_to_json_text(const Results& r);

// Every JSON document gpubench writes, as text: indented by 2, and bytes that are not UTF-8 (a
// file name of another encoding in the recorded command line) written as U+FFFD instead of
// throwing, which lost a finished run's results.
std::string json_text(const nlohmann::ordered_json& doc);

// Parses a results document. `origin` (usually the path) prefixes every error message. Throws
// UsageError when the text is not JSON, is not a gpubench results document, has another
// schema_version, a field of the wrong type, or no records. Derived fields are ignored.
Results results_from_json_text(std::string_view text, const std::string& origin);

// Reads a results file written by `gpubench matmul --output X.json`. Throws UsageError (exit 2)
// with a clear message for a missing/unreadable file and for everything results_from_json_text
// rejects.
Results read_results_file(const std::string& path);

}  // namespace gpubench
