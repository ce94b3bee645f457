// The one data model: what was measured (Record) and where (SystemInfo). Backends fill Records
// through the Runner; reporters only read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpubench/core/dtype.hpp"
#include "gpubench/core/shape.hpp"
#include "gpubench/core/stats.hpp"

namespace gpubench {

enum class DeviceKind { cpu, gpu };
std::string to_string(DeviceKind k);

enum class Status { ok, skipped, unsupported, failed };
std::string to_string(Status s);  // for people: "ok", "skipped", "unsupported", "FAILED"
std::string status_name(Status s);  // for files: "ok", "skipped", "unsupported", "failed"

// What a backend is among the others on its device, so that analysis picks comparisons by role
// and not by name: the project's own kernels are held to the vendor library of the same device.
enum class BackendRole {
  unknown,
  library,         // a general math library on the CPU (OpenBLAS)
  vendor_library,  // the device vendor's library (cuBLAS): the reference on its device
  own_kernel,      // the project's own kernels (kernel:*)
};
std::string to_string(BackendRole r);  // "library", "vendor_library", "own_kernel", "unknown"
BackendRole parse_backend_role(const std::string& s);  // unknown for anything else
// For results files written before records carried a role: kernel:* rows are the project's own
// kernels, other GPU rows the vendor's library, CPU rows a library.
BackendRole infer_backend_role(const std::string& backend, DeviceKind kind);

// What the device did while a rate's timed window ran: sampled by the backend's telemetry service
// (NVML on GPUs, powercap/RAPL on the CPU). Fields that could not be read stay empty and
// `unavailable` says why.
struct Telemetry {
  std::string source;       // "nvml", "powercap (package)"; empty when nothing was read
  std::string unavailable;  // why some or all fields are empty ("" when everything was read)
  int samples = 0;          // readings inside the window
  std::optional<double> mean_sm_clock_mhz, min_sm_clock_mhz;  // GPU
  std::optional<double> mean_power_w;        // over the window
  std::optional<double> energy_per_mult_j;   // mean power x window / multiplications
  std::optional<double> gflops_per_watt;     // the rate's GFLOPS / mean power
  std::optional<double> peak_temperature_c;
  std::vector<std::string> throttle_reasons;  // non-benign reasons seen ("sw power cap")
  // The window on the wall clock (Unix seconds), where the probe keeps it (NVML): lines the
  // window up with an outside power log (bench/energy_check.sh).
  std::optional<double> window_start_unix_s, window_end_unix_s;
  bool empty() const { return source.empty() && unavailable.empty(); }
};

// Which clock regime a rate was timed in. GPUs start a heavy GEMM at their boost clock and settle
// lower once the power cap bites (the H200: 1980 -> ~1400-1700 MHz within about a second):
// burst is the first, timed as mamf-finder and most published tables time it (50 warm-up runs,
// the mean of the next 100); sustained is the second, timed after the speed settles. CPU rows have
// one rate (their turbo shows in the measured clock).
enum class Clocks { burst, sustained, both };
std::string to_string(Clocks c);  // "burst", "sustained", "both"

// One timed window of a case: how long it ran, the statistics of its multiplications, the rate
// they give, how it was timed, in which clock regime, and what the device did meanwhile.
struct Rate {
  double window_seconds = 0;  // timed work in the window
  Stats seconds;              // per multiplication (kernel-only for GPU backends)
  int iterations = 0;         // timed multiplications
  double gflops = 0;          // 2*M*N*K per multiplication / its time / 1e9
  std::string method;         // how the window was timed, for people ("50 warm-up, mean of 100")
  // The clock regime: "sustained" or "burst" on GPU rows, "" on CPU rows (one rate).
  std::string clocks;
  Telemetry telemetry;        // over the window
  // The rate in clock cycles: FLOP per cycle per SM (GPU rows, from the window's mean SM clock)
  // or per core (CPU rows, from the measured clock), so that a power-capped card and a cool one
  // of the same model compare as silicon. Empty where the clock is unknown.
  std::optional<double> flop_per_cycle;
};

// One measured (or refused) case: a shape, a dtype, a backend.
struct Record {
  Shape shape;
  DType dtype = DType::fp32;
  std::string backend;  // "openblas", "cublas", "kernel:naive"
  BackendRole role = BackendRole::unknown;
  DeviceKind device_kind = DeviceKind::cpu;
  int device_index = -1;  // GPU ordinal, -1 for the CPU
  std::string device_name;
  std::string pci_bus_id;  // GPU rows: the card's PCI bus id, which tells identical cards apart
  std::string host;  // hostname (several hosts appear under MPI)
  int rank = 0;      // MPI rank that measured it

  Status status = Status::ok;
  std::string reason;  // why skipped / unsupported / failed; empty when ok

  int threads = 0;     // CPU threads used (CPU backends)
  // The row's rate: sustained on GPU rows timed both ways (or the one window --clocks asked
  // for), the only one on CPU rows. peak_gflops/pct_of_peak and the verdict read this one.
  Rate main;
  std::optional<double> peak_gflops;  // the device's peak for this dtype, when known
  std::optional<double> pct_of_peak;  // 100 * main.gflops / peak
  // GPU rows timed both ways (--clocks both): the burst window beside the sustained main.
  std::optional<Rate> burst;
  // Cold cache (--cache cold): every timed multiplication started with its operands evicted.
  bool cold_cache = false;
  // Timed warm with A, B and C small enough for the device's last-level cache (a GPU's L2, the
  // CPU's L3): a loop reusing them runs at this speed, a model's layer meeting them cold may not.
  bool operands_in_cache = false;
  // --shapes with a count column (a captured program, a suite): how many times one pass of the
  // workload calls this case; 0 outside a workload. The analysis weighs the case by it.
  std::int64_t workload_calls = 0;
  // Backends that choose among a library's algorithms (cuBLASLt): the one the row ran, and the
  // library's default choice (its heuristic's first, what a framework gets without tuning) timed
  // in one window interleaved with the chosen one, so both met the same clocks: default_rate is
  // the default's, tuned_gain the chosen one's rate over it in that window (1 when they are the
  // same algorithm).
  std::string algorithm;
  std::string default_algorithm;
  std::optional<Rate> default_rate;
  std::optional<double> tuned_gain;

  // GPU only: copy A and B to the device, multiply, copy C back (one end-to-end repetition).
  std::optional<Stats> end_to_end_seconds;
  std::optional<double> end_to_end_gflops;
  std::string host_memory;  // "pinned" | "pageable" for end-to-end numbers

  // Verification against the fp64 reference: max |C - R| / sum_k |A_ik B_kj| over the checked
  // entries, the tolerance it was held to, and how many entries were checked.
  bool verified = false;
  double max_rel_error = 0;
  double tolerance = 0;
  std::int64_t checked_entries = 0;

  std::vector<std::string> warnings;  // e.g. clock dropped during the case, far below peak

  double flops() const { return shape.flops(); }
  bool ok() const { return status == Status::ok; }
};

struct CpuInfo {
  std::string model;
  int physical_cores = 0;
  int logical_cpus = 0;
  std::string simd;  // "avx512", "avx2", "sse4.2", "neon", ...
  int fma_units = 0;
  double clock_ghz = 0;        // 0 when unknown
  std::string clock_source;    // "/proc/cpuinfo", "measured", "cpufreq max", ...
  std::optional<double> peak_gflops_fp32, peak_gflops_fp64;  // what "% peak" divides by
  std::string peak_note;       // how it was obtained
  // The FMA-throughput measurement (platform/cpu_peak.hpp) the peak comes from, when it ran, and
  // the table model (cores x lanes x 2 x FMA units x clock) kept beside it as a cross-check.
  struct MeasuredPeak {
    std::string isa;  // the loop that ran: "avx512", "avx2+fma", "neon", "scalar"
    double clock_ghz = 0;  // one core, dependent imul chain
    double core_gflops_fp32 = 0, core_gflops_fp64 = 0;
    double flop_per_cycle_fp32 = 0, flop_per_cycle_fp64 = 0;  // per core; 0: clock unknown
    int threads = 0;
    double all_gflops_fp32 = 0, all_gflops_fp64 = 0;
  };
  std::optional<MeasuredPeak> measured_peak;
  std::optional<double> model_peak_gflops_fp32;
  // Host memory bandwidth for the roofline note: measured (a short STREAM triad) when known.
  std::optional<double> memory_bandwidth_gbs;
  std::string memory_bandwidth_note;  // how it was obtained
  // From powercap, when it can be read: the packages' power limit (each one's highest
  // constraint, summed) and how often their energy counters change (measured by polling; power
  // is taken only from windows spanning several counter steps, as a GPU's).
  std::optional<double> power_limit_w, energy_counter_period_s;
};

// One math library a provider uses (OpenBLAS, cuBLAS, the CUDA runtime): what `gpubench info`
// and every results file report about it.
struct LibraryInfo {
  std::string name;  // "OpenBLAS", "cuBLAS"
  std::string role;  // "cpu-blas", "gpu-blas": lets a printer pick the library it shows
  std::string version;
  std::string config;    // build string (openblas_get_config())
  std::string detected;  // what it chose at run time for this machine (OpenBLAS: its core)
  // What `detected` is, as the library calls it ("core", "config", "isa"): set by its provider,
  // not kept in results files (a printer of a file says "detected").
  std::string detected_as;
  std::string_view detected_label() const {
    return detected_as.empty() ? std::string_view("detected") : std::string_view(detected_as);
  }
  int threads = 0;       // threads it will use, after applying the request; 0 for GPU libraries
  std::string parallel;  // threading layer: "pthreads", "openmp", "sequential"
  // CPU libraries: the backend that runs on it ("openblas", "blis", "mkl"), the path it was
  // loaded from, the thread placement it ran under (OMP_PROC_BIND/OMP_PLACES), and why it could
  // not be loaded (then only name, role, backend and this are set).
  std::string backend;
  std::string path;
  std::string placement;
  std::string unavailable;
  bool available() const { return unavailable.empty(); }
};

inline constexpr const char* kCpuBlasRole = "cpu-blas";

// The GPU runtime a provider drives, as that provider describes it (the CUDA provider: its
// driver, runtime and BLAS versions). Results files keep it as an object named `key`.
struct GpuRuntimeInfo {
  std::string key;      // its name in results files; empty when no provider described one
  bool built = false;   // this gpubench was built with it
  std::string status;   // "ok", or why no device is usable
  // Version numbers in the runtime's own encodings, in the order files list them
  // ({"driver_version", 13000}, ...).
  std::vector<std::pair<std::string, int>> versions;
  int version(std::string_view name) const {  // 0 when unknown
    for (const auto& [n, v] : versions)
      if (n == name) return v;
    return 0;
  }
};

struct GpuInfo {
  int index = 0;
  std::string name;
  std::string pci_bus_id;
  int cc_major = 0, cc_minor = 0;
  int sms = 0;
  double sm_clock_mhz = 0;      // current, when telemetry has it
  double max_sm_clock_mhz = 0;  // from device properties
  double memory_clock_mhz = 0;
  int memory_bus_width_bits = 0;
  std::uint64_t memory_total_bytes = 0;
  std::uint64_t l2_bytes = 0;
  // Peak TFLOPS per dtype name ("fp32", ...) at max_sm_clock_mhz, absent where unknown.
  std::vector<std::pair<std::string, double>> peak_gflops;
  std::optional<double> peak_bandwidth_gbs;
  // From NVML, when it answers: the enforced power limit, and how often the board's energy
  // counter and its power reading change (measured by polling; power is taken only from windows
  // spanning many counter steps).
  std::optional<double> power_limit_w, energy_counter_period_s, power_reading_period_s;
};

struct SystemInfo {
  std::string gpubench_version;
  std::string command_line;
  // matmul's --seed of the random inputs; absent in bandwidth runs and in files before it was kept.
  std::optional<std::uint64_t> seed;
  std::string start_time;  // ISO 8601 UTC
  std::string hostname;
  std::string os;
  CpuInfo cpu;
  std::vector<LibraryInfo> libraries;  // one or more per provider, in provider order
  GpuRuntimeInfo gpu_runtime;
  std::vector<GpuInfo> gpus;

  // Why no GPU is listed: the runtime's own words, or that no provider described one.
  std::string gpu_status() const;

  // The first CPU BLAS that was loaded (the "cpu-blas" libraries); an empty one when none.
  const LibraryInfo& cpu_blas() const {
    static const LibraryInfo kNone;
    for (const LibraryInfo& l : libraries)
      if (l.role == kCpuBlasRole && l.available()) return l;
    return kNone;
  }
  // Every CPU BLAS that was loaded, in provider order (OpenBLAS, BLIS, MKL).
  std::vector<const LibraryInfo*> cpu_blas_libraries() const {
    std::vector<const LibraryInfo*> out;
    for (const LibraryInfo& l : libraries)
      if (l.role == kCpuBlasRole && l.available()) out.push_back(&l);
    return out;
  }
  // The CPU BLAS a CPU backend ran on ("blis" -> BLIS), or null. Files written before libraries
  // named their backend match by the library's name in lower case.
  const LibraryInfo* cpu_blas_of(const std::string& backend) const;
};

// One memory-bandwidth measurement of `gpubench bandwidth`: a host STREAM kernel, a host<->device
// copy or a device-to-device copy.
struct BandwidthRecord {
  std::string test;  // "host copy", "host triad", "H2D", "D2H", "D2D copy"
  std::string host_memory;  // "pinned" | "pageable" for H2D/D2H; empty otherwise
  DeviceKind device_kind = DeviceKind::cpu;
  int device_index = -1;
  std::string device_name;
  std::string host;
  Status status = Status::ok;
  std::string reason;
  int threads = 0;                // host threads (host tests)
  std::uint64_t bytes = 0;        // bytes counted as moved by one repetition
  int iterations = 0;
  Stats seconds;                  // per repetition
  double gbs = 0;                 // bytes / median seconds / 1e9
  std::optional<double> peak_gbs;  // the link's or memory's peak, when known
  std::optional<double> pct_of_peak;
  std::string peak_note;          // where the peak comes from ("HBM: 2619 MHz x 5120 bits x 2")
  bool ok() const { return status == Status::ok; }
};

// Prices the user gave (--price-cpu/--price-gpu or a preset) to turn GFLOPS into GFLOP per dollar.
struct Pricing {
  double cpu_usd_per_hour = 0;
  double gpu_usd_per_hour = 0;
  std::string source;  // "--price-cpu/--price-gpu" or "preset NAME (FILE)"
};

// `gpubench peak`: one range of a dimension's grid, START..STOP (STOP included) by STEP.
struct GridRange {
  std::int64_t start = 0, stop = 0, step = 1;
  bool operator==(const GridRange&) const = default;
};

// One shape the peak search measured, with the search's short timing (a few repetitions): enough
// to rank shapes, not the number the search reports (the best few are re-measured as Records).
struct PeakPoint {
  Shape shape;
  std::string phase;  // "diagonal", "pattern" or "fill": which step of the search chose it
  Status status = Status::ok;
  std::string reason;  // why skipped / unsupported / failed
  double gflops = 0;   // the search's rate: 2*M*N*K / median seconds / 1e9
  std::optional<double> pct_of_peak;
  Stats seconds;
  int iterations = 0;
  bool verified = false;
  double max_rel_error = 0;
  double wall_seconds = 0;  // all the shape cost: inputs, timing, verification
};

// One search of `gpubench peak`: a backend and a dtype over an M x N x K grid, within its share of
// --budget. The re-measured rows (full timing) are ordinary Records in Results::records.
struct PeakSearch {
  std::string backend;
  DType dtype = DType::fp32;
  DeviceKind device_kind = DeviceKind::cpu;
  int device_index = -1;
  std::string device_name;
  GridRange m, n, k;
  Layout layout = Layout::nn;        // of every shape: which operands are stored transposed
  std::uint64_t grid_shapes = 0;     // every shape of the grid
  std::vector<PeakPoint> points;     // in the order they were measured
  int skipped_for_budget = 0;        // candidates passed over: predicted not to fit the time left
  double budget_seconds = 0;         // this search's share of --budget
  double elapsed_seconds = 0;        // search and re-measuring
  // Why the search ended: "budget" (time ran out first), "grid" (every shape was measured),
  // "interrupted" (Ctrl-C), "unsupported" (no shape could run: each said why) or "failed" (none
  // that ran verified).
  std::string ended;
  // Indices into Results::records of this search's rows: the re-measured shapes, best search rate
  // first (or, when the run ended before any was re-measured, the best search row, marked so).
  std::vector<int> rows;
};

// Everything a run produced: the input of every reporter.
struct Results {
  SystemInfo system;
  // Under MPI: every rank's SystemInfo, indexed by rank (system is rank 0's); empty for a run of
  // one process.
  std::vector<SystemInfo> ranks;
  std::vector<Record> records;
  std::vector<BandwidthRecord> bandwidth;  // filled by `gpubench bandwidth`; matmul leaves it empty
  std::vector<PeakSearch> peak;  // filled by `gpubench peak`: one search per backend and dtype
  std::optional<Pricing> pricing;
  bool interrupted = false;
  // False in every save made while the run goes on, true only in the final one: a file left by a
  // run that was killed (kill -9, a second Ctrl-C, a crash) says so, and compare and the gate do
  // not take it for a whole run. Files written before this field existed read as complete.
  bool complete = true;
};

// A rate of `r` in FLOP per clock cycle per SM (GPU rows: the GPU's SM count from `system`, the
// window's mean SM clock) or per core (CPU rows: the cores its threads used, the measured clock);
// empty when either is unknown.
std::optional<double> flop_per_cycle(const Record& r, const Rate& rate, const SystemInfo& system);

// The CPU libraries a run's CPU rows ran on, in provider order, else every one loaded (empty when
// none was): what headers and compare name.
std::vector<const LibraryInfo*> cpu_libraries_used(const Results& r);

}  // namespace gpubench
