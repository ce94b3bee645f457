#include "gpubench/core/text.hpp"
#include "gpubench/measure/devices.hpp"

#include <algorithm>
#include <barrier>
#include <charconv>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/format_util.hpp"
#include "gpubench/core/stats.hpp"
#include "gpubench/platform/sysinfo.hpp"

namespace gpubench {

std::vector<int> parse_device_spec(const std::string& spec, int gpu_count) {
  // Spaces around the spec and its items are forgiven, as by the other options.
  if (trim(spec) == "all") {
    std::vector<int> all;
    for (int i = 0; i < gpu_count; ++i) all.push_back(i);
    if (all.empty()) all.push_back(0);
    return all;
  }
  std::vector<int> out;
  for (const std::string_view item : split_list(spec)) {
    const std::string_view tok = trim(item);
    int value = -1;
    const auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), value);
    if (tok.empty() || ec != std::errc() || end != tok.data() + tok.size() || value < 0)
      throw UsageError(
          fmt::format("bad --device '{}' (at '{}'): give 'all', a GPU ordinal (0) or a list (0,1)",
                      shown_input(spec, 40), shown_input(tok, 40)));
    if (gpu_count > 0 && value >= gpu_count)
      throw UsageError(fmt::format("--device {}: this machine has {} (0..{})", value,
                                   format_count(gpu_count, "GPU"), gpu_count - 1));
    if (std::find(out.begin(), out.end(), value) != out.end())
      throw UsageError(
          fmt::format("--device '{}' names GPU {} twice", shown_input(spec, 40), value));
    out.push_back(value);
  }
  return out;
}

std::vector<int> devices_for_process(const std::string& spec, bool spec_given, int gpu_count,
                                     int local_rank) {
  if (spec_given || gpu_count <= 0) return parse_device_spec(spec, gpu_count);
  return {local_rank % gpu_count};
}

std::vector<BackendEntry> bind_to_devices(const std::vector<BackendEntry>& entries,
                                          const std::vector<int>& devices) {
  std::vector<BackendEntry> out;
  for (const BackendEntry& e : entries) {
    if (e.kind != DeviceKind::gpu) {
      out.push_back(e);
      continue;
    }
    for (int d : devices) {
      BackendEntry bound = e;
      bound.device = d;
      bound.create = [create = e.create, d](const BackendOptions& o) {
        BackendOptions on_device = o;
        on_device.device = d;
        return create(on_device);
      };
      out.push_back(std::move(bound));
    }
  }
  return out;
}

void concurrent_order(std::vector<Record>::iterator first, std::vector<Record>::iterator last,
                      const std::vector<BackendEntry>& entries, const std::vector<int>& devices,
                      const RunOptions& opts) {
  auto position_in = [](const auto& list, const auto& value) {
    return std::size_t(std::find(list.begin(), list.end(), value) - list.begin());
  };
  std::vector<std::string> names;
  for (const BackendEntry& e : entries) names.push_back(e.name);
  auto key = [&](const Record& r) {
    const bool gpu = r.device_kind == DeviceKind::gpu;
    return std::tuple(position_in(opts.dtypes, r.dtype), position_in(opts.shapes, r.shape), gpu,
                      gpu ? position_in(devices, r.device_index) : 0, position_in(names, r.backend));
  };
  std::stable_sort(first, last, [&](const Record& a, const Record& b) { return key(a) < key(b); });
}

void run_cases_concurrently(const std::vector<BackendEntry>& entries,
                            const std::vector<int>& devices, const BackendOptions& bopts,
                            const RunOptions& opts, const CaseHandlers& handlers) {
  std::vector<BackendEntry> cpu, gpu;
  for (const BackendEntry& e : entries) (e.kind == DeviceKind::gpu ? gpu : cpu).push_back(e);

  // The receiver sees one event at a time, whichever thread it comes from.
  std::mutex handlers_mutex;
  auto started = [&](const Progress& p) {
    if (!handlers.started) return;
    std::lock_guard lock(handlers_mutex);
    handlers.started(p);
  };
  auto finished = [&](const Progress& p, Record&& r) {
    if (!handlers.finished) return;
    std::lock_guard lock(handlers_mutex);
    handlers.finished(p, std::move(r));
  };

  if (!cpu.empty()) run_cases(cpu, bopts, opts, {started, finished});
  if (gpu.empty() || devices.empty() || (opts.stop && opts.stop->load())) return;

  // Each thread holds inputs of its own: the host memory is shared out between them.
  RunOptions per_device = opts;
  const std::size_t host = opts.host_memory_limit ? opts.host_memory_limit : available_host_memory();
  per_device.host_memory_limit = std::max<std::size_t>(1, host / devices.size());

  // Every thread runs the same list of cases, so each reaches the barrier once per case; a thread
  // that ends early (stopped, or an exception) drops out of it so the others do not wait forever.
  std::barrier start_together(std::ptrdiff_t(devices.size()));
  std::vector<std::exception_ptr> errors(devices.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < devices.size(); ++t) {
    threads.emplace_back([&, t] {
      struct DropOut {
        std::barrier<>& b;
        ~DropOut() { b.arrive_and_drop(); }
      } drop_out{start_together};
      auto named = [&](Progress p) {
        p.device = devices[t];
        return p;
      };
      try {
        run_cases(bind_to_devices(gpu, {devices[t]}), bopts, per_device,
                  {[&](const Progress& p) {
                     started(named(p));
                     start_together.arrive_and_wait();
                   },
                   [&](const Progress& p, Record&& r) { finished(named(p), std::move(r)); }});
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

void run_cases_on_devices(const std::vector<BackendEntry>& entries, const std::vector<int>& devices,
                          bool concurrent, const BackendOptions& bopts, const RunOptions& opts,
                          const CaseHandlers& handlers) {
  if (concurrent) return run_cases_concurrently(entries, devices, bopts, opts, handlers);
  run_cases(bind_to_devices(entries, devices), bopts, opts, handlers);
}

}  // namespace gpubench
