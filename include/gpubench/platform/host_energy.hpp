// The CPU's package energy through Linux powercap (RAPL on Intel, and on AMD Zen since Linux
// 5.8), for the CPU rows' power, energy per multiplication and GFLOPS per watt.
#pragma once

#include <memory>
#include <string>

#include "gpubench/core/telemetry.hpp"

namespace gpubench {

// A probe summing every package domain's energy counter over a window, or one that reports why it
// cannot ("no powercap in /sys/class/powercap (a VM?)", "energy_uj is readable by root only").
// `root` is the powercap folder (tests point it at a fake tree).
std::unique_ptr<TelemetryProbe> make_host_energy_probe(
    const std::string& root = "/sys/class/powercap");

}  // namespace gpubench
