// Reference machines shipped with gpubench: the project's own real runs (bench/references.json
// names them), so that a run from a laptop can stand beside a cloud GPU without renting one.
#pragma once

#include <string>
#include <vector>

namespace gpubench {

struct ReferenceMachine {
  std::string name;   // what --reference takes: "h200"
  std::string about;  // when, where and how it was measured
  std::string file;   // the results file, a path that can be opened
};

// The shipped list: $GPUBENCH_REFERENCE_FILE when set, else shipped_data_file("references.json").
std::string default_reference_file();

// The machines a reference list names, in its order. Throws UsageError for a missing or
// malformed list.
std::vector<ReferenceMachine> reference_machines(const std::string& list_file);

// One of them by name. Throws UsageError naming the ones there are.
ReferenceMachine find_reference(const std::string& list_file, const std::string& name);

}  // namespace gpubench
