// Subcommands: each file adds its CLI11 subcommand and sets `action` to what runs when chosen.
// The action returns the exit code; errors are thrown and mapped to exit codes in main().
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace gpubench {

using Action = std::function<int()>;

void add_matmul_command(CLI::App& app, Action& action, const std::string& command_line);
void add_info_command(CLI::App& app, Action& action, const std::string& command_line);
void add_compare_command(CLI::App& app, Action& action, const std::string& command_line);
void add_bandwidth_command(CLI::App& app, Action& action, const std::string& command_line);
void add_plot_command(CLI::App& app, Action& action, const std::string& command_line);
void add_peak_command(CLI::App& app, Action& action, const std::string& command_line);
void add_capture_command(CLI::App& app, Action& action, const std::string& command_line);
// `completion bash|zsh|fish` and the hidden `man`, generated from `app` itself: add it last.
void add_completion_command(CLI::App& app, Action& action, const std::string& command_line);

// --blas-lib NAME=PATH (repeatable): the CPU library NAME is loaded from PATH. Checked as it is
// parsed: a bad name or path is a usage error (exit 2) before anything runs.
void add_blas_lib_option(CLI::App* cmd);

// What `gpubench --version` prints.
std::string version_text();

}  // namespace gpubench
