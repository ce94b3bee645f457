// `gpubench capture [-o FILE] -- CMD [ARGS...]`: the GEMMs a program calls, as a --shapes file.
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpubench/backends/capture_library.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/text.hpp"
#include "gpubench/measure/capture_session.hpp"
#include "gpubench/output/atomic_file.hpp"

namespace gpubench {

namespace {

struct CaptureOptions {
  std::string output = "gemms.csv";
  std::vector<std::string> command;
};

std::string shell_words(const std::vector<std::string>& words) {
  std::string s;
  for (std::string w : words) {
    if (w.find_first_of(" \t'\"\n") != std::string::npos) w = "'" + w + "'";
    s += (s.empty() ? "" : " ") + w;
  }
  return s;
}

// No GEMM seen: most often the program's BLAS is linked into it statically, where no preloaded
// library can see its calls.
int report_nothing_captured(const CaptureRun& run, const std::string& command) {
  std::cerr << fmt::format(
      "gpubench: error: no GEMM calls were seen in '{}'. Likely reasons: it multiplies no "
      "matrices; {}; or it was killed before its calls were written. Captured: {}. Nothing was "
      "written.\n",
      command, kCaptureBlindSpots, kCapturedInterfaces);
  return run.exit_status != 0 ? run.exit_status : kExitEnvironment;
}

int run_capture_command(const CaptureOptions& o) {
  check_destination_writable(o.output);
  const std::string library = find_capture_library();
  const std::string command = shell_words(o.command);
  // As messages name it: a script passed with -c has line ends, and any argument may hold control
  // characters (the file's header makes its own one line of it).
  const std::string shown = shown_input(command, 200);
  const CaptureRun run = run_capture(o.command, library);
  if (run.summary.cases.empty()) return report_nothing_captured(run, shown);
  write_file_atomically(o.output, format_capture_shapes(run.summary, command));
  // The file's name as messages show any input: a name holding control characters (an escape
  // sequence, a line end) must not drive the terminal.
  const std::string file = shown_input(o.output, 200);
  std::cerr << format_capture_summary(run.summary)
            << fmt::format("gpubench: wrote {} to {}; replay: gpubench matmul --shapes {}\n",
                           format_count(run.summary.cases.size(), "shape"), file, file);
  if (run.exit_status != 0)
    std::cerr << fmt::format("gpubench: warning: '{}' exited with status {}; gpubench exits "
                             "with it\n",
                             shown, run.exit_status);
  return run.exit_status;
}

constexpr const char* kCaptureHelp =
    "Run a program and record every GEMM it calls (CPU and GPU BLAS libraries, its child "
    "processes too) as a --shapes file with a count column: gpubench capture -- CMD [ARGS...]";

}  // namespace

void add_capture_command(CLI::App& app, Action& action, const std::string&) {
  auto o = std::make_shared<CaptureOptions>();
  CLI::App* cmd = app.add_subcommand("capture", kCaptureHelp);
  cmd->add_option("-o,--output", o->output, "the shapes file to write (default: gemms.csv)");
  cmd->add_option("command", o->command, "the program and its arguments, after --")
      ->required();
  cmd->callback([&action, o] { action = [o] { return run_capture_command(*o); }; });
}

}  // namespace gpubench
