// A compiled D program: what the compiler hands to the consumer, through a
// compiled object file or directly in memory. It is self-contained: the
// events to enable with the exact layouts they were checked against, their
// kernel filters, and each clause as a small typed expression tree (Probity's
// analogue of DTrace's DIF) that the consumer interprets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/model.hpp"
#include "probity/compiler/types.hpp"
#include "probity/stability.hpp"

namespace probity::compiler {

using catalogue::FieldLayout;
using catalogue::Hazard;
using stability::Attributes;

// ---------------------------------------------------------------- vocabulary

// Built-in variables. Values are part of the object format: append only.
enum class Builtin : std::uint8_t {
  Pid,            // process id (thread group id)
  Tid,            // thread id: the record's common_pid
  Ppid,           // parent process id
  Uid,            // real user id
  Gid,            // real group id
  Execname,       // comm (bpftrace spelling)
  Cpu,            // CPU the event was recorded on
  Timestamp,      // nsecs: the record's timestamp, ns (trace clock)
  Walltimestamp,  // ns since the Unix epoch
  Probeprov,      // "sched"; "BEGIN", "END", "tick" for the special probes
  Probename,      // "sched_switch"
  Probe,          // "sched:sched_switch" (bpftrace's probe)
  Target,         // $target: the pid of -c CMD or -p PID
};
inline constexpr std::uint8_t builtin_count = 13;

// Functions that are not aggregating. Values are part of the object format.
enum class Function : std::uint8_t {
  Trace,        // trace(x)
  Printf,       // printf(fmt, ...)
  Printa,       // printa(@a) / printa(fmt, @a) / print(@a)
  Clear,        // clear(@a)
  Trunc,        // trunc(@a) / trunc(@a, n)
  Normalize,    // normalize(@a, n)
  Exit,         // exit(status)
  Stack,        // stack(): the kernel stack at the event
  Speculation,  // speculation(): a new speculative buffer id
  Speculate,    // speculate(id)
  Commit,       // commit(id)
  Discard,      // discard(id)
  Delete,       // delete(a[k]) / delete(@m[k])
  Strlen,       // strlen(s)
  Strjoin,      // strjoin(a, b)
  Substr,       // substr(s, index[, length])
  Strstr,       // strstr(haystack, needle): suffix of haystack from needle, "" if none
  Str,          // str(x) (bpftrace): string of an integer or identity on a string
  Lltostr,      // lltostr(n)
};

enum class AggregatingFunction : std::uint8_t {
  Count, Sum, Avg, Min, Max, Stddev, Quantize, Lquantize, Llquantize,
};

// ---------------------------------------------------------------- expressions

enum class Op : std::uint8_t {
  Integer,       // immediate
  String,        // symbol: index in Program::strings
  Builtin,       // symbol: Builtin
  Field,         // symbol: clause field slot
  Load,          // symbol: variable; children: keys (associative arrays and maps)
  Store,         // symbol: variable; sub: AssignOp; children: keys..., value (last)
  IncDec,        // symbol: variable; sub: bit0 increment, bit1 prefix; children: keys
  Element,       // symbol: clause field slot of an array field; children: index
  Unary,         // sub: ast::UnaryOp; children: operand
  Binary,        // sub: ast::BinaryOp; children: left, right (&&, ||, ?: short-circuit)
  Conditional,   // children: condition, if_true, if_false
  Cast,          // type: the target; children: operand
  Call,          // symbol: Function; children: arguments (an aggregation argument is AggregationRef)
  AggregationRef,// symbol: index in Program::aggregations (argument of printa, clear, ...)
  MacroArg,      // symbol: index of $1.. (1-based); its type says how to read it
};

struct Node {
  Op op = Op::Integer;
  std::uint8_t sub = 0;
  ValueType type;
  std::uint32_t symbol = 0;
  std::int64_t immediate = 0;
  std::vector<std::uint32_t> children;  // indices in Clause::nodes

  friend bool operator==(const Node&, const Node&) = default;
};

struct Statement {
  enum class Kind : std::uint8_t {
    Evaluate,   // expression: an action, an assignment, ...
    Aggregate,  // @a[keys] = fn(arguments)
    If,         // condition; then_body; else_body
  };
  Kind kind = Kind::Evaluate;
  std::uint32_t expression = 0;           // Evaluate: the node; If: the condition
  std::uint32_t aggregation = 0;          // Aggregate
  std::vector<std::uint32_t> keys;        // Aggregate: key nodes
  std::vector<std::uint32_t> arguments;   // Aggregate: the value node (none for count)
  std::vector<Statement> then_body;
  std::vector<Statement> else_body;
  std::uint32_t line = 0;                 // source line, for run-time errors

  friend bool operator==(const Statement&, const Statement&) = default;
};

// ---------------------------------------------------------------- symbols

enum class VariableScope : std::uint8_t { Global, Thread, Clause, Scratch, Map };

struct Variable {
  std::string name;                  // as written: "x", "self->start", "this->t", "$n", "@start"
  VariableScope scope = VariableScope::Global;
  ValueType type;
  std::vector<ValueType> key_types;  // empty for a scalar

  friend bool operator==(const Variable&, const Variable&) = default;
};

struct Aggregation {
  std::string name;                  // "@" or "@calls"
  AggregatingFunction function = AggregatingFunction::Count;
  std::vector<ValueType> key_types;
  // lquantize: low, high, step; llquantize: factor, low, high, steps.
  std::vector<std::int64_t> parameters;

  friend bool operator==(const Aggregation&, const Aggregation&) = default;
};

// ---------------------------------------------------------------- probes

// One tracepoint the program enables, with everything needed to verify it on
// the live kernel before enabling: the exact layout it was compiled against.
struct EventUse {
  std::string provider;
  std::string name;
  std::vector<FieldLayout> fields;   // the full layout, common_* excluded, in format order
  std::string filter;                // the kernel filter to set ("" for none)
  Attributes stability;              // the event's effective attributes
  Hazard hazard = Hazard::None;
  bool stack_trigger = false;        // some clause calls stack(): needs the stacktrace trigger
  // Enabled for the consumer's own use: task:task_newtask and task:task_rename,
  // from which it follows task names for execname and pid in record order.
  // A support event has no filter; it has clauses only if the program also
  // names it.
  bool support = false;

  friend bool operator==(const EventUse&, const EventUse&) = default;
};

// A field reference of a clause, resolved per event: slot k of the clause is
// field `index` of the event's fields, or of Program::common_fields.
struct FieldRef {
  bool common = false;
  std::uint32_t index = 0;
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
};

enum class ProbeKind : std::uint8_t { Tracepoint, Begin, End, Tick };

struct ClauseProbe {
  ProbeKind kind = ProbeKind::Tracepoint;
  std::uint32_t event = 0;           // Tracepoint: index in Program::events
  std::uint64_t period_ns = 0;       // Tick
  std::vector<FieldRef> fields;      // Tracepoint: one per clause field slot
  // Tracepoint: true when the event's kernel filter is exactly this clause's
  // pushed-down predicate part, so only Clause::residual needs evaluating;
  // otherwise the whole Clause::predicate is evaluated in user space.
  bool filter_is_own = false;

  friend bool operator==(const ClauseProbe&, const ClauseProbe&) = default;
};

struct StabilityReport {
  Attributes probe_description = Attributes::maximum();  // minimum over the probes
  Attributes statement = Attributes::maximum();          // minimum over fields, built-ins, functions
  friend bool operator==(const StabilityReport&, const StabilityReport&) = default;
};

struct Clause {
  std::string description;               // the probe descriptions as written: "sched:sched_switch, BEGIN"
  std::uint32_t line = 0;
  std::vector<ClauseProbe> probes;
  std::vector<std::string> field_slots;  // field names used: args->prev_pid is slot k
  std::vector<Node> nodes;               // every expression node of the clause
  std::optional<std::uint32_t> predicate;  // the whole predicate
  std::optional<std::uint32_t> residual;   // what the kernel filter does not evaluate (null: nothing)
  std::vector<Statement> body;
  StabilityReport stability;

  friend bool operator==(const Clause&, const Clause&) = default;
};

struct Option {
  std::string name;   // "bufsize", "quiet", "aggsortkey", "strsize", ...
  std::string value;  // "" for a flag
  friend bool operator==(const Option&, const Option&) = default;
};

struct Program {
  std::string source_name;               // the script file, "<command line>" for -n
  std::string catalogue_release;         // the kernel release it was checked against
  std::string catalogue_hash;            // Index::content_hash() of that catalogue
  std::string machine;                   // "x86_64"
  std::vector<FieldLayout> common_fields;
  std::vector<EventUse> events;          // sorted by (provider, name)
  std::vector<Clause> clauses;           // in source order
  std::vector<Variable> variables;
  std::vector<Aggregation> aggregations;
  std::vector<std::string> strings;      // string constants (formats, literals)
  std::vector<Option> options;           // from #pragma D option and -x, resolved
  std::size_t macro_argument_count = 0;  // $1..$n the program reads
  StabilityReport stability;             // minimum over all clauses

  friend bool operator==(const Program&, const Program&) = default;
};

// Whether the program was compiled allowing `hazard` ("hot", "sensitive"):
// its resolved `allow` option, which the consumer and compat hold events to.
inline bool allows_hazard(const Program& program, std::string_view hazard) {
  for (const Option& option : program.options) {
    if (option.name != "allow") continue;
    std::string_view rest = option.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      if (rest.substr(0, comma) == hazard) return true;
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return false;
}

}  // namespace probity::compiler
