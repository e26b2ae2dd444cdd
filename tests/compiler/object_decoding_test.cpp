// Compiled objects: rejection of every kind of damaged or inconsistent
// object with a message naming what is wrong.
#include "probity/compiler/object.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "support/scratch_directory.hpp"
#include "compiler/object_test_support.hpp"

namespace probity::compiler {
namespace {

using namespace object_testing;

// ---------------------------------------------------------------- damaged files

TEST(ObjectDecoding, RejectsAnEmptyFile) {
  EXPECT_EQ(decode_error({}, "x.pob"), "x.pob is empty: it is not a Probity compiled object");
}

TEST(ObjectDecoding, RejectsDSourceAsNotAnObject) {
  const std::string source = "sched:sched_switch { trace(pid); }\n";
  EXPECT_EQ(decode_error(Bytes(source.begin(), source.end()), "x.d"),
            "x.d is not a Probity compiled object");
}

TEST(ObjectDecoding, RejectsANewerOrOlderFormatVersion) {
  for (const std::uint32_t version : {object_format_version - 1, object_format_version + 1, 0u, 0xffffffffu}) {
    Bytes bytes = encode_object(rich_program());
    write_le(bytes, 8, version, 4);
    reseal(bytes);  // everything else intact: only the version is wrong
    EXPECT_EQ(decode_error(bytes, "old.pob"),
              "old.pob was compiled by a Probity with object format " + std::to_string(version) +
                  "; this probity reads format " + std::to_string(object_format_version) +
                  ": recompile it with probity -e -o");
  }
}

TEST(ObjectDecoding, RejectsTruncationAtEveryOffset) {
  const Bytes bytes = encode_object(rich_program());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const std::string message = decode_error(Bytes(bytes.begin(), bytes.begin() + length), "t.pob");
    ASSERT_FALSE(message.empty()) << "a " << length << "-byte prefix was accepted";
    if (length > 0) {
      EXPECT_EQ(message.rfind("t.pob is truncated", 0), 0u) << message;
    }
  }
}

TEST(ObjectDecoding, RejectsTrailingBytes) {
  Bytes bytes = encode_object(rich_program());
  bytes.push_back(0);
  bytes.push_back(0);
  EXPECT_EQ(decode_error(bytes, "t.pob"), "t.pob has 2 unexpected bytes after its checksum");
}

TEST(ObjectDecoding, RejectsEverySingleBytePayloadChange) {
  const Bytes bytes = encode_object(rich_program());
  for (std::size_t at = header_size; at < bytes.size(); ++at) {
    for (const std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
      Bytes damaged = bytes;
      damaged[at] ^= flip;
      ASSERT_EQ(decode_error(damaged, "c.pob"), "c.pob is corrupted: checksum mismatch")
          << "byte " << at << " xor " << int{flip};
    }
  }
}

TEST(ObjectDecoding, RejectsEverySingleByteHeaderChange) {
  const Bytes bytes = encode_object(rich_program());
  for (std::size_t at = 0; at < header_size; ++at) {
    Bytes damaged = bytes;
    damaged[at] ^= 0x01;
    EXPECT_NE(decode_error(damaged), "") << "byte " << at;
  }
}

TEST(ObjectDecoding, RejectsLeftOverPayloadBytes) {
  Bytes bytes = encode_object(rich_program());
  bytes.insert(bytes.end() - checksum_size, {7, 7, 7});
  reseal(bytes);
  const std::string message = decode_error(bytes, "l.pob");
  EXPECT_NE(message.find("l.pob is corrupted: 3 bytes left over after the program"),
            std::string::npos)
      << message;
}

TEST(ObjectDecoding, RejectsHugeCountsWithoutAllocating) {
  // Payload: source_name, catalogue_release, catalogue_hash, machine (each
  // u32 length + bytes), then the common_fields count.
  const Program program = rich_program();
  const std::size_t strings_size = 16 + program.source_name.size() +
                                   program.catalogue_release.size() +
                                   program.catalogue_hash.size() + program.machine.size();
  const std::size_t common_count_at = header_size + strings_size;
  {
    Bytes bytes = encode_object(program);
    ASSERT_EQ(bytes[common_count_at], program.common_fields.size());
    write_le(bytes, common_count_at, 0xfffffff0u, 4);
    reseal(bytes);
    const std::string message = decode_error(bytes, "h.pob");
    EXPECT_NE(message.find("a list of 4294967280 entries runs past the end of the payload"),
              std::string::npos)
        << message;
  }
  {
    Bytes bytes = encode_object(program);
    write_le(bytes, header_size, 0xffffffffu, 4);  // source_name's length
    reseal(bytes);
    const std::string message = decode_error(bytes, "h.pob");
    EXPECT_NE(message.find("a string of 4294967295 bytes runs past the end of the payload"),
              std::string::npos)
        << message;
  }
}

TEST(ObjectDecoding, RejectsABooleanThatIsNeitherZeroNorOne) {
  // The first common field: name, type (u32 length + bytes each), offset, size,
  // then is_signed.
  const Program program = rich_program();
  const std::size_t is_signed_at =
      header_size + 16 + program.source_name.size() + program.catalogue_release.size() +
      program.catalogue_hash.size() + program.machine.size() + 4 + 4 +
      program.common_fields[0].name.size() + 4 + program.common_fields[0].type.size() + 8;
  Bytes bytes = encode_object(program);
  ASSERT_EQ(bytes[is_signed_at], 0);
  bytes[is_signed_at] = 2;
  reseal(bytes);
  const std::string message = decode_error(bytes, "b.pob");
  EXPECT_NE(message.find("b.pob is corrupted: common field 0: boolean 2 out of range"),
            std::string::npos)
      << message;
}

TEST(ObjectDecoding, RejectsIfsNestedTooDeeply) {
  // The deepest program the encoder accepts: 999 ifs around one statement.
  constexpr std::uint32_t marker_line = 0x55667788;
  Program program;
  Clause clause;
  clause.nodes = {integer(1)};
  std::vector<Statement> body{evaluate(0, marker_line)};
  for (int level = 0; level < 999; ++level) body = {if_statement(0, std::move(body), {}, 1)};
  clause.body = std::move(body);
  program.clauses = {clause};
  Bytes bytes = encode_object(program);

  // Wrap the innermost statement in one more if, by hand, from the layout:
  // kind, expression, aggregation, keys, arguments, then, else, line.
  const Bytes line{0x88, 0x77, 0x66, 0x55};
  const auto found = std::search(bytes.begin(), bytes.end(), line.begin(), line.end());
  ASSERT_NE(found, bytes.end());
  ASSERT_EQ(std::search(found + 1, bytes.end(), line.begin(), line.end()), bytes.end());
  const auto innermost_begin = found + 4 - 29;
  ASSERT_EQ(*innermost_begin, 0);  // Evaluate
  const Bytes innermost(innermost_begin, found + 4);
  Bytes wrapper{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};  // If, then: 1
  wrapper.insert(wrapper.end(), innermost.begin(), innermost.end());
  wrapper.insert(wrapper.end(), {0, 0, 0, 0, 1, 0, 0, 0});  // else: 0, line 1
  const auto at = innermost_begin - bytes.begin();
  bytes.erase(innermost_begin, found + 4);
  bytes.insert(bytes.begin() + at, wrapper.begin(), wrapper.end());
  reseal(bytes);

  const std::string message = decode_error(bytes, "d.pob");
  EXPECT_EQ(message.rfind("d.pob is corrupted: clause 0, statement 0, then 0, ..., then 0, then 0, "
                          "then 0: if statements nested more than 1000 deep",
                          0),
            0u)
      << message;
  EXPECT_LT(message.size(), 200u);
}

// Enum values out of range: the encoder writes whatever byte the Program
// holds, and seals it with a correct checksum, so the decoder's range check
// is what must catch it.
struct EnumCase {
  std::string name;
  std::function<void(Program&)> damage;
  std::string expected;
};

void PrintTo(const EnumCase& test, std::ostream* out) { *out << test.name; }

class ObjectEnumRange : public testing::TestWithParam<EnumCase> {};

TEST_P(ObjectEnumRange, IsRejectedAndNamed) {
  Program program = rich_program();
  GetParam().damage(program);
  const std::string message = decode_error(encode_object(program), "e.pob");
  EXPECT_NE(message.find("e.pob is corrupted: " + GetParam().expected), std::string::npos)
      << message;
  EXPECT_EQ(message.find("checksum"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    ObjectEnums, ObjectEnumRange,
    testing::Values(
        EnumCase{"Hazard", [](Program& p) { p.events[1].hazard = static_cast<Hazard>(4); },
                 "event 1: hazard 4 out of range"},
        EnumCase{"FieldKind",
                 [](Program& p) { p.events[2].fields[3].kind = static_cast<FieldKind>(6); },
                 "event 2, field 3: field kind 6 out of range"},
        EnumCase{"Level",
                 [](Program& p) { p.clauses[1].stability.statement.data = static_cast<Level>(8); },
                 "clause 1: stability level 8 out of range"},
        EnumCase{"DependencyClass",
                 [](Program& p) {
                   p.stability.probe_description.dependency_class =
                       static_cast<DependencyClass>(200);
                 },
                 "dependency class 200 out of range"},
        EnumCase{"Op", [](Program& p) { p.clauses[0].nodes[7].op = static_cast<Op>(15); },
                 "clause 0, node 7: operation 15 out of range"},
        EnumCase{"ValueKind",
                 [](Program& p) { p.variables[4].type.kind = static_cast<ValueKind>(5); },
                 "variable 4: value kind 5 out of range"},
        EnumCase{"StatementKind",
                 [](Program& p) {
                   p.clauses[1].body[1].then_body[0].then_body[0].kind =
                       static_cast<Statement::Kind>(3);
                 },
                 "clause 1, statement 1, then 0, then 0: statement kind 3 out of range"},
        EnumCase{"VariableScope",
                 [](Program& p) { p.variables[0].scope = static_cast<VariableScope>(5); },
                 "variable 0: variable scope 5 out of range"},
        EnumCase{
            "AggregatingFunction",
            [](Program& p) { p.aggregations[1].function = static_cast<AggregatingFunction>(9); },
            "aggregation 1: aggregating function 9 out of range"},
        EnumCase{"ProbeKind",
                 [](Program& p) { p.clauses[2].probes[0].kind = static_cast<ProbeKind>(5); },
                 "clause 2, probe 0: probe kind 5 out of range"}),
    [](const testing::TestParamInfo<EnumCase>& test) { return test.param.name; });

// ---------------------------------------------------------------- inconsistent programs

// Each case breaks one invariant of an otherwise valid program. The encoder
// seals it with a correct checksum, so the structural check is what catches
// it, and write_object refuses it too.
struct StructureCase {
  std::string name;
  std::function<void(Program&)> damage;
  std::string expected;
};

void PrintTo(const StructureCase& test, std::ostream* out) { *out << test.name; }

class ObjectStructure : public testing::TestWithParam<StructureCase> {};

TEST_P(ObjectStructure, IsRejectedAndNamed) {
  Program program = rich_program();
  GetParam().damage(program);
  const std::string message = decode_error(encode_object(program), "s.pob");
  EXPECT_EQ(message, "s.pob is corrupted: " + GetParam().expected);

  const ScratchDirectory directory("probity-object-structure");
  try {
    write_object(program, directory.path() / "s.pob");
    ADD_FAILURE() << "write_object accepted an inconsistent program";
  } catch (const ObjectError& error) {
    EXPECT_NE(std::string(error.what()).find(GetParam().expected), std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(directory.path()));
}

INSTANTIATE_TEST_SUITE_P(
    ObjectInvariants, ObjectStructure,
    testing::Values(
        StructureCase{"ChildOutOfRange", [](Program& p) { p.clauses[2].nodes[1].children = {19}; },
                      "clause 2, node 1: child 19 out of range (the clause has 2)"},
        StructureCase{"ChildAfterParent",
                      [](Program& p) {
                        p.clauses[0].nodes[7].children = {3, 8};
                      },
                      "clause 0, node 7: child 8 is not a lower-numbered node (children must "
                      "precede their parents)"},
        StructureCase{"SelfCycle", [](Program& p) { p.clauses[0].nodes[15].children = {15}; },
                      "clause 0, node 15: child 15 is not a lower-numbered node (children must "
                      "precede their parents)"},
        StructureCase{"StatementExpression",
                      [](Program& p) { p.clauses[0].body[0].expression = 22; },
                      "clause 0, statement 0: expression node 22 out of range (the clause has 22)"},
        StructureCase{"NestedIfCondition",
                      [](Program& p) { p.clauses[1].body[1].then_body[0].expression = 99; },
                      "clause 1, statement 1, then 0: expression node 99 out of range (the clause "
                      "has 13)"},
        StructureCase{"ElseBodyExpression",
                      [](Program& p) { p.clauses[0].body[1].else_body[0].expression = 40; },
                      "clause 0, statement 1, else 0: expression node 40 out of range (the clause "
                      "has 22)"},
        StructureCase{"AggregateKey",
                      [](Program& p) { p.clauses[0].body[1].then_body[0].keys = {30}; },
                      "clause 0, statement 1, then 0: key node 30 out of range (the clause has "
                      "22)"},
        StructureCase{"AggregateArgument",
                      [](Program& p) { p.clauses[0].body[3].arguments = {22}; },
                      "clause 0, statement 3: argument node 22 out of range (the clause has 22)"},
        StructureCase{"AggregateKeyCount", [](Program& p) { p.clauses[0].body[2].keys = {8}; },
                      "clause 0, statement 2: 1 keys for @, which has 0"},
        StructureCase{"AggregateAggregation",
                      [](Program& p) { p.clauses[0].body[2].aggregation = 4; },
                      "clause 0, statement 2: aggregation 4 out of range (the program has 4)"},
        StructureCase{"Predicate", [](Program& p) { p.clauses[1].predicate = 13; },
                      "clause 1: predicate node 13 out of range (the clause has 13)"},
        StructureCase{"Residual", [](Program& p) { p.clauses[1].residual = 100; },
                      "clause 1: residual node 100 out of range (the clause has 13)"},
        StructureCase{"ProbeEvent", [](Program& p) { p.clauses[1].probes[1].event = 3; },
                      "clause 1, probe 1: event 3 out of range (the program has 3)"},
        StructureCase{"EventFieldRef",
                      [](Program& p) { p.clauses[0].probes[0].fields[2].index = 6; },
                      "clause 0, probe 0, field slot 2 (prev_comm): field 6 out of range "
                      "(sched:sched_switch has 6)"},
        StructureCase{"CommonFieldRef",
                      [](Program& p) { p.clauses[1].probes[0].fields[1].index = 4; },
                      "clause 1, probe 0, field slot 1 (common_type): common field 4 out of range "
                      "(the program has 4)"},
        StructureCase{"FieldRefCount", [](Program& p) { p.clauses[1].probes[1].fields.pop_back(); },
                      "clause 1, probe 1: 1 field references for 2 field slots"},
        StructureCase{"TickWithoutPeriod", [](Program& p) { p.clauses[1].probes[3].period_ns = 0; },
                      "clause 1, probe 3: tick with a zero period"},
        StructureCase{"StringSymbol", [](Program& p) { p.clauses[0].nodes[9].symbol = 4; },
                      "clause 0, node 9: string 4 out of range (the program has 4)"},
        StructureCase{"FieldSlot", [](Program& p) { p.clauses[0].nodes[10].symbol = 3; },
                      "clause 0, node 10: field slot 3 out of range (the clause has 3)"},
        StructureCase{"ElementSlot", [](Program& p) { p.clauses[1].nodes[1].symbol = 2; },
                      "clause 1, node 1: field slot 2 out of range (the clause has 2)"},
        StructureCase{"LoadVariable", [](Program& p) { p.clauses[0].nodes[6].symbol = 6; },
                      "clause 0, node 6: variable 6 out of range (the program has 6)"},
        StructureCase{"StoreVariable", [](Program& p) { p.clauses[1].nodes[3].symbol = 60; },
                      "clause 1, node 3: variable 60 out of range (the program has 6)"},
        StructureCase{"IncDecVariable", [](Program& p) { p.clauses[0].nodes[12].symbol = 7; },
                      "clause 0, node 12: variable 7 out of range (the program has 6)"},
        StructureCase{"AggregationRef", [](Program& p) { p.clauses[1].nodes[10].symbol = 4; },
                      "clause 1, node 10: aggregation 4 out of range (the program has 4)"},
        StructureCase{"BuiltinValue",
                      [](Program& p) { p.clauses[0].nodes[3].symbol = builtin_count; },
                      "clause 0, node 3: built-in variable 24 out of range (there are 24)"},
        StructureCase{"FunctionValue", [](Program& p) { p.clauses[2].nodes[1].symbol = 20; },
                      "clause 2, node 1: function 20 out of range (there are 20)"},
        StructureCase{"ValueNameOfANonField",
                      [](Program& p) { p.clauses[1].nodes[7].symbol = static_cast<std::uint32_t>(Function::ValueName); },
                      "clause 1, node 7: the name of a value is taken of a field only"},
        StructureCase{"MacroArgument", [](Program& p) { p.clauses[0].nodes[17].symbol = 3; },
                      "clause 0, node 17: macro argument $3 out of range (the program reads "
                      "$1..2)"},
        StructureCase{"MacroArgumentZero", [](Program& p) { p.clauses[0].nodes[17].symbol = 0; },
                      "clause 0, node 17: macro argument $0 out of range (the program reads "
                      "$1..2)"},
        StructureCase{"BinaryArity", [](Program& p) { p.clauses[0].nodes[7].children = {3}; },
                      "clause 0, node 7: 1 children where 2 are expected"},
        StructureCase{"LoadKeyArity", [](Program& p) { p.clauses[0].nodes[13].children = {}; },
                      "clause 0, node 13: 0 children where 1 are expected"},
        StructureCase{"StoreArity", [](Program& p) { p.clauses[0].nodes[20].children = {7}; },
                      "clause 0, node 20: 1 children where 2 are expected"},
        StructureCase{"BinaryOperator", [](Program& p) { p.clauses[0].nodes[2].sub = 20; },
                      "clause 0, node 2: binary operator 20 out of range"},
        StructureCase{"AssignOperator", [](Program& p) { p.clauses[0].nodes[5].sub = 11; },
                      "clause 0, node 5: assignment operator 11 out of range"},
        StructureCase{"IncDecForm", [](Program& p) { p.clauses[0].nodes[12].sub = 4; },
                      "clause 0, node 12: increment/decrement form 4 out of range"},
        StructureCase{"LquantizeParameters",
                      [](Program& p) { p.aggregations[0].parameters.pop_back(); },
                      "aggregation 0 (@lat): lquantize() needs a low bound, a high bound and a step"},
        // The compiler's own limits, in its words: an edited bound must not
        // size a histogram the compiler would have refused.
        StructureCase{"LquantizeBuckets",
                      [](Program& p) { p.aggregations[0].parameters = {std::numeric_limits<std::int32_t>::min(),
                                                                       std::numeric_limits<std::int32_t>::max(), 1}; },
                      "aggregation 0 (@lat): lquantize() would have more than 10000 buckets"},
        StructureCase{"LquantizeStep", [](Program& p) { p.aggregations[0].parameters[2] = 0; },
                      "aggregation 0 (@lat): lquantize() step must be positive"},
        StructureCase{"LquantizeBounds", [](Program& p) { p.aggregations[0].parameters[1] = -5; },
                      "aggregation 0 (@lat): lquantize() upper bound must be greater than the lower bound"},
        StructureCase{"LlquantizeMagnitude",
                      [](Program& p) { p.aggregations[2].parameters[2] = std::numeric_limits<std::uint16_t>::max(); },
                      "aggregation 2 (@big): llquantize() factor^(high + 1) does not fit in 64 bits"},
        StructureCase{"LlquantizeFactor", [](Program& p) { p.aggregations[2].parameters[0] = 1; },
                      "aggregation 2 (@big): llquantize() factor must be at least 2"},
        StructureCase{"ParametersOfCount", [](Program& p) { p.aggregations[1].parameters = {5}; },
                      "aggregation 1 (@): count() takes no parameters"},
        // What the consumer checks is the slot's name; what it reads must be
        // that field, whatever index the object gives.
        StructureCase{"FieldSlotRenamed", [](Program& p) { p.clauses[0].field_slots[2] = "prev_cxmm"; },
                      "clause 0, probe 0, field slot 2 (prev_cxmm): refers to the layout of field prev_comm, "
                      "not of the field it names"},
        StructureCase{"FieldReferenceToAnotherField", [](Program& p) { p.clauses[0].probes[0].fields[0].index = 4; },
                      "clause 0, probe 0, field slot 0 (prev_pid): refers to the layout of field next_comm, "
                      "not of the field it names"},
        StructureCase{"BufferTooSmall", [](Program& p) { p.settings.bufsize = 100; },
                      "settings: bufsize 100 is below the minimum 8192 (8k): the kernel's ring buffer holds at "
                      "least two 4 KiB pages per CPU, and Probity asks for at most 1t per CPU"},
        StructureCase{"BufferNotWholeKiB", [](Program& p) { p.settings.bufsize = 10000; },
                      "settings: bufsize 10000 is not a whole number of KiB"},
        StructureCase{"StringSizeZero", [](Program& p) { p.settings.strsize = 0; },
                      "settings: strsize 0 is below the minimum 1: strings are kept from 1 byte up to 1m"}),
    [](const testing::TestParamInfo<StructureCase>& test) { return test.param.name; });

// The bug report's edit: lquantize's high bound raised in the bytes of an
// object, checksum recomputed. Decoding refuses it with the compiler's words
// rather than the consumer allocating a histogram of 2^63 buckets.
TEST(ObjectDecoding, RejectsAnEditedLquantizeBoundWithTheCompilersDiagnostic) {
  Bytes bytes = encode_object(rich_program());
  // @lat's parameters: a count of 3, then 0, 1000 and 10 as 64-bit integers.
  Bytes parameters(4 + 3 * 8, 0);
  write_le(parameters, 0, 3, 4);
  write_le(parameters, 4, 0, 8);
  write_le(parameters, 12, 1000, 8);
  write_le(parameters, 20, 10, 8);
  const auto found = std::search(bytes.begin(), bytes.end(), parameters.begin(), parameters.end());
  ASSERT_NE(found, bytes.end());
  const auto high = static_cast<std::size_t>(found - bytes.begin()) + 12;
  write_le(bytes, high, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()), 8);
  reseal(bytes);
  EXPECT_EQ(decode_error(bytes, "lat.pob"),
            "lat.pob is corrupted: aggregation 0 (@lat): lquantize() upper bound must be a 32-bit quantity");
  // Within DTrace's 32-bit bounds, the bucket limit still holds.
  write_le(bytes, high, static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()), 8);
  reseal(bytes);
  EXPECT_EQ(decode_error(bytes, "lat.pob"),
            "lat.pob is corrupted: aggregation 0 (@lat): lquantize() would have more than 10000 buckets");
}

}  // namespace
}  // namespace probity::compiler
