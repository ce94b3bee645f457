// The dialects of the column model: how each writes a header, a divider, a row and a cell.
#include "gpubench/output/columns.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "gpubench/core/format_util.hpp"
#include "gpubench/output/text.hpp"

namespace gpubench {

namespace {

std::string table_cell(const Cell& c) { return c.alarm + c.text + (c.flagged ? " (!)" : ""); }

std::string markdown_text(const Cell& c) {
  const std::string alarm = c.alarm.empty() ? "" : "**" + markdown_cell(c.alarm) + "**";
  return alarm + markdown_cell(c.text) + (c.flagged ? " ⚠️" : "");
}

std::string table(const Grid& g, std::string_view indent) {
  std::vector<std::vector<std::string>> rows(1);
  std::vector<bool> right;
  for (const Grid::Head& h : g.heads)
    rows[0].push_back(h.title), right.push_back(h.align == Align::right);
  for (const auto& cells : g.rows) {
    std::vector<std::string>& row = rows.emplace_back();
    for (const Cell& c : cells) row.push_back(table_cell(c));
  }
  return align_columns(rows, right, indent);
}

std::string markdown_row(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const std::string& c : cells) line += " " + c + " |";
  return line + "\n";
}

std::string markdown(const Grid& g) {
  std::vector<std::string> titles;
  std::string divider = "|";
  for (const Grid::Head& h : g.heads) {
    titles.push_back(markdown_cell(h.title));
    divider += h.align == Align::right ? "---:|" : "---|";
  }
  std::string out = markdown_row(titles) + divider + "\n";
  for (const auto& cells : g.rows) {
    std::vector<std::string> row;
    for (const Cell& c : cells) row.push_back(markdown_text(c));
    out += markdown_row(row);
  }
  return out;
}

std::string csv(const Grid& g) {
  std::vector<std::string> names;
  for (const Grid::Head& h : g.heads) names.push_back(h.name);
  std::string out = csv_line(names) + "\n";
  for (const auto& cells : g.rows) {
    std::vector<std::string> fields;
    for (const Cell& c : cells) fields.push_back(c.text);
    out += csv_line(fields) + "\n";
  }
  return out;
}

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0, start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    widest = std::max(widest, display_width(std::string_view(text).substr(start, end - start)));
  return widest;
}

// The column to leave out next: the largest priority number above 1, the rightmost among equals.
std::optional<std::size_t> next_to_drop(const Grid& g) {
  std::optional<std::size_t> pick;
  for (std::size_t i = 0; i < g.heads.size(); ++i)
    if (g.heads[i].priority > 1 && (!pick || g.heads[i].priority >= g.heads[*pick].priority))
      pick = i;
  return pick;
}

void drop_column(Grid& g, std::size_t i) {
  g.heads.erase(g.heads.begin() + static_cast<std::ptrdiff_t>(i));
  for (auto& cells : g.rows) cells.erase(cells.begin() + static_cast<std::ptrdiff_t>(i));
}

// Cells of the last column wider than `room` keep their start and point to a note with the rest.
void shorten_last_column(FittedGrid& f, std::size_t room) {
  constexpr std::size_t kNarrowest = 12;  // "skipped: ..." still says which way the case went
  room = std::max(room, kNarrowest);
  for (auto& cells : f.grid.rows) {
    Cell& c = cells.back();
    if (display_width(table_cell(c)) <= room) continue;
    f.notes.push_back(c.alarm + c.text);
    const std::string mark = fmt::format("... [{}]{}", f.notes.size(), c.flagged ? " (!)" : "");
    const std::size_t used = display_width(c.alarm) + display_width(mark);
    c.text = prefix_of_width(c.text, room > used ? room - used : 0) + mark;
    c.flagged = false;
  }
}

}  // namespace

FittedGrid fit_grid(Grid g, std::size_t width, std::string_view indent) {
  FittedGrid f{std::move(g), {}, {}};
  if (width == 0) return f;
  std::size_t widest = widest_line(table(f.grid, indent));
  for (std::optional<std::size_t> i; widest > width && (i = next_to_drop(f.grid));
       widest = widest_line(table(f.grid, indent))) {
    f.left_out.insert(f.left_out.begin(), f.grid.heads[*i].name);
    drop_column(f.grid, *i);
  }
  const bool shortens = !f.grid.heads.empty() && f.grid.heads.back().align == Align::left;
  if (widest > width && shortens) {
    std::size_t last = display_width(f.grid.heads.back().title);
    for (const auto& cells : f.grid.rows)
      last = std::max(last, display_width(table_cell(cells.back())));
    shorten_last_column(f, last > widest - width ? last - (widest - width) : 0);
  }
  return f;
}

std::string fitted_notes(const FittedGrid& f, std::size_t width, std::string_view see_all) {
  std::string out;
  if (!f.left_out.empty()) {
    std::string names;
    for (const std::string& n : f.left_out) names += (names.empty() ? "" : ", ") + n;
    out += fmt::format("{} left out to fit {} characters: {} ({})\n",
                       format_count(f.left_out.size(), "column"), width, names, see_all);
  }
  for (std::size_t i = 0; i < f.notes.size(); ++i)
    out += fmt::format("[{}] {}\n", i + 1, f.notes[i]);
  return out;
}

std::string render_grid(Dialect d, const Grid& g, std::string_view indent) {
  switch (d) {
    case Dialect::table:
      return table(g, indent);
    case Dialect::markdown:
      return markdown(g);
    case Dialect::csv:
      return csv(g);
  }
  return "";
}

}  // namespace gpubench
