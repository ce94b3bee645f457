#include "gpubench/core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "gpubench/core/errors.hpp"

namespace gpubench {

std::string read_input_file(const std::string& path, const std::string& what,
                            std::size_t max_bytes) {
  const auto fail = [&](const std::string& why) {
    throw UsageError(fmt::format("cannot read {} '{}': {}", what, path, why));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw UsageError(fmt::format("cannot read {} '{}': it is a directory", what, path));
  }
  std::string text;
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      fail(why);
    }
    if (n == 0) break;
    if (text.size() + std::size_t(n) > max_bytes) {
      ::close(fd);
      fail(fmt::format("larger than the {} MiB an input may have", max_bytes >> 20));
    }
    text.append(buf, std::size_t(n));
  }
  ::close(fd);
  return text;
}

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

}  // namespace gpubench
