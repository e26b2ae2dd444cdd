// The compiler end to end: D source against a real catalogue release (the
// shipped index) or a small catalogue built here where a case needs data the
// shipped one does not have (a forbidden probe). Each rejection is checked by
// its tag, its place and what it tells the user to do.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/compiler/diagnostic_tags.hpp"
#include "probity/compiler/object.hpp"

namespace probity::compiler {
namespace {

using catalogue::Catalogue;

// The running machine's release is the one every Probity checkout catalogues.
constexpr const char* reference_release = "6.18.44-fc-v657";

const Catalogue& shipped() {
  static const Catalogue catalogue = catalogue::Index::open(PROBITY_INDEX_FILE).load(reference_release);
  return catalogue;
}

CompileResult compile_text(const std::string& text, CompileOptions options = {},
                           const Catalogue& catalogue = shipped()) {
  return compile(SourceFile{"test.d", text}, catalogue, options);
}

std::string all_diagnostics(const CompileResult& result, const std::string& text) {
  std::string out;
  for (const auto& diagnostic : result.diagnostics) out += render(diagnostic, SourceFile{"test.d", text});
  return out;
}

const Diagnostic* find_tag(const CompileResult& result, std::string_view tag) {
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.tag == tag) return &diagnostic;
  }
  return nullptr;
}

std::size_t count_tag(const CompileResult& result, std::string_view tag) {
  return static_cast<std::size_t>(std::count_if(result.diagnostics.begin(), result.diagnostics.end(),
                                                [&](const Diagnostic& d) { return d.tag == tag; }));
}

#define EXPECT_COMPILES(result, text) \
  ASSERT_TRUE((result).ok()) << all_diagnostics((result), (text))

TEST(Compile, CountsByCommandWithAnAggregation) {
  const std::string text = "sched:sched_switch { @[args->prev_comm] = count(); }";
  const auto result = compile_text(text);
  EXPECT_COMPILES(result, text);
  const Program& program = *result.program;
  ASSERT_EQ(program.events.size(), 1u);
  EXPECT_EQ(program.events[0].provider, "sched");
  EXPECT_EQ(program.events[0].name, "sched_switch");
  ASSERT_EQ(program.aggregations.size(), 1u);
  EXPECT_EQ(program.aggregations[0].name, "@");
  EXPECT_EQ(program.aggregations[0].function, AggregatingFunction::Count);
  ASSERT_EQ(program.aggregations[0].key_types.size(), 1u);
  EXPECT_EQ(program.aggregations[0].key_types[0].kind, ValueKind::String);
  ASSERT_EQ(program.clauses.size(), 1u);
  ASSERT_EQ(program.clauses[0].field_slots, std::vector<std::string>{"prev_comm"});
  ASSERT_EQ(program.clauses[0].probes.size(), 1u);
  const FieldRef ref = program.clauses[0].probes[0].fields.at(0);
  EXPECT_FALSE(ref.common);
  EXPECT_EQ(program.events[0].fields.at(ref.index).name, "prev_comm");
  EXPECT_EQ(program.catalogue_release, reference_release);
}

TEST(Compile, EventLayoutIsTheCataloguedOne) {
  const auto result = compile_text("sched:sched_switch { trace(args->next_pid); }");
  ASSERT_TRUE(result.ok());
  const auto* event = shipped().find_event("sched", "sched_switch");
  ASSERT_NE(event, nullptr);
  ASSERT_EQ(result.program->events[0].fields.size(), event->fields.size());
  for (std::size_t i = 0; i < event->fields.size(); ++i) {
    EXPECT_EQ(result.program->events[0].fields[i], event->fields[i].layout);
  }
}

TEST(Compile, ThreeSpellingsOfAProbeAreTheSameProbe) {
  for (const std::string description :
       {"sched:sched_switch", "sched:::sched_switch", "tracepoint:sched:sched_switch", "t:sched:sched_switch"}) {
    const std::string text = description + " { @ = count(); }";
    const auto result = compile_text(text);
    EXPECT_COMPILES(result, text);
    ASSERT_EQ(result.program->events.size(), 1u) << description;
    EXPECT_EQ(result.program->events[0].name, "sched_switch") << description;
  }
}

// Briefly: how many, and the option; the probes are its details, which -v prints.
TEST(Compile, GlobLeavesOutHotProbesWithAWarningNamingThem) {
  const std::string text = "syscalls:sys_enter_* { @[probename] = count(); }";
  const auto result = compile_text(text);
  EXPECT_COMPILES(result, text);
  const Diagnostic* warning = find_tag(result, "D_HAZARD_HOT");
  ASSERT_NE(warning, nullptr);
  EXPECT_EQ(warning->severity, Severity::Warning);
  EXPECT_EQ(warning->message.find("syscalls:sys_enter_futex"), std::string::npos) << warning->message;
  ASSERT_FALSE(warning->details.empty());
  EXPECT_TRUE(warning->details.front().starts_with("syscalls:sys_enter_futex: ")) << warning->details.front();
  EXPECT_NE(warning->hint.find("-x allow=hot"), std::string::npos);
  const SourceFile source{"test.d", text};
  EXPECT_EQ(render(*warning, source, {0, false}).find("sys_enter_futex"), std::string::npos);
  EXPECT_NE(render(*warning, source, {0, true}).find("note: syscalls:sys_enter_futex: "), std::string::npos);
  for (const auto& event : result.program->events) EXPECT_NE(event.hazard, catalogue::Hazard::Hot) << event.name;

  CompileOptions allow;
  allow.options = {{"allow", "hot"}};
  const auto allowed = compile_text(text, allow);
  EXPECT_COMPILES(allowed, text);
  EXPECT_EQ(find_tag(allowed, "D_HAZARD_HOT"), nullptr);
  EXPECT_GT(allowed.program->events.size(), result.program->events.size());
}

TEST(Compile, HotProbeNamedDirectlyNeedsAllowHot) {
  const std::string text = "raw_syscalls:sys_enter { @[execname] = count(); }";
  const auto refused = compile_text(text);
  ASSERT_FALSE(refused.ok());
  const Diagnostic* error = find_tag(refused, "D_HAZARD_HOT");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->severity, Severity::Error);
  EXPECT_EQ(error->span.begin.line, 1u);
  EXPECT_EQ(error->span.begin.column, 1u);
  EXPECT_NE(error->hint.find("-x allow=hot"), std::string::npos);

  CompileOptions allow;
  allow.options = {{"allow", "hot"}};
  EXPECT_COMPILES(compile_text(text, allow), text);
  const std::string with_pragma = "#pragma D option allow=hot\n" + text;
  EXPECT_COMPILES(compile_text(with_pragma), with_pragma);
}

TEST(Compile, UnknownFieldNamesTheClosestAndTheRealFields) {
  const std::string text = "sched:sched_switch\n{\n  @[args->prev_pdi] = count();\n}\n";
  const auto result = compile_text(text);
  ASSERT_FALSE(result.ok());
  const Diagnostic* error = find_tag(result, "D_FIELD_UNKNOWN");
  ASSERT_NE(error, nullptr) << all_diagnostics(result, text);
  EXPECT_EQ(error->span.begin.line, 3u);
  EXPECT_NE(error->hint.find("did you mean \"prev_pid\""), std::string::npos) << error->hint;
  EXPECT_NE(error->hint.find("next_comm"), std::string::npos) << "the hint lists the real fields: " << error->hint;
}

TEST(Compile, FieldThatOnlySomeEventsHaveNamesThoseLackingIt) {
  const std::string text = "sched:sched_switch, sched:sched_wakeup { trace(args->prev_pid); }";
  const auto result = compile_text(text);
  ASSERT_FALSE(result.ok());
  const Diagnostic* error = find_tag(result, "D_FIELD_PARTIAL");
  ASSERT_NE(error, nullptr) << all_diagnostics(result, text);
  EXPECT_NE(error->message.find("sched:sched_wakeup"), std::string::npos) << error->message;
  EXPECT_EQ(error->message.find("sched:sched_switch"), std::string::npos) << error->message;
}

TEST(Compile, ProbeThatMatchesNothingSuggestsTheClosest) {
  const auto result = compile_text("sched:sched_swich { @ = count(); }");
  ASSERT_FALSE(result.ok());
  const Diagnostic* error = find_tag(result, "D_PROBE_NOMATCH");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->hint.find("sched:sched_switch"), std::string::npos) << error->hint;
  EXPECT_NE(error->message.find(reference_release), std::string::npos) << error->message;

  const auto provider = compile_text("shced:sched_switch { @ = count(); }");
  ASSERT_NE(find_tag(provider, "D_PROBE_NOMATCH"), nullptr);
  EXPECT_NE(find_tag(provider, "D_PROBE_NOMATCH")->hint.find("\"sched\""), std::string::npos);
}

TEST(Compile, DtraceAndBpftraceProbeKindsGetTheTracepointToUse) {
  const auto syscall = compile_text("syscall::openat:entry { @ = count(); }");
  const Diagnostic* error = find_tag(syscall, "D_PROBE_UNSUPPORTED");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->hint.find("syscalls:sys_enter_openat"), std::string::npos) << error->hint;

  const auto kprobe = compile_text("kprobe:do_sys_open { @ = count(); }");
  ASSERT_NE(find_tag(kprobe, "D_PROBE_UNSUPPORTED"), nullptr);

  const auto on_cpu = compile_text("sched:::on-cpu { @ = count(); }");
  const Diagnostic* nomatch = find_tag(on_cpu, "D_PROBE_NOMATCH");
  ASSERT_NE(nomatch, nullptr);
  EXPECT_NE(nomatch->hint.find("sched:sched_switch"), std::string::npos) << nomatch->hint;
}

// The spellings an administrator brings from DTrace and bpftrace get the
// tracepoint to write instead, with the opt-in it needs.
TEST(Compile, CarriedOverSpellingsGetTheirTracepointInTheHint) {
  struct Case {
    std::string description;
    std::string tag;
    std::string hint;
  };
  const Case cases[] = {
      {"syscall:::entry", "D_PROBE_UNSUPPORTED", "use raw_syscalls:sys_enter ("},
      {"syscall:::return", "D_PROBE_UNSUPPORTED", "use raw_syscalls:sys_exit ("},
      {"syscall::openat:return", "D_PROBE_UNSUPPORTED", "use syscalls:sys_exit_openat (args->ret"},
      {"software:faults:100", "D_PROBE_UNSUPPORTED", "use exceptions:page_fault_user ("},
      {"software:page-faults", "D_PROBE_UNSUPPORTED", "use exceptions:page_fault_user ("},
      {"kprobe:oom_kill_process", "D_PROBE_UNSUPPORTED", "use oom:mark_victim ("},
      {"fbt::oom_kill_process:entry", "D_PROBE_UNSUPPORTED", "use oom:mark_victim ("},
      {"kprobe:tcp_retransmit_skb", "D_PROBE_UNSUPPORTED", "use tcp:tcp_retransmit_skb"},
      {"kretprobe:__x64_sys_openat", "D_PROBE_UNSUPPORTED", "use syscalls:sys_exit_openat"},
      {"proc:::exec-success", "D_PROBE_NOMATCH", "use sched:sched_process_exec ("},
      {"proc:::exit", "D_PROBE_NOMATCH", "use sched:sched_process_exit ("},
      {"io:::start", "D_PROBE_NOMATCH", "use block:block_rq_issue ("},
      {"io:::done", "D_PROBE_NOMATCH", "use block:block_rq_complete"},
      {"sched:::off-cpu", "D_PROBE_NOMATCH", "use sched:sched_switch (args->prev_pid"},
      {"signal:::send", "D_PROBE_NOMATCH", "use signal:signal_generate ("},
  };
  for (const Case& each : cases) {
    SCOPED_TRACE(each.description);
    const auto result = compile_text(each.description + " { @ = count(); }");
    const Diagnostic* error = find_tag(result, each.tag);
    ASSERT_NE(error, nullptr) << all_diagnostics(result, each.description);
    EXPECT_TRUE(error->hint.starts_with(each.hint)) << error->hint;
  }
  // The opt-in the tracepoint needs is in the hint.
  const auto hot = compile_text("syscall:::entry { @ = count(); }");
  EXPECT_NE(find_tag(hot, "D_PROBE_UNSUPPORTED")->hint.find("it is hot: #pragma D option allow=hot"),
            std::string::npos);
  const auto sensitive = compile_text("proc:::exec-success { @ = count(); }");
  EXPECT_NE(find_tag(sensitive, "D_PROBE_NOMATCH")->hint.find("it is sensitive: #pragma D option allow=sensitive"),
            std::string::npos)
      << find_tag(sensitive, "D_PROBE_NOMATCH")->hint;
}

// bpftrace's print(@, N) prints the top N: the error says so and what to
// write, rather than calling the count a wrong aggregation.
TEST(Compile, BpftracePrintWithACountNamesTruncAndNormalize) {
  const auto top = compile_text("sched:sched_switch { @[args->prev_comm] = count(); } END { print(@, 10); }");
  const Diagnostic* error = find_tag(top, "D_FUNC_ARGS");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->message.find("print(@, N) prints the N largest entries in bpftrace"), std::string::npos)
      << error->message;
  EXPECT_NE(error->hint.find("trunc(@, N); print(@)"), std::string::npos) << error->hint;
  EXPECT_EQ(error->hint.find("normalize"), std::string::npos) << error->hint;

  const auto divided = compile_text("sched:sched_switch { @n[cpu] = count(); } END { print(@n, 5, 1000); }");
  const Diagnostic* with_divisor = find_tag(divided, "D_FUNC_ARGS");
  ASSERT_NE(with_divisor, nullptr);
  EXPECT_NE(with_divisor->hint.find("normalize(@n, D)"), std::string::npos) << with_divisor->hint;

  // What it suggests compiles.
  EXPECT_TRUE(compile_text("sched:sched_switch { @[args->prev_comm] = count(); } END { trunc(@, 10); print(@); }").ok());
}

// A printa() format is checked against the aggregation's keys wherever in
// the program the aggregation is assigned, as DTrace does: here the tick
// clause that prints comes before the clause that aggregates.
TEST(Compile, PrintaFormatBeforeTheAggregationIsAssignedHasItsKeys) {
  const std::string text =
      "tick-1s { printa(\"%s %d %@d\\n\", @a); }\n"
      "sched:sched_switch { @a[execname, pid] = count(); }";
  const auto result = compile_text(text);
  EXPECT_COMPILES(result, text);

  const auto too_many = compile_text("tick-1s { printa(\"%s %d %d %@d\\n\", @a); }\n"
                                     "sched:sched_switch { @a[execname, pid] = count(); }");
  const Diagnostic* error = find_tag(too_many, "D_PRINTF_FORMAT");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->message.find("more conversions than the aggregation has keys (2)"), std::string::npos)
      << error->message;

  const auto different_keys = compile_text("tick-1s { printa(@a, @b); }\n"
                                           "sched:sched_switch { @a[pid] = count(); @b[pid, cpu] = count(); }");
  ASSERT_NE(find_tag(different_keys, "D_FUNC_ARGS"), nullptr);
  EXPECT_EQ(find_tag(different_keys, "D_FUNC_ARGS")->message, "aggregations printed together must have the same keys");
}

// A catalogue with one forbidden, one hot and one ordinary event.
Catalogue hazard_catalogue() {
  Catalogue catalogue;
  catalogue.release = "test-1";
  catalogue::Provider provider;
  provider.name = "demo";
  provider.documented = true;
  provider.provider_stability = stability::Level::Stable;
  for (const auto& [name, hazard] : std::vector<std::pair<std::string, catalogue::Hazard>>{
           {"danger", catalogue::Hazard::Forbidden}, {"fast", catalogue::Hazard::Hot}, {"plain", catalogue::Hazard::None}}) {
    catalogue::Event event;
    event.provider = "demo";
    event.name = name;
    event.documented = true;
    event.stability.value = {stability::Level::Stable, stability::Level::Stable, stability::DependencyClass::Common};
    event.hazard = {hazard, hazard == catalogue::Hazard::None ? "" : "it would hurt", "https://example.org/why"};
    catalogue::Field field;
    field.layout = {"value", "int", 8, 4, true, catalogue::FieldKind::Integer, false};
    field.documented = true;
    field.stability = event.stability;
    event.fields.push_back(field);
    provider.events.push_back(event);
  }
  catalogue.providers.push_back(provider);
  return catalogue;
}

TEST(Compile, ForbiddenProbeNamedDirectlyIsAnErrorNoOptionChanges) {
  const Catalogue catalogue = hazard_catalogue();
  CompileOptions everything;
  everything.options = {{"allow", "hot,sensitive"}, {"amin", "Internal/Internal/Unknown"}};
  for (const CompileOptions& options : {CompileOptions{}, everything}) {
    const auto result = compile_text("demo:danger { trace(args->value); }", options, catalogue);
    ASSERT_FALSE(result.ok());
    const Diagnostic* error = find_tag(result, "D_PROBE_FORBIDDEN");
    ASSERT_NE(error, nullptr);
    EXPECT_NE(error->message.find("it would hurt"), std::string::npos) << error->message;
    EXPECT_NE(error->hint.find("no option"), std::string::npos) << error->hint;
  }
  CompileOptions allow_forbidden;
  allow_forbidden.options = {{"allow", "forbidden"}};
  const auto refused = compile_text("demo:plain { trace(args->value); }", allow_forbidden, catalogue);
  EXPECT_NE(find_tag(refused, "D_OPTION_VALUE"), nullptr);
}

TEST(Compile, GlobSkipsForbiddenProbesSilently) {
  const Catalogue catalogue = hazard_catalogue();
  CompileOptions allow;
  allow.options = {{"allow", "hot"}};
  const auto result = compile_text("demo:* { trace(args->value); }", allow, catalogue);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.diagnostics.empty());
  ASSERT_EQ(result.program->events.size(), 2u);
  for (const auto& event : result.program->events) EXPECT_NE(event.name, "danger");

  // A glob that matches nothing but forbidden probes would trace nothing.
  const auto only_forbidden = compile_text("demo:dang* { trace(args->value); }", allow, catalogue);
  ASSERT_FALSE(only_forbidden.ok());
  const Diagnostic* error = find_tag(only_forbidden, "D_PROBE_FORBIDDEN");
  ASSERT_NE(error, nullptr);
  EXPECT_NE(error->message.find("matches only forbidden probes"), std::string::npos) << error->message;
}

TEST(Compile, RenamedFieldPointsToItsSuccessor) {
  Catalogue catalogue = hazard_catalogue();
  catalogue::Event& plain = catalogue.providers[0].events[2];
  plain.retired_fields.push_back({"fl_value", "renamed in 2.0", "value"});
  const auto result = compile_text("demo:plain { trace(args->fl_value); }", {}, catalogue);
  ASSERT_FALSE(result.ok());
  const Diagnostic* error = find_tag(result, "D_FIELD_UNKNOWN");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->message, "demo:plain has no field \"fl_value\" in kernel test-1");
  EXPECT_EQ(error->hint, "use args->value, which replaces it in kernel test-1");
  EXPECT_EQ(error->notes, std::vector<std::string>{"the catalogue says of demo:plain.fl_value: renamed in 2.0"});
}

TEST(Compile, UndocumentedProbeIsBelowTheDefaultThreshold) {
  const auto* undocumented = [] {
    for (const auto& provider : shipped().providers) {
      for (const auto& event : provider.events) {
        if (!event.documented && event.hazard.level == catalogue::Hazard::None) return &event;
      }
    }
    return static_cast<const catalogue::Event*>(nullptr);
  }();
  ASSERT_NE(undocumented, nullptr);
  const std::string text = undocumented->provider + ":" + undocumented->name + " { @ = count(); }";
  const auto refused = compile_text(text);
  ASSERT_FALSE(refused.ok());
  const Diagnostic* error = find_tag(refused, "D_STABILITY");
  ASSERT_NE(error, nullptr) << all_diagnostics(refused, text);
  EXPECT_NE(error->message.find("Private/Private/Unknown"), std::string::npos) << error->message;
  EXPECT_NE(error->message.find("Evolving/Evolving/Unknown"), std::string::npos) << error->message;
  EXPECT_NE(error->hint.find("-x amin=Private"), std::string::npos) << error->hint;

  CompileOptions lowered;
  lowered.options = {{"amin", "Private"}};
  EXPECT_COMPILES(compile_text(text, lowered), text);
}

TEST(Compile, RaisingTheThresholdRejectsEvolvingElements) {
  const std::string text = "sched:sched_switch { @[probe] = count(); }";  // probe is Evolving
  EXPECT_COMPILES(compile_text(text), text);
  CompileOptions raised;
  raised.options = {{"amin", "Stable"}};
  const auto result = compile_text(text, raised);
  ASSERT_FALSE(result.ok());
  bool names_probe = false;
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.tag == "D_STABILITY" && diagnostic.message.find("built-in probe") != std::string::npos) names_probe = true;
  }
  EXPECT_TRUE(names_probe) << all_diagnostics(result, text);
}

TEST(Compile, SeveralIndependentErrorsInOneRun) {
  const std::string text =
      "sched:sched_switch { @[args->nope] = count(); }\n"
      "sched:sched_wakeup { printf(\"%d\\n\", execname); }\n"
      "sched:sched_nothing { @ = count(); }\n";
  const auto result = compile_text(text);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(count_tag(result, "D_FIELD_UNKNOWN"), 1u);
  EXPECT_EQ(count_tag(result, "D_PRINTF_FORMAT"), 1u);
  EXPECT_EQ(count_tag(result, "D_PROBE_NOMATCH"), 1u);
  // In source order.
  std::uint32_t last = 0;
  for (const auto& diagnostic : result.diagnostics) {
    EXPECT_GE(diagnostic.span.begin.line, last);
    last = diagnostic.span.begin.line;
  }
}

TEST(Compile, TypeErrorsSayWhatToWrite) {
  struct Case {
    std::string text;
    std::string tag;
    std::string hint_part;
  };
  const std::vector<Case> cases{
      {"BEGIN { x = execname + 1; }", "D_OPERAND", ""},
      {"BEGIN { printf(\"%s\\n\", 1); }", "D_PRINTF_FORMAT", "%d"},
      {"BEGIN { printf(\"%d %d\\n\", 1); }", "D_PRINTF_FORMAT", ""},
      {"BEGIN { trace(y); }", "D_IDENT_UNKNOWN", ""},
      {"BEGIN { trace(self->never); }", "D_VAR_UNDEFINED", ""},
      {"BEGIN { x = 1; } END { x = \"s\"; }", "D_VAR_TYPE", ""},
      {"sched:sched_switch { @a = count(); } END { @a = sum(1); }", "D_AGG_MISMATCH", ""},
      {"sched:sched_switch { @a = lquantize(args->prev_pid, 10, 0, 1); }", "D_AGG_PARAMS", ""},
      {"BEGIN { x = count(); }", "D_AGG_CONTEXT", ""},
      {"BEGIN { printa(@nothing); }", "D_AGG_UNDEFINED", ""},
      {"syscalls:sys_enter_openat { trace(copyinstr(args->filename)); }", "D_FUNC_UNAVAILABLE", "%p"},
      {"tick-1s { trace(arg0); }", "D_FUNC_UNAVAILABLE", "args->"},
      {"BEGIN { prnitf(\"x\"); }", "D_FUNC_UNKNOWN", "printf"},
      {"BEGIN { trace(args->pid); }", "D_ARGS_CONTEXT", ""},
      {"BEGIN { pid = 3; }", "D_LVALUE", ""},
      {"sched:sched_switch { args->prev_pid = 3; }", "D_LVALUE", ""},
      {"BEGIN { trace($3); }", "D_MACRO_UNDEFINED", "probity -s"},
  };
  for (const Case& test : cases) {
    const auto result = compile_text(test.text);
    EXPECT_FALSE(result.ok()) << test.text;
    const Diagnostic* diagnostic = find_tag(result, test.tag);
    ASSERT_NE(diagnostic, nullptr) << test.text << "\n" << all_diagnostics(result, test.text);
    EXPECT_NE(diagnostic->hint.find(test.hint_part), std::string::npos) << test.text << ": " << diagnostic->hint;
  }
}

TEST(Compile, UnknownOptionSuggestsTheClosest) {
  const std::string text = "#pragma D option bufsiz=4m\nBEGIN { exit(0); }";
  const auto result = compile_text(text);
  const Diagnostic* error = find_tag(result, "D_OPTION_UNKNOWN");
  ASSERT_NE(error, nullptr) << all_diagnostics(result, text);
  EXPECT_EQ(error->span.begin.line, 1u);
  EXPECT_NE(error->hint.find("\"bufsize\""), std::string::npos) << error->hint;

  CompileOptions bad;
  bad.options = {{"amin", "Stabel"}};
  const auto value = compile_text("BEGIN { exit(0); }", bad);
  const Diagnostic* value_error = find_tag(value, "D_OPTION_VALUE");
  ASSERT_NE(value_error, nullptr);
  EXPECT_EQ(value_error->span.begin.line, 0u) << "a command-line option has no place in the source";
}

// Options are parsed once, here, into the typed settings the consumer reads:
// the value the user wrote is the value that runs, or an error.
TEST(Compile, OptionsBecomeTypedSettings) {
  CompileOptions options;
  options.options = {{"bufsize", "1t"}, {"strsize", "64"}, {"dynvarsize", "2m"}, {"nspec", "3"},
                     {"quiet", ""},     {"aggsortrev", ""}, {"amin", "Unstable"}, {"allow", "hot"}};
  const auto result = compile_text("#pragma D option bufsize=16k\nBEGIN { exit(0); }", options);
  ASSERT_TRUE(result.ok()) << all_diagnostics(result, "");
  const Settings& settings = result.program->settings;
  EXPECT_EQ(settings.bufsize, std::uint64_t{1} << 40) << "-x overrides the pragma, and t is TiB";
  EXPECT_EQ(settings.strsize, 64u);
  EXPECT_EQ(settings.dynvarsize, 2u * 1024 * 1024);
  EXPECT_EQ(settings.nspec, 3u);
  EXPECT_TRUE(settings.quiet);
  EXPECT_TRUE(settings.aggsortrev);
  EXPECT_FALSE(settings.aggsortkey);
  EXPECT_EQ(settings.amin.name, stability::Level::Unstable);
  EXPECT_EQ(settings.amin.data, stability::Level::Unstable);
  EXPECT_TRUE(settings.allow_hot);
  EXPECT_FALSE(settings.allow_sensitive);

  CompileOptions between;
  between.options = {{"bufsize", "10000"}};
  const auto rounded = compile_text("BEGIN { exit(0); }", between);
  ASSERT_TRUE(rounded.ok());
  EXPECT_EQ(rounded.program->settings.bufsize, 10240u) << "tracefs sizes buffers in whole KiB: rounded up";

  const auto defaults = compile_text("BEGIN { exit(0); }");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.program->settings, Settings{});
  EXPECT_EQ(defaults.program->settings.bufsize, 4u * 1024 * 1024);
}

TEST(Compile, OptionsOutOfRangeOrNotImplementedAreErrors) {
  for (const auto& [name, value, tag] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"bufsize", "100", "D_OPTION_VALUE"},
           {"bufsize", "2t", "D_OPTION_VALUE"},
           {"bufsize", "99999999999999999999", "D_OPTION_VALUE"},
           {"bufsize", "16000000t", "D_OPTION_VALUE"},
           {"bufsize", "1p", "D_OPTION_VALUE"},
           {"strsize", "0", "D_OPTION_VALUE"},
           {"specsize", "1m", "D_OPTION_UNSUPPORTED"},
           {"aggsortpos", "1", "D_OPTION_UNSUPPORTED"},
           {"aggsortkeypos", "1", "D_OPTION_UNSUPPORTED"},
           {"switchrate", "10hz", "D_OPTION_UNSUPPORTED"},
           {"aggrate", "1s", "D_OPTION_UNSUPPORTED"},
       }) {
    CompileOptions options;
    options.options = {{name, value}};
    const auto result = compile_text("BEGIN { exit(0); }", options);
    EXPECT_FALSE(result.ok()) << name << "=" << value;
    EXPECT_NE(find_tag(result, tag), nullptr) << name << "=" << value << ": " << all_diagnostics(result, "");
  }
}

// The object's operator codes are its own (program.hpp), whatever order the
// parser's enums have: lowering maps each operator to the code of its name.
TEST(Compile, OperatorsAreLoweredToTheObjectsOwnCodes) {
  const std::string text = "BEGIN { x = 7; x += 3; y = -x; z = (x << 2) || y; exit(0); }";
  const auto result = compile_text(text);
  EXPECT_COMPILES(result, text);
  std::set<std::pair<Op, std::uint8_t>> seen;
  for (const Node& node : result.program->clauses.at(0).nodes) seen.insert({node.op, node.sub});
  EXPECT_TRUE(seen.contains({Op::Store, static_cast<std::uint8_t>(AssignOperator::Add)}));
  EXPECT_TRUE(seen.contains({Op::Store, static_cast<std::uint8_t>(AssignOperator::Assign)}));
  EXPECT_TRUE(seen.contains({Op::Unary, static_cast<std::uint8_t>(UnaryOperator::Negate)}));
  EXPECT_TRUE(seen.contains({Op::Binary, static_cast<std::uint8_t>(BinaryOperator::ShiftLeft)}));
  EXPECT_TRUE(seen.contains({Op::Binary, static_cast<std::uint8_t>(BinaryOperator::LogicalOr)}));
  // The codes are part of the object format: they never change.
  static_assert(static_cast<int>(BinaryOperator::Glob) == 13 && static_cast<int>(BinaryOperator::LogicalOr) == 19);
  static_assert(static_cast<int>(UnaryOperator::BitNot) == 3 && static_cast<int>(AssignOperator::BitOr) == 10);
}

TEST(Compile, VariablesAggregationsAndMapsAreTyped) {
  const std::string text =
      "syscalls:sys_enter_read { self->start = timestamp; }\n"
      "syscalls:sys_exit_read /self->start/ {\n"
      "  @latency[execname] = quantize(timestamp - self->start);\n"
      "  @bytes = sum(args->ret);\n"
      "  self->start = 0;\n"
      "}\n"
      "tracepoint:sched:sched_wakeup { @start[args->pid] = nsecs; }\n"
      "tracepoint:sched:sched_switch /@start[args->next_pid]/ {\n"
      "  @runq = hist(nsecs - @start[args->next_pid]);\n"
      "  delete(@start[args->next_pid]);\n"
      "}\n"
      "END { printa(\"%s %@d\\n\", @latency); trunc(@bytes); }\n";
  const auto result = compile_text(text);
  EXPECT_COMPILES(result, text);
  const Program& program = *result.program;
  const auto variable = [&](const std::string& name) -> const Variable* {
    for (const auto& v : program.variables) {
      if (v.name == name) return &v;
    }
    return nullptr;
  };
  ASSERT_NE(variable("self->start"), nullptr);
  EXPECT_EQ(variable("self->start")->scope, VariableScope::Thread);
  ASSERT_NE(variable("@start"), nullptr);
  EXPECT_EQ(variable("@start")->scope, VariableScope::Map);
  EXPECT_EQ(variable("@start")->key_types.size(), 1u);
  std::vector<std::string> aggregations;
  for (const auto& aggregation : program.aggregations) aggregations.push_back(aggregation.name);
  EXPECT_EQ(aggregations, (std::vector<std::string>{"@latency", "@bytes", "@runq"}));
  EXPECT_EQ(program.aggregations[2].function, AggregatingFunction::Quantize);
}

TEST(Compile, StabilityReportIsTheMinimumOverTheProgram) {
  const std::string text = "sched:sched_switch { @[execname] = count(); }";
  const auto result = compile_text(text);
  EXPECT_COMPILES(result, text);
  const auto* event = shipped().find_event("sched", "sched_switch");
  const auto* provider = shipped().find_provider("sched");
  stability::Attributes expected = event->stability.value;
  expected.name = std::min(expected.name, provider->provider_stability);
  EXPECT_EQ(result.program->stability.probe_description, expected);
  const std::string report = stability_report(*result.program, true);
  EXPECT_NE(report.find("Minimum Probe Description Attributes"), std::string::npos);
  EXPECT_NE(report.find("Identifier Names: " + std::string(to_string(expected.name))), std::string::npos) << report;
  EXPECT_NE(report.find("Stability attributes for description sched:sched_switch:"), std::string::npos) << report;
}

TEST(Compile, EveryTagEmittedIsInTheTagList) {
  const std::vector<std::string> texts{
      "sched:sched_switch { @[args->nope] = count(); }", "nothing:here { }", "BEGIN { trace(y); }",
      "raw_syscalls:sys_enter { }", "BEGIN { printf(\"%q\"); }",
  };
  for (const auto& text : texts) {
    for (const auto& diagnostic : compile_text(text).diagnostics) {
      EXPECT_NE(find_diagnostic_tag(diagnostic.tag), nullptr) << diagnostic.tag;
    }
  }
}

TEST(Compile, EmptyProgramIsAnError) {
  const auto result = compile_text("/* nothing */\n");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(find_tag(result, "D_EMPTY_PROGRAM"), nullptr);
}

// ------------------------------------------------------------------ support events

// "provider:name" of each event, with "+support" on support events.
std::vector<std::string> event_names(const Program& program) {
  std::vector<std::string> names;
  for (const EventUse& event : program.events) {
    names.push_back(event.provider + ":" + event.name + (event.support ? "+support" : ""));
  }
  return names;
}

const std::vector<std::string> with_support{"sched:sched_process_fork", "task:task_newtask+support",
                                            "task:task_rename+support"};

TEST(SupportEvents, ExecnameInATracepointClauseAddsTaskNewtaskAndTaskRename) {
  const std::string text = "sched:sched_process_fork { @[execname] = count(); }";
  const auto result = compile_text(text);
  EXPECT_COMPILES(result, text);
  const Program& program = *result.program;
  EXPECT_EQ(event_names(program), with_support);
  // The clause still fires on its own event only, and the support events
  // carry their full catalogued layouts, unfiltered.
  ASSERT_EQ(program.clauses.size(), 1u);
  ASSERT_EQ(program.clauses[0].probes.size(), 1u);
  EXPECT_EQ(program.events.at(program.clauses[0].probes[0].event).name, "sched_process_fork");
  const auto* rename = shipped().find_event("task", "task_rename");
  ASSERT_NE(rename, nullptr);
  ASSERT_EQ(program.events[2].fields.size(), rename->fields.size());
  EXPECT_TRUE(program.events[2].filter.empty());
  EXPECT_TRUE(result.diagnostics.empty()) << all_diagnostics(result, text);
  // The object format keeps the flag.
  EXPECT_EQ(event_names(decode_object(encode_object(program), "test.pob")), with_support);
}

TEST(SupportEvents, PidInABodyOrAUserSpacePredicateAddsThem) {
  EXPECT_EQ(event_names(*compile_text("sched:sched_process_fork { trace(pid); }").program), with_support);
  EXPECT_EQ(event_names(*compile_text("sched:sched_process_fork /pid != 1/ { @ = count(); }").program),
            with_support);
}

TEST(SupportEvents, NotAddedWithoutExecnameOrPidInATracepointClause) {
  const std::vector<std::string> alone{"sched:sched_process_fork"};
  EXPECT_EQ(event_names(*compile_text("sched:sched_process_fork { @[tid, ppid, args->child_pid] = count(); }").program),
            alone);
  EXPECT_EQ(event_names(*compile_text("BEGIN { printf(\"%s %d\\n\", execname, pid); } "
                                      "sched:sched_process_fork { @ = count(); }").program),
            alone);
  // A predicate the kernel filter evaluates entirely reads the kernel's own comm.
  const auto pushed = compile_text("sched:sched_process_fork /execname == \"bash\"/ { @ = count(); }");
  ASSERT_TRUE(pushed.ok());
  EXPECT_EQ(event_names(*pushed.program), alone);
  EXPECT_EQ(pushed.program->events[0].filter, "COMM == \"bash\"");
}

TEST(SupportEvents, LeftOutSilentlyWhenTheSitePolicyForbidsTaskEvents) {
  const std::string text = "sched:sched_process_fork { @[execname, pid] = count(); }";
  for (const std::string rule : {"forbid.providers: \"task\"", "forbid.events: \"task:task_rename\"",
                                 "forbid.fields: \"task:*.newcomm\""}) {
    catalogue::SitePolicy site;
    const catalogue::PolicyRule policy_rule{rule, {}};
    if (rule.starts_with("forbid.providers")) site.forbidden_providers.push_back(policy_rule);
    if (rule.starts_with("forbid.events")) site.forbidden_events.push_back(policy_rule);
    if (rule.starts_with("forbid.fields")) site.forbidden_fields.push_back(policy_rule);
    CompileOptions options;
    options.site_policy = &site;
    const auto result = compile_text(text, options);
    EXPECT_COMPILES(result, text);
    EXPECT_EQ(event_names(*result.program), std::vector<std::string>{"sched:sched_process_fork"}) << rule;
    EXPECT_TRUE(result.diagnostics.empty()) << rule << "\n" << all_diagnostics(result, text);
  }
}

TEST(SupportEvents, LeftOutSilentlyBelowTheStabilityThreshold) {
  // task_rename's pid field is Evolving (it went missing in 6.14): a
  // threshold of Stable refuses it, and with it the support events.
  const std::string text = "sched:sched_process_fork { @[execname] = count(); }";
  CompileOptions strict;
  strict.options = {{"amin", "Stable"}};
  const auto result = compile_text(text, strict);
  EXPECT_COMPILES(result, text);
  EXPECT_EQ(event_names(*result.program), std::vector<std::string>{"sched:sched_process_fork"});
  EXPECT_TRUE(result.diagnostics.empty()) << all_diagnostics(result, text);
}

// The program traces task_rename itself, with a filter: the event is both
// its clause's and a support event, and loses its kernel filter so that
// every rename reaches the consumer; the clause checks its whole predicate.
TEST(SupportEvents, AnEventTheProgramAlsoTracesKeepsItsClauseAndLosesItsFilter) {
  const std::string text = "task:task_rename /args->newcomm == \"x\"/ { printf(\"%s\\n\", execname); }";
  const auto result = compile_text(text);
  EXPECT_COMPILES(result, text);
  const Program& program = *result.program;
  EXPECT_EQ(event_names(program), (std::vector<std::string>{"task:task_newtask+support", "task:task_rename+support"}));
  ASSERT_EQ(program.clauses[0].probes.size(), 1u);
  const ClauseProbe& probe = program.clauses[0].probes[0];
  EXPECT_EQ(program.events.at(probe.event).name, "task_rename");
  EXPECT_TRUE(program.events[1].filter.empty());
  EXPECT_FALSE(probe.filter_is_own);
  EXPECT_TRUE(program.clauses[0].predicate.has_value());
}

TEST(SupportEvents, TheVerboseReportMarksThem) {
  const auto result = compile_text("sched:sched_process_fork { @[execname] = count(); }");
  ASSERT_TRUE(result.ok());
  const std::string report = filter_report(*result.program);
  EXPECT_NE(report.find("\tsched:sched_process_fork: (none)\n"), std::string::npos) << report;
  EXPECT_NE(report.find("\ttask:task_newtask: (none) [support event: task names for execname and pid]\n"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("\ttask:task_rename: (none) [support event: task names for execname and pid]\n"),
            std::string::npos)
      << report;
}

}  // namespace
}  // namespace probity::compiler
