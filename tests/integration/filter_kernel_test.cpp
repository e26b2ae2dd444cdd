// The live kernel against the pushdown pass: every filter text the pass
// writes is accepted by events/*/filter of a private tracefs instance, and a
// pushed filter really drops the events it should. Needs root and tracefs;
// skips saying why otherwise.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/tracefs.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "passes/passes.hpp"
#include "probity/catalogue/index.hpp"
#include "support/running_catalogue.hpp"
#include "support/scratch_directory.hpp"
#include "support/typed_ast.hpp"

namespace probity::compiler {
namespace {

namespace fs = std::filesystem;

const fs::path tracing_dir = "/sys/kernel/tracing";

// Why the kernel cannot be used here, or nullopt when it can.

// A private tracefs instance, removed with its events disabled at the end.
class TracefsInstance {
 public:
  TracefsInstance() : path_(tracing_dir / "instances" / ("probity-filtertest-" + std::to_string(::getpid()))) {
    if (::mkdir(path_.c_str(), 0750) != 0) {
      throw std::runtime_error("mkdir " + path_.string() + ": " + std::strerror(errno));
    }
  }
  ~TracefsInstance() {
    write_file(path_ / "events" / "enable", "0");
    ::rmdir(path_.c_str());
  }
  TracefsInstance(const TracefsInstance&) = delete;
  TracefsInstance& operator=(const TracefsInstance&) = delete;

  fs::path event_file(const catalogue::Event& event, const char* name) const {
    return path_ / "events" / event.provider / event.name / name;
  }
  const fs::path& path() const { return path_; }

  // 0 on success, otherwise the errno of the write (EINVAL: rejected).
  static int write_file(const fs::path& file, const std::string& text) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return errno;
    const ssize_t written = ::write(fd, text.data(), text.size());
    const int error = written < 0 ? errno : written == static_cast<ssize_t>(text.size()) ? 0 : EIO;
    ::close(fd);
    return error;
  }


 private:
  fs::path path_;
};

using test_support::running_kernel_catalogue;

using namespace test_support::typed_ast;

using Op = ast::BinaryOp;

// One clause over `events`, typed as the earlier passes leave it, run
// through the pushdown pass.
class OneClause {
 public:
  OneClause(const catalogue::Catalogue& catalogue, const std::vector<std::string>& events) : catalogue_(catalogue) {
    program_.clauses.emplace_back();
    passes::ClauseInfo& info = context_.clauses.emplace_back();
    for (const std::string& event : events) {
      const std::size_t colon = event.find(':');
      const catalogue::Event* found = catalogue.find_event(event.substr(0, colon), event.substr(colon + 1));
      if (found == nullptr) throw std::runtime_error("the catalogue has no event " + event);
      info.events.push_back(found);
    }
  }

  ast::ExprPtr field(const std::string& name) {
    passes::ClauseInfo& info = context_.clauses.front();
    auto slot = std::find(info.field_slots.begin(), info.field_slots.end(), name);
    if (slot == info.field_slots.end()) slot = info.field_slots.insert(info.field_slots.end(), name);
    ast::ExprPtr expr = ast::make_expr(ast::FieldAccess{name, false}, span);
    expr->resolved.field_slot = static_cast<std::int32_t>(slot - info.field_slots.begin());
    const catalogue::Field* found = info.events.front()->find_field(name);
    if (found == nullptr) throw std::runtime_error("no field " + name);
    const catalogue::FieldLayout& layout = found->layout;
    const bool text =
        layout.kind == catalogue::FieldKind::String || layout.kind == catalogue::FieldKind::DynamicString;
    const catalogue::IntegerShape value = catalogue::value_shape(layout);
    expr->resolved.type =
        text ? ValueType::string() : ValueType::integer(static_cast<std::uint8_t>(value.size), value.is_signed);
    return expr;
  }

  const passes::ClauseInfo& push_down(ast::ExprPtr predicate) {
    program_.clauses.front().predicate = std::move(predicate);
    passes::push_down_filters(context_);
    return context_.clauses.front();
  }
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  const catalogue::Catalogue& catalogue_;
  SourceFile source_{"test.d", ""};
  CompileOptions options_;
  Diagnostics diagnostics_;
  ast::Program program_;
  passes::Context context_{source_, catalogue_, options_, diagnostics_, program_, {}, {}, {}, {}, {}, 0, {}};
};

class FilterPushdownKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_TRACEFS();
    catalogue_ = running_kernel_catalogue();
    ASSERT_TRUE(catalogue_) << "the running kernel has no catalogue although its tracefs is readable";
  }
  std::optional<catalogue::Catalogue> catalogue_;
};

struct Case {
  std::vector<std::string> events;
  std::function<ast::ExprPtr(OneClause&)> predicate;
};

TEST_F(FilterPushdownKernel, TheKernelAcceptsEveryFilterThePassWrites) {
  const std::vector<std::string> sched_switch{"sched:sched_switch"};
  const std::vector<Case> cases = {
      {sched_switch,
       [](OneClause& c) {
         return binary(Op::LogicalAnd,
                       binary(Op::LogicalAnd, binary(Op::Equal, c.field("prev_pid"), integer(42)),
                              binary(Op::BitAnd, c.field("prev_state"), integer(2))),
                       binary(Op::NotEqual, c.field("next_comm"), string("idle")));
       }},
      {sched_switch, [](OneClause& c) { return binary(Op::Equal, c.field("prev_state"), negative(1)); }},
      {sched_switch, [](OneClause& c) { return binary(Op::Greater, c.field("prev_pid"), negative(2147483648u)); }},
      {sched_switch,
       [](OneClause& c) {
         return binary(Op::LogicalOr,
                       logical_not(binary(Op::Equal, binary(Op::BitAnd, c.field("prev_state"), integer(1)), integer(0))),
                       binary(Op::LogicalAnd, binary(Op::Less, integer(10), c.field("next_prio")),
                              logical_not(c.field("next_pid"))));
       }},
      {sched_switch, [](OneClause& c) { return binary(Op::Glob, c.field("prev_comm"), string("*sh")); }},
      {sched_switch, [](OneClause& c) { return binary(Op::Glob, c.field("prev_comm"), string("*as*")); }},
      {sched_switch, [](OneClause& c) { return binary(Op::Glob, c.field("prev_comm"), string("*")); }},
      {sched_switch,
       [](OneClause& c) { return binary(Op::Glob, c.field("prev_comm"), string("k[a-z0-9]*worker[!/]*")); }},
      {sched_switch, [](OneClause& c) { return binary(Op::Equal, c.field("prev_comm"), string("say \"hi\"")); }},
      {sched_switch, [](OneClause& c) { return binary(Op::Equal, c.field("prev_comm"), string("it's")); }},
      {sched_switch, [](OneClause& c) { return binary(Op::Equal, c.field("prev_comm"), string("a && (b) || c")); }},
      {sched_switch, [](OneClause& c) { return binary(Op::NotEqual, c.field("prev_comm"), string("")); }},
      {sched_switch,
       [](OneClause& c) { return binary(Op::Equal, c.field("prev_comm"), string(std::string(255, 'x'))); }},
      {sched_switch,
       [](OneClause&) {
         return binary(Op::LogicalAnd,
                       binary(Op::LogicalAnd, binary(Op::Equal, tid(), integer(1)),
                              binary(Op::Glob, execname(), string("*probity*"))),
                       binary(Op::GreaterEqual, cpu(), integer(0)));
       }},
      {{"block:block_rq_issue"},
       [](OneClause& c) {
         return binary(Op::LogicalAnd,
                       binary(Op::LogicalAnd,
                              binary(Op::GreaterEqual, c.field("sector"), integer(18446744073709551615u, true)),
                              binary(Op::Equal, c.field("ioprio"), integer(65535))),
                       binary(Op::BitAnd, c.field("nr_sector"), integer(4)));
       }},
      {{"sched:sched_process_exec"},
       [](OneClause& c) {
         return binary(Op::LogicalAnd, binary(Op::Glob, c.field("filename"), string("/usr/*")),
                       binary(Op::NotEqual, c.field("filename"), string("/bin/sh")));
       }},
      {{"sched:sched_wakeup", "sched:sched_waking"},
       [](OneClause& c) {
         return binary(Op::LogicalAnd, binary(Op::Greater, c.field("pid"), integer(100)),
                       binary(Op::Glob, c.field("comm"), string("*d")));
       }},
      // System call arguments read as their C type from unsigned long slots.
      {{"syscalls:sys_enter_kill"},
       [](OneClause& c) {
         return binary(Op::LogicalAnd,
                       binary(Op::LogicalAnd, binary(Op::Less, c.field("pid"), integer(0)),
                              binary(Op::NotEqual, c.field("sig"), integer(9))),
                       binary(Op::BitAnd, c.field("pid"), negative(2)));
       }},
      {{"syscalls:sys_enter_lseek"},
       [](OneClause& c) {
         return binary(Op::LogicalOr, binary(Op::Less, c.field("offset"), negative(2)),
                       binary(Op::GreaterEqual, c.field("offset"), integer(4096)));
       }},
  };

  const TracefsInstance instance;
  for (const Case& test : cases) {
    OneClause clause(*catalogue_, test.events);
    const passes::ClauseInfo& info = clause.push_down(test.predicate(clause));
    ASSERT_FALSE(info.kernel_filter.empty()) << "nothing pushed for a case over " << test.events.front();
    EXPECT_TRUE(info.residual.empty()) << info.kernel_filter;
    EXPECT_TRUE(clause.diagnostics().all().empty()) << info.kernel_filter;
    for (const catalogue::Event* event : info.events) {
      const fs::path filter_file = instance.event_file(*event, "filter");
      EXPECT_EQ(TracefsInstance::write_file(filter_file, info.kernel_filter), 0)
          << event->provider << ":" << event->name << " rejects " << info.kernel_filter << "\n"
          << test_support::read_file(filter_file);
      EXPECT_EQ(test_support::read_file(filter_file), info.kernel_filter + "\n");
      EXPECT_EQ(TracefsInstance::write_file(filter_file, "0"), 0);
    }
  }
}

// Runs `body` in a child process that waits for the go-ahead; returns its pid.
class Child {
 public:
  explicit Child(const std::function<void()>& body) {
    if (::pipe2(go_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::close(go_[1]);
      char byte = 0;
      if (::read(go_[0], &byte, 1) != 1) ::_exit(2);
      body();
      ::_exit(0);
    }
    ::close(go_[0]);
  }
  ~Child() {
    if (go_[1] >= 0) ::close(go_[1]);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Lets it run and waits for it; true when it exited with status 0.
  bool run() {
    const char byte = 1;
    const bool sent = ::write(go_[1], &byte, 1) == 1;
    ::close(go_[1]);
    go_[1] = -1;
    int status = 0;
    const bool waited = ::waitpid(pid_, &status, 0) == pid_;
    pid_ = -1;
    return sent && waited && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

 private:
  int go_[2] = {-1, -1};
  pid_t pid_ = -1;
};

void call_getppid(int times) {
  for (int i = 0; i < times; ++i) ::syscall(SYS_getppid);
}

std::size_t count_records(const std::string& trace, const std::string& needle) {
  std::istringstream lines(trace);
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.front() != '#' && line.find(needle) != std::string::npos) ++count;
  }
  return count;
}

// Enables sys_enter_getppid in the instance with `filter`, runs `children`
// (and calls getppid from this process too), and returns the records traced.
std::size_t traced_getppid_calls(const TracefsInstance& instance, const catalogue::Event& event,
                                 const std::string& filter, std::vector<Child*> children) {
  EXPECT_EQ(TracefsInstance::write_file(instance.event_file(event, "filter"), filter), 0) << filter;
  EXPECT_EQ(TracefsInstance::write_file(instance.event_file(event, "enable"), "1"), 0);
  call_getppid(7);
  for (Child* child : children) EXPECT_TRUE(child->run());
  EXPECT_EQ(TracefsInstance::write_file(instance.event_file(event, "enable"), "0"), 0);
  return count_records(test_support::read_file(instance.path() / "trace"), "sys_getppid(");
}

TEST_F(FilterPushdownKernel, APushedTidFilterKeepsExactlyTheChildsEvents) {
  constexpr int calls = 25;
  Child child([] { call_getppid(calls); });
  Child other([] { call_getppid(11); });

  OneClause clause(*catalogue_, {"syscalls:sys_enter_getppid"});
  const passes::ClauseInfo& info =
      clause.push_down(binary(Op::Equal, tid(), integer(static_cast<std::uint64_t>(child.pid()))));
  ASSERT_EQ(info.kernel_filter, "common_pid == " + std::to_string(child.pid()));

  const TracefsInstance instance;
  EXPECT_EQ(traced_getppid_calls(instance, *info.events.front(), info.kernel_filter, {&child, &other}),
            static_cast<std::size_t>(calls));
}

TEST_F(FilterPushdownKernel, APushedExecnameSuffixGlobMatchesLikeFnmatch) {
  // The child's comm ends in the suffix; the other's only contains it.
  const std::string suffix = "pf" + std::to_string(::getpid() % 100000);
  constexpr int calls = 13;
  Child child([&] {
    ::prctl(PR_SET_NAME, ("x" + suffix).c_str());
    call_getppid(calls);
  });
  Child other([&] {
    ::prctl(PR_SET_NAME, (suffix + "y").c_str());
    call_getppid(17);
  });

  OneClause clause(*catalogue_, {"syscalls:sys_enter_getppid"});
  const passes::ClauseInfo& info = clause.push_down(binary(Op::Glob, execname(), string("*" + suffix)));
  ASSERT_EQ(info.kernel_filter, "COMM ~ \"**" + suffix + "\"");

  const TracefsInstance instance;
  EXPECT_EQ(traced_getppid_calls(instance, *info.events.front(), info.kernel_filter, {&child, &other}),
            static_cast<std::size_t>(calls));
}

}  // namespace
}  // namespace probity::compiler
