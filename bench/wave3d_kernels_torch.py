"""torch.mm on four bf16 shapes: its kernels and graph rate with the cuBLAS and cuBLASLt backends,
then randn against gpubench-like inputs (bench/wave3d_gpu_call2.sh)."""
import sys, torch
sys.path.insert(0, "bench")
import capture_check as cc

def uniform(shape, seed):
    # gpubench's inputs: magnitudes in [0.125, 1], random sign
    g = torch.Generator(device="cuda").manual_seed(seed)
    mag = torch.rand(shape, device="cuda", generator=g) * 0.875 + 0.125
    sign = torch.where(torch.rand(shape, device="cuda", generator=g) < 0.5, -1.0, 1.0)
    return (mag * sign).to(torch.bfloat16)

print(torch.__version__, torch.backends.cuda.preferred_blas_library())
shapes = ((1024, 1024, 1024), (16, 4096, 4096), (128, 4096, 4096), (3000, 3000, 3000))
for lib in ("cublas", "cublaslt"):
    torch.backends.cuda.preferred_blas_library(lib)
    for m, n, k in shapes:
        names = cc.torch_kernels(m, n, k)
        rate = cc.time_mm(m, n, k)
        print(f"{lib} {m}x{n}x{k}: randn {rate['gflops']/1e3:.1f} TFLOPS ({rate['method']}) kernels: {names}", flush=True)
torch.backends.cuda.preferred_blas_library("cublas")
for m, n, k in shapes:
    a, b = uniform((m, k), 1), uniform((k, n), 2)
    u = cc.time_mm(m, n, k, a=a, b=b)["gflops"]
    r = cc.time_mm(m, n, k)["gflops"]
    print(f"cublas {m}x{n}x{k}: uniform±[0.125,1] {u/1e3:.1f}, randn {r/1e3:.1f} TFLOPS", flush=True)
