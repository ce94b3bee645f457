// Writing the files a user names without ever leaving half a file, clobbering something else or
// replacing what is not a file: a regular file is replaced atomically (an exclusive temporary in
// the same folder, then rename), a symlink's target is replaced (the link stays), a character
// device or FIFO (/dev/null, /dev/stdout, a named pipe) is written in place, and anything else
// (a directory, a socket, a block device) is refused.
#pragma once

#include <string>
#include <string_view>

namespace gpubench {

// Where writing `path` really goes.
struct WriteDestination {
  std::string path;     // the file to replace (a symlink's final target) or to write in place
  bool stream = false;  // a character device or FIFO: written in place, once, never renamed
  bool fifo = false;    // of streams: a named pipe (its open waits for a reader)
  // /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: this process's descriptor N, written
  // directly (a stream, whatever is behind it): a file the shell redirected stdout to is appended
  // to at stdout's offset, after the table, instead of being replaced or reopened at offset 0.
  int fd = -1;
};

// Resolves `path` (following symlinks, also dangling ones). Throws UsageError naming `path` for a
// directory or another file that is neither regular, a character device nor a FIFO.
WriteDestination resolve_destination(const std::string& path);

// Whether `path` is written in place (a character device or FIFO: /dev/stdout, a named pipe).
// Such a target gets a run's final results once, not every partial save: a reader of a pipe takes
// one document and leaves. False for anything resolve_destination refuses.
bool writes_in_place(const std::string& path);

// Checks that `path` can be written, creating and changing nothing at `path` (nor at any name a
// later write would use). Throws UsageError naming `path` when it cannot.
void check_destination_writable(const std::string& path);

// Writes `content` to `path` as resolve_destination says: for a file, an exclusively created
// temporary next to the final target (mode: the old file's, else 0666 less the umask), fsync, then
// rename over it, so readers see the old file or the new one, never half of one. Throws
// EnvironmentError naming `path` when it cannot write.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace gpubench
