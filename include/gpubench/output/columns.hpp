// The column model every table printer shares. A column is declared once: its name (as in CSV and
// JSON), its title, alignment and priority, how a row gives its cell, and whether this result set
// shows it. A dialect (the terminal table, markdown, CSV) supplies only cell escaping and the row
// and divider syntax, so the formats carry the same columns by construction.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpubench {

enum class Align { left, right };

// A cell as a person reads it.
struct Cell {
  Cell() = default;
  Cell(std::string text, std::string alarm = "", bool flagged = false)
      : text(std::move(text)), alarm(std::move(alarm)), flagged(flagged) {}
  std::string text;
  std::string alarm;     // a word before the text, stressed where a dialect can ("FAILED")
  bool flagged = false;  // the row has warnings: "(!)" in the table, a warning sign in markdown
};

template <class Row>
struct Column {
  std::string name;   // as in CSV and JSON: "gflops", "median_s"
  std::string title;  // as a person reads it: "GFLOPS", "median"
  Align align = Align::right;
  // For fitting a narrow terminal: 1 is kept longest, the largest number goes first.
  int priority = 1;
  std::function<std::string(const Row&)> field;  // the exact value for files; empty: people only
  std::function<Cell(const Row&)> cell;          // what people read; empty: files only
  bool shown = true;  // whether this result set has it (people's tables; files carry every field)
  // People's tables show it only when asked for (--columns NAME or all); files always carry it.
  bool on_request = false;
};

// The three ways a table is written: aligned text for a terminal, GitHub markdown, RFC 4180 CSV.
// CSV is for files: its header is the names and its cells the exact fields; the others are for
// people: titles and cells, shown columns only.
enum class Dialect { table, markdown, csv };

// One table reduced to text: what a dialect writes.
struct Grid {
  struct Head {
    std::string name, title;
    Align align = Align::right;
    int priority = 1;
  };
  std::vector<Head> heads;
  std::vector<std::vector<Cell>> rows;
};

// The grid in the dialect's syntax, a line per row after the header (and markdown's divider).
// `indent` starts every line of the terminal table.
std::string render_grid(Dialect d, const Grid& g, std::string_view indent = "");

// A terminal table fitted to a width: the grid that fits, the names of the columns it left out and
// the full texts of the cells it shortened, numbered as the shortened cells point to them.
struct FittedGrid {
  Grid grid;
  std::vector<std::string> left_out;
  std::vector<std::string> notes;
};

// Fits `g`, printed with `indent`, into `width` characters: columns go from the largest priority
// number down (among equals the rightmost first) while the rows are too wide, priority 1 staying;
// then the last column, when left-aligned (status), is shortened with "... [n]" pointing to note n.
// Width 0 (not known) changes nothing.
FittedGrid fit_grid(Grid g, std::size_t width, std::string_view indent = "");

// The lines under a fitted table: what it left out, by name, and `see_all` (how to see every
// column); then the full texts of the cells it shortened, numbered.
std::string fitted_notes(const FittedGrid& f, std::size_t width, std::string_view see_all);

template <class Row>
Grid grid_of(Dialect d, const std::vector<Column<Row>>& columns, const std::vector<Row>& rows) {
  const bool files = d == Dialect::csv;
  std::vector<const Column<Row>*> used;
  Grid g;
  for (const Column<Row>& c : columns)
    if (files ? bool(c.field) : c.cell && c.shown && !c.on_request) {
      used.push_back(&c);
      g.heads.push_back({c.name, c.title, c.align, c.priority});
    }
  for (const Row& row : rows) {
    std::vector<Cell>& cells = g.rows.emplace_back();
    for (const Column<Row>* c : used) cells.push_back(files ? Cell{c->field(row)} : c->cell(row));
  }
  return g;
}

template <class Row>
std::string render_columns(Dialect d, const std::vector<Column<Row>>& columns,
                           const std::vector<Row>& rows, std::string_view indent = "") {
  return render_grid(d, grid_of(d, columns, rows), indent);
}

}  // namespace gpubench
