#include "gpubench/core/outcome.hpp"

#include <algorithm>

#include "gpubench/core/errors.hpp"

namespace gpubench {

namespace {

template <class Rows>
bool any_with(const Rows& rows, Status s) {
  return std::any_of(rows.begin(), rows.end(), [s](const auto& row) { return row.status == s; });
}

bool any_with(const Results& r, Status s) {
  return any_with(r.records, s) || any_with(r.bandwidth, s) ||
         std::any_of(r.peak.begin(), r.peak.end(),
                     [s](const PeakSearch& p) { return any_with(p.points, s); });
}

// In the words of the command that made the results.
std::string nothing_measured(const Results& r) {
  if (!r.peak.empty()) return "no shape could be measured within the budget (see the report)";
  if (!r.bandwidth.empty())
    return "no test could be measured: every one was skipped (see the table)";
  return "no case could be measured: every one was skipped or unsupported (see the table)";
}

}  // namespace

bool measured_anything(const Results& r) {
  return any_with(r, Status::ok) || any_with(r, Status::failed);
}

int results_exit_code(const Results& r, std::string& why) {
  if (any_with(r, Status::failed)) return kExitCheckFailed;
  if (!measured_anything(r)) {
    why = nothing_measured(r);
    return kExitEnvironment;
  }
  return kExitOk;
}

}  // namespace gpubench
