// USDT probes end to end on the test program (tests/usdt/): probity -l
// 'usdt:...' as a user runs it, and uprobe events as a kernel resource:
// created in uprobe_events, enabled in a session's instance, firing with the
// note's arguments, and removed on every way out: close, exit(), the stop
// signals, and after a SIGKILL by the next run.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "probity/catalogue/sdt_notes.hpp"
#include "probity/consumer/session.hpp"
#include "probity/consumer/stale_instances.hpp"
#include "probity/consumer/stop_signals.hpp"
#include "probity/consumer/tracefs_error.hpp"
#include "probity/consumer/uprobe_events.hpp"
#include "support/forked_child.hpp"
#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity::consumer {
namespace {

namespace fs = std::filesystem;
using test_support::Child;
using test_support::Outcome;

const fs::path tracefs{"/sys/kernel/tracing"};
const fs::path usdt_app = fs::canonical(PROBITY_USDT_APP);

Outcome run_probity(const std::vector<std::string>& arguments) {
  return test_support::run_process(PROBITY_BINARY, arguments);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream stream(line);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- listing ---------------------------------------------------------------

TEST(UsdtList, ListsEveryProbeOfTheFileWithSitesArgumentsAndStability) {
  // Wide enough for the build tree's path, which a table fitted to 80 columns elides.
  const Outcome listed = test_support::run_process(PROBITY_BINARY, {"-l", "usdt:" + usdt_app.string()}, std::nullopt,
                                                   [] { return ::setenv("COLUMNS", "1000", 1) == 0; });
  ASSERT_EQ(listed.status, 0) << listed.err;
  const std::vector<std::string> lines = lines_of(listed.out);
  ASSERT_EQ(lines.size(), 5u) << listed.out;
  EXPECT_EQ(words_of(lines[0]), (std::vector<std::string>{"FILE", "PROVIDER", "PROBE", "SITES", "ARGS", "STABILITY"}));
  std::map<std::string, std::vector<std::string>> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> words = words_of(lines[i]);
    ASSERT_EQ(words.size(), 6u) << lines[i];
    EXPECT_EQ(words[0], usdt_app.string());
    EXPECT_EQ(words[1], "probity_test");
    EXPECT_EQ(words[3], "1") << "one site: " << lines[i];
    EXPECT_EQ(words[5], "Private/Private/Unknown") << "undocumented: " << lines[i];
    rows[words[2]] = words;
  }
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows.at("request")[4], "3");
  EXPECT_EQ(rows.at("global")[4], "1");
  EXPECT_EQ(rows.at("constant")[4], "1");
  EXPECT_EQ(rows.at("guarded__probe")[4], "2");
}

TEST(UsdtList, VerboseShowsSemaphoreArgumentsAndWhyTheyArePrivate) {
  // DTrace's spelling, its dash for the note's double underscore, and a glob.
  for (const std::string& pattern : {"usdt:" + usdt_app.string() + ":probity_test:guarded__probe",
                                    "probity_test:" + usdt_app.string() + "::guarded-probe",
                                    "usdt:" + usdt_app.string() + ":guarded*"}) {
    const Outcome listed = run_probity({"-lv", pattern});
    ASSERT_EQ(listed.status, 0) << pattern << "\n" << listed.err;
    const std::string& text = listed.out;
    EXPECT_TRUE(text.starts_with("usdt:" + usdt_app.string() + ":probity_test:guarded__probe\n")) << text;
    EXPECT_TRUE(contains(text, "DTrace spelling: probity_test:" + usdt_app.string() + "::guarded-probe")) << text;
    EXPECT_TRUE(contains(text, "Undocumented")) << text;
    EXPECT_TRUE(contains(text, "-x amin=Private")) << text;
    EXPECT_TRUE(contains(text, "Identifier Names: Private")) << text;
    EXPECT_TRUE(contains(text, "Sites (1)")) << text;
    EXPECT_TRUE(contains(text, "semaphore at offset 0x")) << text;
    // Built at -O0: both arguments on the stack, the int and the signed char.
    EXPECT_TRUE(contains(text, "arg0  s32   memory ")) << text;
    EXPECT_TRUE(contains(text, "arg1  s8    memory ")) << text;
    EXPECT_TRUE(contains(text, "(%bp):s32")) << text;
    EXPECT_FALSE(contains(text, "probity_test:request")) << text;
  }
}

TEST(UsdtList, RefusesWhatItCannotListSayingWhy) {
  const Outcome nothing = run_probity({"-l", "usdt:" + usdt_app.string() + ":nonesuch"});
  EXPECT_EQ(nothing.status, 1);
  EXPECT_TRUE(contains(nothing.err, "no USDT probe matches in " + usdt_app.string() + " (4 probe sites)")) << nothing.err;

  const Outcome text_file = run_probity({"-l", "usdt:/etc/hostname"});
  EXPECT_EQ(text_file.status, 1);
  EXPECT_TRUE(contains(text_file.err, "/etc/hostname: not an ELF file")) << text_file.err;

  const Outcome missing = run_probity({"-l", "usdt:/nonexistent/app"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_TRUE(contains(missing.err, "/nonexistent/app: no such file")) << missing.err;

  const Outcome mixed = run_probity({"-l", "usdt:" + usdt_app.string(), "sched:sched_switch"});
  EXPECT_EQ(mixed.status, 1);
  EXPECT_TRUE(contains(mixed.err, "separate commands")) << mixed.err;
}

// ---- uprobe events ---------------------------------------------------------

// The uprobe events of the test program's probes, arguments named arg0..N.
std::vector<UprobeSpec> app_uprobes(const std::set<std::string>& probes) {
  std::vector<UprobeSpec> specs;
  for (const catalogue::SdtProbe& site : catalogue::read_sdt_notes(usdt_app)) {
    if (!probes.contains(site.name)) continue;
    UprobeSpec spec{site.name, usdt_app, site.offset, site.semaphore_offset, {}};
    for (std::size_t i = 0; i < site.arguments.size(); ++i) {
      spec.arguments.push_back({"arg" + std::to_string(i), site.arguments[i].fetcharg});
    }
    specs.push_back(std::move(spec));
  }
  EXPECT_EQ(specs.size(), probes.size());
  return specs;
}

using probity::test_support::read_file;

// The uprobe_events lines of `group`.
std::vector<std::string> group_lines(const std::string& group) {
  std::vector<std::string> found;
  for (const std::string& line : lines_of(read_file(tracefs / "uprobe_events"))) {
    if (line.starts_with("p:" + group + "/")) found.push_back(line);
  }
  return found;
}

TEST(UprobeEventsTest, CreatedInTheOwnersGroupFiringWithTheNotesArgumentsAndRemoved) {
  REQUIRE_TRACEFS();
  std::string group;
  {
    UprobeEvents uprobes(app_uprobes({"request", "global", "constant", "guarded__probe"}), tracefs);
    group = uprobes.group();
    EXPECT_TRUE(group.starts_with("probity_" + std::to_string(::getpid()) + "_")) << group;
    const std::vector<std::string> defined = group_lines(group);
    ASSERT_EQ(defined.size(), 4u) << read_file(tracefs / "uprobe_events");
    for (const std::string& line : defined) {
      EXPECT_TRUE(contains(line, " " + usdt_app.string() + ":0x")) << line;
      // Only the guarded probe has a semaphore, which the kernel maintains.
      EXPECT_EQ(contains(line, "guarded__probe"), contains(line, ")")) << line;
    }

    std::vector<EventSpec> events;
    for (const UprobeSpec& spec : uprobes.events()) events.push_back({group, spec.event, "", false});
    TracingSession session({.tracing = tracefs, .events = events});
    session.start();
    const Outcome app = test_support::run_process(usdt_app.string(), {"4"});
    session.stop();
    ASSERT_EQ(app.status, 0) << app.err;
    EXPECT_EQ(app.out, "semaphore seen 4\n") << "the kernel sets the semaphore while the probe is enabled";

    std::map<std::string, std::vector<std::string>> fired;  // event -> its arguments, in order
    for (const std::string& line : lines_of(read_file(session.instance_dir() / "trace"))) {
      if (line.starts_with("#")) continue;
      for (const UprobeSpec& spec : uprobes.events()) {
        const std::size_t at = line.find(" " + spec.event + ": (");
        if (at == std::string::npos) continue;
        fired[spec.event].push_back(line.substr(line.find(')', at) + 2));
      }
    }
    ASSERT_EQ(fired["request"].size(), 4u);
    for (int i = 0; i < 4; ++i) {
      const std::string& arguments = fired["request"][static_cast<std::size_t>(i)];
      // arg1 is a const char*: an address, whatever it is.
      EXPECT_TRUE(arguments.starts_with("arg0=" + std::to_string(i) + " arg1=")) << arguments;
      EXPECT_TRUE(arguments.ends_with(" arg2=" + std::to_string(-5 * i))) << arguments;
    }
    EXPECT_EQ(fired["global"], std::vector<std::string>(4, "arg0=4242"));
    EXPECT_EQ(fired["constant"], std::vector<std::string>(4, "arg0=42"));
    EXPECT_EQ(fired["guarded__probe"], (std::vector<std::string>{"arg0=0 arg1=0", "arg0=1 arg1=-1", "arg0=2 arg1=-2",
                                                                 "arg0=3 arg1=-3"}));
    session.close();
    uprobes.close();
    EXPECT_TRUE(group_lines(group).empty()) << read_file(tracefs / "uprobe_events");
  }
  EXPECT_FALSE(fs::exists(tracefs / "events" / group));
  // Gone from the kernel: the semaphore is no longer set.
  EXPECT_EQ(test_support::run_process(usdt_app.string(), {"2"}).out, "semaphore seen 0\n");
}

TEST(UprobeEventsTest, AnEnabledEventCannotBeRemovedSoTheSessionGoesFirst) {
  REQUIRE_TRACEFS();
  UprobeEvents uprobes(app_uprobes({"constant"}), tracefs);
  TracingSession session({.tracing = tracefs, .events = {{uprobes.group(), "constant", "", false}}});
  try {
    uprobes.close();
    ADD_FAILURE() << "removing an enabled uprobe event succeeded";
  } catch (const TracefsOperationError& error) {
    EXPECT_EQ(error.error(), EBUSY);
    EXPECT_TRUE(contains(error.what(), "still enabled in a tracing instance")) << error.what();
  }
  EXPECT_EQ(group_lines(uprobes.group()).size(), 1u);
  EXPECT_TRUE(uprobes.is_open());
  session.close();
  uprobes.close();  // now it can
  EXPECT_FALSE(uprobes.is_open());
  EXPECT_TRUE(group_lines(uprobes.group()).empty()) << read_file(tracefs / "uprobe_events");
}

TEST(UprobeEventsTest, ABadFetchArgumentIsRefusedWithTheKernelsReasonAndNothingIsLeft) {
  REQUIRE_TRACEFS();
  std::vector<UprobeSpec> specs = app_uprobes({"request", "constant"});
  specs.back().arguments.push_back({"bad", "%nosuchregister:u64"});
  try {
    UprobeEvents uprobes(specs, tracefs);
    ADD_FAILURE() << "a bad fetch argument was accepted";
  } catch (const TracefsOperationError& error) {
    EXPECT_TRUE(contains(error.what(), "%nosuchregister")) << error.what();
    EXPECT_TRUE(contains(error.what(), "the kernel says")) << error.what();
  }
  const std::string prefix = "p:probity_" + std::to_string(::getpid()) + "_";
  for (const std::string& line : lines_of(read_file(tracefs / "uprobe_events"))) {
    EXPECT_FALSE(line.starts_with(prefix)) << "left behind: " << line;
  }
}

TEST(UprobeEventsTest, ExitWithoutUnwindingRemovesThem) {
  REQUIRE_TRACEFS();
  Child child([](Child& self) {
    // Deliberately leaked: only the atexit hook can remove them.
    auto* uprobes = new UprobeEvents(app_uprobes({"request"}), tracefs);
    self.report(uprobes->group());
    std::exit(0);
    return 0;
  });
  const std::string group = child.read_report();
  ASSERT_FALSE(group.empty());
  child.wait();
  EXPECT_TRUE(group_lines(group).empty()) << read_file(tracefs / "uprobe_events");
}

TEST(UprobeEventsTest, EveryStopSignalEndsTheOwnerThroughTheTeardownPath) {
  REQUIRE_TRACEFS();
  for (const int stop_signal : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE}) {
    Child child([](Child& self) {
      // As a run does: the stop signals become a readable fd, and the run
      // returns through its destructors.
      StopSignals signals;
      UprobeEvents uprobes(app_uprobes({"request"}), tracefs);
      self.report(uprobes.group());
      pollfd wait{signals.fd(), POLLIN, 0};
      while (::poll(&wait, 1, 10000) < 0 && errno == EINTR) {
      }
      return signals.signal();
    });
    const std::string group = child.read_report();
    ASSERT_FALSE(group.empty());
    ASSERT_EQ(group_lines(group).size(), 1u);
    ::kill(child.pid(), stop_signal);
    const int status = child.wait();
    ASSERT_TRUE(WIFEXITED(status)) << strsignal(stop_signal);
    EXPECT_EQ(WEXITSTATUS(status), stop_signal) << "the child stopped on " << strsignal(stop_signal);
    EXPECT_TRUE(group_lines(group).empty()) << strsignal(stop_signal) << " left:\n" << read_file(tracefs / "uprobe_events");
  }
}

TEST(UprobeEventsTest, TheNextRunRemovesTheEventsOfAKilledOwnerOnly) {
  REQUIRE_TRACEFS();
  auto hold_enabled_uprobes = [](Child& self) {
    UprobeEvents uprobes(app_uprobes({"request", "guarded__probe"}), tracefs);
    TracingSession session({.tracing = tracefs,
                            .events = {{uprobes.group(), "request", "", false},
                                       {uprobes.group(), "guarded__probe", "", false}}});
    session.start();
    self.report(uprobes.group());
    self.wait_for_go();
    return 0;
  };
  Child killed(hold_enabled_uprobes);
  Child alive(hold_enabled_uprobes);
  const std::string killed_group = killed.read_report();
  const std::string alive_group = alive.read_report();
  ASSERT_FALSE(killed_group.empty());
  ASSERT_FALSE(alive_group.empty());
  ::kill(killed.pid(), SIGKILL);
  killed.wait();
  ASSERT_EQ(group_lines(killed_group).size(), 2u) << "SIGKILL leaves the uprobe events behind";

  // As a run starts: the dead owner's instance first (which disables its
  // events), then its uprobe events.
  remove_stale_instances(tracefs);
  const std::vector<std::string> notices = remove_stale_uprobe_events(tracefs);
  const std::string expected = "probity: removed 2 uprobe events of group " + killed_group + " left by process " +
                               std::to_string(killed.pid()) + ", which no longer exists";
  EXPECT_NE(std::find(notices.begin(), notices.end(), expected), notices.end()) << ::testing::PrintToString(notices);
  EXPECT_TRUE(group_lines(killed_group).empty());
  EXPECT_FALSE(fs::exists(tracefs / "events" / killed_group));
  EXPECT_EQ(group_lines(alive_group).size(), 2u) << "a live owner's events stay";

  alive.go();
  alive.wait();
  EXPECT_TRUE(group_lines(alive_group).empty()) << "the live owner removed its own on return";
}

}  // namespace
}  // namespace probity::consumer
