// probity catalogue diff: every kind of change on a small catalogue built
// here, and the known history of real releases from the shipped snapshots.
#include <gtest/gtest.h>

#include <string>

#include "probity/catalogue/diff.hpp"
#include "probity/catalogue/index.hpp"

namespace probity::catalogue {
namespace {

Field field(std::string name, std::string type, std::uint32_t offset, std::uint32_t size, bool is_signed,
            FieldKind kind = FieldKind::Integer) {
  Field result;
  result.layout = {std::move(name), std::move(type), offset, size, is_signed, kind, false};
  return result;
}

Event event(std::string provider, std::string name, std::vector<Field> fields) {
  Event result;
  result.provider = std::move(provider);
  result.name = std::move(name);
  result.fields = std::move(fields);
  return result;
}

Catalogue catalogue(std::string release, std::vector<Event> events) {
  Catalogue result;
  result.release = std::move(release);
  for (Event& e : events) {
    Provider* provider = nullptr;
    for (Provider& existing : result.providers) {
      if (existing.name == e.provider) provider = &existing;
    }
    if (provider == nullptr) {
      result.providers.push_back({});
      provider = &result.providers.back();
      provider->name = e.provider;
    }
    provider->events.push_back(std::move(e));
  }
  return result;
}

const FieldChange* find(const EventChange& change, const std::string& name) {
  for (const FieldChange& field : change.fields) {
    if (field.field == name) return &field;
  }
  return nullptr;
}

TEST(CatalogueDiff, EveryKindOfChange) {
  const Catalogue before = catalogue(
      "1.0", {event("a", "gone", {}),
              event("a", "kept", {field("same", "int", 8, 4, true), field("moved", "int", 12, 4, true),
                                  field("resized", "int", 16, 4, true), field("retyped", "int", 20, 4, true),
                                  field("dropped", "u64", 24, 8, false),
                                  field("name", "char[16]", 32, 16, true, FieldKind::String)}),
              event("b", "untouched", {field("x", "int", 8, 4, true)})});
  const Catalogue after = catalogue(
      "2.0", {event("a", "kept", {field("same", "int", 8, 4, true), field("moved", "int", 16, 4, true),
                                  field("resized", "long", 20, 8, true), field("retyped", "unsigned int", 28, 4, false),
                                  field("name", "char[16]", 32, 16, false, FieldKind::String),
                                  field("added", "bool", 48, 1, false)}),
              event("a", "new", {}), event("b", "untouched", {field("x", "int", 8, 4, true)})});
  const CatalogueDiff diff = diff_catalogues(before, after);
  EXPECT_EQ(diff.from, "1.0");
  EXPECT_EQ(diff.to, "2.0");
  ASSERT_EQ(diff.events.size(), 3u);
  EXPECT_EQ(diff.events[0].name, "gone");
  EXPECT_EQ(diff.events[0].kind, EventChange::Kind::Removed);
  EXPECT_EQ(diff.events[1].name, "kept");
  EXPECT_EQ(diff.events[1].kind, EventChange::Kind::Changed);
  EXPECT_EQ(diff.events[2].name, "new");
  EXPECT_EQ(diff.events[2].kind, EventChange::Kind::Added);

  const EventChange& kept = diff.events[1];
  EXPECT_EQ(find(kept, "same"), nullptr);
  EXPECT_EQ(find(kept, "name"), nullptr) << "a string's char signedness does not change what it reads";
  ASSERT_NE(find(kept, "moved"), nullptr);
  EXPECT_TRUE(find(kept, "moved")->moved);
  EXPECT_FALSE(find(kept, "moved")->resized);
  EXPECT_FALSE(find(kept, "moved")->retyped);
  ASSERT_NE(find(kept, "resized"), nullptr);
  EXPECT_TRUE(find(kept, "resized")->resized);
  EXPECT_TRUE(find(kept, "resized")->retyped);
  ASSERT_NE(find(kept, "retyped"), nullptr);
  EXPECT_TRUE(find(kept, "retyped")->retyped);
  ASSERT_NE(find(kept, "dropped"), nullptr);
  EXPECT_EQ(find(kept, "dropped")->kind, FieldChange::Kind::Removed);
  ASSERT_NE(find(kept, "added"), nullptr);
  EXPECT_EQ(find(kept, "added")->kind, FieldChange::Kind::Added);

  const DiffTotals& totals = diff.totals;
  EXPECT_EQ(totals.events_added, 1u);
  EXPECT_EQ(totals.events_removed, 1u);
  EXPECT_EQ(totals.events_changed, 1u);
  EXPECT_EQ(totals.fields_added, 1u);
  EXPECT_EQ(totals.fields_removed, 1u);
  EXPECT_EQ(totals.fields_retyped, 2u);
  EXPECT_EQ(totals.fields_resized, 1u);
  EXPECT_EQ(totals.fields_moved, 3u);

  const std::string text = to_text(diff);
  EXPECT_NE(text.find("  - a:gone\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  + a:new\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      ~ moved: moved from offset 12 to 16\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      ~ resized: retyped int resized -> long resized; resized 4 -> 8 bytes; moved from offset 16 to 20\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("      - u64 dropped\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      + bool added\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("untouched"), std::string::npos) << text;
  EXPECT_NE(text.find("Total: 1 event added, 1 removed, 1 changed; fields: 1 added, 1 removed, 2 retyped, 1 resized, 3 moved"),
            std::string::npos)
      << text;
}

TEST(CatalogueDiff, PatternsRestrictTheComparison) {
  const Catalogue before = catalogue("1", {event("a", "x", {}), event("b", "y", {})});
  const Catalogue after = catalogue("2", {});
  const auto pattern = ProbePattern::parse("b:*");
  ASSERT_TRUE(pattern);
  const CatalogueDiff diff = diff_catalogues(before, after, {*pattern});
  ASSERT_EQ(diff.events.size(), 1u);
  EXPECT_EQ(diff.events[0].provider, "b");
}

TEST(CatalogueDiff, IdenticalReleasesHaveNoDifferences) {
  const Catalogue one = catalogue("1", {event("a", "x", {field("f", "int", 8, 4, true)})});
  const CatalogueDiff diff = diff_catalogues(one, one);
  EXPECT_TRUE(diff.events.empty());
  EXPECT_NE(to_text(diff).find("(no differences)"), std::string::npos);
}

// Known history, from the shipped snapshots (kernel headers of 6.1 and
// 6.18): sched_stat_runtime lost vruntime, sched_process_exit gained
// group_dead, and the comm of sched_process_fork became a __data_loc string.
TEST(CatalogueDiff, ShippedSnapshotsShowTheKnownSchedulerChanges) {
  const Index index = Index::open(PROBITY_INDEX_FILE);
  if (!index.has_release("6.1.0-56-amd64") || !index.has_release("6.18.44-fc-v657")) {
    GTEST_FAIL() << "the shipped catalogue lacks the 6.1 or 6.18 snapshot";
  }
  const auto pattern = ProbePattern::parse("sched:*");
  const CatalogueDiff diff =
      diff_catalogues(index.load("6.1.0-56-amd64"), index.load("6.18.44-fc-v657"), {*pattern});
  const auto change_of = [&](const std::string& name) -> const EventChange* {
    for (const EventChange& change : diff.events) {
      if (change.name == name) return &change;
    }
    return nullptr;
  };
  ASSERT_NE(change_of("sched_stat_runtime"), nullptr);
  ASSERT_NE(find(*change_of("sched_stat_runtime"), "vruntime"), nullptr);
  EXPECT_EQ(find(*change_of("sched_stat_runtime"), "vruntime")->kind, FieldChange::Kind::Removed);
  ASSERT_NE(change_of("sched_process_exit"), nullptr);
  ASSERT_NE(find(*change_of("sched_process_exit"), "group_dead"), nullptr);
  EXPECT_EQ(find(*change_of("sched_process_exit"), "group_dead")->kind, FieldChange::Kind::Added);
  ASSERT_NE(change_of("sched_process_fork"), nullptr);
  const FieldChange* comm = find(*change_of("sched_process_fork"), "parent_comm");
  ASSERT_NE(comm, nullptr);
  EXPECT_TRUE(comm->retyped);
  EXPECT_EQ(comm->after->kind, FieldKind::DynamicString);
  EXPECT_EQ(change_of("sched_switch"), nullptr) << "sched_switch kept its layout (only char signedness changed)";
}

}  // namespace
}  // namespace probity::catalogue
