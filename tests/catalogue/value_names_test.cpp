// Value names: harvested from format files by libtraceevent, stored in a
// snapshot, and applied to values as the kernel's trace output applies them.
#include <gtest/gtest.h>

#include <string>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/yaml_io.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

// A format file as tracefs writes it, with the given fields and print fmt.
std::string format_file(const std::string& name, int id, const std::string& fields, const std::string& print) {
  return "name: " + name + "\nID: " + std::to_string(id) +
         "\nformat:\n"
         "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
         "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
         "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
         "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n" +
         fields + "\nprint fmt: " + print + "\n";
}

class ValueNamesHarvestTest : public ::testing::Test {
 protected:
  test_support::ScratchDirectory scratch_{"probity-value-names"};

  KernelSnapshot harvest(const std::string& name, const std::string& fields, const std::string& print) {
    scratch_.write("events/test/" + name + "/format", format_file(name, 500, fields, print));
    return harvest_live(scratch_.path());
  }
};

TEST_F(ValueNamesHarvestTest, SymbolicAndFlagsTablesOfPlainFieldsAreHarvested) {
  const KernelSnapshot snapshot = harvest(
      "drop",
      "\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;\n"
      "\tfield:int reason;\toffset:16;\tsize:4;\tsigned:1;\n"
      "\tfield:unsigned int flags;\toffset:20;\tsize:4;\tsigned:0;\n",
      "\"skbaddr=%p reason=%s flags=%s\", REC->skbaddr, "
      "__print_symbolic(REC->reason, { -1, \"GONE\" }, { 2, \"NOT_SPECIFIED\" }, { 0x10, \"SIXTEEN\" }), "
      "__print_flags((unsigned long)REC->flags, \"|\", { 0x1, \"RX\" }, { 0x4, \"TX\" })");
  ASSERT_EQ(snapshot.events.size(), 1u);
  const std::vector<FieldValueNames>& tables = snapshot.events[0].value_names;
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].field, "reason");
  EXPECT_EQ(tables[0].names.style, ValueNames::Style::Symbolic);
  const std::vector<std::pair<std::uint64_t, std::string>> reasons{
      {static_cast<std::uint64_t>(-1), "GONE"}, {2, "NOT_SPECIFIED"}, {16, "SIXTEEN"}};
  EXPECT_EQ(tables[0].names.names, reasons);
  EXPECT_EQ(tables[1].field, "flags");
  EXPECT_EQ(tables[1].names.style, ValueNames::Style::Flags);
  EXPECT_EQ(tables[1].names.delimiter, "|");
  const std::vector<std::pair<std::uint64_t, std::string>> flags{{1, "RX"}, {4, "TX"}};
  EXPECT_EQ(tables[1].names.names, flags);
}

TEST_F(ValueNamesHarvestTest, ExpressionsAndDisagreeingTablesDecodeNothing) {
  const KernelSnapshot snapshot = harvest(
      "odd",
      "\tfield:unsigned int packed;\toffset:8;\tsize:4;\tsigned:0;\n"
      "\tfield:int mode;\toffset:12;\tsize:4;\tsigned:1;\n"
      "\tfield:int kind;\toffset:16;\tsize:4;\tsigned:1;\n",
      "\"%s %s %s\", __print_symbolic(REC->packed >> 4, { 1, \"HIGH\" }), "
      "REC->kind ? __print_symbolic(REC->mode, { 0, \"A\" }) : __print_symbolic(REC->mode, { 0, \"B\" }), "
      "__print_symbolic(REC->kind, { 7, \"SEVEN\" })");
  ASSERT_EQ(snapshot.events.size(), 1u);
  const std::vector<FieldValueNames>& tables = snapshot.events[0].value_names;
  ASSERT_EQ(tables.size(), 1u) << "only kind is decoded as a whole, by one table";
  EXPECT_EQ(tables[0].field, "kind");
}

TEST(ValueNamesTest, SymbolicNamesAWholeValueOrNothing) {
  const ValueNames table{ValueNames::Style::Symbolic, "", {{1, "TIMER"}, {static_cast<std::uint64_t>(-1), "NONE"}}};
  EXPECT_EQ(table.name_of(1), "TIMER");
  EXPECT_EQ(table.name_of(static_cast<std::uint64_t>(-1)), "NONE");
  EXPECT_EQ(table.name_of(3), std::nullopt);
}

TEST(ValueNamesTest, FlagsJoinTheBitsSetAndPrintTheRestInHex) {
  const ValueNames table{ValueNames::Style::Flags, "|", {{0x1, "A"}, {0x6, "BC"}, {0x2, "B"}}};
  EXPECT_EQ(table.name_of(0x1), "A");
  EXPECT_EQ(table.name_of(0x3), "A|B");
  EXPECT_EQ(table.name_of(0x7), "A|BC") << "a mask wholly set clears its bits, in the table's order";
  EXPECT_EQ(table.name_of(0x41), "A|0x40");
  EXPECT_EQ(table.name_of(0x40), "0x40");
  EXPECT_EQ(table.name_of(0), std::nullopt);
}

TEST(ValueNamesSnapshotTest, TablesRoundTripThroughTheSnapshotFile) {
  test_support::ScratchDirectory scratch{"probity-value-names-yaml"};
  KernelSnapshot snapshot;
  snapshot.release = "6.1.0-56-amd64";
  snapshot.machine = "x86_64";
  snapshot.source = "test";
  EventLayout event{"skb", "kfree_skb", {}, "", {}, {}};
  event.fields = {FieldLayout{"reason", "enum skb_drop_reason", 8, 4, false, FieldKind::Integer, false},
                  FieldLayout{"flags", "unsigned long", 16, 8, false, FieldKind::Integer, false}};
  event.value_names = {
      {"reason", ValueNames{ValueNames::Style::Symbolic, "", {{2, "NOT_SPECIFIED"}, {static_cast<std::uint64_t>(-1), "true"}}}},
      {"flags", ValueNames{ValueNames::Style::Flags, " | ", {{0x1, "A: x"}, {0x8000000000000000ULL, "TOP"}}}}};
  snapshot.events = {event};
  const fs::path file = scratch.path() / "6.1.0-56-amd64.yaml";
  write_snapshot(snapshot, file);
  const KernelSnapshot loaded = load_snapshot(file);
  ASSERT_EQ(loaded.events.size(), 1u);
  EXPECT_EQ(loaded.events[0].value_names, event.value_names);
}

TEST(ValueNamesSnapshotTest, ATableOfAFieldTheEventLacksIsAnError) {
  test_support::ScratchDirectory scratch{"probity-value-names-bad"};
  const fs::path file = scratch.write("6.1.yaml",
                                      "release: \"6.1\"\nmachine: x86_64\nsource: test\ncommon_fields: []\n"
                                      "events:\n  skb:\n    kfree_skb:\n"
                                      "      fields:\n"
                                      "        - {name: reason, type: int, offset: 8, size: 4, signed: true, kind: integer}\n"
                                      "      values:\n"
                                      "        reasn:\n          symbolic:\n            - [2, NOT_SPECIFIED]\n"
                                      "        reason:\n          symbolic:\n            - [two, NOT_SPECIFIED]\n");
  try {
    load_snapshot(file);
    FAIL() << "loaded";
  } catch (const CatalogueError& error) {
    ASSERT_EQ(error.diagnostics().size(), 2u);
    EXPECT_NE(error.diagnostics()[0].message.find("\"reasn\" is not an integer field of skb:kfree_skb"), std::string::npos)
        << error.diagnostics()[0].message;
    EXPECT_NE(error.diagnostics()[1].message.find("expected [value, NAME]"), std::string::npos)
        << error.diagnostics()[1].message;
  }
}

}  // namespace
}  // namespace probity::catalogue
