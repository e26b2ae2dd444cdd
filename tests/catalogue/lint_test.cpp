// probity catalogue lint on small catalogues built here: each rule fires on
// the case it is about and is silenced by what the catalogue can record.
#include <gtest/gtest.h>

#include <string>

#include "probity/catalogue/lint.hpp"

namespace probity::catalogue {
namespace {

FieldLayout layout(std::string name, std::string type, std::uint32_t offset, std::uint32_t size, bool is_signed,
                   FieldKind kind = FieldKind::Integer) {
  return {std::move(name), std::move(type), offset, size, is_signed, kind, false};
}

KernelSnapshot snapshot(std::string release, std::vector<FieldLayout> fields) {
  KernelSnapshot kernel;
  kernel.release = std::move(release);
  kernel.machine = "x86_64";
  EventLayout event;
  event.system = "demo";
  event.name = "thing";
  event.fields = std::move(fields);
  kernel.events.push_back(event);
  return kernel;
}

// demo:thing, documented Stable, with the given field docs.
CatalogueSources sources(std::vector<KernelSnapshot> kernels, std::vector<FieldDoc> fields, EventDoc extra = {}) {
  CatalogueSources result;
  ProviderDoc provider;
  provider.name = "demo";
  provider.description = "demo";
  provider.provider_stability = Level::Stable;
  provider.stability = {Level::Stable, Level::Stable, DependencyClass::Common, "stable", {}};
  EventDoc event = std::move(extra);
  event.name = "thing";
  event.description = "a thing";
  event.fields = std::move(fields);
  provider.events.push_back(event);
  result.providers.push_back(provider);
  result.kernels = std::move(kernels);
  return result;
}

FieldDoc doc(std::string name) {
  FieldDoc field;
  field.name = std::move(name);
  field.description = "documented";
  return field;
}

TEST(CatalogueLint, CleanWhenNothingChangesIncompatibly) {
  // A move, a renamed typedef of the same integer and a fixed string turned
  // __data_loc string are compatible for scripts.
  const auto result = lint_catalogue(sources(
      {snapshot("1.0", {layout("a", "unsigned long", 8, 8, false), layout("s", "char[16]", 16, 16, true, FieldKind::String)}),
       snapshot("2.0", {layout("a", "u64", 12, 8, false), layout("s", "__data_loc char[]", 8, 4, false, FieldKind::DynamicString)})},
      {doc("a"), doc("s")}));
  EXPECT_TRUE(result.empty()) << result.front().to_string();
}

TEST(CatalogueLint, StableFieldThatChangesSizeOrDisappearsIsAnError) {
  const auto resized = lint_catalogue(sources({snapshot("1.0", {layout("a", "int", 8, 4, true)}),
                                               snapshot("2.0", {layout("a", "long", 8, 8, true)})},
                                              {doc("a")}));
  ASSERT_EQ(resized.size(), 1u);
  EXPECT_EQ(resized[0].key_path, "events.thing.fields.a");
  EXPECT_NE(resized[0].message.find("changed from int a (4 bytes) in 1.0 to long a (8 bytes) in 2.0"), std::string::npos)
      << resized[0].message;
  EXPECT_NE(resized[0].hint.find("layout_changes: [{from: 1.0, to: 2.0"), std::string::npos) << resized[0].hint;

  const auto removed = lint_catalogue(sources({snapshot("1.0", {layout("a", "int", 8, 4, true)}), snapshot("2.0", {})},
                                              {doc("a")}));
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_NE(removed[0].message.find("gone in 2.0"), std::string::npos) << removed[0].message;
}

TEST(CatalogueLint, RecordedLayoutChangeOrSuccessorSilencesIt) {
  FieldDoc accepted = doc("a");
  accepted.layout_changes.push_back({"1.0", "3.0", "widened for 64-bit counters", {}});
  EXPECT_TRUE(lint_catalogue(sources({snapshot("1.0", {layout("a", "int", 8, 4, true)}),
                                      snapshot("2.0", {layout("a", "long", 8, 8, true)}),
                                      snapshot("3.0", {layout("a", "long", 8, 8, true)})},
                                     {accepted}))
                  .empty());
  FieldDoc replaced = doc("a");
  replaced.successor = "b";
  EXPECT_TRUE(lint_catalogue(sources({snapshot("1.0", {layout("a", "int", 8, 4, true)}),
                                      snapshot("2.0", {layout("b", "int", 8, 4, true)})},
                                     {replaced}))
                  .empty());
}

TEST(CatalogueLint, ApparentRenameNeedsItsSuccessor) {
  const auto result = lint_catalogue(sources({snapshot("1.0", {layout("fl_type", "int", 8, 4, true)}),
                                              snapshot("2.0", {layout("type", "int", 8, 4, true)})},
                                             {doc("fl_type")}));
  bool rename = false;
  for (const auto& diagnostic : result) {
    rename = rename || (diagnostic.message.find("looks renamed to type") != std::string::npos &&
                        diagnostic.hint == "record it: successor: type");
  }
  EXPECT_TRUE(rename) << (result.empty() ? "no diagnostic" : result.front().to_string());
}

TEST(CatalogueLint, SuccessorsAndRecordedChangesMustExist) {
  FieldDoc bad = doc("a");
  bad.successor = "nothing";
  bad.layout_changes.push_back({"0.5", "2.0", "reason", {}});
  const auto result = lint_catalogue(sources({snapshot("1.0", {layout("a", "int", 8, 4, true)}),
                                              snapshot("2.0", {layout("a", "int", 8, 4, true)})},
                                             {bad}));
  std::string all;
  for (const auto& diagnostic : result) all += diagnostic.to_string() + "\n";
  EXPECT_NE(all.find("successor \"nothing\" is not a field of demo:thing"), std::string::npos) << all;
  EXPECT_NE(all.find("\"0.5\" is not a catalogued release"), std::string::npos) << all;
}

TEST(CatalogueLint, StableEventThatDisappearsNeedsASuccessorOrAReason) {
  const auto result = lint_catalogue(sources({snapshot("1.0", {}), KernelSnapshot{"2.0", "x86_64", "", {}, {}, {}}}, {}));
  ASSERT_EQ(result.size(), 1u);
  EXPECT_NE(result[0].message.find("demo:thing is Stable/Stable/Common in 1.0 but 2.0 does not have it"), std::string::npos)
      << result[0].message;
}

}  // namespace
}  // namespace probity::catalogue
