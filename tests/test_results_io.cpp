// The JSON results file: what is written reads back the same; bad files are refused with clear
// messages (UsageError, exit 2).
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <algorithm>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "gpubench/core/errors.hpp"
#include "gpubench/output/output_files.hpp"
#include "gpubench/core/results_json.hpp"
#include "sample_results.hpp"

using namespace gpubench;
using gpubench::testing::sample_results;

namespace {

std::string temp_file(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

// Expects read_results_file(path) to throw UsageError whose message contains `needle`.
void expect_refused(const std::string& path, const std::string& needle) {
  try {
    read_results_file(path);
    ADD_FAILURE() << path << " was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

// The results file of `text` is refused with `needle` in the message.
void expect_text_refused(const std::string& name, const std::string& text,
                         const std::string& needle) {
  expect_refused(temp_file(name, text), needle);
}

// What `in` reads back as from its file's text.
Results round_trip(const Results& in) {
  return results_from_json_text(results_to_json_text(in), "test");
}

// The sample results as a file's text.
std::string sample_json() { return results_to_json_text(sample_results()); }

// `text` with its first `from` replaced by `to`; a failure of the test when there is none.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no '" << from << "' in the results text";
    return text;
  }
  return text.replace(at, from.size(), to);
}

const std::string kSchemaVersion2 = "\"schema_version\": 2";

// The sample results as JSON, changed by `edit`, written to `name`: refused with `needle`.
template <class Edit>
void refused_with(const std::string& name, Edit edit, const std::string& needle) {
  nlohmann::json doc = nlohmann::json::parse(results_to_json_text(sample_results()));
  edit(doc);
  expect_refused(temp_file(name, doc.dump()), needle);
}

}  // namespace

TEST(ResultsJson, RoundTripKeepsEveryField) {
  Results in = sample_results();
  in.interrupted = true;
  const Results out = round_trip(in);
  EXPECT_TRUE(out.interrupted);
  EXPECT_EQ(out.system.gpubench_version, "9.9.9");
  EXPECT_EQ(out.system.command_line, in.system.command_line);
  EXPECT_EQ(out.system.start_time, "2026-01-02T03:04:05Z");
  EXPECT_EQ(out.system.cpu.model, in.system.cpu.model);
  EXPECT_EQ(out.system.cpu.logical_cpus, 8);
  EXPECT_EQ(out.system.cpu.peak_gflops_fp32, 256.0);
  EXPECT_EQ(out.system.cpu_blas().detected, "Haswell");
  EXPECT_EQ(out.system.gpu_runtime.version("driver_version"), 13000);
  ASSERT_EQ(out.system.gpus.size(), 1u);
  EXPECT_EQ(out.system.gpus[0].cc_major, 9);
  EXPECT_EQ(out.system.gpus[0].cc_minor, 0);
  EXPECT_EQ(out.system.gpus[0].memory_total_bytes, 85899345920ull);
  ASSERT_EQ(out.system.gpus[0].peak_gflops.size(), 1u);
  EXPECT_EQ(out.system.gpus[0].peak_gflops[0].second, 66908.0);

  ASSERT_EQ(out.records.size(), in.records.size());
  for (std::size_t i = 0; i < in.records.size(); ++i) {
    const Record &a = in.records[i], &b = out.records[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(a.shape, b.shape);
    EXPECT_EQ(a.dtype, b.dtype);
    EXPECT_EQ(a.backend, b.backend);
    EXPECT_EQ(a.device_kind, b.device_kind);
    EXPECT_EQ(a.device_index, b.device_index);
    EXPECT_EQ(a.host, b.host);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.reason, b.reason);
    EXPECT_EQ(a.main.iterations, b.main.iterations);
    EXPECT_EQ(a.main.seconds.median, b.main.seconds.median);  // shortest round-trip text: exact
    EXPECT_EQ(a.main.seconds.stddev, b.main.seconds.stddev);
    EXPECT_EQ(a.main.seconds.samples, b.main.seconds.samples);
    EXPECT_EQ(a.main.gflops, b.main.gflops);
    EXPECT_EQ(a.peak_gflops, b.peak_gflops);
    EXPECT_EQ(a.pct_of_peak, b.pct_of_peak);
    EXPECT_EQ(a.end_to_end_gflops, b.end_to_end_gflops);
    EXPECT_EQ(a.end_to_end_seconds.has_value(), b.end_to_end_seconds.has_value());
    EXPECT_EQ(a.host_memory, b.host_memory);
    EXPECT_EQ(a.verified, b.verified);
    EXPECT_EQ(a.max_rel_error, b.max_rel_error);
    EXPECT_EQ(a.warnings, b.warnings);
  }
}

TEST(ResultsJson, NoNanOrInfinityInTheFile) {
  Results in = sample_results();
  in.records[0].main.gflops = std::numeric_limits<double>::quiet_NaN();
  in.records[0].pct_of_peak = std::numeric_limits<double>::infinity();
  const std::string text = results_to_json_text(in);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("Infinity"), std::string::npos);
  EXPECT_EQ(text.find(": nan"), std::string::npos);
  EXPECT_EQ(text.find(": inf"), std::string::npos);
  // An ok row without a rate is refused on reading (compare and the gate divide by it) ...
  EXPECT_THROW(results_from_json_text(text, "test"), UsageError);
  // ... a failed one reads back with null as "not measured".
  in.records[0].status = Status::failed;
  const Results out = round_trip(in);
  EXPECT_EQ(out.records[0].main.gflops, 0.0);
  EXPECT_FALSE(out.records[0].pct_of_peak.has_value());  // null reads as "unknown"
}

// Issue 22: the CPU packages' power limit and energy-counter period are system facts, written only
// where powercap was read (files without them read as unknown).
TEST(ResultsJson, CpuEnergyFactsRoundTripWhereKnown) {
  Results in = sample_results();
  in.system.cpu.power_limit_w = 250;
  in.system.cpu.energy_counter_period_s = 0.001;
  const Results out = round_trip(in);
  EXPECT_EQ(out.system.cpu.power_limit_w, 250.0);
  EXPECT_EQ(out.system.cpu.energy_counter_period_s, 0.001);
  EXPECT_FALSE(round_trip(sample_results()).system.cpu.power_limit_w);
}

// Issue 15 item 7: "complete" round-trips, and a file from before the field existed reads as
// complete (it was only ever written whole by those versions' final save, or not known otherwise).
TEST(ResultsJson, CompleteRoundTripsAndOldFilesReadAsComplete) {
  Results in = sample_results();
  in.complete = false;
  EXPECT_FALSE(round_trip(in).complete);
  in.complete = true;
  EXPECT_TRUE(round_trip(in).complete);
  auto doc = nlohmann::json::parse(results_to_json_text(in));
  doc.erase("complete");
  EXPECT_TRUE(results_from_json_text(doc.dump(), "old").complete);
}

TEST(ResultsJson, FileWrittenBySaveOutputReadsBack) {
  const std::string path = ::testing::TempDir() + "gpubench_io_roundtrip.json";
  save_output(parse_output_target(path), sample_results());
  EXPECT_EQ(read_results_file(path).records.size(), sample_results().records.size());
  // No temporary file is left behind.
  for (const auto& e : std::filesystem::directory_iterator(::testing::TempDir()))
    EXPECT_EQ(e.path().filename().string().find("gpubench_io_roundtrip.json.tmp"),
              std::string::npos);
}

TEST(ResultsJsonBadFiles, MissingFile) {
  expect_refused(::testing::TempDir() + "no_such_gpubench_file.json", "No such file");
}

TEST(ResultsJsonBadFiles, Directory) { expect_refused(::testing::TempDir(), "directory"); }

TEST(ResultsJsonBadFiles, NotJson) {
  expect_text_refused("gpubench_not.json", "shape,dtype\n1024,fp32\n", "is not JSON");
  expect_text_refused("gpubench_empty.json", "", "is not JSON");
  // The parser quotes the byte it stopped at: escaped, not written raw to the terminal.
  expect_text_refused("gpubench_binary.json", "\xc5\xb2\x01garbage", "last read: '\\xc5");
}

TEST(ResultsJsonBadFiles, JsonButNotResults) {
  expect_text_refused("gpubench_other.json", R"({"benchmarks": []})",
                      "not a gpubench results file");
  expect_text_refused("gpubench_array.json", "[1, 2]", "not a gpubench results file");
}

TEST(ResultsJsonBadFiles, OtherSchemaVersion) {
  expect_text_refused("gpubench_v3.json",
                      replaced(sample_json(), kSchemaVersion2, "\"schema_version\": 3"),
                      "schema_version 3");
  expect_text_refused("gpubench_v0.json",
                      replaced(sample_json(), kSchemaVersion2, "\"schema_version\": 0"),
                      "schema_version 0");
}

// Version 1 (before burst/sustained rates and telemetry) is version 2 without those fields: an
// old baseline still compares.
TEST(ResultsJson, ReadsVersionOneFiles) {
  const Results r = results_from_json_text(
      replaced(sample_json(), kSchemaVersion2, "\"schema_version\": 1"), "v1.json");
  EXPECT_EQ(r.records.size(), sample_results().records.size());
}

TEST(ResultsJson, RatesAndTelemetryRoundTrip) {
  Results in = sample_results();
  auto gpu_ok = std::find_if(in.records.begin(), in.records.end(), [](const Record& r) {
    return r.ok() && r.device_kind == DeviceKind::gpu;
  });
  ASSERT_NE(gpu_ok, in.records.end());
  Record& g = *gpu_ok;
  g.main.clocks = "sustained";
  g.main.method = "after the clock settled, median of samples";
  g.main.window_seconds = 0.31;
  g.main.telemetry.source = "nvml (energy counter)";
  g.main.telemetry.samples = 12;
  g.main.telemetry.mean_sm_clock_mhz = 1650;
  g.main.telemetry.min_sm_clock_mhz = 1605;
  g.main.telemetry.mean_power_w = 690;
  g.main.telemetry.gflops_per_watt = 1.2;
  g.main.telemetry.energy_per_mult_j = 0.5;
  g.main.telemetry.peak_temperature_c = 61;
  g.main.telemetry.throttle_reasons = {"sw power cap"};
  Rate b;
  b.seconds = g.main.seconds;
  b.iterations = 100;
  b.gflops = g.main.gflops * 1.15;
  b.window_seconds = 0.02;
  b.method = "50 warm-up, mean of 100";
  b.telemetry.source = "nvml (power readings)";
  b.telemetry.mean_sm_clock_mhz = 1980;
  g.burst = b;
  g.cold_cache = true;
  in.records.front().operands_in_cache = true;
  in.records.front().main.telemetry.unavailable = "CPU energy: no /sys/class/powercap";
  const Results out = round_trip(in);
  const Record& h = out.records[std::size_t(gpu_ok - in.records.begin())];
  EXPECT_EQ(h.main.clocks, "sustained");
  EXPECT_EQ(h.main.method, g.main.method);
  EXPECT_DOUBLE_EQ(h.main.window_seconds, 0.31);
  EXPECT_EQ(h.main.telemetry.source, g.main.telemetry.source);
  EXPECT_EQ(h.main.telemetry.samples, 12);
  EXPECT_EQ(h.main.telemetry.mean_sm_clock_mhz, 1650);
  EXPECT_EQ(h.main.telemetry.min_sm_clock_mhz, 1605);
  EXPECT_EQ(h.main.telemetry.mean_power_w, 690);
  EXPECT_EQ(h.main.telemetry.gflops_per_watt, 1.2);
  EXPECT_EQ(h.main.telemetry.energy_per_mult_j, 0.5);
  EXPECT_EQ(h.main.telemetry.peak_temperature_c, 61);
  EXPECT_EQ(h.main.telemetry.throttle_reasons, g.main.telemetry.throttle_reasons);
  ASSERT_TRUE(h.burst.has_value());
  EXPECT_EQ(h.burst->iterations, 100);
  EXPECT_DOUBLE_EQ(h.burst->gflops, b.gflops);
  EXPECT_EQ(h.burst->method, b.method);
  EXPECT_EQ(h.burst->telemetry.mean_sm_clock_mhz, 1980);
  EXPECT_TRUE(h.cold_cache);
  EXPECT_TRUE(out.records.front().operands_in_cache);
  EXPECT_EQ(out.records.front().main.telemetry.unavailable, "CPU energy: no /sys/class/powercap");
  EXPECT_FALSE(out.records.front().burst.has_value());
  // A burst rate that is not a positive number is refused, as the main rate is.
  const std::string burst_rate = fmt::format("\"gflops\": {}", nlohmann::json(b.gflops).dump());
  EXPECT_THROW(results_from_json_text(
                   replaced(results_to_json_text(in), burst_rate, "\"gflops\": -1"), "bad.json"),
               UsageError);
}

TEST(ResultsJsonBadFiles, EmptyResultSet) {
  Results r = sample_results();
  r.records.clear();
  expect_text_refused("gpubench_norecords.json", results_to_json_text(r), "holds no results");
}

TEST(ResultsJsonBadFiles, WrongFieldTypeNamesTheProblem) {
  expect_text_refused("gpubench_baddtype.json",
                      replaced(sample_json(), "\"dtype\": \"fp32\"", "\"dtype\": \"int4\""),
                      "records[0] has an unknown dtype 'int4'");
  expect_text_refused(
      "gpubench_badtype.json",
      replaced(sample_json(), "\"iterations\": 10", "\"iterations\": \"ten\""),
      "'iterations' is \"ten\", not a whole number");
  expect_text_refused("gpubench_badbool.json",
                      replaced(sample_json(), "\"verified\": true", "\"verified\": 1"),
                      "records[0]: 'verified' is a number, not true or false");
}

// Issue 25 item 8: a type error names its field, and a measured row without a rate is refused
// (it read as "has gflops 0").
TEST(ResultsJsonBadFiles, TypeErrorsNameTheFieldAndAMissingRateIsNotZero) {
  refused_with("gpubench_gflops_string.json", [](auto& d) { d["records"][0]["gflops"] = "fast"; },
               "records[0]: 'gflops' is a string, not a number");
  refused_with("gpubench_gflops_null.json", [](auto& d) { d["records"][0]["gflops"] = nullptr; },
               "records[0] has no 'gflops'");
  refused_with("gpubench_gflops_gone.json", [](auto& d) { d["records"][0].erase("gflops"); },
               "records[0] has no 'gflops'");
  refused_with("gpubench_backend_number.json", [](auto& d) { d["records"][0]["backend"] = 7; },
               "records[0]: 'backend' is a number, not a string");
  refused_with("gpubench_host_array.json", [](auto& d) { d["system"]["hostname"] = {1}; },
               "system: 'hostname' is an array, not a string");
  refused_with("gpubench_peak_string.json",
               [](auto& d) { d["records"][0]["peak_gflops"] = "high"; },
               "records[0]: 'peak_gflops' is a string, not a number");
  refused_with("gpubench_warnings_object.json",
               [](auto& d) { d["records"][0]["warnings"] = {{"a", 1}}; },
               "records[0]: 'warnings' is an object, not an array");
}

// Issue 25 item 11: a document that names another format is not a results file.
TEST(ResultsJsonBadFiles, AnotherFormatIsRefused) {
  nlohmann::json doc = nlohmann::json::parse(results_to_json_text(sample_results()));
  doc["format"] = "google-benchmark";
  expect_refused(temp_file("gpubench_other_format.json", doc.dump()),
                 "has format \"google-benchmark\", not \"gpubench-results\"");
  doc.erase("format");  // files without it still read
  EXPECT_NO_THROW(results_from_json_text(doc.dump(), "no_format.json"));
}

// Issue 25 item 7: every string of a file reaches the program printable: control characters and
// C1 controls escaped, UTF-8 kept.
TEST(ResultsJson, StringsFromAFileArePrintable) {
  nlohmann::json doc = nlohmann::json::parse(results_to_json_text(sample_results()));
  doc["system"]["hostname"] = "\x1b]0;title\x07h\xc2\x9b" "2J\xc2\xb5s";
  doc["records"][0]["backend"] = std::string("blas\0\x1b[2J", 9);
  doc["records"][0]["warnings"] = {"w\x7f\r\n"};
  const Results r = results_from_json_text(doc.dump(), "c.json");
  EXPECT_EQ(r.system.hostname, "\\x1b]0;title\\x07h\\xc2\\x9b2J\xc2\xb5s");
  EXPECT_EQ(r.records[0].backend, "blas\\x00\\x1b[2J");
  EXPECT_EQ(r.records[0].warnings.at(0), "w\\x7f\\x0d\\x0a");
}

// A whole-number field holding a fraction, a number beyond its type or a negative count is refused
// by name; json's own conversion would truncate, wrap or (3.3e123 into an int) be undefined.
TEST(ResultsJsonBadFiles, WholeNumberFieldsAreCheckedForRange) {
  refused_with(
      "gpubench_int_huge.json",
      [](auto& d) { d["records"][0]["seconds"]["samples"] = 3.33333e123; },
      "records[0]: 'samples' is 3.33333e+123, not a whole number from 0 to 2147483647");
  refused_with(
      "gpubench_count_negative.json", [](auto& d) { d["records"][0]["iterations"] = -10; },
      "records[0]: 'iterations' is -10, not a whole number from 0 to 2147483647");
  refused_with("gpubench_int_wide.json",
               [](auto& d) { d["records"][0]["iterations"] = std::int64_t{1} << 40; },
               "'iterations' is 1099511627776, not a whole number");
  refused_with("gpubench_int_frac.json", [](auto& d) { d["records"][0]["shape"]["m"] = 1024.5; },
               "'records[0].shape.m' is 1024.5, not a whole number");
  refused_with(
      "gpubench_uint_negative.json",
      [](auto& d) {
        d["system"]["gpus"] = {{{"memory_total_bytes", -1}}};
      },
      "system: 'memory_total_bytes' is -1, not a whole number from 0 to "
      "18446744073709551615");
  for (const char* cc : {"99999999999.5", "9.-1", "9.0junk", "9", ".5", "9.0.1"})
    refused_with(
        "gpubench_cc.json",
        [&](auto& d) {
          d["system"]["gpus"] = {{{"compute_capability", cc}}};
        },
        std::string("system.gpus has a bad compute_capability '") + cc + "'");
  refused_with("gpubench_version_wraps.json",
               [](auto& d) { d["schema_version"] = (std::int64_t{1} << 32) + 2; },
               "has schema_version 4294967298");
  // A whole number still reads, written signed, unsigned or as a float (10.0: JSON Schema's
  // integer too, and what Python's json writes for a float).
  nlohmann::json doc = nlohmann::json::parse(results_to_json_text(sample_results()));
  doc["records"][0]["iterations"] = std::uint64_t{12};
  EXPECT_EQ(results_from_json_text(doc.dump(), "ok.json").records[0].main.iterations, 12);
  doc["records"][0]["iterations"] = 10.0;
  doc["records"][0]["shape"]["m"] = 1024.0;
  const Results r = results_from_json_text(doc.dump(), "ok.json");
  EXPECT_EQ(r.records[0].main.iterations, 10);
  EXPECT_EQ(r.records[0].shape.m, 1024);
  doc["system"]["gpus"] = {{{"compute_capability", "12.1"}}};
  EXPECT_EQ(results_from_json_text(doc.dump(), "ok.json").system.gpus[0].cc_major, 12);
}

TEST(OutputTarget, FormatFromExtensionOrSuffix) {
  EXPECT_EQ(parse_output_target("a.json").format, Format::json);
  EXPECT_EQ(parse_output_target("a.gbench.json").format, Format::gbench_json);
  EXPECT_EQ(parse_output_target("dir/a.csv").format, Format::csv);
  EXPECT_EQ(parse_output_target("a.md").format, Format::markdown);
  EXPECT_EQ(parse_output_target("a.txt").format, Format::table);
  const OutputTarget t = parse_output_target("results.out:gbench-json");
  EXPECT_EQ(t.path, "results.out");
  EXPECT_EQ(t.format, Format::gbench_json);
  EXPECT_EQ(parse_output_target("x.json:csv").format, Format::csv);
  EXPECT_THROW(parse_output_target("results.out"), UsageError);
  EXPECT_THROW(parse_output_target("a.json:xml"), UsageError);
  EXPECT_THROW(parse_output_target(":json"), UsageError);
}

TEST(OutputTarget, UnwritableDirectoryRefusedBeforeRunning) {
  EXPECT_THROW(check_writable(parse_output_target("/nonexistent-dir/x.json")), UsageError);
  EXPECT_NO_THROW(check_writable(parse_output_target(::testing::TempDir() + "ok.json")));
}

TEST(ResultsJson, EveryLibraryRoundTrips) {
  Results in = sample_results();
  in.system.libraries.push_back({.name = "cuBLAS",
                                 .role = "gpu-blas",
                                 .version = "13.0.0",
                                 .config = "built against CUDA 13.0"});
  const Results out = round_trip(in);
  ASSERT_EQ(out.system.libraries.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const LibraryInfo &a = in.system.libraries[i], &b = out.system.libraries[i];
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.role, a.role);
    EXPECT_EQ(b.version, a.version);
    EXPECT_EQ(b.config, a.config);
    EXPECT_EQ(b.detected, a.detected);
    EXPECT_EQ(b.threads, a.threads);
    EXPECT_EQ(b.parallel, a.parallel);
  }
  EXPECT_EQ(out.system.cpu_blas().name, "OpenBLAS");
  EXPECT_EQ(out.system.cpu_blas().threads, 2);
}

// Files written before SystemInfo had a list of libraries carry the CPU BLAS as "blas".
TEST(ResultsJson, OldFilesWithBlasStillRead) {
  const Results r = read_results_file(std::string(GPUBENCH_TEST_DIR) + "/data/gate_baseline.json");
  ASSERT_EQ(r.system.libraries.size(), 1u);
  const LibraryInfo& blas = r.system.cpu_blas();
  EXPECT_EQ(blas.name, "OpenBLAS");
  EXPECT_EQ(blas.role, kCpuBlasRole);
  EXPECT_EQ(blas.version, "0.3.21");
  EXPECT_EQ(blas.detected, "SkylakeX");
  EXPECT_EQ(blas.threads, 1);
  EXPECT_EQ(blas.parallel, "pthreads");
}

// The seed of the random inputs is a field of its own (issue 15 item 12), up to 2^64-1, and files
// written before it was kept still load without one.
TEST(ResultsJson, SeedRoundTripsAndIsOptional) {
  Results in = sample_results();
  in.system.seed = std::numeric_limits<std::uint64_t>::max();
  const std::string text = results_to_json_text(in);
  EXPECT_NE(text.find("\"seed\": 18446744073709551615"), std::string::npos) << text;
  EXPECT_EQ(results_from_json_text(text, "test").system.seed, in.system.seed);
  in.system.seed.reset();
  EXPECT_EQ(results_to_json_text(in).find("\"seed\""), std::string::npos);
  const Results old = read_results_file(std::string(GPUBENCH_TEST_DIR) + "/data/gate_baseline.json");
  EXPECT_FALSE(old.system.seed.has_value());
}
