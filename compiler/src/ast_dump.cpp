// One node a line, children indented by two spaces:
//
//   pragma quiet @1:1
//   declaration self int start @2:1
//   clause sched:sched_switch, tick-1s @3:1
//     tick tick-1s 1000000000ns
//     predicate
//       binary ==
//         field prev_pid
//         integer 0
//     body
//       assign =
//         aggregation @
//         call count
//
// Clauses, pragmas and declarations carry their position; expressions do not,
// so dumps of different spellings of the same expression compare equal.
#include <cstdio>
#include <string>

#include "probity/compiler/ast.hpp"

namespace probity::compiler::ast {
namespace {

std::string at(const Span& span) {
  return "@" + std::to_string(span.begin.line) + ":" + std::to_string(span.begin.column);
}

std::string quoted(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

const char* spelling_of(UnaryOp op) {
  switch (op) {
    case UnaryOp::Negate: return "-";
    case UnaryOp::Plus: return "+";
    case UnaryOp::LogicalNot: return "!";
    case UnaryOp::BitNot: return "~";
  }
  return "?";
}

const char* spelling_of(BinaryOp op) {
  switch (op) {
    case BinaryOp::Multiply: return "*";
    case BinaryOp::Divide: return "/";
    case BinaryOp::Modulo: return "%";
    case BinaryOp::Add: return "+";
    case BinaryOp::Subtract: return "-";
    case BinaryOp::ShiftLeft: return "<<";
    case BinaryOp::ShiftRight: return ">>";
    case BinaryOp::Less: return "<";
    case BinaryOp::LessEqual: return "<=";
    case BinaryOp::Greater: return ">";
    case BinaryOp::GreaterEqual: return ">=";
    case BinaryOp::Equal: return "==";
    case BinaryOp::NotEqual: return "!=";
    case BinaryOp::Glob: return "~";
    case BinaryOp::BitAnd: return "&";
    case BinaryOp::BitXor: return "^";
    case BinaryOp::BitOr: return "|";
    case BinaryOp::LogicalAnd: return "&&";
    case BinaryOp::LogicalXor: return "^^";
    case BinaryOp::LogicalOr: return "||";
  }
  return "?";
}

const char* spelling_of(AssignOp op) {
  switch (op) {
    case AssignOp::Assign: return "=";
    case AssignOp::Add: return "+=";
    case AssignOp::Subtract: return "-=";
    case AssignOp::Multiply: return "*=";
    case AssignOp::Divide: return "/=";
    case AssignOp::Modulo: return "%=";
    case AssignOp::ShiftLeft: return "<<=";
    case AssignOp::ShiftRight: return ">>=";
    case AssignOp::BitAnd: return "&=";
    case AssignOp::BitXor: return "^=";
    case AssignOp::BitOr: return "|=";
  }
  return "?";
}

class Dumper {
 public:
  std::string take() { return std::move(out_); }

  void program(const Program& program) {
    for (const Pragma& pragma : program.pragmas) {
      line(0, "pragma " + pragma.name + (pragma.value.empty() ? "" : "=" + pragma.value) + " " + at(pragma.span));
    }
    for (const Declaration& declaration : program.declarations) {
      std::string scope;
      if (declaration.scope == VariableScope::Thread) scope = "self ";
      if (declaration.scope == VariableScope::Clause) scope = "this ";
      line(0, "declaration " + scope + declaration.type_name + " " + declaration.name + " " + at(declaration.span));
    }
    for (const Clause& clause : program.clauses) this->clause(clause);
  }

 private:
  void line(int depth, const std::string& text) {
    out_.append(static_cast<std::size_t>(depth) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }

  void clause(const Clause& clause) {
    std::string probes;
    for (const ProbeDescription& probe : clause.probes) probes += (probes.empty() ? "" : ", ") + probe.text;
    line(0, "clause " + probes + " " + at(clause.span));
    for (const ProbeDescription& probe : clause.probes) {
      switch (probe.kind) {
        case ProbeKind::Tracepoint: break;
        case ProbeKind::Begin: line(1, "begin " + probe.text); break;
        case ProbeKind::End: line(1, "end " + probe.text); break;
        case ProbeKind::Tick: line(1, "tick " + probe.text + " " + std::to_string(probe.period_ns) + "ns"); break;
        case ProbeKind::Error: line(1, "error " + probe.text); break;
      }
    }
    if (clause.predicate) {
      line(1, "predicate");
      expr(2, *clause.predicate);
    }
    if (!clause.body.empty()) {
      line(1, "body");
      statements(2, clause.body);
    }
  }

  void statements(int depth, const StatementList& list) {
    for (const Statement& statement : list) {
      if (const auto* expression = std::get_if<ExpressionStatement>(&statement.node)) {
        if (expression->expression) expr(depth, *expression->expression);
        continue;
      }
      const auto& branch = std::get<IfStatement>(statement.node);
      line(depth, "if");
      if (branch.condition) expr(depth + 1, *branch.condition);
      line(depth + 1, "then");
      statements(depth + 2, branch.then_body);
      if (!branch.else_body.empty()) {
        line(depth + 1, "else");
        statements(depth + 2, branch.else_body);
      }
    }
  }

  void child(int depth, const ExprPtr& node) {
    if (node) expr(depth, *node);
    else line(depth, "<null>");
  }

  void expr(int depth, const Expr& expression) {
    std::visit([&](const auto& node) { this->node(depth, node); }, expression.node);
  }

  void node(int depth, const IntegerLiteral& node) {
    line(depth, "integer " + std::to_string(node.value) + (node.is_unsigned ? " unsigned" : ""));
  }
  void node(int depth, const StringLiteral& node) { line(depth, "string " + quoted(node.value)); }
  void node(int depth, const Identifier& node) { line(depth, "identifier " + node.name); }
  void node(int depth, const FieldAccess& node) {
    line(depth, "field " + node.field + (node.dot_spelling ? " (args.)" : ""));
  }
  void node(int depth, const Variable& node) { line(depth, "variable " + spelling(node.scope, node.name)); }
  void node(int depth, const MacroArgument& node) { line(depth, "macro $" + node.name); }
  void node(int depth, const AggregationRef& node) { line(depth, "aggregation @" + node.name); }
  void node(int depth, const Index& node) {
    line(depth, "index");
    child(depth + 1, node.base);
    for (const ExprPtr& key : node.keys) child(depth + 1, key);
  }
  void node(int depth, const Call& node) {
    line(depth, "call " + node.name);
    for (const ExprPtr& argument : node.arguments) child(depth + 1, argument);
  }
  void node(int depth, const Unary& node) {
    line(depth, "unary " + std::string(spelling(node.op)));
    child(depth + 1, node.operand);
  }
  void node(int depth, const Binary& node) {
    line(depth, "binary " + std::string(spelling(node.op)));
    child(depth + 1, node.left);
    child(depth + 1, node.right);
  }
  void node(int depth, const Conditional& node) {
    line(depth, "conditional");
    child(depth + 1, node.condition);
    child(depth + 1, node.if_true);
    child(depth + 1, node.if_false);
  }
  void node(int depth, const Cast& node) {
    line(depth, "cast " + node.type_name + " (" + to_string(node.target) + ")");
    child(depth + 1, node.operand);
  }
  void node(int depth, const Assign& node) {
    line(depth, "assign " + std::string(spelling(node.op)));
    child(depth + 1, node.target);
    child(depth + 1, node.value);
  }
  void node(int depth, const IncDec& node) {
    line(depth, std::string(node.prefix ? "prefix " : "postfix ") + (node.increment ? "++" : "--"));
    child(depth + 1, node.target);
  }

  std::string out_;
};

}  // namespace

std::string dump(const Program& program) {
  Dumper dumper;
  dumper.program(program);
  return dumper.take();
}

std::string_view spelling(UnaryOp op) { return spelling_of(op); }
std::string_view spelling(BinaryOp op) { return spelling_of(op); }
std::string_view spelling(AssignOp op) { return spelling_of(op); }

std::string spelling(VariableScope scope, const std::string& name) {
  switch (scope) {
    case VariableScope::Global: return name;
    case VariableScope::Thread: return "self->" + name;
    case VariableScope::Clause: return "this->" + name;
    case VariableScope::Scratch: return "$" + name;
    case VariableScope::Map: return "@" + name;
  }
  return name;
}

}  // namespace probity::compiler::ast
