// Symbolic fields on the live kernel: printf's %s of a field whose values the
// event's print format names (__print_symbolic) prints the running kernel's
// name for the value, and probity -lv lists the names. The expected names
// are read from the live format file here, never written into the test, so
// no kernel build's numbering is assumed. Needs root.
#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "support/probity_process.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

namespace fs = std::filesystem;

test_support::Outcome probity(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--index", PROBITY_INDEX_FILE});
  return test_support::run_process(PROBITY_BINARY, arguments);
}

// value -> name of the first __print_symbolic on REC->`field` in the event's
// format, read with a regular expression (the test's own reading, independent
// of libtraceevent's).
std::map<long long, std::string> symbols_in_format(const std::string& system, const std::string& event,
                                                  const std::string& field) {
  std::ifstream in(test_support::tracefs_mount / "events" / system / event / "format");
  std::stringstream text;
  text << in.rdbuf();
  const std::string format = text.str();
  const std::string call = "__print_symbolic(REC->" + field + ",";
  const std::size_t at = format.find(call);
  std::map<long long, std::string> names;
  if (at == std::string::npos) return names;
  const std::size_t end = format.find(')', at);
  const std::string table = format.substr(at + call.size(), end - at - call.size());
  const std::regex pair(R"(\{\s*(-?(?:0x[0-9a-fA-F]+|\d+))\s*,\s*\"([^\"]*)\"\s*\})");
  for (std::sregex_iterator it(table.begin(), table.end(), pair), last; it != last; ++it) {
    names.emplace(std::stoll((*it)[1].str(), nullptr, 0), (*it)[2].str());
  }
  return names;
}

class ValueNamesLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_TRACEFS();
    // softirq_entry fires on every timer tick; its vec is decoded by
    // __print_symbolic in every kernel Probity supports.
    names_ = symbols_in_format("irq", "softirq_entry", "vec");
    if (names_.empty()) GTEST_SKIP() << "irq:softirq_entry's print format names no vec values on this kernel";
    // A catalogued release whose shipped snapshot carries no value names
    // (6.18.44-fc-v657, harvested from a build not at hand) compiles %s of
    // no field; any other kernel is harvested live, tables included.
    struct utsname names {};
    ::uname(&names);
    const fs::path snapshot = fs::path(PROBITY_CATALOGUE_SOURCE_DIR) / "kernels" / (std::string(names.release) + ".yaml");
    std::ifstream shipped(snapshot);
    std::stringstream text;
    text << shipped.rdbuf();
    if (shipped && text.str().find("\n      values:\n") == std::string::npos) {
      GTEST_SKIP() << snapshot << " describes this kernel and has no value names";
    }
  }
  std::map<long long, std::string> names_;
};

TEST_F(ValueNamesLiveTest, PercentSPrintsTheRunningKernelsNameOfTheValue) {
  const test_support::Outcome outcome =
      probity({"-q", "-n", "irq:softirq_entry { printf(\"%d=%s\\n\", args->vec, args->vec); exit(0); }"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  std::istringstream lines(outcome.out);
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const std::size_t equals = line.find('=');
    ASSERT_NE(equals, std::string::npos) << line;
    const long long value = std::stoll(line.substr(0, equals));
    const auto found = names_.find(value);
    const std::string expected = found == names_.end() ? std::to_string(value) : found->second;
    EXPECT_EQ(line.substr(equals + 1), expected) << line;
    ++checked;
  }
  EXPECT_GE(checked, 1) << outcome.out;
}

TEST_F(ValueNamesLiveTest, PercentSOfAFieldWithoutNamesIsStillAnError) {
  const test_support::Outcome outcome =
      probity({"-q", "-n", "sched:sched_switch { printf(\"%s\\n\", args->prev_pid); exit(0); }"});
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.err.find("%s prints the name of a field whose values the kernel's print format names"),
            std::string::npos)
      << outcome.err;
}

TEST_F(ValueNamesLiveTest, ListingVerboselyNamesTheValues) {
  const test_support::Outcome outcome = probity({"-lv", "irq:softirq_entry"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  // The listing wraps lines: compare with whitespace runs made one space.
  const std::string text = std::regex_replace(outcome.out, std::regex(R"(\s+)"), " ");
  EXPECT_NE(text.find("Values on "), std::string::npos) << outcome.out;
  for (const auto& [value, name] : names_) {
    EXPECT_NE(text.find(std::to_string(value) + " " + name), std::string::npos) << name << "\n" << outcome.out;
  }
}

}  // namespace
}  // namespace probity
