// Small formatting helpers shared by reporters.
#pragma once

#include <string>
#include <string_view>

namespace gpubench {

// "812 us", "12.3 ms", "1.52 s": three significant figures in a unit that fits.
std::string format_seconds(double s);
// "0.5", "812", "51234": GFLOPS with sensible precision.
std::string format_gflops(double g);
// "1 case", "0 cases", "3 cases": the count and its noun, plural unless the count is one;
// `plural` for a noun that does not take an s ("process", "processes").
std::string format_count(long long n, std::string_view noun, std::string_view plural = {});

}  // namespace gpubench
