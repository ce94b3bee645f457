// The workload lines of the verdict (analysis/workload.hpp): one pass of the captured or suite
// GEMM set per dtype, for people (table, markdown) and for scripts (the JSON's "workload").
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpubench/analysis/workload.hpp"

namespace gpubench {

// "workload fp32: 6 shapes, 12 calls, 0.56 GFLOP per pass" and its rows, speedup and dominant
// shapes, a few lines per dtype; nothing when there is no workload.
std::vector<std::string> workload_lines(const std::vector<WorkloadTotal>& w);
void write_workload(std::ostream& os, const std::vector<WorkloadTotal>& w);
nlohmann::json workload_to_json(const std::vector<WorkloadTotal>& w);

}  // namespace gpubench
