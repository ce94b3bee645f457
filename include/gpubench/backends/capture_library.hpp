// The capture library (src/backends/capture/): its file name, the variables it shares with
// `gpubench capture`, and what it intercepts, said once.
#pragma once

namespace gpubench {

inline constexpr const char* kCaptureLibraryName = "libgpubench_capture.so";
// The directory each captured process writes its table to, <pid>.gemms.
inline constexpr const char* kCaptureDirVariable = "GPUBENCH_CAPTURE_DIR";
// Overrides where gpubench finds the library.
inline constexpr const char* kCaptureLibraryVariable = "GPUBENCH_CAPTURE_LIB";

inline constexpr const char* kCapturedInterfaces =
    "CBLAS and Fortran BLAS sgemm/dgemm (and MKL's batched forms), cuBLAS's ?gemm, GemmEx and "
    "their batched forms, cuBLASLt's cublasLtMatmul";
// Why a program's GEMMs can go unseen.
inline constexpr const char* kCaptureBlindSpots =
    "its BLAS is linked statically (PyTorch's CPU operators call the MKL built into libtorch, "
    "which no preloaded library can see) or it calls an interface gpubench does not capture";

}  // namespace gpubench
