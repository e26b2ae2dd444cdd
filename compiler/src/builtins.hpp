// The language's vocabulary with its stability: built-in variables and
// functions, their aliases (DTrace and bpftrace spellings), their types, and
// the names that exist in DTrace or bpftrace but cannot work on static
// tracepoints, with what to use instead.
#pragma once

#include <optional>
#include <string_view>

#include "probity/compiler/program.hpp"
#include "probity/compiler/types.hpp"
#include "probity/stability.hpp"

namespace probity::compiler {

struct BuiltinInfo {
  Builtin id;
  std::string_view name;        // the canonical (DTrace) spelling
  ValueType type;
  stability::Attributes attributes;
  std::string_view rationale;   // why these attributes
};

// Canonical names and aliases: "execname" and "comm", "timestamp" and "nsecs".
const BuiltinInfo* find_builtin(std::string_view name);
const BuiltinInfo& builtin_info(Builtin id);
// arg0..arg9: readable in clauses of BEGIN, END and ERROR only (tracepoints
// have named fields instead, and tick records none).
bool is_positional_argument(Builtin id);

// D's named integer constants (DTRACEFLT_DIVZERO, ...): the value, or nullopt.
std::optional<std::int64_t> find_named_constant(std::string_view name);

enum class FunctionKind : std::uint8_t { Action, Subroutine, Aggregating };

struct FunctionInfo {
  std::string_view name;        // canonical
  FunctionKind kind;
  std::uint8_t id;              // Function or AggregatingFunction
  stability::Attributes attributes;
  std::string_view rationale;
};

// Canonical names and aliases: "quantize"/"hist", "lquantize"/"lhist", "printa"/"print".
const FunctionInfo* find_function(std::string_view name);
const FunctionInfo& function_info(Function id);
const FunctionInfo& function_info(AggregatingFunction id);

// A DTrace or bpftrace name (variable or function) that cannot work on
// static tracepoints: why, and what to write instead.
struct Unavailable {
  std::string_view name;
  std::string_view reason;
  std::string_view instead;
};
const Unavailable* find_unavailable(std::string_view name);

}  // namespace probity::compiler
