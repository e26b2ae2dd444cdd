// probity --metrics ADDR:PORT: while a program runs, its aggregations are
// served at /metrics in Prometheus's text format, with the exact values of a
// known workload, and promtool (Prometheus's own checker) accepts them.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <regex>
#include <string>
#include <thread>

#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

using namespace std::chrono_literals;
using test_support::Outcome;

// A port nothing listens on now (the kernel's choice for port 0).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// GET /metrics on 127.0.0.1:port; the body, or "" when nothing answers.
std::string scrape(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) > 0;) response.append(buffer, static_cast<std::size_t>(got));
    }
  }
  ::close(fd);
  const std::size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

std::string sample(const std::string& text, const std::string& series) {
  const std::regex line("(^|\n)" + std::regex_replace(series, std::regex(R"([{}\[\]().*+?^$|\\])"), R"(\$&)") +
                        " ([^\n]+)");
  std::smatch found;
  return std::regex_search(text, found, line) ? found[2].str() : "";
}

TEST(Metrics, AggregationsAreServedWhileTheProgramRunsAndPromtoolAcceptsThem) {
  REQUIRE_TRACEFS();
  const int port = free_port();
  // Five forks by the target, one per /bin/true; it then becomes the sleep that keeps it alive.
  const std::string program =
      "sched:sched_process_fork /pid == $target/ { @forks = count(); @[execname] = count(); "
      "@pids = quantize(args->child_pid); @last = max(args->child_pid); }";
  auto run = std::async(std::launch::async, [&] {
    return test_support::run_process(PROBITY_BINARY,
                                     {"--metrics", "127.0.0.1:" + std::to_string(port), "-n", program, "-c",
                                      "sh -c 'for i in 1 2 3 4 5; do /bin/true; done; exec sleep 4'"});
  });
  std::string metrics;
  for (auto deadline = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < deadline;) {
    metrics = scrape(port);
    if (sample(metrics, "probity_forks_total") == "5") break;
    std::this_thread::sleep_for(200ms);
  }
  const Outcome outcome = run.get();
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  ASSERT_EQ(sample(metrics, "probity_forks_total"), "5") << metrics << outcome.err;
  EXPECT_NE(metrics.find("# TYPE probity_forks_total counter"), std::string::npos) << metrics;
  EXPECT_EQ(sample(metrics, R"(probity_aggregation_total{execname="sh"})"), "5") << metrics;
  EXPECT_NE(metrics.find("# TYPE probity_pids histogram"), std::string::npos) << metrics;
  EXPECT_EQ(sample(metrics, "probity_pids_count"), "5") << metrics;
  EXPECT_EQ(sample(metrics, R"(probity_pids_bucket{le="+Inf"})"), "5") << metrics;
  EXPECT_NE(metrics.find("# TYPE probity_last gauge"), std::string::npos) << metrics;
  EXPECT_GT(std::stoll(sample(metrics, "probity_last")), 0) << metrics;
  // The same numbers as the program prints at its end.
  EXPECT_NE(outcome.out.find(" 5\n"), std::string::npos) << outcome.out;

  if (std::system("command -v promtool >/dev/null 2>&1") != 0) GTEST_SKIP() << "promtool (package prometheus) is not installed";
  test_support::ScratchDirectory directory("probity-metrics");
  const auto file = directory.write("metrics.txt", metrics);
  const std::string check = "promtool check metrics < '" + file.string() + "' 2>&1";
  FILE* pipe = ::popen(check.c_str(), "r");
  std::string said;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) said += buffer;
  EXPECT_EQ(::pclose(pipe), 0) << said << metrics;
}

TEST(Metrics, AnAddressItCannotUseIsAnErrorBeforeTracing) {
  REQUIRE_TRACEFS();
  const Outcome bad = test_support::run_process(PROBITY_BINARY, {"--metrics", "localhost", "-n", "BEGIN { exit(0); }"});
  EXPECT_EQ(bad.status, 1) << bad.err;
  EXPECT_NE(bad.err.find("give HOST:PORT"), std::string::npos) << bad.err;
  const Outcome with_list = test_support::run_process(PROBITY_BINARY, {"--metrics", ":9464", "-l", "sched:*"});
  EXPECT_EQ(with_list.status, 2) << with_list.err;
}

}  // namespace
}  // namespace probity
