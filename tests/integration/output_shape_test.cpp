// DTrace's output shapes end to end, with the real probity binary on the live
// kernel: the CPU ID FUNCTION:NAME line of every firing without -q (BEGIN,
// a tick named as written, END, a clause that only calls exit()), the blank
// line and the aggregations at the end of a run, END after an exit() in
// BEGIN, and the "matched" line in dtrace's words. Expected texts follow
// DTrace for Linux (dtrace.c, dt_consume.c). Needs root.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

using test_support::Outcome;

Outcome run(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--index", PROBITY_INDEX_FILE});
  return test_support::run_process(PROBITY_BINARY, arguments);
}

// The text after the CPU and ID columns of each line ("%3d %6d "), as
// DTrace's own test suite compares it.
std::string without_cpu_and_id(const std::string& text) {
  std::string result;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    result += (line.size() > 11 ? line.substr(11) : line) + (end < text.size() ? "\n" : "");
    start = end + 1;
  }
  return result;
}

TEST(OutputShape, EveryFiringShowsItsProbeWithoutQuiet) {
  REQUIRE_TRACEFS();
  const Outcome outcome = run({"-n", "BEGIN { trace(\"hi\"); } tick-10ms { exit(0); } END { trace(7); }"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  // "%32s " for FUNCTION:NAME, then trace()'s "  %-33s" and " %19d".
  const auto probe = [](const std::string& name) { return std::string(32 - name.size(), ' ') + name + " "; };
  EXPECT_EQ(without_cpu_and_id(outcome.out),
            std::string(19, ' ') + "FUNCTION:NAME\n" +
            probe(":BEGIN") + "  hi" + std::string(31, ' ') + "\n" +
            probe(":tick-10ms") + "\n" +
            probe(":END") + std::string(19, ' ') + "7\n" +
            "\n");
  EXPECT_TRUE(outcome.out.starts_with("CPU     ID                    FUNCTION:NAME\n")) << outcome.out;
}

TEST(OutputShape, AggregationsFollowTheEndOfRunBlankLineOneAfterAnother) {
  REQUIRE_TRACEFS();
  const Outcome outcome = run({"-q", "-n", "BEGIN { @a = sum(450); @b = max(900); @c[3] = count(); exit(0); }"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out,
            "\n"
            "              450\n"
            "              900\n"
            "                3                1\n");
}

TEST(OutputShape, EndRunsAfterAnExitInBeginAndTheRunEndsWithABlankLine) {
  REQUIRE_TRACEFS();
  const Outcome outcome = run({"-q", "-n",
                               "BEGIN { printf(\"begin\\n\"); exit(0); } BEGIN { printf(\"never\\n\"); } "
                               "END { printf(\"end\\n\"); }"});
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "begin\nend\n\n");
}

TEST(OutputShape, TheMatchedLineIsDTracesAndPragmaQuietSilencesIt) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("probity-shape");
  const auto script = scratch.path() / "shape.d";
  std::ofstream(script) << "BEGIN { exit(0); }\n";
  const Outcome loud = run({"-s", script.string()});
  ASSERT_EQ(loud.status, 0) << loud.err;
  EXPECT_EQ(loud.err, "probity: script '" + script.string() + "' matched 1 probe\n");
  std::ofstream(script) << "#pragma D option quiet\nBEGIN { exit(0); }\n";
  const Outcome quiet = run({"-s", script.string()});
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(quiet.out, "\n");
}

}  // namespace
}  // namespace probity
