#include "graph_batches.hpp"

#include <exception>

#include <fmt/format.h>

namespace gpubench::cuda {

GraphBatches::~GraphBatches() {
  for (auto& [key, exec] : graphs_)
    if (exec) cudaGraphExecDestroy(exec);
}

cudaGraphExec_t GraphBatches::graph(cudaStream_t stream, int variant, int calls,
                                    const Enqueue& enqueue) {
  const auto key = std::make_pair(variant, calls);
  if (auto it = graphs_.find(key); it != graphs_.end()) return it->second;
  // An error from earlier work is that work's, raised here: the capture's own is cleared below.
  GPUBENCH_CUDA_CHECK(cudaPeekAtLastError());
  // Thread-local capture: another GPU's thread (--concurrent) keeps launching meanwhile.
  GPUBENCH_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  std::string failure;
  try {
    for (int i = 0; i < calls; ++i) enqueue();
  } catch (const std::exception& e) {  // a call the library refuses under capture
    failure = e.what();
  } catch (...) {
    failure = "an unknown error while capturing";
  }
  cudaGraph_t captured = nullptr;
  cudaError_t st = cudaStreamEndCapture(stream, &captured);
  cudaGraphExec_t exec = nullptr;
  if (failure.empty() && st == cudaSuccess) st = cudaGraphInstantiate(&exec, captured, 0);
  if (captured) cudaGraphDestroy(captured);
  // Uploaded now, on the stream: else the first launch uploads it inside a timed window.
  if (failure.empty() && st == cudaSuccess) st = cudaGraphUpload(exec, stream);
  if (failure.empty() && st != cudaSuccess) failure = cudaGetErrorString(st);
  if (!failure.empty()) {
    if (exec) cudaGraphExecDestroy(exec);
    (void)cudaGetLastError();  // the capture's error is reported here, not at the next call
    fallback_ = fmt::format("CUDA graph capture failed: {}", failure);
    return nullptr;
  }
  graphs_.emplace(key, exec);
  return exec;
}

GraphBatches::Batch GraphBatches::batch(cudaStream_t stream, int variant, int reps,
                                        const Enqueue& enqueue) {
  Batch b;
  if (fallback_.empty() && reps >= kMaxCallsPerGraph)
    b.whole = graph(stream, variant, kMaxCallsPerGraph, enqueue);
  if (fallback_.empty() && reps % kMaxCallsPerGraph > 0)
    b.rest = graph(stream, variant, reps % kMaxCallsPerGraph, enqueue);
  return b;
}

void GraphBatches::prepare(cudaStream_t stream, int variant, int reps, const Enqueue& enqueue) {
  batch(stream, variant, reps, enqueue);
}

std::vector<std::string> GraphBatches::warnings() const {
  if (fallback_.empty()) return {};
  return {fmt::format("{}: batches from then on were launched call by call, and a kernel "
                      "shorter than its launch's CPU time was timed at the CPU's pace",
                      fallback_)};
}

double GraphBatches::time(cudaStream_t stream, EventTimer& timer, int variant, int reps,
                          const Enqueue& enqueue) {
  const Batch b = batch(stream, variant, reps, enqueue);  // captured before the clock starts
  timer.start(stream);
  if (fallback_.empty()) {
    for (int i = 0; i < reps / kMaxCallsPerGraph; ++i)
      GPUBENCH_CUDA_CHECK(cudaGraphLaunch(b.whole, stream));
    if (b.rest) GPUBENCH_CUDA_CHECK(cudaGraphLaunch(b.rest, stream));
  } else {
    for (int i = 0; i < reps; ++i) enqueue();
  }
  timer.stop(stream);
  return timer.seconds();
}

}  // namespace gpubench::cuda
