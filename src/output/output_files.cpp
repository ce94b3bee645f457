// Saving results to files: the writability check and atomic replacement.
#include "gpubench/output/output_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/output/atomic_file.hpp"

namespace gpubench {

void check_writable(const OutputTarget& t) { check_destination_writable(t.path); }

void save_output(const OutputTarget& t, const Results& r) { save_output(t, r, analyse(r)); }

OutputFileSet::OutputFileSet(std::vector<OutputTarget> targets, std::ostream& warn)
    : targets_(std::move(targets)), warn_(&warn) {}

void OutputFileSet::write(const OutputTarget& t, std::string_view text) {
  if (std::find(failed_.begin(), failed_.end(), t.path) != failed_.end()) return;
  try {
    write_file_atomically(t.path, text);
  } catch (const EnvironmentError& e) {
    failed_.push_back(t.path);
    *warn_ << fmt::format("gpubench: warning: {}; the run goes on without '{}'\n",
                         e.what(), t.path)
          << std::flush;
  }
}

int OutputFileSet::exit_code() const {
  if (failed_.empty()) return 0;
  std::string names;
  for (const std::string& f : failed_) names += (names.empty() ? "'" : ", '") + f + "'";
  *warn_ << fmt::format("gpubench: environment error: could not write {} (see above)\n", names)
        << std::flush;
  return kExitEnvironment;
}

void save_output(const OutputTarget& t, const Results& r, const Analysis& a) {
  std::ostringstream text;
  render(t.format, text, r, a);
  write_file_atomically(t.path, text.str());
}

}  // namespace gpubench
