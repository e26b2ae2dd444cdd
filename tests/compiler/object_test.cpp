// Compiled objects: exact round trips, determinism, and rejection of every
// kind of damaged or inconsistent object with a message naming what is wrong.
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

namespace probity::compiler {
namespace {

using catalogue::FieldKind;
using stability::DependencyClass;
using stability::Level;
using test_support::ScratchDirectory;

using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t header_size = 8 + 4 + 8;
constexpr std::size_t checksum_size = 8;

// FNV-1a 64 written from the published algorithm (not the product's code), so
// tests can re-checksum a payload they have edited.
std::uint64_t fnv1a(const Bytes& bytes, std::size_t begin, std::size_t end) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t i = begin; i < end; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t read_u64(const Bytes& bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value |= std::uint64_t{bytes[at + i]} << (8 * i);
  return value;
}

void write_le(Bytes& bytes, std::size_t at, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i)
    bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// Recomputes the declared payload length and the checksum after an edit.
void reseal(Bytes& bytes) {
  const std::size_t payload = bytes.size() - header_size - checksum_size;
  write_le(bytes, 12, payload, 8);
  write_le(bytes, header_size + payload, fnv1a(bytes, header_size, header_size + payload), 8);
}

std::string decode_error(const Bytes& bytes, const std::string& name = "test.pob") {
  try {
    decode_object(bytes, name);
  } catch (const ObjectError& error) {
    return error.what();
  }
  return "";
}

FieldLayout field(std::string name, std::string type, std::uint32_t offset, std::uint32_t size,
                  bool is_signed, FieldKind kind = FieldKind::Integer, bool relative = false) {
  return {std::move(name), std::move(type), offset, size, is_signed, kind, relative};
}

Node node(Op op, std::uint32_t symbol = 0, std::vector<std::uint32_t> children = {},
          ValueType type = ValueType::int64(), std::uint8_t sub = 0, std::int64_t immediate = 0) {
  return {op, sub, type, symbol, immediate, std::move(children)};
}

Node integer(std::int64_t value) { return node(Op::Integer, 0, {}, ValueType::int64(), 0, value); }

Statement evaluate(std::uint32_t expression, std::uint32_t line) {
  Statement statement;
  statement.kind = Statement::Kind::Evaluate;
  statement.expression = expression;
  statement.line = line;
  return statement;
}

Statement aggregate(std::uint32_t aggregation, std::vector<std::uint32_t> keys,
                    std::vector<std::uint32_t> arguments, std::uint32_t line) {
  Statement statement;
  statement.kind = Statement::Kind::Aggregate;
  statement.aggregation = aggregation;
  statement.keys = std::move(keys);
  statement.arguments = std::move(arguments);
  statement.line = line;
  return statement;
}

Statement if_statement(std::uint32_t condition, std::vector<Statement> then_body,
                       std::vector<Statement> else_body, std::uint32_t line) {
  Statement statement;
  statement.kind = Statement::Kind::If;
  statement.expression = condition;
  statement.then_body = std::move(then_body);
  statement.else_body = std::move(else_body);
  statement.line = line;
  return statement;
}

// A program using every operation, every statement kind, nested ifs, three
// events, common fields, both kinds of field references, every probe kind.
Program rich_program() {
  Program program;
  program.source_name = "/home/me/scripts/switches.d";
  program.catalogue_release = "6.18.44-fc-v657";
  program.catalogue_hash = "9f86d081884c7d65";
  program.machine = "x86_64";
  program.common_fields = {
      field("common_type", "unsigned short", 0, 2, false),
      field("common_flags", "unsigned char", 2, 1, false),
      field("common_preempt_count", "unsigned char", 3, 1, false),
      field("common_pid", "int", 4, 4, true),
  };

  EventUse exec;
  exec.provider = "sched";
  exec.name = "sched_process_exec";
  exec.fields = {field("filename", "__data_loc char[]", 8, 4, false, FieldKind::DynamicString),
                 field("pid", "pid_t", 12, 4, true), field("old_pid", "pid_t", 16, 4, true),
                 field("saddr", "__u8[4]", 20, 4, false, FieldKind::Array)};
  exec.stability = {Level::Evolving, Level::Unstable, DependencyClass::Common};
  exec.hazard = Hazard::Sensitive;
  exec.stack_trigger = true;

  EventUse switches;
  switches.provider = "sched";
  switches.name = "sched_switch";
  switches.fields = {field("prev_comm", "char[16]", 8, 16, false, FieldKind::String),
                     field("prev_pid", "pid_t", 24, 4, true),
                     field("prev_prio", "int", 28, 4, true),
                     field("prev_state", "long", 32, 8, true),
                     field("next_comm", "char[16]", 40, 16, false, FieldKind::String),
                     field("next_pid", "pid_t", 56, 4, true)};
  switches.filter = "prev_pid != 0";
  switches.stability = {Level::Stable, Level::Evolving, DependencyClass::Isa};

  EventUse transmit;
  transmit.provider = "net";
  transmit.name = "net_dev_xmit";
  transmit.fields = {
      field("skbaddr", "void *", 8, 8, false, FieldKind::Pointer),
      field("saddr", "__u8[4]", 16, 4, false, FieldKind::Array),
      field("payload", "__rel_loc u8[]", 20, 4, false, FieldKind::DynamicArray, true)};
  transmit.filter = "len > 1500";
  transmit.stability = {Level::Private, Level::Private, DependencyClass::Unknown};
  transmit.hazard = Hazard::Hot;
  // As a USDT probe's event carries it: where each site's uprobe goes.
  transmit.usdt = catalogue::UsdtOrigin{
      .binary = "/usr/lib/postgresql/15/bin/postgres",
      .sites = {{.offset = 0x10b7, .semaphore_offset = 0x3028, .fetchargs = {"%di:s32", "@+0x4020:s64"}},
                {.offset = 0x2200, .semaphore_offset = 0, .fetchargs = {}}}};
  program.events = {transmit, exec, switches};

  program.variables = {
      {"self->start", VariableScope::Thread, ValueType::uint64(), {}},
      {"count", VariableScope::Global, ValueType::int64(), {}},
      {"seen", VariableScope::Global, ValueType::integer(4, true), {ValueType::integer(4, true)}},
      {"this->delta", VariableScope::Clause, ValueType::int64(), {}},
      {"$name", VariableScope::Scratch, ValueType::string(), {}},
      {"@start", VariableScope::Map, ValueType::uint64(), {ValueType::integer(4, true)}},
  };
  program.aggregations = {
      {"@lat", AggregatingFunction::Lquantize, {ValueType::string()}, {0, 1000, 10}},
      {"@", AggregatingFunction::Count, {}, {}},
      {"@big",
       AggregatingFunction::Llquantize,
       {ValueType::string(), ValueType::int64()},
       {10, 0, 6, 20}},
      {"@sizes", AggregatingFunction::Quantize, {}, {}},
  };
  program.strings = {"%s %d\n", std::string("nul\0inside", 10), "\xff\xfe high bytes", ""};
  program.settings.quiet = true;
  program.settings.bufsize = 8 * 1024 * 1024;
  program.settings.aggsortkey = true;
  program.settings.amin = {Level::Unstable, Level::Private, DependencyClass::Isa};
  program.settings.allow_sensitive = true;
  program.macro_argument_count = 2;
  program.stability = {{Level::Private, Level::Private, DependencyClass::Unknown},
                       {Level::Evolving, Level::Evolving, DependencyClass::Common}};

  // Clause 0: sched:sched_switch /prev_pid != 0/ { ... }
  Clause switch_clause;
  switch_clause.description = "sched:sched_switch";
  switch_clause.line = 3;
  ClauseProbe on_switch;
  on_switch.kind = ProbeKind::Tracepoint;
  on_switch.event = 2;
  on_switch.fields = {{false, 1}, {true, 3}, {false, 0}};
  on_switch.filter_is_own = true;
  switch_clause.probes = {on_switch};
  switch_clause.field_slots = {"prev_pid", "common_pid", "prev_comm"};
  const auto binary = [](BinaryOperator op, std::uint32_t left, std::uint32_t right) {
    return node(Op::Binary, 0, {left, right}, ValueType::int64(), static_cast<std::uint8_t>(op));
  };
  switch_clause.nodes = {
      node(Op::Field, 0, {}, ValueType::integer(4, true)),                // 0 prev_pid
      integer(0),                                                         // 1
      binary(BinaryOperator::NotEqual, 0, 1),                              // 2 predicate
      node(Op::Builtin, static_cast<std::uint32_t>(Builtin::Timestamp)),  // 3
      node(Op::Builtin, static_cast<std::uint32_t>(Builtin::Tid)),        // 4
      node(Op::Store, 0, {3}, ValueType::uint64(),
           static_cast<std::uint8_t>(AssignOperator::Assign)),  // 5 self->start = timestamp
      node(Op::Load, 0, {}, ValueType::uint64()),              // 6 self->start
      binary(BinaryOperator::Subtract, 3, 6),                   // 7
      node(Op::Builtin, static_cast<std::uint32_t>(Builtin::Execname), {},
           ValueType::string()),                     // 8
      node(Op::String, 0, {}, ValueType::string()),  // 9 "%s %d\n"
      node(Op::Field, 2, {}, ValueType::string()),   // 10 prev_comm
      node(Op::Call, static_cast<std::uint32_t>(Function::Printf), {9, 10, 0},
           ValueType::void_type()),                          // 11
      node(Op::IncDec, 1, {}, ValueType::int64(), 3),        // 12 ++count
      node(Op::Load, 2, {4}, ValueType::integer(4, true)),   // 13 seen[tid]
      node(Op::Conditional, 0, {2, 13, 1}),                  // 14
      node(Op::Cast, 0, {7}, ValueType::integer(4, false)),  // 15
      node(Op::Unary, 0, {14}, ValueType::int64(),
           static_cast<std::uint8_t>(UnaryOperator::LogicalNot)),  // 16
      node(Op::MacroArg, 2, {}, ValueType::string()),             // 17 $2
      node(Op::AggregationRef, 0),                                // 18 @lat
      node(Op::Call, static_cast<std::uint32_t>(Function::Printa), {18},
           ValueType::void_type()),  // 19
      node(Op::Store, 5, {4, 7}, ValueType::uint64(),
           static_cast<std::uint8_t>(AssignOperator::Add)),  // 20 @start[tid] += ...
      integer(-9'000'000'000'000'000'000),                  // 21
  };
  switch_clause.predicate = 2;
  switch_clause.residual = std::nullopt;
  switch_clause.body = {
      evaluate(5, 4),
      if_statement(16,
                   {aggregate(0, {8}, {15}, 6),
                    if_statement(2, {evaluate(12, 8)}, {evaluate(11, 10), evaluate(20, 11)}, 7)},
                   {evaluate(19, 13)}, 5),
      aggregate(1, {}, {}, 15),
      aggregate(2, {17, 21}, {7}, 16),
  };
  switch_clause.stability = {{Level::Stable, Level::Evolving, DependencyClass::Isa},
                             {Level::Evolving, Level::Evolving, DependencyClass::Common}};

  // Clause 1: net:net_dev_xmit, sched:sched_process_exec, BEGIN, tick-1s
  Clause mixed_clause;
  mixed_clause.description = "net:net_dev_xmit, sched:sched_process_exec, BEGIN, tick-1s";
  mixed_clause.line = 20;
  ClauseProbe on_transmit;
  on_transmit.event = 0;
  on_transmit.fields = {{false, 1}, {true, 0}};
  ClauseProbe on_exec;
  on_exec.event = 1;
  on_exec.fields = {{false, 3}, {true, 0}};
  ClauseProbe on_begin;
  on_begin.kind = ProbeKind::Begin;
  ClauseProbe on_tick;
  on_tick.kind = ProbeKind::Tick;
  on_tick.period_ns = 1'000'000'000;
  mixed_clause.probes = {on_transmit, on_exec, on_begin, on_tick};
  mixed_clause.field_slots = {"saddr", "common_type"};
  mixed_clause.nodes = {
      integer(2),                                               // 0
      node(Op::Element, 0, {0}, ValueType::integer(1, false)),  // 1 saddr[2]
      node(Op::Builtin, static_cast<std::uint32_t>(Builtin::Probename), {},
           ValueType::string()),                             // 2
      node(Op::Store, 4, {2}, ValueType::string()),          // 3 $name = probename
      node(Op::Field, 1, {}, ValueType::integer(2, false)),  // 4 common_type
      node(Op::Binary, 0, {1, 4}, ValueType::int64(),
           static_cast<std::uint8_t>(BinaryOperator::LogicalOr)),  // 5
      node(Op::Load, 3),                                          // 6 this->delta
      node(Op::Call, static_cast<std::uint32_t>(Function::Lltostr), {6},
           ValueType::string()),                     // 7
      node(Op::String, 3, {}, ValueType::string()),  // 8 ""
      node(Op::Call, static_cast<std::uint32_t>(Function::Trace), {7},
           ValueType::void_type()),  // 9
      node(Op::AggregationRef, 3),   // 10 @sizes
      node(Op::Call, static_cast<std::uint32_t>(Function::Clear), {10},
           ValueType::void_type()),                              // 11
      node(Op::IncDec, 2, {4}, ValueType::integer(4, true), 0),  // 12 seen[..]-- (postfix)
  };
  mixed_clause.predicate = 5;
  mixed_clause.residual = 1;
  mixed_clause.body = {
      evaluate(3, 21),
      if_statement(5, {if_statement(1, {if_statement(4, {evaluate(9, 24)}, {}, 23)}, {}, 22)},
                   {evaluate(11, 26), aggregate(3, {}, {0}, 27), evaluate(12, 28)}, 21),
  };

  // Clause 2: END, ERROR { exit(0) }
  Clause end_clause;
  end_clause.description = "END, ERROR";
  end_clause.line = 31;
  ClauseProbe on_end;
  on_end.kind = ProbeKind::End;
  ClauseProbe on_error;
  on_error.kind = ProbeKind::Error;
  end_clause.probes = {on_end, on_error};
  end_clause.nodes = {integer(0), node(Op::Call, static_cast<std::uint32_t>(Function::Exit), {0},
                                       ValueType::void_type())};
  end_clause.body = {evaluate(1, 32)};

  program.clauses = {switch_clause, mixed_clause, end_clause};
  return program;
}

// ---------------------------------------------------------------- round trips

void collect_kinds(const std::vector<Statement>& statements, std::set<Statement::Kind>& kinds,
                   std::size_t depth, std::size_t& deepest) {
  deepest = std::max(deepest, depth);
  for (const Statement& statement : statements) {
    kinds.insert(statement.kind);
    collect_kinds(statement.then_body, kinds, depth + 1, deepest);
    collect_kinds(statement.else_body, kinds, depth + 1, deepest);
  }
}

TEST(ObjectRoundTrip, RichProgramCoversTheWholeVocabulary) {
  const Program program = rich_program();
  std::set<Op> ops;
  std::set<Statement::Kind> kinds;
  std::set<ProbeKind> probes;
  std::size_t deepest = 0;
  for (const Clause& clause : program.clauses) {
    for (const Node& each : clause.nodes) ops.insert(each.op);
    for (const ClauseProbe& probe : clause.probes) probes.insert(probe.kind);
    collect_kinds(clause.body, kinds, 0, deepest);
  }
  EXPECT_EQ(ops.size(), static_cast<std::size_t>(Op::MacroArg) + 1);
  EXPECT_EQ(kinds.size(), 3u);
  EXPECT_EQ(probes.size(), static_cast<std::size_t>(ProbeKind::Error) + 1);
  EXPECT_GE(deepest, 3u);
}

TEST(ObjectRoundTrip, RichProgramSurvivesExactly) {
  const Program program = rich_program();
  const Program decoded = decode_object(encode_object(program), "rich.pob");
  EXPECT_EQ(decoded, program);
  // Spot checks, so a broken operator== could not hide a lossy round trip.
  EXPECT_EQ(decoded.strings[1], std::string("nul\0inside", 10));
  EXPECT_EQ(decoded.clauses[0].nodes[21].immediate, -9'000'000'000'000'000'000);
  EXPECT_EQ(decoded.clauses[1].body[1].then_body[0].then_body[0].then_body[0].expression, 9u);
  EXPECT_EQ(decoded.events[0].fields[2].relative, true);
  ASSERT_TRUE(decoded.events[0].usdt.has_value());
  EXPECT_EQ(decoded.events[0].usdt->sites[0].fetchargs[1], "@+0x4020:s64");
  EXPECT_EQ(decoded.events[0].usdt->sites[0].semaphore_offset, 0x3028u);
  EXPECT_FALSE(decoded.events[1].usdt.has_value());
  EXPECT_EQ(decoded.aggregations[2].parameters, (std::vector<std::int64_t>{10, 0, 6, 20}));
  EXPECT_EQ(decoded.clauses[1].residual, std::optional<std::uint32_t>(1));
  EXPECT_EQ(decoded.clauses[0].residual, std::nullopt);
}

TEST(ObjectRoundTrip, EveryEnumValueSurvives) {
  Program program = rich_program();
  for (const Level level : stability::all_levels) {
    for (const DependencyClass dependency : stability::all_classes) {
      program.events[0].stability = {level, level, dependency};
      for (const Hazard hazard :
           {Hazard::None, Hazard::Hot, Hazard::Sensitive, Hazard::Forbidden}) {
        program.events[0].hazard = hazard;
        ASSERT_EQ(decode_object(encode_object(program), "enums.pob"), program);
      }
    }
  }
}

TEST(ObjectRoundTrip, EmptyProgramSurvives) {
  const Program empty;
  EXPECT_EQ(decode_object(encode_object(empty), "empty.pob"), empty);
}

TEST(ObjectEncoding, IsByteForByteDeterministic) {
  const Bytes first = encode_object(rich_program());
  EXPECT_EQ(encode_object(rich_program()), first);
  EXPECT_EQ(encode_object(decode_object(first, "rich.pob")), first);
}

TEST(ObjectEncoding, HeaderAndChecksumFollowTheDocumentedLayout) {
  // The independent FNV-1a must match a published test vector first.
  const Bytes a{'a'};
  ASSERT_EQ(fnv1a(a, 0, 1), 0xaf63dc4c8601ec8cULL);

  const Bytes bytes = encode_object(rich_program());
  ASSERT_GT(bytes.size(), header_size + checksum_size);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8), "PROBITYO");
  EXPECT_EQ((Bytes{bytes.begin() + 8, bytes.begin() + 12}), (Bytes{3, 0, 0, 0}));
  const std::uint64_t payload = read_u64(bytes, 12);
  EXPECT_EQ(payload, bytes.size() - header_size - checksum_size);
  EXPECT_EQ(read_u64(bytes, header_size + payload),
            fnv1a(bytes, header_size, header_size + payload));
}

TEST(ObjectEncoding, StringsAreALittleEndianLengthThenBytes) {
  Program program;
  program.source_name = "ab";
  const Bytes bytes = encode_object(program);
  EXPECT_EQ((Bytes{bytes.begin() + header_size, bytes.begin() + header_size + 6}),
            (Bytes{2, 0, 0, 0, 'a', 'b'}));
}

TEST(ObjectEncoding, RefusesIfsNestedTooDeeply) {
  Program program;
  Clause clause;
  clause.nodes = {integer(1)};
  std::vector<Statement> body{evaluate(0, 1)};
  // 1000 ifs put the innermost statement 1001 deep.
  for (int level = 0; level < 1000; ++level) body = {if_statement(0, std::move(body), {}, 1)};
  clause.body = std::move(body);
  program.clauses = {clause};
  EXPECT_THROW(encode_object(program), ObjectError);

  // One level less is the deepest allowed.
  program.clauses[0].body = std::move(program.clauses[0].body[0].then_body);
  EXPECT_EQ(decode_object(encode_object(program), "deep.pob"), program);
}

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

// ---------------------------------------------------------------- files

std::vector<std::string> directory_listing(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

Bytes file_bytes(const std::filesystem::path& file) {
  std::ifstream input(file, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>());
}

TEST(ObjectFile, RoundTripsThroughAFileAndLeavesNoTemporaries) {
  const ScratchDirectory directory("probity-object-file");
  const std::filesystem::path file = directory.path() / "switches.pob";
  const Program program = rich_program();
  write_object(program, file);
  EXPECT_EQ(read_object(file), program);
  EXPECT_EQ(file_bytes(file), encode_object(program));
  EXPECT_EQ(directory_listing(directory.path()), std::vector<std::string>{"switches.pob"});
}

TEST(ObjectFile, RewritingReplacesTheWholeFile) {
  const ScratchDirectory directory("probity-object-file");
  const std::filesystem::path file = directory.path() / "a.pob";
  write_object(rich_program(), file);
  Program small;
  small.source_name = "<command line>";
  write_object(small, file);
  EXPECT_EQ(read_object(file), small);
  EXPECT_EQ(directory_listing(directory.path()), std::vector<std::string>{"a.pob"});
}

TEST(ObjectFile, MissingFileNamesTheFileAndTheReason) {
  const ScratchDirectory directory("probity-object-file");
  const std::filesystem::path file = directory.path() / "missing.pob";
  try {
    read_object(file);
    FAIL() << "read_object accepted a missing file";
  } catch (const ObjectError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot read " + file.string() + ": No such file or directory");
  }
}

TEST(ObjectFile, WritingIntoAMissingDirectoryNamesTheFileAndTheReason) {
  const ScratchDirectory directory("probity-object-file");
  const std::filesystem::path file = directory.path() / "no-such-dir" / "x.pob";
  try {
    write_object(rich_program(), file);
    FAIL() << "write_object wrote into a missing directory";
  } catch (const ObjectError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot write " + file.string() + ": No such file or directory");
  }
}

TEST(ObjectFile, ReadingADirectoryFails) {
  const ScratchDirectory directory("probity-object-file");
  try {
    read_object(directory.path());
    FAIL() << "read_object accepted a directory";
  } catch (const ObjectError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot read " + directory.path().string() + ": Is a directory");
  }
}

TEST(ObjectFile, DamagedFileErrorsNameTheFile) {
  const ScratchDirectory directory("probity-object-file");
  Bytes bytes = encode_object(rich_program());
  bytes[bytes.size() / 2] ^= 0x10;
  const auto file = directory.write("damaged.pob", std::string(bytes.begin(), bytes.end()));
  try {
    read_object(file);
    FAIL() << "read_object accepted a damaged file";
  } catch (const ObjectError& error) {
    EXPECT_EQ(std::string(error.what()), file.string() + " is corrupted: checksum mismatch");
  }
}

TEST(ObjectFile, LooksLikeObjectOnlyForTheMagic) {
  const ScratchDirectory directory("probity-object-file");
  const auto source = directory.write("trace.d", "sched:sched_switch\n{\n  trace(pid);\n}\n");
  const auto object = directory.path() / "trace.pob";
  write_object(rich_program(), object);
  EXPECT_FALSE(looks_like_object(source));
  EXPECT_TRUE(looks_like_object(object));
  EXPECT_FALSE(looks_like_object(directory.path() / "missing.pob"));
  EXPECT_FALSE(looks_like_object(directory.write("short", "PROBITY")));
  EXPECT_FALSE(looks_like_object(directory.write("empty", "")));
  EXPECT_TRUE(looks_like_object(directory.write("just-magic", "PROBITYO")));
  EXPECT_FALSE(looks_like_object(directory.path()));
}

}  // namespace
}  // namespace probity::compiler
