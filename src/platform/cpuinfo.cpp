// /proc/cpuinfo parsed (see cpuinfo.hpp), the Arm cores named, and the emulation check.
#include "gpubench/platform/cpuinfo.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "gpubench/core/text.hpp"

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#endif

namespace gpubench {

namespace {

struct NamedCore {
  ArmCoreId id;
  const char* name;
};

// Implementer 0x41 is Arm Ltd (Graviton 2/3/4, Grace, Altra, Axion and Cobalt are Neoverse
// cores and report Arm's numbers), 0x61 Apple, 0xc0 Ampere's own cores; the part numbers are
// the Linux kernel's (arch/arm64/include/asm/cputype.h).
constexpr std::array kNamedCores{
    NamedCore{{0x41, 0xd03}, "Cortex-A53"},   NamedCore{{0x41, 0xd05}, "Cortex-A55"},
    NamedCore{{0x41, 0xd07}, "Cortex-A57"},   NamedCore{{0x41, 0xd08}, "Cortex-A72"},
    NamedCore{{0x41, 0xd0b}, "Cortex-A76"},   NamedCore{{0x41, 0xd0c}, "Neoverse N1"},
    NamedCore{{0x41, 0xd40}, "Neoverse V1"},  NamedCore{{0x41, 0xd41}, "Cortex-A78"},
    NamedCore{{0x41, 0xd44}, "Cortex-X1"},    NamedCore{{0x41, 0xd46}, "Cortex-A510"},
    NamedCore{{0x41, 0xd47}, "Cortex-A710"},  NamedCore{{0x41, 0xd48}, "Cortex-X2"},
    NamedCore{{0x41, 0xd49}, "Neoverse N2"},  NamedCore{{0x41, 0xd4a}, "Neoverse E1"},
    NamedCore{{0x41, 0xd4f}, "Neoverse V2"},  NamedCore{{0x41, 0xd84}, "Neoverse V3"},
    NamedCore{{0x41, 0xd8e}, "Neoverse N3"},  NamedCore{{0xc0, 0xac3}, "Ampere-1"},
    NamedCore{{0xc0, 0xac4}, "Ampere-1a"},    NamedCore{{0x61, 0x022}, "Apple M1 Icestorm"},
    NamedCore{{0x61, 0x023}, "Apple M1 Firestorm"},
    NamedCore{{0x61, 0x024}, "Apple M1 Pro Icestorm"},
    NamedCore{{0x61, 0x025}, "Apple M1 Pro Firestorm"},
    NamedCore{{0x61, 0x028}, "Apple M1 Max Icestorm"},
    NamedCore{{0x61, 0x029}, "Apple M1 Max Firestorm"},
    NamedCore{{0x61, 0x032}, "Apple M2 Blizzard"},
    NamedCore{{0x61, 0x033}, "Apple M2 Avalanche"},
    NamedCore{{0x61, 0x034}, "Apple M2 Pro Blizzard"},
    NamedCore{{0x61, 0x035}, "Apple M2 Pro Avalanche"},
    NamedCore{{0x61, 0x038}, "Apple M2 Max Blizzard"},
    NamedCore{{0x61, 0x039}, "Apple M2 Max Avalanche"},
    // macOS's hypervisor (Docker Desktop, UTM, Lima on a Mac) hides the part number.
    NamedCore{{0x61, 0x000}, "Apple silicon (virtual machine)"},
    NamedCore{kQemuEmulatedCore, "QEMU emulated Arm core"},
};

unsigned hex_field(const std::string& value) {
  return unsigned(std::strtoul(value.c_str(), nullptr, 0));  // "0x41", "0xd0c"
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// One "key : value" line into the facts; `implementer` carries over to the "CPU part" line
// that follows it.
void read_field(CpuinfoFacts& f, const std::string& key, const std::string& value,
                std::string& physical_id, std::vector<std::string>& cores, unsigned& implementer) {
  if (key == "processor") ++f.logical_cpus;
  else if (key == "model name" && f.model.empty()) f.model = value;
  else if ((key == "flags" || key == "Features") && f.features.empty()) f.features = words(value);
  else if (key == "physical id") physical_id = value;
  else if (key == "core id") cores.push_back(physical_id + "/" + value);
  else if (key == "cpu MHz" && f.mhz == 0) f.mhz = std::atof(value.c_str());
  else if (key == "CPU implementer") implementer = hex_field(value);
  else if (key == "CPU part") {
    const ArmCoreId id{implementer, hex_field(value)};
    if (std::find(f.arm_cores.begin(), f.arm_cores.end(), id) == f.arm_cores.end())
      f.arm_cores.push_back(id);
  }
  if (key == "vendor_id" || key == "flags") f.architecture = "x86-64";
  else if (key == "CPU implementer") f.architecture = "aarch64";
}

#if defined(__aarch64__)
// MIDR_EL1 read directly: Linux traps and emulates the read at EL0 where it sets HWCAP_CPUID.
std::optional<ArmCoreId> register_core() {
  if ((getauxval(AT_HWCAP) & HWCAP_CPUID) == 0) return std::nullopt;
  std::uint64_t midr = 0;
  asm volatile("mrs %0, MIDR_EL1" : "=r"(midr));
  return ArmCoreId{unsigned((midr >> 24) & 0xff), unsigned((midr >> 4) & 0xfff)};
}
#else
std::optional<ArmCoreId> register_core() { return std::nullopt; }
#endif

}  // namespace

bool CpuinfoFacts::has(std::string_view feature) const {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

CpuinfoFacts parse_cpuinfo(std::istream& in) {
  CpuinfoFacts f;
  std::string line, physical_id = "0";
  std::vector<std::string> cores;
  unsigned implementer = 0;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    read_field(f, std::string(trim(std::string_view(line).substr(0, colon))),
               std::string(trim(std::string_view(line).substr(colon + 1))), physical_id, cores,
               implementer);
  }
  std::sort(cores.begin(), cores.end());
  f.physical_cores = int(std::unique(cores.begin(), cores.end()) - cores.begin());
  if (f.model.empty() && !f.arm_cores.empty()) f.model = arm_cores_name(f.arm_cores);
  return f;
}

std::string arm_core_name(ArmCoreId id) {
  for (const NamedCore& c : kNamedCores)
    if (c.id == id) return c.name;
  return fmt::format("unknown Arm core {:#04x} {:#05x}", id.implementer, id.part);
}

std::string arm_cores_name(const std::vector<ArmCoreId>& cores) {
  std::string out;
  for (const ArmCoreId& id : cores) out += (out.empty() ? "" : " + ") + arm_core_name(id);
  return out;
}

std::string widest_simd(const CpuinfoFacts& cpu) {
  if (cpu.has("avx512f")) return "avx512";
  if (cpu.has("avx2") && cpu.has("fma")) return "avx2";
  if (cpu.has("avx")) return "avx";
  if (cpu.has("sse4_2")) return "sse4.2";
  if (cpu.has("sve2")) return "sve2";
  if (cpu.has("sve")) return "sve";
  if (cpu.has("asimd")) return "neon";
  return "unknown";
}

int simd_vector_bits(std::string_view simd) {
  if (simd == "avx512") return 512;
  if (simd == "avx2" || simd == "avx") return 256;
  if (simd == "sse4.2" || simd == "neon") return 128;
  if (simd.rfind("sve", 0) == 0) {
    const auto space = simd.find(' ');
    return space == std::string_view::npos ? 0 : std::atoi(std::string(simd.substr(space + 1)).c_str());
  }
  return 0;
}

std::string emulation_evidence(const CpuinfoFacts& cpuinfo, std::string_view binary_architecture,
                               std::optional<ArmCoreId> register_core) {
  if (!cpuinfo.architecture.empty() && !binary_architecture.empty() &&
      cpuinfo.architecture != binary_architecture)
    return fmt::format("/proc/cpuinfo describes an {} CPU to this {} binary",
                       cpuinfo.architecture, binary_architecture);
  if (register_core == kQemuEmulatedCore)
    return "the MIDR_EL1 register names QEMU's software CPU (implementer 0x00, part 0x051)";
  if (std::find(cpuinfo.arm_cores.begin(), cpuinfo.arm_cores.end(), kQemuEmulatedCore) !=
      cpuinfo.arm_cores.end())
    return "/proc/cpuinfo names QEMU's software CPU (implementer 0x00, part 0x051)";
  return "";
}

std::string_view binary_architecture() {
#if defined(__x86_64__)
  return "x86-64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "";
#endif
}

CpuinfoFacts this_cpu() {
  std::ifstream file("/proc/cpuinfo");
  CpuinfoFacts f = parse_cpuinfo(file);
#if defined(__aarch64__)
  // An emulator that passes the host's file through: what this binary runs on is what the
  // emulator offers, which the auxiliary vector and the MIDR register tell.
  if (f.architecture != binary_architecture()) {
    const std::string host_model = f.model;
    f = CpuinfoFacts{};
    f.architecture = std::string(binary_architecture());
    if (const auto core = register_core()) f.arm_cores = {*core};
    f.model = arm_cores_name(f.arm_cores) + (host_model.empty() ? "" : " on " + host_model);
    if (getauxval(AT_HWCAP) & HWCAP_ASIMD) f.features.push_back("asimd");
    if (getauxval(AT_HWCAP) & HWCAP_SVE) f.features.push_back("sve");
    if (getauxval(AT_HWCAP2) & HWCAP2_SVE2) f.features.push_back("sve2");
  }
#endif
  return f;
}

int sve_vector_bits() {
#if defined(__aarch64__)
  if ((getauxval(AT_HWCAP) & HWCAP_SVE) == 0) return 0;
  const int vl = prctl(PR_SVE_GET_VL);
  return vl < 0 ? 0 : (vl & PR_SVE_VL_LEN_MASK) * 8;
#else
  return 0;
#endif
}

const std::string& running_emulated() {
  static const std::string evidence = [] {
    std::ifstream file("/proc/cpuinfo");
    return emulation_evidence(parse_cpuinfo(file), binary_architecture(), register_core());
  }();
  return evidence;
}

}  // namespace gpubench
