// Printing the machine view of `gpubench compare` (analysis/machines.hpp) in every format.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "gpubench/analysis/machines.hpp"
#include "gpubench/output/formats.hpp"

namespace gpubench {

// One line per dtype and other machine: "fp32: cloud (NVIDIA H200, cublas) is 628x laptop (AMD
// EPYC, openblas) at 2048, geomean 142x over 5 sizes", then where the order changes and, with
// prices, which is cheaper for the work.
std::vector<std::string> machine_headlines(const MachineView& v);

// `width`: the terminal's, for the table (its columns fitted, its text wrapped); 0 for a pipe.
void write_machine_view(Format f, std::ostream& os, const MachineView& v, std::size_t width = 0);

}  // namespace gpubench
