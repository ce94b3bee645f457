#include "gpubench/platform/host_cache.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "gpubench/core/input_file.hpp"

namespace gpubench {

namespace {

// "32768K", "1M", "512" -> bytes.
std::size_t parse_cache_size(const std::string& text) {
  std::size_t pos = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &pos);
  } catch (...) {
    return 0;
  }
  const char unit = pos < text.size() ? text[pos] : ' ';
  if (unit == 'K') return std::size_t(v) << 10;
  if (unit == 'M') return std::size_t(v) << 20;
  if (unit == 'G') return std::size_t(v) << 30;
  return std::size_t(v);
}

}  // namespace

std::size_t host_last_level_cache_bytes(const std::string& cpu_root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // level -> the distinct caches of that level (by the CPUs sharing them) and their sizes.
  struct Cache {
    std::size_t size = 0;
    std::string shared;  // the CPUs it serves, as sysfs lists them ("0-7", "3")
  };
  std::map<int, std::map<std::string, Cache>> levels;
  for (const auto& cpu : fs::directory_iterator(cpu_root, ec)) {
    const std::string name = cpu.path().filename().string();
    if (name.size() < 4 || name.rfind("cpu", 0) != 0 ||
        !std::all_of(name.begin() + 3, name.end(), ::isdigit))
      continue;
    std::error_code ec2;
    for (const auto& index : fs::directory_iterator(cpu.path() / "cache", ec2)) {
      const std::string dir = index.path().string();
      const std::string type = read_first_line(dir + "/type");
      if (type == "Instruction") continue;
      const std::string level = read_first_line(dir + "/level");
      const std::string shared = read_first_line(dir + "/shared_cpu_list");
      const std::size_t size = parse_cache_size(read_first_line(dir + "/size"));
      if (level.empty() || !size) continue;
      int lv = 0;
      try {
        lv = std::stoi(level);
      } catch (...) {
        continue;
      }
      // The cache's id names one physical cache (a VM may list every vCPU's L3 as its own,
      // shared with no one, while giving them all the same id); else the CPUs sharing it do.
      const std::string id = read_first_line(dir + "/id");
      levels[lv][!id.empty() ? "id " + id : shared.empty() ? name : shared] = {size, shared};
    }
  }
  if (levels.empty()) return 0;
  const auto& last = levels.rbegin()->second;
  std::size_t total = 0, largest = 0;
  bool each_private = last.size() > 1;
  for (const auto& [who, c] : last) {
    total += c.size;
    largest = std::max(largest, c.size);
    each_private = each_private && !c.shared.empty() &&
                   c.shared.find_first_of(",-") == std::string::npos;  // one CPU
  }
  // Every CPU with a last-level cache of its own is how a VM describes its vCPUs (the H200 host
  // listed sixteen 30-odd MiB L3s, which no 16-core Xeon has): count the one cache they share.
  // A real L3 is shared by a core complex or a socket.
  if (each_private && levels.rbegin()->first >= 3) return largest;
  return total;
}

HostCacheEvictor::HostCacheEvictor(std::size_t cache_bytes, int threads)
    : buffer_(std::max<std::size_t>(2 * cache_bytes, std::size_t(8) << 20) / sizeof(double)),
      threads_(std::max(1, threads)) {}

void HostCacheEvictor::evict() {
  round_ += 1;
  const std::size_t n = buffer_.size();
  const int t = int(std::min<std::size_t>(threads_, n));
  auto work = [&](int i) {
    const std::size_t lo = n * i / t, hi = n * (i + 1) / t;
    double* p = buffer_.data();
    for (std::size_t j = lo; j < hi; ++j) p[j] = round_;
    double sum = 0;
    for (std::size_t j = lo; j < hi; j += 8) sum += p[j];  // one read per line
    // The sum is never used; this keeps the compiler from dropping the reads.
    asm volatile("" : : "r"(&sum) : "memory");
  };
  std::vector<std::thread> team;
  for (int i = 1; i < t; ++i) team.emplace_back(work, i);
  work(0);
  for (std::thread& th : team) th.join();
}

}  // namespace gpubench
