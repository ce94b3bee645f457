// gpubench: one error path. Every subcommand's failure ends here as a message and an exit code.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"
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

// A full disk or a reader that went away must not pass for success: what the user redirected
// stdout to is checked once everything is written (--version and --help included).
int stdout_checked(int code) {
  std::cout.flush();
  if (std::cout) return code;
  std::cerr << "gpubench: environment error: cannot write to standard output (a full disk or a "
               "closed pipe?)\n";
  return code == gpubench::kExitOk ? gpubench::kExitEnvironment : code;
}

// `gpubench foo`: CLI11 would say "A subcommand is required"; name it and list the real ones.
void reject_unknown_command(const CLI::App& app, const std::string& first) {
  if (first.empty() || first.front() == '-') return;
  std::string known;
  for (const CLI::App* cmd : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (cmd->get_name() == first) return;
    if (cmd->get_group().empty()) continue;  // hidden
    known += (known.empty() ? "" : ", ") + cmd->get_name();
  }
  throw gpubench::UsageError(fmt::format("unknown command '{}' (commands: {})",
                                         gpubench::shown_input(first, 40), known));
}

// An empty value is never "as if not given": --baseline "$UNSET" would turn the gate off,
// --shapes '' run the default sweep, --price-file '' read the default file. Added after every
// command's own checks, so those speak first.
void reject_empty_values(CLI::App& app) {
  for (CLI::App* cmd : app.get_subcommands([](CLI::App*) { return true; }))
    for (CLI::Option* opt : cmd->get_options()) {
      if (!opt->nonpositional() || opt->get_type_size_max() == 0) continue;  // flags
      const std::string name = opt->get_name();
      opt->each([name](const std::string& v) {
        if (v.find_first_not_of(" \t") == std::string::npos)
          throw gpubench::UsageError(
              fmt::format("{} '{}': an empty value; give one, or leave the option out", name, v));
      });
    }
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
  add_capture_command(app, action, command_line);
  add_completion_command(app, action, command_line);
  reject_empty_values(app);

  // `gpubench` alone: the list of commands, on stderr, exit 2 (nothing was asked).
  if (argc <= 1) {
    std::cerr << app.help();
    return kExitUsage;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    try {
      reject_unknown_command(app, args.front());
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return stdout_checked(app.exit(e));
    } catch (const CLI::CallForAllHelp& e) {
      return stdout_checked(app.exit(e));
    } catch (const CLI::CallForVersion& e) {
      return stdout_checked(app.exit(e));
    } catch (const CLI::ParseError& e) {
      // One line, as every other usage error: CLI11's own exit() adds a second ("Run with
      // --help") and a value count error reads "At least 3 required but received 2".
      std::string why = e.what();
      for (char& c : why)
        if (c == '\n') c = ' ';
      std::cerr << "gpubench: error: " << with_inputs_shown(why, args) << " (see gpubench --help)\n";
      return kExitUsage;
    }
    return stdout_checked(action ? action() : kExitUsage);
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "gpubench: " << error_kind(e) << ": " << with_inputs_shown(e.what(), args) << "\n";
    if (exit_code_for(e) == kExitInternal)
      std::cerr << "gpubench: this is a bug; please report it with the command you ran\n";
    return exit_code_for(e);
  }
}
