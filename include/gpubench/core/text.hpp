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

// Text read from a file another machine wrote (a host name, a backend, a warning) made safe for a
// terminal and for XML: control characters (C0, DEL, C1) and bytes that are not UTF-8 as \xNN;
// valid UTF-8 (a "µs", a non-ASCII host name) stays as it is. Not shortened.
std::string printable_text(std::string_view s);

// A message about user input made safe to print: every one of `inputs` (the command line's
// arguments) that shown_input would change is replaced by what shown_input shows, and any other
// control character left (from a file's contents, a library's text) by \xNN; line ends stay.
std::string with_inputs_shown(std::string message, const std::vector<std::string>& inputs);

}  // namespace gpubench
