#include "gpubench/backends/registry.hpp"

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/backends/openblas.hpp"

namespace gpubench {

std::vector<BackendEntry> backend_registry() {
  std::vector<BackendEntry> r;
  r.push_back({"openblas", DeviceKind::cpu, "OpenBLAS sgemm/dgemm (sbgemm for bf16 where built)",
               "cpu", true, make_openblas_backend});
  register_cuda_backends(r);
  return r;
}

std::vector<BackendEntry> select_backends(const std::vector<BackendEntry>& registry,
                                          const std::string& spec) {
  std::vector<bool> chosen(registry.size(), false);
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string tok = spec.substr(start, comma - start);
    bool matched = false;
    for (std::size_t i = 0; i < registry.size(); ++i) {
      const BackendEntry& e = registry[i];
      if (tok == "all" || tok == e.name || tok == e.group || (tok == "default" && e.in_default)) {
        chosen[i] = true;
        matched = true;
      }
    }
    if (!matched) {
      std::string known = "all, default, cpu, gpu, kernels";
      for (const auto& e : registry) known += ", " + e.name;
      throw UsageError(fmt::format("unknown backend '{}' in --backends; known: {}", tok, known));
    }
    start = comma + 1;
  }
  std::vector<BackendEntry> out;
  for (std::size_t i = 0; i < registry.size(); ++i)
    if (chosen[i]) out.push_back(registry[i]);
  return out;
}

}  // namespace gpubench
