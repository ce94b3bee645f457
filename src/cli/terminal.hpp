// What the command knows of the terminal it prints to, found here so that printers get plain
// numbers and never read the environment.
#pragma once

#include <cstddef>

namespace gpubench {

// The width stdout's table fits: 0 when stdout is not a terminal (a pipe or a file gets the full
// table, whatever the environment says); else COLUMNS when it is a positive number (the user's
// override), else the terminal's own width (TIOCGWINSZ), else 0.
std::size_t stdout_terminal_width();

}  // namespace gpubench
