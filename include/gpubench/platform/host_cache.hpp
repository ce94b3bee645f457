// The host's last-level cache: how big it is (sysfs) and evicting it between timed
// multiplications, so a CPU row timed with --cache cold starts each one with its operands in
// memory, as a GPU row does after its L2 flush.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gpubench {

// Total bytes of the last-level caches of every CPU (each distinct cache counted once: an EPYC
// has one L3 per CCD); 0 when sysfs does not say. `cpu_root` is /sys/devices/system/cpu.
std::size_t host_last_level_cache_bytes(const std::string& cpu_root = "/sys/devices/system/cpu");

// Writes, then reads, a buffer twice the last-level caches' size on `threads` threads (so every
// core's share of the cache, on every CCD or socket, sees new lines), a different value each
// round. The buffer is allocated once.
class HostCacheEvictor {
 public:
  HostCacheEvictor(std::size_t cache_bytes, int threads);
  void evict();
  std::size_t bytes() const { return buffer_.size() * sizeof(double); }

 private:
  std::vector<double> buffer_;
  int threads_;
  double round_ = 0;
};

}  // namespace gpubench
