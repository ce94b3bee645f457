// Text helpers every printer shares, once: field quoting, cell escaping, column alignment by
// characters, status words and the one-line GPU summary.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gpubench/analysis/compare.hpp"
#include "gpubench/core/record.hpp"

namespace gpubench {

// RFC 4180: a field holding a comma, a quote, a CR or an LF is quoted, its quotes doubled.
std::string csv_field(std::string_view s);
// Joins fields into one CSV line (no line end), each quoted as csv_field does.
std::string csv_line(const std::vector<std::string>& fields);

// A user or host string (hostname, file name, model) in markdown, in a table cell or in text: pipes
// escaped (they would end the cell), line breaks made spaces (they would end the row or inject a
// line), and <, > and & as HTML entities (a renderer would take them as markup). Not for use
// inside a `code span`, where entities show literally.
std::string markdown_cell(std::string_view s);

// What compare's columns of a ranked figure are called ("GFLOPS", "FLOP/cycle"), and what its
// ratios are, in words ("GFLOPS", "FLOP per cycle").
std::string_view ranked_title(RankBy by);
std::string_view ranked_words(RankBy by);
// A row's ranked figure as people read it: the number, "no clock" where the run has the row but
// not a FLOP per cycle (say so rather than print 0), its status where it is not ok.
std::string ranked_cell(const Record& r, RankBy by);

// Characters as a terminal shows them: UTF-8 code points, not bytes ("±" and "×" are two bytes).
std::size_t display_width(std::string_view s);

// The first code points of `s` that take at most `width` characters.
std::string prefix_of_width(std::string_view s, std::size_t width);

// Each line of `text` wider than `width` broken at spaces into lines that fit, the continuations
// indented two more than the line's own indent (a word wider than that is cut). Width 0: unchanged.
std::string wrap_lines(std::string_view text, std::size_t width);

// Rows of cells as aligned columns, two spaces apart, each line without trailing spaces. Column c
// is right-aligned when right[c] (missing entries: left). Widths count characters.
std::string align_columns(const std::vector<std::vector<std::string>>& rows,
                          const std::vector<bool>& right, std::string_view indent = "");

// "OpenBLAS 0.3.26 core=Haswell threads=2": one CPU library as the headers show it; what it
// detected is its core (OpenBLAS), configuration (BLIS: config=zen3) or code path (MKL: isa=).
std::string library_text(const LibraryInfo& l);

// "ok", "skipped: why", "FAILED: why": a record's status with the reason where it is not ok.
std::string status_text(Status s, const std::string& reason);

// "±1.2%": the spread of a record's timings (stddev / mean). One sample has none to measure, so
// "unknown" there: ±0.0% would claim a perfectly steady case. Files keep cv as the schema says.
std::string spread_text(const Stats& s);

// "[0] H100 (sm_90, 132 SMs, 80 GiB, 1980 MHz max)" for every GPU, "; " apart, each with its bus
// id when there are several; the CUDA status when there is none.
std::string gpu_summary(const SystemInfo& s);

}  // namespace gpubench
