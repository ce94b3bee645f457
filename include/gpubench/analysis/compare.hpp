// Several runs side by side (`gpubench compare A.json B.json ...`): records aligned by case,
// GFLOPS ratios to the first run, geometric means, and what differs between the machines.
#pragma once

#include <compare>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/core/record.hpp"

namespace gpubench {

// What makes two records "the same case" across runs. Host names are not part of it: comparing
// a laptop with a cloud machine is the point. Ranks and GPU ordinals keep MPI and multi-GPU rows
// apart.
struct CaseKey {
  std::int64_t m = 0, n = 0, k = 0;
  Layout layout = Layout::nn;
  std::int64_t batch = 1;
  DType dtype = DType::fp32;
  std::string backend;
  int device_index = -1;
  int rank = 0;
  auto operator<=>(const CaseKey&) const = default;
  Shape shape() const { return {m, n, k, layout, batch}; }
  // "1024 fp32 openblas", "4096x1024x512 bf16 cublas[1]", "... (rank 2)"
  std::string label() const;
};
CaseKey case_key(const Record& r);

// What compare ranks runs by (--by): GFLOPS, or FLOP per clock cycle (per SM on a GPU, at the
// window's mean SM clock; per core on a CPU, at its measured clock), which takes the clock out, so
// that a power-capped card and a cool one of the same model compare as silicon.
enum class RankBy { gflops, flop_per_cycle };
// Its --by name ("gflops", "flop-per-cycle"), every --by name, and the one a name means (a
// UsageError naming the valid ones for any other).
std::string_view rank_by_name(RankBy by);
std::vector<std::string> rank_by_names();
RankBy parse_rank_by(std::string_view name);
// The figure `r` is ranked by: empty where it is not ok, or the figure is not known (a GPU row
// whose clock was not read, a CPU whose clock is unknown).
std::optional<double> ranked_value(const Record& r, RankBy by);

struct NamedResults {
  std::string name;  // shown in headers: usually the file name
  Results results;
};

struct ComparedRow {
  CaseKey key;
  std::vector<const Record*> records;  // one per run; null where the run has no such case
  RankBy by = RankBy::gflops;
  // The ranked figure (`by`) of run i over run 0's, when both are ok and have it.
  std::optional<double> ratio(std::size_t i) const;
  bool in_all_runs() const;
};

struct GeoMean {
  std::string backend;
  DType dtype = DType::fp32;
  int rows = 0;                // cases ok in every run
  std::vector<double> ratios;  // per run, over run 0 (ratios[0] == 1)
};

// A machine property that differs between the runs, with each run's value.
struct MachineDifference {
  std::string what;
  std::vector<std::string> values;
};

struct Comparison {
  RankBy by = RankBy::gflops;  // what the ratios and geometric means divide
  std::vector<std::string> names;
  std::vector<MachineDifference> differences;
  std::vector<MachineDifference> same;  // properties identical in every run (values has one)
  std::vector<ComparedRow> rows;        // in the order cases first appear, run 0 first
  std::vector<GeoMean> geomeans;
  bool any_interrupted = false;
  std::vector<std::string> incomplete;  // names of runs whose file says it was never finished
};

// `runs` must outlive the Comparison (rows point into it).
Comparison compare_runs(const std::vector<NamedResults>& runs, RankBy by = RankBy::gflops);
Comparison compare_runs(std::vector<NamedResults>&&, RankBy = RankBy::gflops) = delete;
// A UsageError naming the file and both records where one of `runs` holds two records of one case
// (which of them counted would decide a comparison or a gate); compare_runs refuses the same.
void refuse_repeated_cases(const std::vector<NamedResults>& runs);

}  // namespace gpubench
