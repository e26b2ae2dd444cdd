// Will a program run on another release? Checked with the shipped snapshots
// of Debian's 6.1 and 6.12 kernels and this machine's 6.18, whose known
// differences (from the kernel headers) are what the tests expect.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "probity/catalogue/index.hpp"
#include "probity/compiler/compat.hpp"

namespace probity::compiler {
namespace {

constexpr const char* v6_1 = "6.1.0-56-amd64";
constexpr const char* v6_12 = "6.12.117+deb12-amd64";
constexpr const char* v6_18 = "6.18.44-fc-v657";

const catalogue::Index& index() {
  static const catalogue::Index opened = catalogue::Index::open(PROBITY_INDEX_FILE);
  return opened;
}

const catalogue::Catalogue& release(const std::string& name) {
  static std::map<std::string, catalogue::Catalogue> loaded;
  auto found = loaded.find(name);
  if (found == loaded.end()) found = loaded.emplace(name, index().load(name)).first;
  return found->second;
}

ReleaseVerdict check(const std::string& text, const std::string& on, std::vector<std::pair<std::string, std::string>> options = {}) {
  CompileOptions compile_options;
  compile_options.options = std::move(options);
  return check_script(SourceFile{"script.d", text}, release(on), compile_options);
}

const Diagnostic* first_error(const ReleaseVerdict& verdict) {
  for (const auto& diagnostic : verdict.diagnostics) {
    if (diagnostic.severity == Severity::Error) return &diagnostic;
  }
  return nullptr;
}

TEST(Compat, RemovedFieldIsFlaggedOnExactlyTheReleasesThatLackIt) {
  // sched_stat_runtime lost vruntime after 6.1 (kernel commit 5fe6ec8f6ab5).
  const std::string text = "sched:sched_stat_runtime\n{\n  @[execname] = sum(args->vruntime);\n}\n";
  // The catalogue documents vruntime as Obsolete: by default 6.1 refuses it
  // for its stability, and with the bar lowered it runs there.
  const ReleaseVerdict by_default = check(text, v6_1);
  EXPECT_FALSE(by_default.runs);
  ASSERT_NE(first_error(by_default), nullptr);
  EXPECT_EQ(first_error(by_default)->tag, "D_STABILITY");
  const std::vector<std::pair<std::string, std::string>> unstable{{"amin", "Obsolete"}};
  EXPECT_TRUE(check(text, v6_1, unstable).runs);
  for (const char* newer : {v6_12, v6_18}) {
    const ReleaseVerdict verdict = check(text, newer, unstable);
    EXPECT_FALSE(verdict.runs) << newer;
    const Diagnostic* error = first_error(verdict);
    ASSERT_NE(error, nullptr) << newer;
    EXPECT_EQ(error->tag, "D_FIELD_UNKNOWN");
    EXPECT_EQ(error->span.begin.line, 3u);
    EXPECT_NE(error->message.find("vruntime"), std::string::npos);
    EXPECT_NE(error->message.find(std::string("in kernel ") + newer), std::string::npos) << error->message;
    // The catalogue documents why it is gone; the error says so.
    ASSERT_EQ(error->notes.size(), 1u);
    EXPECT_EQ(error->notes[0].rfind("the catalogue says of sched:sched_stat_runtime.vruntime: ", 0), 0u) << error->notes[0];
    EXPECT_EQ(verdict.release, newer);
  }
}

TEST(Compat, RenamedFieldNamesItsSuccessorOnTheReleasesThatRenamedIt) {
  // Linux 6.9 renamed the filelock events' fl_* fields (fl_type -> type, ...).
  const std::string old_names = "filelock:posix_lock_inode\n{\n  @[args->fl_type, args->fl_pid] = count();\n}\n";
  EXPECT_TRUE(check(old_names, v6_1).runs) << (first_error(check(old_names, v6_1)) ? first_error(check(old_names, v6_1))->message : "");
  for (const char* newer : {v6_12, v6_18}) {
    const ReleaseVerdict verdict = check(old_names, newer);
    EXPECT_FALSE(verdict.runs) << newer;
    std::vector<std::string> hints;
    for (const Diagnostic& diagnostic : verdict.diagnostics) {
      if (diagnostic.severity != Severity::Error) continue;
      EXPECT_EQ(diagnostic.tag, "D_FIELD_UNKNOWN") << diagnostic.message;
      EXPECT_EQ(diagnostic.span.begin.line, 3u);
      hints.push_back(diagnostic.hint);
    }
    ASSERT_EQ(hints.size(), 2u) << newer;
    EXPECT_NE(hints[0].find("args->type"), std::string::npos) << hints[0];
    EXPECT_NE(hints[1].find("args->pid"), std::string::npos) << hints[1];
  }
  const std::string new_names = "filelock:posix_lock_inode { @[args->type, args->pid] = count(); }";
  EXPECT_TRUE(check(new_names, v6_12).runs);
  EXPECT_TRUE(check(new_names, v6_18).runs);
  EXPECT_FALSE(check(new_names, v6_1).runs);
}

TEST(Compat, AddedFieldIsFlaggedOnTheReleasesBeforeIt) {
  const std::string text = "sched:sched_process_exit /args->group_dead/ { @[execname] = count(); }";
  EXPECT_TRUE(check(text, v6_18).runs);
  for (const char* older : {v6_1, v6_12}) {
    const ReleaseVerdict verdict = check(text, older);
    EXPECT_FALSE(verdict.runs) << older;
    ASSERT_NE(first_error(verdict), nullptr);
    EXPECT_EQ(first_error(verdict)->tag, "D_FIELD_UNKNOWN") << older;
  }
}

TEST(Compat, StableFieldsRunEverywhere) {
  const std::string text =
      "sched:sched_switch /args->prev_pid != 0/ { @[args->next_comm] = count(); }\n"
      "signal:signal_generate { @sigs[args->sig] = count(); }\n";
  for (const char* name : {v6_1, v6_12, v6_18}) {
    const ReleaseVerdict verdict = check(text, name);
    EXPECT_TRUE(verdict.runs) << name << ": " << (first_error(verdict) ? first_error(verdict)->message : "");
  }
}

TEST(Compat, RetypedFieldBreaksAnObjectButNotTheScript) {
  // parent_comm was char[16] up to 6.12 and is a __data_loc string in 6.18:
  // the script still compiles there, an object compiled for 6.1 does not run.
  const std::string text = "sched:sched_process_fork { @[args->parent_comm] = count(); }";
  for (const char* name : {v6_1, v6_12, v6_18}) EXPECT_TRUE(check(text, name).runs) << name;

  const CompileResult compiled = compile(SourceFile{"fork.d", text}, release(v6_1));
  ASSERT_TRUE(compiled.ok());
  const ReleaseVerdict same = check_object(*compiled.program, release(v6_1));
  EXPECT_TRUE(same.runs);
  const ReleaseVerdict char_signedness_only = check_object(*compiled.program, release(v6_12));
  EXPECT_TRUE(char_signedness_only.runs) << (char_signedness_only.problems.empty() ? "" : char_signedness_only.problems[0]);
  const ReleaseVerdict newer = check_object(*compiled.program, release(v6_18));
  EXPECT_FALSE(newer.runs);
  bool retyped = false;
  for (const std::string& problem : newer.problems) {
    retyped = retyped || (problem.find("parent_comm retyped char parent_comm[16] -> __data_loc char[] parent_comm") !=
                          std::string::npos);
  }
  EXPECT_TRUE(retyped) << ::testing::PrintToString(newer.problems);
}

TEST(Compat, ObjectEventMissingOrForbiddenInAReleaseDoesNotRun) {
  const CompileResult compiled =
      compile(SourceFile{"x.d", "sched:sched_switch { @ = count(); }"}, release(v6_18));
  ASSERT_TRUE(compiled.ok());
  catalogue::Catalogue without = release(v6_18);
  for (auto& provider : without.providers) {
    if (provider.name != "sched") continue;
    for (auto& event : provider.events) {
      if (event.name == "sched_switch") event.hazard = {catalogue::Hazard::Forbidden, "site policy", "policy.md"};
    }
  }
  const ReleaseVerdict forbidden = check_object(*compiled.program, without);
  EXPECT_FALSE(forbidden.runs);
  ASSERT_FALSE(forbidden.problems.empty());
  EXPECT_NE(forbidden.problems[0].find("forbidden"), std::string::npos) << forbidden.problems[0];

  catalogue::Catalogue empty;
  empty.release = "empty";
  const ReleaseVerdict missing = check_object(*compiled.program, empty);
  EXPECT_FALSE(missing.runs);
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_EQ(missing.problems[0],
            "event sched:sched_switch is not in this release's catalogue, so it is not enabled; only catalogued "
            "probes run (probity -l lists them)");
}

}  // namespace
}  // namespace probity::compiler
