// The guide's example scripts (docs/manual/examples/*.d) run on the live
// kernel with the real probity binary. Every script in the directory is run
// (a new one is tested without touching this file), with the options its
// "Run:" line gives (-q: the others are its own pragmas), as
// `probity -s SCRIPT -c WORKLOAD`: the workload starts
// once tracing is on and the run ends when it exits, so END prints what the
// script collected. Each known example's output must show the events its
// workload made: the workload's command name, its system call counts, a
// histogram row. The examples chapter (docs/manual/guide/examples.md) must
// quote every script verbatim.
//
// The workload is this test binary itself, re-executed by probity with
// PROBITY_EXAMPLE_WORKLOAD=NAME in its environment: a static initializer runs
// the workload and exits before GoogleTest's main. It is exec'd through a
// symbolic link named after the workload (pbx-syscalls, ...), so its command
// name is that from its first event on: probity reads execname from /proc
// when it consumes a record, which may be before a prctl(PR_SET_NAME).
//
// PROBITY_EXAMPLES_OUTPUT=DIR keeps each example's stdout as DIR/NAME.out
// (the samples quoted in examples.md come from there).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* workload_variable = "PROBITY_EXAMPLE_WORKLOAD";
constexpr const char* cgroup_variable = "PROBITY_EXAMPLE_CGROUP";

const fs::path manual_dir = fs::path(PROBITY_CATALOGUE_SOURCE_DIR).parent_path().parent_path() / "docs" / "manual";
const fs::path examples_dir = manual_dir / "examples";

// ------------------------------------------------------------ workloads
//
// Each runs in the re-executed test binary, under a command name of its own
// (prctl), and makes its example's events happen a known number of times.

void name_task(const char* comm) { ::prctl(PR_SET_NAME, comm, 0, 0, 0); }

void sleep_for(std::chrono::nanoseconds duration) {
  timespec pause{.tv_sec = static_cast<time_t>(duration.count() / 1'000'000'000),
                 .tv_nsec = static_cast<long>(duration.count() % 1'000'000'000)};
  while (::nanosleep(&pause, &pause) != 0 && errno == EINTR) {
  }
}

constexpr int getppid_calls = 1000;
constexpr int failed_opens = 10;

void syscalls_workload() {
  for (int i = 0; i < getppid_calls; ++i) ::syscall(SYS_getppid);
  for (int i = 0; i < failed_opens; ++i) ::openat(AT_FDCWD, "/nonexistent/probity-example", O_RDONLY);
}

constexpr int execs = 3;

void exec_workload() {
  for (int i = 0; i < execs; ++i) {
    const pid_t child = ::fork();
    if (child == 0) {
      ::execl("/bin/true", "true", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::waitpid(child, nullptr, 0);
  }
}

constexpr int signals_sent = 5;
volatile sig_atomic_t signals_handled = 0;

void signal_workload() {
  struct sigaction action {};
  action.sa_handler = [](int) { signals_handled = signals_handled + 1; };
  ::sigaction(SIGUSR1, &action, nullptr);
  for (int i = 0; i < signals_sent; ++i) ::kill(::getpid(), SIGUSR1);
}

// Writes and fsyncs a file on disk (/var/tmp: /tmp may be tmpfs), then
// dirties it again and lets sync() hand it to the flusher workqueue.
void disk_workload() {
  std::string path = "/var/tmp/probity-example-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return;
  ::unlink(path.c_str());
  std::vector<char> block(256 * 1024, 'p');
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 4; ++i) {
      if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i * block.size())) < 0) break;
    }
    ::fsync(fd);
  }
  if (::pwrite(fd, block.data(), block.size(), 0) >= 0) ::sync();
  ::close(fd);
  sleep_for(200ms);
}

constexpr int ping_pongs = 2000;

// Two processes pass a byte back and forth (every pass blocks one and wakes
// the other), then the parent is moved between CPUs by its affinity mask.
void sched_workload() {
  int to_child[2];
  int to_parent[2];
  if (::pipe(to_child) != 0 || ::pipe(to_parent) != 0) return;
  const pid_t child = ::fork();
  char byte = 'x';
  if (child == 0) {
    for (int i = 0; i < ping_pongs; ++i) {
      if (::read(to_child[0], &byte, 1) != 1 || ::write(to_parent[1], &byte, 1) != 1) break;
    }
    ::_exit(0);
  }
  for (int i = 0; i < ping_pongs; ++i) {
    if (::write(to_child[1], &byte, 1) != 1 || ::read(to_parent[0], &byte, 1) != 1) break;
  }
  ::waitpid(child, nullptr, 0);
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  for (int i = 0; cpus > 1 && i < 10; ++i) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<std::size_t>(i % 2), &set);
    ::sched_setaffinity(0, sizeof set, &set);
    ::sched_yield();
  }
}

constexpr std::size_t fault_bytes = 64 << 20;

void faults_workload() {
  void* memory = ::mmap(nullptr, fault_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;
  ::madvise(memory, fault_bytes, MADV_NOHUGEPAGE);  // one fault per 4 KiB page, not per 2 MiB
  auto* bytes = static_cast<volatile char*>(memory);
  for (std::size_t offset = 0; offset < fault_bytes; offset += 4096) bytes[offset] = 1;
  ::munmap(memory, fault_bytes);
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  return address;
}

// A port nobody listens on: bound, looked up, closed again.
std::uint16_t closed_port() {
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(probe);
  return ntohs(address.sin_port);
}

constexpr int refused_connects = 3;

void tcp_reset_workload() {
  const sockaddr_in address = loopback(closed_port());
  for (int i = 0; i < refused_connects; ++i) {
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    ::connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address);  // ECONNREFUSED
    ::close(client);
  }
}

// A listener whose accept queue is full drops further SYNs, so their
// connect()s retransmit the SYN after the initial 1 s timeout.
void tcp_retransmit_workload() {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  ::listen(listener, 0);
  std::vector<int> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    ::connect(clients.back(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  }
  sleep_for(1500ms);
  for (int client : clients) ::close(client);
  ::close(listener);
}

// Loopback TCP traffic: NET_RX softirqs.
void network_workload() {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  ::listen(listener, 1);
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    const int server = ::accept(listener, nullptr, nullptr);
    std::array<char, 4096> buffer{};
    for (int i = 0; i < 100; ++i) {
      if (::write(client, buffer.data(), buffer.size()) < 0 || ::read(server, buffer.data(), buffer.size()) < 0) break;
    }
    ::close(server);
  }
  ::close(client);
  ::close(listener);
}

constexpr int timer_sleeps = 200;

void timers_workload() {
  for (int i = 0; i < timer_sleeps; ++i) sleep_for(1ms);
}

// Makes a child exceed the memory limit of the cgroup named in
// $PROBITY_EXAMPLE_CGROUP (prepared by the test), so the OOM killer kills it.
void oom_workload() {
  const char* procs = ::getenv(cgroup_variable);
  if (procs == nullptr) return;
  const pid_t child = ::fork();
  if (child == 0) {
    name_task("pbx-oom-victim");
    std::ofstream(procs) << ::getpid() << std::flush;
    constexpr std::size_t size = 512 << 20;
    void* memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) ::_exit(1);
    auto* bytes = static_cast<volatile char*>(memory);
    for (std::size_t offset = 0; offset < size; offset += 4096) bytes[offset] = 1;
    ::_exit(0);  // not reached when the limit holds
  }
  ::waitpid(child, nullptr, 0);
}

void everything_workload() {
  syscalls_workload();
  exec_workload();
  signal_workload();
  disk_workload();
  sched_workload();
  faults_workload();
  tcp_reset_workload();
  network_workload();
  timers_workload();
}

struct Workload {
  const char* comm;  // the command name it runs under
  void (*run)();
};

const std::map<std::string, Workload>& workloads() {
  static const std::map<std::string, Workload> table{
      {"syscalls", {"pbx-syscalls", syscalls_workload}},
      {"exec", {"pbx-exec", exec_workload}},
      {"signal", {"pbx-signal", signal_workload}},
      {"disk", {"pbx-disk", disk_workload}},
      {"sched", {"pbx-sched", sched_workload}},
      {"faults", {"pbx-faults", faults_workload}},
      {"tcp-reset", {"pbx-tcp-reset", tcp_reset_workload}},
      {"tcp-retransmit", {"pbx-tcp-retx", tcp_retransmit_workload}},
      {"network", {"pbx-network", network_workload}},
      {"timers", {"pbx-timers", timers_workload}},
      {"oom", {"pbx-oom", oom_workload}},
      {"everything", {"pbx-everything", everything_workload}},
  };
  return table;
}

// Runs before main when this binary was started as a workload.
[[maybe_unused]] const bool workload_ran = [] {
  const char* name = ::getenv(workload_variable);
  if (name == nullptr) return false;
  const auto found = workloads().find(name);
  if (found == workloads().end()) ::_exit(2);
  name_task(found->second.comm);
  found->second.run();
  ::_exit(0);
}();

// ------------------------------------------------------------ expectations

// A regular expression the output must match; with a capture group, the
// captured number must be at least `at_least`.
struct Expect {
  std::string pattern;
  long long at_least = 0;
};

// A power-of-two histogram with at least one non-empty bucket.
const Expect histogram_row{R"([0-9]+ \|[@ ]+[1-9][0-9]* )"};

struct Example {
  std::string workload;
  std::vector<Expect> expects;
};

std::string number(long long value) { return std::to_string(value); }

const std::map<std::string, Example>& known_examples() {
  static const std::map<std::string, Example> table{
      {"syscalls-by-process", {"syscalls", {{R"(pbx-syscalls +[0-9]+ +([0-9]+))", getppid_calls}}}},
      {"syscalls-of-a-process",
       {"syscalls", {{R"(sys_enter_getppid +([0-9]+))", getppid_calls}, {R"(sys_enter_openat +([0-9]+))", failed_opens}}}},
      {"syscall-errors", {"syscalls", {{"pbx-syscalls +" + number(SYS_openat) + " +-2 +([0-9]+)", failed_opens}}}},
      {"syscall-latency", {"syscalls", {{"syscall " + number(SYS_getppid) + ", microseconds:"}, histogram_row}}},
      {"execsnoop", {"exec", {{R"([0-9]+ +[0-9]+ +true +/bin/true)"}}}},
      {"exitsnoop", {"exec", {{R"([0-9]+ +true +[0-9]+ ms)"}}}},
      {"signals-sent",
       {"signal", {{R"(pbx-signal +[0-9]+ +)" + number(SIGUSR1) + R"( +pbx-signal +[0-9]+ +0 +([0-9]+))", signals_sent}}}},
      {"signals-delivered", {"signal", {{"pbx-signal +" + number(SIGUSR1) + " +handler +([0-9]+)", signals_sent}}}},
      {"biolatency", {"disk", {{R"(dev [0-9]+ W[A-Z]*, microseconds:)"}, histogram_row}}},
      {"bio-by-process", {"disk", {{"COMM +RWBS +REQUESTS +BYTES"}, {R"(\n\S+ +W[A-Z]* +[1-9][0-9]* +[1-9][0-9]*)"}}}},
      {"bio-sizes", {"disk", {histogram_row}}},
      {"runqlat", {"sched", {histogram_row}}},
      // Each pass blocks the reader unless its partner was quicker: at least a quarter do.
      {"context-switches", {"sched", {{R"(pbx-sched +voluntary +([0-9]+))", ping_pongs / 4}}}},
      {"offcpu-time", {"sched", {{R"(pbx-sched +blocked +[0-9]+)"}}}},
      {"cpu-migrations", {"sched", {{R"(pbx-sched +[0-9]+ +[0-9]+ +([0-9]+))", 1}}}},
      {"page-faults", {"faults", {{R"(pbx-faults +[0-9]+ +write +([0-9]+))", 1000}}}},
      {"oom-kills", {"oom", {}}},  // the victim line is required in the test when a memory cgroup can be made
      {"tcp-resets",
       {"tcp-reset",
        {{R"(received reset: 127\.0\.0\.1:[0-9]+ <- 127\.0\.0\.1:[0-9]+)"}, {R"(\n\S+ +0 +([0-9]+))", refused_connects}}}},
      {"tcp-retransmits", {"tcp-retransmit", {{R"(retransmit 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:[0-9]+ state 2)"}}}},
      {"hardirq-time", {"disk", {{R"(\n +[0-9]+ \S+ +[0-9]+ +[1-9][0-9]* +[0-9]+)"}}}},
      {"softirq-time", {"network", {{R"(softirq vector [0-9]+, microseconds:)"}, histogram_row}}},
      {"timer-lateness", {"timers", {{"hrtimer lateness, microseconds:"}, histogram_row}}},
      {"writeback-stalls",
       {"disk", {{"fsync/fdatasync by pbx-disk, microseconds:"}, histogram_row, {R"(pbx-disk +\S+ +([0-9]+))", 1}}}},
      {"workqueue-latency", {"disk", {{R"(workqueue \S+, microseconds:)"}, histogram_row}}},
  };
  return table;
}

// ------------------------------------------------------------ running

std::string read_text(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

std::vector<fs::path> example_scripts() {
  std::vector<fs::path> scripts;
  std::error_code error;
  if (!fs::is_directory(examples_dir, error)) return scripts;
  for (const auto& entry : fs::directory_iterator(examples_dir)) {
    if (entry.path().extension() == ".d") scripts.push_back(entry.path());
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

// The options of the script's "Run:" line that change what it may use or
// print: -q and every -x NAME=VALUE.
std::vector<std::string> run_options(const std::string& script) {
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("Run:") == std::string::npos) continue;
    std::istringstream words(line.substr(line.find("Run:") + 4));
    std::vector<std::string> options;
    for (std::string word; words >> word;) {
      if (word == "-q") options.push_back(word);
      if (word == "-x" && words >> word) options.insert(options.end(), {"-x", word});
    }
    return options;
  }
  return {};
}

std::string self_executable() { return fs::read_symlink("/proc/self/exe").string(); }

struct ExampleOutcome {
  test_support::Outcome outcome;
  std::vector<std::string> arguments;
};

ExampleOutcome run_example(const fs::path& script, const std::string& workload,
                const std::vector<std::pair<std::string, std::string>>& environment) {
  const test_support::ScratchDirectory scratch("probity-example");
  const fs::path command = scratch.path() / workloads().at(workload).comm;
  fs::create_symlink(self_executable(), command);
  for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
  ::setenv(workload_variable, workload.c_str(), 1);
  std::vector<std::string> arguments{"--index", PROBITY_INDEX_FILE};
  for (const std::string& option : run_options(read_text(script))) arguments.push_back(option);
  arguments.insert(arguments.end(), {"-s", script.string(), "-c", command.string()});
  // Every workload ends within seconds; a run that hangs is killed and fails.
  std::vector<std::string> bounded{"--signal=KILL", "120", PROBITY_BINARY};
  bounded.insert(bounded.end(), arguments.begin(), arguments.end());
  ExampleOutcome run{test_support::run_process("/usr/bin/timeout", bounded), arguments};
  ::unsetenv(workload_variable);
  for (const auto& [name, value] : environment) ::unsetenv(name.c_str());
  return run;
}

void keep_output(const std::string& name, const std::string& out) {
  const char* directory = ::getenv("PROBITY_EXAMPLES_OUTPUT");
  if (directory == nullptr) return;
  fs::create_directories(directory);
  std::ofstream(fs::path(directory) / (name + ".out")) << out;
}

void check_expectation(const std::string& out, const Expect& expect) {
  std::smatch match;
  const std::regex pattern(expect.pattern);
  ASSERT_TRUE(std::regex_search(out, match, pattern)) << "no match for /" << expect.pattern << "/ in:\n" << out;
  if (match.size() > 1) {
    EXPECT_GE(std::stoll(match[1].str()), expect.at_least) << "in the line: " << match[0].str();
  }
}

// A memory cgroup with a 32 MiB limit, removed afterwards: cgroup v2's
// memory.max where the memory controller is on a cgroup2 mount, else v1's
// memory.limit_in_bytes. `procs` is its cgroup.procs.
class MemoryCgroup {
 public:
  static std::optional<MemoryCgroup> make() {
    const std::string name = "probity-example-oom-" + std::to_string(::getpid());
    for (const fs::path& root : {fs::path("/sys/fs/cgroup"), fs::path("/sys/fs/cgroup/unified")}) {
      const std::string controllers = read_text(root / "cgroup.controllers");
      if (controllers.find("memory") == std::string::npos) continue;
      std::ofstream(root / "cgroup.subtree_control") << "+memory" << std::flush;
      std::error_code error;
      if (!fs::create_directory(root / name, error)) continue;
      MemoryCgroup group(root / name);
      if (!(std::ofstream(root / name / "memory.max") << "33554432" << std::flush)) continue;
      std::ofstream(root / name / "memory.swap.max") << "0" << std::flush;
      return group;
    }
    const fs::path v1 = "/sys/fs/cgroup/memory";
    std::error_code error;
    if (fs::exists(v1 / "memory.limit_in_bytes") && fs::create_directory(v1 / name, error)) {
      MemoryCgroup group(v1 / name);
      if (std::ofstream(v1 / name / "memory.limit_in_bytes") << "33554432" << std::flush) return group;
    }
    return std::nullopt;
  }
  MemoryCgroup(MemoryCgroup&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  MemoryCgroup& operator=(MemoryCgroup&&) = delete;
  ~MemoryCgroup() {
    if (path_.empty()) return;
    // The victim was killed; its exit may still be in progress.
    for (int attempt = 0; attempt < 50 && ::rmdir(path_.c_str()) != 0 && errno == EBUSY; ++attempt) {
      std::this_thread::sleep_for(100ms);
    }
  }
  fs::path procs() const { return path_ / "cgroup.procs"; }

 private:
  explicit MemoryCgroup(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

// ------------------------------------------------------------ tests

TEST(Examples, TheChapterHasAtLeastTwentyScripts) {
  EXPECT_GE(example_scripts().size(), 20u) << "in " << examples_dir;
}

TEST(Examples, EveryScriptStatesWhatItAnswersAndHowToRunIt) {
  for (const fs::path& script : example_scripts()) {
    SCOPED_TRACE(script.filename().string());
    const std::string text = read_text(script);
    ASSERT_TRUE(text.starts_with("/*\n * " + script.filename().string() + ": ")) << "the header names the file";
    EXPECT_NE(text.find(" * Run:     probity "), std::string::npos);
    EXPECT_NE(text.find(" * Options: "), std::string::npos);
    // An option the script needs is its own #pragma, which its header
    // explains, never a -x the reader must remember to type.
    const bool needs_options = text.find(" * Options: none") == std::string::npos;
    EXPECT_EQ(text.find("#pragma D option") != std::string::npos, needs_options);
    EXPECT_EQ(text.find(" -x "), std::string::npos) << "an option on the Run: line instead of a pragma";
  }
}

// Each script runs as written: `probity -e -s SCRIPT` compiles it with no
// flag at all, and `probity compat --all` accepts it on every catalogued
// release, reading its pragmas the same way.
TEST(Examples, EveryScriptCompilesAndChecksAsWrittenWithNoOption) {
  REQUIRE_TRACEFS();
  for (const fs::path& script : example_scripts()) {
    SCOPED_TRACE(script.filename().string());
    const test_support::Outcome compiled =
        test_support::run_process(PROBITY_BINARY, {"--index", PROBITY_INDEX_FILE, "-e", "-s", script.string()});
    EXPECT_EQ(compiled.status, 0) << compiled.err;
    const test_support::Outcome checked = test_support::run_process(
        PROBITY_BINARY, {"compat", "--index", PROBITY_INDEX_FILE, "-s", script.string(), "--all"});
    EXPECT_EQ(checked.status, 0) << checked.out << checked.err;
  }
}

TEST(Examples, TheGuideQuotesEveryScriptVerbatim) {
  const std::string guide = read_text(manual_dir / "guide" / "examples.md");
  ASSERT_FALSE(guide.empty());
  for (const fs::path& script : example_scripts()) {
    EXPECT_NE(guide.find("```d\n" + read_text(script) + "```\n"), std::string::npos)
        << "examples.md does not quote " << script.filename() << " as it is";
  }
}

class ExampleRun : public testing::TestWithParam<fs::path> {};

TEST_P(ExampleRun, RunsOnTheLiveKernelAndShowsItsWorkload) {
  REQUIRE_TRACEFS();
  const fs::path& script = GetParam();
  const std::string name = script.stem().string();
  const auto known = known_examples().find(name);
  const Example example = known != known_examples().end() ? known->second : Example{"everything", {}};

  const std::optional<MemoryCgroup> cgroup = example.workload == "oom" ? MemoryCgroup::make() : std::nullopt;
  std::vector<std::pair<std::string, std::string>> environment;
  if (cgroup) environment.emplace_back(cgroup_variable, cgroup->procs().string());
  const auto started = std::chrono::steady_clock::now();
  const ExampleOutcome run = run_example(script, example.workload, environment);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  keep_output(name, run.outcome.out);
  std::string command = "probity";
  for (const std::string& argument : run.arguments) command += " " + argument;
  SCOPED_TRACE(command + " (" + std::to_string(seconds) + " s)\nstderr:\n" + run.outcome.err);

  EXPECT_EQ(run.outcome.status, 0);
  EXPECT_EQ(run.outcome.err.find("error:"), std::string::npos);
  EXPECT_EQ(run.outcome.out.find("error:"), std::string::npos);
  for (const Expect& expect : example.expects) check_expectation(run.outcome.out, expect);
  if (name == "oom-kills" && !cgroup) {
    std::cerr << "oom-kills.d ran without an OOM kill: no writable memory cgroup here\n";
    return;
  }
  EXPECT_FALSE(run.outcome.out.empty()) << "the example printed nothing";
  if (name == "oom-kills") {
    check_expectation(run.outcome.out, {R"(victim pid [0-9]+ \(pbx-oom-victim\) uid 0 total-vm [1-9][0-9]*kB)"});
  }
}

// One test per script found in the directory, named after it.
INSTANTIATE_TEST_SUITE_P(Examples, ExampleRun, testing::ValuesIn(example_scripts()),
                         [](const testing::TestParamInfo<fs::path>& parameter) {
                           std::string name = parameter.param.stem().string();
                           std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace probity
