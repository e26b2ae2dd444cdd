// Compiled objects (`probity -e -o script.pob`): Probity's analogue of
// DTrace's DOF. A versioned, self-describing, checksummed binary holding a
// compiled Program and its stability report.
//
// Layout (all integers little-endian):
//   magic "PROBITYO" (8 bytes), format version (u32), payload length (u64),
//   payload, FNV-1a 64 checksum of the payload (u64).
// The payload is the Program, field by field in declaration order: strings
// as u32 length + bytes, vectors as u32 count + elements, enums and bools as
// one byte, optionals as a presence byte (0/1) + value, size_t as u64.
//
// decode_object rejects, naming the place ("clause 2, node 7: child 19 out of
// range"), anything the consumer could not interpret blindly:
//  - every index in range: node children, statement expression (Evaluate, If),
//    keys and arguments, predicate, residual, ClauseProbe::event, FieldRef
//    (into the event's fields or common_fields), Op::String / Field / Element /
//    Load / Store / IncDec / AggregationRef symbols, Aggregate::aggregation,
//    Builtin and Function values, MacroArg in 1..macro_argument_count;
//  - children refer to LOWER-numbered nodes only (lowering emits nodes
//    children-first), so the node graph has no cycle;
//  - node arity: 0 for Integer, String, Builtin, Field, AggregationRef,
//    MacroArg; 1 for Element, Unary, Cast; 2 for Binary; 3 for Conditional;
//    Load and IncDec one per variable key, Store keys + value;
//  - sub in range for Unary (UnaryOperator), Binary (BinaryOperator), Store
//    (AssignOperator): the object's own operator codes, not the parser's; and
//    IncDec (0..3);
//  - a Tracepoint probe has one FieldRef per Clause::field_slots entry, each
//    referring to the layout of the field the slot names; a Tick
//    probe a non-zero period; Aggregate keys match the aggregation's key
//    types; lquantize and llquantize parameters are what the compiler accepts
//    (aggregation_parameters_problem: bucket counts and 64-bit bounds);
//  - if statements nest at most 1000 deep;
//  - every setting within the range the compiler accepts (setting_ranges).
// write_object refuses a Program that decode_object would refuse;
// encode_object serializes whatever it is given.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "probity/compiler/program.hpp"

namespace probity::compiler {

inline constexpr std::uint32_t object_format_version = 3;  // 3: EventUse::usdt

// A missing, truncated, corrupted, wrong-magic, wrong-version or
// wrong-checksum object. what() names the file and says what is wrong and,
// where useful, what to do ("recompile it with probity -e -o").
class ObjectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<std::uint8_t> encode_object(const Program& program);
// `name` is used in error messages (the file name).
Program decode_object(const std::vector<std::uint8_t>& bytes, const std::string& name);

void write_object(const Program& program, const std::filesystem::path& file);
Program read_object(const std::filesystem::path& file);

// True when the file starts with the object magic (probity -s accepts both
// D source and compiled objects).
bool looks_like_object(const std::filesystem::path& file);

}  // namespace probity::compiler
