// Runs a shell command the way a user would and captures what they would see: stdout, stderr and
// the exit code. Shared by the CLI tests, which run the real gpubench binary.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace gpubench::test {

struct CommandResult {
  int code = -1;  // the exit code; -1 when the command did not exit normally
  std::string out, err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

inline CommandResult run_command(const std::string& command_line) {
  // One stderr file per process and call: ctest -j runs test processes side by side.
  static int calls = 0;
  const std::string errfile = ::testing::TempDir() + "gpubench_test_stderr_" +
                              std::to_string(getpid()) + "_" + std::to_string(++calls) + ".txt";
  CommandResult r;
  FILE* p = popen((command_line + " 2>" + errfile).c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_file(errfile);
  std::remove(errfile.c_str());
  return r;
}

// Characters of the widest line (code points; a pseudo-terminal's \r before \n not counted).
inline std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::size_t chars = 0;
    for (std::size_t i = start; i < end; ++i)
      chars += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && text[i] != '\r';
    widest = std::max(widest, chars);
    start = end + 1;
  }
  return widest;
}

#ifdef GPUBENCH_BINARY
// The gpubench binary under test (its path is a compile definition of the CLI test targets).
inline CommandResult run_gpubench(const std::string& args) {
  return run_command(std::string(GPUBENCH_BINARY) + " " + args);
}

// `gpubench ARGS` with stdout on a pseudo-terminal COLUMNS wide (util-linux script).
inline CommandResult on_terminal(int columns, const std::string& args) {
  return run_command("COLUMNS=" + std::to_string(columns) + " script -qec '" +
                     std::string(GPUBENCH_BINARY) + " " + args + "' /dev/null");
}

// How many GPUs that binary sees: the "GPU N:" lines of `gpubench info`.
inline int gpu_count() {
  const std::string info = run_gpubench("info").out;
  int n = 0;
  while (info.find("GPU " + std::to_string(n) + ":") != std::string::npos) ++n;
  return n;
}

// Whether that binary runs on an emulated CPU (qemu-user in the aarch64 CI job): `gpubench info`
// then says the peak was "not measured (emulated CPU)" (src/platform/cpuinfo.hpp).
inline bool cpu_is_emulated() {
  return run_gpubench("info").out.find("not measured (emulated CPU)") != std::string::npos;
}
#endif

}  // namespace gpubench::test
