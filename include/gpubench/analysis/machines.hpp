// Machines side by side (`gpubench compare` of runs from different machines): the unit of
// comparison is each machine's best device, not a backend against itself. Per dtype and size,
// each run's best ok row (its backend and device), the ratio to the first run, where the order
// changes, the geometric mean over the cases every run measured, and with prices GFLOP per dollar.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gpubench/analysis/compare.hpp"
#include "gpubench/core/record.hpp"

namespace gpubench {

// True when the runs come from more than one machine: their hosts, CPU models or GPUs differ.
bool from_different_machines(const std::vector<NamedResults>& runs);

// A short name per run for column headers: its host name, else (hosts repeat) its GPU model,
// else its CPU model, else its file name; made unique by numbering.
std::vector<std::string> machine_labels(const std::vector<NamedResults>& runs);

// What a row ran on, for people: the GPU's name for a GPU row ("NVIDIA H200"), else the CPU model.
std::string device_of(const Record& r, const Results& run);

// One run's best ok row of a case, with its GFLOP per dollar when the run is priced.
struct MachineBest {
  const Record* record = nullptr;  // null: the run has no ok row of this case with the figure
  std::string device;              // device_of(record)
  std::optional<double> gflop_per_usd;
  double value = 0;            // the figure the case is ranked by (MachineView::by)
  bool lacks_figure = false;   // the run has ok rows of this case, none with the figure
};

// One dtype and shape across the runs.
struct MachineCase {
  DType dtype = DType::fp32;
  Shape shape;
  std::vector<MachineBest> best;  // per run
  bool in_every_run() const;
  // The ranked figure of run i's best over run 0's best, when both have one.
  std::optional<double> ratio(std::size_t i) const;
  // The run with the highest figure, among those that have a row.
  std::size_t leader() const;
};

// Where the fastest machine changes along the sizes every run measured.
struct LeadSpan {
  std::size_t run = 0;
  std::size_t first_case = 0, last_case = 0;  // indices into MachineView::cases
};

struct MachineDtype {
  DType dtype = DType::fp32;
  std::vector<std::size_t> common;    // cases (indices into MachineView::cases) in every run
  std::vector<double> geomean;        // per run: geometric mean of its ratios to run 0 over common
  std::vector<std::optional<double>> gflop_per_usd;  // per run: geometric mean over common
  std::size_t winner = 0;             // the run with the highest geometric mean
  std::vector<LeadSpan> leads;        // in size order; more than one span: a crossover
  std::size_t missing = 0;            // cases of this dtype not in every run
  bool all_square = true;             // every common case square: "sizes", else "shapes"
};

struct MachineView {
  RankBy by = RankBy::gflops;       // what picks each run's best row and what the ratios divide
  std::vector<std::string> labels;  // per run
  std::vector<std::string> files;   // per run
  std::vector<std::string> summaries;  // per run: "AMD EPYC, 2 cores; no GPU"
  // Per run: "interrupted: partial results", "incomplete: the run that wrote it never finished"
  // or "" for a whole run.
  std::vector<std::string> partial;
  std::vector<std::optional<double>> usd_per_hour;  // per run, when given at compare time
  bool priced = false;              // some row has a GFLOP per dollar
  std::vector<MachineCase> cases;   // grouped by dtype (in first-seen order), by size within
  std::vector<MachineDtype> dtypes;
};

// `labels` (one per run) and `usd_per_hour` (one per run; each the whole machine's price, which
// overrides the run's own --price-cpu/--price-gpu) may be empty. `runs` must outlive the view.
MachineView machine_view(const std::vector<NamedResults>& runs,
                         const std::vector<std::string>& labels,
                         const std::vector<std::optional<double>>& usd_per_hour,
                         RankBy by = RankBy::gflops);
MachineView machine_view(std::vector<NamedResults>&&, const std::vector<std::string>&,
                         const std::vector<std::optional<double>>&, RankBy = RankBy::gflops) = delete;

}  // namespace gpubench
