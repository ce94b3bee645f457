// CSV: one line per record with every statistic and every derived number, for spreadsheets and
// scripts. Its columns are the records' columns (output/record_columns.hpp), every one of them.
#include "gpubench/output/record_columns.hpp"
#include "gpubench/output/report.hpp"

namespace gpubench {

void write_csv(std::ostream& os, const Results& r, const Analysis& a) {
  os << render_columns(Dialect::csv, record_columns(r, a), record_rows(r, a));
}

}  // namespace gpubench
