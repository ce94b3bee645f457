# The GEMMs of this script, as `gpubench capture` must report them (row-major M,N,K, layout, count),
# are listed in EXPECTED; test_cli_capture.cpp compares. It prints its results so that a run with
# and without capture can be compared byte for byte.
import numpy as np

EXPECTED = """\
64,16,32,fp32,nn,1,1
10,30,20,fp64,nt,1,2
8,6,5,fp32,nn,1,4
64,16,32,fp32,tn,1,1
48,48,48,fp64,nn,1,3
7,9,11,fp32,tt,1,1
"""


def main():
    rng = np.random.default_rng(7)
    out = []
    a = rng.standard_normal((64, 32), dtype=np.float32)
    b = rng.standard_normal((32, 16), dtype=np.float32)
    out.append(a @ b)                                # one sgemm, nn
    x = rng.standard_normal((10, 20))
    y = rng.standard_normal((30, 20))
    out.append(x @ y.T)                              # dgemm with B transposed, twice
    out.append(x @ y.T)
    p = rng.standard_normal((4, 8, 5), dtype=np.float32)
    q = rng.standard_normal((4, 5, 6), dtype=np.float32)
    out.append(p @ q)                                # a batched @: 4 sgemm calls of one shape
    at = rng.standard_normal((32, 64), dtype=np.float32).T
    out.append(at @ b)                               # a transposed view as A: tn
    s = rng.standard_normal((48, 48))
    for _ in range(3):
        s = s @ s / 48.0                             # three 48^3 dgemms
    out.append(s)
    u = rng.standard_normal((11, 7), dtype=np.float32).T
    v = rng.standard_normal((9, 11), dtype=np.float32).T
    out.append(u @ v)                                # both transposed views: tt
    for r in out:
        print(r.dtype, r.shape, r.tobytes().hex(), repr(float(r.sum())))


if __name__ == "__main__":
    main()
