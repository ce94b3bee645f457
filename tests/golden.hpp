// Golden-file comparison for reporter tests: tests/golden/NAME holds the expected output. After an
// intended change, run the tests with GPUBENCH_UPDATE_GOLDEN=1 and review the diff.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace gpubench::testing {

inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(GPUBENCH_TEST_DIR) + "/golden/" + name;
  if (const char* update = std::getenv("GPUBENCH_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "updated " << path;
  }
  std::ifstream f(path, std::ios::binary);
  ASSERT_TRUE(f) << "missing golden file " << path << " (GPUBENCH_UPDATE_GOLDEN=1 writes it)";
  const std::string expected{std::istreambuf_iterator<char>(f), {}};
  EXPECT_EQ(actual, expected) << "output differs from " << path;
}

}  // namespace gpubench::testing
