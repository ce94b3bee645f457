// Reading the files a user gives (--shapes, --baseline, compare's and plot's inputs) with a size
// limit, so that /dev/zero, a huge file or a pipe that never ends is a clear error, not gigabytes
// of memory.
#pragma once

#include <cstddef>
#include <string>

namespace gpubench {

inline constexpr std::size_t kMaxShapesFileBytes = std::size_t(16) << 20;    // 16 MiB
inline constexpr std::size_t kMaxResultsFileBytes = std::size_t(256) << 20;  // 256 MiB
inline constexpr std::size_t kMaxPriceFileBytes = std::size_t(1) << 20;       // 1 MiB

// The whole content of `path` (a file, or a pipe or device that ends within the limit). Throws
// UsageError naming `what` and `path` for a directory, an unreadable file, or more than
// `max_bytes` of content.
std::string read_input_file(const std::string& path, const std::string& what,
                            std::size_t max_bytes);

// The first line of a small system file (/proc, /sys); empty when it cannot be read.
std::string read_first_line(const std::string& path);

}  // namespace gpubench
