// --output FILE[:FORMAT] targets (parsed by output/formats.hpp), saved atomically after each case.
#pragma once

#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpubench/core/record.hpp"
#include "gpubench/output/formats.hpp"

namespace gpubench {

// Fails early (UsageError, exit 2, nothing run) when a target's directory cannot take the file,
// instead of after an hour of measuring.
void check_writable(const OutputTarget& t);

// The files a command reads, each with the option naming it: {"--shapes", "s.csv"}.
using InputFiles = std::vector<std::pair<std::string, std::string>>;

// Every --output of a command, parsed and checked writable (UsageError, exit 2, before anything
// is measured), two naming one file refused (./a.json and a.json:csv, a link and its target:
// one output would be lost), and one that is an input refused (the run would replace what it
// read).
std::vector<OutputTarget> parse_output_targets(const std::vector<std::string>& specs, ResultKind k,
                                               const InputFiles& inputs = {});

// UsageError when the file at `path` (named by `option` as `spec`) is one of `inputs`, the same
// file by device and inode (a link, ./x and x alike). A pipe or device is written in place and
// read by no one else here: not checked.
void check_not_an_input(const std::string& path, const std::string& option,
                        const std::string& spec, const InputFiles& inputs);

// Whether a save of a run's results goes to `t`. A pipe or device (writes_in_place) takes the final
// save only: its reader takes one document. A file that exists is not replaced while the run has
// measured nothing (`measured`: no case or test ran, ok or failed): its earlier results stay; a
// new file is still written, to say why nothing ran.
bool save_reaches(const OutputTarget& t, bool final_save, bool measured);

// Renders matmul results `r` in the target's format and replaces the file atomically (temp file +
// rename).
void save_output(const OutputTarget& t, const Results& r);

// The --output files of one run, rewritten as it goes. One file that fails mid-run (a full disk)
// must not cost the others or the measurements: its first failure is a warning on `warn`, it is
// not tried again, the others are still written, and failed() makes the command exit 3 at the end
// (issue 15 item 4).
class OutputFileSet {
 public:
  explicit OutputFileSet(std::vector<OutputTarget> targets, std::ostream& warn);

  const std::vector<OutputTarget>& targets() const { return targets_; }

  // Replaces t's file with `text`, unless an earlier write to it failed. An EnvironmentError is
  // caught and reported; anything else (a bug) still propagates.
  void write(const OutputTarget& t, std::string_view text);

  // The files that could not be written, as the user named them.
  const std::vector<std::string>& failed() const { return failed_; }

  // When a file failed: a closing line on `warn` naming them, and kExitEnvironment; else 0.
  int exit_code() const;

 private:
  std::vector<OutputTarget> targets_;
  std::ostream* warn_;  // a pointer: the set is assigned once its targets are checked
  std::vector<std::string> failed_;
};

}  // namespace gpubench
