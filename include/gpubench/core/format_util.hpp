// Small formatting helpers shared by reporters.
#pragma once

#include <string>

namespace gpubench {

// "812 us", "12.3 ms", "1.52 s": three significant figures in a unit that fits.
std::string format_seconds(double s);
// "0.5", "812", "51234": GFLOPS with sensible precision.
std::string format_gflops(double g);

}  // namespace gpubench
