// Support events: tracepoints the compiler enables so the consumer can name
// tasks as the kernel named them when a record was written. execname and pid
// looked up in /proc when a record is read are wrong for a task that has
// exec'd, renamed itself or exited since; task:task_newtask (a task is created,
// named after its parent, in its parent's thread group when CLONE_THREAD) and
// task:task_rename (a task's name changes, at every exec too) arrive in record
// order with everything else, so the consumer follows names exactly.
//
// They are added when a tracepoint clause reads execname or pid in user space
// (a predicate the kernel filter evaluates entirely reads the kernel's own
// comm), and only when both would be accepted if the program named them: in
// the catalogue and not forbidden, hazard allowed, probe and the fields the
// consumer reads at or above the stability threshold, nothing in the site
// policy against them. Otherwise the program is compiled as if they did not
// exist, and the consumer names tasks from /proc as before: a support event
// never makes a program fail.
#include <algorithm>
#include <array>
#include <functional>
#include <string_view>
#include <tuple>

#include "probity/catalogue/site_policy.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

struct SupportEvent {
  std::string_view provider;
  std::string_view name;
  std::array<std::string_view, 3> fields;  // the fields the consumer reads ("" pads)
  std::string_view optional_field;         // read when the release has it ("" for none)
};

// task_rename lost its pid field in Linux 6.14 (restored later): without it
// the consumer takes common_pid, the renaming task, which is the renamed one
// except when a thread renames another through /proc.
constexpr std::array support_events{
    SupportEvent{"task", "task_newtask", {"pid", "comm", "clone_flags"}, ""},
    SupportEvent{"task", "task_rename", {"newcomm", "", ""}, "pid"},
};

bool reads_task_identity(const Clause& clause) {
  std::vector<std::uint32_t> roots;
  bool traced = false;
  for (const ClauseProbe& probe : clause.probes) {
    if (probe.kind != ProbeKind::Tracepoint) continue;
    traced = true;
    // The part of the predicate the event's own kernel filter evaluates
    // never reaches user space.
    const std::optional<std::uint32_t>& evaluated = probe.filter_is_own ? clause.residual : clause.predicate;
    if (evaluated) roots.push_back(*evaluated);
  }
  if (!traced) return false;
  const std::function<void(const std::vector<Statement>&)> statements = [&](const std::vector<Statement>& body) {
    for (const Statement& statement : body) {
      if (statement.kind != Statement::Kind::Aggregate) roots.push_back(statement.expression);
      roots.insert(roots.end(), statement.keys.begin(), statement.keys.end());
      roots.insert(roots.end(), statement.arguments.begin(), statement.arguments.end());
      statements(statement.then_body);
      statements(statement.else_body);
    }
  };
  statements(clause.body);
  std::vector<bool> visited(clause.nodes.size());
  while (!roots.empty()) {
    const std::uint32_t index = roots.back();
    roots.pop_back();
    if (index >= clause.nodes.size() || visited[index]) continue;
    visited[index] = true;
    const Node& node = clause.nodes[index];
    if (node.op == Op::Builtin && (node.symbol == static_cast<std::uint32_t>(Builtin::Execname) ||
                                   node.symbol == static_cast<std::uint32_t>(Builtin::Pid))) {
      return true;
    }
    roots.insert(roots.end(), node.children.begin(), node.children.end());
  }
  return false;
}

// The event as the policy would take it if the program named it and read
// the fields the consumer reads; nullptr when anything refuses it.
const catalogue::Event* accepted(const Context& context, const SupportEvent& wanted) {
  const catalogue::Admission admission = context.admission();
  const catalogue::EventVerdict verdict = admission.event(wanted.provider, wanted.name);
  if (!verdict.admitted()) return nullptr;
  for (const std::string_view name : wanted.fields) {
    if (!name.empty() && !admission.field(*verdict.event, name).admitted()) return nullptr;
  }
  if (!wanted.optional_field.empty()) {
    const catalogue::FieldVerdict field = admission.field(*verdict.event, wanted.optional_field);
    if (field.catalogued() && !field.admitted()) return nullptr;
  }
  return verdict.event;
}

EventUse event_use(const catalogue::Event& event) {
  EventUse use;
  use.provider = event.provider;
  use.name = event.name;
  for (const auto& field : event.fields) use.fields.push_back(field.layout);
  use.stability = event.stability.value;
  use.hazard = event.hazard.level;
  use.support = true;
  return use;
}

// A support event the program also traces keeps its clauses; it loses its
// kernel filter, since the consumer needs every record of it, and its
// clauses evaluate their whole predicates in user space instead.
void mark_support(Program& program, std::size_t index) {
  EventUse& use = program.events[index];
  use.support = true;
  if (use.filter.empty()) return;
  use.filter.clear();
  for (Clause& clause : program.clauses) {
    for (ClauseProbe& probe : clause.probes) {
      if (probe.kind == ProbeKind::Tracepoint && probe.event == index) probe.filter_is_own = false;
    }
  }
}

}  // namespace

void add_support_events(Context& context, Program& program) {
  if (std::none_of(program.clauses.begin(), program.clauses.end(), reads_task_identity)) return;
  std::vector<const catalogue::Event*> events;
  for (const SupportEvent& wanted : support_events) {
    const catalogue::Event* event = accepted(context, wanted);
    if (event == nullptr) return;  // names from /proc, as without support events
    events.push_back(event);
  }
  for (const catalogue::Event* event : events) {
    const auto known = std::find_if(program.events.begin(), program.events.end(), [&](const EventUse& use) {
      return use.provider == event->provider && use.name == event->name;
    });
    if (known != program.events.end()) {
      mark_support(program, static_cast<std::size_t>(known - program.events.begin()));
    } else {
      program.events.push_back(event_use(*event));
    }
  }
  // Back to (provider, name) order, with the clauses' event indices following.
  std::vector<std::uint32_t> order(program.events.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(program.events[a].provider, program.events[a].name) <
           std::tie(program.events[b].provider, program.events[b].name);
  });
  std::vector<std::uint32_t> moved_to(order.size());
  std::vector<EventUse> sorted;
  sorted.reserve(order.size());
  for (std::uint32_t position = 0; position < order.size(); ++position) {
    moved_to[order[position]] = position;
    sorted.push_back(std::move(program.events[order[position]]));
  }
  program.events = std::move(sorted);
  for (Clause& clause : program.clauses) {
    for (ClauseProbe& probe : clause.probes) {
      if (probe.kind == ProbeKind::Tracepoint) probe.event = moved_to[probe.event];
    }
  }
}

}  // namespace probity::compiler::passes
