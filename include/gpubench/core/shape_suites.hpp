// Built-in workloads for --shapes suite:NAME[:TOKENS]: the GEMMs of open models' transformer
// layers and DeepBench's GEMM lists, as --shapes lines (with counts, without a dtype: --dtype
// applies).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gpubench/core/shapes_file.hpp"

namespace gpubench {

inline constexpr std::string_view kSuitePrefix = "suite:";

// Whether a --shapes value asks for the list of suites ("suite:list").
bool lists_suites(std::string_view shapes_value);
// A --shapes value's cases: a suite's ("suite:NAME[:TOKENS]") or a file's.
std::vector<ShapeCase> read_shapes(const std::string& shapes_value);
// The suite's cases; `spec` is the part after "suite:", "NAME" or "NAME:TOKENS" (model suites:
// the token count, batch x sequence length, default 4096). Throws UsageError naming the bad part
// and listing the suites.
std::vector<ShapeCase> suite_cases(std::string_view spec);
// One line per suite: its name and what it holds (`--shapes suite:list`).
std::string suite_list();

}  // namespace gpubench
