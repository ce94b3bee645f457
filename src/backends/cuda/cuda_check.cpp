#include "cuda_check.hpp"

#include <cstdlib>
#include <new>

#include <fmt/format.h>

namespace gpubench::cuda {

void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  std::string msg = fmt::format("{} failed: {} ({}) at {}:{}", call, cudaGetErrorName(err),
                                cudaGetErrorString(err), file, line);
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // clear the sticky-free allocation error so later cases can run
    throw OutOfMemoryError(msg);
  }
  throw BackendError(msg);
}

const char* cublas_status_name(cublasStatus_t st) {
  switch (st) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
  }
  return "CUBLAS_STATUS_UNKNOWN";
}

void throw_cublas_error(cublasStatus_t st, const char* call, const char* file, int line) {
  std::string msg = fmt::format("{} failed: {} at {}:{}", call, cublas_status_name(st), file, line);
  if (st == CUBLAS_STATUS_ALLOC_FAILED) throw OutOfMemoryError(msg);
  throw BackendError(msg);
}

HostBuffer::HostBuffer(std::size_t bytes, bool pinned) : bytes_(bytes), pinned_(pinned) {
  if (pinned) {
    GPUBENCH_CUDA_CHECK(cudaMallocHost(&ptr_, bytes));
  } else {
    ptr_ = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!ptr_) throw OutOfMemoryError(fmt::format("host allocation of {} bytes failed", bytes));
  }
}

HostBuffer::~HostBuffer() {
  if (!ptr_) return;
  if (pinned_)
    cudaFreeHost(ptr_);
  else
    std::free(ptr_);
}

}  // namespace gpubench::cuda
