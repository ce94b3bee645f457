// `gpubench info`: the machine, the BLAS build and the backends this build offers.
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "number_options.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/platform/cpuinfo.hpp"
#include "gpubench/platform/sysinfo.hpp"

namespace gpubench {

namespace {
struct InfoOptions {
  int threads = 0;
};

// The GPU runtime line (its driver, runtime and library versions): the versions the provider
// recorded, as its record names and encodes them.
std::string runtime_line(const GpuRuntimeInfo& rt) {
  const GpuRuntimeRecord& record = gpu_runtime_record();
  std::vector<std::string> versions;
  for (const RuntimeVersionFact& v : record.versions)
    versions.push_back(v.short_label + " " + runtime_version_text(rt.version(v.key), v.major_scale));
  return fmt::format("{:<12}{}\n", record.display + ":", fmt::join(versions, ", "));
}

int run_info(const InfoOptions& o, const std::string& command_line) {
  const SystemInfo s = collect_system_info(command_line, o.threads);
  auto& out = std::cout;
  out << fmt::format("gpubench {}\n", s.gpubench_version);
  out << fmt::format("host:       {} ({})\n", s.hostname, s.os);
  out << fmt::format("CPU:        {}\n", s.cpu.model);
  out << fmt::format("cores:      {} physical, {} logical\n", s.cpu.physical_cores, s.cpu.logical_cpus);
  if (const auto& m = s.cpu.measured_peak)
    out << fmt::format(
        "SIMD:       {}; measured one core: {:.0f} GFLOPS fp32, {} "
        "(the table model assumes {} FMA units: {} FLOP/cycle)\n",
        m->isa, m->core_gflops_fp32,
        m->clock_ghz > 0 ? fmt::format("{:.1f} FLOP/cycle at {:.2f} GHz", m->flop_per_cycle_fp32, m->clock_ghz)
                         : std::string("FLOP/cycle unknown (no clock)"),
        s.cpu.fma_units, simd_vector_bits(s.cpu.simd) / 32 * 2 * s.cpu.fma_units);
  else
    out << fmt::format("SIMD:       {} ({} FMA units per core assumed)\n", s.cpu.simd,
                       s.cpu.fma_units);
  out << fmt::format("clock:      {}\n",
                     s.cpu.clock_ghz > 0 ? fmt::format("{:.2f} GHz ({})", s.cpu.clock_ghz, s.cpu.clock_source)
                     : s.cpu.clock_source.empty() ? "unknown" : s.cpu.clock_source);
  if (s.cpu.peak_gflops_fp32)
    out << fmt::format("CPU peak:   {:.0f} GFLOPS fp32, {:.0f} fp64 ({})\n", *s.cpu.peak_gflops_fp32,
                       *s.cpu.peak_gflops_fp64, s.cpu.peak_note);
  else
    out << fmt::format("CPU peak:   {}\n", s.cpu.peak_note);
  // One block per CPU library, loaded or not, in provider order.
  for (const LibraryInfo& l : s.libraries) {
    if (l.role != kCpuBlasRole) continue;
    if (!l.available()) {
      out << fmt::format("BLAS:       {} not loaded: {}\n", l.name, l.unavailable);
      continue;
    }
    out << fmt::format("BLAS:       {} {} {}={} parallel={} threads={}\n", l.name, l.version,
                       l.detected_label(), l.detected, l.parallel, l.threads);
    out << fmt::format("            build: {}\n", l.config);
    out << fmt::format("            from: {}; placement: {}\n", l.path, l.placement);
  }
  if (s.gpus.empty()) {
    out << fmt::format("GPU:        {}\n", s.gpu_status());
  } else {
    out << runtime_line(s.gpu_runtime);
    for (const GpuInfo& g : s.gpus) {
      out << fmt::format("GPU {}:      {} (bus {}), compute capability {}.{}, {} SMs, {:.1f} GiB, "
                         "L2 {:.0f} MiB\n",
                         g.index, g.name, g.pci_bus_id, g.cc_major, g.cc_minor, g.sms,
                         double(g.memory_total_bytes) / (1ull << 30), double(g.l2_bytes) / (1 << 20));
      out << fmt::format("            SM clock {:.0f} MHz now, {:.0f} MHz max; memory {:.0f} MHz x {} bits",
                         g.sm_clock_mhz, g.max_sm_clock_mhz, g.memory_clock_mhz, g.memory_bus_width_bits);
      if (g.peak_bandwidth_gbs) out << fmt::format(" ({:.0f} GB/s peak)", *g.peak_bandwidth_gbs);
      out << "\n            peak at max clock:";
      if (g.peak_gflops.empty()) out << " unknown for this architecture";
      for (const auto& [d, v] : g.peak_gflops) out << fmt::format(" {} {:.1f} TFLOPS;", d, v / 1000);
      out << "\n";
    }
  }
  out << "backends:\n";
  for (const BackendEntry& e : backend_registry()) {
    std::string state = "available";
    try {
      e.create(BackendOptions{});
    } catch (const std::exception& ex) {
      state = std::string("unavailable: ") + ex.what();
    }
    out << fmt::format("  {:<18} {:<4} {}  [{}]\n", e.name, to_string(e.kind), e.description, state);
  }
  return 0;
}
}  // namespace

void add_info_command(CLI::App& app, Action& action, const std::string& command_line) {
  auto opts = std::make_shared<InfoOptions>();
  CLI::App* cmd =
      app.add_subcommand("info", "Print the CPU, the CPU BLAS libraries, GPUs and backends");
  add_threads_option(cmd, opts->threads,
                     "Threads to set in each CPU library and read back (default: all cores)");
  add_blas_lib_option(cmd);
  cmd->callback([&action, opts, command_line] {
    action = [opts, command_line] { return run_info(*opts, command_line); };
  });
}

}  // namespace gpubench
