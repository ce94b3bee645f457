// The table fitted to the terminal, through the real binary (issue 26): a pipe gets every column
// whatever COLUMNS says, a pseudo-terminal (script(1)) gets rows no wider than COLUMNS, --columns
// chooses and checks its names, and the completions and man page know the new options.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "command_runner.hpp"

namespace {

using gpubench::test::on_terminal;
using gpubench::test::run_command;
using gpubench::test::run_gpubench;
using gpubench::test::widest_line;

const std::string kMatmul =
    "matmul --sizes 32,64 --backends openblas --min-time 0.01 --warmup 1 -q";

}  // namespace

TEST(CliTableFit, APipeGetsEveryColumnWhateverColumnsSays) {
  const auto r = run_command("COLUMNS=40 " + std::string(GPUBENCH_BINARY) + " " + kMatmul);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* title : {"median", "spread", "max rel err", "status"})
    EXPECT_NE(r.out.find(title), std::string::npos) << title << "\n" << r.out;
  EXPECT_EQ(r.out.find("left out"), std::string::npos) << r.out;
}

TEST(CliTableFit, APseudoTerminalGetsRowsThatFitItsColumns) {
  if (run_command("script -qec true /dev/null").code != 0) GTEST_SKIP() << "no util-linux script";
  const auto wide = on_terminal(100, kMatmul);
  ASSERT_EQ(wide.code, 0) << wide.err << wide.out;
  EXPECT_NE(wide.out.find("GFLOPS"), std::string::npos) << wide.out;
  EXPECT_LE(widest_line(wide.out), 100u) << wide.out;
  const auto narrow = on_terminal(60, kMatmul);
  ASSERT_EQ(narrow.code, 0) << narrow.err << narrow.out;
  EXPECT_LE(widest_line(narrow.out), 60u) << narrow.out;
  EXPECT_NE(narrow.out.find("left out"), std::string::npos) << narrow.out;
  EXPECT_NE(narrow.out.find("--wide"), std::string::npos) << narrow.out;
  const auto everything = on_terminal(60, kMatmul + " --wide");
  EXPECT_GT(widest_line(everything.out), 60u) << everything.out;
}

TEST(CliTableFit, ColumnsChoosesTheColumnsByTheirCsvNames) {
  const auto r = run_gpubench(kMatmul + " --columns backend,gflops,threads");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("threads"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("median"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("status"), std::string::npos) << r.out;
}

TEST(CliTableFit, AnUnknownColumnIsOneLineAndExit2) {
  const auto r = run_gpubench(kMatmul + " --columns shape,gflop");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("gpubench: error: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;  // one line
  EXPECT_NE(r.err.find("'gflop'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("max_rel_error"), std::string::npos) << r.err;  // the valid names
}

TEST(CliTableFit, CompletionsAndTheManPageKnowTheOptions) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    const auto r = run_gpubench(std::string("completion ") + shell);
    const std::string prefix = std::string(shell) == "fish" ? "-l " : "--";
    EXPECT_NE(r.out.find(prefix + "columns"), std::string::npos) << shell;
    EXPECT_NE(r.out.find(prefix + "wide"), std::string::npos) << shell;
  }
  const auto man = run_gpubench("man");
  EXPECT_NE(man.out.find("\\-\\-columns"), std::string::npos);
  EXPECT_NE(man.out.find("\\-\\-wide"), std::string::npos);
}
