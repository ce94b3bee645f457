#include "gpubench/core/format_util.hpp"

#include <cmath>

#include <fmt/format.h>

namespace gpubench {

std::string format_seconds(double s) {
  if (s <= 0 || !std::isfinite(s)) return "-";
  const char* unit = "s";
  double v = s;
  if (s < 1e-3) v = s * 1e6, unit = "us";
  else if (s < 1) v = s * 1e3, unit = "ms";
  if (v >= 100) return fmt::format("{:.0f} {}", v, unit);
  if (v >= 10) return fmt::format("{:.1f} {}", v, unit);
  return fmt::format("{:.2f} {}", v, unit);
}

std::string format_gflops(double g) {
  if (g <= 0 || !std::isfinite(g)) return "-";
  if (g >= 100) return fmt::format("{:.0f}", g);
  if (g >= 10) return fmt::format("{:.1f}", g);
  return fmt::format("{:.2f}", g);
}

std::string format_count(long long n, std::string_view noun, std::string_view plural) {
  if (n == 1) return fmt::format("1 {}", noun);
  return plural.empty() ? fmt::format("{} {}s", n, noun) : fmt::format("{} {}", n, plural);
}

}  // namespace gpubench
