// Vendor overlays on the shipped catalogue: per-component precedence below
// the kernel, hazards raised only, support marks, release patterns, located
// errors, and the shipped Debian example.
#include "probity/catalogue/overlay.hpp"

#include <gtest/gtest.h>

#include "probity/catalogue/index.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;
using test_support::ScratchDirectory;

constexpr const char* release_61 = "6.1.0-56-amd64";
constexpr const char* release_618 = "6.18.44-fc-v657";

Catalogue shipped(const std::string& release) { return Index::open(PROBITY_INDEX_FILE).load(release); }

const Event& event_of(const Catalogue& catalogue, const std::string& provider, const std::string& name) {
  const Event* event = catalogue.find_event(provider, name);
  if (event == nullptr) throw std::runtime_error("no " + provider + ":" + name);
  return *event;
}

TEST(Overlay, VendorStabilityBeatsTheCatalogueAndIsRecordedAsVendor) {
  ScratchDirectory scratch("probity-overlay");
  const fs::path file = scratch.write("acme/6.1.yaml", R"(vendor: acme
releases: ["6.1.0-*"]
providers:
  sched:
    events:
      sched_stat_runtime:
        stability: {data: Stable, rationale: acme keeps it fixed}
        fields:
          runtime: {stability: {name: Standard, rationale: acme promises it}}
)");
  Catalogue catalogue = shipped(release_61);
  const Event before = event_of(catalogue, "sched", "sched_stat_runtime");
  ASSERT_NE(before.stability.value.data, Level::Stable);
  const Overlay overlay = load_overlay(file);
  ASSERT_TRUE(apply_overlay(catalogue, overlay));
  const Event& after = event_of(catalogue, "sched", "sched_stat_runtime");
  EXPECT_EQ(after.stability.value.data, Level::Stable);
  EXPECT_EQ(after.stability.sources[1], AttributeSource::Vendor);
  EXPECT_EQ(after.stability.value.name, before.stability.value.name) << "an undeclared component is unchanged";
  EXPECT_EQ(after.stability.sources[0], before.stability.sources[0]);
  EXPECT_EQ(after.rationale, "acme: acme keeps it fixed");
  const Field* runtime = after.find_field("runtime");
  ASSERT_NE(runtime, nullptr);
  EXPECT_EQ(runtime->stability.value.name, Level::Standard);
  EXPECT_EQ(runtime->stability.value.data, Level::Stable) << "fields inherit the event's vendor declaration";
  ASSERT_EQ(catalogue.overlays.size(), 1u);
  EXPECT_EQ(catalogue.overlays.front(), file.string());
}

TEST(Overlay, TheKernelsOwnDeclarationStillWins) {
  ScratchDirectory scratch("probity-overlay");
  const fs::path file = scratch.write("v.yaml", "vendor: acme\nreleases: ['*']\nproviders:\n  sched:\n"
                                                "    stability: {name: Obsolete, data: Obsolete, rationale: r}\n");
  Catalogue catalogue = shipped(release_618);
  // What a kernel declaring its own stability (kernel-patches/) puts in the index.
  for (Provider& provider : catalogue.providers) {
    for (Event& event : provider.events) {
      if (provider.name != "sched" || event.name != "sched_switch") continue;
      event.stability.value.name = Level::Stable;
      event.stability.sources[0] = AttributeSource::Kernel;
    }
  }
  ASSERT_TRUE(apply_overlay(catalogue, load_overlay(file)));
  const Event& declared = event_of(catalogue, "sched", "sched_switch");
  EXPECT_EQ(declared.stability.value.name, Level::Stable);
  EXPECT_EQ(declared.stability.sources[0], AttributeSource::Kernel);
  EXPECT_EQ(declared.stability.value.data, Level::Obsolete);
  EXPECT_EQ(declared.stability.sources[1], AttributeSource::Vendor);
  const Event& other = event_of(catalogue, "sched", "sched_wakeup");
  EXPECT_EQ(other.stability.value.name, Level::Obsolete);
  EXPECT_EQ(other.stability.sources[0], AttributeSource::Vendor);
}

TEST(Overlay, HazardsAreRaisedNeverLoweredAndSupportIsMarked) {
  ScratchDirectory scratch("probity-overlay");
  const fs::path file = scratch.write("v.yaml", R"(vendor: acme
releases: ["6.18.*"]
providers:
  sched:
    events:
      sched_switch:
        hazard: {level: sensitive, reason: acme says so, reference: https://acme.example/tracing}
        supported: false
        reason: not on acme kernels
  raw_syscalls:
    events:
      sys_enter:
        hazard: {level: none}
)");
  Catalogue catalogue = shipped(release_618);
  const Hazard before = event_of(catalogue, "raw_syscalls", "sys_enter").hazard.level;
  std::vector<Diagnostic> notes;
  ASSERT_TRUE(apply_overlay(catalogue, load_overlay(file), &notes));
  const Event& sched_switch = event_of(catalogue, "sched", "sched_switch");
  EXPECT_EQ(sched_switch.hazard.level, Hazard::Sensitive);
  EXPECT_EQ(sched_switch.hazard.reason, "acme says so");
  EXPECT_EQ(sched_switch.support.state, Support::Unsupported);
  EXPECT_EQ(sched_switch.support.vendor, "acme");
  EXPECT_EQ(sched_switch.support.note, "not on acme kernels");
  EXPECT_EQ(event_of(catalogue, "raw_syscalls", "sys_enter").hazard.level, before);
  if (before != Hazard::None) {
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes.front().message.find("cannot lower the hazard"), std::string::npos) << notes.front().message;
  }
}

TEST(Overlay, AppliesOnlyToTheReleasesItNames) {
  ScratchDirectory scratch("probity-overlay");
  const fs::path file = scratch.write("v.yaml", "vendor: acme\nreleases: ['6.1.0-*-amd64']\n");
  Catalogue catalogue = shipped(release_618);
  EXPECT_FALSE(apply_overlay(catalogue, load_overlay(file)));
  EXPECT_TRUE(catalogue.overlays.empty());
  Catalogue old = shipped(release_61);
  EXPECT_TRUE(apply_overlay(old, load_overlay(file)));
}

TEST(Overlay, UnknownNamesAreNotedNotApplied) {
  ScratchDirectory scratch("probity-overlay");
  const fs::path file = scratch.write("v.yaml", "vendor: acme\nreleases: ['*']\nproviders:\n  sched:\n    events:\n"
                                                "      sched_swtich: {supported: true}\n");
  Catalogue catalogue = shipped(release_618);
  std::vector<Diagnostic> notes;
  apply_overlay(catalogue, load_overlay(file), &notes);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes.front().message.find("sched:sched_swtich"), std::string::npos);
  EXPECT_EQ(notes.front().where.line, 6);
}

TEST(Overlay, MalformedOverlayIsRefusedWithFileLineAndColumn) {
  ScratchDirectory scratch("probity-overlay");
  const fs::path file = scratch.write("v.yaml", "vendor: acme\nreleases: ['*']\nproviders:\n  sched:\n    events:\n"
                                                "      sched_switch:\n        stability: {data: Stabel, rationale: r}\n"
                                                "        supportd: true\n");
  try {
    load_overlay(file);
    FAIL() << "a malformed overlay loaded";
  } catch (const CatalogueError& error) {
    ASSERT_EQ(error.diagnostics().size(), 2u) << error.what();
    std::string all;
    for (const Diagnostic& diagnostic : error.diagnostics()) {
      EXPECT_EQ(diagnostic.where.file, file.string());
      EXPECT_GT(diagnostic.where.line, 0);
      all += diagnostic.to_string() + "\n";
    }
    EXPECT_NE(all.find("Stabel"), std::string::npos) << all;
    EXPECT_NE(all.find("supportd"), std::string::npos) << all;
  }
}

TEST(Overlay, MissingReleasesIsAnError) {
  ScratchDirectory scratch("probity-overlay");
  EXPECT_THROW(load_overlay(scratch.write("v.yaml", "vendor: acme\n")), CatalogueError);
}

TEST(Overlay, OsReleaseChoosesTheVendorDirectory) {
  ScratchDirectory scratch("probity-overlay");
  scratch.write("vendors/debian/6.12.yaml", "vendor: debian\nreleases: ['*']\n");
  scratch.write("vendors/debian/6.1.yaml", "vendor: debian\nreleases: ['*']\n");
  const fs::path ubuntu = scratch.write("os-release", "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=\"debian\"\nVERSION_ID=\"24.04\"\n");
  const OsRelease os = read_os_release(ubuntu);
  EXPECT_EQ(os.id, "ubuntu");
  ASSERT_EQ(os.id_like.size(), 1u);
  EXPECT_EQ(os.version_id, "24.04");
  const auto files = vendor_overlay_files(scratch.path() / "vendors", os);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files.front().filename(), "6.1.yaml");
  EXPECT_TRUE(vendor_overlay_files(scratch.path() / "vendors", OsRelease{"fedora", {}, "40", ""}).empty());
}

TEST(Overlay, TheShippedDebianOverlaysLoadAndApplyCleanly) {
  const fs::path debian = fs::path(PROBITY_CATALOGUE_SOURCE_DIR) / "vendors" / "debian";
  const Index index = Index::open(PROBITY_INDEX_FILE);
  std::size_t applied = 0;
  for (const auto& entry : fs::directory_iterator(debian)) {
    const Overlay overlay = load_overlay(entry.path());
    EXPECT_EQ(overlay.vendor, "debian");
    for (const std::string& release : index.releases()) {
      Catalogue catalogue = index.load(release);
      std::vector<Diagnostic> notes;
      if (!apply_overlay(catalogue, overlay, &notes)) continue;
      ++applied;
      EXPECT_TRUE(release.starts_with("6.1")) << release;
      for (const Diagnostic& note : notes) ADD_FAILURE() << note.to_string();
      EXPECT_EQ(event_of(catalogue, "sched", "sched_stat_wait").support.state, Support::Unsupported);
    }
  }
  EXPECT_EQ(applied, 2u) << "one overlay each for 6.1 and 6.12";
}

}  // namespace
}  // namespace probity::catalogue
