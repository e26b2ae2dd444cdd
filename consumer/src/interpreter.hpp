// The clause interpreter (Probity's DIF emulator): per record, a clause's
// predicate, then its statements, over the flat typed nodes the compiler
// emitted. Integers are 64-bit with C semantics and the node's type; a
// run-time error (division by zero, an index out of range) abandons the
// clause for that record and discards what it recorded, is reported on
// stderr and counted, and fires the ERROR probe's clauses, as in DTrace.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <traceevent/event-parse.h>

#include "aggregation.hpp"
#include "aggregation_print.hpp"
#include "output_format.hpp"
#include "printf.hpp"
#include "probity/compiler/format.hpp"
#include "probity/compiler/program.hpp"
#include "probity/consumer/record.hpp"
#include "process_info.hpp"
#include "variables.hpp"

namespace probity::consumer {

// One field slot of a clause on one event.
struct FieldSlot {
  const tep_format_field* field = nullptr;
  catalogue::FieldKind kind = catalogue::FieldKind::Integer;
  // An integer's value: its C type, which may be narrower than its slot
  // (catalogue::value_shape); the slot's low bytes are read as this type.
  compiler::ValueType value = compiler::ValueType::int64();
  // The names the running kernel's print format gives its values
  // (catalogue::value_names), for printf's %s of a symbolic field.
  std::optional<catalogue::ValueNames> names = std::nullopt;
};

// A run-time error of a clause: the ERROR probe's arguments (arg1..arg5),
// as DTrace for Linux gives them.
struct RuntimeFault {
  std::int64_t probe_id = 0;   // arg1: the id of the probe whose clause failed
  std::int64_t clause = 0;     // arg2: the clause's index in the program, from 0
  std::int64_t offset = -1;    // arg3: no DIF offsets in Probity
  compiler::Fault fault = compiler::Fault::Unknown;  // arg4
  std::int64_t value = 0;      // arg5: the bad index, 0 for most faults
};

// What a clause runs on: a record of a tracepoint, or a BEGIN/END/tick/ERROR firing.
struct Firing {
  const Record* record = nullptr;
  const std::vector<FieldSlot>* slots = nullptr;
  unsigned cpu = 0;
  std::uint64_t timestamp = 0;  // CLOCK_MONOTONIC ns
  pid_t tid = 0;
  std::string_view provider;    // "sched", "dtrace" (BEGIN, END, ERROR), "profile" (tick-N)
  std::string_view name;        // "sched_switch", "BEGIN", "tick-1sec"
  int probe_id = 0;             // the tracefs event id; 1 BEGIN, 2 END, 3 ERROR, 4 tick
  compiler::ProbeKind kind = compiler::ProbeKind::Tracepoint;
  const RuntimeFault* fault = nullptr;  // ERROR: what failed
  // The kernel stack the stacktrace trigger recorded after the event
  // (innermost frame first); nullptr where there is none.
  const std::vector<std::uint64_t>* stack = nullptr;
  // The event's kernel filter is exactly this clause's pushed-down part:
  // only the residual predicate is left to evaluate.
  bool filter_is_own = false;
};

struct RuntimeSettings {
  bool quiet = false;
  std::size_t strsize = 256;
  std::size_t dynvarsize = 1 << 20;
  std::size_t nspec = 1;
  SortOrder order;
  pid_t target = 0;
  std::int64_t realtime_offset = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC at start, ns
  std::filesystem::path tracing;     // tracefs root, for saved_cmdlines; empty for none
};

class Interpreter {
 public:
  // `format` renders what clauses record; it must outlive the interpreter.
  Interpreter(const compiler::Program& program, RuntimeSettings settings, OutputFormat& format,
              std::ostream& errors);

  // Runs one clause for one firing; its rendered output is appended to output().
  void run(const compiler::Clause& clause, const Firing& firing);
  // Call once per record before its clauses (this-> variables are per firing).
  void begin_firing() { variables_.begin_event(); }
  // Call once per batch of records: the time cached process facts age by.
  void set_batch_time(std::chrono::steady_clock::time_point now) {
    processes_.set_now(now);
    last_thread_ = nullptr;
  }
  // What execname, pid, ppid, uid and gid are read from, for the support
  // events to update (which may rename the thread cached for the last record).
  ProcessInfo& processes() {
    last_thread_ = nullptr;
    return processes_;
  }

  std::string& output() { return output_; }
  std::optional<int> exit_status() const { return exit_status_; }
  Aggregations& aggregations() { return aggregations_; }
  const RuntimeSettings& settings() const { return settings_; }
  std::uint64_t errors() const { return errors_; }
  std::uint64_t take_dynamic_drops() { return variables_.take_dynamic_drops(); }
  std::uint64_t take_speculation_drops() { return std::exchange(speculation_drops_, 0); }

  // What DTrace prints when the run ends: every non-empty aggregation
  // printa() has not printed (see print_at_exit).
  std::string print_all_aggregations();

 private:
  struct ClauseError {
    compiler::Fault fault;
    std::string detail;      // said after DTrace's words for the fault; "" for none
    std::int64_t value = 0;  // arg5
  };

  // The ERROR probe for a clause that failed: reported on stderr (as
  // dtrace's own ERROR enabling does) and its clauses run; an error in an
  // ERROR clause is not handled again, only counted and said in one line.
  void fire_error(const compiler::Clause& clause, const Firing& firing, const ClauseError& error);

  bool execute(const std::vector<compiler::Statement>& statements);
  Value evaluate(std::uint32_t node);
  // evaluate(node) into an existing value, reusing its string buffer.
  void evaluate_into(std::uint32_t node, Value& into);
  // An integer-typed node without building a Value (most of a predicate's
  // and an aggregation argument's nodes); anything else through evaluate().
  std::int64_t integer(std::uint32_t node);
  // Whether a node is non-zero (a non-empty string).
  bool truth(std::uint32_t node);
  std::optional<std::int64_t> integer_binary(const compiler::Node& node);
  std::optional<std::int64_t> integer_builtin(compiler::Builtin which);
  Value call(const compiler::Node& node);
  Value value_name(std::uint32_t index);
  Value builtin(compiler::Builtin which);
  Value field(std::uint32_t slot);
  Value element(std::uint32_t slot, std::int64_t index, const compiler::ValueType& type);
  Value binary(const compiler::Node& node);
  Key keys(const compiler::Node& node, std::size_t count);
  std::int64_t arithmetic(std::uint8_t op, std::int64_t left, std::int64_t right, bool is_unsigned);
  Value limit(std::string text) const;
  const std::vector<compiler::FormatPiece>& format(std::uint32_t string_id);
  void emit(const std::string& text);
  // Consecutive records mostly come from one thread: within a batch its facts
  // are looked up once.
  const ThreadInfo& thread() {
    if (last_thread_ == nullptr || last_tid_ != firing_->tid) {
      last_thread_ = &processes_.thread(firing_->tid);
      last_tid_ = firing_->tid;
    }
    return *last_thread_;
  }

  const compiler::Program& program_;
  RuntimeSettings settings_;
  OutputFormat& format_;
  std::ostream& errors_stream_;
  Variables variables_;
  Aggregations aggregations_;
  Printer printer_;
  ProcessInfo processes_;
  std::map<std::uint32_t, std::vector<compiler::FormatPiece>> formats_;
  Key aggregation_key_;
  const ThreadInfo* last_thread_ = nullptr;
  pid_t last_tid_ = 0;

  std::string output_;
  std::optional<int> exit_status_;
  std::uint64_t errors_ = 0;
  std::vector<const compiler::Clause*> error_clauses_;  // the clauses of the ERROR probe
  bool in_error_probe_ = false;
  std::vector<bool> printed_;  // by printa(): not printed again at exit, as in DTrace

  // Speculative buffers: id -> rendered output; 0 is no speculation.
  std::map<std::int64_t, std::string> speculations_;
  std::int64_t next_speculation_ = 1;
  std::uint64_t speculation_drops_ = 0;

  // The clause being run.
  const compiler::Clause* clause_ = nullptr;
  const Firing* firing_ = nullptr;
  std::uint32_t line_ = 0;
  bool prefix_printed_ = false;
  std::int64_t speculating_ = 0;
  std::size_t speculation_mark_ = 0;  // the size of the speculation when speculate() chose it
};

}  // namespace probity::consumer
