// --output FILE[:FORMAT] targets (parsed by output/formats.hpp), saved atomically after each case.
#pragma once

#include <string>
#include <vector>

#include "gpubench/core/record.hpp"
#include "gpubench/output/formats.hpp"

namespace gpubench {

// Fails early (UsageError, exit 2, nothing run) when a target's directory cannot take the file,
// instead of after an hour of measuring.
void check_writable(const OutputTarget& t);

// Renders `r` in the target's format and replaces the file atomically (temp file + rename).
void save_output(const OutputTarget& t, const Results& r);
// The same with the Analysis of `r` already made (several targets share one).
void save_output(const OutputTarget& t, const Results& r, const Analysis& a);

}  // namespace gpubench
