// Atomic file writes, so a file on disk is always complete, even when a run is interrupted.
#pragma once

#include <string>
#include <string_view>

namespace gpubench {

// Writes `content` to a temporary file next to `path`, then renames it over `path`: readers see
// the old file or the new one, never half of one. Throws EnvironmentError when it cannot write.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace gpubench
