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
  CLI::App app{"gpubench: how much faster is the GPU than the CPU for matrix multiplication, here?"};
  app.set_version_flag("--version", "gpubench " + gpubench_version());
  app.require_subcommand(1);
  Action action;
  const std::string command_line = join_command_line(argc, argv);
  add_matmul_command(app, action, command_line);
  add_info_command(app, action, command_line);
  add_compare_command(app, action, command_line);
  add_bandwidth_command(app, action, command_line);
  add_plot_command(app, action, command_line);

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
      app.exit(e);  // prints the message and usage
      return kExitUsage;
    }
    return action ? action() : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "gpubench: " << error_kind(e) << ": " << e.what() << "\n";
    return exit_code_for(e);
  }
}
