// Summary statistics of repeated timings.
#pragma once

#include <vector>

namespace gpubench {

struct Stats {
  double min = 0, median = 0, mean = 0, stddev = 0, max = 0;
  int samples = 0;
  // Coefficient of variation (stddev / mean); 0 for fewer than two samples.
  double cv() const { return mean > 0 ? stddev / mean : 0.0; }
};

// Sample statistics (stddev with n-1). An empty input gives all zeros.
Stats compute_stats(std::vector<double> samples);

// The middle value (the mean of the two middle ones for an even count); 0 for an empty input.
double median(std::vector<double> values);

}  // namespace gpubench
