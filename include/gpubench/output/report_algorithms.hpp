// The tuned-against-default lines under the matmul table (Record::tuned_gain): what choosing among
// the library's algorithms gained over the default a framework gets, where it is worth a word.
#pragma once

#include <string>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

// Gains below this are noise between two windows, not worth a line.
inline constexpr double kTunedGainShown = 1.05;

// "tuned: cublas (GPU 0) bf16 16x4096x4096: the chosen algorithm runs 2.09x the library's default
// (22,300 GFLOPS by default; default id 21 ..., chosen id 6 ...)", rows named by their backend as
// in the table, one per ok row whose gain is kTunedGainShown or more.
std::vector<std::string> tuned_gain_lines(const Results& r);

}  // namespace gpubench
