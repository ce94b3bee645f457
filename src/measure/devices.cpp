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
#include "gpubench/core/stats.hpp"
#include "gpubench/platform/sysinfo.hpp"

namespace gpubench {

std::vector<int> parse_device_spec(const std::string& spec, int gpu_count) {
  if (spec == "all") {
    std::vector<int> all;
    for (int i = 0; i < gpu_count; ++i) all.push_back(i);
    if (all.empty()) all.push_back(0);
    return all;
  }
  std::vector<int> out;
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string tok = spec.substr(start, comma - start);
    int value = -1;
    const auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), value);
    if (tok.empty() || ec != std::errc() || end != tok.data() + tok.size() || value < 0)
      throw UsageError(fmt::format(
          "bad --device '{}' (at '{}'): give 'all', a GPU ordinal (0) or a list (0,1)", spec, tok));
    if (gpu_count > 0 && value >= gpu_count)
      throw UsageError(fmt::format("--device {}: this machine has {} GPU{} (0..{})", value,
                                   gpu_count, gpu_count == 1 ? "" : "s", gpu_count - 1));
    if (std::find(out.begin(), out.end(), value) != out.end())
      throw UsageError(fmt::format("--device '{}' names GPU {} twice", spec, value));
    out.push_back(value);
    start = comma + 1;
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

namespace {

// Position of a record's case in a sequential run's order (dtype-major, then shape).
std::pair<std::size_t, std::size_t> case_position(const Record& r, const RunOptions& o) {
  const auto d = std::find(o.dtypes.begin(), o.dtypes.end(), r.dtype) - o.dtypes.begin();
  const auto s = std::find(o.shapes.begin(), o.shapes.end(), r.shape) - o.shapes.begin();
  return {std::size_t(d), std::size_t(s)};
}

}  // namespace

std::vector<Record> run_matmul_concurrently(const std::vector<BackendEntry>& entries,
                                            const std::vector<int>& devices,
                                            const BackendOptions& bopts, const RunOptions& opts,
                                            const ProgressFn& progress) {
  std::vector<BackendEntry> cpu, gpu;
  for (const BackendEntry& e : entries) (e.kind == DeviceKind::gpu ? gpu : cpu).push_back(e);

  std::mutex progress_mutex;
  auto locked_progress = [&](const Progress& p) {
    if (!progress) return;
    std::lock_guard lock(progress_mutex);
    progress(p);
  };

  std::vector<Record> records;
  if (!cpu.empty()) records = run_matmul(cpu, bopts, opts, locked_progress);
  if (gpu.empty() || devices.empty() || (opts.stop && opts.stop->load())) return records;

  // Each thread holds inputs of its own: the host memory is shared out between them.
  RunOptions per_device = opts;
  const std::size_t host = opts.host_memory_limit ? opts.host_memory_limit : available_host_memory();
  per_device.host_memory_limit = std::max<std::size_t>(1, host / devices.size());

  // Every thread runs the same list of cases, so each reaches the barrier once per case; a thread
  // that ends early (stopped, or an exception) drops out of it so the others do not wait forever.
  std::barrier start_together(std::ptrdiff_t(devices.size()));
  std::vector<std::vector<Record>> per_thread(devices.size());
  std::vector<std::exception_ptr> errors(devices.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < devices.size(); ++t) {
    threads.emplace_back([&, t] {
      struct DropOut {
        std::barrier<>& b;
        ~DropOut() { b.arrive_and_drop(); }
      } drop_out{start_together};
      try {
        per_thread[t] = run_matmul(bind_to_devices(gpu, {devices[t]}), bopts, per_device,
                                   [&, t](const Progress& p) {
                                     Progress named = p;
                                     named.backend += fmt::format("[{}]", devices[t]);
                                     locked_progress(named);
                                     if (!p.just_finished) start_together.arrive_and_wait();
                                   });
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);

  for (auto& recs : per_thread)
    for (Record& r : recs) records.push_back(std::move(r));
  // Sequential order: per case, the CPU rows, then each device's rows.
  std::stable_sort(records.begin(), records.end(), [&](const Record& a, const Record& b) {
    return case_position(a, opts) < case_position(b, opts);
  });
  return records;
}

std::vector<Record> run_matmul_on_devices(const std::vector<BackendEntry>& entries,
                                          const std::vector<int>& devices, bool concurrent,
                                          const BackendOptions& bopts, const RunOptions& opts,
                                          const ProgressFn& progress) {
  if (concurrent) return run_matmul_concurrently(entries, devices, bopts, opts, progress);
  return run_matmul(bind_to_devices(entries, devices), bopts, opts, progress);
}

std::vector<Record> adopt_reported_warnings(std::vector<Record> runner,
                                            std::vector<Record> reported) {
  std::vector<bool> taken(reported.size(), false);  // each copy goes to one record
  for (Record& r : runner)
    for (std::size_t i = 0; i < reported.size(); ++i) {
      const Record& c = reported[i];
      if (taken[i] || c.backend != r.backend || c.device_index != r.device_index ||
          c.shape != r.shape || c.dtype != r.dtype)
        continue;
      r.warnings = std::move(reported[i].warnings);
      taken[i] = true;
      break;
    }
  return runner;
}

std::vector<Record> failed_rows(const std::vector<BackendEntry>& entries,
                                const std::vector<int>& devices, const RunOptions& opts,
                                const std::string& reason) {
  std::vector<Record> out;
  for (DType d : opts.dtypes)
    for (const Shape& s : opts.shapes)
      for (const BackendEntry& e : bind_to_devices(entries, devices)) {
        Record r;
        r.shape = s;
        r.dtype = d;
        r.backend = e.name;
        r.device_kind = e.kind;
        r.device_index = e.device;
        r.status = Status::failed;
        r.reason = reason;
        out.push_back(std::move(r));
      }
  return out;
}

void label_records(std::vector<Record>& records, const SystemInfo& system, int rank) {
  for (Record& r : records) {
    r.host = system.hostname;
    r.rank = rank;
    if (r.device_kind != DeviceKind::gpu || !r.pci_bus_id.empty()) continue;
    for (const GpuInfo& g : system.gpus)
      if (g.index == r.device_index) r.pci_bus_id = g.pci_bus_id;
  }
}

namespace {

using CaseKey = std::tuple<std::string, DType, std::int64_t, std::int64_t, std::int64_t>;
using DeviceKey = std::tuple<std::string, int, int>;  // host, rank, device

CaseKey case_key(const Record& r) {
  return {r.backend, r.dtype, r.shape.m, r.shape.n, r.shape.k};
}

bool comparable(const Record& r) {
  return r.ok() && r.device_kind == DeviceKind::gpu && r.gflops > 0;
}

}  // namespace

std::vector<SlowDevice> find_slow_devices(const Results& r, double threshold_pct) {
  std::map<CaseKey, std::vector<const Record*>> by_case;
  for (const Record& rec : r.records)
    if (comparable(rec)) by_case[case_key(rec)].push_back(&rec);

  std::vector<SlowDevice> out;
  for (const auto& [key, recs] : by_case) {
    std::set<DeviceKey> devices;
    std::vector<double> gflops;
    for (const Record* rec : recs) {
      devices.insert({rec->host, rec->rank, rec->device_index});
      gflops.push_back(rec->gflops);
    }
    if (devices.size() < 2) continue;
    const double median = gpubench::median(gflops);
    for (const Record* rec : recs) {
      const double below = 100.0 * (1.0 - rec->gflops / median);
      if (below <= threshold_pct) continue;
      out.push_back({rec->host, rec->rank, rec->device_index, rec->pci_bus_id, rec->backend,
                     rec->shape, rec->dtype, rec->gflops, median, below});
    }
  }
  // In the order of the run: the records' order.
  auto position = [&](const SlowDevice& s) {
    for (std::size_t i = 0; i < r.records.size(); ++i) {
      const Record& rec = r.records[i];
      if (comparable(rec) && rec.backend == s.backend && rec.dtype == s.dtype &&
          rec.shape == s.shape && rec.host == s.host && rec.rank == s.rank &&
          rec.device_index == s.device_index)
        return i;
    }
    return r.records.size();
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const SlowDevice& a, const SlowDevice& b) { return position(a) < position(b); });
  return out;
}

int count_compared_devices(const Results& r) {
  std::set<DeviceKey> devices;
  for (const Record& rec : r.records)
    if (comparable(rec)) devices.insert({rec.host, rec.rank, rec.device_index});
  return int(devices.size());
}

}  // namespace gpubench
