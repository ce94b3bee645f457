// The dialects of the column model: how each writes a header, a divider, a row and a cell.
#include "gpubench/output/columns.hpp"

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

}  // namespace

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
