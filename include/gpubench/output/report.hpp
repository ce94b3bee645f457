// Reporters: pure functions of Results. They never measure.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "gpubench/core/record.hpp"

namespace gpubench {

enum class Format { table, markdown, csv, json, gbench_json };
std::optional<Format> parse_format(const std::string& s);

// The terminal table: system header, one row per record, one-line summary.
void write_table(std::ostream& os, const Results& r);
// A GitHub-flavoured markdown summary (PR comment, CI step summary): system, table, summary.
void write_markdown(std::ostream& os, const Results& r);
// One header line, then one line per record with every statistic (RFC 4180 quoting).
void write_csv(std::ostream& os, const Results& r);
// The versioned results document (src/gpubench-results.schema.json); the data of core/results_json.hpp plus the derived numbers.
void write_json(std::ostream& os, const Results& r);
// Google Benchmark's JSON layout (context + benchmarks, GFLOPS as a counter), for its compare.py
// and CI trackers that read that format.
void write_gbench_json(std::ostream& os, const Results& r);
// Writes `r` in format `f`.
void render(Format f, std::ostream& os, const Results& r);

// Speedup of a record over the CPU record of the same shape and dtype (the fastest CPU backend's),
// computed at report time; nullopt when there is no such CPU row or either is not ok.
std::optional<double> speedup_vs_cpu(const Results& r, const Record& rec);

// For kernel:* rows, the record's GFLOPS as a percentage of the cublas row of the same case.
std::optional<double> pct_of_cublas(const Results& r, const Record& rec);

}  // namespace gpubench
