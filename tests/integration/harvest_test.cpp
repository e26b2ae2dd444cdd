// Harvesting the running kernel's tracefs, checked against an independent
// reading of the format files' text. Needs root: tracefs is readable by root
// only. The tests mount tracefs themselves when it is not mounted.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/yaml_io.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

const fs::path tracefs_mount{"/sys/kernel/tracing"};
constexpr uid_t nobody = 65534;

using probity::test_support::read_file;

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

std::string release_of_this_kernel() {
  struct utsname names {};
  ::uname(&names);
  return names.release;
}

// ------------------------------------------------------------ the oracle
// What a format file's text says, read with a regular expression: the test's
// own reading, independent of libtraceevent.

struct TextField {
  std::string declaration;  // "char prev_comm[16]"
  std::string name;         // "prev_comm"
  unsigned long offset = 0;
  unsigned long size = 0;
  bool is_signed = false;
};

struct TextFormat {
  std::vector<TextField> common;  // before the blank line
  std::vector<TextField> own;     // after it
};

std::string name_in(std::string declaration) {
  if (!declaration.empty() && declaration.back() == ']') {
    declaration.erase(declaration.rfind('['));
  }
  std::size_t start = declaration.size();
  while (start > 0 && (std::isalnum(static_cast<unsigned char>(declaration[start - 1])) ||
                       declaration[start - 1] == '_')) {
    --start;
  }
  return declaration.substr(start);
}

TextFormat read_format_text(const std::string& text) {
  static const std::regex field_line(
      R"(^\tfield:(.+);\toffset:(\d+);\tsize:(\d+);\tsigned:([01]);$)");
  TextFormat format;
  std::istringstream lines(text);
  std::string line;
  bool in_fields = false;
  bool in_own = false;
  while (std::getline(lines, line)) {
    if (line == "format:") {
      in_fields = true;
      continue;
    }
    if (!in_fields) continue;
    if (line.empty()) {
      in_own = true;
      continue;
    }
    if (line.starts_with("print fmt:")) break;
    std::smatch match;
    if (!std::regex_match(line, match, field_line)) {
      ADD_FAILURE() << "the test's regex does not match the format line \"" << line << "\"";
      continue;
    }
    TextField field;
    field.declaration = match[1];
    field.name = name_in(field.declaration);
    field.offset = std::stoul(match[2]);
    field.size = std::stoul(match[3]);
    field.is_signed = match[4] == "1";
    (in_own ? format.own : format.common).push_back(std::move(field));
  }
  return format;
}

// Every events/<system>/<event>/format file of `tracing`, keyed by "system:event".
std::map<std::string, TextFormat> read_all_formats(const fs::path& tracing) {
  std::map<std::string, TextFormat> formats;
  for (const auto& system : fs::directory_iterator(tracing / "events")) {
    if (!system.is_directory()) continue;
    for (const auto& event : fs::directory_iterator(system.path())) {
      const fs::path format_file = event.path() / "format";
      if (!event.is_directory() || !fs::exists(format_file)) continue;
      formats.emplace(system.path().filename().string() + ":" + event.path().filename().string(),
                      read_format_text(read_file(format_file)));
    }
  }
  return formats;
}

// A declaration as C tokens: "const void* ip" and "const void * ip" are the
// same declaration. libtraceevent rebuilds a field's type from its tokens, so
// its spelling puts one blank around each '*' whatever the kernel printed
// (Linux 6.18 prints "const void* ip" and "const char *const * argv").
std::vector<std::string> tokens_of(const std::string& declaration) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < declaration.size()) {
    const unsigned char c = static_cast<unsigned char>(declaration[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (std::isalnum(c) || c == '_') {
      std::size_t end = i;
      while (end < declaration.size() &&
             (std::isalnum(static_cast<unsigned char>(declaration[end])) || declaration[end] == '_')) {
        ++end;
      }
      tokens.push_back(declaration.substr(i, end - i));
      i = end;
    } else {
      tokens.emplace_back(1, declaration[i++]);
    }
  }
  return tokens;
}

// Differences between a harvested field and the text, "" when they agree.
std::string compare(const FieldLayout& harvested, const TextField& text) {
  std::ostringstream problems;
  if (harvested.name != text.name) problems << " name " << harvested.name << " != " << text.name << ";";
  if (tokens_of(harvested.declaration()) != tokens_of(text.declaration)) {
    problems << " declaration \"" << harvested.declaration() << "\" != \"" << text.declaration << "\";";
  }
  if (harvested.offset != text.offset) problems << " offset " << harvested.offset << " != " << text.offset << ";";
  if (harvested.size != text.size) problems << " size " << harvested.size << " != " << text.size << ";";
  if (harvested.is_signed != text.is_signed) {
    problems << " signed " << harvested.is_signed << " != " << text.is_signed << ";";
  }
  const bool data_loc = text.declaration.starts_with("__data_loc ");
  const bool rel_loc = text.declaration.starts_with("__rel_loc ");
  const bool dynamic =
      harvested.kind == FieldKind::DynamicString || harvested.kind == FieldKind::DynamicArray;
  if (dynamic != (data_loc || rel_loc) || harvested.relative != rel_loc) {
    problems << " kind " << to_string(harvested.kind) << (harvested.relative ? " (relative)" : "")
             << " does not match the declaration;";
  }
  const bool fixed_array = !dynamic && text.declaration.ends_with("]");
  if (fixed_array != (harvested.kind == FieldKind::Array || harvested.kind == FieldKind::String)) {
    problems << " kind " << to_string(harvested.kind) << " for a fixed array: " << fixed_array << ";";
  }
  return problems.str();
}

void compare_fields(const std::string& where, const std::vector<FieldLayout>& harvested,
                    const std::vector<TextField>& text, std::vector<std::string>& mismatches) {
  if (harvested.size() != text.size()) {
    mismatches.push_back(where + ": " + std::to_string(harvested.size()) + " fields harvested, " +
                         std::to_string(text.size()) + " in the format file");
    return;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string problems = compare(harvested[i], text[i]);
    if (!problems.empty()) mismatches.push_back(where + "." + text[i].name + ":" + problems);
  }
}

std::string first_lines(const std::vector<std::string>& lines, std::size_t count = 25) {
  std::string text;
  for (std::size_t i = 0; i < std::min(count, lines.size()); ++i) text += lines[i] + '\n';
  if (lines.size() > count) text += "... and " + std::to_string(lines.size() - count) + " more\n";
  return text;
}

// ------------------------------------------------------------ fixtures

// Root, with tracefs mounted at /sys/kernel/tracing (mounted here if needed).
class LiveTracefsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) {
      GTEST_SKIP() << "needs root: tracefs (" << tracefs_mount.string()
                   << ") is readable by root only; run the integration tests as root";
    }
    if (!fs::exists(tracefs_mount / "events")) {
      ASSERT_EQ(::mount("nodev", tracefs_mount.c_str(), "tracefs", 0, nullptr), 0)
          << "cannot mount tracefs at " << tracefs_mount << ": " << std::strerror(errno);
    }
  }
};

// A scratch directory laid out like tracefs, filled with copies of real format files.
class TracefsCopyTest : public LiveTracefsTest {
 protected:
  void SetUp() override {
    LiveTracefsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) / ("probity-harvest-" + std::string(info->name()));
    fs::remove_all(root_);
    for (const auto& event : fs::directory_iterator(tracefs_mount / "events" / "sched")) {
      if (!event.is_directory()) continue;
      copy_format("sched", event.path().filename().string());
    }
    // The plain files tracefs keeps beside the systems, which are not events.
    write_file(root_ / "events" / "enable", "0\n");
    write_file(root_ / "events" / "sched" / "filter", "none\n");
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  void copy_format(const std::string& system, const std::string& event) const {
    write_file(event_dir(system, event) / "format",
               read_file(tracefs_mount / "events" / system / event / "format"));
  }
  fs::path event_dir(const std::string& system, const std::string& event) const {
    return root_ / "events" / system / event;
  }

  // The diagnostics harvest_live reports for the copy; fails the test if it succeeds.
  std::vector<Diagnostic> errors_of_harvest() const {
    try {
      harvest_live(root_);
    } catch (const CatalogueError& error) {
      return error.diagnostics();
    }
    ADD_FAILURE() << "harvest_live(" << root_ << ") succeeded";
    return {};
  }

  fs::path root_;
};

// ------------------------------------------------------------ live kernel

TEST_F(LiveTracefsTest, EveryFieldOfEveryEventEqualsTheFormatFiles) {
  const KernelSnapshot snapshot = harvest_live(tracefs_mount);
  const std::map<std::string, TextFormat> formats = read_all_formats(tracefs_mount);
  ASSERT_FALSE(formats.empty()) << "no format files under " << tracefs_mount / "events";

  EXPECT_EQ(snapshot.release, release_of_this_kernel());
  EXPECT_FALSE(snapshot.machine.empty());
  EXPECT_EQ(snapshot.source, "live tracefs");

  std::set<std::string> harvested_names;
  for (const EventLayout& event : snapshot.events) harvested_names.insert(event.system + ":" + event.name);
  std::set<std::string> format_names;
  for (const auto& [name, format] : formats) format_names.insert(name);
  std::vector<std::string> missing, extra;
  std::set_difference(format_names.begin(), format_names.end(), harvested_names.begin(),
                      harvested_names.end(), std::back_inserter(missing));
  std::set_difference(harvested_names.begin(), harvested_names.end(), format_names.begin(),
                      format_names.end(), std::back_inserter(extra));
  EXPECT_TRUE(missing.empty()) << "format files not harvested:\n" << first_lines(missing);
  EXPECT_TRUE(extra.empty()) << "harvested events without a format file:\n" << first_lines(extra);
  EXPECT_EQ(snapshot.events.size(), harvested_names.size()) << "an event was harvested twice";

  std::vector<std::string> mismatches;
  std::size_t fields_compared = 0;
  for (const EventLayout& event : snapshot.events) {
    const auto text = formats.find(event.system + ":" + event.name);
    if (text == formats.end()) continue;
    const std::string where = event.system + ":" + event.name;
    compare_fields(where + " (common)", snapshot.common_fields, text->second.common, mismatches);
    compare_fields(where, event.fields, text->second.own, mismatches);
    fields_compared += text->second.common.size() + text->second.own.size();
  }
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " differences:\n" << first_lines(mismatches);
  RecordProperty("events", static_cast<int>(snapshot.events.size()));
  RecordProperty("fields_compared", static_cast<int>(fields_compared));
}

TEST_F(LiveTracefsTest, EventsAreSortedBySystemThenName) {
  const KernelSnapshot snapshot = harvest_live(tracefs_mount);
  ASSERT_FALSE(snapshot.events.empty());
  EXPECT_TRUE(std::is_sorted(snapshot.events.begin(), snapshot.events.end(),
                             [](const EventLayout& a, const EventLayout& b) {
                               return std::tie(a.system, a.name) < std::tie(b.system, b.name);
                             }));
  // find() relies on that order.
  const EventLayout& middle = snapshot.events[snapshot.events.size() / 2];
  EXPECT_EQ(snapshot.find(middle.system, middle.name), &middle);
}

TEST_F(LiveTracefsTest, SchedSwitchIsHarvestedWithItsSignedLongState) {
  // The field DESIGN.md's examples and the consumer lean on most; its
  // `long prev_state` is signed:1 in the format file.
  const KernelSnapshot snapshot = harvest_live(tracefs_mount);
  const EventLayout* sched_switch = snapshot.find("sched", "sched_switch");
  ASSERT_NE(sched_switch, nullptr);
  const auto state = std::find_if(sched_switch->fields.begin(), sched_switch->fields.end(),
                                  [](const FieldLayout& field) { return field.name == "prev_state"; });
  ASSERT_NE(state, sched_switch->fields.end());
  const TextFormat text =
      read_format_text(read_file(tracefs_mount / "events" / "sched" / "sched_switch" / "format"));
  const auto text_state = std::find_if(text.own.begin(), text.own.end(),
                                       [](const TextField& field) { return field.name == "prev_state"; });
  ASSERT_NE(text_state, text.own.end());
  EXPECT_EQ(state->is_signed, text_state->is_signed);
  EXPECT_EQ(state->declaration(), text_state->declaration);
  EXPECT_EQ(state->kind, FieldKind::Integer);
}

TEST_F(LiveTracefsTest, TwoHarvestsWriteIdenticalBytes) {
  const fs::path directory = fs::path(::testing::TempDir()) / "probity-harvest-determinism";
  fs::remove_all(directory);
  fs::create_directories(directory);
  write_snapshot(harvest_live(tracefs_mount), directory / "first.yaml");
  write_snapshot(harvest_live(tracefs_mount), directory / "second.yaml");
  const std::string first = read_file(directory / "first.yaml");
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, read_file(directory / "second.yaml"));
  fs::remove_all(directory);
}

// What probity uses for the running kernel (the index's snapshot when the
// catalogue covers this release, else this kernel's own tracefs) has exactly
// the layouts a fresh harvest reads: a stale committed snapshot fails here.
TEST_F(LiveTracefsTest, TheRunningKernelsCatalogueHasExactlyTheLiveLayouts) {
  const Index index = Index::open(PROBITY_INDEX_FILE);
  const HostCatalogue host = host_catalogue(index, std::nullopt);
  ASSERT_NE(host.origin, LayoutOrigin::Substitute) << host.substitute_note;
  const KernelSnapshot fresh = harvest_live(tracefs_mount);
  EXPECT_EQ(host.catalogue.release, fresh.release);
  ASSERT_EQ(host.catalogue.common_fields.size(), fresh.common_fields.size());
  for (std::size_t i = 0; i < fresh.common_fields.size(); ++i) {
    EXPECT_EQ(host.catalogue.common_fields[i].layout, fresh.common_fields[i]);
  }
  EXPECT_EQ(host.catalogue.event_count(), fresh.events.size());
  std::vector<std::string> differences;
  for (const EventLayout& event : fresh.events) {
    const Event* known = host.catalogue.find_event(event.system, event.name);
    if (known == nullptr) {
      differences.push_back(event.system + ":" + event.name + " is missing");
      continue;
    }
    std::vector<FieldLayout> layouts;
    for (const Field& field : known->fields) layouts.push_back(field.layout);
    if (layouts != event.fields) differences.push_back(event.system + ":" + event.name + " differs");
  }
  EXPECT_TRUE(differences.empty()) << "the running kernel's catalogue (from " << host.origin_text
                                   << ") is stale; for a committed snapshot regenerate it with "
                                   << "`probity catalogue harvest`:\n" << first_lines(differences);
}

// ------------------------------------------------------------ tracefs errors

TEST(HarvestErrorTest, ADirectoryThatIsNotTracefsIsAOneLineErrorNamingIt) {
  const fs::path directory = fs::path(::testing::TempDir()) / "probity-not-tracefs";
  fs::remove_all(directory);
  fs::create_directories(directory);
  try {
    harvest_live(directory);
    ADD_FAILURE() << "harvest_live(" << directory << ") did not throw";
  } catch (const TracefsError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(directory.string()), std::string::npos) << message;
    EXPECT_NE(message.find("not a tracefs mount"), std::string::npos) << message;
    EXPECT_NE(message.find("mount -t tracefs"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  fs::remove_all(directory);
}

TEST(HarvestErrorTest, AMissingDirectoryIsAOneLineErrorNamingIt) {
  const fs::path directory = fs::path(::testing::TempDir()) / "probity-no-such-directory";
  fs::remove_all(directory);
  try {
    harvest_live(directory);
    ADD_FAILURE() << "harvest_live(" << directory << ") did not throw";
  } catch (const TracefsError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(directory.string()), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

// In a child process: drops root and/or unmounts tracefs in a private mount
// namespace (the machine's own mount is untouched), then calls tracing_dir()
// and harvest_live(). Prints "error=<what()>" or "events=<count>" and exits 0;
// any other exit status is a setup failure.
void run_in_child(bool unmount_tracefs, bool drop_root) {
  if (unmount_tracefs) {
    if (::unshare(CLONE_NEWNS) != 0) std::_Exit(10);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) std::_Exit(11);
    while (::umount2(tracefs_mount.c_str(), MNT_DETACH) == 0) {
    }
    // debugfs (mounted by perf, trace-cmd or bpftrace) gives tracefs a second
    // home that would be found instead.
    while (::umount2("/sys/kernel/debug/tracing", MNT_DETACH) == 0) {
    }
    while (::umount2("/sys/kernel/debug", MNT_DETACH) == 0) {
    }
    if (fs::exists(tracefs_mount / "events")) std::_Exit(12);
  }
  if (drop_root && (::setresgid(nobody, nobody, nobody) != 0 || ::setresuid(nobody, nobody, nobody) != 0)) {
    std::_Exit(13);
  }
  try {
    const KernelSnapshot snapshot = harvest_live(tracing_dir());
    std::cerr << "events=" << snapshot.events.size() << std::endl;
  } catch (const TracefsError& error) {
    const std::string message = error.what();
    if (message.find('\n') != std::string::npos) std::_Exit(14);
    std::cerr << "error=" << message << std::endl;
  }
  std::_Exit(0);
}

class TracingDirTest : public LiveTracefsTest {
 protected:
  void SetUp() override {
    LiveTracefsTest::SetUp();
    // Re-run the test in a fresh process so that nothing libtracefs cached in
    // this one (it remembers the tracing directory) leaks into the child.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

TEST_F(TracingDirTest, MountsTracefsWhenItIsNotMounted) {
  EXPECT_EXIT(run_in_child(/*unmount_tracefs=*/true, /*drop_root=*/false), ::testing::ExitedWithCode(0),
              "events=[1-9][0-9]*");
}

TEST_F(TracingDirTest, WithoutRootAMountedTracefsIsPermissionDenied) {
  EXPECT_EXIT(run_in_child(/*unmount_tracefs=*/false, /*drop_root=*/true), ::testing::ExitedWithCode(0),
              "error=probity: cannot read tracefs at /sys/kernel/tracing: Permission denied; run as root");
}

TEST_F(TracingDirTest, WithoutRootAnUnmountedTracefsSaysHowToMountIt) {
  EXPECT_EXIT(run_in_child(/*unmount_tracefs=*/true, /*drop_root=*/true), ::testing::ExitedWithCode(0),
              "error=probity: tracefs is not mounted and only root can mount it; run as root, or "
              "mount it with: mount -t tracefs nodev /sys/kernel/tracing");
}

// ------------------------------------------------------------ copies of tracefs

TEST_F(TracefsCopyTest, ACopyHarvestsLikeTheLiveSystem) {
  const KernelSnapshot copy = harvest_live(root_);
  const KernelSnapshot live = harvest_live(tracefs_mount);
  ASSERT_FALSE(copy.events.empty());
  EXPECT_EQ(copy.common_fields, live.common_fields);
  for (const EventLayout& event : copy.events) {
    EXPECT_EQ(event.system, "sched");
    const EventLayout* original = live.find(event.system, event.name);
    ASSERT_NE(original, nullptr) << event.name;
    EXPECT_EQ(event, *original);
    EXPECT_TRUE(event.declared.empty()) << event.name;
  }
}

TEST_F(TracefsCopyTest, AKernelDeclaredStabilityIsRead) {
  write_file(event_dir("sched", "sched_switch") / "stability", "name: Stable\ndata: Evolving\nclass: Common\n");
  write_file(event_dir("sched", "sched_wakeup") / "stability", "data: unstable\n");
  const KernelSnapshot copy = harvest_live(root_);
  const EventLayout* sched_switch = copy.find("sched", "sched_switch");
  ASSERT_NE(sched_switch, nullptr);
  EXPECT_EQ(sched_switch->declared, (DeclaredStability{Level::Stable, Level::Evolving, DependencyClass::Common}));
  const EventLayout* sched_wakeup = copy.find("sched", "sched_wakeup");
  ASSERT_NE(sched_wakeup, nullptr);
  EXPECT_EQ(sched_wakeup->declared, (DeclaredStability{std::nullopt, Level::Unstable, std::nullopt}));
}

TEST_F(TracefsCopyTest, ABadStabilityFileIsAnErrorNamingFileLineAndKey) {
  const fs::path file = event_dir("sched", "sched_switch") / "stability";
  write_file(file, "name: Stable\ndata: Stabel\nclas: Common\n");
  const std::vector<Diagnostic> errors = errors_of_harvest();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].where.file, file.string());
  EXPECT_EQ(errors[0].where.line, 2);
  EXPECT_EQ(errors[0].key_path, "data");
  EXPECT_NE(errors[0].message.find("Stabel"), std::string::npos) << errors[0].message;
  EXPECT_EQ(errors[1].where.line, 3);
  EXPECT_NE(errors[1].hint.find("class"), std::string::npos) << errors[1].hint;
}

TEST_F(TracefsCopyTest, AnEventDirectoryWithoutAFormatFileIsAnErrorNamingIt) {
  fs::create_directories(event_dir("sched", "sched_vanished"));
  const std::vector<Diagnostic> errors = errors_of_harvest();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.file, (event_dir("sched", "sched_vanished") / "format").string());
}

TEST_F(TracefsCopyTest, AFieldListLibtraceeventCannotParseIsAnErrorNamingTheFormatFile) {
  const fs::path format = event_dir("sched", "sched_switch") / "format";
  std::string text = read_file(format);
  const std::size_t offset = text.find("\toffset:", text.find("prev_pid"));
  ASSERT_NE(offset, std::string::npos);
  text.replace(offset, 8, "\toffset ");  // "offset 24;" is not a field line
  write_file(format, text);
  const std::vector<Diagnostic> errors = errors_of_harvest();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.file, format.string());
  EXPECT_NE(errors[0].message.find("libtraceevent"), std::string::npos) << errors[0].message;
}

TEST_F(TracefsCopyTest, APrintFormatLibtraceeventCannotEvaluateStillHarvestsTheLayout) {
  // Linux 6.18 has such events (kvm:kvm_inj_exception prints with an empty
  // __print_symbolic); the layout is whole, only libtraceevent's text is not.
  const fs::path format = event_dir("sched", "sched_switch") / "format";
  std::string text = read_file(format);
  const std::size_t print = text.find("print fmt:");
  ASSERT_NE(print, std::string::npos);
  text.replace(print, std::string::npos, "print fmt: \"%s\", __print_symbolic(REC->prev_pid, { })\n");
  write_file(format, text);
  const KernelSnapshot copy = harvest_live(root_);
  const KernelSnapshot live = harvest_live(tracefs_mount);
  const EventLayout* harvested = copy.find("sched", "sched_switch");
  ASSERT_NE(harvested, nullptr);
  EXPECT_EQ(*harvested, *live.find("sched", "sched_switch"));
}

TEST_F(TracefsCopyTest, DifferentCommonFieldsAreAnErrorNamingTheFormatFile) {
  const fs::path format = event_dir("sched", "sched_switch") / "format";
  std::string text = read_file(format);
  const std::size_t pid = text.find("int common_pid;\toffset:4;");
  ASSERT_NE(pid, std::string::npos);
  text.replace(pid, 3, "u32");
  write_file(format, text);
  const std::vector<Diagnostic> errors = errors_of_harvest();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.file, format.string());
  EXPECT_NE(errors[0].message.find("common_"), std::string::npos) << errors[0].message;
}

}  // namespace
}  // namespace probity::catalogue
