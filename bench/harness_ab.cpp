// gpubench's number for each CPU library against a direct call loop of the same library, paired
// in one process. ROUNDS times per library and n: gpubench's measurement (run_matmul: the backend,
// its case, the runner's warm-up, batches and median, as `gpubench matmul` gets it) and a direct
// loop (the same loaded library's cblas_sgemm/dgemm on buffers of its own, sampled the same way),
// each for MIN_TIME seconds, which one goes first alternating. On a shared VM the machine's speed
// wanders by 20-30% over seconds (bench/harness_overhead.sh, one process per side, cannot see a
// 3% difference through that); the two sides of a pair, a fraction of a second apart, see the
// same machine, so the median of the per-round ratios is the harness's own cost.
//
// Usage: harness_ab THREADS ROUNDS MIN_TIME fp32|fp64 N [N...]
// Environment: LIBS ("openblas blis mkl": those of them that load), BLAS_LIB ("mkl=PATH ...",
// as --blas-lib). Prints a markdown table.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "direct_loop.hpp"
#include "gpubench/backends/cpu_blas.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/core/errors.hpp"
#include "gpubench/measure/runner.hpp"

namespace {

using namespace gpubench;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

template <class T>
bench::CblasGemm<T> gemm_of(const CpuBlasLibrary& lib) {
  if constexpr (sizeof(T) == 4)
    return lib.sgemm;
  else
    return lib.dgemm;
}

double gpubench_gflops(const BackendEntry& entry, int threads, int n, DType dtype, double min_time,
                       bool verify) {
  BackendOptions bopts;
  bopts.threads = threads;
  RunOptions o;
  o.shapes = {Shape{n, n, n}};
  o.dtypes = {dtype};
  o.min_time = min_time;
  o.verify = verify;
  std::vector<Record> r;
  CaseHandlers keep;
  keep.finished = [&r](const Progress&, Record&& rec) { r.push_back(std::move(rec)); };
  run_cases({entry}, bopts, o, keep);
  if (r.size() != 1 || r[0].status != Status::ok)
    throw BackendError(fmt::format("{} {}: {}", entry.name, n, r.empty() ? "no row" : r[0].reason));
  return r[0].main.gflops;
}

template <class T>
void compare(const BackendEntry& entry, const CpuBlasLibrary& lib, int threads, int rounds,
             double min_time, DType dtype, int n) {
  bench::DirectLoop<T> direct(gemm_of<T>(lib), n);
  // Verified once, untimed, so that no round carries the check.
  gpubench_gflops(entry, threads, n, dtype, 0.01, true);
  std::vector<double> d, g, ratio;
  for (int r = 0; r < rounds; ++r) {
    double dr = 0, gr = 0;
    // gpubench's case sets the library's threads again; the direct loop runs at the same count.
    if (r % 2 == 0) {
      gr = gpubench_gflops(entry, threads, n, dtype, min_time, false);
      dr = direct.measure(min_time).gflops;
    } else {
      dr = direct.measure(min_time).gflops;
      gr = gpubench_gflops(entry, threads, n, dtype, min_time, false);
    }
    d.push_back(dr);
    g.push_back(gr);
    ratio.push_back(gr / dr);
  }
  const auto [rlo, rhi] = std::minmax_element(ratio.begin(), ratio.end());
  const auto [dlo, dhi] = std::minmax_element(d.begin(), d.end());
  fmt::print("| {} | {} | {:.1f} | {:.1f} | **{:.3f}** | {:.3f}-{:.3f} | {:.1f}-{:.1f} |\n",
             entry.name, n, median(d), median(g), median(ratio), *rlo, *rhi, *dlo, *dhi);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: harness_ab THREADS ROUNDS MIN_TIME fp32|fp64 N [N...]\n");
    return 2;
  }
  try {
    const int threads = std::atoi(argv[1]), rounds = std::atoi(argv[2]);
    const double min_time = std::atof(argv[3]);
    const std::string dtype_name = argv[4];
    const DType dtype = dtype_name == "fp64" ? DType::fp64 : DType::fp32;
    std::vector<int> sizes;
    for (int i = 5; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
    if (threads < 1 || rounds < 1 || !(min_time > 0) ||
        std::any_of(sizes.begin(), sizes.end(), [](int n) { return n < 1; })) {
      std::fprintf(stderr, "harness_ab: THREADS, ROUNDS, MIN_TIME and every N must be positive\n");
      return 2;
    }
    if (const char* items = std::getenv("BLAS_LIB")) {
      std::istringstream in(items);
      for (std::string item; in >> item;) set_cpu_blas_path_option(item);
    }
    const char* libs_env = std::getenv("LIBS");
    const std::string libs = libs_env ? libs_env : "openblas blis mkl";
    const std::vector<BackendEntry> registry = backend_registry();

    fmt::print(
        "| library | n | direct GFLOPS (median of rounds) | gpubench GFLOPS | gpubench / "
        "direct (median of rounds) | range of the ratio | range of direct |\n");
    fmt::print("|---|---:|---:|---:|---:|---|---|\n");
    std::vector<std::string> facts;
    std::istringstream names(libs);
    for (std::string name; names >> name;) {
      std::shared_ptr<const CpuBlasLibrary> lib;
      try {
        lib = load_cpu_blas(name);
      } catch (const BackendError& e) {
        fmt::print("| {} | - | not loaded: {} | | | | |\n", name, e.what());
        continue;
      }
      const auto entry = select_backends(registry, name);
      lib->set_threads(threads);
      facts.push_back(fmt::format("{} {} {} {}, threads read back {}, placement: {}; from {}",
                                  lib->info.name, lib->info.version, lib->info.detected,
                                  lib->info.parallel, lib->get_threads(), lib->info.placement,
                                  lib->info.path));
      for (int n : sizes) {
        if (dtype == DType::fp64)
          compare<double>(entry.at(0), *lib, threads, rounds, min_time, dtype, n);
        else
          compare<float>(entry.at(0), *lib, threads, rounds, min_time, dtype, n);
      }
    }
    fmt::print("\n{} rounds of at least {} s a side, {}, {} threads; one process:\n", rounds,
               min_time, dtype_name, threads);
    for (const std::string& f : facts) fmt::print("- {}\n", f);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "harness_ab: %s\n", e.what());
    return 2;
  }
  return 0;
}
