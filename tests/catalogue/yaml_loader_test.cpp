// providers/<system>.yaml, common.yaml and load_sources: what loads, and the
// exact diagnostics (file:line:column, key path, message) of what does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "probity/catalogue/yaml_io.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

const fs::path fixtures{PROBITY_TEST_FIXTURES};

class YamlLoaderTest : public ::testing::Test {
 protected:
  test_support::ScratchDirectory scratch_{"probity-loader"};
  const fs::path directory_ = scratch_.path();

  fs::path write(const fs::path& name, const std::string& text) const {
    return scratch_.write(name, text);
  }

  // A copy of the fixture catalogue to add broken files to.
  fs::path copy_fixture_catalogue() const {
    const fs::path root = directory_ / "catalogue";
    fs::copy(fixtures / "catalogue", root, fs::copy_options::recursive);
    return root;
  }

  // The diagnostics `load` throws; fails the test when it does not throw.
  static std::vector<Diagnostic> errors_of(const std::function<void()>& load) {
    try {
      load();
    } catch (const CatalogueError& error) {
      return error.diagnostics();
    } catch (const std::exception& error) {
      ADD_FAILURE() << "threw something other than CatalogueError: " << error.what();
      return {};
    }
    ADD_FAILURE() << "loaded without errors";
    return {};
  }

  std::vector<Diagnostic> provider_errors(const std::string& name, const std::string& text) const {
    const fs::path file = write(name, text);
    return errors_of([&] { load_provider_doc(file); });
  }

};

// Checks one diagnostic completely.
void expect_diagnostic(const Diagnostic& diagnostic, const fs::path& file, int line, int column,
                       const std::string& key_path, const std::string& message) {
  EXPECT_EQ(diagnostic.where.file, file.string());
  EXPECT_EQ(diagnostic.where.line, line) << diagnostic.to_string();
  EXPECT_EQ(diagnostic.where.column, column) << diagnostic.to_string();
  EXPECT_EQ(diagnostic.key_path, key_path) << diagnostic.to_string();
  EXPECT_EQ(diagnostic.message, message) << diagnostic.to_string();
}

// A valid provider header to prepend to event-level test cases (8 lines).
const std::string provider_header = R"(provider: sched
description: The scheduler.
stability:
  provider: Stable
  name: Stable
  data: Evolving
  class: Common
  rationale: Kept since 2.6.32.
)";

TEST_F(YamlLoaderTest, LoadsTheFixtureProvider) {
  const ProviderDoc doc = load_provider_doc(fixtures / "catalogue" / "providers" / "sched.yaml");
  EXPECT_EQ(doc.name, "sched");
  EXPECT_EQ(doc.description, "The process scheduler: context switches, wake-ups, exits.");
  EXPECT_EQ(doc.provider_stability, Level::Stable);
  EXPECT_EQ(doc.stability.name, Level::Stable);
  EXPECT_EQ(doc.stability.data, Level::Evolving);
  EXPECT_EQ(doc.stability.dependency_class, DependencyClass::Common);
  EXPECT_EQ(doc.stability.rationale,
            "Scheduler tracepoints kept their names since 2.6.32 and perf sched relies on them.");
  EXPECT_EQ(doc.references, (std::vector<std::string>{"https://docs.kernel.org/trace/events.html",
                                                      "include/trace/events/sched.h"}));
  ASSERT_EQ(doc.events.size(), 3u);

  const EventDoc& sched_switch = doc.events[0];
  EXPECT_EQ(sched_switch.name, "sched_switch");
  EXPECT_EQ(sched_switch.where.line, 15);
  EXPECT_EQ(sched_switch.where.column, 3);
  EXPECT_FALSE(sched_switch.stability.name);  // inherited
  EXPECT_EQ(sched_switch.stability.data, Level::Stable);
  ASSERT_TRUE(sched_switch.hazard);
  EXPECT_EQ(sched_switch.hazard->level, Hazard::Hot);
  EXPECT_EQ(sched_switch.hazard->reference, "https://docs.kernel.org/scheduler/index.html");
  ASSERT_EQ(sched_switch.fields.size(), 3u);
  EXPECT_TRUE(sched_switch.fields[0].stability.empty());
  EXPECT_EQ(sched_switch.fields[1].stability.dependency_class, DependencyClass::Group);
  EXPECT_EQ(sched_switch.fields[1].stability.rationale, "Thread ids are per pid namespace.");
  // A partial triple fills the missing components with the maximum.
  const StabilityDecl& prev_state = sched_switch.fields[2].stability;
  EXPECT_EQ(prev_state.name, Level::Evolving);
  EXPECT_EQ(prev_state.data, Level::Unstable);
  EXPECT_EQ(prev_state.dependency_class, DependencyClass::Common);
  EXPECT_EQ(prev_state.rationale, "The encoding of task states changed in 4.14.");

  EXPECT_FALSE(doc.events[1].hazard);
  // Level and class names are case-insensitive.
  EXPECT_EQ(doc.events[2].stability.dependency_class, DependencyClass::Platform);
}

TEST_F(YamlLoaderTest, InvalidYamlSyntax) {
  const auto errors = provider_errors("sched.yaml", R"(provider: sched
description: [unclosed
events: {}
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.file, (directory_ / "sched.yaml").string());
  // yaml-cpp notices the unclosed '[' at the ': ' of the next line (0-based mark 2:6).
  EXPECT_EQ(errors[0].where.line, 3);
  EXPECT_EQ(errors[0].where.column, 7);
  EXPECT_EQ(errors[0].key_path, "");
  EXPECT_EQ(errors[0].message, "invalid YAML: end of sequence flow not found");
  EXPECT_FALSE(errors[0].hint.empty());
}

TEST_F(YamlLoaderTest, UnknownKeyNamesTheClosestKnownKey) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    descripton: The CPU switches tasks.
)");
  ASSERT_EQ(errors.size(), 2u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 11, 5, "events.sched_switch.descripton",
                    "unknown key \"descripton\" (did you mean \"description\"?)");
  EXPECT_EQ(errors[0].hint,
            "known keys here: description, stability, rationale, hazard, fields, successor, layout_changes");
  // ... and, since the key was misspelt, the description is missing.
  expect_diagnostic(errors[1], directory_ / "sched.yaml", 11, 5, "events.sched_switch",
                    "missing required key \"description\"");
}

TEST_F(YamlLoaderTest, SequenceWhereAMappingIsExpected) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  - sched_switch
  - sched_wakeup
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 10, 3, "events",
                    "expected a mapping, found a sequence");
}

TEST_F(YamlLoaderTest, ReferencesMustBeASequenceOfText) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(references: {url: x}
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 9, 13, "references",
                    "expected a sequence, found a mapping");
}

TEST_F(YamlLoaderTest, UnknownLevelInTheMappingForm) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    description: The CPU switches tasks.
    fields:
      prev_pid:
        description: Thread id.
        stability: {data: Stabel, rationale: Never changed.}
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 15, 27,
                    "events.sched_switch.fields.prev_pid.stability.data",
                    "unknown stability level \"Stabel\" (did you mean \"Stable\"?)");
  EXPECT_EQ(errors[0].hint,
            "levels, low to high: Internal < Private < Obsolete < External < Unstable < "
            "Evolving < Stable < Standard");
  EXPECT_EQ(errors[0].to_string(),
            (directory_ / "sched.yaml").string() +
                ":15:27: events.sched_switch.fields.prev_pid.stability.data: unknown stability "
                "level \"Stabel\" (did you mean \"Stable\"?)\n  hint: " + errors[0].hint);
}

TEST_F(YamlLoaderTest, UnknownClassInTheMappingForm) {
  const auto errors = provider_errors("sched.yaml", R"(provider: sched
description: The scheduler.
stability:
  provider: Stable
  name: Stable
  data: Evolving
  class: Comon
  rationale: Kept since 2.6.32.
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 7, 10, "stability.class",
                    "unknown dependency class \"Comon\" (did you mean \"Common\"?)");
}

TEST_F(YamlLoaderTest, UnknownClassInTheTripleFormPointsAtTheWord) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    description: The CPU switches tasks.
    stability: Stable/Evolving/Comon
    rationale: Kept since 2.6.32.
  sched_wakeup:
    description: A task wakes up.
    stability: "Stable/Evolvng"
    rationale: Kept since 2.6.32.
)");
  ASSERT_EQ(errors.size(), 2u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 12, 32, "events.sched_switch.stability",
                    "unknown dependency class \"Comon\" (did you mean \"Common\"?)");
  EXPECT_EQ(errors[0].hint,
            "dependency classes, low to high: Unknown < CPU < Platform < Group < ISA < Common");
  // Quoted: the column still points at the word, past the quote.
  expect_diagnostic(errors[1], directory_ / "sched.yaml", 16, 24, "events.sched_wakeup.stability",
                    "unknown stability level \"Evolvng\" (did you mean \"Evolving\"?)");
}

TEST_F(YamlLoaderTest, MissingDescription) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    fields:
      prev_pid: {description: Thread id.}
      next_pid: {stability: {data: Stable, rationale: Never changed.}}
)");
  ASSERT_EQ(errors.size(), 2u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 11, 5, "events.sched_switch",
                    "missing required key \"description\"");
  EXPECT_EQ(errors[0].hint, "say what the event means");
  expect_diagnostic(errors[1], directory_ / "sched.yaml", 13, 17,
                    "events.sched_switch.fields.next_pid", "missing required key \"description\"");
}

TEST_F(YamlLoaderTest, MissingRationale) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    description: The CPU switches tasks.
    stability: {data: Stable}
  sched_wakeup:
    description: A task wakes up.
    stability: Stable/Stable/Common
)");
  ASSERT_EQ(errors.size(), 2u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 12, 16, "events.sched_switch.stability",
                    "missing required key \"rationale\"");
  expect_diagnostic(errors[1], directory_ / "sched.yaml", 15, 16, "events.sched_wakeup.stability",
                    "missing \"rationale\" beside the stability triple");
}

TEST_F(YamlLoaderTest, ProviderMustDeclareEveryComponent) {
  const auto errors = provider_errors("sched.yaml", R"(provider: sched
description: The scheduler.
stability:
  name: Stable
  class: Common
  rationale: Kept since 2.6.32.
)");
  ASSERT_EQ(errors.size(), 2u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 4, 3, "stability",
                    "missing required key \"provider\"");
  expect_diagnostic(errors[1], directory_ / "sched.yaml", 4, 3, "stability",
                    "missing required key \"data\"");
}

TEST_F(YamlLoaderTest, DuplicateEvents) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    description: The CPU switches tasks.
  sched_switch:
    description: Again.
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 12, 3, "events.sched_switch",
                    "event \"sched_switch\" appears twice (first at line 10)");
}

TEST_F(YamlLoaderTest, DuplicateFields) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    description: The CPU switches tasks.
    fields:
      prev_pid:
        description: Thread id.
      prev_pid:
        description: Thread id again.
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 15, 7,
                    "events.sched_switch.fields.prev_pid",
                    "field \"prev_pid\" appears twice (first at line 13)");
}

TEST_F(YamlLoaderTest, DuplicateKey) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(description: Twice.
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 9, 1, "description",
                    "duplicate key \"description\" (first at line 2)");
}

TEST_F(YamlLoaderTest, HazardWithoutReasonOrReference) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    description: The CPU switches tasks.
    hazard: {level: hot, reference: https://docs.kernel.org/scheduler/index.html}
  sched_wakeup:
    description: A task wakes up.
    hazard:
      level: sensitive
      reason: Shows command names.
  sched_waking:
    description: A task is being woken.
    hazard: {level: none}
)");
  ASSERT_EQ(errors.size(), 2u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 12, 13, "events.sched_switch.hazard",
                    "a \"hot\" hazard needs a \"reason\"");
  expect_diagnostic(errors[1], directory_ / "sched.yaml", 16, 7, "events.sched_wakeup.hazard",
                    "a \"sensitive\" hazard needs a \"reference\"");
}

TEST_F(YamlLoaderTest, UnknownHazardLevel) {
  const auto errors = provider_errors("sched.yaml", provider_header + R"(events:
  sched_switch:
    description: The CPU switches tasks.
    hazard: {level: forbiden, reason: r, reference: x}
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 12, 21,
                    "events.sched_switch.hazard.level",
                    "unknown hazard level \"forbiden\" (did you mean \"forbidden\"?)");
  EXPECT_EQ(errors[0].hint, "hazard levels: none, hot, sensitive, forbidden");
}

TEST_F(YamlLoaderTest, ProviderNameMustMatchTheFileName) {
  const auto errors = provider_errors("sched.yaml", R"(provider: schedule
description: The scheduler.
stability: {provider: Stable, name: Stable, data: Evolving, class: Common, rationale: Old.}
)");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 1, 11, "provider",
                    "provider \"schedule\" does not match the file name \"sched.yaml\"");
}

TEST_F(YamlLoaderTest, EmptyFile) {
  const auto errors = provider_errors("sched.yaml", "\n# only a comment\n");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 0, 0, "", "the file is empty");
}

TEST_F(YamlLoaderTest, TopLevelMustBeAMapping) {
  const auto errors = provider_errors("sched.yaml", "- provider: sched\n");
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "sched.yaml", 1, 1, "",
                    "expected a mapping at the top level, found a sequence");
}

TEST_F(YamlLoaderTest, MissingFileKeepsTheRelativePathAsGiven) {
  const fs::path relative{"no-such-directory/sched.yaml"};
  const auto errors = errors_of([&] { load_provider_doc(relative); });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), "no-such-directory/sched.yaml: no such file\n  hint: check the path");
}

TEST_F(YamlLoaderTest, CommonDocs) {
  const CommonFieldDocs docs = load_common_docs(fixtures / "catalogue" / "common.yaml");
  ASSERT_EQ(docs.fields.size(), 2u);
  EXPECT_EQ(docs.fields[0].name, "common_pid");
  EXPECT_EQ(docs.fields[1].stability.data, Level::Evolving);

  const fs::path file = write("common.yaml", "common_fields:\n  common_pid: Thread id.\n");
  const auto errors = errors_of([&] { load_common_docs(file); });
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], file, 2, 15, "common_fields.common_pid",
                    "expected a mapping, found a scalar (\"Thread id.\")");
}

TEST_F(YamlLoaderTest, LoadsTheFixtureCatalogueSorted) {
  const CatalogueSources sources = load_sources(fixtures / "catalogue");
  ASSERT_EQ(sources.providers.size(), 2u);
  EXPECT_EQ(sources.providers[0].name, "irq");
  EXPECT_EQ(sources.providers[1].name, "sched");
  ASSERT_EQ(sources.kernels.size(), 2u);
  EXPECT_EQ(sources.kernels[0].release, "6.1-test");  // numerically before 6.12
  EXPECT_EQ(sources.kernels[1].release, "6.12-test");
  EXPECT_EQ(sources.common.fields.size(), 2u);
}

TEST_F(YamlLoaderTest, MissingSubdirectoriesAreEmptyButTheRootMustExist) {
  write("catalogue/common.yaml", "common_fields: {}\n");
  const CatalogueSources sources = load_sources(directory_ / "catalogue");
  EXPECT_TRUE(sources.providers.empty());
  EXPECT_TRUE(sources.kernels.empty());

  const auto errors = errors_of([&] { load_sources(directory_ / "absent"); });
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], directory_ / "absent", 0, 0, "", "no such catalogue directory");
}

TEST_F(YamlLoaderTest, DocumentedEventOrFieldThatNoKernelHas) {
  const fs::path root = copy_fixture_catalogue();
  write("catalogue/providers/sched.yaml", provider_header + R"(events:
  sched_swich:
    description: A typo.
  sched_wakeup:
    description: A task wakes up.
    fields:
      target_cpus:
        description: Another typo.
)");
  const auto errors = errors_of([&] { load_sources(root); });
  ASSERT_EQ(errors.size(), 2u);
  const fs::path file = root / "providers" / "sched.yaml";
  expect_diagnostic(errors[0], file, 10, 3, "events.sched_swich",
                    "event \"sched:sched_swich\" is not in any catalogued kernel (did you mean "
                    "\"sched_switch\"?)");
  EXPECT_EQ(errors[0].hint, "catalogued kernels: 6.1-test, 6.12-test");
  expect_diagnostic(errors[1], file, 15, 7, "events.sched_wakeup.fields.target_cpus",
                    "field \"target_cpus\" of sched:sched_wakeup is not in any catalogued kernel "
                    "(did you mean \"target_cpu\"?)");
  EXPECT_EQ(errors[1].hint, "its fields there: comm, pid, prio, target_cpu");
}

TEST_F(YamlLoaderTest, UndocumentedProviderNameIsReported) {
  const fs::path root = copy_fixture_catalogue();
  write("catalogue/providers/workqeue.yaml", R"(provider: workqeue
description: Typo.
stability: {provider: Stable, name: Stable, data: Evolving, class: Common, rationale: Old.}
)");
  const auto errors = errors_of([&] { load_sources(root); });
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], root / "providers" / "workqeue.yaml", 1, 11, "provider",
                    "provider \"workqeue\" is not in any catalogued kernel (did you mean "
                    "\"workqueue\"?)");
}

TEST_F(YamlLoaderTest, LoadSourcesCollectsTheProblemsOfEveryFile) {
  const fs::path root = copy_fixture_catalogue();
  write("catalogue/providers/irq.yaml", "provider: irq\n");
  write("catalogue/kernels/6.12-test.yaml", "release: 6.12-test\nevents: []\n");
  write("catalogue/common.yaml", "common_fields:\n  common_pid: {descriptio: x}\n");
  const auto errors = errors_of([&] { load_sources(root); });
  std::vector<std::string> lines;
  for (const Diagnostic& error : errors) {
    lines.push_back(error.where.file.substr(root.string().size() + 1) + ":" +
                    std::to_string(error.where.line) + ": " + error.key_path + ": " + error.message);
  }
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "common.yaml:2: common_fields.common_pid.descriptio: unknown key "
                       "\"descriptio\" (did you mean \"description\"?)",
                       "common.yaml:2: common_fields.common_pid: missing required key \"description\"",
                       "kernels/6.12-test.yaml:1: : missing required key \"machine\"",
                       "kernels/6.12-test.yaml:1: : missing required key \"source\"",
                       "kernels/6.12-test.yaml:1: : missing required key \"common_fields\"",
                       "kernels/6.12-test.yaml:2: events: expected a mapping, found a sequence",
                       "providers/irq.yaml:1: : missing required key \"description\"",
                       "providers/irq.yaml:1: : missing required key \"stability\"",
                   }));
}

TEST_F(YamlLoaderTest, SnapshotReleaseMustMatchTheFileName) {
  const fs::path root = copy_fixture_catalogue();
  fs::rename(root / "kernels" / "6.12-test.yaml", root / "kernels" / "6.12.yaml");
  const auto errors = errors_of([&] { load_sources(root); });
  ASSERT_EQ(errors.size(), 1u);
  expect_diagnostic(errors[0], root / "kernels" / "6.12.yaml", 0, 0, "release",
                    "release \"6.12-test\" does not match the file name \"6.12.yaml\"");
}

TEST(DiagnosticTest, ClosestMatchOnlySuggestsPlausibleTypos) {
  const std::vector<std::string> levels{"Internal", "Private", "Stable", "Standard"};
  EXPECT_EQ(closest_match("Stabel", levels), "Stable");
  EXPECT_EQ(closest_match("stable", levels), "Stable");
  EXPECT_EQ(closest_match("Privte", levels), "Private");
  EXPECT_EQ(closest_match("Banana", levels), std::nullopt);
  EXPECT_EQ(closest_match("", levels), std::nullopt);
  EXPECT_EQ(closest_match("x", {}), std::nullopt);
}

TEST(DiagnosticTest, ToStringLeavesOutWhatIsUnknown) {
  EXPECT_EQ((Diagnostic{{"a.yaml", 3, 7}, "events.x", "bad", ""}.to_string()),
            "a.yaml:3:7: events.x: bad");
  EXPECT_EQ((Diagnostic{{"a.yaml", 0, 0}, "", "no such file", "check it"}.to_string()),
            "a.yaml: no such file\n  hint: check it");
  const CatalogueError error({Diagnostic{{"a.yaml", 1, 1}, "", "one", ""},
                              Diagnostic{{"b.yaml", 2, 1}, "k", "two", ""}});
  EXPECT_STREQ(error.what(), "a.yaml:1:1: one\nb.yaml:2:1: k: two");
}

}  // namespace
}  // namespace probity::catalogue
