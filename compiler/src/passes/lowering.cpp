// The annotated AST into a Program: the events to enable with their layouts
// and kernel filters, and each clause as a flat typed expression tree whose
// nodes come children first (the object reader relies on it).
#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

using ast::Expr;

// The parser's operators as the object format's codes (program.hpp).
UnaryOperator object_operator(ast::UnaryOp op) {
  switch (op) {
    case ast::UnaryOp::Negate: return UnaryOperator::Negate;
    case ast::UnaryOp::Plus: return UnaryOperator::Plus;
    case ast::UnaryOp::LogicalNot: return UnaryOperator::LogicalNot;
    case ast::UnaryOp::BitNot: return UnaryOperator::BitNot;
  }
  return UnaryOperator::Negate;
}

BinaryOperator object_operator(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Multiply: return BinaryOperator::Multiply;
    case ast::BinaryOp::Divide: return BinaryOperator::Divide;
    case ast::BinaryOp::Modulo: return BinaryOperator::Modulo;
    case ast::BinaryOp::Add: return BinaryOperator::Add;
    case ast::BinaryOp::Subtract: return BinaryOperator::Subtract;
    case ast::BinaryOp::ShiftLeft: return BinaryOperator::ShiftLeft;
    case ast::BinaryOp::ShiftRight: return BinaryOperator::ShiftRight;
    case ast::BinaryOp::Less: return BinaryOperator::Less;
    case ast::BinaryOp::LessEqual: return BinaryOperator::LessEqual;
    case ast::BinaryOp::Greater: return BinaryOperator::Greater;
    case ast::BinaryOp::GreaterEqual: return BinaryOperator::GreaterEqual;
    case ast::BinaryOp::Equal: return BinaryOperator::Equal;
    case ast::BinaryOp::NotEqual: return BinaryOperator::NotEqual;
    case ast::BinaryOp::Glob: return BinaryOperator::Glob;
    case ast::BinaryOp::BitAnd: return BinaryOperator::BitAnd;
    case ast::BinaryOp::BitXor: return BinaryOperator::BitXor;
    case ast::BinaryOp::BitOr: return BinaryOperator::BitOr;
    case ast::BinaryOp::LogicalAnd: return BinaryOperator::LogicalAnd;
    case ast::BinaryOp::LogicalXor: return BinaryOperator::LogicalXor;
    case ast::BinaryOp::LogicalOr: return BinaryOperator::LogicalOr;
  }
  return BinaryOperator::Add;
}

AssignOperator object_operator(ast::AssignOp op) {
  switch (op) {
    case ast::AssignOp::Assign: return AssignOperator::Assign;
    case ast::AssignOp::Add: return AssignOperator::Add;
    case ast::AssignOp::Subtract: return AssignOperator::Subtract;
    case ast::AssignOp::Multiply: return AssignOperator::Multiply;
    case ast::AssignOp::Divide: return AssignOperator::Divide;
    case ast::AssignOp::Modulo: return AssignOperator::Modulo;
    case ast::AssignOp::ShiftLeft: return AssignOperator::ShiftLeft;
    case ast::AssignOp::ShiftRight: return AssignOperator::ShiftRight;
    case ast::AssignOp::BitAnd: return AssignOperator::BitAnd;
    case ast::AssignOp::BitXor: return AssignOperator::BitXor;
    case ast::AssignOp::BitOr: return AssignOperator::BitOr;
  }
  return AssignOperator::Assign;
}

std::uint8_t code(auto object_operator) { return static_cast<std::uint8_t>(object_operator); }

class Lowering {
 public:
  explicit Lowering(Context& context) : context_(context) {}

  Program run() {
    program_.catalogue_release = context_.catalogue.release;
    program_.catalogue_hash = context_.compile_options.catalogue_hash;
    program_.machine = context_.catalogue.machine;
    program_.source_name = context_.source.name;
    for (const auto& common : context_.catalogue.common_fields) program_.common_fields.push_back(common.layout);
    program_.variables = context_.variables;
    program_.aggregations = context_.aggregations;
    program_.settings = context_.settings;
    program_.macro_argument_count = context_.macro_argument_count;
    collect_events();
    for (std::size_t index = 0; index < context_.program.clauses.size(); ++index) {
      program_.clauses.push_back(lower_clause(context_.program.clauses[index], context_.clauses[index]));
    }
    assign_filters();
    program_.stability = {};
    for (const Clause& clause : program_.clauses) {
      program_.stability.probe_description =
          stability::minimum(program_.stability.probe_description, clause.stability.probe_description);
      program_.stability.statement = stability::minimum(program_.stability.statement, clause.stability.statement);
    }
    return std::move(program_);
  }

 private:
  void collect_events() {
    std::vector<const catalogue::Event*> events;
    for (const ClauseInfo& info : context_.clauses) events.insert(events.end(), info.events.begin(), info.events.end());
    std::sort(events.begin(), events.end(), [](const catalogue::Event* a, const catalogue::Event* b) {
      return std::tie(a->provider, a->name) < std::tie(b->provider, b->name);
    });
    events.erase(std::unique(events.begin(), events.end()), events.end());
    for (const catalogue::Event* event : events) {
      event_ids_[event] = static_cast<std::uint32_t>(program_.events.size());
      EventUse use;
      use.provider = event->provider;
      use.name = event->name;
      for (const auto& field : event->fields) use.fields.push_back(field.layout);
      use.stability = event->stability.value;
      use.hazard = event->hazard.level;
      use.usdt = event->usdt;
      program_.events.push_back(std::move(use));
    }
  }

  // One filter per event: a clause's own pushed-down part when it is the only
  // clause of the event; the disjunction when every clause of the event has
  // one (each clause then re-checks its whole predicate); none otherwise.
  void assign_filters() {
    std::vector<std::vector<std::pair<std::size_t, std::size_t>>> users(program_.events.size());
    for (std::size_t c = 0; c < program_.clauses.size(); ++c) {
      for (std::size_t p = 0; p < program_.clauses[c].probes.size(); ++p) {
        const ClauseProbe& probe = program_.clauses[c].probes[p];
        if (probe.kind == ProbeKind::Tracepoint) users[probe.event].push_back({c, p});
      }
    }
    for (std::size_t e = 0; e < program_.events.size(); ++e) {
      const auto& clauses = users[e];
      bool all_filtered = !clauses.empty();
      for (const auto& [c, p] : clauses) all_filtered = all_filtered && !context_.clauses[c].kernel_filter.empty();
      if (!all_filtered) continue;
      if (clauses.size() == 1) {
        program_.events[e].filter = context_.clauses[clauses.front().first].kernel_filter;
        program_.clauses[clauses.front().first].probes[clauses.front().second].filter_is_own = true;
        continue;
      }
      std::string filter;
      for (const auto& [c, p] : clauses) {
        filter += (filter.empty() ? "(" : " || (") + context_.clauses[c].kernel_filter + ")";
      }
      program_.events[e].filter = filter;
    }
    for (std::size_t c = 0; c < program_.clauses.size(); ++c) {
      for (std::size_t p = 0; p < program_.clauses[c].probes.size(); ++p) {
        const ClauseProbe& probe = program_.clauses[c].probes[p];
        if (probe.kind == ProbeKind::Tracepoint && context_.clauses[c].calls_stack) {
          program_.events[probe.event].stack_trigger = true;
        }
      }
    }
  }

  Clause lower_clause(const ast::Clause& clause, const ClauseInfo& info) {
    Clause lowered;
    clause_ = &lowered;
    for (std::size_t i = 0; i < clause.probes.size(); ++i) {
      lowered.description += (i == 0 ? "" : ", ") + clause.probes[i].text;
    }
    lowered.line = clause.span.begin.line;
    lowered.field_slots = info.field_slots;
    for (const ast::ProbeDescription* special : info.specials) {
      ClauseProbe probe;
      switch (special->kind) {
        case ast::ProbeKind::Begin: probe.kind = ProbeKind::Begin; break;
        case ast::ProbeKind::End: probe.kind = ProbeKind::End; break;
        case ast::ProbeKind::Error: probe.kind = ProbeKind::Error; break;
        case ast::ProbeKind::Tick:
        case ast::ProbeKind::Tracepoint: probe.kind = ProbeKind::Tick; break;
      }
      probe.period_ns = special->period_ns;
      lowered.probes.push_back(probe);
    }
    for (const catalogue::Event* event : info.events) {
      ClauseProbe probe;
      probe.kind = ProbeKind::Tracepoint;
      probe.event = event_ids_.at(event);
      for (const std::string& slot : info.field_slots) probe.fields.push_back(field_ref(*event, slot));
      lowered.probes.push_back(probe);
    }
    if (clause.predicate) {
      lowered.predicate = lower(*clause.predicate);
      if (info.kernel_filter.empty()) {
        lowered.residual = lowered.predicate;
      } else if (!info.residual.empty()) {
        std::uint32_t residual = lower(*info.residual.front());
        for (std::size_t i = 1; i < info.residual.size(); ++i) {
          const std::uint32_t right = lower(*info.residual[i]);
          residual = emit({Op::Binary, code(BinaryOperator::LogicalAnd), ValueType::int64(), 0, 0,
                           {residual, right}});
        }
        lowered.residual = residual;
      }
    }
    lowered.body = lower_statements(clause.body);
    for (const StabilityUse& use : info.uses) {
      auto& target = use.probe_description ? lowered.stability.probe_description : lowered.stability.statement;
      target = stability::minimum(target, use.attributes);
    }
    return lowered;
  }

  FieldRef field_ref(const catalogue::Event& event, const std::string& name) const {
    for (std::size_t i = 0; i < event.fields.size(); ++i) {
      if (event.fields[i].layout.name == name) return {false, static_cast<std::uint32_t>(i)};
    }
    for (std::size_t i = 0; i < context_.catalogue.common_fields.size(); ++i) {
      if (context_.catalogue.common_fields[i].layout.name == name) return {true, static_cast<std::uint32_t>(i)};
    }
    return {};  // unreachable after field resolution
  }

  std::vector<Statement> lower_statements(const ast::StatementList& statements) {
    std::vector<Statement> lowered;
    for (const ast::Statement& statement : statements) {
      Statement out;
      out.line = statement.span.begin.line;
      if (const auto* expression = std::get_if<ast::ExpressionStatement>(&statement.node)) {
        if (!expression->expression) continue;
        if (lower_aggregation(*expression->expression, out)) {
          lowered.push_back(std::move(out));
          continue;
        }
        out.kind = Statement::Kind::Evaluate;
        out.expression = lower(*expression->expression);
      } else if (const auto* branch = std::get_if<ast::IfStatement>(&statement.node)) {
        out.kind = Statement::Kind::If;
        out.expression = lower(*branch->condition);
        out.then_body = lower_statements(branch->then_body);
        out.else_body = lower_statements(branch->else_body);
      }
      lowered.push_back(std::move(out));
    }
    return lowered;
  }

  bool lower_aggregation(const Expr& expr, Statement& out) {
    const auto* assign = std::get_if<ast::Assign>(&expr.node);
    if (assign == nullptr || assign->target->resolved.aggregation < 0) return false;
    out.kind = Statement::Kind::Aggregate;
    out.aggregation = static_cast<std::uint32_t>(assign->target->resolved.aggregation);
    if (const auto* index = std::get_if<ast::Index>(&assign->target->node)) {
      for (const auto& key : index->keys) out.keys.push_back(lower(*key));
    }
    const auto& call = std::get<ast::Call>(assign->value->node);
    if (!call.arguments.empty()) out.arguments.push_back(lower(*call.arguments.front()));
    return true;
  }

  std::uint32_t emit(Node node) {
    clause_->nodes.push_back(std::move(node));
    return static_cast<std::uint32_t>(clause_->nodes.size() - 1);
  }

  std::uint32_t string_id(const std::string& text) {
    const auto [found, inserted] = string_ids_.try_emplace(text, static_cast<std::uint32_t>(program_.strings.size()));
    if (inserted) program_.strings.push_back(text);
    return found->second;
  }

  static std::uint32_t u32(std::int32_t value) { return static_cast<std::uint32_t>(value); }

  // The keys of an lvalue and its variable.
  std::pair<std::uint32_t, std::vector<std::uint32_t>> lvalue(const Expr& target) {
    std::vector<std::uint32_t> keys;
    if (const auto* index = std::get_if<ast::Index>(&target.node)) {
      for (const auto& key : index->keys) keys.push_back(lower(*key));
    }
    return {u32(target.resolved.variable), keys};
  }

  std::uint32_t lower(const Expr& expr) {
    const ValueType type = expr.resolved.type;
    return std::visit(
        [&](const auto& node) -> std::uint32_t {
          using N = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<N, ast::IntegerLiteral>) {
            return emit({Op::Integer, 0, type, 0, static_cast<std::int64_t>(node.value), {}});
          } else if constexpr (std::is_same_v<N, ast::StringLiteral>) {
            return emit({Op::String, 0, type, string_id(node.value), 0, {}});
          } else if constexpr (std::is_same_v<N, ast::Identifier>) {
            if (expr.resolved.builtin >= 0) return emit({Op::Builtin, 0, type, u32(expr.resolved.builtin), 0, {}});
            return emit({Op::Load, 0, type, u32(expr.resolved.variable), 0, {}});
          } else if constexpr (std::is_same_v<N, ast::FieldAccess>) {
            const std::uint32_t field = emit({Op::Field, 0, type, u32(expr.resolved.field_slot), 0, {}});
            if (!expr.resolved.print_name) return field;
            return emit({Op::Call, 0, ValueType::string(), static_cast<std::uint32_t>(Function::ValueName), 0, {field}});
          } else if constexpr (std::is_same_v<N, ast::Variable>) {
            return emit({Op::Load, 0, type, u32(expr.resolved.variable), 0, {}});
          } else if constexpr (std::is_same_v<N, ast::MacroArgument>) {
            return emit({Op::Builtin, 0, type, static_cast<std::uint32_t>(Builtin::Target), 0, {}});
          } else if constexpr (std::is_same_v<N, ast::AggregationRef>) {
            if (expr.resolved.aggregation >= 0) {
              return emit({Op::AggregationRef, 0, type, u32(expr.resolved.aggregation), 0, {}});
            }
            return emit({Op::Load, 0, type, u32(expr.resolved.variable), 0, {}});
          } else if constexpr (std::is_same_v<N, ast::Index>) {
            if (std::holds_alternative<ast::FieldAccess>(node.base->node)) {
              const std::uint32_t index = lower(*node.keys.front());
              return emit({Op::Element, 0, type, u32(node.base->resolved.field_slot), 0, {index}});
            }
            std::vector<std::uint32_t> keys;
            for (const auto& key : node.keys) keys.push_back(lower(*key));
            return emit({Op::Load, 0, type, u32(expr.resolved.variable), 0, keys});
          } else if constexpr (std::is_same_v<N, ast::Call>) {
            std::vector<std::uint32_t> arguments;
            for (const auto& argument : node.arguments) arguments.push_back(lower(*argument));
            return emit({Op::Call, 0, type, u32(expr.resolved.function), 0, arguments});
          } else if constexpr (std::is_same_v<N, ast::Unary>) {
            const std::uint32_t operand = lower(*node.operand);
            return emit({Op::Unary, code(object_operator(node.op)), type, 0, 0, {operand}});
          } else if constexpr (std::is_same_v<N, ast::Binary>) {
            const std::uint32_t left = lower(*node.left);
            const std::uint32_t right = lower(*node.right);
            return emit({Op::Binary, code(object_operator(node.op)), type, 0, 0, {left, right}});
          } else if constexpr (std::is_same_v<N, ast::Conditional>) {
            const std::uint32_t condition = lower(*node.condition);
            const std::uint32_t if_true = lower(*node.if_true);
            const std::uint32_t if_false = lower(*node.if_false);
            return emit({Op::Conditional, 0, type, 0, 0, {condition, if_true, if_false}});
          } else if constexpr (std::is_same_v<N, ast::Cast>) {
            const std::uint32_t operand = lower(*node.operand);
            return emit({Op::Cast, 0, node.target, 0, 0, {operand}});
          } else if constexpr (std::is_same_v<N, ast::Assign>) {
            auto [variable, children] = lvalue(*node.target);
            children.push_back(lower(*node.value));
            return emit({Op::Store, code(object_operator(node.op)), type, variable, 0, children});
          } else if constexpr (std::is_same_v<N, ast::IncDec>) {
            auto [variable, children] = lvalue(*node.target);
            const auto sub = static_cast<std::uint8_t>((node.increment ? 1 : 0) | (node.prefix ? 2 : 0));
            return emit({Op::IncDec, sub, type, variable, 0, children});
          }
        },
        expr.node);
  }

  Context& context_;
  Program program_;
  Clause* clause_ = nullptr;
  std::map<const catalogue::Event*, std::uint32_t> event_ids_;
  std::map<std::string, std::uint32_t> string_ids_;
};

}  // namespace

Program lower(Context& context) { return Lowering(context).run(); }

}  // namespace probity::compiler::passes
