// The effective catalogue of the fixture catalogue (tests/catalogue/fixtures/catalogue):
// one test per precedence or inheritance rule.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <stdexcept>

#include "probity/catalogue/effective.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;
using Source = AttributeSource;
using Sources = std::array<AttributeSource, 3>;

class EffectiveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sources_.emplace(load_sources(fs::path(PROBITY_TEST_FIXTURES) / "catalogue"));
    catalogues_.emplace(build_all_catalogues(*sources_));
  }
  static void TearDownTestSuite() {
    catalogues_.reset();
    sources_.reset();
  }

  static const Catalogue& release(std::string_view name) {
    for (const Catalogue& catalogue : *catalogues_) {
      if (catalogue.release == name) return catalogue;
    }
    throw std::runtime_error("no catalogue for " + std::string(name));
  }
  static const Event& event(std::string_view release_name, std::string_view provider,
                            std::string_view name) {
    const Event* found = release(release_name).find_event(provider, name);
    if (found == nullptr) throw std::runtime_error("no event " + std::string(name));
    return *found;
  }
  static const Field& field(const Event& owner, std::string_view name) {
    const Field* found = owner.find_field(name);
    if (found == nullptr) throw std::runtime_error("no field " + std::string(name));
    return *found;
  }

  // Owned for the whole suite: loading once keeps the tests fast.
  static inline std::optional<CatalogueSources> sources_;
  static inline std::optional<std::vector<Catalogue>> catalogues_;
};

Attributes attributes(Level name, Level data, DependencyClass dependency_class) {
  return {name, data, dependency_class};
}

TEST_F(EffectiveTest, OneCataloguePerSnapshotInReleaseOrder) {
  ASSERT_EQ(catalogues_->size(), 2u);
  EXPECT_EQ((*catalogues_)[0].release, "6.1-test");
  EXPECT_EQ((*catalogues_)[1].release, "6.12-test");
  EXPECT_EQ((*catalogues_)[0].machine, "x86_64");
  EXPECT_EQ((*catalogues_)[0].event_count(), 5u);
  std::vector<std::string> providers;
  for (const Provider& provider : (*catalogues_)[0].providers) providers.push_back(provider.name);
  EXPECT_EQ(providers, (std::vector<std::string>{"irq", "sched", "workqueue"}));
  std::vector<std::string> events;
  for (const Event& item : release("6.1-test").find_provider("sched")->events) events.push_back(item.name);
  EXPECT_EQ(events, (std::vector<std::string>{"sched_process_exit", "sched_switch", "sched_wakeup"}));
}

TEST_F(EffectiveTest, DocumentedProviderTakesItsDeclaration) {
  const Provider* sched = release("6.1-test").find_provider("sched");
  ASSERT_NE(sched, nullptr);
  EXPECT_TRUE(sched->documented);
  EXPECT_EQ(sched->provider_stability, Level::Stable);
  EXPECT_EQ(sched->stability.value, attributes(Level::Stable, Level::Evolving, DependencyClass::Common));
  EXPECT_EQ(sched->stability.sources, (Sources{Source::Catalogue, Source::Catalogue, Source::Catalogue}));
  EXPECT_EQ(sched->references.size(), 2u);
  EXPECT_EQ(sched->description, "The process scheduler: context switches, wake-ups, exits.");
}

TEST_F(EffectiveTest, UndocumentedProviderIsPrivatePrivateUnknown) {
  const Provider* workqueue = release("6.1-test").find_provider("workqueue");
  ASSERT_NE(workqueue, nullptr);
  EXPECT_FALSE(workqueue->documented);
  EXPECT_EQ(workqueue->provider_stability, Level::Private);
  EXPECT_EQ(workqueue->stability.value, undocumented_attributes);
  EXPECT_EQ(workqueue->stability.sources, (Sources{Source::Default, Source::Default, Source::Default}));
  const Event& start = event("6.1-test", "workqueue", "workqueue_execute_start");
  EXPECT_FALSE(start.documented);
  EXPECT_EQ(start.stability.value, undocumented_attributes);
  EXPECT_EQ(field(start, "function").stability.value, undocumented_attributes);
}

TEST_F(EffectiveTest, EventWithoutStabilityInheritsTheProvider) {
  const Event& wakeup = event("6.1-test", "sched", "sched_wakeup");
  EXPECT_TRUE(wakeup.documented);
  EXPECT_EQ(wakeup.stability.value, attributes(Level::Stable, Level::Evolving, DependencyClass::Common));
  EXPECT_EQ(wakeup.stability.sources, (Sources{Source::Catalogue, Source::Catalogue, Source::Catalogue}));
  EXPECT_EQ(wakeup.rationale,
            "Scheduler tracepoints kept their names since 2.6.32 and perf sched relies on them.");
  EXPECT_EQ(wakeup.hazard.level, Hazard::None);
}

TEST_F(EffectiveTest, EventOverridesTheProviderPerComponent) {
  const Event& sched_switch = event("6.1-test", "sched", "sched_switch");
  EXPECT_EQ(sched_switch.stability.value,
            attributes(Level::Stable, Level::Stable, DependencyClass::Common));
  EXPECT_EQ(sched_switch.rationale, "The layout has not changed since 4.x and perf sched decodes it.");
  EXPECT_EQ(sched_switch.hazard.level, Hazard::Hot);
  EXPECT_EQ(sched_switch.description, "The CPU switches from one task to another.");
}

TEST_F(EffectiveTest, UndocumentedEventOfADocumentedProvider) {
  const Event& exit = event("6.1-test", "sched", "sched_process_exit");
  EXPECT_FALSE(exit.documented);
  EXPECT_EQ(exit.stability.value, undocumented_attributes);
  EXPECT_EQ(exit.stability.sources, (Sources{Source::Default, Source::Default, Source::Default}));
  EXPECT_TRUE(exit.rationale.empty());
  EXPECT_FALSE(field(exit, "pid").documented);
  EXPECT_EQ(field(exit, "pid").stability.value, undocumented_attributes);
}

TEST_F(EffectiveTest, FieldWithoutStabilityInheritsItsEvent) {
  const Field& prev_comm = field(event("6.1-test", "sched", "sched_switch"), "prev_comm");
  EXPECT_TRUE(prev_comm.documented);
  EXPECT_EQ(prev_comm.stability.value, attributes(Level::Stable, Level::Stable, DependencyClass::Common));
  EXPECT_EQ(prev_comm.rationale, "The layout has not changed since 4.x and perf sched decodes it.");
  EXPECT_EQ(prev_comm.layout.declaration(), "char prev_comm[16]");
}

TEST_F(EffectiveTest, FieldOverridesItsEventPerComponent) {
  const Field& prev_pid = field(event("6.1-test", "sched", "sched_switch"), "prev_pid");
  EXPECT_EQ(prev_pid.stability.value, attributes(Level::Stable, Level::Stable, DependencyClass::Group));
  EXPECT_EQ(prev_pid.stability.sources, (Sources{Source::Catalogue, Source::Catalogue, Source::Catalogue}));
  EXPECT_EQ(prev_pid.rationale, "Thread ids are per pid namespace.");
}

TEST_F(EffectiveTest, PartialTripleFillsTheMaximumInsteadOfInheriting) {
  // "Evolving/Unstable" is Evolving/Unstable/Common, as in DTrace; the event's
  // class (Common here too) is not what decides it.
  const Field& prev_state = field(event("6.1-test", "sched", "sched_switch"), "prev_state");
  EXPECT_EQ(prev_state.stability.value,
            attributes(Level::Evolving, Level::Unstable, DependencyClass::Common));
  const Event& energy = event("6.12-test", "sched", "sched_compute_energy");
  EXPECT_EQ(energy.stability.value,
            attributes(Level::Unstable, Level::Unstable, DependencyClass::Platform));
}

TEST_F(EffectiveTest, UndocumentedFieldOfADocumentedEvent) {
  const Field& next_pid = field(event("6.1-test", "sched", "sched_switch"), "next_pid");
  EXPECT_FALSE(next_pid.documented);
  EXPECT_EQ(next_pid.stability.value, undocumented_attributes);
  EXPECT_EQ(next_pid.stability.sources, (Sources{Source::Default, Source::Default, Source::Default}));
  EXPECT_TRUE(next_pid.rationale.empty());
}

TEST_F(EffectiveTest, KernelDeclaredStabilityWinsPerComponent) {
  // 6.1 has no kernel declaration: the catalogue's name override applies.
  const Event& old_entry = event("6.1-test", "irq", "irq_handler_entry");
  EXPECT_EQ(old_entry.stability.value,
            attributes(Level::Stable, Level::Evolving, DependencyClass::Platform));
  EXPECT_EQ(old_entry.stability.sources, (Sources{Source::Catalogue, Source::Catalogue, Source::Catalogue}));

  // 6.12's kernel declares name Standard and class Platform; data stays the catalogue's.
  const Event& entry = event("6.12-test", "irq", "irq_handler_entry");
  EXPECT_EQ(entry.stability.value,
            attributes(Level::Standard, Level::Evolving, DependencyClass::Platform));
  EXPECT_EQ(entry.stability.sources, (Sources{Source::Kernel, Source::Catalogue, Source::Kernel}));
  EXPECT_EQ(entry.rationale,
            "Used by every interrupt latency tool. (name, class declared by the kernel in "
            "events/irq/irq_handler_entry/stability)");
  // Its fields inherit the kernel's declaration, where nothing more specific
  // is said about them.
  // irq declares its own class, which is more specific than the kernel's
  // word on the event: it stands.
  const Field& irq = field(entry, "irq");
  EXPECT_EQ(irq.stability.value, attributes(Level::Standard, Level::Evolving, DependencyClass::Isa));
  EXPECT_EQ(irq.stability.sources, (Sources{Source::Kernel, Source::Catalogue, Source::Catalogue}));
  const Field& name = field(entry, "name");
  EXPECT_FALSE(name.documented);
  EXPECT_EQ(name.stability.value, attributes(Level::Standard, Level::Private, DependencyClass::Platform));
  EXPECT_EQ(name.stability.sources, (Sources{Source::Kernel, Source::Default, Source::Kernel}));
}

TEST_F(EffectiveTest, ReleasesListEverySnapshotThatHasTheEvent) {
  EXPECT_EQ(event("6.1-test", "sched", "sched_switch").releases,
            (std::vector<std::string>{"6.1-test", "6.12-test"}));
  EXPECT_EQ(event("6.1-test", "sched", "sched_process_exit").releases,
            (std::vector<std::string>{"6.1-test"}));
  EXPECT_EQ(event("6.12-test", "sched", "sched_compute_energy").releases,
            (std::vector<std::string>{"6.12-test"}));
  // Layouts are the release's own.
  EXPECT_EQ(event("6.1-test", "sched", "sched_switch").fields.size(), 7u);
  EXPECT_EQ(event("6.12-test", "sched", "sched_switch").fields.size(), 8u);
  EXPECT_EQ(release("6.1-test").find_event("sched", "sched_compute_energy"), nullptr);
}

TEST_F(EffectiveTest, CommonFieldsComeFromCommonYaml) {
  const auto& common = release("6.1-test").common_fields;
  ASSERT_EQ(common.size(), 4u);
  EXPECT_EQ(common[0].layout.name, "common_type");
  EXPECT_TRUE(common[0].documented);
  EXPECT_EQ(common[0].stability.value, attributes(Level::Stable, Level::Evolving, DependencyClass::Common));
  EXPECT_EQ(common[1].layout.name, "common_flags");
  EXPECT_FALSE(common[1].documented);
  EXPECT_EQ(common[1].stability.value, undocumented_attributes);
  EXPECT_EQ(common[3].layout.name, "common_pid");
  EXPECT_EQ(common[3].stability.value, attributes(Level::Stable, Level::Stable, DependencyClass::Common));
  EXPECT_EQ(common[3].stability.sources, (Sources{Source::Catalogue, Source::Catalogue, Source::Catalogue}));
}

TEST_F(EffectiveTest, BuildCatalogueOfASnapshotOutsideTheSources) {
  KernelSnapshot live = sources_->kernels.front();
  live.release = "6.18-live";
  const Catalogue catalogue = build_catalogue(*sources_, live);
  EXPECT_EQ(catalogue.release, "6.18-live");
  // Releases list the catalogued snapshots, and the kernel described, which has it.
  EXPECT_EQ(catalogue.find_event("sched", "sched_switch")->releases,
            (std::vector<std::string>{"6.1-test", "6.12-test", "6.18-live"}));
  EXPECT_EQ(catalogue.find_event("sched", "sched_switch")->stability.value,
            attributes(Level::Stable, Level::Stable, DependencyClass::Common));
}

}  // namespace
}  // namespace probity::catalogue
