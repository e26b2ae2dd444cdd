#include "delivery_order.hpp"

#include <algorithm>

namespace probity::consumer {

namespace {

using compiler::Function;
using compiler::Op;
using compiler::Statement;

// Calls whose result depends only on their arguments and the record.
bool is_pure(Function function) {
  switch (function) {
    case Function::Stack:
    case Function::Strlen:
    case Function::Strjoin:
    case Function::Substr:
    case Function::Strstr:
    case Function::Str:
    case Function::Lltostr:
    case Function::ValueName:
      return true;
    default:
      return false;
  }
}

// Reads or writes state another record may change, or has an effect
// (output, exit, clearing an aggregation) whose place in time matters.
bool depends_on_order(const compiler::Node& node) {
  switch (node.op) {
    case Op::Load:
    case Op::Store:
    case Op::IncDec:
      return true;
    case Op::Call:
      return !is_pure(static_cast<Function>(node.symbol));
    default:
      return false;
  }
}

bool statements_commute(const std::vector<Statement>& statements) {
  return std::all_of(statements.begin(), statements.end(), [](const Statement& statement) {
    switch (statement.kind) {
      case Statement::Kind::Aggregate: return true;
      case Statement::Kind::If:
        return statements_commute(statement.then_body) && statements_commute(statement.else_body);
      case Statement::Kind::Evaluate: return false;
    }
    return false;
  });
}

bool on_tracepoint(const compiler::Clause& clause) {
  return std::any_of(clause.probes.begin(), clause.probes.end(),
                     [](const compiler::ClauseProbe& probe) { return probe.kind == compiler::ProbeKind::Tracepoint; });
}

}  // namespace

bool needs_ordered_delivery(const compiler::Program& program) {
  // A task renamed on one CPU and then traced on another must be seen renamed.
  const bool tracks_names = std::any_of(program.events.begin(), program.events.end(),
                                        [](const compiler::EventUse& event) { return event.support; });
  if (tracks_names) return true;
  return std::any_of(program.clauses.begin(), program.clauses.end(), [](const compiler::Clause& clause) {
    if (!on_tracepoint(clause)) return false;
    return !statements_commute(clause.body) || std::any_of(clause.nodes.begin(), clause.nodes.end(), depends_on_order);
  });
}

}  // namespace probity::consumer
