// The JSON results file: what is written reads back the same; bad files are refused with clear
// messages (UsageError, exit 2).
#include <gtest/gtest.h>

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

}  // namespace

TEST(ResultsJson, RoundTripKeepsEveryField) {
  Results in = sample_results();
  in.interrupted = true;
  const Results out = results_from_json_text(results_to_json_text(in), "test");
  EXPECT_TRUE(out.interrupted);
  EXPECT_EQ(out.system.gpubench_version, "9.9.9");
  EXPECT_EQ(out.system.command_line, in.system.command_line);
  EXPECT_EQ(out.system.start_time, "2026-01-02T03:04:05Z");
  EXPECT_EQ(out.system.cpu.model, in.system.cpu.model);
  EXPECT_EQ(out.system.cpu.logical_cpus, 8);
  EXPECT_EQ(out.system.cpu.peak_gflops_fp32, 256.0);
  EXPECT_EQ(out.system.cpu_blas().detected, "Haswell");
  EXPECT_EQ(out.system.driver_version, 13000);
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
    EXPECT_EQ(a.iterations, b.iterations);
    EXPECT_EQ(a.seconds.median, b.seconds.median);  // shortest round-trip text: exact
    EXPECT_EQ(a.seconds.stddev, b.seconds.stddev);
    EXPECT_EQ(a.seconds.samples, b.seconds.samples);
    EXPECT_EQ(a.gflops, b.gflops);
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
  in.records[0].gflops = std::numeric_limits<double>::quiet_NaN();
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
  const Results out = results_from_json_text(results_to_json_text(in), "test");
  EXPECT_EQ(out.records[0].gflops, 0.0);
  EXPECT_FALSE(out.records[0].pct_of_peak.has_value());  // null reads as "unknown"
}

// Issue 15 item 7: "complete" round-trips, and a file from before the field existed reads as
// complete (it was only ever written whole by those versions' final save, or not known otherwise).
TEST(ResultsJson, CompleteRoundTripsAndOldFilesReadAsComplete) {
  Results in = sample_results();
  in.complete = false;
  EXPECT_FALSE(results_from_json_text(results_to_json_text(in), "test").complete);
  in.complete = true;
  EXPECT_TRUE(results_from_json_text(results_to_json_text(in), "test").complete);
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
  expect_refused(temp_file("gpubench_not.json", "shape,dtype\n1024,fp32\n"), "is not JSON");
  expect_refused(temp_file("gpubench_empty.json", ""), "is not JSON");
}

TEST(ResultsJsonBadFiles, JsonButNotResults) {
  expect_refused(temp_file("gpubench_other.json", R"({"benchmarks": []})"),
                 "not a gpubench results file");
  expect_refused(temp_file("gpubench_array.json", "[1, 2]"), "not a gpubench results file");
}

TEST(ResultsJsonBadFiles, OtherSchemaVersion) {
  std::string text = results_to_json_text(sample_results());
  const std::string from = "\"schema_version\": 1";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "\"schema_version\": 2");
  expect_refused(temp_file("gpubench_v2.json", text), "schema_version 2");
}

TEST(ResultsJsonBadFiles, EmptyResultSet) {
  Results r = sample_results();
  r.records.clear();
  expect_refused(temp_file("gpubench_norecords.json", results_to_json_text(r)), "holds no results");
}

TEST(ResultsJsonBadFiles, WrongFieldTypeNamesTheProblem) {
  std::string text = results_to_json_text(sample_results());
  const std::string from = "\"dtype\": \"fp32\"";
  text.replace(text.find(from), from.size(), "\"dtype\": \"int4\"");
  expect_refused(temp_file("gpubench_baddtype.json", text),
                 "records[0] has an unknown dtype 'int4'");
  std::string text2 = results_to_json_text(sample_results());
  const std::string from2 = "\"iterations\": 10";
  text2.replace(text2.find(from2), from2.size(), "\"iterations\": \"ten\"");
  expect_refused(temp_file("gpubench_badtype.json", text2), "wrong type");
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
  const Results out = results_from_json_text(results_to_json_text(in), "test");
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
