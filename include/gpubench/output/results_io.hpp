// Results <-> the versioned JSON results file (schema: src/gpubench-results.schema.json), and
// atomic file writes so a file on disk is always complete, even when a run is interrupted.
#pragma once

#include <string>
#include <string_view>

#include "gpubench/core/record.hpp"

namespace gpubench {

// Bumped whenever a field changes meaning or disappears; new optional fields keep the version.
inline constexpr int kResultsSchemaVersion = 1;

// The JSON document of write_json (report.hpp) as a string: no NaN or Infinity (null instead).
std::string results_to_json_text(const Results& r);

// Parses a results document. `origin` (usually the path) prefixes every error message. Throws
// UsageError when the text is not JSON, is not a gpubench results document, has another
// schema_version, a field of the wrong type, or no records.
Results results_from_json_text(std::string_view text, const std::string& origin);

// Reads a results file written by `gpubench matmul --output X.json`. Throws UsageError (exit 2)
// with a clear message for a missing/unreadable file and for everything results_from_json_text
// rejects.
Results read_results_file(const std::string& path);

// Writes `content` to a temporary file next to `path`, then renames it over `path`: readers see
// the old file or the new one, never half of one. Throws EnvironmentError when it cannot write.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace gpubench
