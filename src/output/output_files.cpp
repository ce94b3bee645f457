// Saving results to files: the writability check and atomic replacement.
#include "gpubench/output/output_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/output/atomic_file.hpp"

namespace gpubench {

void check_writable(const OutputTarget& t) { check_destination_writable(t.path); }

void save_output(const OutputTarget& t, const Results& r) { save_output(t, r, analyse(r)); }

void save_output(const OutputTarget& t, const Results& r, const Analysis& a) {
  std::ostringstream text;
  render(t.format, text, r, a);
  write_file_atomically(t.path, text.str());
}

}  // namespace gpubench
