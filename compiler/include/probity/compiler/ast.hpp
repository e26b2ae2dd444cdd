// The abstract syntax tree of a D program, as the parser builds it and the
// passes annotate it (types, resolved fields, builtins and variables).
//
// Expressions are a closed set of node structs held in a variant, so each
// pass handles every kind explicitly (std::visit) and the compiler tells when
// a new kind is not handled.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "probity/compiler/source.hpp"
#include "probity/compiler/types.hpp"

namespace probity::compiler::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
using ExprList = std::vector<ExprPtr>;

// ---------------------------------------------------------------- expressions

// 42, 0x2a, 052, 42u, 42UL. D evaluates integers in 64 bits.
struct IntegerLiteral {
  std::uint64_t value = 0;
  bool is_unsigned = false;  // a u/U suffix, or too large for int64_t
  std::string spelling;      // as written
};

// "text\n": `value` has the escapes already decoded.
struct StringLiteral {
  std::string value;
};

// A bare identifier: a built-in variable (pid, execname, comm, nsecs, ...) or
// a global scalar variable; the name-resolution pass decides which.
struct Identifier {
  std::string name;
};

// args->field or args.field
struct FieldAccess {
  std::string field;
  bool dot_spelling = false;  // args.field (bpftrace) rather than args->field
};

enum class VariableScope : std::uint8_t {
  Global,   // x, or an associative array a[...]
  Thread,   // self->x (DTrace thread-local)
  Clause,   // this->x (DTrace clause-local)
  Scratch,  // $x (bpftrace scratch variable, clause-local)
  Map,      // @x used as a value (bpftrace map): @start[tid] = nsecs
};

// self->x, this->x, $x. A global is an Identifier until resolved; @x is an
// AggregationRef until type inference sees how it is used.
struct Variable {
  VariableScope scope = VariableScope::Global;
  std::string name;  // without the prefix: "x" for self->x
};

// $1, $2, ... (command-line macro arguments) and $target.
struct MacroArgument {
  std::string name;  // "1", "target"
};

// @name, or the anonymous @ (name ""). As an assignment target with an
// aggregating function it is an aggregation; otherwise a bpftrace map.
struct AggregationRef {
  std::string name;
};

// base[k1, k2]: an associative array, a map, an aggregation or an array field.
struct Index {
  ExprPtr base;
  ExprList keys;
};

// name(args...): actions, subroutines and aggregating functions alike.
struct Call {
  std::string name;   // as written: "quantize", "hist", "printa", "print"
  ExprList arguments;
};

enum class UnaryOp : std::uint8_t { Negate, Plus, LogicalNot, BitNot };
struct Unary {
  UnaryOp op = UnaryOp::Negate;
  ExprPtr operand;
};

enum class BinaryOp : std::uint8_t {
  Multiply, Divide, Modulo,
  Add, Subtract,
  ShiftLeft, ShiftRight,
  Less, LessEqual, Greater, GreaterEqual,
  Equal, NotEqual,
  Glob,        // s ~ "pattern*": string glob match (tracefs filter syntax)
  BitAnd, BitXor, BitOr,
  LogicalAnd, LogicalXor, LogicalOr,  // &&, ^^, ||
};

struct Binary {
  BinaryOp op = BinaryOp::Add;
  ExprPtr left;
  ExprPtr right;
};

// c ? a : b
struct Conditional {
  ExprPtr condition;
  ExprPtr if_true;
  ExprPtr if_false;
};

// (uint32_t)x, (int)x, (unsigned char)x, (string)x is an error
struct Cast {
  std::string type_name;  // normalised: "uint32_t", "int", "unsigned long"
  ValueType target;       // set by the parser from type_name
  ExprPtr operand;
};

enum class AssignOp : std::uint8_t {
  Assign, Add, Subtract, Multiply, Divide, Modulo, ShiftLeft, ShiftRight, BitAnd, BitXor, BitOr,
};
struct Assign {
  AssignOp op = AssignOp::Assign;
  ExprPtr target;
  ExprPtr value;
};

// ++x, x++, --x, x--
struct IncDec {
  bool increment = true;
  bool prefix = true;
  ExprPtr target;
};

using ExprNode = std::variant<IntegerLiteral, StringLiteral, Identifier, FieldAccess, Variable,
                              MacroArgument, AggregationRef, Index, Call, Unary, Binary, Conditional,
                              Cast, Assign, IncDec>;

// What the passes learn about an expression.
struct Resolution {
  ValueType type;                       // set by type checking
  std::int32_t builtin = -1;            // Identifier: the Builtin (program.hpp) it names
  std::int32_t function = -1;           // Call: the Function or AggregatingFunction it names
  std::int32_t variable = -1;           // Identifier/Variable/Index/AggregationRef: index in Program::variables
  std::int32_t aggregation = -1;        // AggregationRef: index in Program::aggregations
  std::int32_t field_slot = -1;         // FieldAccess: index in the clause's field slots
  bool named_values = false;            // FieldAccess: an integer whose values every probe's print format names
  bool print_name = false;              // FieldAccess: printed by %s, as the name of its value
};

struct Expr {
  ExprNode node;
  Span span;
  Resolution resolved;

  template <class Node>
  Expr(Node&& n, Span s) : node(std::forward<Node>(n)), span(s) {}
};

template <class Node>
ExprPtr make_expr(Node&& node, Span span) {
  return std::make_unique<Expr>(std::forward<Node>(node), span);
}

// ---------------------------------------------------------------- statements

struct Statement;
using StatementList = std::vector<Statement>;

struct ExpressionStatement {
  ExprPtr expression;
};

// if (c) { ... } else { ... }  (bpftrace; Oracle DTrace 2.0)
struct IfStatement {
  ExprPtr condition;
  StatementList then_body;
  StatementList else_body;
};

struct Statement {
  std::variant<ExpressionStatement, IfStatement> node;
  Span span;
};

// ---------------------------------------------------------------- clauses

enum class ProbeKind : std::uint8_t {
  Tracepoint,  // sched:sched_switch, sched:::sched_switch, tracepoint:sched:sched_switch, globs
  Begin,
  End,
  Tick,        // tick-1s, tick-100hz, interval:s:1, interval:1s
  Error,       // ERROR, dtrace:::ERROR: a clause hit a run-time error
};

struct ProbeDescription {
  ProbeKind kind = ProbeKind::Tracepoint;
  std::string text;              // exactly as written: "tracepoint:sched:sched_wak*"
  std::uint64_t period_ns = 0;   // Tick
  Span span;
};

struct Clause {
  std::vector<ProbeDescription> probes;  // the comma-separated descriptions
  ExprPtr predicate;                     // null when there is none
  StatementList body;
  Span span;
};

// #pragma D option name=value (value "" for a bare "#pragma D option quiet").
struct Pragma {
  std::string name;
  std::string value;
  Span span;
};

// A D declaration at file scope: "int x;", "self string name;", "this int t;".
struct Declaration {
  VariableScope scope = VariableScope::Global;
  std::string type_name;
  ValueType type;
  std::string name;
  Span span;
};

struct Program {
  std::vector<Pragma> pragmas;
  std::vector<Declaration> declarations;
  std::vector<Clause> clauses;
};

// How an operator is written in D: "-", "&&", "+=".
std::string_view spelling(UnaryOp op);
std::string_view spelling(BinaryOp op);
std::string_view spelling(AssignOp op);
// How a variable is written in D: "x", "self->x", "this->x", "$x", "@x".
std::string spelling(VariableScope scope, const std::string& name);

// An indented S-expression-like dump of the tree, one node a line, for
// tests and `probity -x dump=ast`.
std::string dump(const Program& program);

}  // namespace probity::compiler::ast
