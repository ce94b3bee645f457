#include "gpubench/core/record.hpp"

namespace gpubench {

std::string to_string(DeviceKind k) { return k == DeviceKind::cpu ? "cpu" : "gpu"; }

std::string to_string(Status s) { return s == Status::failed ? "FAILED" : status_name(s); }

std::string status_name(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::skipped:
      return "skipped";
    case Status::unsupported:
      return "unsupported";
    case Status::failed:
      return "failed";
  }
  return "?";
}

std::string to_string(BackendRole r) {
  switch (r) {
    case BackendRole::library:
      return "library";
    case BackendRole::vendor_library:
      return "vendor_library";
    case BackendRole::own_kernel:
      return "own_kernel";
    case BackendRole::unknown:
      break;
  }
  return "unknown";
}

BackendRole parse_backend_role(const std::string& s) {
  for (BackendRole r : {BackendRole::library, BackendRole::vendor_library, BackendRole::own_kernel})
    if (to_string(r) == s) return r;
  return BackendRole::unknown;
}

BackendRole infer_backend_role(const std::string& backend, DeviceKind kind) {
  if (kind == DeviceKind::cpu) return BackendRole::library;
  return backend.rfind("kernel:", 0) == 0 ? BackendRole::own_kernel : BackendRole::vendor_library;
}

}  // namespace gpubench
