// Several GPUs in one run: which ones (--device), one backend per GPU, every GPU at once
// (--concurrent). Which card is slower than its siblings is analysis/'s (find_slow_devices).
#pragma once

#include <string>
#include <vector>

#include "gpubench/core/record.hpp"
#include "gpubench/backends/registry.hpp"
#include "gpubench/measure/runner.hpp"

namespace gpubench {

// Parses --device: "all" (every one of `gpu_count` GPUs), "N" or "N,M,..." (each once, in the
// order given). Throws UsageError naming the bad token; when GPUs are present (gpu_count > 0), an
// ordinal past the last one is an error too. Without GPUs, "all" is {0}, so that the GPU rows
// appear and say why they are empty.
std::vector<int> parse_device_spec(const std::string& spec, int gpu_count);

// The GPUs one process measures. A --device the user gave is taken as it is; otherwise the
// process's rank among those on its host picks one GPU (local rank modulo the GPU count), so that
// `mpirun -np 2` on a 2-GPU machine measures each GPU once. A plain run is local rank 0: GPU 0.
std::vector<int> devices_for_process(const std::string& spec, bool spec_given, int gpu_count,
                                     int local_rank);

// Every GPU entry once per device (bound to it: its `device` set, its create() given that
// ordinal); CPU entries once. Order is kept: a GPU entry's copies follow each other.
std::vector<BackendEntry> bind_to_devices(const std::vector<BackendEntry>& entries,
                                          const std::vector<int>& devices);

// --concurrent: the CPU entries first, alone (their threads would otherwise compete with the
// threads feeding the GPUs); then every device at once, one host thread per device running that
// device's GPU entries (each backend has its own stream). Every case starts on every device at the
// same moment, so the cards are loaded together: what they reach side by side, sharing power,
// cooling and the host. Records reach `handlers` as they finish (one at a time, under a lock), so
// GPU rows come in the order the devices finished; concurrent_order() puts them back in order.
void run_cases_concurrently(const std::vector<BackendEntry>& entries,
                            const std::vector<int>& devices, const BackendOptions& bopts,
                            const RunOptions& opts, const CaseHandlers& handlers);

// Every selected device in turn (each GPU entry bound to each device: rows arrive in order), or
// with `concurrent` all of them at once (run_cases_concurrently).
void run_cases_on_devices(const std::vector<BackendEntry>& entries, const std::vector<int>& devices,
                          bool concurrent, const BackendOptions& bopts, const RunOptions& opts,
                          const CaseHandlers& handlers);

// The order of a --concurrent run's report: per case (dtype, then shape), the CPU rows, then each
// device's GPU rows in the order of `devices`, each device's in the order of `entries`.
void concurrent_order(std::vector<Record>::iterator first, std::vector<Record>::iterator last,
                      const std::vector<BackendEntry>& entries, const std::vector<int>& devices,
                      const RunOptions& opts);

}  // namespace gpubench
