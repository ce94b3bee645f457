// What /proc/cpuinfo says about the CPU, parsed from any stream so that fixture files of other
// machines test it (tests/data/cpuinfo). On aarch64 the kernel prints no model name, only the
// fields of the MIDR register ("CPU implementer", "CPU part"): the core is named from them.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpubench {

// One kind of Arm core: MIDR_EL1's implementer and part number.
struct ArmCoreId {
  unsigned implementer = 0;
  unsigned part = 0;
  bool operator==(const ArmCoreId&) const = default;
};

struct CpuinfoFacts {
  std::string architecture;  // "x86-64" or "aarch64": whose fields the file has; "" neither
  std::string model;         // x86: "model name"; aarch64: the cores named (arm_cores_name)
  int logical_cpus = 0;      // "processor" entries
  int physical_cores = 0;    // distinct (physical id, core id); 0 where not listed (aarch64)
  double mhz = 0;            // x86 "cpu MHz" of the first CPU; 0 where absent
  std::vector<std::string> features;  // x86 "flags" / aarch64 "Features" of the first CPU
  std::vector<ArmCoreId> arm_cores;   // aarch64: each kind of core, in order of appearance
  bool has(std::string_view feature) const;
};

CpuinfoFacts parse_cpuinfo(std::istream& in);

// "Neoverse N1", "Apple M1 Firestorm", "Ampere-1"; "unknown Arm core 0x41 0xd99" otherwise.
std::string arm_core_name(ArmCoreId id);
// Every kind of core, big first as the kernel lists them: "Apple M1 Icestorm + Apple M1 Firestorm".
std::string arm_cores_name(const std::vector<ArmCoreId>& cores);

// The widest SIMD set the features list: "avx512", "avx2", "avx", "sse4.2", "sve2", "sve",
// "neon"; "unknown" when none.
std::string widest_simd(const CpuinfoFacts& cpu);

// The vector width in bits of a SIMD set as widest_simd names it ("sve2 256-bit" with SVE's
// length appended): 512 avx512, 256 avx2 and avx, 128 sse4.2 and neon; 0 unknown.
int simd_vector_bits(std::string_view simd);

// QEMU's software CPU ("max", user mode or TCG): implementer 0x00 ("reserved for software use")
// and part 'Q' (0x051). Apple's hypervisor also shows implementer 0x00 (macOS 12) or 0x61 with
// part 0x000: a real core in a VM, not an emulator.
inline constexpr ArmCoreId kQemuEmulatedCore{0x00, 0x051};

// Why this process looks emulated (a user-mode emulator such as qemu-user translating an aarch64
// binary on an x86-64 host), or "" when nothing says so. `binary_architecture` is the one this
// binary was built for; `register_core` the MIDR_EL1 register read directly, where readable.
// Two signs, either enough: /proc/cpuinfo describes another architecture than the binary's
// (qemu-user before 8.1 passes the host's file through), or a core is QEMU's software CPU (in
// the file, as QEMU 8.1+ writes it, or in the register).
std::string emulation_evidence(const CpuinfoFacts& cpuinfo, std::string_view binary_architecture,
                               std::optional<ArmCoreId> register_core);

// The CPU this process runs on: /proc/cpuinfo, except under an emulator that shows the host's
// file (then the emulated core from MIDR_EL1 "on" the host's model, and the features of the
// auxiliary vector).
CpuinfoFacts this_cpu();

// SVE's vector length on this CPU in bits (the hardware's choice, 128 to 2048: prctl
// PR_SVE_GET_VL); 0 without SVE.
int sve_vector_bits();

// This binary's architecture, as CpuinfoFacts::architecture names it.
std::string_view binary_architecture();

// The running process, checked once: emulation_evidence of /proc/cpuinfo and, on aarch64, the
// MIDR_EL1 register (readable at EL0 where the kernel sets HWCAP_CPUID). "" on real hardware.
const std::string& running_emulated();

// What the peak and clock say where they were not measured because the CPU is emulated.
inline constexpr const char* kNotMeasuredEmulated = "not measured (emulated CPU)";

}  // namespace gpubench
