// The -v reports: stability in DTrace's shape, and the kernel filters.
#include <string>

#include "probity/compiler/compile.hpp"

namespace probity::compiler {
namespace {

void attributes_block(std::string& out, std::string_view title, const stability::Attributes& attributes) {
  out += "\t";
  out += title;
  out += "\n\t\tIdentifier Names: ";
  out += to_string(attributes.name);
  out += "\n\t\tData Semantics:   ";
  out += to_string(attributes.data);
  out += "\n\t\tDependency Class: ";
  out += to_string(attributes.dependency_class);
  out += "\n";
}

void report_block(std::string& out, const std::string& heading, const StabilityReport& report) {
  out += heading + "\n\n";
  attributes_block(out, "Minimum Probe Description Attributes", report.probe_description);
  out += "\n";
  attributes_block(out, "Minimum Statement Attributes", report.statement);
}

}  // namespace

std::string stability_report(const Program& program, bool per_clause) {
  std::string out;
  report_block(out, "Stability attributes for script " + program.source_name + ":", program.stability);
  if (!per_clause) return out;
  for (const Clause& clause : program.clauses) {
    out += "\n";
    report_block(out, "Stability attributes for description " + clause.description + ":", clause.stability);
  }
  return out;
}

std::string filter_report(const Program& program) {
  std::string out = "Kernel filters (evaluated by tracefs before a record is written):\n";
  if (program.events.empty()) return out + "\t(no tracepoints)\n";
  for (const EventUse& event : program.events) {
    out += "\t" + event.provider + ":" + event.name + ": " + (event.filter.empty() ? "(none)" : event.filter) +
           (event.support ? " [support event: task names for execname and pid]" : "") + "\n";
  }
  for (const Clause& clause : program.clauses) {
    if (!clause.predicate) continue;
    bool all_own = !clause.probes.empty();
    bool shared_filter = false;
    for (const ClauseProbe& probe : clause.probes) {
      all_own = all_own && probe.filter_is_own;
      shared_filter = shared_filter || (probe.kind == ProbeKind::Tracepoint && !probe.filter_is_own &&
                                        !program.events.at(probe.event).filter.empty());
    }
    // A clause that does not own its events' filters re-checks its whole
    // predicate in user space, whatever the kernel filter already did.
    const char* where = !all_own ? (shared_filter ? "in user space, after the kernel filter shared with other clauses"
                                                  : "in user space")
                        : !clause.residual                  ? "entirely in the kernel"
                        : clause.residual != clause.predicate ? "partly in the kernel, the rest in user space"
                                                              : "in user space";
    out += "Predicate of " + clause.description + " (line " + std::to_string(clause.line) + "): " + where + "\n";
  }
  return out;
}

}  // namespace probity::compiler
