// What the passes share while compiling one program: the AST they annotate,
// the target catalogue, the diagnostics, and what each pass leaves for the
// next. Passes run in the order of compile.hpp; each reads what earlier
// passes wrote and never reaches back to change it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "probity/catalogue/admission.hpp"
#include "probity/catalogue/model.hpp"
#include "probity/compiler/ast.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/compiler/diagnostic.hpp"
#include "probity/compiler/program.hpp"
#include "probity/compiler/source.hpp"
#include "probity/stability.hpp"

namespace probity::compiler::passes {

// The policy a program is held to: from the defaults, #pragma D option and
// -x, the later overriding the earlier.
struct Policy {
  catalogue::AdmissionBar bar;
  std::string threshold_origin = "the default";  // "-x amin=Unstable", "#pragma D option amin=Unstable"
};

// One use of something that has a stability attribute.
struct StabilityUse {
  std::string element;          // "probe sched:sched_switch", "field sched:sched_switch.prev_comm", "built-in walltimestamp"
  stability::Attributes attributes;
  std::string rationale;        // why it has these attributes, when known
  Span span;                    // where the program uses it
  bool probe_description = false;  // counts towards the probe-description minimum
};

// A clause's expanded probes and resolved symbols.
struct ClauseInfo {
  std::vector<const catalogue::Event*> events;  // the tracepoints it enables, (provider, name) order
  std::vector<Span> event_spans;                 // the description that matched each event
  std::vector<bool> event_named;                 // named exactly rather than matched by a glob
  std::vector<const ast::ProbeDescription*> specials;  // BEGIN, END, tick
  // args->NAME slots, in first-use order; common_* names resolve to common fields.
  std::vector<std::string> field_slots;
  bool calls_stack = false;
  std::vector<StabilityUse> uses;

  // Filter pushdown: the predicate's conjuncts the kernel evaluates (as one
  // tracefs filter string, the same for every event of the clause since
  // events are matched by field name) and those left for user space.
  std::string kernel_filter;                 // "" when nothing was pushed down
  std::vector<const ast::Expr*> pushed;      // conjuncts in kernel_filter
  std::vector<const ast::Expr*> residual;    // conjuncts evaluated in user space
};

// The program's variables and aggregations by name: what type inference
// found, for type checking.
struct Symbols {
  // (scope, clause for a scratch variable and 0 otherwise, name) -> index in Context::variables.
  std::map<std::tuple<VariableScope, std::size_t, std::string>, int> variables;
  std::set<int> declared;  // declared with a type
  std::set<int> assigned;  // assigned somewhere in the program
  std::map<std::string, int> aggregations;    // name without the @ -> index in Context::aggregations
  std::vector<Span> aggregation_first_spans;  // where each aggregation is first assigned

  int find_variable(VariableScope scope, std::size_t clause, const std::string& name) const {
    const auto found = variables.find({scope, scope == VariableScope::Scratch ? clause : 0, name});
    return found == variables.end() ? -1 : found->second;
  }
  bool is_aggregation(const std::string& name) const { return aggregations.contains(name); }
};

// BEGIN, END and tick: Probity's own probes, as in DTrace.
inline constexpr stability::Attributes special_probe_attributes{stability::Level::Stable, stability::Level::Stable,
                                                                stability::DependencyClass::Common};

// "Evolving/Evolving/Unknown".
std::string threshold_text(const stability::Threshold& threshold);
// The -x amin value that would accept `attributes` ("Private", or a triple
// when the components differ).
std::string accepting_amin(const stability::Attributes& attributes, const stability::Threshold& threshold);

struct Context {
  const SourceFile& source;
  const catalogue::Catalogue& catalogue;
  const CompileOptions& compile_options;
  Diagnostics& diagnostics;
  ast::Program& program;

  Policy policy;
  Settings settings;                    // #pragma D option and -x, parsed, for the consumer
  std::vector<ClauseInfo> clauses;      // parallel to program.clauses
  std::vector<Variable> variables;      // from type inference; type checking adds their keys
  std::vector<Aggregation> aggregations;  // from type inference; type checking adds keys and parameters
  std::size_t macro_argument_count = 0;
  Symbols symbols;                      // from type inference

  // The admission rule under the policy as the options pass left it.
  catalogue::Admission admission() const { return {catalogue, compile_options.site_policy, policy.bar}; }
};

}  // namespace probity::compiler::passes
