// printf("%k", stack()): as in DTrace, stack() has a value where a %k
// conversion prints it, and only there; %k prints nothing but a stack.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "probity/catalogue/index.hpp"
#include "probity/compiler/compile.hpp"

namespace probity::compiler {
namespace {

const catalogue::Catalogue& shipped() {
  static const catalogue::Catalogue catalogue = catalogue::Index::open(PROBITY_INDEX_FILE).load("6.18.44-fc-v657");
  return catalogue;
}

CompileResult compile_text(const std::string& text) { return compile(SourceFile{"test.d", text}, shipped(), {}); }

std::string rendered(const CompileResult& result, const std::string& text) {
  std::string out;
  for (const Diagnostic& diagnostic : result.diagnostics) out += render(diagnostic, SourceFile{"test.d", text});
  return out;
}

bool has_error(const CompileResult& result, std::string_view tag) {
  return std::any_of(result.diagnostics.begin(), result.diagnostics.end(), [&](const Diagnostic& diagnostic) {
    return diagnostic.severity == Severity::Error && diagnostic.tag == tag;
  });
}

TEST(PrintfStack, PercentKPrintsAStackAndAsksForTheStacktraceTrigger) {
  for (const std::string text : {
           "sched:sched_switch { printf(\"%k\", stack()); }",
           "sched:sched_switch { printf(\"from %s:%k\\n\", args->prev_comm, stack(4)); }",
           "sched:sched_switch { printf(\"%*k %d\\n\", 20, stack(), pid); }",
       }) {
    const CompileResult result = compile_text(text);
    ASSERT_TRUE(result.ok()) << text << "\n" << rendered(result, text);
    // Reading pid adds the task-name support events; the traced one is sched_switch.
    const auto traced = std::find_if(result.program->events.begin(), result.program->events.end(),
                                     [](const auto& event) { return event.name == "sched_switch"; });
    ASSERT_NE(traced, result.program->events.end()) << text;
    EXPECT_TRUE(traced->stack_trigger) << text;
    for (const auto& event : result.program->events) {
      EXPECT_TRUE(&event == &*traced || (event.support && !event.stack_trigger)) << text << ": " << event.name;
    }
  }
}

TEST(PrintfStack, StackHasNoValueOutsideAPercentK) {
  struct Case {
    std::string text;
    std::string_view tag;
  };
  for (const Case& refused : std::vector<Case>{
           {"sched:sched_switch { printf(\"%s\\n\", stack()); }", "D_OPERAND"},
           {"sched:sched_switch { printf(\"%d %k\\n\", stack(), stack()); }", "D_OPERAND"},
           {"sched:sched_switch { printf(\"%k\\n\", pid); }", "D_PRINTF_FORMAT"},
           {"sched:sched_switch { printf(\"%k\\n\", args->prev_comm); }", "D_PRINTF_FORMAT"},
           {"sched:sched_switch { printf(\"%d\\n\", stack() + 1); }", "D_OPERAND"},
           {"sched:sched_switch { trace(stack()); }", "D_OPERAND"},
           {"sched:sched_switch { x = stack(); }", "D_OPERAND"},
       }) {
    const CompileResult result = compile_text(refused.text);
    EXPECT_FALSE(result.ok()) << refused.text;
    EXPECT_TRUE(has_error(result, refused.tag)) << refused.text << "\n" << rendered(result, refused.text);
  }
  const std::string wrong = "sched:sched_switch { printf(\"%s\\n\", stack()); }";
  EXPECT_NE(rendered(compile_text(wrong), wrong).find("printf(\"%k\", stack())"), std::string::npos)
      << "the error says how to print a stack: " << rendered(compile_text(wrong), wrong);
}

TEST(PrintfStack, BeginHasNoStackToPrint) {
  const std::string text = "BEGIN { printf(\"%k\", stack()); }";
  const CompileResult result = compile_text(text);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(has_error(result, "D_FUNC_ARGS")) << rendered(result, text);
}

}  // namespace
}  // namespace probity::compiler
