// What an installed gpubench offers beside measuring: --version, shell completions and the man page
// generated from the real CLI, and stdout that is checked (a full disk is not a success).
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "command_runner.hpp"

using gpubench::test::run_command;
using gpubench::test::run_gpubench;

namespace {

// Every long option a subcommand's --help lists.
std::set<std::string> options_in_help(const std::string& sub) {
  const std::string help = run_gpubench(sub + " --help").out;
  std::set<std::string> out;
  const std::regex opt(R"((--[a-z][a-z0-9-]+))");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), opt); it != std::sregex_iterator();
       ++it)
    out.insert((*it)[1]);
  out.erase("--help");
  return out;
}

const char* const kSubcommands[] = {"matmul", "info", "compare", "bandwidth", "plot", "completion"};

}  // namespace

TEST(CliInstall, VersionNamesTheCommitBuildAndBackends) {
  const auto r = run_gpubench("--version");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("gpubench "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("commit:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("build:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backends: CPU openblas"), std::string::npos) << r.out;
}

// The completion scripts cannot drift from the CLI: every option of every subcommand's --help is
// in each script, with the dtype names among the values.
TEST(CliInstall, CompletionsCoverEveryOptionOfEverySubcommand) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    const auto r = run_gpubench(std::string("completion ") + shell);
    ASSERT_EQ(r.code, 0) << shell << ": " << r.err;
    for (const char* sub : kSubcommands) {
      EXPECT_NE(r.out.find(sub), std::string::npos) << shell << " lacks " << sub;
      for (const std::string& opt : options_in_help(sub)) {
        const std::string want = std::string(shell) == "fish" ? "-l " + opt.substr(2) : opt;
        EXPECT_NE(r.out.find(want), std::string::npos) << shell << " lacks " << sub << " " << opt;
      }
    }
    EXPECT_NE(r.out.find("bf16"), std::string::npos) << shell;
    EXPECT_NE(r.out.find("gbench-json"), std::string::npos) << shell;
  }
  EXPECT_EQ(run_gpubench("completion tcsh").code, 2);
}

TEST(CliInstall, BashCompletionIsValidBashAndCompletesDtypes) {
  const std::string script = ::testing::TempDir() + "gpubench_completion.bash";
  ASSERT_EQ(run_command(std::string(GPUBENCH_BINARY) + " completion bash > " + script).code, 0);
  EXPECT_EQ(run_command("bash -n " + script).code, 0);
  // Complete `gpubench matmul --dtype fp32,b` the way bash would.
  const auto r = run_command("bash -c 'source " + script +
                             "; COMP_WORDS=(gpubench matmul --dtype fp32,b); COMP_CWORD=3; "
                             "_gpubench; echo \"${COMPREPLY[@]}\"'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("fp32,bf16"), std::string::npos) << r.out;
  if (run_command("command -v zsh").code == 0) {
    const std::string zsh = ::testing::TempDir() + "_gpubench";
    ASSERT_EQ(run_command(std::string(GPUBENCH_BINARY) + " completion zsh > " + zsh).code, 0);
    EXPECT_EQ(run_command("zsh -n " + zsh).code, 0);
  }
  if (run_command("command -v fish").code == 0) {
    const std::string fish = ::testing::TempDir() + "gpubench.fish";
    ASSERT_EQ(run_command(std::string(GPUBENCH_BINARY) + " completion fish > " + fish).code, 0);
    EXPECT_EQ(run_command("fish -n " + fish).code, 0);
  }
}

TEST(CliInstall, ManPageHasEveryCommandOptionAndExitCode) {
  const auto r = run_gpubench("man");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(".TH GPUBENCH 1", 0), 0u) << r.out.substr(0, 80);
  for (const char* sub : kSubcommands) {
    EXPECT_NE(r.out.find(std::string(".SS gpubench ") + sub), std::string::npos) << sub;
    for (const std::string& opt : options_in_help(sub)) {
      std::string roff;  // --min-time is written \-\-min\-time
      for (char c : opt) roff += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_NE(r.out.find(roff), std::string::npos) << sub << " " << opt;
    }
  }
  for (const char* code : {"\n0\n", "\n1\n", "\n2\n", "\n3\n", "\n4\n"})
    EXPECT_NE(r.out.find(code), std::string::npos) << "exit status" << code;
  // Hidden from the help: it is for the build.
  EXPECT_EQ(run_gpubench("--help").out.find(" man "), std::string::npos);
}

// A failed write of stdout is an environment error, never exit 0 with a truncated result.
TEST(CliInstall, AFullStdoutIsAnEnvironmentError) {
  if (run_command("test -w /dev/full").code != 0) GTEST_SKIP() << "no /dev/full here";
  for (const char* args : {"info", "completion bash", "man"}) {
    const auto r = run_command(std::string(GPUBENCH_BINARY) + " " + args + " > /dev/full");
    EXPECT_EQ(r.code, 3) << args << ": " << r.err;
    EXPECT_NE(r.err.find("cannot write to standard output"), std::string::npos) << r.err;
  }
  const auto m = run_gpubench("matmul --sizes 32 --backends openblas --min-time 0.01 > /dev/full");
  EXPECT_EQ(m.code, 3) << m.err;
}
