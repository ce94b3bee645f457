// The Backend interface: a way to multiply matrices on some device. Backends measure, never print.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpubench/core/host_matrix.hpp"
#include "gpubench/core/problem.hpp"
#include "gpubench/core/record.hpp"
#include "gpubench/core/telemetry.hpp"

namespace gpubench {

// Whether a backend can run a dtype/shape, and why not.
struct Support {
  bool ok = true;
  std::string reason;
  static Support yes() { return {}; }
  static Support no(std::string why) { return {false, std::move(why)}; }
};

// Options every backend may honour.
struct BackendOptions {
  int threads = 0;             // CPU threads; 0 = all cores
  int device = 0;              // GPU ordinal
  // Cold cache (--cache cold): the runner calls Case::flush_cache() before every timed
  // repetition (the host's caches for a CPU backend that has no flush of its own); a backend that
  // can flush reserves its flush buffer (counted in device_bytes).
  bool cold_cache = false;
  bool pinned_host = true;     // GPU end-to-end: page-locked host buffers
  bool end_to_end = true;      // GPU: also time copies + multiply
  // The run's CPU facts (platform/), so CPU backends neither re-read nor re-measure them; null:
  // host_facts()'s.
  std::shared_ptr<const CpuInfo> cpu;
};

// A prepared case: operands allocated and loaded on the device, ready to be timed.
class Case {
 public:
  virtual ~Case() = default;
  // Runs `reps` multiplications back to back and returns the elapsed seconds measured with the
  // backend's own clock (a steady clock on the CPU, CUDA events on the GPU stream; GPU backends
  // replay the calls as CUDA graphs, so that the CPU's launch time does not pace the GPU).
  virtual double time_kernel(int reps) = 0;
  // One end-to-end repetition (host->device copies, multiply, device->host copy), in seconds;
  // nullopt where it makes no sense (CPU backends).
  virtual std::optional<double> time_end_to_end() { return std::nullopt; }
  // Copies the result C (M x N, row-major) into `out` as doubles, for verification.
  virtual void read_result(std::vector<double>& out) = 0;
  // Evicts the device's caches (the GPU's L2) before the next repetition, queued on the case's
  // stream ahead of it, so the flush stays outside the timed region. The runner calls it when a
  // cold cache is asked for; false means this backend cannot flush (the row then says so).
  virtual bool flush_cache() { return false; }
  // Warnings collected while timing (clock drops, throttling).
  virtual std::vector<std::string> warnings() { return {}; }
  // Backends that choose among a library's algorithms: a description of the one that runs
  // ("" where there is no choice), and switching between the chosen one and the library's default
  // choice (what a framework gets without tuning). False: this backend has no default to offer.
  virtual std::string algorithm() const { return ""; }
  virtual bool use_default_algorithm(bool /*use_default*/) { return false; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual DeviceKind device_kind() const = 0;
  virtual int device_index() const { return -1; }
  virtual std::string device_name() const = 0;
  virtual Support supports(DType d, const Shape& s) const = 0;
  // Bytes the backend must allocate on its device for the case (checked against free memory).
  virtual std::size_t device_bytes(DType d, const Shape& s) const {
    return s.operand_bytes(element_bytes(d), element_bytes_c(d));
  }
  // Free memory on the backend's device right now, or nullopt when unknown.
  virtual std::optional<std::size_t> free_device_bytes() const { return std::nullopt; }
  // Peak GFLOPS for the dtype on this device, when known.
  virtual std::optional<double> peak_gflops(DType) const { return std::nullopt; }
  // Threads used (CPU backends), after the backend applied the request.
  virtual int threads() const { return 0; }
  // Bytes of its device's last-level cache (a GPU's L2), for the warning on warm rows whose
  // operands fit in it; nullopt for the host, whose caches platform/ knows.
  virtual std::optional<std::size_t> cache_bytes() const { return std::nullopt; }
  // A sampler of the device's clock, power and temperature for one timed window; null when the
  // backend has none (the runner then uses the host's energy counters for a CPU backend).
  virtual std::unique_ptr<TelemetryProbe> telemetry_probe() const { return nullptr; }
  // Allocates and loads the operands. Throws BackendError (with the failing call) on failure.
  virtual std::unique_ptr<Case> prepare(const Problem& p) = 0;
};

// A failure inside a backend (a failed allocation, a CUDA or cuBLAS error): the case's row says
// why and the sweep goes on.
struct BackendError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An allocation on the backend's device failed: the case is skipped (not failed) with the reason.
struct OutOfMemoryError : BackendError {
  using BackendError::BackendError;
};

}  // namespace gpubench
