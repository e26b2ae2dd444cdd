// probity man, probity manual and probity catalogue stats, run as a user
// would. They read only the catalogue index: no root, no tracefs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/manual/coverage.hpp"
#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using probity::test_support::Outcome;

constexpr uid_t nobody_id = 65534;

Outcome run_probity(std::vector<std::string> arguments, std::optional<uid_t> uid = std::nullopt) {
  arguments.insert(arguments.end(), {"--index", PROBITY_INDEX_FILE});
  return probity::test_support::run_process(PROBITY_BINARY, arguments, uid);
}

Outcome run_probity_plain(const std::vector<std::string>& arguments) {
  return probity::test_support::run_process(PROBITY_BINARY, arguments);
}

// docs/manual in the source tree: PROBITY_CATALOGUE_SOURCE_DIR is <source>/catalogue/data.
fs::path manual_source_dir() {
  return fs::path(PROBITY_CATALOGUE_SOURCE_DIR).parent_path().parent_path() / "docs" / "manual";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using probity::test_support::read_file;

std::string newest_release() {
  std::vector<std::string> releases = probity::catalogue::Index::open(PROBITY_INDEX_FILE).releases();
  std::sort(releases.begin(), releases.end(), [](const std::string& a, const std::string& b) {
    return probity::catalogue::release_less(a, b);
  });
  return releases.back();
}

TEST(CliMan, PrintsTheEntryOfAProbeInEverySpelling) {
  const Outcome canonical = run_probity({"man", "sched:sched_switch"});
  ASSERT_EQ(canonical.status, 0) << canonical.err;
  EXPECT_TRUE(canonical.out.starts_with("sched:sched_switch\n")) << canonical.out;
  for (const std::string heading : {"\nSTABILITY\n", "\nHAZARD\n", "\nAVAILABILITY\n", "\nFIELDS\n", "\nEXAMPLE\n"}) {
    EXPECT_TRUE(contains(canonical.out, heading)) << heading << "\n" << canonical.out;
  }
  EXPECT_TRUE(contains(canonical.out, "char prev_comm[16];")) << canonical.out;
  for (const std::string spelling : {"sched:::sched_switch", "tracepoint:sched:sched_switch", "sched_switch"}) {
    const Outcome other = run_probity({"man", spelling});
    EXPECT_EQ(other.status, 0) << spelling << ": " << other.err;
    EXPECT_EQ(other.out, canonical.out) << spelling;
  }
}

TEST(CliMan, WorksWithoutRootAndWithoutTracefs) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run probity as another user";
  const Outcome outcome = run_probity({"man", "sched:sched_switch"}, nobody_id);
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_TRUE(contains(outcome.out, "\nFIELDS\n")) << outcome.out;
  EXPECT_EQ(outcome.err, "");
}

TEST(CliMan, WrapsToColumns) {
  ::setenv("COLUMNS", "60", 1);
  const Outcome narrow = run_probity({"man", "sched:sched_process_exec"});
  ::unsetenv("COLUMNS");
  ASSERT_EQ(narrow.status, 0) << narrow.err;
  std::size_t start = 0;
  std::size_t longest = 0;
  while (start < narrow.out.size()) {
    const std::size_t end = narrow.out.find('\n', start);
    const std::string line = narrow.out.substr(start, end - start);
    if (line.find(' ', line.find_first_not_of(' ')) != std::string::npos) longest = std::max(longest, line.size());
    start = end + 1;
  }
  EXPECT_LE(longest, 60u) << narrow.out;
  EXPECT_GT(longest, 45u) << "the text uses the width it has";
}

TEST(CliMan, UnknownProbeFailsWithSuggestions) {
  const Outcome outcome = run_probity({"man", "sched:sched_swich"});
  EXPECT_EQ(outcome.status, 1);
  EXPECT_EQ(outcome.out, "");
  EXPECT_TRUE(contains(outcome.err, "probity: no catalogued release has the probe \"sched:sched_swich\"")) << outcome.err;
  EXPECT_TRUE(contains(outcome.err, "did you mean sched:sched_switch")) << outcome.err;
}

TEST(CliMan, AProviderNameAloneSaysHowToListAndDescribeItsProbes) {
  const Outcome outcome = run_probity({"man", "sched"});
  EXPECT_EQ(outcome.status, 1);
  EXPECT_EQ(outcome.out, "");
  EXPECT_TRUE(contains(outcome.err, "sched is a provider: probity -l 'sched:*' lists its probes, and probity man "
                                    "sched:PROBE describes one"))
      << outcome.err;
}

TEST(CliMan, ADiagnosticTagPrintsItsEntryOfTheManual) {
  const Outcome hot = run_probity({"man", "D_HAZARD_HOT"});
  EXPECT_EQ(hot.status, 0) << hot.err;
  EXPECT_TRUE(hot.out.starts_with("D_HAZARD_HOT\n\n    A very high-rate probe")) << hot.out;
  EXPECT_TRUE(contains(hot.out, "        raw_syscalls:sys_enter { @[execname] = count(); }\n")) << hot.out;
  EXPECT_TRUE(contains(hot.out, "    Fix: ")) << hot.out;

  const Outcome typo = run_probity({"man", "D_HAZRD_HOT"});
  EXPECT_EQ(typo.status, 1);
  EXPECT_TRUE(contains(typo.err, "no diagnostic is tagged D_HAZRD_HOT; did you mean D_HAZARD_HOT?")) << typo.err;
}

TEST(CliMan, HelpAndBadCommandLines) {
  const Outcome help = run_probity_plain({"man", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_TRUE(help.out.starts_with("usage: probity man PROBE")) << help.out;
  EXPECT_EQ(run_probity_plain({"man"}).status, 2);
  EXPECT_EQ(run_probity({"man", "a:b", "c:d"}).status, 2);
  EXPECT_EQ(run_probity({"man", "--bogus", "sched:sched_switch"}).status, 2);
}

TEST(CliManual, WritesMarkdownAndManPages) {
  const probity::test_support::ScratchDirectory directory("probity-cli-manual");
  const Outcome markdown = run_probity({"manual", "--format", "md", "-o", (directory.path() / "md").string()});
  ASSERT_EQ(markdown.status, 0) << markdown.err;
  EXPECT_TRUE(contains(read_file(directory.path() / "md" / "reference" / "sched.md"), "\n### sched_switch\n"));
  EXPECT_TRUE(fs::exists(directory.path() / "md" / "language.md"));
  const Outcome man = run_probity({"manual", "--format", "man", "-o", (directory.path() / "man").string()});
  ASSERT_EQ(man.status, 0) << man.err;
  EXPECT_TRUE(fs::exists(directory.path() / "man" / "man7" / "probity-sched.7"));
  EXPECT_TRUE(fs::exists(directory.path() / "man" / "man1" / "probity.1"));
  const Outcome reference =
      run_probity({"manual", "--format", "md", "--reference", "-o", (directory.path() / "ref").string()});
  ASSERT_EQ(reference.status, 0) << reference.err;
  EXPECT_TRUE(fs::exists(directory.path() / "ref" / "reference" / "index.md"));
  EXPECT_FALSE(fs::exists(directory.path() / "ref" / "language.md")) << "--reference writes the reference only";
  EXPECT_EQ(run_probity({"manual", "--format", "pdf", "-o", directory.path().string()}).status, 2);
  EXPECT_EQ(run_probity({"manual", "--format", "md"}).status, 2);
}

TEST(CliManual, RefusesToOverwriteAnEditedChapter) {
  const probity::test_support::ScratchDirectory directory("probity-cli-manual");
  directory.write("language.md", "# An edit made after probity was built\n");
  const Outcome outcome = run_probity({"manual", "--format", "md", "-o", directory.path().string()});
  EXPECT_EQ(outcome.status, 1);
  EXPECT_TRUE(contains(outcome.err, "language.md exists and differs")) << outcome.err;
  EXPECT_EQ(read_file(directory.path() / "language.md"), "# An edit made after probity was built\n");
}

// probity(1)'s source describes every option and command that probity --help=all names.
TEST(CliManual, ManPageSourceCoversEveryOptionOfTheHelp) {
  const Outcome help = run_probity_plain({"--help=all"});
  ASSERT_EQ(help.status, 0);
  const std::string page = read_file(manual_source_dir() / "probity.1.md");
  ASSERT_FALSE(page.empty());
  const std::regex option(R"((^|[\s\[|])(--?[a-z][a-z-]*))");
  std::set<std::string> options;
  for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), option); it != std::sregex_iterator(); ++it) {
    options.insert((*it)[2]);
  }
  ASSERT_GT(options.size(), 10u);
  for (const std::string& name : options) {
    EXPECT_TRUE(contains(page, "`" + name + " ") || contains(page, "`" + name + "`") || contains(page, " " + name + " ") ||
                contains(page, " " + name + "`"))
        << name << " is in probity --help but not in docs/manual/probity.1.md";
  }
  for (const std::string command : {"compat", "man", "manual", "catalogue", "stats"}) {
    EXPECT_TRUE(contains(page, "probity " + command) || contains(page, "catalogue " + command)) << command;
  }
}

TEST(CliCatalogueStats, TextAndJsonAgreeWithTheIndex) {
  const std::string release = newest_release();
  const probity::manual::Coverage expected =
      probity::manual::coverage(probity::catalogue::Index::open(PROBITY_INDEX_FILE).load(release));
  const Outcome text = run_probity({"catalogue", "stats", "--kernel", release});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_TRUE(text.out.starts_with("Catalogue coverage of " + release)) << text.out;
  EXPECT_TRUE(contains(text.out, "\ntotal ")) << text.out;
  EXPECT_TRUE(contains(text.out, std::to_string(expected.total.documented_events) + "/" +
                                     std::to_string(expected.total.events)))
      << text.out;
  const Outcome json = run_probity({"catalogue", "stats", "--kernel", release, "-f", "json"});
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_TRUE(json.out.starts_with("{\"release\":\"" + release + "\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"documented_fields\":" + std::to_string(expected.total.documented_fields) + "}}"))
      << json.out;
  const Outcome usage = run_probity_plain({"catalogue", "--help"});
  EXPECT_TRUE(contains(usage.out, "probity catalogue stats")) << usage.out;
  EXPECT_EQ(run_probity({"catalogue", "stats", "--kernel", "no-such-release"}).status, 1);
  EXPECT_EQ(run_probity({"catalogue", "stats", "-f", "yaml"}).status, 2);
}

}  // namespace
