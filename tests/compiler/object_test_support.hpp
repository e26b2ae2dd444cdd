// What the compiled object's tests share: the documented layout (header,
// FNV-1a checksum) to edit bytes with, and a program using every operation.
#pragma once

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

namespace probity::compiler::object_testing {

using catalogue::FieldKind;
using stability::DependencyClass;
using stability::Level;
using test_support::ScratchDirectory;

using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t header_size = 8 + 4 + 8;
constexpr std::size_t checksum_size = 8;

// FNV-1a 64 written from the published algorithm (not the product's code), so
// tests can re-checksum a payload they have edited.
inline std::uint64_t fnv1a(const Bytes& bytes, std::size_t begin, std::size_t end) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (std::size_t i = begin; i < end; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

inline std::uint64_t read_u64(const Bytes& bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value |= std::uint64_t{bytes[at + i]} << (8 * i);
  return value;
}

inline void write_le(Bytes& bytes, std::size_t at, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i)
    bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// Recomputes the declared payload length and the checksum after an edit.
inline void reseal(Bytes& bytes) {
  const std::size_t payload = bytes.size() - header_size - checksum_size;
  write_le(bytes, 12, payload, 8);
  write_le(bytes, header_size + payload, fnv1a(bytes, header_size, header_size + payload), 8);
}

inline std::string decode_error(const Bytes& bytes, const std::string& name = "test.pob") {
  try {
    decode_object(bytes, name);
  } catch (const ObjectError& error) {
    return error.what();
  }
  return "";
}

inline FieldLayout field(std::string name, std::string type, std::uint32_t offset, std::uint32_t size,
                  bool is_signed, FieldKind kind = FieldKind::Integer, bool relative = false) {
  return {std::move(name), std::move(type), offset, size, is_signed, kind, relative};
}

inline Node node(Op op, std::uint32_t symbol = 0, std::vector<std::uint32_t> children = {},
          ValueType type = ValueType::int64(), std::uint8_t sub = 0, std::int64_t immediate = 0) {
  return {op, sub, type, symbol, immediate, std::move(children)};
}

inline Node integer(std::int64_t value) { return node(Op::Integer, 0, {}, ValueType::int64(), 0, value); }

inline Statement evaluate(std::uint32_t expression, std::uint32_t line) {
  Statement statement;
  statement.kind = Statement::Kind::Evaluate;
  statement.expression = expression;
  statement.line = line;
  return statement;
}

inline Statement aggregate(std::uint32_t aggregation, std::vector<std::uint32_t> keys,
                    std::vector<std::uint32_t> arguments, std::uint32_t line) {
  Statement statement;
  statement.kind = Statement::Kind::Aggregate;
  statement.aggregation = aggregation;
  statement.keys = std::move(keys);
  statement.arguments = std::move(arguments);
  statement.line = line;
  return statement;
}

inline Statement if_statement(std::uint32_t condition, std::vector<Statement> then_body,
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
inline Program rich_program() {
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

}  // namespace probity::compiler::object_testing
