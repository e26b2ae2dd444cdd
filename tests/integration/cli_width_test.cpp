// Output that fits: the probity binary, run with its output in files (not a
// terminal), lays out --help and the listings for $COLUMNS columns, 80 when
// $COLUMNS is unset, and wraps its diagnostics to $COLUMNS when it is set.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/probity_process.hpp"

namespace {

using probity::test_support::Outcome;

// A catalogued release shipped with the source, so that no test depends on the
// kernel it runs on.
constexpr const char* shipped_release = "6.18.44-fc-v657";

// Runs probity with $COLUMNS set to `columns`, or unset.
Outcome run_probity(std::vector<std::string> arguments, std::optional<std::string> columns) {
  arguments.insert(arguments.begin(), {"--index", PROBITY_INDEX_FILE});
  return probity::test_support::run_process(PROBITY_BINARY, arguments, std::nullopt, [columns] {
    return columns ? ::setenv("COLUMNS", columns->c_str(), 1) == 0 : ::unsetenv("COLUMNS") == 0;
  });
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  for (const std::string& line : lines_of(text)) widest = std::max(widest, line.size());
  return widest;
}

// Every line of `text` in `width` columns, and no tab (whose width a reader's
// terminal decides).
void expect_fits(const std::string& text, std::size_t width) {
  for (const std::string& line : lines_of(text)) {
    EXPECT_LE(line.size(), width) << "too wide: " << line;
    EXPECT_EQ(line.find('\t'), std::string::npos) << "a tab in: " << line;
  }
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CliWidth, HelpIsOneScreenOfEightyColumns) {
  const Outcome help = run_probity({"--help"}, std::nullopt);
  ASSERT_EQ(help.status, 0) << help.err;
  EXPECT_LE(lines_of(help.out).size(), 24U) << help.out;
  expect_fits(help.out, 80);
  // It teaches the first commands and says where the rest is.
  EXPECT_TRUE(contains(help.out, "probity -l")) << help.out;
  EXPECT_TRUE(contains(help.out, "probity man")) << help.out;
  EXPECT_TRUE(contains(help.out, "--help=all")) << help.out;
  EXPECT_TRUE(contains(help.out, "man probity")) << help.out;
}

TEST(CliWidth, HelpAllNamesEveryOption) {
  for (const std::vector<std::string>& asked : {std::vector<std::string>{"--help=all"}, {"--help", "all"}}) {
    const Outcome all = run_probity(asked, std::nullopt);
    ASSERT_EQ(all.status, 0) << all.err;
    EXPECT_GT(lines_of(all.out).size(), 24U);
    for (const char* option : {"-n PROGRAM", "-s FILE", "-e ", "-v ", "-q ", "-o FILE", "-x NAME", "-c CMD",
                               "-p PID", "-f text|json", "-l, --list", "--verbose", "--kernel RELEASE",
                               "--index FILE", "--catalogue DIR", "--overlay FILE", "--version", "sign --key",
                               "keygen", "compat", "manual --format", "catalogue build"}) {
      EXPECT_TRUE(contains(all.out, option)) << "--help=all lacks " << option;
    }
  }
}

TEST(CliWidth, MistypedLongOptionsGetASuggestion) {
  const Outcome help = run_probity({"--hlep"}, std::nullopt);
  EXPECT_EQ(help.status, 2);
  EXPECT_TRUE(contains(help.err, "did you mean --help?")) << help.err;
  const Outcome kernel = run_probity({"-l", "--kernal", "6.1"}, std::nullopt);
  EXPECT_EQ(kernel.status, 2);
  EXPECT_TRUE(contains(kernel.err, "did you mean --kernel?")) << kernel.err;
}

TEST(CliWidth, ListingFitsTheWidthAndUsesIt) {
  const std::vector<std::string> list{"-l", "--kernel", shipped_release};
  const Outcome natural = run_probity(list, "1000");
  ASSERT_EQ(natural.status, 0) << natural.err;
  const std::size_t natural_width = lines_of(natural.out).front().size();
  ASSERT_GT(natural_width, 80U) << "the catalogue's longest names no longer need narrowing";

  for (const std::optional<std::string>& columns : {std::optional<std::string>{}, std::optional<std::string>{"80"}}) {
    const Outcome fitted = run_probity(list, columns);
    ASSERT_EQ(fitted.status, 0) << fitted.err;
    expect_fits(fitted.out, 80);
    EXPECT_EQ(lines_of(fitted.out).size(), lines_of(natural.out).size());
  }
  const Outcome wider = run_probity(list, "120");
  ASSERT_EQ(wider.status, 0) << wider.err;
  expect_fits(wider.out, 120);
  EXPECT_GT(widest_line(wider.out), 80U);
  EXPECT_EQ(widest_line(wider.out), std::min<std::size_t>(natural_width, 120));
  // A name that fits is printed whole.
  EXPECT_TRUE(contains(wider.out, "sched_switch")) << wider.out;
}

TEST(CliWidth, VerboseListingIsLaidOutLikeTheManualEntry) {
  const std::vector<std::string> list{"-lv", "sched:sched_switch", "--kernel", shipped_release};
  const Outcome fitted = run_probity(list, std::nullopt);
  ASSERT_EQ(fitted.status, 0) << fitted.err;
  expect_fits(fitted.out, 80);
  for (const char* heading : {"STABILITY", "HAZARD", "AVAILABILITY", "FIELDS"}) {
    EXPECT_TRUE(contains(fitted.out, std::string("\n") + heading + "\n")) << fitted.out;
  }
  EXPECT_TRUE(contains(fitted.out, "    pid_t prev_pid;\n")) << fitted.out;
  EXPECT_EQ(fitted.out, run_probity(list, "80").out);

  const Outcome wider = run_probity(list, "120");
  ASSERT_EQ(wider.status, 0) << wider.err;
  expect_fits(wider.out, 120);
  EXPECT_GT(widest_line(wider.out), 80U) << wider.out;
}

TEST(CliWidth, LongDiagnosticsAreWrappedKeepingTheirFirstLine) {
  // An unknown field: the hint lists the event's fields, far wider than 80 columns.
  const std::vector<std::string> program{"-e", "--kernel", shipped_release, "-n",
                                         "sched:sched_switch { @[args->prev_pdi] = count(); }"};
  const Outcome unwrapped = run_probity(program, "1000");
  EXPECT_EQ(unwrapped.status, 1);
  ASSERT_GT(widest_line(unwrapped.err), 80U) << unwrapped.err;

  const Outcome wrapped = run_probity(program, "80");
  EXPECT_EQ(wrapped.status, 1);
  expect_fits(wrapped.err, 80);
  const std::vector<std::string> lines = lines_of(wrapped.err);
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.front().find(":1:") != std::string::npos && contains(lines.front(), ": error: ")) << wrapped.err;
  EXPECT_GT(lines.size(), lines_of(unwrapped.err).size());

  // In a pipe without $COLUMNS, for the tools that read it, each message and
  // hint stays on one line.
  EXPECT_EQ(run_probity(program, std::nullopt).err, unwrapped.err);

}

// probity's own notes on stderr wrap as the diagnostics do: to $COLUMNS,
// and one line each in a pipe.
TEST(CliWidth, NotesOnStderrAreWrappedToo) {
  const Outcome narrow = run_probity({"-l", "sched:sched_switch"}, "40");
  ASSERT_EQ(narrow.status, 0) << narrow.err;
  if (!contains(narrow.err, "RUNNING")) GTEST_SKIP() << "sched_switch is not in the running kernel";
  expect_fits(narrow.err, 40);
  EXPECT_GT(lines_of(narrow.err).size(), 1U) << narrow.err;
  EXPECT_TRUE(narrow.err.starts_with("probity: note: ")) << narrow.err;

  const Outcome piped = run_probity({"-l", "sched:sched_switch"}, std::nullopt);
  ASSERT_EQ(piped.status, 0) << piped.err;
  for (const std::string& line : lines_of(piped.err)) EXPECT_TRUE(line.starts_with("probity: ")) << line;
}

TEST(CliWidth, AGlobThatLeavesOutProbesWarnsBrieflyAndVerboseListsThem) {
  // sched_wake_idle_without_ipi is below the default threshold in the shipped catalogue.
  const std::vector<std::string> program{"-e", "--kernel", shipped_release, "-n",
                                         "sched:sched_wak* { @[probename] = count(); }"};
  const Outcome brief = run_probity(program, "1000");
  ASSERT_EQ(brief.status, 0) << brief.err;
  std::vector<std::string> warning;
  for (const std::string& line : lines_of(brief.err)) {
    if (!line.starts_with("probity: ")) warning.push_back(line);
  }
  ASSERT_EQ(warning.size(), 2U) << brief.err;
  EXPECT_TRUE(contains(warning[0], "warning: sched:sched_wak* leaves out 1 probe")) << brief.err;
  EXPECT_TRUE(contains(warning[1], "-x amin=")) << brief.err;
  EXPECT_FALSE(contains(brief.err, "sched_wake_idle_without_ipi")) << brief.err;

  const Outcome verbose = run_probity({"-e", "-v", "--kernel", shipped_release, "-n",
                                       "sched:sched_wak* { @[probename] = count(); }"},
                                      "1000");
  ASSERT_EQ(verbose.status, 0) << verbose.err;
  EXPECT_TRUE(contains(verbose.err, "sched:sched_wake_idle_without_ipi")) << verbose.err;
}

}  // namespace
