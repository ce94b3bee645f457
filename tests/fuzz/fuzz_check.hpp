// What every fuzz target shares: the expected exceptions, and how a broken invariant is reported.
#pragma once

#include <cstdio>
#include <cstdlib>

// A parser that returns something its contract rules out is a finding like a crash: say which
// check failed, then abort so that libFuzzer keeps the input as a reproducer.
#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

// UsageError (exit 2) and EnvironmentError (exit 3) are how gpubench turns away bad input; any
// other exception leaving a parser would reach main() as an "internal error", so the targets let
// it escape: libFuzzer reports it as a crash (std::terminate -> abort).
#define FUZZ_EXPECTED_ERRORS                  \
  catch (const gpubench::UsageError&) {       \
  }                                           \
  catch (const gpubench::EnvironmentError&) { \
  }
