// The admission rule: every reason a probe, field or language element is
// refused, and that nothing the program sets allows what the catalogue or
// the site forbids.
#include "probity/catalogue/admission.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

using stability::Attributes;
using stability::DependencyClass;
using stability::Level;

constexpr Attributes stable{Level::Stable, Level::Stable, DependencyClass::Common};
constexpr Attributes unstable{Level::Unstable, Level::Unstable, DependencyClass::Common};

Field field_named(std::string name, Attributes attributes = stable) {
  Field field;
  field.layout.name = std::move(name);
  field.stability.value = attributes;
  return field;
}

Event event_named(std::string name, Hazard hazard = Hazard::None, Attributes attributes = stable) {
  Event event;
  event.provider = "sched";
  event.name = std::move(name);
  event.hazard.level = hazard;
  event.stability.value = attributes;
  event.fields = {field_named("pid"), field_named("comm"), field_named("raw", unstable)};
  return event;
}

Catalogue test_catalogue() {
  Catalogue catalogue;
  catalogue.common_fields = {field_named("common_pid")};
  Provider sched;
  sched.name = "sched";
  sched.provider_stability = Level::Stable;
  sched.events = {event_named("plain"), event_named("hot", Hazard::Hot), event_named("sensitive", Hazard::Sensitive),
                  event_named("forbidden", Hazard::Forbidden), event_named("unstable", Hazard::None, unstable)};
  std::sort(sched.events.begin(), sched.events.end(), [](const Event& a, const Event& b) { return a.name < b.name; });
  Provider mystery;  // a provider whose name is Private: its probes' names are too
  mystery.name = "mystery";
  mystery.provider_stability = Level::Private;
  Event inside = event_named("inside");
  inside.provider = "mystery";
  mystery.events = {inside};
  catalogue.providers = {std::move(mystery), std::move(sched)};
  std::sort(catalogue.providers.begin(), catalogue.providers.end(),
            [](const Provider& a, const Provider& b) { return a.name < b.name; });
  return catalogue;
}

const AdmissionBar most_permissive{{Level::Internal, Level::Internal, DependencyClass::Unknown}, true, true};

TEST(Admission, AdmitsACataloguedStableEventUnderTheDefaultBar) {
  const Catalogue catalogue = test_catalogue();
  const Admission admission(catalogue, nullptr, AdmissionBar{});
  const EventVerdict verdict = admission.event("sched", "plain");
  EXPECT_TRUE(verdict.admitted());
  EXPECT_EQ(verdict.attributes, stable);
}

TEST(Admission, AnEventTheCatalogueLacksIsNeverAdmitted) {
  const Catalogue catalogue = test_catalogue();
  const EventVerdict verdict = Admission(catalogue, nullptr, most_permissive).event("sched", "absent");
  EXPECT_FALSE(verdict.catalogued());
  EXPECT_FALSE(verdict.admitted());
}

TEST(Admission, NothingTheProgramSetsAdmitsAForbiddenEvent) {
  const Catalogue catalogue = test_catalogue();
  const EventVerdict verdict = Admission(catalogue, nullptr, most_permissive).event("sched", "forbidden");
  EXPECT_TRUE(verdict.forbidden);
  EXPECT_FALSE(verdict.hazard_not_allowed);  // forbidden is its own refusal, not a hazard to allow
  EXPECT_FALSE(verdict.admitted());
}

TEST(Admission, HotAndSensitiveEventsNeedTheirOwnAllowance) {
  const Catalogue catalogue = test_catalogue();
  AdmissionBar hot_only;
  hot_only.allow_hot = true;
  const Admission admission(catalogue, nullptr, hot_only);
  EXPECT_TRUE(admission.event("sched", "hot").admitted());
  EXPECT_TRUE(admission.event("sched", "sensitive").hazard_not_allowed);
  EXPECT_TRUE(Admission(catalogue, nullptr, AdmissionBar{}).event("sched", "hot").hazard_not_allowed);
}

TEST(Admission, TheProvidersNameStabilityBoundsItsProbes) {
  const Catalogue catalogue = test_catalogue();
  const EventVerdict verdict = Admission(catalogue, nullptr, AdmissionBar{}).event("mystery", "inside");
  EXPECT_EQ(verdict.attributes.name, Level::Private);
  EXPECT_EQ(verdict.attributes.data, Level::Stable);
  EXPECT_TRUE(verdict.below_bar);
  EXPECT_TRUE(Admission(catalogue, nullptr, most_permissive).event("mystery", "inside").admitted());
}

TEST(Admission, FieldsAreFoundAmongTheEventsAndTheCommonOnes) {
  const Catalogue catalogue = test_catalogue();
  const Admission admission(catalogue, nullptr, AdmissionBar{});
  const Event& plain = *catalogue.find_event("sched", "plain");
  EXPECT_TRUE(admission.field(plain, "pid").admitted());
  EXPECT_TRUE(admission.field(plain, "common_pid").admitted());
  EXPECT_FALSE(admission.field(plain, "absent").catalogued());
  EXPECT_TRUE(admission.field(plain, "raw").below_bar);
}

class SiteAdmission : public testing::Test {
 protected:
  void SetUp() override {
    const auto file = scratch_.write("policy.yaml", R"(forbid:
  events: ["sched:plain"]
  fields: ["sched:unstable.comm", "*:*.common_pid"]
minimum_stability: Evolving
hazards:
  hot: deny
)");
    site_ = load_site_policy(file);
  }

  test_support::ScratchDirectory scratch_{"probity-admission"};
  SitePolicy site_;
  Catalogue catalogue_ = test_catalogue();
};

TEST_F(SiteAdmission, TheSiteForbidsWhateverTheProgramAllows) {
  const Admission admission(catalogue_, &site_, most_permissive);
  const EventVerdict plain = admission.event("sched", "plain");
  ASSERT_TRUE(plain.site_rule);
  EXPECT_NE(plain.site_rule->text.find("sched:plain"), std::string::npos);
  const EventVerdict hot = admission.event("sched", "hot");
  ASSERT_TRUE(hot.site_rule);
  EXPECT_EQ(hot.site_rule->text, "hazards.hot: deny");
  EXPECT_FALSE(hot.hazard_not_allowed);
  const EventVerdict unstable_event = admission.event("sched", "unstable");
  ASSERT_TRUE(unstable_event.site_rule);
  EXPECT_EQ(unstable_event.site_rule->text, "minimum_stability: Evolving");
  EXPECT_TRUE(admission.event("sched", "sensitive").admitted());
}

TEST_F(SiteAdmission, FieldRulesReachTheEventsAndTheCommonFields) {
  const Admission admission(catalogue_, &site_, most_permissive);
  const Event& unstable_event = *catalogue_.find_event("sched", "unstable");
  const Event& sensitive = *catalogue_.find_event("sched", "sensitive");
  EXPECT_TRUE(admission.field(unstable_event, "comm").site_rule);
  EXPECT_TRUE(admission.field(sensitive, "comm").admitted());
  EXPECT_TRUE(admission.field(sensitive, "common_pid").site_rule);
  EXPECT_TRUE(admission.field(sensitive, "raw").site_rule);  // below the site's minimum
}

TEST_F(SiteAdmission, LanguageElementsBelowTheSitesMinimumAreRefused) {
  const Admission admission(catalogue_, &site_, most_permissive);
  EXPECT_TRUE(admission.language(stable).admitted());
  const LanguageVerdict verdict = admission.language(unstable);
  EXPECT_FALSE(verdict.below_bar);
  ASSERT_TRUE(verdict.site_rule);
  EXPECT_EQ(verdict.site_rule->text, "minimum_stability: Evolving");
}

}  // namespace
}  // namespace probity::catalogue
