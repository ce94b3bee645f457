// One CUDA error-check macro (with the call, file and line), and RAII helpers shared by every CUDA
// backend: device buffers, pinned host buffers, streams and event timers.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <string>

#include "gpubench/backends/backend.hpp"

namespace gpubench::cuda {

// Throws OutOfMemoryError for allocation failures (the case is skipped), BackendError otherwise.
[[noreturn]] void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line);
[[noreturn]] void throw_cublas_error(cublasStatus_t st, const char* call, const char* file, int line);
const char* cublas_status_name(cublasStatus_t st);

}  // namespace gpubench::cuda

#define GPUBENCH_CUDA_CHECK(call)                                                         \
  do {                                                                                    \
    cudaError_t gpubench_err_ = (call);                                                   \
    if (gpubench_err_ != cudaSuccess)                                                     \
      ::gpubench::cuda::throw_cuda_error(gpubench_err_, #call, __FILE__, __LINE__);       \
  } while (0)

#define GPUBENCH_CUBLAS_CHECK(call)                                                       \
  do {                                                                                    \
    cublasStatus_t gpubench_st_ = (call);                                                 \
    if (gpubench_st_ != CUBLAS_STATUS_SUCCESS)                                            \
      ::gpubench::cuda::throw_cublas_error(gpubench_st_, #call, __FILE__, __LINE__);      \
  } while (0)

// After a kernel launch: the launch error, at once (execution errors surface at the next sync).
#define GPUBENCH_CUDA_CHECK_LAUNCH() GPUBENCH_CUDA_CHECK(cudaGetLastError())

namespace gpubench::cuda {

// Device memory, freed on scope exit.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
    GPUBENCH_CUDA_CHECK(cudaMalloc(&ptr_, bytes));
  }
  ~DeviceBuffer() { if (ptr_) cudaFree(ptr_); }
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(o.ptr_), bytes_(o.bytes_) { o.ptr_ = nullptr; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void* get() const { return ptr_; }
  template <class T> T* as() const { return static_cast<T*>(ptr_); }
  std::size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

// Host memory, page-locked (cudaMallocHost) or ordinary (pageable), freed on scope exit.
class HostBuffer {
 public:
  HostBuffer() = default;
  HostBuffer(std::size_t bytes, bool pinned);
  ~HostBuffer();
  HostBuffer(HostBuffer&& o) noexcept : ptr_(o.ptr_), bytes_(o.bytes_), pinned_(o.pinned_) { o.ptr_ = nullptr; }
  HostBuffer& operator=(HostBuffer&& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(bytes_, o.bytes_);
    std::swap(pinned_, o.pinned_);
    return *this;
  }
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  void* get() const { return ptr_; }
  template <class T> T* as() const { return static_cast<T*>(ptr_); }
  bool pinned() const { return pinned_; }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
  bool pinned_ = false;
};

class Stream {
 public:
  Stream() { GPUBENCH_CUDA_CHECK(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
  ~Stream() { if (s_) cudaStreamDestroy(s_); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

// Times work enqueued on a stream between start() and stop() with CUDA events.
class EventTimer {
 public:
  EventTimer() {
    GPUBENCH_CUDA_CHECK(cudaEventCreate(&start_));
    GPUBENCH_CUDA_CHECK(cudaEventCreate(&stop_));
  }
  ~EventTimer() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  EventTimer(const EventTimer&) = delete;
  EventTimer& operator=(const EventTimer&) = delete;
  void start(cudaStream_t s) { GPUBENCH_CUDA_CHECK(cudaEventRecord(start_, s)); }
  void stop(cudaStream_t s) { GPUBENCH_CUDA_CHECK(cudaEventRecord(stop_, s)); }
  // Waits for the stop event; returns seconds.
  double seconds() {
    GPUBENCH_CUDA_CHECK(cudaEventSynchronize(stop_));
    float ms = 0;
    GPUBENCH_CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    return double(ms) / 1e3;
  }

 private:
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

}  // namespace gpubench::cuda
