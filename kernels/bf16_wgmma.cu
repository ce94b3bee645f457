// Hopper BF16 step: tensor cores through wgmma, fed by the TMA copy engine.
//
// Ideas, in the order they matter (after pranjalssh/fast.cu, examples/matmul kernels 5-7, and the
// CUTLASS sm90 warp-specialised GEMM; written here for row-major A, B and C):
//  - wgmma.mma_async m64n256k16: one warpgroup (128 threads) multiplies a 64x16 slice of A by a
//    16x256 slice of B from shared memory into 128 fp32 accumulators per thread.
//  - TMA (cp.async.bulk.tensor): one thread copies a whole 2D box from global to shared memory,
//    zero-filling outside the matrix, and writes it in the 128-byte swizzled layout wgmma reads
//    without bank conflicts. A is K-major (rows of K); B is row-major K x N, i.e. N-major, so it
//    is loaded as BN/64 boxes of 64 columns x BK rows and read with wgmma's transpose-B bit.
//  - Warp specialisation: warpgroup 0 is a producer (one thread issues TMA copies) and gives its
//    registers away (setmaxnreg); warpgroups 1-2 are consumers, each owning 64 rows of the
//    128 x BN block tile (BN = 256, or 128 when 256-wide tiles would leave SMs idle). They
//    talk through mbarriers: full[s] (bytes landed) and empty[s] (stage read), a STAGES-deep
//    ring, so copies run ahead of the math.
//  - Each consumer keeps one wgmma group in flight (wait_group 1) and releases a stage only when
//    the group that read it has finished.
//  - Persistent grid: one block per SM loops over output tiles in grouped order (GROUP_M rows of
//    tiles at a time) so concurrently running tiles share A and B in L2; the producer already
//    loads the next tile while the consumers write the last one.
//  - Epilogue through the TMA unit: each consumer converts its 64 x BN half of C to bf16 in
//    64x64 chunks, written into one of two swizzled shared-memory buffers, and one thread
//    issues a TMA store (cp.async.bulk.tensor global <- shared) per chunk. The global writes
//    then run in the background while the consumers start the next tile's wgmmas; writing
//    straight from registers (bf16x2 stores, 8 rows per warp instruction) kept them off the
//    tensor cores for the whole write. The TMA also clips partial tiles at the matrix edge.
#include <cuda.h>  // CUtensorMap and its enums (types only: the driver is reached at run time)
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "common.cuh"
#include "kernels.hpp"
#include "wgmma_bf16.cuh"

// wgmma and setmaxnreg exist only in the sm_90a feature set; other device passes get an empty
// kernel (this file is built for sm_90a only, and the host refuses other devices).
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define GPUBENCH_WGMMA_DEVICE_CODE 1
#endif

namespace gpubench::kernels {
namespace {

constexpr int BM = 128, BK = 64, GROUP_M = 8;
constexpr int kConsumers = 2, kThreads = 128 * (1 + kConsumers);
constexpr int kBoxCols = 64;  // 128-byte swizzle: a box row is at most 64 bf16

// The epilogue stages C in 64x64 bf16 chunks (one 128-byte-swizzled TMA box, 8 KB), two
// buffers per consumer so that one chunk is written while the TMA still reads the other.
// Chunks rather than a whole 128x256 tile (64 KB): that would cost a pipeline stage.
constexpr int kCBoxRows = 64, kCBuffers = 2;
constexpr int kCChunkElems = kCBoxRows * kBoxCols;
constexpr std::size_t kCStagingBytes = std::size_t(kConsumers) * kCBuffers * kCChunkElems * 2;

// The block tile is BM x BN: 128x256 (m64n256 wgmmas) for large problems; 128x128 (m64n128,
// twice the tiles) when the large tile would leave most SMs idle. Stages fill ~192 KB of smem,
// the C staging 32 KB more: 225 KB of the 227 KB a block may opt into.
template <int BN>
struct TileConfig {
  static constexpr int kStages = BN == 256 ? 4 : 6;
  static constexpr int kStageElemsA = BM * BK, kStageElemsB = BK * BN;
  static constexpr std::uint32_t kStageBytes = (kStageElemsA + kStageElemsB) * 2;
  static constexpr std::size_t kSmemBytes =
      std::size_t(kStages) * kStageBytes + kCStagingBytes + 1024;  // + align
};

#ifdef GPUBENCH_WGMMA_DEVICE_CODE
__device__ __forceinline__ std::uint32_t smem_addr(const void* p) {
  return static_cast<std::uint32_t>(__cvta_generic_to_shared(p));
}
__device__ __forceinline__ void mbar_init(std::uint64_t* bar, std::uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(smem_addr(bar)), "r"(count));
}
__device__ __forceinline__ void mbar_expect_tx(std::uint64_t* bar, std::uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(smem_addr(bar)),
               "r"(bytes)
               : "memory");
}
__device__ __forceinline__ void mbar_arrive(std::uint64_t* bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(smem_addr(bar)) : "memory");
}
// Waits until the barrier's phase with this parity has completed.
__device__ __forceinline__ void mbar_wait(std::uint64_t* bar, std::uint32_t parity) {
  std::uint32_t done = 0;
  do {
    asm volatile(
        "{\n.reg .pred p;\n"
        "mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
        "selp.u32 %0, 1, 0, p;\n}\n"
        : "=r"(done)
        : "r"(smem_addr(bar)), "r"(parity)
        : "memory");
  } while (!done);
}
__device__ __forceinline__ void tma_load_2d(void* dst, const CUtensorMap* map, std::uint64_t* bar,
                                            int c0, int c1) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3, %4}], [%2];\n" ::"r"(smem_addr(dst)),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(smem_addr(bar)), "r"(c0), "r"(c1)
      : "memory");
}
// Shared -> global through the TMA unit, tracked by this thread's bulk-async groups; rows and
// columns outside the matrix are not written.
__device__ __forceinline__ void tma_store_2d(const CUtensorMap* map, const void* src, int c0,
                                             int c1) {
  asm volatile(
      "cp.async.bulk.tensor.2d.global.shared::cta.tile.bulk_group [%0, {%2, %3}], [%1];\n" ::"l"(
          reinterpret_cast<std::uint64_t>(map)),
      "r"(smem_addr(src)), "r"(c0), "r"(c1)
      : "memory");
}
__device__ __forceinline__ void bulk_commit() {
  asm volatile("cp.async.bulk.commit_group;\n" ::: "memory");
}
// Waits until at most N of this thread's bulk groups still read their shared-memory source.
template <int N>
__device__ __forceinline__ void bulk_wait_read() {
  asm volatile("cp.async.bulk.wait_group.read %0;\n" ::"n"(N) : "memory");
}
__device__ __forceinline__ void bulk_wait_all() {
  asm volatile("cp.async.bulk.wait_group 0;\n" ::: "memory");
}
// Generic-proxy shared-memory writes made visible to the async proxy (the TMA unit).
__device__ __forceinline__ void fence_proxy_async() {
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
}
// A barrier for one warpgroup (ids 1.. ; 0 is __syncthreads).
__device__ __forceinline__ void warpgroup_bar(int id) {
  asm volatile("bar.sync %0, 128;\n" ::"r"(id) : "memory");
}
// A shared-memory matrix descriptor for the 128-byte swizzle: start address, leading and stride
// byte offsets (16-byte units). K-major A: SBO = 1024 (8 rows of 128 B), LBO unused. N-major B:
// LBO = distance between 64-column chunks, SBO = 1024 (8 k-rows of 128 B).
__device__ __forceinline__ std::uint64_t smem_desc(const void* p, std::uint32_t lbo,
                                                   std::uint32_t sbo) {
  return std::uint64_t((smem_addr(p) & 0x3FFFF) >> 4) |
         (std::uint64_t((lbo & 0x3FFFF) >> 4) << 16) |
         (std::uint64_t((sbo & 0x3FFFF) >> 4) << 32) | (1ull << 62);  // bits 62-63: 128B swizzle
}
__device__ __forceinline__ void wgmma_fence() {
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
}
__device__ __forceinline__ void wgmma_commit() {
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}
template <int N>
__device__ __forceinline__ void wgmma_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
}
template <int R>
__device__ __forceinline__ void regs_raise() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(R));
}
template <int R>
__device__ __forceinline__ void regs_lower() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(R));
}
#endif  // GPUBENCH_WGMMA_DEVICE_CODE

// Tile number -> (tile row, tile col), GROUP_M tile rows at a time so that the tiles running at
// once share rows of A and columns of B.
__device__ __forceinline__ void tile_coords(int t, int tiles_m, int tiles_n, int& tm, int& tn) {
  const int per_group = GROUP_M * tiles_n;
  const int first_m = (t / per_group) * GROUP_M;
  const int group_rows = min(tiles_m - first_m, GROUP_M);
  const int in_group = t % per_group;
  tm = first_m + in_group % group_rows;
  tn = in_group / group_rows;
}

template <int BN>
__global__ void __launch_bounds__(kThreads, 1)
    bf16_wgmma_kernel(int M, int N, int K, const __grid_constant__ CUtensorMap map_a,
                      const __grid_constant__ CUtensorMap map_b,
                      const __grid_constant__ CUtensorMap map_c) {
#ifdef GPUBENCH_WGMMA_DEVICE_CODE
  constexpr int STAGES = TileConfig<BN>::kStages;
  constexpr int kStageElemsA = TileConfig<BN>::kStageElemsA;
  constexpr int kStageElemsB = TileConfig<BN>::kStageElemsB;
  constexpr std::uint32_t kStageBytes = TileConfig<BN>::kStageBytes;
  extern __shared__ std::uint8_t smem_raw[];
  // TMA with the 128-byte swizzle wants 1024-byte-aligned destinations.
  auto* smem = reinterpret_cast<__nv_bfloat16*>(
      (reinterpret_cast<std::uintptr_t>(smem_raw) + 1023) & ~std::uintptr_t(1023));
  __nv_bfloat16* sA = smem;                          // [STAGES][BM][BK]
  __nv_bfloat16* sB = smem + STAGES * kStageElemsA;  // [STAGES][BN/64][BK][64]
  __nv_bfloat16* sC = sB + STAGES * kStageElemsB;    // [kConsumers][kCBuffers][64][64]
  __shared__ alignas(8) std::uint64_t full[STAGES], empty[STAGES];
  static_assert(BN == 256 || BN == 128, "the wgmma wrappers exist for N = 256 and 128");

  const int tiles_m = ceil_div(M, BM), tiles_n = ceil_div(N, BN);
  const int num_tiles = tiles_m * tiles_n, num_kb = ceil_div(K, BK);
  const int wg = threadIdx.x / 128, tid = threadIdx.x % 128;

  if (threadIdx.x == 0) {
    for (int s = 0; s < STAGES; ++s) {
      mbar_init(&full[s], 1);
      mbar_init(&empty[s], kConsumers);
    }
    // Make the initialised barriers visible to the async proxy (the TMA unit).
    fence_proxy_async();
  }
  __syncthreads();

  if (wg == 0) {  // producer
    regs_lower<40>();
    if (tid == 0) {
      int stage = 0;
      std::uint32_t phase = 0;
      for (int t = blockIdx.x; t < num_tiles; t += gridDim.x) {
        int tm, tn;
        tile_coords(t, tiles_m, tiles_n, tm, tn);
        for (int kb = 0; kb < num_kb; ++kb) {
          mbar_wait(&empty[stage], phase);
          // The full box is always written (zeros outside the matrix), so the byte count is fixed.
          mbar_expect_tx(&full[stage], kStageBytes);
          tma_load_2d(sA + stage * kStageElemsA, &map_a, &full[stage], kb * BK, tm * BM);
#pragma unroll
          for (int c = 0; c < BN / kBoxCols; ++c)
            tma_load_2d(sB + stage * kStageElemsB + c * BK * kBoxCols, &map_b, &full[stage],
                        tn * BN + c * kBoxCols, kb * BK);
          if (++stage == STAGES) {
            stage = 0;
            phase ^= 1;
          }
        }
      }
    }
  } else {  // consumers
    regs_raise<232>();
    const int cw = wg - 1;  // this consumer's 64-row half of the block tile
    if (tid == 0)
      for (int s = 0; s < STAGES; ++s) mbar_arrive(&empty[s]);  // every stage starts free
    float d[BN / 2];
    int stage = 0;
    std::uint32_t phase = 0;
    const int warp = tid / 32, lane = tid % 32;
    for (int t = blockIdx.x; t < num_tiles; t += gridDim.x) {
      int tm, tn;
      tile_coords(t, tiles_m, tiles_n, tm, tn);
      int prev_stage = -1;
      for (int kb = 0; kb < num_kb; ++kb) {
        mbar_wait(&full[stage], phase);
        const __nv_bfloat16* a = sA + stage * kStageElemsA + cw * 64 * BK;
        const __nv_bfloat16* b = sB + stage * kStageElemsB;
        wgmma_fence();
#pragma unroll
        for (int k = 0; k < BK / 16; ++k)
          wgmma_bf16_tnspb(d, smem_desc(a + k * 16, 16, 1024),
                           smem_desc(b + k * 16 * kBoxCols, BK * kBoxCols * 2, 1024),
                           (kb > 0 || k > 0) ? 1 : 0);
        wgmma_commit();
        wgmma_wait<1>();  // the group issued for the previous stage is done: release it
        if (prev_stage >= 0 && tid == 0) mbar_arrive(&empty[prev_stage]);
        prev_stage = stage;
        if (++stage == STAGES) {
          stage = 0;
          phase ^= 1;
        }
      }
      wgmma_wait<0>();
      if (prev_stage >= 0 && tid == 0) mbar_arrive(&empty[prev_stage]);

      // Accumulator fragment: thread (warp, lane) holds rows warp*16 + lane/4 (+8) and, for each
      // 8-column group g, columns 8g + 2*(lane%4) (+1). Chunk j of the epilogue is column
      // groups 8j..8j+7. In the 128-byte swizzle the 16-byte unit u of row r sits at unit
      // u ^ (r % 8); r % 8 is lane/4 for both rows, so a warp's 4-byte writes hit 32 banks.
      const int r0 = warp * 16 + lane / 4;
      const std::uint32_t lane_off = 4 * (lane % 4);
      const int sw = lane / 4;
#pragma unroll
      for (int j = 0; j < BN / kBoxCols; ++j) {
        std::uint8_t* buf =
            reinterpret_cast<std::uint8_t*>(sC + (cw * kCBuffers + j % kCBuffers) * kCChunkElems);
        // The store issued from this buffer kCBuffers chunks ago must have read it (BN/64 is
        // even, so the buffers alternate across tiles too).
        if (tid == 0) bulk_wait_read<kCBuffers - 1>();
        warpgroup_bar(1 + cw);
#pragma unroll
        for (int gg = 0; gg < 8; ++gg) {
          const int g = 8 * j + gg;
          const std::uint32_t off = ((gg ^ sw) << 4) + lane_off;
          *reinterpret_cast<__nv_bfloat162*>(buf + r0 * 128 + off) =
              __floats2bfloat162_rn(d[4 * g], d[4 * g + 1]);
          *reinterpret_cast<__nv_bfloat162*>(buf + (r0 + 8) * 128 + off) =
              __floats2bfloat162_rn(d[4 * g + 2], d[4 * g + 3]);
        }
        fence_proxy_async();
        warpgroup_bar(1 + cw);
        if (tid == 0) {
          tma_store_2d(&map_c, buf, tn * BN + j * kBoxCols, tm * BM + cw * 64);
          bulk_commit();
        }
      }
    }
    // The block must not exit while the TMA still reads its shared memory.
    if (tid == 0) bulk_wait_all();
  }
#endif  // GPUBENCH_WGMMA_DEVICE_CODE
}

// cuTensorMapEncodeTiled, fetched from the driver at run time so that the binary does not link
// libcuda (it must start on machines without a driver).
using EncodeTiledFn = CUresult (*)(CUtensorMap*, CUtensorMapDataType, cuuint32_t, void*,
                                   const cuuint64_t*, const cuuint64_t*, const cuuint32_t*,
                                   const cuuint32_t*, CUtensorMapInterleave, CUtensorMapSwizzle,
                                   CUtensorMapL2promotion, CUtensorMapFloatOOBfill);

EncodeTiledFn encode_tiled() {
  static const EncodeTiledFn fn = [] {
    void* p = nullptr;
    cudaDriverEntryPointQueryResult q{};
    if (cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &p, 12000, cudaEnableDefault,
                                         &q) != cudaSuccess ||
        q != cudaDriverEntryPointSuccess) {
      cudaGetLastError();
      return EncodeTiledFn(nullptr);
    }
    return reinterpret_cast<EncodeTiledFn>(p);
  }();
  return fn;
}

// A row-major rows x cols bf16 matrix, read in boxes of box_rows x 64 columns, 128-byte swizzle.
bool make_map(EncodeTiledFn encode, CUtensorMap* map, const __nv_bfloat16* base, int rows,
              int cols, int box_rows) {
  const cuuint64_t dims[2] = {cuuint64_t(cols), cuuint64_t(rows)};
  const cuuint64_t strides[1] = {cuuint64_t(cols) * 2};  // bytes between rows
  const cuuint32_t box[2] = {cuuint32_t(kBoxCols), cuuint32_t(box_rows)};
  const cuuint32_t elem_strides[2] = {1, 1};
  return encode(map, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 2, const_cast<__nv_bfloat16*>(base), dims,
                strides, box, elem_strides, CU_TENSOR_MAP_INTERLEAVE_NONE,
                CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
                CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE) == CUDA_SUCCESS;
}

template <int BN>
cudaError_t launch_tiles(int M, int N, int K, const CUtensorMap& map_a, const CUtensorMap& map_b,
                         const CUtensorMap& map_c, int sms, cudaStream_t stream) {
  constexpr std::size_t smem = TileConfig<BN>::kSmemBytes;
  if (const cudaError_t err = cudaFuncSetAttribute(
          bf16_wgmma_kernel<BN>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem));
      err != cudaSuccess)
    return err;
  const int tiles = ceil_div(M, BM) * ceil_div(N, BN);
  bf16_wgmma_kernel<BN><<<std::min(tiles, sms), kThreads, smem, stream>>>(M, N, K, map_a, map_b,
                                                                           map_c);
  return cudaGetLastError();
}

}  // namespace

std::string bf16_wgmma_unavailable_reason(int device) {
  cudaDeviceProp p{};
  if (cudaGetDeviceProperties(&p, device) != cudaSuccess) {
    cudaGetLastError();
    return "cannot read the device's properties";
  }
  if (p.major != 9 || p.minor != 0)
    return "needs compute capability 9.0 (Hopper, sm_90a code); this device is " +
           std::to_string(p.major) + "." + std::to_string(p.minor);
  if (p.sharedMemPerBlockOptin <
      std::max(TileConfig<256>::kSmemBytes, TileConfig<128>::kSmemBytes))
    return "the device offers too little shared memory";
  if (!encode_tiled()) return "the driver has no cuTensorMapEncodeTiled (TMA) entry point";
  return "";
}

cudaError_t launch_bf16_wgmma(int M, int N, int K, const __nv_bfloat16* A,
                              const __nv_bfloat16* B, __nv_bfloat16* C, cudaStream_t stream) {
  if (M <= 0 || N <= 0 || K <= 0 || K % kWgmmaMultiple || N % kWgmmaMultiple ||
      reinterpret_cast<std::uintptr_t>(A) % 16 || reinterpret_cast<std::uintptr_t>(B) % 16 ||
      reinterpret_cast<std::uintptr_t>(C) % 16)
    return cudaErrorInvalidValue;
  const EncodeTiledFn encode = encode_tiled();
  if (!encode) return cudaErrorNotSupported;
  CUtensorMap map_a, map_b, map_c;
  if (!make_map(encode, &map_a, A, M, K, BM) || !make_map(encode, &map_b, B, K, N, BK) ||
      !make_map(encode, &map_c, C, M, N, kCBoxRows))
    return cudaErrorInvalidValue;
  int device = 0, sms = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err == cudaSuccess)
    err = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  if (err != cudaSuccess) return err;
  // 128x256 tiles unless they would leave more than half the SMs without one.
  if (ceil_div(M, BM) * ceil_div(N, 256) * 2 >= sms)
    return launch_tiles<256>(M, N, K, map_a, map_b, map_c, sms, stream);
  return launch_tiles<128>(M, N, K, map_a, map_b, map_c, sms, stream);
}

}  // namespace gpubench::kernels
