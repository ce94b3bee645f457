// The data model <-> the versioned JSON results document: what `--output X.json` holds (plus the
// derived numbers the JSON printer adds), what `compare` and `--baseline` read back and what MPI
// ranks send to rank 0. The layout is documented by src/output/gpubench-results.schema.json; keep
// both in step.
#include "gpubench/core/results_json.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/input_file.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

using json = nlohmann::ordered_json;

namespace {

// Zero means "unknown" in SystemInfo for clocks; the file says null.
json known_number(double v) { return v > 0 ? json_number(v) : json(nullptr); }

json stats_json(const Stats& s) {
  return {{"min", json_number(s.min)},   {"median", json_number(s.median)},
          {"mean", json_number(s.mean)}, {"stddev", json_number(s.stddev)},
          {"max", json_number(s.max)},   {"samples", s.samples},
          {"cv", json_number(s.cv())}};
}

json telemetry_json(const Telemetry& t) {
  if (t.empty()) return nullptr;
  json j = {{"source", t.source},
            {"unavailable", t.unavailable},
            {"samples", t.samples},
            {"mean_sm_clock_mhz", json_number(t.mean_sm_clock_mhz)},
            {"min_sm_clock_mhz", json_number(t.min_sm_clock_mhz)},
            {"mean_power_w", json_number(t.mean_power_w)},
            {"energy_per_mult_j", json_number(t.energy_per_mult_j)},
            {"gflops_per_watt", json_number(t.gflops_per_watt)},
            {"peak_temperature_c", json_number(t.peak_temperature_c)},
            {"throttle_reasons", t.throttle_reasons}};
  if (t.window_start_unix_s && t.window_end_unix_s) {
    j["window_start_unix_s"] = json_number(*t.window_start_unix_s);
    j["window_end_unix_s"] = json_number(*t.window_end_unix_s);
  }
  return j;
}

json rate_json(const Rate& r) {
  json j = {{"seconds", stats_json(r.seconds)},
            {"iterations", r.iterations},
            {"gflops", json_number(r.gflops)},
            {"window_seconds", json_number(r.window_seconds)},
            {"method", r.method},
            {"telemetry", telemetry_json(r.telemetry)}};
  if (r.flop_per_cycle) j["flop_per_cycle"] = json_number(*r.flop_per_cycle);
  return j;
}

json record_json(const Record& r) {
  json j = {
      {"shape",
       {{"m", r.shape.m},
        {"n", r.shape.n},
        {"k", r.shape.k},
        {"layout", std::string(to_string(r.shape.layout))},
        {"batch", r.shape.batch}}},
      {"label", r.shape.label()},
      {"dtype", std::string(to_string(r.dtype))},
      {"backend", r.backend},
      {"role", to_string(r.role)},
      {"device_kind", to_string(r.device_kind)},
      {"device_index", r.device_index},
      {"device_name", r.device_name},
      {"pci_bus_id", r.pci_bus_id},
      {"host", r.host},
      {"rank", r.rank},
      {"status", status_name(r.status)},
      {"reason", r.reason},
      {"threads", r.threads},
      {"iterations", r.main.iterations},
      {"flops", json_number(r.flops())},
      {"seconds", stats_json(r.main.seconds)},
      {"gflops", json_number(r.main.gflops)},
      {"peak_gflops", json_number(r.peak_gflops)},
      {"pct_of_peak", json_number(r.pct_of_peak)},
      {"clocks", r.main.clocks},
      {"method", r.main.method},
      {"window_seconds", json_number(r.main.window_seconds)},
      {"telemetry", telemetry_json(r.main.telemetry)},
      {"burst", r.burst ? rate_json(*r.burst) : json()},
      {"cold_cache", r.cold_cache},
      {"operands_in_cache", r.operands_in_cache},
      {"end_to_end_seconds", r.end_to_end_seconds ? stats_json(*r.end_to_end_seconds) : json()},
      {"end_to_end_gflops", json_number(r.end_to_end_gflops)},
      {"host_memory", r.host_memory},
      {"verified", r.verified},
      {"max_rel_error", json_number(r.max_rel_error)},
      {"tolerance", json_number(r.tolerance)},
      {"checked_entries", r.checked_entries},
      {"warnings", r.warnings},
  };
  // Only where known, so files of runs without a clock read as before.
  if (r.main.flop_per_cycle) j["flop_per_cycle"] = json_number(*r.main.flop_per_cycle);
  // Written only for a workload's rows and for backends that choose among a library's
  // algorithms, so that other rows read as before.
  if (r.workload_calls > 0) j["workload_calls"] = r.workload_calls;
  if (!r.algorithm.empty()) j["algorithm"] = r.algorithm;
  if (!r.default_algorithm.empty()) j["default_algorithm"] = r.default_algorithm;
  if (r.default_rate) j["default_rate"] = rate_json(*r.default_rate);
  if (r.tuned_gain) j["tuned_gain"] = json_number(*r.tuned_gain);
  return j;
}

// The CPU facts a run may not have: only where the peak was measured (files of older runs and
// test fixtures have no such field), only where powercap could be read (as a GPU's NVML facts).
void add_measured_cpu_facts(json& cpu, const CpuInfo& c) {
  if (c.model_peak_gflops_fp32) cpu["model_peak_gflops_fp32"] = json_number(*c.model_peak_gflops_fp32);
  if (c.power_limit_w) cpu["power_limit_w"] = json_number(*c.power_limit_w);
  if (c.energy_counter_period_s)
    cpu["energy_counter_period_s"] = json_number(*c.energy_counter_period_s);
  if (const auto& m = c.measured_peak)
    cpu["measured_peak"] = {{"isa", m->isa},
                            {"clock_ghz", known_number(m->clock_ghz)},
                            {"core_gflops_fp32", json_number(m->core_gflops_fp32)},
                            {"core_gflops_fp64", json_number(m->core_gflops_fp64)},
                            {"flop_per_cycle_fp32", known_number(m->flop_per_cycle_fp32)},
                            {"flop_per_cycle_fp64", known_number(m->flop_per_cycle_fp64)},
                            {"threads", m->threads},
                            {"all_gflops_fp32", json_number(m->all_gflops_fp32)},
                            {"all_gflops_fp64", json_number(m->all_gflops_fp64)}};
}

json system_json(const SystemInfo& s) {
  json gpus = json::array();
  for (const GpuInfo& g : s.gpus) {
    json peaks = json::object();
    for (const auto& [dtype, gflops] : g.peak_gflops) peaks[dtype] = json_number(gflops);
    json gpu = {{"index", g.index},
                {"name", g.name},
                {"pci_bus_id", g.pci_bus_id},
                {"compute_capability", fmt::format("{}.{}", g.cc_major, g.cc_minor)},
                {"sms", g.sms},
                {"sm_clock_mhz", known_number(g.sm_clock_mhz)},
                {"max_sm_clock_mhz", known_number(g.max_sm_clock_mhz)},
                {"memory_clock_mhz", known_number(g.memory_clock_mhz)},
                {"memory_bus_width_bits", g.memory_bus_width_bits},
                {"memory_total_bytes", g.memory_total_bytes},
                {"l2_bytes", g.l2_bytes},
                {"peak_gflops", peaks},
                {"peak_bandwidth_gbs", json_number(g.peak_bandwidth_gbs)}};
    // Power facts NVML gave (only then, so files of runs without it read as before).
    if (g.power_limit_w) gpu["power_limit_w"] = json_number(*g.power_limit_w);
    if (g.energy_counter_period_s)
      gpu["energy_counter_period_s"] = json_number(*g.energy_counter_period_s);
    if (g.power_reading_period_s)
      gpu["power_reading_period_s"] = json_number(*g.power_reading_period_s);
    gpus.push_back(std::move(gpu));
  }
  const CpuInfo& c = s.cpu;
  json libraries = json::array();
  for (const LibraryInfo& l : s.libraries) {
    json lib = {{"name", l.name},         {"role", l.role},         {"version", l.version},
                {"config", l.config},     {"detected", l.detected}, {"threads", l.threads},
                {"parallel", l.parallel}};
    // The CPU libraries' fields, written where they have something to say.
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"backend", &l.backend},
                                     {"path", &l.path},
                                     {"placement", &l.placement},
                                     {"unavailable", &l.unavailable}})
      if (!value->empty()) lib[key] = *value;
    libraries.push_back(std::move(lib));
  }
  json doc = {
      {"hostname", s.hostname},
      {"os", s.os},
      {"cpu",
       {{"model", c.model},
        {"physical_cores", c.physical_cores},
        {"logical_cpus", c.logical_cpus},
        {"simd", c.simd},
        {"fma_units", c.fma_units},
        {"clock_ghz", known_number(c.clock_ghz)},
        {"clock_source", c.clock_source},
        {"peak_gflops_fp32", json_number(c.peak_gflops_fp32)},
        {"peak_gflops_fp64", json_number(c.peak_gflops_fp64)},
        {"peak_note", c.peak_note},
        {"memory_bandwidth_gbs", json_number(c.memory_bandwidth_gbs)},
        {"memory_bandwidth_note", c.memory_bandwidth_note}}},
      {"libraries", libraries},
  };
  // The GPU runtime under its own name, between the libraries and the GPUs.
  if (const GpuRuntimeInfo& rt = s.gpu_runtime; !rt.key.empty()) {
    json& o = doc[rt.key] = {{"built", rt.built}, {"status", rt.status}};
    for (const auto& [name, value] : rt.versions) o[name] = value;
  }
  doc["gpus"] = gpus;
  add_measured_cpu_facts(doc["cpu"], c);
  return doc;
}

json bandwidth_json(const BandwidthRecord& b) {
  return {{"test", b.test},
          {"host_memory", b.host_memory},
          {"device_kind", to_string(b.device_kind)},
          {"device_index", b.device_index},
          {"device_name", b.device_name},
          {"host", b.host},
          {"status", status_name(b.status)},
          {"reason", b.reason},
          {"threads", b.threads},
          {"bytes", b.bytes},
          {"iterations", b.iterations},
          {"seconds", stats_json(b.seconds)},
          {"gbs", json_number(b.gbs)},
          {"peak_gbs", json_number(b.peak_gbs)},
          {"pct_of_peak", json_number(b.pct_of_peak)},
          {"peak_note", b.peak_note}};
}

json range_json(const GridRange& g) {
  return {{"start", g.start}, {"stop", g.stop}, {"step", g.step}};
}

json peak_json(const PeakSearch& p) {
  json points = json::array();
  for (const PeakPoint& q : p.points) {
    json point = {{"m", q.shape.m},
                  {"n", q.shape.n},
                  {"k", q.shape.k},
                  {"phase", q.phase},
                  {"status", status_name(q.status)},
                  {"gflops", json_number(q.gflops)},
                  {"pct_of_peak", json_number(q.pct_of_peak)},
                  {"seconds", stats_json(q.seconds)},
                  {"iterations", q.iterations},
                  {"verified", q.verified},
                  {"max_rel_error", json_number(q.max_rel_error)},
                  {"wall_seconds", json_number(q.wall_seconds)}};
    if (!q.reason.empty()) point["reason"] = q.reason;
    points.push_back(std::move(point));
  }
  return {{"backend", p.backend},
          {"dtype", std::string(to_string(p.dtype))},
          {"device_kind", to_string(p.device_kind)},
          {"device_index", p.device_index},
          {"device_name", p.device_name},
          {"grid", {{"m", range_json(p.m)}, {"n", range_json(p.n)}, {"k", range_json(p.k)}}},
          {"layout", std::string(to_string(p.layout))},
          {"grid_shapes", p.grid_shapes},
          {"budget_seconds", json_number(p.budget_seconds)},
          {"elapsed_seconds", json_number(p.elapsed_seconds)},
          {"ended", p.ended},
          {"skipped_for_budget", p.skipped_for_budget},
          {"rows", p.rows},
          {"points", points}};
}

}  // namespace

json results_to_json(const Results& r) {
  json records = json::array();
  for (const Record& rec : r.records) records.push_back(record_json(rec));
  json doc = {{"schema_version", kResultsSchemaVersion},
              {"format", kResultsFormatName},
              {"gpubench_version", r.system.gpubench_version},
              {"command_line", r.system.command_line},
              {"start_time", r.system.start_time},
              {"interrupted", r.interrupted},
              {"complete", r.complete},
              {"system", system_json(r.system)},
              {"records", records}};
  if (r.system.seed) doc["seed"] = *r.system.seed;
  // Sections that only some subcommands fill are omitted when empty.
  if (!r.ranks.empty()) {
    // Under MPI: every rank's machine, in rank order ("system" is rank 0's).
    json ranks = json::array();
    for (std::size_t i = 0; i < r.ranks.size(); ++i) {
      json rank = system_json(r.ranks[i]);
      rank["rank"] = i;
      rank["gpubench_version"] = r.ranks[i].gpubench_version;
      rank["command_line"] = r.ranks[i].command_line;
      rank["start_time"] = r.ranks[i].start_time;
      ranks.push_back(std::move(rank));
    }
    doc["ranks"] = ranks;
  }
  if (!r.bandwidth.empty()) {
    json bw = json::array();
    for (const BandwidthRecord& b : r.bandwidth) bw.push_back(bandwidth_json(b));
    doc["bandwidth"] = bw;
  }
  if (!r.peak.empty()) {
    json peak = json::array();
    for (const PeakSearch& p : r.peak) peak.push_back(peak_json(p));
    doc["peak"] = peak;
  }
  if (r.pricing) {
    doc["pricing"] = {{"cpu_usd_per_hour", json_number(r.pricing->cpu_usd_per_hour)},
                      {"gpu_usd_per_hour", json_number(r.pricing->gpu_usd_per_hour)},
                      {"source", r.pricing->source}};
  }
  return doc;
}

namespace {

// --- reading --------------------------------------------------------------------------------

struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A field's problem told by its key alone (the readers of optional fields do not know where they
// are): the reader of the enclosing record or section says where, see located().
struct BareFieldError : FieldError {
  using FieldError::FieldError;
};

// Runs `read` and puts `where` before a BareFieldError's message.
template <class Read>
auto located(const std::string& where, Read read) {
  try {
    return read();
  } catch (const BareFieldError& e) {
    throw FieldError(fmt::format("{}: {}", where, e.what()));
  }
}

// A whole number that fits T, or a FieldError naming the field. json's own get<int>() converts
// any number with a bare static_cast: 3.3e123 or 2^40 read into an int is undefined behaviour,
// and -1 read into a uint64 becomes 2^64-1 (found by fuzz_results).
// A whole number written as a float (10.0: JSON Schema's integer, what Python writes for a float)
// is one too; the range is checked in double before any cast.
template <class T>
T read_integer(const json& v, const std::string& field, T lowest = std::numeric_limits<T>::min()) {
  std::optional<T> out;
  if (v.is_number_unsigned()) {
    if (const auto u = v.get<std::uint64_t>(); std::in_range<T>(u)) out = static_cast<T>(u);
  } else if (v.is_number_integer()) {
    if (const auto i = v.get<std::int64_t>(); std::in_range<T>(i)) out = static_cast<T>(i);
  } else if (v.is_number_float()) {
    const double x = v.get<double>();
    if (std::trunc(x) == x && x >= 0 && x < 0x1p64) {
      if (const auto u = static_cast<std::uint64_t>(x); std::in_range<T>(u))
        out = static_cast<T>(u);
    } else if (std::trunc(x) == x && x < 0 && x >= -0x1p63) {
      if (const auto i = static_cast<std::int64_t>(x); std::in_range<T>(i)) out = static_cast<T>(i);
    }
  }
  if (out && *out >= lowest) return *out;
  throw BareFieldError(fmt::format("'{}' is {}, not a whole number from {} to {}", field,
                                   shown_input(v.dump(), 40), lowest,
                                   std::numeric_limits<T>::max()));
}

// A JSON value's type as a message says it: "a string", "an array", "null".
std::string a_json_type(const json& v) {
  if (v.is_null()) return "null";
  const std::string type = v.type_name();
  return (type.front() == 'a' || type.front() == 'o' ? "an " : "a ") + type;
}

// What a field of type T must be, for the message when it is not.
template <class T>
constexpr const char* kind_name() {
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  else if constexpr (std::is_same_v<T, std::string>) return "a string";
  else return "a number";
}

// A value of type T: whole numbers through read_integer, strings made printable (they reach
// terminals and XML: a host name must not retitle the window), a wrong type a BareFieldError that
// names the field ("'gflops' is a string, not a number").
template <class T>
T read_as(const json& v, const std::string& field) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return read_integer<T>(v, field);
  } else if constexpr (std::is_same_v<T, std::vector<int>> ||
                       std::is_same_v<T, std::vector<std::string>>) {
    if (!v.is_array())
      throw BareFieldError(fmt::format("'{}' is {}, not an array", field, a_json_type(v)));
    T out;
    for (const json& e : v) out.push_back(read_as<typename T::value_type>(e, field));
    return out;
  } else {
    const bool right_type = std::is_same_v<T, bool>          ? v.is_boolean()
                            : std::is_same_v<T, std::string> ? v.is_string()
                                                             : v.is_number();
    if (!right_type)
      throw BareFieldError(fmt::format("'{}' is {}, not {}", field, a_json_type(v), kind_name<T>()));
    if constexpr (std::is_same_v<T, std::string>) return printable_text(v.get<std::string>());
    else return v.get<T>();
  }
}

// Reads a field with a default when absent or null; a value of the wrong type throws.
template <class T>
T get_or(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return read_as<T>(*it, key);
}

// A count (runs, samples, threads, entries): a whole number, never negative; 0 when absent.
template <class T = int>
T get_count(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0;
  return read_integer<T>(*it, key, 0);
}

std::optional<double> get_optional(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return read_as<double>(*it, key);
}

// A member object or array, or an empty one when absent: optional sections read as defaults.
const json& member(const json& j, const char* key, const json& empty) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? empty : *it;
}

// The GPU runtime's object of a system: the one member that says whether it was "built" (its
// name is the provider's, see GpuRuntimeInfo); its numbers are the versions.
GpuRuntimeInfo read_gpu_runtime(const json& sys) {
  GpuRuntimeInfo rt;
  for (const auto& [key, o] : sys.items()) {
    if (!o.is_object() || !o.contains("built")) continue;
    rt.key = key;
    rt.built = get_or(o, "built", false);
    rt.status = get_or<std::string>(o, "status", "");
    for (const auto& [name, value] : o.items())
      if (value.is_number()) rt.versions.emplace_back(name, get_or(o, name.c_str(), 0));
    break;
  }
  return rt;
}

const json& require(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) throw FieldError(fmt::format("{} has no '{}'", where, key));
  return *it;
}

std::string require_string(const json& j, const char* key, const std::string& where) {
  return located(where, [&] { return read_as<std::string>(require(j, key, where), key); });
}

std::int64_t require_int64(const json& j, const char* key, const std::string& where) {
  return read_integer<std::int64_t>(require(j, key, where), where + "." + key);
}

Stats read_stats(const json& j) {
  Stats s;
  s.min = get_or(j, "min", 0.0);
  s.median = get_or(j, "median", 0.0);
  s.mean = get_or(j, "mean", 0.0);
  s.stddev = get_or(j, "stddev", 0.0);
  s.max = get_or(j, "max", 0.0);
  s.samples = get_count(j, "samples");
  return s;
}

Telemetry read_telemetry(const json& j, const std::string&) {
  Telemetry t;
  t.source = get_or<std::string>(j, "source", "");
  t.unavailable = get_or<std::string>(j, "unavailable", "");
  t.samples = get_count(j, "samples");
  t.mean_sm_clock_mhz = get_optional(j, "mean_sm_clock_mhz");
  t.min_sm_clock_mhz = get_optional(j, "min_sm_clock_mhz");
  t.mean_power_w = get_optional(j, "mean_power_w");
  t.energy_per_mult_j = get_optional(j, "energy_per_mult_j");
  t.gflops_per_watt = get_optional(j, "gflops_per_watt");
  t.peak_temperature_c = get_optional(j, "peak_temperature_c");
  t.throttle_reasons = get_or(j, "throttle_reasons", std::vector<std::string>{});
  t.window_start_unix_s = get_optional(j, "window_start_unix_s");
  t.window_end_unix_s = get_optional(j, "window_end_unix_s");
  return t;
}

// A rate's fields, as a record and its "burst" object both carry them (the clock regime aside:
// the record names it, a burst object is one).
// `measured`: its gflops must be there (a missing one is an error, not 0).
Rate read_rate(const json& j, const std::string& where, bool measured) {
  Rate rate;
  if (auto s = j.find("seconds"); s != j.end() && s->is_object()) rate.seconds = read_stats(*s);
  rate.iterations = get_count(j, "iterations");
  rate.gflops = measured ? read_as<double>(require(j, "gflops", where), "gflops")
                         : get_or(j, "gflops", 0.0);
  rate.window_seconds = get_or(j, "window_seconds", 0.0);
  rate.method = get_or<std::string>(j, "method", "");
  rate.flop_per_cycle = get_optional(j, "flop_per_cycle");
  if (auto t = j.find("telemetry"); t != j.end() && t->is_object())
    rate.telemetry = read_telemetry(*t, where + ".telemetry");
  return rate;
}

Status read_status(const std::string& s, const std::string& where) {
  for (Status v : {Status::ok, Status::skipped, Status::unsupported, Status::failed})
    if (status_name(v) == s) return v;
  throw FieldError(fmt::format("{} has an unknown status '{}'", where, s));
}

// A measured row must carry a usable rate and time: compare and the gate divide by them.
void check_numbers(const Record& r, const std::string& where) {
  const auto bad_number = [&](const char* field, double v) {
    throw FieldError(fmt::format("{} has {} {} (must be finite and positive)", where, field, v));
  };
  if (r.ok()) {
    const Rate& m = r.main;
    if (!std::isfinite(m.gflops) || m.gflops <= 0) bad_number("gflops", m.gflops);
    if (!std::isfinite(m.seconds.median) || m.seconds.median <= 0)
      bad_number("seconds.median", m.seconds.median);
    if (!std::isfinite(m.seconds.min) || m.seconds.min < 0 || m.seconds.min > m.seconds.median)
      bad_number("seconds.min", m.seconds.min);
  }
  for (const auto& [field, v] : {std::pair{"peak_gflops", r.peak_gflops},
                                 std::pair{"end_to_end_gflops", r.end_to_end_gflops},
                                 std::pair{"tuned_gain", r.tuned_gain}})
    if (v && !(std::isfinite(*v) && *v > 0)) bad_number(field, *v);
}

Record read_record(const json& j, const std::string& where) {
  if (!j.is_object()) throw FieldError(where + " is not an object");
  Record r;
  const json& shape = require(j, "shape", where);
  r.shape = {require_int64(shape, "m", where + ".shape"),
             require_int64(shape, "n", where + ".shape"),
             require_int64(shape, "k", where + ".shape")};
  // Files without them (schema 1) measured nn, one product.
  const std::string layout = get_or<std::string>(shape, "layout", "nn");
  const auto parsed_layout = parse_layout(layout);
  if (!parsed_layout)
    throw FieldError(fmt::format("{}.shape has an unknown layout '{}'", where, layout));
  r.shape.layout = *parsed_layout;
  r.shape.batch = get_or<std::int64_t>(shape, "batch", 1);
  if (r.shape.batch <= 0 || r.shape.batch > kMaxBatch)
    throw FieldError(fmt::format("{}.shape has a batch {} outside 1..{}", where, r.shape.batch,
                                 kMaxBatch));
  if (r.shape.m <= 0 || r.shape.n <= 0 || r.shape.k <= 0)
    throw FieldError(fmt::format("{} has a non-positive shape {}", where, r.shape.label()));
  for (const std::int64_t dim : {r.shape.m, r.shape.n, r.shape.k})
    if (dim > std::numeric_limits<std::int32_t>::max())
      throw FieldError(fmt::format("{} has a dimension {} beyond the largest BLAS dimension", where,
                                   dim));
  const std::string dtype = require_string(j, "dtype", where);
  const auto d = parse_dtype(dtype);
  if (!d) throw FieldError(fmt::format("{} has an unknown dtype '{}'", where, dtype));
  r.dtype = *d;
  r.backend = require_string(j, "backend", where);
  r.device_kind =
      get_or<std::string>(j, "device_kind", "cpu") == "gpu" ? DeviceKind::gpu : DeviceKind::cpu;
  // Files from before records carried a role: the role their backend name implies.
  r.role = parse_backend_role(get_or<std::string>(j, "role", ""));
  if (r.role == BackendRole::unknown) r.role = infer_backend_role(r.backend, r.device_kind);
  r.device_index = get_or(j, "device_index", -1);
  r.device_name = get_or<std::string>(j, "device_name", "");
  r.pci_bus_id = get_or<std::string>(j, "pci_bus_id", "");
  r.host = get_or<std::string>(j, "host", "");
  r.rank = get_count(j, "rank");
  r.status = read_status(require_string(j, "status", where), where);
  r.reason = get_or<std::string>(j, "reason", "");
  r.threads = get_count(j, "threads");
  // A measured row without a rate is a broken file, not a row of 0 GFLOPS.
  r.main = read_rate(j, where, r.ok());
  r.main.clocks = get_or<std::string>(j, "clocks", "");
  r.peak_gflops = get_optional(j, "peak_gflops");
  r.pct_of_peak = get_optional(j, "pct_of_peak");
  if (auto it = j.find("end_to_end_seconds"); it != j.end() && it->is_object())
    r.end_to_end_seconds = read_stats(*it);
  r.end_to_end_gflops = get_optional(j, "end_to_end_gflops");
  if (auto it = j.find("burst"); it != j.end() && it->is_object()) {
    const std::string at = where + ".burst";
    Rate b = read_rate(*it, at, true);
    b.clocks = to_string(Clocks::burst);
    if (!std::isfinite(b.gflops) || b.gflops <= 0)
      throw FieldError(fmt::format("{} has gflops {} (must be finite and positive)", at, b.gflops));
    r.burst = std::move(b);
  }
  if (auto it = j.find("default_rate"); it != j.end() && it->is_object()) {
    const std::string at = where + ".default_rate";
    Rate d = read_rate(*it, at, true);
    if (!std::isfinite(d.gflops) || d.gflops <= 0)
      throw FieldError(fmt::format("{} has gflops {} (must be finite and positive)", at, d.gflops));
    r.default_rate = std::move(d);
  }
  r.algorithm = get_or<std::string>(j, "algorithm", "");
  r.default_algorithm = get_or<std::string>(j, "default_algorithm", "");
  r.tuned_gain = get_optional(j, "tuned_gain");
  r.cold_cache = get_or(j, "cold_cache", false);
  r.operands_in_cache = get_or(j, "operands_in_cache", false);
  r.workload_calls = get_count<std::int64_t>(j, "workload_calls");
  r.host_memory = get_or<std::string>(j, "host_memory", "");
  r.verified = get_or(j, "verified", false);
  r.max_rel_error = get_or(j, "max_rel_error", 0.0);
  r.tolerance = get_or(j, "tolerance", 0.0);
  r.checked_entries = get_count<std::int64_t>(j, "checked_entries");
  r.warnings = get_or(j, "warnings", std::vector<std::string>{});
  check_numbers(r, where);
  return r;
}

BandwidthRecord read_bandwidth(const json& j, const std::string& where) {
  if (!j.is_object()) throw FieldError(where + " is not an object");
  BandwidthRecord b;
  b.test = require_string(j, "test", where);
  b.host_memory = get_or<std::string>(j, "host_memory", "");
  b.device_kind =
      get_or<std::string>(j, "device_kind", "cpu") == "gpu" ? DeviceKind::gpu : DeviceKind::cpu;
  b.device_index = get_or(j, "device_index", -1);
  b.device_name = get_or<std::string>(j, "device_name", "");
  b.host = get_or<std::string>(j, "host", "");
  b.status = read_status(require_string(j, "status", where), where);
  b.reason = get_or<std::string>(j, "reason", "");
  b.threads = get_count(j, "threads");
  b.bytes = get_or<std::uint64_t>(j, "bytes", 0);
  b.iterations = get_count(j, "iterations");
  if (auto it = j.find("seconds"); it != j.end() && it->is_object()) b.seconds = read_stats(*it);
  b.gbs = get_or(j, "gbs", 0.0);
  b.peak_gbs = get_optional(j, "peak_gbs");
  b.pct_of_peak = get_optional(j, "pct_of_peak");
  b.peak_note = get_or<std::string>(j, "peak_note", "");
  return b;
}

GridRange read_range(const json& j, const std::string& where) {
  return {require_int64(j, "start", where), require_int64(j, "stop", where),
          require_int64(j, "step", where)};
}

PeakSearch read_peak(const json& j, const std::string& where, std::size_t records) {
  if (!j.is_object()) throw FieldError(where + " is not an object");
  PeakSearch p;
  p.backend = require_string(j, "backend", where);
  const std::string dtype = require_string(j, "dtype", where);
  const auto d = parse_dtype(dtype);
  if (!d) throw FieldError(fmt::format("{} has an unknown dtype '{}'", where, dtype));
  p.dtype = *d;
  p.device_kind =
      get_or<std::string>(j, "device_kind", "cpu") == "gpu" ? DeviceKind::gpu : DeviceKind::cpu;
  p.device_index = get_or(j, "device_index", -1);
  p.device_name = get_or<std::string>(j, "device_name", "");
  const json& grid = require(j, "grid", where);
  p.m = read_range(require(grid, "m", where + ".grid"), where + ".grid.m");
  p.n = read_range(require(grid, "n", where + ".grid"), where + ".grid.n");
  p.k = read_range(require(grid, "k", where + ".grid"), where + ".grid.k");
  const std::string layout = get_or<std::string>(j, "layout", "nn");
  const auto l = parse_layout(layout);
  if (!l) throw FieldError(fmt::format("{} has an unknown layout '{}'", where, layout));
  p.layout = *l;
  p.grid_shapes = get_or<std::uint64_t>(j, "grid_shapes", 0);
  p.budget_seconds = get_or(j, "budget_seconds", 0.0);
  p.elapsed_seconds = get_or(j, "elapsed_seconds", 0.0);
  p.ended = get_or<std::string>(j, "ended", "");
  p.skipped_for_budget = get_count(j, "skipped_for_budget");
  p.rows = get_or(j, "rows", std::vector<int>{});
  for (const int row : p.rows)
    if (row < 0 || std::size_t(row) >= records)
      throw FieldError(fmt::format("{}.rows names record {}, which is not in the file", where, row));
  static const json kArray = json::array();
  const json& points = member(j, "points", kArray);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const json& q = points[i];
    const std::string at = fmt::format("{}.points[{}]", where, i);
    if (!q.is_object()) throw FieldError(at + " is not an object");
    PeakPoint pt;
    pt.shape = {require_int64(q, "m", at), require_int64(q, "n", at), require_int64(q, "k", at)};
    pt.shape.layout = p.layout;
    if (pt.shape.m <= 0 || pt.shape.n <= 0 || pt.shape.k <= 0)
      throw FieldError(fmt::format("{} has a non-positive shape {}", at, pt.shape.label()));
    pt.phase = get_or<std::string>(q, "phase", "");
    pt.status = read_status(require_string(q, "status", at), at);
    pt.reason = get_or<std::string>(q, "reason", "");
    pt.gflops = get_or(q, "gflops", 0.0);
    pt.pct_of_peak = get_optional(q, "pct_of_peak");
    if (auto it = q.find("seconds"); it != q.end() && it->is_object()) pt.seconds = read_stats(*it);
    pt.iterations = get_count(q, "iterations");
    pt.verified = get_or(q, "verified", false);
    pt.max_rel_error = get_or(q, "max_rel_error", 0.0);
    pt.wall_seconds = get_or(q, "wall_seconds", 0.0);
    p.points.push_back(std::move(pt));
  }
  return p;
}

// "MAJOR.MINOR", each a whole number 0..999 and nothing else ("9.0", "12.1"). sscanf's %d wrapped
// "99999999999.5" into a nonsense sm_ and took "9.-1" and "9.0junk".
bool parse_compute_capability(std::string_view cc, int& major, int& minor) {
  const auto dot = cc.find('.');
  if (dot == std::string_view::npos) return false;
  const auto part = [](std::string_view t, int& out) {
    if (t.empty() || t.size() > 3 || t.find_first_not_of("0123456789") != std::string_view::npos)
      return false;
    return std::from_chars(t.data(), t.data() + t.size(), out).ec == std::errc{};
  };
  return part(cc.substr(0, dot), major) && part(cc.substr(dot + 1), minor);
}

GpuInfo read_gpu(const json& g) {
  GpuInfo gi;
  gi.index = get_or(g, "index", 0);
  gi.name = get_or<std::string>(g, "name", "");
  gi.pci_bus_id = get_or<std::string>(g, "pci_bus_id", "");
  const std::string cc = get_or<std::string>(g, "compute_capability", "0.0");
  if (!parse_compute_capability(cc, gi.cc_major, gi.cc_minor))
    throw FieldError(
        fmt::format("system.gpus has a bad compute_capability '{}'", shown_input(cc, 40)));
  gi.sms = get_or(g, "sms", 0);
  gi.sm_clock_mhz = get_or(g, "sm_clock_mhz", 0.0);
  gi.max_sm_clock_mhz = get_or(g, "max_sm_clock_mhz", 0.0);
  gi.memory_clock_mhz = get_or(g, "memory_clock_mhz", 0.0);
  gi.memory_bus_width_bits = get_or(g, "memory_bus_width_bits", 0);
  gi.memory_total_bytes = get_or<std::uint64_t>(g, "memory_total_bytes", 0);
  gi.l2_bytes = get_or<std::uint64_t>(g, "l2_bytes", 0);
  static const json kNoPeaks = json::object();
  for (const auto& [dtype, v] : member(g, "peak_gflops", kNoPeaks).items())
    if (v.is_number()) gi.peak_gflops.emplace_back(printable_text(dtype), v.get<double>());
  gi.peak_bandwidth_gbs = get_optional(g, "peak_bandwidth_gbs");
  gi.power_limit_w = get_optional(g, "power_limit_w");
  gi.energy_counter_period_s = get_optional(g, "energy_counter_period_s");
  gi.power_reading_period_s = get_optional(g, "power_reading_period_s");
  return gi;
}

SystemInfo read_system(const json& doc) {
  SystemInfo s;
  s.gpubench_version = get_or<std::string>(doc, "gpubench_version", "");
  s.command_line = get_or<std::string>(doc, "command_line", "");
  s.start_time = get_or<std::string>(doc, "start_time", "");
  // Optional: files written before the seed was recorded still load.
  if (const auto it = doc.find("seed"); it != doc.end() && it->is_number_unsigned())
    s.seed = it->get<std::uint64_t>();
  static const json kObject = json::object(), kArray = json::array();
  const json& sys = member(doc, "system", kObject);
  s.hostname = get_or<std::string>(sys, "hostname", "");
  s.os = get_or<std::string>(sys, "os", "");
  const json& cpu = member(sys, "cpu", kObject);
  s.cpu.model = get_or<std::string>(cpu, "model", "");
  s.cpu.physical_cores = get_or(cpu, "physical_cores", 0);
  s.cpu.logical_cpus = get_or(cpu, "logical_cpus", 0);
  s.cpu.simd = get_or<std::string>(cpu, "simd", "");
  s.cpu.fma_units = get_or(cpu, "fma_units", 0);
  s.cpu.clock_ghz = get_or(cpu, "clock_ghz", 0.0);
  s.cpu.clock_source = get_or<std::string>(cpu, "clock_source", "");
  s.cpu.peak_gflops_fp32 = get_optional(cpu, "peak_gflops_fp32");
  s.cpu.peak_gflops_fp64 = get_optional(cpu, "peak_gflops_fp64");
  s.cpu.peak_note = get_or<std::string>(cpu, "peak_note", "");
  s.cpu.memory_bandwidth_gbs = get_optional(cpu, "memory_bandwidth_gbs");
  s.cpu.memory_bandwidth_note = get_or<std::string>(cpu, "memory_bandwidth_note", "");
  s.cpu.power_limit_w = get_optional(cpu, "power_limit_w");
  s.cpu.energy_counter_period_s = get_optional(cpu, "energy_counter_period_s");
  s.cpu.model_peak_gflops_fp32 = get_optional(cpu, "model_peak_gflops_fp32");
  if (auto it = cpu.find("measured_peak"); it != cpu.end() && it->is_object()) {
    const json& m = *it;
    s.cpu.measured_peak = CpuInfo::MeasuredPeak{get_or<std::string>(m, "isa", ""),
                                                get_or(m, "clock_ghz", 0.0),
                                                get_or(m, "core_gflops_fp32", 0.0),
                                                get_or(m, "core_gflops_fp64", 0.0),
                                                get_or(m, "flop_per_cycle_fp32", 0.0),
                                                get_or(m, "flop_per_cycle_fp64", 0.0),
                                                get_count(m, "threads"),
                                                get_or(m, "all_gflops_fp32", 0.0),
                                                get_or(m, "all_gflops_fp64", 0.0)};
  }
  for (const json& l : member(sys, "libraries", kArray)) {
    LibraryInfo li;
    li.name = get_or<std::string>(l, "name", "");
    li.role = get_or<std::string>(l, "role", "");
    li.version = get_or<std::string>(l, "version", "");
    li.config = get_or<std::string>(l, "config", "");
    li.detected = get_or<std::string>(l, "detected", "");
    li.threads = get_count(l, "threads");
    li.parallel = get_or<std::string>(l, "parallel", "");
    li.backend = get_or<std::string>(l, "backend", "");
    li.path = get_or<std::string>(l, "path", "");
    li.placement = get_or<std::string>(l, "placement", "");
    li.unavailable = get_or<std::string>(l, "unavailable", "");
    s.libraries.push_back(li);
  }
  // Files written before "libraries" carry the one CPU BLAS as "blas".
  if (const json& blas = member(sys, "blas", kObject); !blas.empty()) {
    LibraryInfo li;
    li.name = get_or<std::string>(blas, "name", "");
    li.role = kCpuBlasRole;
    li.version = get_or<std::string>(blas, "version", "");
    li.config = get_or<std::string>(blas, "config", "");
    li.detected = get_or<std::string>(blas, "core", "");
    li.threads = get_count(blas, "threads");
    li.parallel = get_or<std::string>(blas, "parallel", "");
    s.libraries.push_back(li);
  }
  s.gpu_runtime = read_gpu_runtime(sys);
  for (const json& g : member(sys, "gpus", kArray)) s.gpus.push_back(read_gpu(g));
  return s;
}

}  // namespace

std::string json_text(const nlohmann::ordered_json& doc) {
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string results_to_json_text(const Results& r) { return json_text(results_to_json(r)) + "\n"; }

namespace {

// Whether `doc` is a results file this build reads: a gpubench document (schema_version, and the
// format gpubench-results where it says one) of a version from the oldest read to this one.
void check_results_header(const json& doc, const std::string& origin) {
  if (!doc.is_object() || !doc.contains("schema_version"))
    throw UsageError(
        fmt::format("{} is not a gpubench results file (no schema_version; write one with "
                    "`gpubench matmul --output FILE.json`)",
                    origin));
  const json& version = doc["schema_version"];
  // Version 1 is version 2 without rates, telemetry and cache fields: it reads as CPU-style rows.
  // int64, not int: 2^32 + 2 read into an int would wrap to a version this build reads.
  if (!version.is_number_integer() || version.get<std::int64_t>() < kOldestResultsSchemaVersion ||
      version.get<std::int64_t>() > kResultsSchemaVersion)
    throw UsageError(fmt::format(
        "{} has schema_version {}; this gpubench {} reads schema_version {} to {}", origin,
        version.dump(), GPUBENCH_VERSION, kOldestResultsSchemaVersion, kResultsSchemaVersion));
  if (const auto format = doc.find("format");
      format != doc.end() && *format != json(kResultsFormatName))
    throw UsageError(fmt::format("{} has format {}, not \"{}\" (not a gpubench results file)", origin,
                                 shown_input(format->dump(), 40), kResultsFormatName));
}

}  // namespace

Results results_from_json_text(std::string_view text, const std::string& origin) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 1, column 2: ..."; a
    // number beyond double range (1e400) is an out_of_range error of the parser.
    std::string why = e.what();
    if (auto p = why.find("] "); p != std::string::npos) why = why.substr(p + 2);
    // The parser quotes what it last read: raw bytes of a binary file, escaped here.
    throw UsageError(fmt::format("{} is not JSON ({})", origin, shown_input(why, 200)));
  }
  check_results_header(doc, origin);
  Results r;
  try {
    r.system = located("system", [&] { return read_system(doc); });
    r.interrupted = get_or(doc, "interrupted", false);
    r.complete = get_or(doc, "complete", true);
    const json& records = require(doc, "records", "the file");
    if (!records.is_array()) throw FieldError("'records' is not an array");
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string where = fmt::format("records[{}]", i);
      r.records.push_back(located(where, [&] { return read_record(records[i], where); }));
    }
    if (auto it = doc.find("ranks"); it != doc.end() && !it->is_null()) {
      if (!it->is_array()) throw FieldError("'ranks' is not an array");
      // Each entry is a "system" object with the run's command line and times beside it.
      for (std::size_t i = 0; i < it->size(); ++i) {
        const json& rank = (*it)[i];
        r.ranks.push_back(located(fmt::format("ranks[{}]", i), [&] {
          return read_system({{"gpubench_version", rank.value("gpubench_version", "")},
                              {"command_line", rank.value("command_line", "")},
                              {"start_time", rank.value("start_time", "")},
                              {"system", rank}});
        }));
      }
    }
    if (auto it = doc.find("bandwidth"); it != doc.end() && !it->is_null()) {
      if (!it->is_array()) throw FieldError("'bandwidth' is not an array");
      for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string where = fmt::format("bandwidth[{}]", i);
        r.bandwidth.push_back(located(where, [&] { return read_bandwidth((*it)[i], where); }));
      }
    }
    if (auto it = doc.find("peak"); it != doc.end() && !it->is_null()) {
      if (!it->is_array()) throw FieldError("'peak' is not an array");
      for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string where = fmt::format("peak[{}]", i);
        r.peak.push_back(
            located(where, [&] { return read_peak((*it)[i], where, r.records.size()); }));
      }
    }
    if (auto it = doc.find("pricing"); it != doc.end() && it->is_object())
      r.pricing =
          Pricing{get_or(*it, "cpu_usd_per_hour", 0.0), get_or(*it, "gpu_usd_per_hour", 0.0),
                  get_or<std::string>(*it, "source", "")};
  } catch (const FieldError& e) {
    throw UsageError(fmt::format("{}: {}", origin, e.what()));
  } catch (const json::exception& e) {
    std::string why = e.what();
    if (auto p = why.find("] "); p != std::string::npos) why = why.substr(p + 2);
    throw UsageError(fmt::format("{}: a field has the wrong type ({})", origin, why));
  }
  if (r.records.empty() && r.bandwidth.empty())
    throw UsageError(fmt::format("{} holds no results (empty 'records')", origin));
  return r;
}

Results read_results_file(const std::string& path) {
  return results_from_json_text(read_input_file(path, "results file", kMaxResultsFileBytes),
                                "'" + path + "'");
}

}  // namespace gpubench
