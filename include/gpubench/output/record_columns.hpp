// The columns of a matmul record, declared once for the terminal table, markdown and CSV
// (output/columns.hpp), and the names rows go by.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gpubench/analysis/analysis.hpp"
#include "gpubench/core/record.hpp"
#include "gpubench/output/columns.hpp"

namespace gpubench {

// One row of the record tables: a record and what analysis derived from it.
struct RecordRow {
  const Record& rec;
  const RecordAnalysis& ra;
};

// How rows name their run: by rank where several ranks ran, by GPU where several GPUs did
// ("cublas[1]").
struct RowNaming {
  bool ranks = false;
  bool devices = false;
  std::string backend(const Record& rec) const;
};
RowNaming row_naming(const Results& r);

// Every column of a record, in the CSV's order (new fields go at the end: readers by position keep
// working), each with whether these results show it.
std::vector<Column<RecordRow>> record_columns(const Results& r, const Analysis& a);

// The names of the columns people read, in the order they read them: the terminal table's and
// markdown's layout.
const std::vector<std::string_view>& people_layout();

// `columns` in the order of `names` (names not among them are left out).
std::vector<Column<RecordRow>> columns_named(const std::vector<Column<RecordRow>>& columns,
                                             const std::vector<std::string_view>& names);

// The rows of `r` (with their analysis) for which `keep` holds; every row without one.
std::vector<RecordRow> record_rows(const Results& r, const Analysis& a,
                                   const std::function<bool(const Record&)>& keep = nullptr);

}  // namespace gpubench
