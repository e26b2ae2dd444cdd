// DTrace's text output shapes without a kernel: trace() quiet and not,
// the CPU ID FUNCTION:NAME line of a firing that only calls exit(), what is
// printed when the run ends, printa's conversions of the value and printf's
// precision 0. The expected texts are DTrace for Linux's documented formats
// (dt_print_trace, dt_print_aggs, dtrace.c's end of run), not Probity's.
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

// Every clause of the program run once for one BEGIN firing on CPU 0, then
// what the run prints at its end.
class Shape {
 public:
  Shape(const std::string& text, bool quiet)
      : program_(compiled(text)), output_(quiet), interpreter_(program_, settings(quiet), output_, errors_) {}

  std::string fire() {
    Firing firing;
    firing.tid = ::getpid();
    firing.provider = "dtrace";
    firing.name = "BEGIN";
    firing.probe_id = 1;
    firing.kind = compiler::ProbeKind::Begin;
    interpreter_.begin_firing();
    for (const compiler::Clause& clause : program_.clauses) interpreter_.run(clause, firing);
    return std::exchange(interpreter_.output(), {});
  }
  std::string end() { return interpreter_.print_all_aggregations(); }

 private:
  static RuntimeSettings settings(bool quiet) {
    RuntimeSettings settings;
    settings.quiet = quiet;
    return settings;
  }

  compiler::Program program_;
  TextOutput output_;
  std::ostringstream errors_;
  Interpreter interpreter_;
};

TEST(OutputShape, TraceUnderQuietPrintsEachValueAsItIs) {
  Shape run(R"(BEGIN { trace(1); trace(-2); trace("abc"); trace((uint8_t)255); })", true);
  EXPECT_EQ(run.fire(), "1-2abc255");
}

TEST(OutputShape, TraceWithoutQuietHasDTraceForLinuxColumns) {
  Shape run(R"(BEGIN { trace(-1); } BEGIN { trace((uint32_t)7); } BEGIN { trace("a"); })", false);
  const std::string header = "CPU     ID                    FUNCTION:NAME\n";
  const std::string begin = "  0      1                           :BEGIN ";
  EXPECT_EQ(run.fire(), header + begin + "                  -1\n" +  // int64: " %19d"
                            begin + "          7\n" +                 // uint32: " %10u"
                            begin + "  a                                \n");  // "  %-33s"
}

TEST(OutputShape, AClauseThatOnlyCallsExitShowsItsFiring) {
  Shape run(R"(BEGIN { @a = count(); } BEGIN { exit(0); })", false);
  EXPECT_EQ(run.fire(),
            "CPU     ID                    FUNCTION:NAME\n"
            "  0      1                           :BEGIN \n");
}

TEST(OutputShape, TheRunEndsWithABlankLineEvenWithoutAggregations) {
  Shape run(R"(BEGIN { printf("x\n"); })", true);
  EXPECT_EQ(run.fire(), "x\n");
  EXPECT_EQ(run.end(), "\n");
}

TEST(OutputShape, AggregationsAtTheEndFollowOneAnotherWithoutBlankLines) {
  Shape run(R"(BEGIN { @a = sum(450); @b = max(900); @c[1] = count(); @c[2] = count(); @c[2] = count(); })", true);
  run.fire();
  EXPECT_EQ(run.end(),
            "\n"
            "              450\n"
            "              900\n"
            "                1                1\n"
            "                2                2\n");
}

TEST(OutputShape, AnAggregationPrintaPrintedIsNotPrintedAgainAtTheEnd) {
  Shape run(R"(BEGIN { @a = sum(3); @b = sum(4); printa(@a); })", true);
  EXPECT_EQ(run.fire(), "\n                3\n");
  EXPECT_EQ(run.end(), "\n                4\n");
}

TEST(OutputShape, PrintaConvertsTheValueWithItsOwnConversion) {
  Shape run(R"(BEGIN { @a["x"] = sum(255); @b["x"] = sum(8); printa("%s %@x %@8o|\n", @a, @b); })", true);
  EXPECT_EQ(run.fire(), "x ff       10|\n");
}

TEST(OutputShape, PrintfPrecisionZeroIsNoPrecision) {
  Shape run(R"(BEGIN { x = 0; printf("%.0s|%.*s|%.2s|%5.1s|\n", "hello", x, "hello", "hello", "hello"); })", true);
  EXPECT_EQ(run.fire(), "hello|hello|he|    h|\n");
}

}  // namespace
}  // namespace probity::consumer
