// The parser on real-world DTrace and bpftrace scripts.
#include "probity/compiler/parse.hpp"

#include <gtest/gtest.h>

#include <string>

#include "compiler/parser_test_support.hpp"

namespace probity::compiler {
namespace {

using namespace parser_testing;

// ------------------------------------------------------- real-world scripts

struct Script {
  const char* name;
  const char* text;
  std::size_t clauses;
};

const Script scripts[] = {
    {"dtrace syscall count by process",
     "#!/usr/sbin/dtrace -s\n"
     "#pragma D option quiet\n"
     "syscall:::entry\n"
     "{\n"
     "\t@num[execname] = count();\n"
     "}\n"
     "dtrace:::END\n"
     "{\n"
     "\tprinta(\"%-20s %@10d\\n\", @num);\n"
     "}\n",
     2},
    {"dtrace read latency with self->ts",
     "syscall::read:entry\n"
     "/execname == \"postgres\"/\n"
     "{\n"
     "\tself->ts = timestamp;\n"
     "}\n"
     "\n"
     "syscall::read:return\n"
     "/self->ts/\n"
     "{\n"
     "\t@lat[\"read (ns)\"] = quantize(timestamp - self->ts);\n"
     "\tself->ts = 0;\n"
     "}\n",
     2},
    {"dtrace sched switch quantize",
     "sched:::sched_switch\n"
     "/args->prev_pid != 0/\n"
     "{\n"
     "\t@[args->prev_comm] = lquantize(args->prev_prio, 0, 140, 10);\n"
     "}\n",
     1},
    {"dtrace tick printa trunc",
     "#pragma D option quiet\n"
     "#pragma D option aggsortrev\n"
     "sched:sched_wakeup { @wakeups[args->comm, args->pid] = count(); }\n"
     "tick-1s\n"
     "{\n"
     "\tprinta(\"%-16s %6d %@8d\\n\", @wakeups);\n"
     "\ttrunc(@wakeups, 10);\n"
     "\tclear(@wakeups);\n"
     "\tprintf(\"%Y\\n\", walltimestamp);\n"
     "}\n"
     "tick-10s { exit(0); }\n",
     3},
    {"dtrace this-> and ternary",
     "irq:irq_handler_entry\n"
     "{\n"
     "\tthis->irq = args->irq;\n"
     "\t@[this->irq > 15 ? \"high\" : \"low\"] = count();\n"
     "\t@bytes = sum(this->irq * 2);\n"
     "}\n",
     1},
    {"dtrace block io latency",
     "block:block_rq_issue\n"
     "{\n"
     "\tstart[args->dev, args->sector] = timestamp;\n"
     "}\n"
     "block:block_rq_complete\n"
     "/start[args->dev, args->sector]/\n"
     "{\n"
     "\t@[\"block latency (us)\"] = quantize((timestamp - start[args->dev, args->sector]) / 1000);\n"
     "\tstart[args->dev, args->sector] = 0;\n"
     "}\n",
     2},
    {"dtrace BEGIN banner and avg",
     "BEGIN\n"
     "{\n"
     "\tprintf(\"Tracing... Hit Ctrl-C to end.\\n\");\n"
     "}\n"
     "sched:sched_stat_runtime\n"
     "{\n"
     "\t@avg[args->comm] = avg(args->runtime);\n"
     "\t@max[args->comm] = max(args->runtime);\n"
     "\t@min[args->comm] = min(args->runtime);\n"
     "\t@sd[args->comm] = stddev(args->runtime);\n"
     "}\n"
     "END\n"
     "{\n"
     "\tnormalize(@avg, 1000);\n"
     "\tprinta(@avg);\n"
     "}\n",
     3},
    {"dtrace speculation",
     "syscalls:sys_enter_openat\n"
     "{\n"
     "\tself->spec = speculation();\n"
     "\tspeculate(self->spec);\n"
     "\tprintf(\"%s\\n\", stringof(args->filename));\n"
     "}\n"
     "syscalls:sys_exit_openat\n"
     "/self->spec && args->ret < 0/\n"
     "{\n"
     "\tcommit(self->spec);\n"
     "\tself->spec = 0;\n"
     "}\n"
     "syscalls:sys_exit_openat\n"
     "/self->spec/\n"
     "{\n"
     "\tdiscard(self->spec);\n"
     "\tself->spec = 0;\n"
     "}\n",
     3},
    {"dtrace glob and stack",
     "sched:sched_wak*, sched:sched_[sw]*\n"
     "/pid == $target || execname ~ \"kworker*\"/\n"
     "{\n"
     "\t@[probename, stack()] = count();\n"
     "}\n",
     1},
    {"bpftrace syscall count",
     "#!/usr/bin/env bpftrace\n"
     "tracepoint:raw_syscalls:sys_enter\n"
     "{\n"
     "  @[comm] = count();\n"
     "}\n"
     "interval:s:5 { print(@); clear(@); }\n",
     2},
    {"bpftrace latency with @start[tid]",
     "tracepoint:syscalls:sys_enter_read\n"
     "{\n"
     "  @start[tid] = nsecs;\n"
     "}\n"
     "\n"
     "tracepoint:syscalls:sys_exit_read\n"
     "/@start[tid]/\n"
     "{\n"
     "  @usecs = hist((nsecs - @start[tid]) / 1000);\n"
     "  delete(@start[tid]);\n"
     "}\n"
     "END { clear(@start); }\n",
     3},
    {"bpftrace scratch variables and if",
     "t:sched:sched_switch\n"
     "{\n"
     "  $prev = args.prev_pid;\n"
     "  if ($prev == 0) {\n"
     "    @idle++;\n"
     "  } else if ($prev < 100) {\n"
     "    @low[args.prev_comm] = count();\n"
     "  } else {\n"
     "    @other = lhist($prev, 0, 10000, 100);\n"
     "  }\n"
     "}\n",
     1},
    {"bpftrace openat with str",
     "tracepoint:syscalls:sys_enter_openat\n"
     "/comm != \"bpftrace\"/\n"
     "{\n"
     "  printf(\"%-6d %-16s %s\\n\", pid, comm, str(args.filename));\n"
     "}\n",
     1},
    {"bpftrace interval and exit",
     "BEGIN { printf(\"Tracing block I/O sizes... Hit Ctrl-C to end.\\n\"); }\n"
     "tracepoint:block:block_rq_issue { @bytes = hist(args.bytes); @total += args.bytes; }\n"
     "interval:1s { printf(\"%d bytes\\n\", @total); @total = 0; }\n"
     "interval:s:60 { exit(); }\n",
     4},
    {"bpftrace casts and shifts",
     "tracepoint:irq:softirq_entry\n"
     "{\n"
     "  @vec[(uint32)args.vec] = count();\n"
     "  @bits = sum((u64)1 << (args.vec & 0x1f));\n"
     "  @neg = min(-(int64)args.vec);\n"
     "}\n",
     1},
    {"dtrace declarations and tick-N hz",
     "self uint64_t ts;\n"
     "int64_t total;\n"
     "timer:hrtimer_expire_entry { self->ts = timestamp; total++; }\n"
     "timer:hrtimer_expire_exit /self->ts/ { @ns = sum(timestamp - self->ts); self->ts = 0; }\n"
     "profile:::tick-100hz { @ticks = count(); }\n"
     "tick-1000 { x = 1 }\n",
     4},
};

TEST(ParserScripts, RealWorldScriptsParse) {
  for (const Script& script : scripts) {
    SCOPED_TRACE(script.name);
    const ast::Program program = parse_ok(script.text);
    EXPECT_EQ(program.clauses.size(), script.clauses);
    for (const ast::Clause& clause : program.clauses) {
      EXPECT_FALSE(clause.probes.empty());
      EXPECT_GE(clause.span.begin.line, 1u);
      EXPECT_TRUE(clause.span.end.line > clause.span.begin.line ||
                  clause.span.end.column > clause.span.begin.column);
      for (const ast::Statement& statement : clause.body) {
        EXPECT_TRUE(statement.span.begin.line >= clause.span.begin.line);
        EXPECT_TRUE(statement.span.end.line <= clause.span.end.line);
      }
    }
  }
}

TEST(ParserScripts, ShapeOfTheLatencyScript) {
  const ast::Program program = parse_ok(scripts[1].text);
  ASSERT_EQ(program.clauses.size(), 2u);
  const ast::Clause& second = program.clauses[1];
  EXPECT_EQ(second.probes[0].text, "syscall::read:return");
  EXPECT_EQ(as<ast::Variable>(*second.predicate).scope, ast::VariableScope::Thread);
  ASSERT_EQ(second.body.size(), 2u);
  const auto& assign = as<ast::Assign>(*std::get<ast::ExpressionStatement>(second.body[0].node).expression);
  const auto& quantize = as<ast::Call>(*assign.value);
  EXPECT_EQ(quantize.name, "quantize");
  ASSERT_EQ(quantize.arguments.size(), 1u);
  EXPECT_EQ(as<ast::Binary>(*quantize.arguments[0]).op, ast::BinaryOp::Subtract);
  EXPECT_EQ(second.body[0].span, span(10, 2, 10, 52));
}

}  // namespace
}  // namespace probity::compiler
