// The interpreter without a kernel: programs compiled against the shipped
// catalogue, run on BEGIN firings built here; what they print, the
// variables they keep between firings, and how they end.
#include "interpreter.hpp"
#include "text_output.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <string>

#include "compiled_program.hpp"

namespace probity::consumer {
namespace {

using test_support::compiled;

Firing begin_firing() {
  Firing firing;
  firing.tid = ::getpid();
  firing.provider = "dtrace";
  firing.name = "BEGIN";
  firing.probe_id = 1;
  return firing;
}

class ProgramRun {
 public:
  explicit ProgramRun(const std::string& text) : program_(compiled(text)), interpreter_(program_, settings(), output_, errors_) {}

  // Every clause once, in order, for one BEGIN firing; what they printed.
  std::string fire() {
    interpreter_.begin_firing();
    for (const compiler::Clause& clause : program_.clauses) interpreter_.run(clause, begin_firing());
    return std::exchange(interpreter_.output(), {});
  }
  Interpreter& interpreter() { return interpreter_; }

 private:
  static RuntimeSettings settings() {
    RuntimeSettings settings;
    settings.quiet = true;
    return settings;
  }

  compiler::Program program_;
  TextOutput output_;
  std::ostringstream errors_;
  Interpreter interpreter_;
};

TEST(Interpreter, ArithmeticAndStringsAsD) {
  ProgramRun run(R"(BEGIN { x = 7; printf("%d %d %d %s %d\n", x * 6, x / 2, x % 4, strjoin("pro", "bity"), strlen("abc")); })");
  EXPECT_EQ(run.fire(), "42 3 3 probity 3\n");
}

TEST(Interpreter, GlobalsAndAssociativeArraysLastBetweenFirings) {
  ProgramRun run(R"(BEGIN { n++; seen["a"] += n; printf("%d %d\n", n, seen["a"]); })");
  EXPECT_EQ(run.fire(), "1 1\n");
  EXPECT_EQ(run.fire(), "2 3\n");
  EXPECT_EQ(run.fire(), "3 6\n");
}

TEST(Interpreter, ThisVariablesLiveForOneFiring) {
  ProgramRun run(R"(BEGIN { this->x = this->x + 1; } BEGIN { printf("%d\n", this->x); })");
  EXPECT_EQ(run.fire(), "1\n");
  EXPECT_EQ(run.fire(), "1\n");
}

TEST(Interpreter, APredicateDecidesWhetherTheClauseRuns) {
  ProgramRun run(R"(BEGIN { n++; } BEGIN /n % 2 == 0/ { printf("even %d\n", n); })");
  EXPECT_EQ(run.fire(), "");
  EXPECT_EQ(run.fire(), "even 2\n");
  EXPECT_EQ(run.fire(), "");
}

TEST(Interpreter, ExitSetsTheStatus) {
  ProgramRun run(R"(BEGIN { printf("before\n"); exit(3); })");
  EXPECT_EQ(run.fire(), "before\n");
  ASSERT_TRUE(run.interpreter().exit_status());
  EXPECT_EQ(*run.interpreter().exit_status(), 3);
}

TEST(Interpreter, AggregationsArePrintedAtTheEndAsDTraceDoes) {
  ProgramRun run(R"(BEGIN { @calls["read"] = count(); @calls["write"] = count(); @calls["write"] = count(); })");
  run.fire();
  EXPECT_EQ(run.interpreter().print_all_aggregations(),
            "\n  read                                                              1\n"
            "  write                                                             2\n");
}

}  // namespace
}  // namespace probity::consumer
