// The tuned-against-default lines under the matmul table (Record::tuned_gain): what choosing among
// the library's algorithms gained over the default a framework gets, where it is worth a word.
#pragma once

#include <string>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

// Gains below this are noise between two windows, not worth a line.
inline constexpr double kTunedGainShown = 1.05;

// "cuBLAS bf16 16x4096x4096: the tuned algorithm 2.09x the library's default (46,600 vs 22,300
// GFLOPS; default id 21 ..., tuned id 6 ...)", one per ok row whose gain is kTunedGainShown or more.
std::vector<std::string> tuned_gain_lines(const Results& r);

}  // namespace gpubench
