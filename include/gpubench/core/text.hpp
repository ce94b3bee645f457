// Text helpers the parsers of every layer share (--sizes, --dtype, the shapes file, ...), once.
#pragma once

#include <string_view>
#include <vector>

namespace gpubench {

// `s` without leading and trailing white space (spaces, tabs, line ends).
std::string_view trim(std::string_view s);

// The items between separators, as they are (not trimmed): "a,,b" is {"a", "", "b"}, "" is {""}.
std::vector<std::string_view> split_list(std::string_view s, char separator = ',');

}  // namespace gpubench
