// What `-o PATH` does to what is already at PATH: files replaced atomically, links followed,
// devices and pipes written in place, other things refused, nothing planted ever opened.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "gpubench/core/errors.hpp"
#include "gpubench/core/input_file.hpp"
#include "gpubench/core/outcome.hpp"
#include "gpubench/core/results_json.hpp"
#include "gpubench/core/shapes_file.hpp"
#include "gpubench/output/atomic_file.hpp"
#include "gpubench/output/results_sink.hpp"
#include "sample_results.hpp"

namespace fs = std::filesystem;
using namespace gpubench;

namespace {

// A fresh, empty folder per test.
struct Folder {
  fs::path path;
  explicit Folder(const std::string& name) : path(fs::path(::testing::TempDir()) / name) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() { fs::remove_all(path); }
  std::string operator/(const std::string& f) const { return (path / f).string(); }
};

std::string read(const std::string& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void put(const std::string& p, const std::string& text) { std::ofstream(p) << text; }

int entries(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST(AtomicFile, ReplacesARegularFileKeepingItsModeAndLeavesNoTemporary) {
  Folder d("gpubench_af_regular");
  put(d / "r.json", "old");
  ::chmod((d / "r.json").c_str(), 0600);
  write_file_atomically(d / "r.json", "new");
  EXPECT_EQ(read(d / "r.json"), "new");
  struct stat st {};
  ASSERT_EQ(::stat((d / "r.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(entries(d.path), 1);
}

// kill -9 mid-save leaves ".NAME.gpubench-XXXXXX" beside NAME: the next save of NAME removes the
// ones that are old and unlocked, and nothing else (issue 25).
TEST(AtomicFile, RemovesStaleTemporariesOfItsTargetOnly) {
  Folder dir("stale_temporaries");
  const auto make = [&](const std::string& name, int age_seconds) {
    std::ofstream(dir / name) << "partial";
    const timespec t[2] = {{std::time(nullptr) - age_seconds, 0}, {std::time(nullptr) - age_seconds, 0}};
    EXPECT_EQ(::utimensat(AT_FDCWD, (dir / name).c_str(), t, 0), 0);
  };
  make(".out.json.gpubench-Ab12Cd", 7200);    // killed two hours ago
  make(".out.json.gpubench-Fresh1", 0);       // a save in progress
  make(".out.json.gpubench-Locked", 7200);    // old, but a live writer holds it
  make(".other.json.gpubench-Ab12Cd", 7200);  // another target's
  make(".out.json.gpubench-toolong", 7200);   // not mkstemp's six characters
  make("out.json.gpubench-Ab12Cd", 7200);     // not hidden: the user's own file
  const int held = ::open((dir / ".out.json.gpubench-Locked").c_str(), O_RDONLY);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  write_file_atomically(dir / "out.json", "{}");
  ::close(held);
  EXPECT_FALSE(fs::exists(dir / ".out.json.gpubench-Ab12Cd"));
  for (const char* kept : {".out.json.gpubench-Fresh1", ".out.json.gpubench-Locked",
                           ".other.json.gpubench-Ab12Cd", ".out.json.gpubench-toolong",
                           "out.json.gpubench-Ab12Cd"})
    EXPECT_TRUE(fs::exists(dir / kept)) << kept;
  EXPECT_EQ(read(dir / "out.json"), "{}");
}

TEST(AtomicFile, FollowsASymlinkAndReplacesItsTargetNotTheLink) {
  Folder d("gpubench_af_link");
  fs::create_directories(d.path / "real");
  put(d / "real/target.json", "old");
  fs::create_symlink("real/target.json", d / "link.json");
  write_file_atomically(d / "link.json", "new");
  EXPECT_TRUE(fs::is_symlink(d / "link.json"));
  EXPECT_EQ(read(d / "real/target.json"), "new");
  // A dangling link creates the file it points at.
  fs::create_symlink("real/later.json", d / "dangling.json");
  write_file_atomically(d / "dangling.json", "made");
  EXPECT_TRUE(fs::is_symlink(d / "dangling.json"));
  EXPECT_EQ(read(d / "real/later.json"), "made");
}

TEST(AtomicFile, WritesCharacterDevicesAndFifosInPlace) {
  EXPECT_TRUE(resolve_destination("/dev/null").stream);
  EXPECT_NO_THROW(check_destination_writable("/dev/null"));
  EXPECT_NO_THROW(write_file_atomically("/dev/null", "discarded"));
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));

  Folder d("gpubench_af_fifo");
  ASSERT_EQ(::mkfifo((d / "pipe").c_str(), 0600), 0);
  // The read end is open before the write (non-blocking, so that opening it does not wait for a
  // writer): the writer finds its reader at once, and the text waits in the pipe for it.
  const int rd = ::open((d / "pipe").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(rd, 0);
  write_file_atomically(d / "pipe", "through the pipe");
  char buf[64] = {};
  const ssize_t n = ::read(rd, buf, sizeof buf);
  ::close(rd);
  ASSERT_GT(n, 0);
  const std::string got(buf, std::size_t(n));
  EXPECT_EQ(got, "through the pipe");
  ASSERT_EQ(::lstat((d / "pipe").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(AtomicFile, RefusesDirectoriesAndSockets) {
  Folder d("gpubench_af_refuse");
  EXPECT_THROW(check_destination_writable(d.path.string()), UsageError);
  const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock = d / "sock";
  ASSERT_LT(sock.size(), sizeof(addr.sun_path));
  std::strcpy(addr.sun_path, sock.c_str());
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  try {
    check_destination_writable(sock);
    ADD_FAILURE() << "a socket was accepted as an output";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_file_atomically(sock, "x"), EnvironmentError);
  ::close(s);
}

TEST(AtomicFile, ThePreflightCheckCreatesNothingAndNeverOpensAPlantedName) {
  Folder d("gpubench_af_planted");
  put(d / "victim.txt", "precious");
  // The name the old predictable scheme used (PATH.tmp.<pid>, opened with O_TRUNC) is never
  // opened; and the check leaves the folder as it found it.
  fs::create_symlink(d / "victim.txt", d / ("r.json.tmp." + std::to_string(::getpid())));
  const int before = entries(d.path);
  check_destination_writable(d / "r.json");
  EXPECT_EQ(entries(d.path), before);
  EXPECT_FALSE(fs::exists(fs::symlink_status(d / "r.json")));
  write_file_atomically(d / "r.json", "results");
  EXPECT_EQ(read(d / "victim.txt"), "precious");
  EXPECT_EQ(read(d / "r.json"), "results");
  EXPECT_THROW(check_destination_writable("/nonexistent-dir/x.json"), UsageError);
}

TEST(ResultsSinkOutputs, TheSameFileNamedTwiceIsAUsageError) {
  Folder d("gpubench_af_twice");
  const std::string cwd = fs::current_path().string();
  fs::current_path(d.path);
  ResultsOptions o;
  o.outputs = {"same.json", "./same.json"};
  EXPECT_THROW(ResultsSink(ResultKind::matmul, o), UsageError);
  o.outputs = {"f.out:json", "f.out:csv"};
  EXPECT_THROW(ResultsSink(ResultKind::matmul, o), UsageError);
  fs::create_symlink("same.json", "alias.json");
  o.outputs = {"same.json", "alias.json"};
  EXPECT_THROW(ResultsSink(ResultKind::matmul, o), UsageError);
  o.outputs = {"a.json", "a.csv"};
  EXPECT_NO_THROW(ResultsSink(ResultKind::matmul, o));
  fs::current_path(cwd);
}

// Inputs are read with a limit: a device or pipe that never ends is an error, not gigabytes.
TEST(InputFile, EndlessAndOversizedInputsAreUsageErrors) {
  try {
    read_input_file("/dev/zero", "--shapes", kMaxShapesFileBytes);
    ADD_FAILURE() << "/dev/zero was read";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the 16 MiB"), std::string::npos) << e.what();
  }
  Folder d("gpubench_input_file");
  EXPECT_THROW(read_input_file(d.path.string(), "--shapes", 100), UsageError);
  put(d / "big.csv", std::string(101, '1'));
  EXPECT_THROW(read_input_file(d / "big.csv", "--shapes", 100), UsageError);
  EXPECT_EQ(read_input_file(d / "big.csv", "--shapes", 101).size(), 101u);
  EXPECT_THROW(read_results_file("/dev/zero"), UsageError);
  EXPECT_THROW(read_shapes_file("/dev/zero"), UsageError);
}

TEST(InputFile, AByteOrderMarkStartsAShapesCsv) {
  const auto cases = parse_shapes_csv("\xEF\xBB\xBFm,n,k\n64,32,16\n", "bom.csv");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].shape, (Shape{64, 32, 16}));
}

// Values a results file may not carry: they are exit 2 with the field named, never an internal
// error and never a number the gate divides by.
TEST(InputFile, ResultsFilesWithImpossibleNumbersAreRefused) {
  const std::string good = results_to_json_text(gpubench::testing::sample_results());
  const auto refused = [&](const std::string& from, const std::string& to, const char* needle) {
    std::string text = good;
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    try {
      results_from_json_text(text, "f.json");
      ADD_FAILURE() << "accepted " << to;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  refused("\"gflops\": ", "\"gflops\": 1e400, \"x\": ", "f.json");
  refused("\"gflops\": ", "\"gflops\": -5, \"x\": ", "gflops -5");
  refused("\"m\": 1024", "\"m\": 9223372036854775807", "beyond the largest BLAS dimension");
}

// The one results path of matmul, bandwidth and peak (output/results_sink.hpp), tested once for
// every kind of results: saves as results arrive marked incomplete, the final one complete; an
// existing file kept when nothing was measured; a pipe written once, at the end; an output that
// is an input refused; the exit code's order.
namespace {

// Results of each kind whose one row has status `s`.
Results results_of(ResultKind k, Status s) {
  Results r;
  r.system.hostname = "box";
  if (k == ResultKind::matmul) {
    r.records.push_back(gpubench::testing::sample_record(64, "openblas", DeviceKind::cpu, 1e-4));
    r.records.back().status = s;
  } else if (k == ResultKind::bandwidth) {
    BandwidthRecord b;
    b.test = "host copy";
    b.status = s;
    b.gbs = 10;
    r.bandwidth.push_back(b);
  } else {
    PeakSearch p;
    p.backend = "openblas";
    PeakPoint point;
    point.shape = {64, 64, 64};
    point.phase = "diagonal";
    point.status = s;
    point.gflops = 10;
    p.points.push_back(point);
    r.peak.push_back(p);
  }
  return r;
}

const ResultKind kKinds[] = {ResultKind::matmul, ResultKind::bandwidth, ResultKind::peak};

ResultsSink sink_to(ResultKind k, const std::string& path) {
  ResultsOptions o;
  o.outputs = {path};
  return ResultsSink(k, o);
}

}  // namespace

TEST(ResultsSink, SavesAsResultsArriveAreIncompleteAndTheFinalOneComplete) {
  Folder d("gpubench_sink_complete");
  for (ResultKind k : kKinds) {
    const std::string path = d / "r.json";
    const ResultsSink sink = sink_to(k, path);
    const Results r = results_of(k, Status::ok);
    sink.save(r);
    EXPECT_FALSE(nlohmann::json::parse(read(path))["complete"].get<bool>());
    std::ostringstream out;
    EXPECT_EQ(sink.finish(out, r, 0, 0), 0);
    EXPECT_TRUE(nlohmann::json::parse(read(path))["complete"].get<bool>());
    EXPECT_FALSE(out.str().empty());
  }
}

TEST(ResultsSink, AnExistingFileIsKeptWhenNothingWasMeasuredAndANewOneWritten) {
  Folder d("gpubench_sink_keep");
  for (ResultKind k : kKinds) {
    const Results skipped = results_of(k, Status::skipped);
    std::string why;
    EXPECT_EQ(results_exit_code(skipped, why), kExitEnvironment);
    EXPECT_FALSE(why.empty());
    const std::string kept = d / "kept.json";
    std::ofstream(kept) << "earlier results";
    const ResultsSink sink = sink_to(k, kept);
    sink.save(skipped);
    std::ostringstream out;
    EXPECT_EQ(sink.finish(out, skipped, 0, kExitEnvironment), kExitEnvironment);
    EXPECT_EQ(read(kept), "earlier results");
    // A new file says why nothing ran; a failed row was measured, so it replaces the file.
    const std::string fresh = d / "fresh.json";
    fs::remove(fresh);
    std::ostringstream out2;
    sink_to(k, fresh).finish(out2, skipped, 0, kExitEnvironment);
    EXPECT_TRUE(nlohmann::json::parse(read(fresh)).is_object());
    const Results failed = results_of(k, Status::failed);
    EXPECT_EQ(results_exit_code(failed, why), kExitCheckFailed);
    sink_to(k, kept).finish(out2, failed, 0, kExitCheckFailed);
    EXPECT_NE(read(kept), "earlier results");
  }
}

TEST(ResultsSink, APipeGetsTheFinalResultsOnce) {
  Folder d("gpubench_sink_fifo");
  for (ResultKind k : kKinds) {
    const std::string fifo = d / "pipe";
    fs::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::string got;
    std::thread reader([&] {
      const int fd = ::open(fifo.c_str(), O_RDONLY);
      char buf[4096];
      for (ssize_t n; fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, n);
      if (fd >= 0) ::close(fd);
    });
    const ResultsSink sink = sink_to(k, fifo + ":json");
    const Results r = results_of(k, Status::ok);
    sink.save(r);
    sink.save(r);
    std::ostringstream out;
    EXPECT_EQ(sink.finish(out, r, 0, 0), 0);
    reader.join();
    // One document: parse() refuses two back to back.
    EXPECT_TRUE(nlohmann::json::parse(got)["complete"].get<bool>()) << got;
  }
}

TEST(ResultsSink, AnOutputThatIsAnInputIsAUsageError) {
  Folder d("gpubench_sink_input");
  const std::string shapes = d / "s.csv";
  std::ofstream(shapes) << "64,64,64\n";
  fs::create_symlink(shapes, d / "link.csv");
  for (ResultKind k : kKinds) {
    ResultsOptions o;
    o.inputs = {{"--shapes", shapes}};
    for (const std::string& out : {shapes, d / "link.csv", d / "../gpubench_sink_input/s.csv"}) {
      o.outputs = {out};
      EXPECT_THROW(ResultsSink(k, o), UsageError) << out;
    }
    o.outputs = {d / "other.csv"};
    EXPECT_NO_THROW(ResultsSink(k, o));
  }
  EXPECT_EQ(read(shapes), "64,64,64\n");
}

// Interrupted first, then an output that could not be written, then the command's own verdict.
TEST(ResultsSink, TheExitCodeTakesTheSignalThenAFailedWriteThenTheResults) {
  for (ResultKind k : kKinds) {
    const Results r = results_of(k, Status::ok);
    std::ostringstream out;
    EXPECT_EQ(sink_to(k, "/dev/full:json").finish(out, r, 130, 1), 130);
    EXPECT_EQ(sink_to(k, "/dev/full:json").finish(out, r, 0, 1), kExitEnvironment);
    ResultsOptions none;
    EXPECT_EQ(ResultsSink(k, none).finish(out, r, 0, 1), 1);
    EXPECT_EQ(ResultsSink(k, none).finish(out, r, 0, 0), 0);
  }
}
