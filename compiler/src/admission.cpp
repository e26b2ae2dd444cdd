#include "probity/compiler/admission.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <set>
#include <string>

#include "builtins.hpp"
#include "filter_verify.hpp"
#include "passes/context.hpp"

namespace probity::compiler {
namespace {

using stability::Attributes;
using stability::Threshold;

// What the catalogue says of an event it does not describe.
constexpr Attributes undocumented{stability::Level::Private, stability::Level::Private,
                                  stability::DependencyClass::Unknown};

// Names the kernel's filter parser resolves without an event field of that
// name: the recording CPU and current->comm, which are D's cpu and execname.
constexpr std::string_view generic_filter_fields[] = {"CPU", "cpu", "common_cpu", "COMM", "comm"};

std::string event_name(const EventUse& event) { return event.provider + ":" + event.name; }

// Calls visit(element, attributes) for every built-in variable, function and
// aggregating function `clause` uses: Probity's own vocabulary, whose
// attributes are Probity's and not the object's.
template <typename Visit>
void visit_language_uses(const Program& program, const Clause& clause, Visit&& visit) {
  for (const Node& node : clause.nodes) {
    if (node.op == Op::Builtin) {
      const BuiltinInfo& info = builtin_info(static_cast<Builtin>(node.symbol));
      visit("built-in " + std::string(info.name), info.attributes);
    } else if (node.op == Op::Call) {
      const FunctionInfo& info = function_info(static_cast<Function>(node.symbol));
      visit("function " + std::string(info.name) + "()", info.attributes);
    }
  }
  const auto statements = [&](const auto& self, const std::vector<Statement>& body) -> void {
    for (const Statement& statement : body) {
      if (statement.kind == Statement::Kind::Aggregate) {
        const FunctionInfo& info = function_info(program.aggregations[statement.aggregation].function);
        visit("function " + std::string(info.name) + "()", info.attributes);
      }
      self(self, statement.then_body);
      self(self, statement.else_body);
    }
  };
  statements(statements, clause.body);
}

// Every bare word of a tracefs filter outside its quotes: the fields it
// compares and any unquoted value, which the kernel may also take as a field.
// Numbers (a leading digit) are not words.
std::vector<std::string> filter_words(std::string_view filter) {
  std::vector<std::string> words;
  const auto word_character = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  std::size_t at = 0;
  while (at < filter.size()) {
    const char c = filter[at];
    if (c == '"' || c == '\'') {  // the kernel's quotes have no escapes
      const std::size_t close = filter.find(c, at + 1);
      at = close == std::string_view::npos ? filter.size() : close + 1;
    } else if (word_character(c)) {
      const std::size_t begin = at;
      while (at < filter.size() && word_character(filter[at])) ++at;
      if (std::isdigit(static_cast<unsigned char>(c)) == 0) words.emplace_back(filter.substr(begin, at - begin));
    } else {
      ++at;
    }
  }
  return words;
}

class ObjectAdmission {
 public:
  ObjectAdmission(const Program& program, const catalogue::Catalogue& host, const catalogue::SitePolicy* site,
                  std::string_view catalogue_name)
      : program_(program), admission_(host, site, program.settings.admission_bar()), catalogue_name_(catalogue_name) {}

  std::vector<std::string> problems() && {
    std::vector<bool> named(program_.events.size(), false);
    for (const Clause& clause : program_.clauses) {
      for (const ClauseProbe& probe : clause.probes) {
        if (probe.kind == ProbeKind::Tracepoint) named[probe.event] = true;
      }
    }
    for (std::size_t index = 0; index < program_.events.size(); ++index) check_event(program_.events[index], named[index]);
    for (const Clause& clause : program_.clauses) check_clause(clause);
    return std::move(problems_);
  }

 private:
  void add(std::string problem) {
    if (seen_.insert(problem).second) problems_.push_back(std::move(problem));
  }

  // `where` says whose attributes they are: " in the local catalogue", or
  // "" for Probity's own vocabulary.
  void report_below_bar(const std::string& element, const Attributes& attributes, const std::string& where) {
    const Threshold& threshold = admission_.bar().threshold;
    add(element + " is " + to_string(attributes) + where + ": below the threshold " +
        passes::threshold_text(threshold) + " the program was compiled with; to accept it, compile it again with -x amin=" +
        passes::accepting_amin(attributes, threshold));
  }

  void check_event(const EventUse& use, bool named) {
    const std::string name = event_name(use);
    const catalogue::EventVerdict verdict = admission_.event(use.provider, use.name);
    if (!verdict.catalogued()) {
      add("event " + name + " is not in " + catalogue_name_ +
          ", so it is not enabled; only catalogued probes run (probity -l lists them)");
      return;
    }
    const catalogue::Event& known = *verdict.event;
    if (verdict.forbidden) {
      add("event " + name + " is forbidden by " + catalogue_name_ + " (" + known.hazard.reason +
          "); it is never enabled, whatever the program or its options say");
    } else if (verdict.hazard_not_allowed) {
      const std::string kind(catalogue::to_string(known.hazard.level));
      add("event " + name + " is " + kind + " in " + catalogue_name_ + " (" + known.hazard.reason +
          ") and the program was not compiled with -x allow=" + kind + "; compile it again with that option to enable it");
    }
    if (verdict.site_rule) {
      add("event " + name + " is forbidden by " + verdict.site_rule->describe() +
          "; it is never enabled, whatever the program says");
    }
    // A support event no clause names is Probity's own, added only when it
    // met the policy; the fields it reads are the consumer's to check.
    if (named && verdict.below_bar) report_below_bar("probe " + name, verdict.attributes, " in " + catalogue_name_);
    if (!use.filter.empty()) check_filter(use, known);
  }

  // A field the program reads or filters on, by its name: in the catalogue,
  // allowed by the site policy, and stable enough.
  void check_field(const EventUse& use, const catalogue::Event& known, const std::string& field_name,
                   const std::string& how) {
    const std::string element = "field " + event_name(use) + "." + field_name;
    const catalogue::FieldVerdict verdict = admission_.field(known, field_name);
    if (!verdict.catalogued()) {
      add(element + " (" + how + ") is not in " + catalogue_name_ + ", so the program is not run; only catalogued fields are read");
      return;
    }
    if (verdict.site_rule) {
      add(element + " is forbidden by " + verdict.site_rule->describe() + "; the program is not run, whatever it says");
    }
    if (verdict.below_bar) report_below_bar(element, verdict.field->stability.value, " in " + catalogue_name_);
  }

  // The kernel filter is checked field by field as the clauses' reads are: a
  // filter on a field is a read of it, one bit per record.
  void check_filter(const EventUse& use, const catalogue::Event& known) {
    const std::string where = "the kernel filter of event " + event_name(use);
    // Its syntax and operators, against the layout the consumer compares
    // with the live format (compat: with the release's).
    catalogue::Event layout;
    layout.provider = use.provider;
    layout.name = use.name;
    const auto as_field = [](const FieldLayout& field_layout) {
      catalogue::Field field;
      field.layout = field_layout;
      return field;
    };
    std::transform(use.fields.begin(), use.fields.end(), std::back_inserter(layout.fields), as_field);
    std::vector<catalogue::Field> common;
    std::transform(program_.common_fields.begin(), program_.common_fields.end(), std::back_inserter(common), as_field);
    if (auto why = EventFilterVerifier(common, layout).check(use.filter)) {
      const std::string reason = why->substr(why->find_last_of('\n') + 1);
      add(where + " (" + use.filter + ") is not one Probity accepts: " + reason + "; it is not written to the kernel");
      return;
    }
    for (const std::string& word : filter_words(use.filter)) {
      const bool own = std::any_of(use.fields.begin(), use.fields.end(),
                                   [&](const FieldLayout& field) { return field.name == word; });
      const bool common_field = std::any_of(program_.common_fields.begin(), program_.common_fields.end(),
                                            [&](const FieldLayout& field) { return field.name == word; });
      if (own || common_field) {
        check_field(use, known, word, "which " + where + " compares");
      } else if (std::find(std::begin(generic_filter_fields), std::end(generic_filter_fields), word) ==
                 std::end(generic_filter_fields)) {
        add(where + " (" + use.filter + ") names " + word +
            ", which is neither a field of the event nor the kernel's CPU or COMM; it is not written to the kernel");
      }
    }
  }

  void check_clause(const Clause& clause) {
    for (const ClauseProbe& probe : clause.probes) {
      if (probe.kind != ProbeKind::Tracepoint) continue;
      const EventUse& use = program_.events[probe.event];
      const catalogue::Event* known = admission_.catalogue().find_event(use.provider, use.name);
      if (known == nullptr) continue;  // check_event said so
      for (const std::string& slot : clause.field_slots) {
        check_field(use, *known, slot, "read by the clause at line " + std::to_string(clause.line));
      }
    }
    visit_language_uses(program_, clause, [&](const std::string& element, const Attributes& attributes) {
      const catalogue::LanguageVerdict verdict = admission_.language(attributes);
      if (verdict.below_bar) report_below_bar(element, attributes, "");
      if (verdict.site_rule) {
        add(element + " is " + to_string(attributes) + ", below the minimum of " + verdict.site_rule->describe() +
            "; the program is not run, whatever it says");
      }
    });
  }

  const Program& program_;
  catalogue::Admission admission_;
  std::string catalogue_name_;
  std::vector<std::string> problems_;
  std::set<std::string> seen_;
};

}  // namespace

std::vector<std::string> admission_problems(const Program& program, const catalogue::Catalogue& host,
                                            const catalogue::SitePolicy* site, std::string_view catalogue_name) {
  return ObjectAdmission(program, host, site, catalogue_name).problems();
}

void restate_stability(Program& program, const catalogue::Catalogue& host) {
  std::vector<const catalogue::Event*> known(program.events.size());
  for (std::size_t index = 0; index < program.events.size(); ++index) {
    EventUse& use = program.events[index];
    known[index] = host.find_event(use.provider, use.name);
    use.stability = known[index] != nullptr ? catalogue::probe_attributes(host, *known[index]) : undocumented;
    if (known[index] != nullptr) use.hazard = known[index]->hazard.level;
  }
  program.stability = {};
  for (Clause& clause : program.clauses) {
    StabilityReport report;
    for (const ClauseProbe& probe : clause.probes) {
      if (probe.kind != ProbeKind::Tracepoint) {
        report.probe_description = stability::minimum(report.probe_description, passes::special_probe_attributes);
        continue;
      }
      report.probe_description = stability::minimum(report.probe_description, program.events[probe.event].stability);
      const catalogue::Event* event = known[probe.event];
      for (const std::string& slot : clause.field_slots) {
        const catalogue::Field* field = event != nullptr ? catalogue::find_event_or_common_field(host, *event, slot) : nullptr;
        report.statement = stability::minimum(report.statement, field != nullptr ? field->stability.value : undocumented);
      }
    }
    visit_language_uses(program, clause, [&](const std::string&, const Attributes& attributes) {
      report.statement = stability::minimum(report.statement, attributes);
    });
    clause.stability = report;
    program.stability.probe_description =
        stability::minimum(program.stability.probe_description, report.probe_description);
    program.stability.statement = stability::minimum(program.stability.statement, report.statement);
  }
}

}  // namespace probity::compiler
