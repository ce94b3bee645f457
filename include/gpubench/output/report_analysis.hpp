// The printed forms of what analysis/ computes: the verdict block and its JSON section, the words
// for a crossover and for the fastest CPU library, and the regression gate's text.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>

#include "gpubench/analysis/regression_gate.hpp"
#include "gpubench/analysis/verdict.hpp"

namespace gpubench {

// The block printed after the matmul table.
void write_verdict(std::ostream& os, const Verdict& v);

// The verdict for scripts (the "verdict" section of the results JSON): crossovers, speedups per
// size, GFLOP per dollar and whether the GPU pays off, the roofline notes. Derived at write time.
nlohmann::json verdict_to_json(const Verdict& v);

// Plain words for a crossover: "from 512 on (between 256 and 512)".
std::string describe_crossover(const Crossover& c);

// "mkl at every size measured, 1024 to 8192" or "blis at 1024, 2048; mkl at 4096, 8192".
std::string describe_best_cpu_library(const CpuLibraryVerdict& v);

// Names every regressed row, or says that nothing regressed, and which inputs are incomplete.
// Markdown-friendly plain text.
void write_gate(std::ostream& os, const GateResult& g);

}  // namespace gpubench
