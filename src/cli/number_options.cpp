#include "number_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <limits>
#include <thread>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

namespace {

// What the user typed, quoted and cut short: a 10 MB argument must not become the message.
std::string echo(const std::string& text) { return "'" + shown_input(text, 40) + "'"; }

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

double parse_number(const std::string& option, const std::string& text, bool zero_ok,
                    double max = std::numeric_limits<double>::infinity()) {
  std::string what = zero_ok ? "a finite number, 0 or more" : "a finite number above 0";
  if (std::isfinite(max)) what += fmt::format(", at most {}", max);
  std::string s = trimmed(text);
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  // ERANGE covers 1e400 and the subnormals (1e-310): neither is a sensible setting.
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) ||
      std::fpclassify(v) == FP_SUBNORMAL || v < 0 || (!zero_ok && v == 0) || v > max)
    throw UsageError(fmt::format("{} {}: expected {}", option, echo(text), what));
  return v;
}

}  // namespace

int hardware_threads() { return int(std::max(1u, std::thread::hardware_concurrency())); }

int max_thread_option() { return kMaxThreadsPerHardwareThread * hardware_threads(); }

double parse_positive_number(const std::string& option, const std::string& text, double max) {
  return parse_number(option, text, false, max);
}

double parse_non_negative_number(const std::string& option, const std::string& text) {
  return parse_number(option, text, true);
}

std::uint64_t parse_whole_number(const std::string& option, const std::string& text,
                                 std::uint64_t lo, std::uint64_t hi) {
  const std::string s = trimmed(text);
  std::uint64_t v = 0;
  const bool digits =
      !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!digits || ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi)
    throw UsageError(
        fmt::format("{} {}: expected a whole number from {} to {}", option, echo(text), lo, hi));
  return v;
}

namespace {
CLI::Option* add_number_option(CLI::App* cmd, const std::string& name, double& target,
                               const std::string& help, bool zero_ok, double max) {
  const std::string flag = name.substr(0, name.find(','));
  return cmd->add_option(name, help)
      ->each([&target, flag, zero_ok, max](const std::string& v) {
        target = parse_number(flag, v, zero_ok, max);
      })
      ->default_str(fmt::format("{}", target));
}
}  // namespace

CLI::Option* add_positive_option(CLI::App* cmd, const std::string& name, double& target,
                                 const std::string& help, double max) {
  return add_number_option(cmd, name, target, help, false, max);
}

CLI::Option* add_non_negative_option(CLI::App* cmd, const std::string& name, double& target,
                                     const std::string& help) {
  return add_number_option(cmd, name, target, help, true,
                           std::numeric_limits<double>::infinity());
}

void warn_about_threads(int threads) {
  if (threads > hardware_threads())
    std::cerr << fmt::format(
        "gpubench: warning: --threads {} is more than the {} hardware threads; expect it to be "
        "slower\n",
        threads, hardware_threads());
}

CLI::Option* add_threads_option(CLI::App* cmd, int& target, const std::string& help) {
  return add_whole_option(
      cmd, "--threads", target,
      fmt::format("{} (at most {}x the hardware threads)", help, kMaxThreadsPerHardwareThread), 0,
      std::uint64_t(max_thread_option()));
}

}  // namespace gpubench
