/* A program calling CBLAS and Fortran BLAS directly, for test_cli_capture.cpp. Its GEMMs, in
 * gpubench's row-major terms, are listed in the test. Prints every result in hex so that a run with
 * and without capture can be compared byte for byte. `blas_program fork` also forks a child that
 * makes GEMMs of its own and leaves through _exit (no destructors run). */
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "gpubench/backends/blas_abi.hpp"

enum { RowMajor = 101, ColMajor = 102, NoTrans = 111, Trans = 112 };

static float fa[4096], fb[4096], fc[4096];
static double da[4096], db[4096], dc[4096];

static void fill(void) {
  for (int i = 0; i < 4096; ++i) {
    fa[i] = (float)((i * 37 % 101) - 50) / 17.0f;
    fb[i] = (float)((i * 53 % 97) - 48) / 13.0f;
    da[i] = ((i * 41 % 103) - 51) / 19.0;
    db[i] = ((i * 59 % 89) - 44) / 11.0;
  }
}

static void print_f(const char* what, int n) {
  printf("%s", what);
  for (int i = 0; i < n; ++i) printf(" %a", fc[i]);
  printf("\n");
}

static void print_d(const char* what, int n) {
  printf("%s", what);
  for (int i = 0; i < n; ++i) printf(" %a", dc[i]);
  printf("\n");
}

int main(int argc, char** argv) {
  fill();
  /* row-major 3x4x5 nn */
  cblas_sgemm(RowMajor, NoTrans, NoTrans, 3, 4, 5, 1.0f, fa, 5, fb, 4, 0.0f, fc, 4);
  print_f("cblas_sgemm", 12);
  /* column-major m=6 n=7 k=8, A transposed: row-major 7x6x8 nt */
  cblas_dgemm(ColMajor, Trans, NoTrans, 6, 7, 8, 1.0, da, 8, db, 8, 0.0, dc, 6);
  print_d("cblas_dgemm", 42);
  /* Fortran: m=2 n=3 k=4, B transposed, twice: row-major 3x2x4 tn, count 2 */
  const int m = 2, n = 3, k = 4, ldb = 3;
  const float one = 1.0f, zero = 0.0f;
  for (int i = 0; i < 2; ++i) {
    sgemm_("N", "T", &m, &n, &k, &one, fa, &m, fb, &ldb, &zero, fc, &m, 1, 1);
    print_f("sgemm_", 6);
  }
  /* Fortran: 5x5x5, both transposed: row-major 5x5x5 tt */
  const int five = 5;
  const double done = 1.0, dzero = 0.0;
  dgemm_("T", "T", &five, &five, &five, &done, da, &five, db, &five, &dzero, dc, &five, 1, 1);
  print_d("dgemm_", 25);
  if (argc > 1 && strcmp(argv[1], "fork") == 0) {
    fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
      /* the child's own: row-major 9x9x9 nn, three times */
      for (int i = 0; i < 3; ++i)
        cblas_sgemm(RowMajor, NoTrans, NoTrans, 9, 9, 9, 1.0f, fa, 9, fb, 9, 0.0f, fc, 9);
      print_f("child cblas_sgemm", 81);
      fflush(stdout);
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 9;
  }
  return argc > 2 ? atoi(argv[2]) : 0; /* an exit status of the caller's choice */
}
