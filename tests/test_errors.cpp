// The one exception -> exit-code mapping that main() and the MPI rank-failure path share.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>

#include "gpubench/core/errors.hpp"

using namespace gpubench;

TEST(ExitCodeFor, UsageEnvironmentAndInternal) {
  EXPECT_EQ(exit_code_for(UsageError("bad --sizes")), kExitUsage);
  EXPECT_EQ(exit_code_for(EnvironmentError("no GPU")), kExitEnvironment);
  // Anything else is a bug or an unexpected failure: its own code, never "a check failed" (1).
  EXPECT_EQ(exit_code_for(std::runtime_error("boom")), kExitInternal);
  EXPECT_EQ(exit_code_for(std::bad_alloc()), kExitInternal);
  EXPECT_EQ(int(kExitInternal), 4);
  EXPECT_NE(exit_code_for(std::logic_error("oops")), kExitCheckFailed);
}

TEST(ErrorKind, NamesWhatMainPrints) {
  EXPECT_STREQ(error_kind(UsageError("x")), "error");
  EXPECT_STREQ(error_kind(EnvironmentError("x")), "environment error");
  EXPECT_STREQ(error_kind(std::runtime_error("x")), "internal error");
}
