// Tracing USDT probes with a D program, end to end on the test program
// (tests/usdt/): probity -c runs it, the probe's arguments arrive with the
// note's sizes and signs, the run leaves nothing in uprobe_events, and the
// admission rules hold for USDT probes as for tracepoints: the stability
// threshold, the site policy, and an edited object.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "probity/catalogue/sdt_notes.hpp"
#include "support/child_process.hpp"
#include "support/object_bytes.hpp"
#include "support/probity_process.hpp"
#include "support/scoped_environment.hpp"
#include "support/scratch_directory.hpp"

namespace probity {
namespace {

namespace fs = std::filesystem;
using test_support::Outcome;

const fs::path usdt_app = fs::canonical(PROBITY_USDT_APP);

Outcome probity(const std::vector<std::string>& arguments) {
  return test_support::run_process(PROBITY_BINARY, arguments);
}

std::string uprobe_events() {
  std::ifstream in("/sys/kernel/tracing/uprobe_events");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// No uprobe event on the test program is left, whoever made it.
void expect_no_uprobe_left() {
  EXPECT_EQ(uprobe_events().find(usdt_app.string()), std::string::npos) << uprobe_events();
}

std::string request_probe() { return "usdt:" + usdt_app.string() + ":probity_test:request"; }

class UsdtTraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: uprobe_events and tracefs instances";
  }
  // request.pob: request_probe() printing "fired", compiled with no site policy.
  fs::path compile_request() {
    const fs::path object = scratch_.path() / "request.pob";
    const Outcome compiled = probity({"-e", "-o", object.string(), "-x", "amin=Private", "-n",
                                      request_probe() + " { printf(\"fired\\n\"); }"});
    EXPECT_EQ(compiled.status, 0) << compiled.err;
    return object;
  }

  test_support::ScratchDirectory scratch_{"probity-usdt-trace"};
};

TEST_F(UsdtTraceTest, ArgumentsArriveWithTheNotesSignsAndProbeNames) {
  // DTrace's arg0 and args->arg2 are the same kind of field.
  // request fires with (i, name, -5 * i) for i in 0..3.
  const Outcome run =
      probity({"-q", "-x", "amin=Private", "-c", usdt_app.string() + " 4", "-n",
               request_probe() + " { printf(\"%s:%s %d %d\\n\", probeprov, probename, arg0, args->arg2); }"});
  ASSERT_EQ(run.status, 0) << run.err;
  // The traced program's own output shares the pipe: keep Probity's lines.
  std::vector<std::string> traced;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("probity_test:")) traced.push_back(line);
  }
  EXPECT_EQ(traced, (std::vector<std::string>{"probity_test:request 0 0", "probity_test:request 1 -5",
                                              "probity_test:request 2 -10", "probity_test:request 3 -15"}))
      << run.out << run.err;
  EXPECT_NE(run.out.find("semaphore seen 0"), std::string::npos) << run.out;
  expect_no_uprobe_left();
}

TEST_F(UsdtTraceTest, CountsExactlyAndTheSemaphoreIsSetWhileTraced) {
  const std::string guarded = "probity_test:" + usdt_app.string() + "::guarded-probe";
  const Outcome run = probity({"-q", "-x", "amin=Private", "-c", usdt_app.string() + " 7", "-n",
                               guarded + " { @[args->arg0 % 2] = count(); } END { printa(\"%d %@d\\n\", @); }"});
  ASSERT_EQ(run.status, 0) << run.err;
  // usdt_guarded fires only when its semaphore is set: the kernel sets it
  // while the event is enabled, and the program says how often it saw it.
  EXPECT_NE(run.out.find("semaphore seen 7"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("0 4\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1 3\n"), std::string::npos) << run.out;
  expect_no_uprobe_left();
}

TEST_F(UsdtTraceTest, SigintEndsTheRunAndRemovesItsUprobeEvents) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    test_support::exec_words({PROBITY_BINARY, "-q", "-x", "amin=Private", "-n",
                              request_probe() + " { @ = count(); } tick-30s { exit(0); }"});
  }
  // Its uprobe event is there while it runs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (uprobe_events().find(usdt_app.string()) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(uprobe_events().find(usdt_app.string()), std::string::npos) << "the run made no uprobe event";
  ::kill(child, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status)) << "SIGINT ends the run through its teardown, status " << status;
  expect_no_uprobe_left();
}

TEST_F(UsdtTraceTest, AnUndocumentedProbeNeedsAminPrivate) {
  const Outcome refused = probity({"-q", "-c", usdt_app.string(), "-n", request_probe() + " { exit(0); }"});
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.err.find("amin=Private"), std::string::npos) << refused.err;
  expect_no_uprobe_left();
}

TEST_F(UsdtTraceTest, TheSitePolicyForbidsAProviderByName) {
  // Compiled where no policy is in force, run where one is.
  const fs::path object = compile_request();
  const fs::path file = scratch_.write("policy.yaml", "forbid:\n  providers: [probity_test]\n");
  ::chmod(file.c_str(), 0644);
  test_support::ScopedEnvironment environment("PROBITY_POLICY", file.string());
  for (const std::string& description : {request_probe(), "usdt:" + usdt_app.string() + ":probity_test:*"}) {
    const Outcome refused = probity(
        {"-q", "-x", "amin=Private", "-c", usdt_app.string(), "-n", description + " { printf(\"fired\\n\"); }"});
    EXPECT_NE(refused.status, 0) << description;
    EXPECT_EQ(refused.out.find("fired"), std::string::npos) << refused.out;
    EXPECT_NE(refused.err.find("site policy"), std::string::npos) << refused.err;
  }
  const Outcome run = probity({"-q", "-c", usdt_app.string(), "-s", object.string()});
  EXPECT_NE(run.status, 0);
  EXPECT_EQ(run.out.find("fired"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("event probity_test:request is forbidden by the site policy"), std::string::npos) << run.err;
  expect_no_uprobe_left();
}

TEST_F(UsdtTraceTest, AnObjectEditedToAnotherOffsetIsRefused) {
  const fs::path object = compile_request();
  // The site's offset follows the binary's path and the number of sites.
  test_support::Bytes bytes = test_support::read_bytes(object);
  const test_support::Bytes path = test_support::stored_string(usdt_app.string());
  const auto at = std::search(bytes.begin(), bytes.end(), path.begin(), path.end());
  ASSERT_NE(at, bytes.end());
  const auto offset_at = static_cast<std::size_t>(at - bytes.begin()) + path.size() + 4;
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < 8; ++i) offset |= std::uint64_t{bytes[offset_at + i]} << (8 * i);
  std::uint64_t request_offset = 0;
  for (const catalogue::SdtProbe& site : catalogue::read_sdt_notes(usdt_app)) {
    if (site.name == "request") request_offset = site.offset;
  }
  ASSERT_EQ(offset, request_offset);
  test_support::write_le(bytes, offset_at, offset + 1, 8);
  test_support::reseal(bytes);
  const fs::path edited = scratch_.path() / "edited.pob";
  test_support::write_bytes(edited, bytes);

  const Outcome run = probity({"-q", "-c", usdt_app.string(), "-s", edited.string()});
  EXPECT_NE(run.status, 0);
  EXPECT_EQ(run.out.find("fired"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("is not what the notes of " + usdt_app.string() + " say now"), std::string::npos) << run.err;
  expect_no_uprobe_left();
}

}  // namespace
}  // namespace probity
