// Timed batches of a case's GPU work, replayed as CUDA graphs so that the GPU runs the calls back
// to back. Launched one at a time, a kernel shorter than its launch's host time waits for the host
// between runs, and the rate measured is the host's: cublasLtMatmul spends ~6 us of CPU a call, and
// 1024^3 bf16 on an H100 timed 331 TFLOPS launched one by one against 381 for the same kernel in
// PyTorch's CUDA graph. (nvbench blocks the stream behind a spinning kernel for the same reason.)
#pragma once

#include <cuda_runtime.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cuda_check.hpp"

namespace gpubench::cuda {

class GraphBatches {
 public:
  using Enqueue = std::function<void()>;
  // The most calls one graph holds; a longer batch replays it several times, then the rest.
  static constexpr int kMaxCallsPerGraph = 256;

  GraphBatches() = default;
  ~GraphBatches();
  GraphBatches(const GraphBatches&) = delete;
  GraphBatches& operator=(const GraphBatches&) = delete;

  // Seconds, between `timer`'s events on `stream`, of `reps` calls of `enqueue` (which queues one
  // call's work on `stream`). `variant` says which work `enqueue` queues (a case's chosen or
  // default algorithm): graphs are kept per variant and call count, captured (and uploaded) on
  // first use, before the clock starts. Where capture fails, every later batch is launched call
  // by call and fallback_reason() says why.
  double time(cudaStream_t stream, EventTimer& timer, int variant, int reps,
              const Enqueue& enqueue);
  // Captures the graphs that time() will need for this batch now, so that batches compared with
  // one another are all graphs or all call by call (a capture failing halfway through a
  // comparison would time some sides one way and some the other).
  void prepare(cudaStream_t stream, int variant, int reps, const Enqueue& enqueue);
  // "" while batches run as graphs.
  const std::string& fallback_reason() const { return fallback_; }
  // The row's warning where batches fell back to call-by-call launches, else none.
  std::vector<std::string> warnings() const;

 private:
  // The graph of `calls` calls of `variant`, null where capture failed.
  cudaGraphExec_t graph(cudaStream_t stream, int variant, int calls, const Enqueue& enqueue);
  // A batch of `reps` calls: the graph of kMaxCallsPerGraph calls it replays reps /
  // kMaxCallsPerGraph times and the graph of the rest (each null where not needed or where
  // capture failed).
  struct Batch {
    cudaGraphExec_t whole = nullptr, rest = nullptr;
  };
  Batch batch(cudaStream_t stream, int variant, int reps, const Enqueue& enqueue);

  std::map<std::pair<int, int>, cudaGraphExec_t> graphs_;
  std::string fallback_;
};

}  // namespace gpubench::cuda
