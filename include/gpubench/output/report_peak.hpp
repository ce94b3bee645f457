// Printers of `gpubench peak`: the best shape with its rates and % of peak, the fastest shapes of
// the search and the means over the grid it measured; and the results document with the search.
#pragma once

#include <ostream>
#include <string>

#include "gpubench/core/record.hpp"

namespace gpubench {

// The terminal report: one block per search (backend and dtype).
void write_peak_table(std::ostream& os, const Results& r);
// The same report in GitHub-flavoured markdown (a CI step summary), each search a section.
void write_peak_markdown(std::ostream& os, const Results& r);
// One line per shape the search measured, in the order it measured them (the JSON's points).
void write_peak_csv(std::ostream& os, const Results& r);
// The results document (schema: gpubench-results.schema.json) whose "peak" entries each gain the
// derived "summary" (best row, top shapes, means); never read back.
void write_peak_json(std::ostream& os, const Results& r);
// The grid of one dimension as the options take it: "1024..16384 step 1024".
std::string grid_range_text(const GridRange& g);

}  // namespace gpubench
