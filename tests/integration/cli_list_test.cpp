// The probity binary's listing, run as a user would, checked against the
// running kernel's tracefs. Tests that read tracefs need root; they mount it
// when it is not mounted and skip, saying why, when not root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "support/probity_process.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path tracefs{"/sys/kernel/tracing"};
constexpr uid_t nobody_id = 65534;

using probity::test_support::Outcome;

// Runs the probity binary with `arguments`, as `uid` when given.
Outcome run_probity(const std::vector<std::string>& arguments, std::optional<uid_t> uid = std::nullopt) {
  return probity::test_support::run_process(PROBITY_BINARY, arguments, uid);
}

std::vector<std::string> with_index(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--index", PROBITY_INDEX_FILE});
  return arguments;
}

std::string running_release() {
  struct utsname names{};
  ::uname(&names);
  return names.release;
}

// Root and a readable tracefs, mounting it when needed; false when the test must skip.
bool have_tracefs(std::string& why_not) {
  if (::geteuid() != 0) {
    why_not = "needs root: tracefs is readable by root only";
    return false;
  }
  if (!fs::exists(tracefs / "events")) {
    if (::mount("nodev", tracefs.c_str(), "tracefs", 0, nullptr) != 0) {
      why_not = "cannot mount tracefs at " + tracefs.string();
      return false;
    }
  }
  return true;
}

#define REQUIRE_TRACEFS()                          \
  do {                                             \
    std::string why_not;                           \
    if (!have_tracefs(why_not)) GTEST_SKIP() << why_not; \
  } while (false)

struct Row {
  std::string provider, event, stability, hazard, running;
};

// The -l table: a header row, then one row of four columns per probe, the
// first provider:event.
std::vector<Row> parse_table(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  std::vector<Row> rows;
  bool header_seen = false;
  bool running_column = true;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    Row row;
    std::string probe;
    words >> probe >> row.stability >> row.hazard;
    if (running_column) words >> row.running;
    std::string extra;
    EXPECT_FALSE(words >> extra) << "more columns than the header: " << line;
    if (!header_seen) {
      EXPECT_EQ(probe, "PROBE") << "no header row: " << line;
      // Left out when every probe listed is in the running kernel and the
      // table would not fit otherwise (a note on stderr says so).
      running_column = !row.running.empty();
      header_seen = true;
      continue;
    }
    if (!running_column) row.running = "yes";
    const std::size_t colon = probe.find(':');
    EXPECT_TRUE(colon != std::string::npos || probe.find("...") != std::string::npos) << line;
    row.provider = probe.substr(0, colon);
    row.event = probe.substr(colon + 1);
    rows.push_back(row);
  }
  EXPECT_TRUE(header_seen) << "empty listing";
  return rows;
}

std::set<std::string> live_events_of(const std::string& provider) {
  std::set<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(tracefs / "events" / provider)) {
    if (entry.is_directory()) names.insert(entry.path().filename().string());
  }
  return names;
}

void expect_running_kernel_catalogued(const Outcome& run) {
  EXPECT_EQ(run.err.find("is not catalogued"), std::string::npos)
      << "the index " << PROBITY_INDEX_FILE << " lacks the running kernel " << running_release()
      << "; add it with: probity catalogue harvest\n"
      << run.err;
}

TEST(CliList, SchedListsExactlyTheRunningKernelsSchedEvents) {
  REQUIRE_TRACEFS();
  const Outcome run = run_probity(with_index({"-l", "sched:*"}));
  ASSERT_EQ(run.status, 0) << run.err;
  expect_running_kernel_catalogued(run);
  std::set<std::string> listed;
  for (const Row& row : parse_table(run.out)) {
    EXPECT_EQ(row.provider, "sched");
    EXPECT_EQ(row.running, "yes") << row.event;
    EXPECT_NE(row.stability.find('/'), std::string::npos) << row.stability;
    EXPECT_TRUE(listed.insert(row.event).second) << "listed twice: " << row.event;
  }
  EXPECT_EQ(listed, live_events_of("sched"));
}

TEST(CliList, DTraceAndBpftraceSpellingsGiveTheSameRows) {
  REQUIRE_TRACEFS();
  const Outcome plain = run_probity(with_index({"-l", "sched:sched_*"}));
  const Outcome dtrace = run_probity(with_index({"-l", "sched:::sched_*"}));
  const Outcome bpftrace = run_probity(with_index({"-l", "tracepoint:sched:sched_*"}));
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(dtrace.status, 0) << dtrace.err;
  EXPECT_EQ(bpftrace.status, 0) << bpftrace.err;
  EXPECT_EQ(dtrace.out, plain.out);
  EXPECT_EQ(bpftrace.out, plain.out);

  std::set<std::string> expected;
  for (const std::string& name : live_events_of("sched")) {
    if (name.starts_with("sched_")) expected.insert(name);
  }
  std::set<std::string> listed;
  for (const Row& row : parse_table(plain.out)) listed.insert(row.event);
  EXPECT_EQ(listed, expected);
}

// The event's own fields as its format file declares them: the lines after
// the blank line that ends the common_* fields.
std::vector<std::string> own_field_declarations(const fs::path& format_file) {
  std::ifstream input(format_file);
  EXPECT_TRUE(input) << "cannot read " << format_file;
  std::string line;
  std::vector<std::string> declarations;
  bool seen_common = false;
  bool past_common = false;
  while (std::getline(input, line)) {
    const std::size_t field = line.find("field:");
    if (field == std::string::npos) {
      if (line.empty() && seen_common) past_common = true;
      continue;
    }
    seen_common = true;
    const std::size_t end = line.find(';', field);
    if (past_common) declarations.push_back(line.substr(field + 6, end - field - 6));
  }
  return declarations;
}

TEST(CliList, VerboseShowsEveryFieldOfTheFormatFileWithItsType) {
  REQUIRE_TRACEFS();
  const std::vector<std::string> declarations =
      own_field_declarations(tracefs / "events/sched/sched_switch/format");
  ASSERT_EQ(declarations.size(), 7u) << "sched_switch's format file changed shape";

  const Outcome run = run_probity(with_index({"-lv", "sched:sched_switch"}));
  ASSERT_EQ(run.status, 0) << run.err;
  expect_running_kernel_catalogued(run);
  EXPECT_TRUE(run.out.starts_with("sched:sched_switch\n")) << run.out;
  for (const char* expected : {"Probe Description Attributes", "Identifier Names:", "Data Semantics:",
                               "Dependency Class:", "\nHAZARD\n", "running kernel " , "catalogued releases:"}) {
    EXPECT_NE(run.out.find(expected), std::string::npos) << expected << "\n" << run.out;
  }
  const std::size_t fields_block = run.out.find("\nFIELDS\n");
  ASSERT_NE(fields_block, std::string::npos) << run.out;

  // As probity man shows them: each field's C declaration indented by four,
  // then its stability triple and description indented by eight.
  std::istringstream lines(run.out.substr(fields_block + 8));
  std::string line;
  std::vector<std::string> shown;
  bool triple_next = false;
  while (std::getline(lines, line)) {
    if (line.starts_with("        ")) {
      if (!triple_next) continue;  // description continuation lines
      const std::string triple = line.substr(8, line.find(". ") - 8);
      EXPECT_EQ(std::count(triple.begin(), triple.end(), '/'), 2) << line;
      triple_next = false;
      continue;
    }
    ASSERT_TRUE(line.starts_with("    ") && line.ends_with(";")) << line;
    shown.push_back(line.substr(4, line.size() - 5));
    triple_next = true;
  }
  EXPECT_EQ(shown, declarations);
}

TEST(CliList, EveryProbeOfTheReleaseIsListedWithoutAPattern) {
  const probity::catalogue::Index index = probity::catalogue::Index::open(PROBITY_INDEX_FILE);
  ASSERT_FALSE(index.releases().empty());
  const std::string release = index.releases().back();
  const auto started = std::chrono::steady_clock::now();
  const Outcome run = run_probity(with_index({"-l", "--kernel", release}));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(parse_table(run.out).size(), index.load(release).event_count());
  // "Instant" with generous slack for a loaded machine.
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(CliList, PatternMatchingNothingIsAnErrorWithSuggestions) {
  const Outcome nothing = run_probity(with_index({"-l", "sched:no_such_probe_at_all"}));
  EXPECT_EQ(nothing.status, 1);
  EXPECT_TRUE(nothing.out.empty()) << nothing.out;
  EXPECT_TRUE(nothing.err.starts_with("probity: ")) << nothing.err;
  EXPECT_NE(nothing.err.find("no probe matches \"sched:no_such_probe_at_all\""), std::string::npos)
      << nothing.err;

  const Outcome typo = run_probity(with_index({"-l", "sched:sched_swich"}));
  EXPECT_EQ(typo.status, 1);
  EXPECT_NE(typo.err.find("did you mean sched:sched_switch"), std::string::npos) << typo.err;
}

TEST(CliList, AProviderNameAloneSuggestsItsProbes) {
  const Outcome provider = run_probity(with_index({"-l", "sched"}));
  EXPECT_EQ(provider.status, 1);
  EXPECT_NE(provider.err.find("no probe matches \"sched\""), std::string::npos) << provider.err;
  EXPECT_NE(provider.err.find("; did you mean sched:*?"), std::string::npos) << provider.err;
}

TEST(CliList, UnknownKernelListsTheCataloguedReleases) {
  const Outcome run = run_probity(with_index({"-l", "--kernel", "0.0.1-nope", "sched:*"}));
  EXPECT_NE(run.status, 0);
  EXPECT_TRUE(run.out.empty()) << run.out;
  EXPECT_NE(run.err.find("0.0.1-nope"), std::string::npos) << run.err;
  for (const std::string& release : probity::catalogue::Index::open(PROBITY_INDEX_FILE).releases()) {
    EXPECT_NE(run.err.find(release), std::string::npos) << release << " not named in: " << run.err;
  }
}

TEST(CliList, KernelPrefixSelectsTheRelease) {
  const std::vector<std::string> releases = probity::catalogue::Index::open(PROBITY_INDEX_FILE).releases();
  ASSERT_FALSE(releases.empty());
  const std::string release = releases.back();
  const std::string prefix = release.substr(0, release.find('.', release.find('.') + 1));
  const Outcome by_prefix = run_probity(with_index({"-l", "--kernel", prefix, "sched:*"}));
  const Outcome exact = run_probity(with_index({"-l", "--kernel", release, "sched:*"}));
  // A prefix shared by two releases is ambiguous; otherwise it selects the release.
  if (std::count_if(releases.begin(), releases.end(), [&](const std::string& each) {
        return each.starts_with(prefix + ".") || each.starts_with(prefix + "-") || each == prefix;
      }) == 1) {
    EXPECT_EQ(by_prefix.status, 0) << by_prefix.err;
    EXPECT_EQ(by_prefix.out, exact.out);
  } else {
    EXPECT_NE(by_prefix.err.find("ambiguous"), std::string::npos) << by_prefix.err;
  }
}

TEST(CliList, MissingIndexIsOneClearLine) {
  const std::string missing = (fs::temp_directory_path() / "probity-no-such-index.idx").string();
  const Outcome run = run_probity({"--index", missing, "-l"});
  EXPECT_EQ(run.status, 1);
  EXPECT_TRUE(run.out.empty());
  EXPECT_TRUE(run.err.starts_with("probity: ")) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find(missing), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("probity catalogue build"), std::string::npos) << run.err;
}

TEST(CliList, CorruptIndexIsAnErrorNotACrash) {
  const fs::path corrupt = fs::temp_directory_path() / ("probity-corrupt-" + std::to_string(::getpid()) + ".idx");
  {
    std::ifstream input(PROBITY_INDEX_FILE, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
    bytes.resize(bytes.size() / 2);
    std::ofstream(corrupt, std::ios::binary) << bytes;
  }
  const Outcome run = run_probity({"--index", corrupt.string(), "-l"});
  fs::remove(corrupt);
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("truncated"), std::string::npos) << run.err;
}

TEST(CliList, NonTracepointProbesAreRefused) {
  const Outcome run = run_probity(with_index({"-l", "kprobe:do_sys_open"}));
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("only tracepoints are supported"), std::string::npos) << run.err;
}

TEST(CliList, UnknownOptionGetsAUsageHint) {
  const Outcome run = run_probity({"--frobnicate"});
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("--frobnicate"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("probity --help"), std::string::npos) << run.err;
}

TEST(CliList, HelpTeachesAndVersionAnswers) {
  const Outcome help = run_probity({"--help=all"});
  EXPECT_EQ(help.status, 0);
  for (const char* expected : {"usage:", "-l", "--kernel", "Examples", "catalogue/data", "tracepoint:sched:sched_switch"}) {
    EXPECT_NE(help.out.find(expected), std::string::npos) << expected;
  }
  const Outcome version = run_probity({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_TRUE(version.out.starts_with("probity ")) << version.out;
}

// An index made by hand, with releases the running kernel is not.
class HandMadeIndex {
 public:
  explicit HandMadeIndex(const std::vector<std::string>& releases)
      : file_(fs::temp_directory_path() / ("probity-hand-made-" + std::to_string(::getpid()) + ".idx")) {
    std::vector<probity::catalogue::Catalogue> catalogues;
    for (const std::string& release : releases) {
      probity::catalogue::Catalogue catalogue;
      catalogue.release = release;
      probity::catalogue::Provider provider;
      provider.name = "sched";
      for (const char* name : {"sched_switch", "sched_not_in_any_real_kernel"}) {
        probity::catalogue::Event event;
        event.provider = "sched";
        event.name = name;
        event.releases = {release};
        provider.events.push_back(event);
      }
      catalogue.providers.push_back(provider);
      catalogues.push_back(catalogue);
    }
    probity::catalogue::write_index(catalogues, "0000000000000000", file_);
  }
  ~HandMadeIndex() {
    std::error_code ignored;
    fs::remove(file_, ignored);
  }
  HandMadeIndex(const HandMadeIndex&) = delete;
  HandMadeIndex& operator=(const HandMadeIndex&) = delete;
  std::string path() const { return file_.string(); }

 private:
  fs::path file_;
};

// An index without docs (written by hand here, or by an older probity)
// cannot describe the running kernel: the nearest older release stands in,
// and a note always says so and how to fix it.
TEST(CliList, AnIndexWithoutDocsStandsInTheNearestOlderReleaseWithANote) {
  const HandMadeIndex index({"1.2.0-test", "1.10.0-test", "1.9.0-test"});
  const Outcome run = run_probity({"--index", index.path(), "-l", "sched:*"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.err.find(running_release()), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("1.10.0-test"), std::string::npos) << "not the nearest older release: " << run.err;
  EXPECT_NE(run.err.find("probity catalogue build"), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), ::geteuid() == 0 ? 1 : 2) << run.err;
  EXPECT_EQ(parse_table(run.out).size(), 2u);
}

TEST(CliList, RunningColumnSaysNoForEventsTheRunningKernelLacks) {
  REQUIRE_TRACEFS();
  const HandMadeIndex index({"1.0-test"});
  const Outcome run = run_probity({"--index", index.path(), "-l", "sched:*"});
  ASSERT_EQ(run.status, 0) << run.err;
  const std::vector<Row> rows = parse_table(run.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].event, "sched_not_in_any_real_kernel");
  EXPECT_EQ(rows[0].running, "no");
  EXPECT_EQ(rows[1].event, "sched_switch");
  EXPECT_EQ(rows[1].running, fs::exists(tracefs / "events/sched/sched_switch") ? "yes" : "no");
}

TEST(CliList, AmbiguousKernelPrefixIsAnError) {
  const HandMadeIndex index({"1.2.3-test", "1.2.4-test", "1.20.0-test"});
  const Outcome ambiguous = run_probity({"--index", index.path(), "-l", "--kernel", "1.2"});
  EXPECT_EQ(ambiguous.status, 1);
  EXPECT_NE(ambiguous.err.find("ambiguous"), std::string::npos) << ambiguous.err;
  EXPECT_NE(ambiguous.err.find("1.2.3-test, 1.2.4-test"), std::string::npos) << ambiguous.err;
  EXPECT_EQ(ambiguous.err.find("1.20.0-test"), std::string::npos) << ambiguous.err;
  const Outcome unique = run_probity({"--index", index.path(), "-l", "--kernel", "1.20", "sched:sched_switch"});
  EXPECT_EQ(unique.status, 0) << unique.err;
}

// Without access to tracefs the listing still works: availability is "?",
// and one note on stderr says why.
TEST(CliList, UnreadableTracefsShowsQuestionMarksAndOneNote) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  const Outcome run = run_probity(with_index({"-l", "sched:sched_switch", "sched:sched_wakeup"}), nobody_id);
  if (run.status == 126 || run.status == 127) GTEST_SKIP() << "cannot run probity as nobody";
  ASSERT_EQ(run.status, 0) << run.err;
  const std::vector<Row> rows = parse_table(run.out);
  ASSERT_EQ(rows.size(), 2u);
  for (const Row& row : rows) EXPECT_EQ(row.running, "?");
  const std::size_t note = run.err.find("note: cannot tell which probes the running kernel has");
  EXPECT_NE(note, std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("note: cannot tell", note + 1), std::string::npos) << "note given twice: " << run.err;
}

}  // namespace
