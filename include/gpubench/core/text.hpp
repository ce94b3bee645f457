// Text helpers the parsers of every layer share (--sizes, --dtype, the shapes file, ...), once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// `s` without leading and trailing white space (spaces, tabs, line ends).
std::string_view trim(std::string_view s);

// Whether `s` ends with `suffix`, ignoring ASCII case: out.JSON and chart.SVG are what they look
// like.
bool ends_with_ignoring_case(std::string_view s, std::string_view suffix);

// The items between separators, as they are (not trimmed): "a,,b" is {"a", "", "b"}, "" is {""}.
std::vector<std::string_view> split_list(std::string_view s, char separator = ',');

// User input as an error message echoes it: bytes that are not printable ASCII as \xNN (a NUL
// would cut the message short, a control character could rewrite the terminal), and at most
// `max_chars` characters, then "... (N bytes)" (a 10 MB line must not make a 20 MB message).
std::string shown_input(std::string_view s, std::size_t max_chars = 80);

}  // namespace gpubench
