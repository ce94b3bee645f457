// Small helpers shared by the kernel files.
#pragma once

namespace gpubench::kernels {

__host__ __device__ constexpr int ceil_div(int a, int b) { return (a + b - 1) / b; }

}  // namespace gpubench::kernels
