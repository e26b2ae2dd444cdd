// kernels/<release>.yaml: writing, reading back, and the errors of a bad snapshot.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "probity/catalogue/yaml_io.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

const fs::path fixtures{PROBITY_TEST_FIXTURES};

class SnapshotYamlTest : public ::testing::Test {
 protected:
  test_support::ScratchDirectory scratch_{"probity-snapshot"};
  const fs::path directory_ = scratch_.path();

  fs::path write(const fs::path& name, const std::string& text) const {
    return scratch_.write(name, text);
  }

  static std::string read(const fs::path& file) {
    std::ifstream input(file);
    std::ostringstream text;
    text << input.rdbuf();
    return text.str();
  }

  // The diagnostics load_snapshot reports for `file`; fails the test if it loads.
  static std::vector<Diagnostic> errors_of(const fs::path& file) {
    try {
      load_snapshot(file);
    } catch (const CatalogueError& error) {
      return error.diagnostics();
    }
    ADD_FAILURE() << file << " loaded without errors";
    return {};
  }

};

FieldLayout field(std::string name, std::string type, std::uint32_t offset, std::uint32_t size,
                  bool is_signed, FieldKind kind, bool relative = false) {
  return FieldLayout{std::move(name), std::move(type), offset, size, is_signed, kind, relative};
}

KernelSnapshot sample_snapshot() {
  KernelSnapshot snapshot;
  snapshot.release = "6.1.0-31-amd64";
  snapshot.machine = "x86_64";
  snapshot.source = "linux-image-6.1.0-31-amd64 6.1.128-1: harvested # under qemu";
  snapshot.common_fields = {
      field("common_type", "unsigned short", 0, 2, false, FieldKind::Integer),
      field("common_flags", "unsigned char", 2, 1, false, FieldKind::Integer),
      field("common_preempt_count", "unsigned char", 3, 1, false, FieldKind::Integer),
      field("common_pid", "int", 4, 4, true, FieldKind::Integer),
  };
  // Deliberately out of order: the writer sorts by (system, name).
  EventLayout switch_event{"sched", "sched_switch", {}, "", {}, {}};
  switch_event.fields = {
      field("prev_comm", "char[16]", 8, 16, false, FieldKind::String),
      field("prev_pid", "pid_t", 24, 4, true, FieldKind::Integer),
      field("prev_state", "long", 32, 8, true, FieldKind::Integer),
  };
  switch_event.declared = DeclaredStability{Level::Stable, Level::Evolving, std::nullopt};
  EventLayout open_event{"syscalls", "sys_enter_openat", {}, "", {}, {}};
  open_event.fields = {
      field("__syscall_nr", "int", 8, 4, true, FieldKind::Integer),
      field("filename", "const char *", 24, 8, false, FieldKind::Pointer),
  };
  EventLayout module_event{"kvm", "kvm_exit", {}, "kvm", {}, {}};
  module_event.fields = {
      field("name", "__data_loc char[]", 8, 4, false, FieldKind::DynamicString),
      field("stack", "__rel_loc u64[]", 12, 4, false, FieldKind::DynamicArray, true),
      field("saddr", "__u8[4]", 16, 4, false, FieldKind::Array),
  };
  EventLayout empty_event{"sched", "sched_kthread_stop_ret", {}, "", {}, {}};
  EventLayout colon_event{"x", "odd: name", {}, "", {}, {}};
  colon_event.fields = {field("weird", "struct {int a;}", 8, 4, false, FieldKind::Integer)};
  snapshot.events = {switch_event, open_event, module_event, empty_event, colon_event};
  return snapshot;
}

TEST_F(SnapshotYamlTest, RoundTripsEveryFieldKindAndSortsEvents) {
  const KernelSnapshot original = sample_snapshot();
  const fs::path file = directory_ / "6.1.0-31-amd64.yaml";
  write_snapshot(original, file);
  const KernelSnapshot loaded = load_snapshot(file);

  KernelSnapshot expected = original;
  std::sort(expected.events.begin(), expected.events.end(),
            [](const EventLayout& a, const EventLayout& b) {
              return std::tie(a.system, a.name) < std::tie(b.system, b.name);
            });
  EXPECT_EQ(loaded.release, expected.release);
  EXPECT_EQ(loaded.machine, expected.machine);
  EXPECT_EQ(loaded.source, expected.source);
  EXPECT_EQ(loaded.common_fields, expected.common_fields);
  ASSERT_EQ(loaded.events.size(), expected.events.size());
  for (std::size_t i = 0; i < expected.events.size(); ++i) {
    EXPECT_EQ(loaded.events[i], expected.events[i]) << expected.events[i].system << ':'
                                                    << expected.events[i].name;
  }
  ASSERT_NE(loaded.find("sched", "sched_switch"), nullptr);
  EXPECT_EQ(loaded.find("sched", "sched_switch")->fields.at(1).name, "prev_pid");
  EXPECT_EQ(loaded.find("sched", "no_such_event"), nullptr);
}

TEST_F(SnapshotYamlTest, OutputIsDeterministicAndUsesFlowStyleFieldMaps) {
  const fs::path first = directory_ / "first.yaml";
  const fs::path second = directory_ / "second.yaml";
  KernelSnapshot snapshot = sample_snapshot();
  write_snapshot(snapshot, first);
  std::reverse(snapshot.events.begin(), snapshot.events.end());
  write_snapshot(snapshot, second);
  const std::string text = read(first);
  EXPECT_EQ(text, read(second));

  // The shape docs/manual/catalogue-format.md shows.
  EXPECT_NE(text.find("\nrelease: 6.1.0-31-amd64\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  - {name: common_type, type: unsigned short, offset: 0, size: 2, "
                      "signed: false, kind: integer}\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nevents:\n  kvm:\n    kvm_exit:\n      module: kvm\n      fields:\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n        - {name: prev_comm, type: \"char[16]\", offset: 8, size: 16, "
                      "signed: false, kind: string}\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("relative: true}"), std::string::npos) << text;
  EXPECT_NE(text.find("stability: {name: Stable, data: Evolving}"), std::string::npos) << text;
  EXPECT_NE(text.find("sched_kthread_stop_ret:\n      fields: []\n"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(directory_ / "first.yaml.tmp"));
}

TEST_F(SnapshotYamlTest, LoadsTheDocumentedExample) {
  const KernelSnapshot snapshot = load_snapshot(fixtures / "catalogue" / "kernels" / "6.1-test.yaml");
  EXPECT_EQ(snapshot.release, "6.1-test");
  EXPECT_EQ(snapshot.machine, "x86_64");
  ASSERT_EQ(snapshot.common_fields.size(), 4u);
  EXPECT_EQ(snapshot.common_fields[3].name, "common_pid");
  EXPECT_TRUE(snapshot.common_fields[3].is_signed);
  const EventLayout* event = snapshot.find("sched", "sched_switch");
  ASSERT_NE(event, nullptr);
  ASSERT_EQ(event->fields.size(), 7u);
  EXPECT_EQ(event->fields[0], field("prev_comm", "char[16]", 8, 16, false, FieldKind::String));
  EXPECT_EQ(event->fields[0].declaration(), "char prev_comm[16]");
}

TEST_F(SnapshotYamlTest, BadFieldKindIsReportedWithSuggestion) {
  const fs::path file = write("bad-kind.yaml", R"(release: "6.1"
machine: x86_64
source: test
common_fields: []
events:
  sched:
    sched_switch:
      fields:
        - {name: prev_comm, type: "char[16]", offset: 8, size: 16, signed: false, kind: strng}
)");
  const auto errors = errors_of(file);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.file, file.string());
  EXPECT_EQ(errors[0].where.line, 9);
  EXPECT_EQ(errors[0].where.column, 89);
  EXPECT_EQ(errors[0].key_path, "events.sched.sched_switch.fields[0].kind");
  EXPECT_EQ(errors[0].message, "unknown field kind \"strng\" (did you mean \"string\"?)");
  EXPECT_NE(errors[0].hint.find("dynamic-string"), std::string::npos);
}

TEST_F(SnapshotYamlTest, CollectsEveryProblemOfTheFile) {
  const fs::path file = write("many.yaml", R"(release: "6.1"
machine: x86_64
common_fields:
  - {name: common_type, type: unsigned short, offset: zero, size: 2, signed: false, kind: integer}
events:
  sched:
    sched_switch:
      fields: {name: prev_pid}
      modul: kvm
)");
  const auto errors = errors_of(file);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].to_string(),
            file.string() + ":1:1: missing required key \"source\"\n"
                            "  hint: see \"kernels/<release>.yaml\" in docs/manual/catalogue-format.md");
  EXPECT_EQ(errors[1].where.line, 4);
  EXPECT_EQ(errors[1].where.column, 55);
  EXPECT_EQ(errors[1].key_path, "common_fields[0].offset");
  EXPECT_EQ(errors[1].message, "expected a non-negative integer, found \"zero\"");
  EXPECT_EQ(errors[2].where.line, 9);
  EXPECT_EQ(errors[2].where.column, 7);
  EXPECT_EQ(errors[2].key_path, "events.sched.sched_switch.modul");
  EXPECT_EQ(errors[2].message, "unknown key \"modul\" (did you mean \"module\"?)");
  EXPECT_EQ(errors[3].where.line, 8);
  EXPECT_EQ(errors[3].where.column, 15);
  EXPECT_EQ(errors[3].key_path, "events.sched.sched_switch.fields");
  EXPECT_EQ(errors[3].message, "expected a sequence, found a mapping");
}

TEST_F(SnapshotYamlTest, DuplicateEventInSnapshot) {
  const fs::path file = write("dup.yaml", R"(release: "6.1"
machine: x86_64
source: test
common_fields: []
events:
  sched:
    sched_switch:
      fields: []
    sched_switch:
      fields: []
)");
  const auto errors = errors_of(file);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.line, 9);
  EXPECT_EQ(errors[0].where.column, 5);
  EXPECT_EQ(errors[0].key_path, "events.sched.sched_switch");
  EXPECT_EQ(errors[0].message, "event \"sched_switch\" appears twice (first at line 7)");
}

TEST_F(SnapshotYamlTest, MissingAndEmptyFiles) {
  const fs::path missing = directory_ / "absent.yaml";
  auto errors = errors_of(missing);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), missing.string() + ": no such file\n  hint: check the path");

  const fs::path empty = write("empty.yaml", "# nothing but a comment\n");
  errors = errors_of(empty);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.line, 0);
  EXPECT_EQ(errors[0].message, "the file is empty");
}

TEST_F(SnapshotYamlTest, WriteToAMissingDirectoryThrowsWithThePath) {
  const fs::path file = directory_ / "no" / "such" / "dir.yaml";
  try {
    write_snapshot(sample_snapshot(), file);
    FAIL() << "write_snapshot succeeded";
  } catch (const CatalogueError& error) {
    ASSERT_EQ(error.diagnostics().size(), 1u);
    EXPECT_EQ(error.diagnostics()[0].where.file, file.string());
    EXPECT_NE(error.diagnostics()[0].message.find("cannot write the file: No such file or directory"), std::string::npos);
  }
}

TEST_F(SnapshotYamlTest, FailedModulesRoundTripSortedAndAreOptional) {
  KernelSnapshot snapshot = sample_snapshot();
  snapshot.failed_modules = {{"hv_vmbus", "No such device"}, {"fjes", "No such device: \"quoted\" # not a comment"}};
  const fs::path file = directory_ / "with-failed.yaml";
  write_snapshot(snapshot, file);
  const std::string text = read(file);
  EXPECT_NE(text.find("\nfailed_modules:\n  fjes: "), std::string::npos) << text;
  const KernelSnapshot loaded = load_snapshot(file);
  ASSERT_EQ(loaded.failed_modules.size(), 2u);
  EXPECT_EQ(loaded.failed_modules[0], (FailedModule{"fjes", "No such device: \"quoted\" # not a comment"}));
  EXPECT_EQ(loaded.failed_modules[1], (FailedModule{"hv_vmbus", "No such device"}));

  // Without failed modules the key is left out, and files without it load.
  snapshot.failed_modules.clear();
  write_snapshot(snapshot, file);
  EXPECT_EQ(read(file).find("failed_modules"), std::string::npos);
  EXPECT_TRUE(load_snapshot(file).failed_modules.empty());
  EXPECT_TRUE(load_snapshot(fixtures / "catalogue" / "kernels" / "6.1-test.yaml").failed_modules.empty());
}

TEST_F(SnapshotYamlTest, FailedModulesMustBeAMappingOfReasons) {
  const fs::path file = write("bad-failed.yaml", R"(release: "6.1"
machine: x86_64
source: test
common_fields: []
events: {}
failed_modules: [hv_vmbus]
)");
  const std::vector<Diagnostic> errors = errors_of(file);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].key_path, "failed_modules");
  EXPECT_EQ(errors[0].where.line, 6);
}

}  // namespace
}  // namespace probity::catalogue
