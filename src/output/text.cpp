#include "gpubench/output/text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "gpubench/core/format_util.hpp"

namespace gpubench {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    line += csv_field(fields[i]);
  }
  return line;
}

std::string markdown_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

std::string_view ranked_title(RankBy by) {
  return by == RankBy::flop_per_cycle ? "FLOP/cycle" : "GFLOPS";
}

std::string_view ranked_words(RankBy by) {
  return by == RankBy::flop_per_cycle ? "FLOP per cycle" : "GFLOPS";
}

std::string ranked_cell(const Record& r, RankBy by) {
  if (!r.ok()) return to_string(r.status);
  const std::optional<double> v = ranked_value(r, by);
  if (!v) return by == RankBy::flop_per_cycle ? "no clock" : "-";
  return format_gflops(*v);
}

std::size_t display_width(std::string_view s) {
  std::size_t chars = 0;
  for (unsigned char ch : s) chars += (ch & 0xC0) != 0x80;  // count all but continuation bytes
  return chars;
}

std::string prefix_of_width(std::string_view s, std::size_t width) {
  std::size_t bytes = 0, chars = 0;
  for (; bytes < s.size(); ++bytes)
    if ((static_cast<unsigned char>(s[bytes]) & 0xC0) != 0x80 && chars++ == width) break;
  return std::string(s.substr(0, bytes));
}

namespace {

// One line as lines of at most `width` characters, broken at spaces, continuations hanging.
std::string wrap_line(std::string_view line, std::size_t width) {
  const std::size_t own = std::min(line.find_first_not_of(' '), line.size());
  const std::string hang(std::min(own + 2, width / 2), ' ');
  std::string out, current(std::min(own, width / 2), ' ');
  bool empty = true;  // `current` holds only its indent
  for (std::string_view rest = line.substr(own); !rest.empty();) {
    const std::size_t start = std::min(rest.find_first_not_of(' '), rest.size());
    const std::string gap(start, ' ');  // kept between words on one line: aligned text stays so
    rest.remove_prefix(start);
    const std::size_t end = std::min(rest.find(' '), rest.size());
    std::string word(rest.substr(0, end));
    rest.remove_prefix(end);
    if (word.empty()) continue;
    if (!empty && display_width(current) + gap.size() + display_width(word) > width)
      out += current + "\n", current = hang, empty = true;
    while (display_width(current) + display_width(word) > width) {  // a word wider than a line
      const std::string piece = prefix_of_width(word, width - display_width(current));
      out += current + piece + "\n", current = hang;
      word.erase(0, piece.size());
    }
    current += (empty ? "" : gap) + word;
    empty = false;
  }
  return out + current;
}

}  // namespace

std::string wrap_lines(std::string_view text, std::size_t width) {
  if (width == 0) return std::string(text);
  std::string out;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    out += display_width(line) <= width ? std::string(line) : wrap_line(line, width);
    if (end < text.size()) out += "\n";
    start = end + 1;
  }
  return out;
}

std::string align_columns(const std::vector<std::vector<std::string>>& rows,
                          const std::vector<bool>& right, std::string_view indent) {
  std::vector<std::size_t> width;
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], display_width(row[c]));
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - display_width(row[c]), ' ');
      line += c < right.size() && right[c] ? pad + row[c] : row[c] + pad;
      if (c + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string library_text(const LibraryInfo& l) {
  return fmt::format("{} {} {}={} threads={}", l.name, l.version, l.detected_label(), l.detected,
                     l.threads);
}

std::string status_text(Status s, const std::string& reason) {
  std::string out = to_string(s);
  if (s != Status::ok && !reason.empty()) out += ": " + reason;
  return out;
}

std::string gpu_summary(const SystemInfo& s) {
  if (s.gpus.empty()) return s.gpu_status();
  std::string out;
  for (const GpuInfo& g : s.gpus)
    out += fmt::format("{}[{}] {} (sm_{}{}, {} SMs, {:.0f} GiB, {:.0f} MHz max{})",
                       out.empty() ? "" : "; ", g.index, g.name, g.cc_major, g.cc_minor, g.sms,
                       double(g.memory_total_bytes) / (1ull << 30), g.max_sm_clock_mhz,
                       s.gpus.size() > 1 ? ", bus " + g.pci_bus_id : "");
  return out;
}

std::string spread_text(const Stats& s) {
  return s.samples < 2 ? "unknown" : fmt::format("±{:.1f}%", 100 * s.cv());
}

}  // namespace gpubench
