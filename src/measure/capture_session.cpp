#include "gpubench/measure/capture_session.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "gpubench/backends/capture_library.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/platform/child_process.hpp"

namespace gpubench {

namespace fs = std::filesystem;

namespace {

// A private directory for the processes' tables, removed when the capture ends.
struct TableDirectory {
  std::string path;
  TableDirectory() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/gpubench-capture-XXXXXX";
    if (!mkdtemp(pattern.data()))
      throw EnvironmentError(fmt::format("cannot create a directory like {}", pattern));
    path = pattern;
  }
  ~TableDirectory() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::vector<CaptureLog> read_tables(const std::string& dir) {
  std::vector<CaptureLog> logs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".gemms") continue;  // a .tmp left by a process killed mid-write
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    logs.push_back(parse_capture_log(text.str()));
  }
  return logs;
}

// LD_PRELOAD with the capture library first, keeping what the user preloads.
std::string preload_with(const std::string& library) {
  const char* old = std::getenv("LD_PRELOAD");
  return old && *old ? library + " " + old : library;
}

}  // namespace

std::string find_capture_library() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv(kCaptureLibraryVariable); env && *env)
    candidates.push_back(env);
  if (const std::string dir = executable_directory(); !dir.empty()) {
    candidates.push_back(dir + "/" + kCaptureLibraryName);
    candidates.push_back(dir + "/" + GPUBENCH_CAPTURE_LIB_FROM_BINDIR + "/" + kCaptureLibraryName);
  }
  std::string looked;
  for (const std::string& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return fs::absolute(c).lexically_normal().string();
    looked += (looked.empty() ? "" : ", ") + c;
  }
  throw EnvironmentError(fmt::format("the capture library {} is not installed (looked at: {}; "
                                     "set {} to its path)",
                                     kCaptureLibraryName, looked, kCaptureLibraryVariable));
}

CaptureRun run_capture(const std::vector<std::string>& argv, const std::string& library) {
  TableDirectory tables;
  CaptureRun run;
  run.exit_status = run_child(argv, {{"LD_PRELOAD", preload_with(library)},
                                     {kCaptureDirVariable, tables.path}});
  run.summary = merge_captured(read_tables(tables.path));
  return run;
}

}  // namespace gpubench
