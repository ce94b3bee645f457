// Running another program as gpubench's child (`gpubench capture -- CMD`), with variables added
// to its environment, its standard streams and signals its own.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gpubench {

// Runs argv[0] (searched in PATH) with `environment` added to (or replacing entries of) this
// process's environment, and waits for it. Returns its exit status as a shell reports it: the
// status, or 128 + the signal that ended it. While it runs, gpubench ignores SIGINT and SIGQUIT
// (the terminal's Ctrl-C goes to the program, as with `time`). Throws UsageError when the program
// cannot be started (not found, not executable), naming it and the reason.
int run_child(const std::vector<std::string>& argv,
              const std::vector<std::pair<std::string, std::string>>& environment);

// The directory of the running gpubench binary (/proc/self/exe), or "" when unknown.
std::string executable_directory();

}  // namespace gpubench
