// gpubench: one error path. Every subcommand's failure ends here as a message and an exit code.
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/platform/sysinfo.hpp"

namespace {
std::string join_command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.find_first_of(" \t'\"") != std::string::npos) a = "'" + a + "'";
    s += (i ? " " : "") + a;
  }
  return s;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace gpubench;
  // A file-size limit (ulimit -f) must fail the write (EFBIG: a warning, the temporary removed,
  // exit 3) rather than kill the process mid-file with SIGXFSZ and leave the temporary behind.
  std::signal(SIGXFSZ, SIG_IGN);
  // Likewise a reader that leaves (a FIFO output's, `| head`'s): the write fails with EPIPE, a
  // warning naming the output and exit 3, and the other outputs and the saves still happen,
  // instead of a silent death by SIGPIPE (exit 141) before the final save.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"gpubench: how much faster is the GPU than the CPU for matrix multiplication, here?"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  Action action;
  const std::string command_line = join_command_line(argc, argv);
  add_matmul_command(app, action, command_line);
  add_info_command(app, action, command_line);
  add_compare_command(app, action, command_line);
  add_bandwidth_command(app, action, command_line);
  add_plot_command(app, action, command_line);
  add_peak_command(app, action, command_line);
  add_completion_command(app, action, command_line);

  // `gpubench` alone: the list of commands, on stderr, exit 2 (nothing was asked).
  if (argc <= 1) {
    std::cerr << app.help();
    return kExitUsage;
  }
  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      // One line, as every other usage error: CLI11's own exit() adds a second ("Run with
      // --help") and a value count error reads "At least 3 required but received 2".
      std::string why = e.what();
      for (char& c : why)
        if (c == '\n') c = ' ';
      std::cerr << "gpubench: error: " << why << " (see gpubench --help)\n";
      return kExitUsage;
    }
    const int code = action ? action() : kExitUsage;
    // A full disk or a reader that went away must not pass for success: what the user redirected
    // stdout to is checked once everything is written.
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "gpubench: environment error: cannot write to standard output (a full disk or "
                   "a closed pipe?)\n";
      return code == kExitOk ? kExitEnvironment : code;
    }
    return code;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "gpubench: " << error_kind(e) << ": " << e.what() << "\n";
    if (exit_code_for(e) == kExitInternal)
      std::cerr << "gpubench: this is a bug; please report it with the command you ran\n";
    return exit_code_for(e);
  }
}
