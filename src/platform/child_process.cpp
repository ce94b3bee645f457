#include "gpubench/platform/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/text.hpp"

namespace gpubench {

namespace {

// In the child: the environment set, the signals gpubench ignores given back, then exec. On
// failure its errno goes up the close-on-exec pipe and the child leaves.
[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::vector<std::pair<std::string, std::string>>& environment,
                             int report_fd) {
  for (const auto& [name, value] : environment) setenv(name.c_str(), value.c_str(), 1);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGQUIT, SIG_DFL);
  std::signal(SIGPIPE, SIG_DFL);
  std::signal(SIGXFSZ, SIG_DFL);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  const int error = errno;
  [[maybe_unused]] const auto n = write(report_fd, &error, sizeof error);
  _exit(127);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error(fmt::format("waitpid: {}", std::strerror(errno)));
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace

int run_child(const std::vector<std::string>& argv,
              const std::vector<std::pair<std::string, std::string>>& environment) {
  if (argv.empty()) throw UsageError("no program to run");
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0)
    throw EnvironmentError(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  auto* old_int = std::signal(SIGINT, SIG_IGN);
  auto* old_quit = std::signal(SIGQUIT, SIG_IGN);
  const pid_t pid = fork();
  if (pid == 0) exec_child(argv, environment, report[1]);
  close(report[1]);
  int error = 0;
  const bool exec_failed = pid > 0 && read(report[0], &error, sizeof error) == sizeof error;
  close(report[0]);
  const int fork_error = errno;
  const int status = pid > 0 ? wait_for(pid) : -1;
  std::signal(SIGINT, old_int);
  std::signal(SIGQUIT, old_quit);
  if (pid < 0)
    throw EnvironmentError(fmt::format("cannot start a process: {}", std::strerror(fork_error)));
  if (exec_failed)
    throw UsageError(fmt::format("cannot run '{}': {}", shown_input(argv[0]), std::strerror(error)));
  return status;
}

std::string executable_directory() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

}  // namespace gpubench
