#include "target_prefilter.hpp"

#include <algorithm>

namespace probity::consumer {
namespace {

using compiler::BinaryOperator;
using compiler::Builtin;
using compiler::Clause;
using compiler::Node;
using compiler::Op;

bool is_builtin(const Clause& clause, std::uint32_t index, Builtin builtin) {
  const Node& node = clause.nodes.at(index);
  return node.op == Op::Builtin && node.symbol == static_cast<std::uint32_t>(builtin);
}

bool is_binary(const Node& node, BinaryOperator binary) {
  return node.op == Op::Binary && node.sub == static_cast<std::uint8_t>(binary) && node.children.size() == 2;
}

bool requires_target_pid(const Clause& clause, std::uint32_t index) {
  const Node& node = clause.nodes.at(index);
  if (is_binary(node, BinaryOperator::LogicalAnd)) {
    return requires_target_pid(clause, node.children[0]) || requires_target_pid(clause, node.children[1]);
  }
  if (!is_binary(node, BinaryOperator::Equal)) return false;
  const auto [left, right] = std::pair(node.children[0], node.children[1]);
  return (is_builtin(clause, left, Builtin::Pid) && is_builtin(clause, right, Builtin::Target)) ||
         (is_builtin(clause, left, Builtin::Target) && is_builtin(clause, right, Builtin::Pid));
}

bool on_events(const Clause& clause) {
  return std::any_of(clause.probes.begin(), clause.probes.end(),
                     [](const compiler::ClauseProbe& probe) { return probe.kind == compiler::ProbeKind::Tracepoint; });
}

}  // namespace

bool keeps_only_target_records(const compiler::Program& program) {
  bool any = false;
  for (const Clause& clause : program.clauses) {
    if (!on_events(clause)) continue;
    if (!clause.predicate || !requires_target_pid(clause, *clause.predicate)) return false;
    any = true;
  }
  return any;
}

}  // namespace probity::consumer
