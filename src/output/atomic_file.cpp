// Atomic replacement of the files a user names (see atomic_file.hpp for the rules).
#include "gpubench/output/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <string_view>

#include "gpubench/core/errors.hpp"

namespace gpubench {

namespace fs = std::filesystem;

// How long the final write to a named pipe waits for a reader to open it.
constexpr int kPipeReaderWaitMs = 5000;

namespace {

// Follows a chain of symlinks by hand, so that a dangling link resolves to the file it would
// create (std::filesystem::canonical refuses those). Relative targets are relative to the link.
std::string follow_symlinks(const std::string& path) {
  fs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p.string();
    std::error_code ec;
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) throw UsageError(fmt::format("cannot follow the symlink '{}': {}", path, ec.message()));
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  throw UsageError(fmt::format("cannot write '{}': too many levels of symbolic links", path));
}

// N for /dev/stdout (1), /dev/stderr (2), /dev/fd/N and /proc/self/fd/N, else -1.
int own_descriptor(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (path.rfind(prefix, 0) != 0) continue;
    const std::string_view n = std::string_view(path).substr(prefix.size());
    int fd = -1;
    const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), fd);
    if (!n.empty() && ec == std::errc{} && end == n.data() + n.size() && fd >= 0) return fd;
  }
  return -1;
}

std::string folder_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// The mode a new file gets from open(..., 0666): read from /proc (umask() itself would have to
// change it, racing with other threads creating files).
mode_t new_file_mode() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "Umask:") {
      unsigned mask = 022;
      if (status >> std::oct >> mask) return mode_t(0666 & ~mask);
      break;
    }
    status.ignore(4096, '\n');
  }
  return 0644;
}

// The temporaries of `base` are ".BASE.gpubench-XXXXXX" (mkstemp's six characters).
constexpr std::string_view kTemporaryTag = ".gpubench-";
constexpr std::size_t kTemporaryRandomChars = 6;

// An exclusively created temporary in `folder` (mkstemp: O_CREAT|O_EXCL, a random name), so a
// file or symlink planted at a predictable name is never opened. Returns the fd, locked (flock)
// for as long as it is open, so that remove_stale_temporaries() knows it is alive; fills `name`.
int make_temporary(const std::string& folder, const std::string& base, std::string& name) {
  std::string templ = fmt::format("{}/.{}{}XXXXXX", folder, base, kTemporaryTag);
  const int fd = ::mkstemp(templ.data());
  if (fd >= 0) ::flock(fd, LOCK_EX);  // a fresh file: nobody else holds it
  name = templ;
  return fd;
}

// Whether `name` is one of `base`'s temporaries by its name alone.
bool is_temporary_of(const std::string& name, const std::string& base) {
  const std::string prefix = "." + base + std::string(kTemporaryTag);
  if (name.size() != prefix.size() + kTemporaryRandomChars || name.rfind(prefix, 0) != 0)
    return false;
  for (char c : std::string_view(name).substr(prefix.size()))
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

// A temporary untouched for this long, that no process holds, was left by a killed run.
constexpr int kStaleTemporarySeconds = 60;

// Removes the temporaries of `target` that a run killed mid-save (kill -9, a power cut) left
// beside it: ours by name, regular files of this user, untouched for a minute and not locked by
// a live writer (make_temporary's flock dies with its process). Once per target per process.
void remove_stale_temporaries(const std::string& target) {
  static std::mutex mutex;
  static std::set<std::string> done;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (!done.insert(target).second) return;
  }
  const std::string base = fs::path(target).filename().string();
  std::error_code ec;
  fs::directory_iterator it(folder_of(target), ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string path = it->path().string();
    if (!is_temporary_of(it->path().filename().string(), base)) continue;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    const bool stale = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
                       std::time(nullptr) - st.st_mtime > kStaleTemporarySeconds &&
                       ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (stale) ::unlink(path.c_str());
    ::close(fd);
  }
}

void write_all(int fd, std::string_view content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;  // a signal (the user's Ctrl-C) arrived mid-write
    if (n < 0) throw EnvironmentError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    done += std::size_t(n);
  }
}

}  // namespace

WriteDestination resolve_destination(const std::string& path) {
  if (path.empty()) throw UsageError("an output file needs a name");
  WriteDestination d;
  if (const int fd = own_descriptor(path); fd >= 0) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0)
      throw UsageError(fmt::format("cannot write '{}': descriptor {} is not open", path, fd));
    if ((flags & O_ACCMODE) == O_RDONLY)
      throw UsageError(fmt::format("cannot write '{}': descriptor {} is read-only", path, fd));
    return {path, true, false, fd};
  }
  struct stat st {};
  // stat() follows every link, the /proc magic links of /dev/stdout included: a pipe or a terminal
  // behind them is written in place through the name the user gave.
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return {path, true, S_ISFIFO(st.st_mode)};
    if (S_ISDIR(st.st_mode)) throw UsageError(fmt::format("cannot write '{}': it is a directory", path));
    if (!S_ISREG(st.st_mode))
      throw UsageError(fmt::format(
          "cannot write '{}': it is not a regular file, a character device or a FIFO", path));
  }
  d.path = follow_symlinks(path);
  return d;
}

bool writes_in_place(const std::string& path) {
  try {
    return resolve_destination(path).stream;
  } catch (const std::exception&) {
    return false;
  }
}

void check_destination_writable(const std::string& path) {
  const WriteDestination d = resolve_destination(path);
  if (d.fd >= 0) return;  // resolve_destination checked that it is open for writing
  if (d.stream) {
    if (::access(d.path.c_str(), W_OK) != 0)
      throw UsageError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    return;
  }
  // The rename needs a writable folder; try the real thing under a name nobody else uses.
  const std::string folder = folder_of(d.path);
  std::string tmp;
  const int fd = make_temporary(folder, fs::path(d.path).filename().string(), tmp);
  if (fd < 0) throw UsageError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  ::close(fd);
  ::unlink(tmp.c_str());
}

void write_file_atomically(const std::string& path, std::string_view content) {
  WriteDestination d;
  try {
    d = resolve_destination(path);
  } catch (const UsageError& e) {
    throw EnvironmentError(e.what());  // the file changed under a run that had checked it
  }
  if (d.fd >= 0) {
    // What the program printed to its own stdout/stderr first stays first.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    write_all(d.fd, content, path);
    return;
  }
  if (d.stream) {
    // O_NONBLOCK: opening a FIFO nobody reads blocks until someone does, and a signal cannot end
    // that wait (the handler restarts it). Without a reader the open fails (ENXIO): a reader
    // starting a moment late is waited for a few seconds, then the write gives up. Writes then
    // block as usual: the reader is there.
    const bool fifo = d.fifo;
    int fd = -1;
    for (int waited_ms = 0;; waited_ms += 20) {
      fd = ::open(d.path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0));
      if (fd >= 0 || errno != ENXIO || !fifo || waited_ms >= kPipeReaderWaitMs) break;
      ::usleep(20 * 1000);
    }
    if (fd < 0 && errno == ENXIO)
      throw EnvironmentError(fmt::format("cannot write '{}': no process read the pipe within {} s",
                                         path, kPipeReaderWaitMs / 1000));
    if (fd < 0) throw EnvironmentError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    if (const int flags = ::fcntl(fd, F_GETFL); flags >= 0)
      ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    try {
      write_all(fd, content, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    return;
  }
  remove_stale_temporaries(d.path);
  struct stat old {};
  const mode_t mode = ::stat(d.path.c_str(), &old) == 0 ? (old.st_mode & 07777) : new_file_mode();
  std::string tmp;
  const int fd = make_temporary(folder_of(d.path), fs::path(d.path).filename().string(), tmp);
  if (fd < 0) throw EnvironmentError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  try {
    write_all(fd, content, path);
    ::fchmod(fd, mode);
    // Data on disk before the rename makes it visible: a crash leaves the old file or the new one.
    if (::fsync(fd) != 0 && errno != EINVAL)
      throw EnvironmentError(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), d.path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw EnvironmentError(fmt::format("cannot replace '{}': {}", path, why));
  }
}

}  // namespace gpubench
