// What a command's results say about how it ended, once for matmul, bandwidth and peak (each
// Results holds one command's cases, tests or searches).
#pragma once

#include <string>

#include "gpubench/core/record.hpp"

namespace gpubench {

// Whether any case, test or searched shape ran: ok, or measured and wrong. A run that measured
// nothing leaves an existing --output file as it was.
bool measured_anything(const Results& r);

// kExitCheckFailed (1) when anything measured did not verify; kExitEnvironment (3) when nothing
// could be measured (every case, test or shape skipped or unsupported), `why` then saying so;
// else kExitOk.
int results_exit_code(const Results& r, std::string& why);

}  // namespace gpubench
