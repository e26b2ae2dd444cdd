// The consumer's run-time state below the runner: which programs may skip
// the merge of CPUs by timestamp, and variables' storage (dynvarsize
// accounting across set/clear cycles). Programs are compiled from source
// against the running kernel's catalogue.
#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <optional>
#include <string>

#include "delivery_order.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/compiler/compile.hpp"
#include "support/running_catalogue.hpp"
#include "variables.hpp"

namespace {

using namespace probity;

using test_support::running_kernel_catalogue;

class ConsumerState : public ::testing::Test {
 protected:
  void SetUp() override {
    catalogue_ = running_kernel_catalogue();
    if (!catalogue_) GTEST_SKIP() << "needs root: the running kernel is not in the index and its tracefs is root's";
  }

  compiler::Program compiled(const std::string& text) {
    compiler::CompileOptions options;
    options.options = {{"allow", "hot,sensitive"}};
    auto result = compiler::compile({"test.d", text}, *catalogue_, options);
    std::string errors;
    for (const auto& diagnostic : result.diagnostics) errors += diagnostic.message + "\n";
    if (!result.ok()) ADD_FAILURE() << text << "\n" << errors;
    return result.ok() ? std::move(*result.program) : compiler::Program{};
  }

  std::optional<catalogue::Catalogue> catalogue_;
};

TEST_F(ConsumerState, ProgramsThatOnlyAggregateRecordFactsSkipTheMerge) {
  for (const std::string text : {
           "raw_syscalls:sys_enter { @[tid] = count(); }",
           "raw_syscalls:sys_enter /args->id == 39/ { @[cpu, args->id] = count(); @s = sum(args->id); }",
           "sched:sched_switch { @[args->prev_comm] = quantize(args->prev_prio); }",
           "sched:sched_switch { @[probename, strlen(args->next_comm)] = count(); }",
           "BEGIN { printf(\"hello\\n\"); } sched:sched_switch { @ = count(); } END { printa(@); }",
       }) {
    EXPECT_FALSE(consumer::needs_ordered_delivery(compiled(text))) << text;
  }
}

TEST_F(ConsumerState, AnythingOrderSensitiveGetsTheMerge) {
  for (const std::string text : {
           "sched:sched_switch { printf(\"%d\\n\", args->prev_pid); }",
           "sched:sched_switch { trace(args->prev_pid); }",
           "raw_syscalls:sys_enter { self->t = timestamp; } raw_syscalls:sys_exit /self->t/ { @ = count(); }",
           "sched:sched_switch { @n = count(); x++; }",
           "BEGIN { x = 1; } sched:sched_switch /x == 1/ { @ = count(); }",
           "sched:sched_switch { exit(0); }",
           "sched:sched_switch { trunc(@); @ = count(); }",
           // execname is tracked from task-name events, which must be seen in order.
           "raw_syscalls:sys_enter { @[execname] = count(); }",
       }) {
    EXPECT_TRUE(consumer::needs_ordered_delivery(compiled(text))) << text;
  }
}

TEST_F(ConsumerState, SettingAndClearingAThreadVariableNeverExhaustsDynvarsize) {
  const compiler::Program program =
      compiled("raw_syscalls:sys_enter { self->t = timestamp; } raw_syscalls:sys_exit { self->t = 0; }");
  ASSERT_EQ(program.variables.size(), 1u);
  // Room for a few threads' values, no more.
  consumer::Variables variables(program, 200);
  for (int round = 0; round < 10000; ++round) {
    for (pid_t tid = 100; tid < 103; ++tid) variables.store(0, tid, {}, consumer::Value::of(round + 1));
    for (pid_t tid = 100; tid < 103; ++tid) {
      EXPECT_EQ(variables.load(0, tid, {}).integer, round + 1);
      variables.store(0, tid, {}, consumer::Value::of(0));
      ASSERT_EQ(variables.load(0, tid, {}).integer, 0);
      ASSERT_EQ(variables.load_integer(0, tid), 0);
    }
  }
  EXPECT_EQ(variables.take_dynamic_drops(), 0u);
  // Past the limit a store is dropped, counted, and reads as unset.
  for (pid_t tid = 1; tid <= 20; ++tid) variables.store(0, tid, {}, consumer::Value::of(7));
  EXPECT_GT(variables.take_dynamic_drops(), 0u);
  EXPECT_EQ(variables.load(0, 20, {}).integer, 0);
  EXPECT_EQ(variables.load(0, 1, {}).integer, 7);
}

TEST_F(ConsumerState, AssociativeArraysKeyByTheWholeTupleAndClauseVariablesAreCleared) {
  const compiler::Program program = compiled(
      "sched:sched_switch { a[args->prev_comm, args->prev_pid] = 1; this->x = args->prev_pid; @ = sum(this->x); }");
  std::optional<std::uint32_t> array;
  std::optional<std::uint32_t> clause_scoped;
  for (std::uint32_t v = 0; v < program.variables.size(); ++v) {
    if (program.variables[v].name == "a") array = v;
    if (program.variables[v].name == "this->x") clause_scoped = v;
  }
  ASSERT_TRUE(array && clause_scoped);
  consumer::Variables variables(program, 1 << 20);
  const consumer::Key bash_1{consumer::Value::of(std::string("bash")), consumer::Value::of(1)};
  const consumer::Key bash_2{consumer::Value::of(std::string("bash")), consumer::Value::of(2)};
  variables.store(*array, 0, bash_1, consumer::Value::of(5));
  EXPECT_EQ(variables.load(*array, 0, bash_1).integer, 5);
  EXPECT_EQ(variables.load(*array, 0, bash_2).integer, 0);
  EXPECT_FALSE(variables.load_integer(*array, 0)) << "an array has no keyless value";
  variables.store(*clause_scoped, 0, {}, consumer::Value::of(9));
  EXPECT_EQ(variables.load_integer(*clause_scoped, 0), 9);
  variables.begin_event();
  EXPECT_EQ(variables.load_integer(*clause_scoped, 0), 0) << "this-> is per event";
  EXPECT_EQ(variables.load(*array, 0, bash_1).integer, 5) << "globals stay";
}

}  // namespace
