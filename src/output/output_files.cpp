// Saving results to files: the writability check and atomic replacement.
#include "gpubench/output/output_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/output/atomic_file.hpp"

namespace gpubench {

void check_writable(const OutputTarget& t) { check_destination_writable(t.path); }

void check_not_an_input(const std::string& path, const std::string& option,
                        const std::string& spec, const InputFiles& inputs) {
  const WriteDestination d = resolve_destination(path);
  struct stat out{};
  if (d.stream || d.fifo || ::stat(d.path.c_str(), &out) != 0) return;  // a new file reads nothing
  for (const auto& [input_option, input] : inputs) {
    struct stat in{};
    if (!input.empty() && ::stat(input.c_str(), &in) == 0 && in.st_dev == out.st_dev &&
        in.st_ino == out.st_ino)
      throw UsageError(fmt::format("{} '{}' is the file {} reads: name another file", option,
                                   shown_input(spec, 60), input_option));
  }
}

std::vector<OutputTarget> parse_output_targets(const std::vector<std::string>& specs,
                                               ResultKind k, const InputFiles& inputs) {
  std::vector<std::pair<std::string, std::string>> seen;  // (real path, as the user wrote it)
  std::vector<OutputTarget> targets;
  for (const std::string& spec : specs) {
    targets.push_back(parse_output_target(spec, k));
    check_writable(targets.back());
    check_not_an_input(targets.back().path, "--output", spec, inputs);
    // A named pipe is compared by its inode (two documents down one pipe would arrive as one);
    // another stream (/dev/stdout, a terminal) is written in place, once, and has no path to
    // compare: the pipe behind /dev/stdout cannot even be canonicalised ("pipe:[1234]").
    const WriteDestination d = resolve_destination(targets.back().path);
    std::string real;
    if (struct stat st{}; d.fifo && ::stat(d.path.c_str(), &st) == 0) {
      real = fmt::format("fifo {}:{}", st.st_dev, st.st_ino);
    } else if (d.stream) {
      continue;
    } else {
      std::error_code ec;
      const std::filesystem::path absolute = std::filesystem::absolute(d.path, ec);
      real = std::filesystem::weakly_canonical(absolute, ec).string();
      if (ec) real = absolute.lexically_normal().string();
    }
    for (const auto& [other_real, other] : seen)
      if (other_real == real)
        throw UsageError(fmt::format("--output '{}' and '{}' are the same file", other, spec));
    seen.emplace_back(real, spec);
  }
  return targets;
}

bool save_reaches(const OutputTarget& t, bool final_save, bool measured) {
  if (writes_in_place(t.path)) return final_save;
  std::error_code ec;  // an unreadable folder is not a reason to stop: the write will say why
  return measured || !std::filesystem::exists(t.path, ec);
}

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

void save_output(const OutputTarget& t, const Results& r) {
  std::ostringstream text;
  render(t.format, text, r);
  write_file_atomically(t.path, text.str());
}

}  // namespace gpubench
