// Numeric options with one error path: every value that is not a finite number in range is a
// usage error (exit 2) of one short line naming the option and what it accepts, instead of
// CLI11's text (its bounds print as 300-digit numbers) or a std::stod exception (exit 4).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace gpubench {

// Thread options accept at most this many times the hardware threads: more cannot help, and
// 100000 threads exhaust the process before the first measurement.
inline constexpr int kMaxThreadsPerHardwareThread = 4;
int hardware_threads();
int max_thread_option();

// A finite number above 0 (positive) or at least 0; nan, inf, overflow and underflow rejected.
double parse_positive_number(const std::string& option, const std::string& text,
                             double max = std::numeric_limits<double>::infinity());
double parse_non_negative_number(const std::string& option, const std::string& text);
// A whole number in [lo, hi]: no sign, no fraction, nothing that wraps around.
std::uint64_t parse_whole_number(const std::string& option, const std::string& text,
                                 std::uint64_t lo, std::uint64_t hi);

// CLI11 options bound to `target` that parse through the functions above. `name` is CLI11's
// ("--min-time" or "--output,-o"); the first long name is the one the messages use.
CLI::Option* add_positive_option(CLI::App* cmd, const std::string& name, double& target,
                                 const std::string& help,
                                 double max = std::numeric_limits<double>::infinity());
CLI::Option* add_non_negative_option(CLI::App* cmd, const std::string& name, double& target,
                                     const std::string& help);
template <class Int>
CLI::Option* add_whole_option(CLI::App* cmd, const std::string& name, Int& target,
                              const std::string& help, std::uint64_t lo, std::uint64_t hi) {
  const std::string flag = name.substr(0, name.find(','));
  return cmd->add_option(name, help)
      ->each([&target, flag, lo, hi](const std::string& v) {
        target = static_cast<Int>(parse_whole_number(flag, v, lo, hi));
      })
      ->default_str(std::to_string(target));
}
// A note on stderr when --threads asks for more than the hardware threads: allowed (up to the
// cap), but slower than the hardware count as a rule, so not silently.
void warn_about_threads(int threads);

// --threads N: 0 (all cores) up to max_thread_option().
CLI::Option* add_threads_option(CLI::App* cmd, int& target, const std::string& help);

}  // namespace gpubench
