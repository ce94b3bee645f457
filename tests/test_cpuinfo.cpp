// /proc/cpuinfo of other machines (tests/data/cpuinfo, written in the kernel's own format) parsed,
// their Arm cores named, and the emulation check.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gpubench/platform/cpuinfo.hpp"

using namespace gpubench;

namespace {
CpuinfoFacts fixture(const std::string& name) {
  std::ifstream f(std::string(GPUBENCH_TEST_DIR) + "/data/cpuinfo/" + name);
  EXPECT_TRUE(f) << name;
  return parse_cpuinfo(f);
}
}  // namespace

TEST(Cpuinfo, NeoverseN1IsNamedWithNeonAndFourCores) {
  const CpuinfoFacts f = fixture("neoverse_n1_graviton2.txt");
  EXPECT_EQ(f.architecture, "aarch64");
  EXPECT_EQ(f.model, "Neoverse N1");
  EXPECT_EQ(f.logical_cpus, 4);
  EXPECT_EQ(f.physical_cores, 0);  // aarch64 lists no core ids
  EXPECT_EQ(f.arm_cores, (std::vector<ArmCoreId>{{0x41, 0xd0c}}));
  EXPECT_EQ(widest_simd(f), "neon");
}

TEST(Cpuinfo, NeoverseV1HasSve) {
  const CpuinfoFacts f = fixture("neoverse_v1_graviton3.txt");
  EXPECT_EQ(f.model, "Neoverse V1");
  EXPECT_EQ(widest_simd(f), "sve");
}

TEST(Cpuinfo, NeoverseV2AndN2HaveSve2) {
  const CpuinfoFacts v2 = fixture("neoverse_v2_grace.txt");
  EXPECT_EQ(v2.model, "Neoverse V2");
  EXPECT_EQ(widest_simd(v2), "sve2");
  const CpuinfoFacts n2 = fixture("neoverse_n2.txt");
  EXPECT_EQ(n2.model, "Neoverse N2");
  EXPECT_EQ(widest_simd(n2), "sve2");
}

TEST(Cpuinfo, AmpereOwnCoreIsNamed) {
  EXPECT_EQ(fixture("ampere_one.txt").model, "Ampere-1");
}

TEST(Cpuinfo, AppleCoresInAVmAndOnBareMetal) {
  const CpuinfoFacts vm = fixture("apple_vm_docker.txt");
  EXPECT_EQ(vm.model, "Apple silicon (virtual machine)");
  EXPECT_EQ(widest_simd(vm), "neon");
  EXPECT_EQ(emulation_evidence(vm, "aarch64", std::nullopt), "");  // a VM runs real cores
  // Bare metal (Asahi Linux): both kinds of core, in the kernel's order.
  const CpuinfoFacts m1 = fixture("apple_m1_asahi.txt");
  EXPECT_EQ(m1.logical_cpus, 8);
  EXPECT_EQ(m1.model, "Apple M1 Icestorm + Apple M1 Firestorm");
}

TEST(Cpuinfo, UnknownCoresShowTheirNumbers) {
  EXPECT_EQ(arm_core_name({0x41, 0xd99}), "unknown Arm core 0x41 0xd99");
  EXPECT_EQ(arm_core_name({0x00, 0x000}), "unknown Arm core 0x00 0x000");
  EXPECT_EQ(arm_core_name({0x4e, 0x004}), "unknown Arm core 0x4e 0x004");
}

TEST(Cpuinfo, X86FileKeepsItsModelFlagsAndCores) {
  const CpuinfoFacts f = fixture("x86_64_xeon.txt");
  EXPECT_EQ(f.architecture, "x86-64");
  EXPECT_EQ(f.model, "Intel(R) Xeon(R) Platinum 8480C");
  EXPECT_EQ(f.logical_cpus, 2);
  EXPECT_EQ(f.physical_cores, 2);
  EXPECT_DOUBLE_EQ(f.mhz, 2000.0);
  EXPECT_TRUE(f.arm_cores.empty());
  EXPECT_EQ(widest_simd(f), "avx512");
}

TEST(Cpuinfo, VectorWidthsOfEachSimdSet) {
  EXPECT_EQ(simd_vector_bits("avx512"), 512);
  EXPECT_EQ(simd_vector_bits("avx2"), 256);
  EXPECT_EQ(simd_vector_bits("neon"), 128);
  EXPECT_EQ(simd_vector_bits("sve2 256-bit"), 256);
  EXPECT_EQ(simd_vector_bits("sve"), 0);  // length not known
  EXPECT_EQ(simd_vector_bits("unknown"), 0);
}

TEST(Emulation, HostFileSeenByAnotherArchitecturesBinary) {
  // qemu-user before 8.1 passes the host's /proc/cpuinfo to the aarch64 binary it translates.
  const std::string why = emulation_evidence(fixture("x86_64_xeon.txt"), "aarch64", std::nullopt);
  EXPECT_NE(why.find("x86-64 CPU to this aarch64 binary"), std::string::npos) << why;
  EXPECT_EQ(emulation_evidence(fixture("x86_64_xeon.txt"), "x86-64", std::nullopt), "");
}

TEST(Emulation, QemusSoftwareCoreInTheFileOrTheRegister) {
  const CpuinfoFacts qemu = fixture("qemu_user_8.txt");
  EXPECT_EQ(qemu.model, "QEMU emulated Arm core");
  EXPECT_NE(emulation_evidence(qemu, "aarch64", std::nullopt), "");
  const CpuinfoFacts grace = fixture("neoverse_v2_grace.txt");
  EXPECT_EQ(emulation_evidence(grace, "aarch64", ArmCoreId{0x41, 0xd4f}), "");
  EXPECT_NE(emulation_evidence(grace, "aarch64", kQemuEmulatedCore), "");
  // macOS 12's hypervisor showed implementer 0x00 with part 0x000: real cores, not QEMU's.
  std::istringstream old_mac("processor\t: 0\nFeatures\t: fp asimd\nCPU implementer\t: 0x00\n"
                             "CPU part\t: 0x000\n");
  EXPECT_EQ(emulation_evidence(parse_cpuinfo(old_mac), "aarch64", ArmCoreId{0x00, 0x000}), "");
}

TEST(Emulation, ThisProcessIsCheckedOnce) {
  // Whatever runs the tests: the same answer twice, and an answer that names its evidence.
  const std::string& first = running_emulated();
  EXPECT_EQ(&first, &running_emulated());
#if defined(__x86_64__)
  EXPECT_EQ(first, "");  // the x86-64 suite runs on x86-64 hardware
#endif
  if (!first.empty()) {
    EXPECT_TRUE(first.find("QEMU") != std::string::npos ||
                first.find("describes an") != std::string::npos) << first;
  }
}
