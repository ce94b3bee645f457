#include "gpubench/core/text.hpp"

#include <algorithm>

#include <cctype>
#include <cstdint>
#include <string>

namespace gpubench {

std::string shown_input(std::string_view s, std::size_t max_chars) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  std::size_t i = 0;
  for (; i < s.size() && out.size() < max_chars; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (i < s.size()) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

namespace {

// The length of the valid UTF-8 sequence of 2 to 4 bytes at s[i] (no overlong forms, no
// surrogates, nothing past U+10FFFF), or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& code) {
  const auto byte = [&](std::size_t j) { return static_cast<unsigned char>(s[j]); };
  const unsigned char b = byte(i);
  const std::size_t n = b >= 0xc2 && b <= 0xdf   ? 2
                        : b >= 0xe0 && b <= 0xef ? 3
                        : b >= 0xf0 && b <= 0xf4 ? 4
                                                 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  code = b & (0xff >> (n + 1));
  for (std::size_t j = 1; j < n; ++j) {
    if ((byte(i + j) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i + j) & 0x3f);
  }
  const std::uint32_t lowest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < lowest[n] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return n;
}

}  // namespace

std::string printable_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t code = 0;
    std::size_t n = c >= 0x20 && c < 0x7f ? 1 : c >= 0x80 ? utf8_sequence(s, i, code) : 0;
    if (n > 1 && code <= 0x9f) n = 0;  // C1 controls (U+0080..U+009F): CSI, OSC, ...
    if (n == 0) {
      out += shown_input(s.substr(i, 1));
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string with_inputs_shown(std::string message, const std::vector<std::string>& inputs) {
  std::vector<std::string> raw;
  for (const std::string& input : inputs) {
    raw.push_back(input);
    // --option=VALUE: the message quotes the value alone.
    if (const auto eq = input.find('='); input.rfind("--", 0) == 0 && eq != std::string::npos)
      raw.push_back(input.substr(eq + 1));
  }
  // Longest first, so that a value inside another is not replaced within it.
  std::sort(raw.begin(), raw.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& input : raw) {
    const std::string shown = shown_input(input);
    if (input.empty() || shown == input) continue;
    for (auto at = message.find(input); at != std::string::npos;
         at = message.find(input, at + shown.size()))
      message.replace(at, input.size(), shown);
  }
  // What is left (a file's bytes, a library's text) made printable line by line.
  std::string out;
  bool first = true;
  for (const std::string_view line : split_list(message, '\n')) {
    if (!first) out += '\n';
    first = false;
    out += printable_text(line);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_list(std::string_view s, char separator) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(separator, start);
    items.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return items;
    start = end + 1;
  }
}

bool ends_with_ignoring_case(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  const std::string_view tail = s.substr(s.size() - suffix.size());
  for (std::size_t i = 0; i < tail.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(tail[i])) !=
        std::tolower(static_cast<unsigned char>(suffix[i])))
      return false;
  return true;
}

}  // namespace gpubench
