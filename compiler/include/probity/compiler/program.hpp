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

#include "probity/catalogue/admission.hpp"
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
  Id,             // the probe id: the tracefs event id; 1 BEGIN, 2 END, 3 ERROR
  Arg0,           // arg0..arg9: the ERROR probe's arguments (docs/manual/language.md), 0 in BEGIN and END
  Arg1,
  Arg2,
  Arg3,
  Arg4,
  Arg5,
  Arg6,
  Arg7,
  Arg8,
  Arg9,
};
inline constexpr std::uint8_t builtin_count = 24;

// The built-in's D spelling: "pid", "execname", "$target".
std::string_view builtin_name(Builtin builtin);

// Run-time faults: DTrace's DTRACEFLT_* codes, which the ERROR probe passes
// in arg4 and D scripts compare with by name.
enum class Fault : std::uint16_t {
  Unknown = 0,    // DTRACEFLT_UNKNOWN
  BadAddress = 1, // DTRACEFLT_BADADDR: arg5 is the address
  BadAlign = 2,   // DTRACEFLT_BADALIGN
  IllegalOp = 3,  // DTRACEFLT_ILLOP
  DivideByZero = 4,  // DTRACEFLT_DIVZERO
  NoScratch = 5,  // DTRACEFLT_NOSCRATCH
  KernelPrivilege = 6,  // DTRACEFLT_KPRIV
  UserPrivilege = 7,    // DTRACEFLT_UPRIV
  TupleOverflow = 8,    // DTRACEFLT_TUPOFLOW
  BadStack = 9,   // DTRACEFLT_BADSTACK
  BadSize = 10,   // DTRACEFLT_BADSIZE (DTrace for Linux)
  BadIndex = 11,  // DTRACEFLT_BADINDEX (DTrace for Linux): arg5 is the index
};

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
  // printf's %s of a symbolic field (args->reason): the name the running
  // kernel's print format gives the value, else the number. Its one child is
  // the Field node; no D function has this name.
  ValueName,
};

enum class AggregatingFunction : std::uint8_t {
  Count, Sum, Avg, Min, Max, Stddev, Quantize, Lquantize, Llquantize,
};

// ---------------------------------------------------------------- expressions

// The operators of Unary, Binary and Store nodes (Node::sub). They are the
// object format's own codes, not the parser's enums, so that the parser can
// change without changing what a compiled object means: append only.
enum class UnaryOperator : std::uint8_t { Negate, Plus, LogicalNot, BitNot };
enum class BinaryOperator : std::uint8_t {
  Multiply, Divide, Modulo,
  Add, Subtract,
  ShiftLeft, ShiftRight,
  Less, LessEqual, Greater, GreaterEqual,
  Equal, NotEqual,
  Glob,        // s ~ "pattern*": string glob match
  BitAnd, BitXor, BitOr,
  LogicalAnd, LogicalXor, LogicalOr,  // &&, ^^, || (short-circuit)
};
enum class AssignOperator : std::uint8_t {
  Assign, Add, Subtract, Multiply, Divide, Modulo, ShiftLeft, ShiftRight, BitAnd, BitXor, BitOr,
};

enum class Op : std::uint8_t {
  Integer,       // immediate
  String,        // symbol: index in Program::strings
  Builtin,       // symbol: Builtin
  Field,         // symbol: clause field slot
  Load,          // symbol: variable; children: keys (associative arrays and maps)
  Store,         // symbol: variable; sub: AssignOperator; children: keys..., value (last)
  IncDec,        // symbol: variable; sub: bit0 increment, bit1 prefix; children: keys
  Element,       // symbol: clause field slot of an array field; children: index
  Unary,         // sub: UnaryOperator; children: operand
  Binary,        // sub: BinaryOperator; children: left, right (&&, ||, ?: short-circuit)
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

// Why `parameters` are not valid for an lquantize (low, high, step) or
// llquantize (factor, low, high, steps) aggregation, in the compiler's words
// (`name` is the function as written: "lquantize", "lhist"), or nullopt. Other
// functions take no parameters.
std::optional<std::string> aggregation_parameters_problem(AggregatingFunction function,
                                                          const std::vector<std::int64_t>& parameters,
                                                          std::string_view name);

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
  // A USDT probe (provider and name are the note's): the binary and each
  // site's uprobe. The consumer re-reads the binary's notes and refuses the
  // object unless they say exactly this, then makes uprobe events of them.
  std::optional<catalogue::UsdtOrigin> usdt;

  friend bool operator==(const EventUse&, const EventUse&) = default;
};

// A field reference of a clause, resolved per event: slot k of the clause is
// field `index` of the event's fields, or of Program::common_fields.
struct FieldRef {
  bool common = false;
  std::uint32_t index = 0;
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
};

enum class ProbeKind : std::uint8_t { Tracepoint, Begin, End, Tick, Error };

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

// The options (#pragma D option and -x), parsed once by the compiler into
// typed values: the consumer reads these and never the options' text.
struct Settings {
  bool quiet = false;                                   // quiet
  // amin: the stability threshold the program was compiled to; the consumer
  // holds the host catalogue's attributes to it again before enabling anything.
  stability::Threshold amin = stability::default_threshold;
  bool allow_hot = false;                               // allow=hot
  bool allow_sensitive = false;                         // allow=sensitive
  // bufsize: ring-buffer bytes per CPU, a whole number of KiB (the unit of
  // tracefs' buffer_size_kb). DTrace's default: the kernel's own (1.4 MiB per
  // CPU here) overflows within a few milliseconds under a system-call storm;
  // with 4 MiB a reader paced at one round per 10 ms loses nothing on an
  // unthrottled getppid() storm (bench/RESULTS-peers.md).
  std::uint64_t bufsize = 4 * 1024 * 1024;
  std::uint64_t strsize = 256;                          // longest string kept, bytes
  std::uint64_t dynvarsize = 1024 * 1024;               // bytes for thread-local and associative variables
  std::uint64_t nspec = 1;                              // speculation buffers
  bool aggsortkey = false;                              // aggregations printed sorted by key
  bool aggsortrev = false;                              // ... in reverse order

  catalogue::AdmissionBar admission_bar() const { return {amin, allow_hot, allow_sensitive}; }

  friend bool operator==(const Settings&, const Settings&) = default;
};

// The range each size or count setting must fall in, and why; the compiler
// refuses an option outside it and the object reader a settings block.
struct SettingRange {
  std::string_view name;
  std::uint64_t Settings::*value;
  std::uint64_t minimum;
  std::uint64_t maximum;
  std::string_view why;  // said when the value is out of range
};
inline constexpr std::uint64_t kib = 1024;
inline constexpr SettingRange setting_ranges[] = {
    {"bufsize", &Settings::bufsize, 8 * kib, kib * kib * kib * kib,
     "the kernel's ring buffer holds at least two 4 KiB pages per CPU, and Probity asks for at most 1t per CPU"},
    {"strsize", &Settings::strsize, 1, kib * kib, "strings are kept from 1 byte up to 1m"},
    {"dynvarsize", &Settings::dynvarsize, 1, kib * kib * kib * kib, "variable memory is 1 byte up to 1t"},
    {"nspec", &Settings::nspec, 0, 1'000'000, "at most a million speculation buffers are kept"},
};
// Why `value` is not a valid `range` setting ("bufsize 100 is below ..."), or nullopt.
std::optional<std::string> setting_problem(const SettingRange& range, std::uint64_t value);
// The first setting out of its range, or nullopt.
std::optional<std::string> settings_problem(const Settings& settings);

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
  Settings settings;                     // from #pragma D option and -x, parsed
  std::size_t macro_argument_count = 0;  // $1..$n the program reads
  StabilityReport stability;             // minimum over all clauses

  friend bool operator==(const Program&, const Program&) = default;
};

}  // namespace probity::compiler
