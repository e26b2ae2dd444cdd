#include "builtins.hpp"

#include <array>

namespace probity::compiler {
namespace {

using stability::Attributes;
using stability::DependencyClass;
using stability::Level;

constexpr Attributes stable{Level::Stable, Level::Stable, DependencyClass::Common};
constexpr Attributes stable_name_evolving_data{Level::Stable, Level::Evolving, DependencyClass::Common};
constexpr Attributes evolving{Level::Evolving, Level::Evolving, DependencyClass::Common};

constexpr std::array builtins{
    BuiltinInfo{Builtin::Pid, "pid", ValueType::int64(), stable,
                "the thread group id of the current task, as in DTrace"},
    BuiltinInfo{Builtin::Tid, "tid", ValueType::int64(), stable,
                "the record's common_pid: the kernel's task id"},
    BuiltinInfo{Builtin::Ppid, "ppid", ValueType::int64(), stable_name_evolving_data,
                "read from /proc when the record is consumed, so a parent that changed or a task that exited in between gives 0"},
    BuiltinInfo{Builtin::Uid, "uid", ValueType::int64(), stable_name_evolving_data,
                "read from /proc when the record is consumed, not when the event fired"},
    BuiltinInfo{Builtin::Gid, "gid", ValueType::int64(), stable_name_evolving_data,
                "read from /proc when the record is consumed, not when the event fired"},
    BuiltinInfo{Builtin::Execname, "execname", ValueType::string(), stable,
                "the current task's comm at the time of the event"},
    BuiltinInfo{Builtin::Cpu, "cpu", ValueType::int64(), stable,
                "the CPU whose ring buffer holds the record"},
    BuiltinInfo{Builtin::Timestamp, "timestamp", ValueType::uint64(), stable,
                "the record's ring-buffer timestamp in nanoseconds (the instance's trace clock)"},
    BuiltinInfo{Builtin::Walltimestamp, "walltimestamp", ValueType::uint64(), stable,
                "nanoseconds since the Unix epoch, from the record timestamp and the clock offset at start"},
    BuiltinInfo{Builtin::Probeprov, "probeprov", ValueType::string(), stable,
                "the provider (tracepoint system) of the probe that fired"},
    BuiltinInfo{Builtin::Probename, "probename", ValueType::string(), stable,
                "the name of the probe that fired"},
    BuiltinInfo{Builtin::Probe, "probe", ValueType::string(), evolving,
                "bpftrace's full probe name; its spelling follows Probity's provider:event form"},
    BuiltinInfo{Builtin::Target, "$target", ValueType::int64(), stable,
                "the pid of the process given with -c or -p, as in DTrace"},
    BuiltinInfo{Builtin::Id, "id", ValueType::int64(), stable_name_evolving_data,
                "the probe id: the tracefs event id of a tracepoint, which differs between kernels; "
                "1, 2 and 3 for BEGIN, END and ERROR as in DTrace"},
    BuiltinInfo{Builtin::Arg0, "arg0", ValueType::int64(), evolving, "ERROR's arg0 is 0"},
    BuiltinInfo{Builtin::Arg1, "arg1", ValueType::int64(), evolving,
                "ERROR's arg1: the probe id of the firing whose clause failed, as in DTrace for Linux"},
    BuiltinInfo{Builtin::Arg2, "arg2", ValueType::int64(), evolving,
                "ERROR's arg2: the index of the clause that failed in the program, from 0, as in DTrace for Linux"},
    BuiltinInfo{Builtin::Arg3, "arg3", ValueType::int64(), evolving,
                "ERROR's arg3: the offset of the failing operation, -1 as Probity has no DIF offsets"},
    BuiltinInfo{Builtin::Arg4, "arg4", ValueType::int64(), stable, "ERROR's arg4: the fault, a DTRACEFLT_* constant"},
    BuiltinInfo{Builtin::Arg5, "arg5", ValueType::int64(), evolving,
                "ERROR's arg5: the value that faulted (the index out of bounds), 0 for most faults"},
    BuiltinInfo{Builtin::Arg6, "arg6", ValueType::int64(), evolving, "0: no special probe has a seventh argument"},
    BuiltinInfo{Builtin::Arg7, "arg7", ValueType::int64(), evolving, "0: no special probe has an eighth argument"},
    BuiltinInfo{Builtin::Arg8, "arg8", ValueType::int64(), evolving, "0: no special probe has a ninth argument"},
    BuiltinInfo{Builtin::Arg9, "arg9", ValueType::int64(), evolving, "0: no special probe has a tenth argument"},
};
static_assert(builtins.size() == builtin_count, "one entry per Builtin, in its order");

// D's named constants (DTrace defines them in its library of inline
// declarations): the fault codes the ERROR probe passes in arg4.
struct NamedConstant {
  std::string_view name;
  std::int64_t value;
};
constexpr NamedConstant fault(std::string_view name, Fault code) { return {name, static_cast<std::int64_t>(code)}; }
constexpr std::array named_constants{
    fault("DTRACEFLT_UNKNOWN", Fault::Unknown),
    fault("DTRACEFLT_BADADDR", Fault::BadAddress),
    fault("DTRACEFLT_BADALIGN", Fault::BadAlign),
    fault("DTRACEFLT_ILLOP", Fault::IllegalOp),
    fault("DTRACEFLT_DIVZERO", Fault::DivideByZero),
    fault("DTRACEFLT_NOSCRATCH", Fault::NoScratch),
    fault("DTRACEFLT_KPRIV", Fault::KernelPrivilege),
    fault("DTRACEFLT_UPRIV", Fault::UserPrivilege),
    fault("DTRACEFLT_TUPOFLOW", Fault::TupleOverflow),
    fault("DTRACEFLT_BADSTACK", Fault::BadStack),
    fault("DTRACEFLT_BADSIZE", Fault::BadSize),
    fault("DTRACEFLT_BADINDEX", Fault::BadIndex),
    NamedConstant{"DTRACEFLT_LIBRARY", 1000},
};

struct Alias {
  std::string_view alias;
  std::string_view canonical;
};
constexpr std::array builtin_aliases{
    Alias{"comm", "execname"},
    Alias{"nsecs", "timestamp"},
};

constexpr std::uint8_t id(Function f) { return static_cast<std::uint8_t>(f); }
constexpr std::uint8_t id(AggregatingFunction f) { return static_cast<std::uint8_t>(f); }

constexpr std::array functions{
    FunctionInfo{"trace", FunctionKind::Action, id(Function::Trace), stable, "DTrace's trace()"},
    FunctionInfo{"printf", FunctionKind::Action, id(Function::Printf), stable, "DTrace's printf() conversions"},
    FunctionInfo{"printa", FunctionKind::Action, id(Function::Printa), stable, "DTrace's printa() output shape"},
    FunctionInfo{"clear", FunctionKind::Action, id(Function::Clear), stable, "DTrace's clear()"},
    FunctionInfo{"trunc", FunctionKind::Action, id(Function::Trunc), stable, "DTrace's trunc()"},
    FunctionInfo{"normalize", FunctionKind::Action, id(Function::Normalize), stable, "DTrace's normalize()"},
    FunctionInfo{"exit", FunctionKind::Action, id(Function::Exit), stable, "DTrace's exit()"},
    FunctionInfo{"stack", FunctionKind::Action, id(Function::Stack), stable_name_evolving_data,
                 "the frames are kernel function names, which change from one kernel build to the next"},
    FunctionInfo{"speculation", FunctionKind::Subroutine, id(Function::Speculation), evolving,
                 "speculative tracing follows DTrace but its buffer limits are Probity's own"},
    FunctionInfo{"speculate", FunctionKind::Action, id(Function::Speculate), evolving,
                 "speculative tracing follows DTrace but its buffer limits are Probity's own"},
    FunctionInfo{"commit", FunctionKind::Action, id(Function::Commit), evolving,
                 "speculative tracing follows DTrace but its buffer limits are Probity's own"},
    FunctionInfo{"discard", FunctionKind::Action, id(Function::Discard), evolving,
                 "speculative tracing follows DTrace but its buffer limits are Probity's own"},
    FunctionInfo{"delete", FunctionKind::Action, id(Function::Delete), evolving, "bpftrace's delete()"},
    FunctionInfo{"strlen", FunctionKind::Subroutine, id(Function::Strlen), stable, "DTrace's strlen()"},
    FunctionInfo{"strjoin", FunctionKind::Subroutine, id(Function::Strjoin), stable, "DTrace's strjoin()"},
    FunctionInfo{"substr", FunctionKind::Subroutine, id(Function::Substr), stable, "DTrace's substr()"},
    FunctionInfo{"strstr", FunctionKind::Subroutine, id(Function::Strstr), stable, "DTrace's strstr()"},
    FunctionInfo{"str", FunctionKind::Subroutine, id(Function::Str), evolving, "bpftrace's str() on values Probity already has"},
    FunctionInfo{"lltostr", FunctionKind::Subroutine, id(Function::Lltostr), stable, "DTrace's lltostr()"},
    FunctionInfo{"count", FunctionKind::Aggregating, id(AggregatingFunction::Count), stable, "DTrace's count()"},
    FunctionInfo{"sum", FunctionKind::Aggregating, id(AggregatingFunction::Sum), stable, "DTrace's sum()"},
    FunctionInfo{"avg", FunctionKind::Aggregating, id(AggregatingFunction::Avg), stable, "DTrace's avg()"},
    FunctionInfo{"min", FunctionKind::Aggregating, id(AggregatingFunction::Min), stable, "DTrace's min()"},
    FunctionInfo{"max", FunctionKind::Aggregating, id(AggregatingFunction::Max), stable, "DTrace's max()"},
    FunctionInfo{"stddev", FunctionKind::Aggregating, id(AggregatingFunction::Stddev), stable, "DTrace's stddev()"},
    FunctionInfo{"quantize", FunctionKind::Aggregating, id(AggregatingFunction::Quantize), stable, "DTrace's quantize()"},
    FunctionInfo{"lquantize", FunctionKind::Aggregating, id(AggregatingFunction::Lquantize), stable, "DTrace's lquantize()"},
    FunctionInfo{"llquantize", FunctionKind::Aggregating, id(AggregatingFunction::Llquantize), stable, "DTrace's llquantize()"},
};

constexpr std::array function_aliases{
    Alias{"hist", "quantize"},
    Alias{"lhist", "lquantize"},
    Alias{"print", "printa"},
    Alias{"stringof", "str"},
};

constexpr std::array unavailable{
    Unavailable{"copyinstr", "tracepoints record user pointers, not the user memory they point to",
                "use a field the tracepoint records as a string, or print the pointer with printf(\"%p\")"},
    Unavailable{"copyin", "tracepoints record user pointers, not the user memory they point to",
                "use the fields the tracepoint records"},
    Unavailable{"copyout", "Probity never writes to traced processes", "remove it: Probity only observes"},
    Unavailable{"copyoutstr", "Probity never writes to traced processes", "remove it: Probity only observes"},
    Unavailable{"ustack", "user stacks need perf events or uprobes; Probity uses static tracepoints only", "use stack() for the kernel stack"},
    Unavailable{"ksym", "Probity symbolises stack() frames but does not resolve arbitrary addresses", "use stack()"},
    Unavailable{"usym", "user symbols need uprobes; Probity uses static tracepoints only", "print the address with printf(\"%p\") and resolve it outside"},
    Unavailable{"system", "Probity has no destructive actions", "remove it: Probity only observes (print what to act on, and act outside)"},
    Unavailable{"raise", "Probity has no destructive actions", "remove it: Probity only observes (print what to act on, and act outside)"},
    Unavailable{"signal", "Probity has no destructive actions", "remove it: Probity only observes (print what to act on, and act outside)"},
    Unavailable{"stop", "Probity has no destructive actions", "remove it: Probity only observes (print what to act on, and act outside)"},
    Unavailable{"panic", "Probity has no destructive actions", "remove it: Probity only observes (print what to act on, and act outside)"},
    Unavailable{"chill", "Probity has no destructive actions", "remove it: Probity only observes (print what to act on, and act outside)"},
    Unavailable{"breakpoint", "Probity has no destructive actions", "remove it: Probity only observes (print what to act on, and act outside)"},
    Unavailable{"ustackdepth", "user stacks need uprobes; Probity uses static tracepoints only", "use stack() for the kernel stack"},
    Unavailable{"retval", "tracepoints have named fields rather than a return value", "use args->ret on a syscalls:sys_exit_* probe"},
    Unavailable{"probefunc", "static tracepoints have no function part", "use probename or probe"},
    Unavailable{"probemod", "static tracepoints have no module part", "use probeprov"},
    Unavailable{"func", "static tracepoints have no function part", "use probename or probe"},
    Unavailable{"errno", "the errno of a system call is its return value", "use args->ret on a syscalls:sys_exit_* probe"},
    Unavailable{"curthread", "Probity reads only what tracepoints record, never kernel memory", "use pid, tid, execname or the probe's args->FIELD"},
    Unavailable{"curpsinfo", "Probity reads only what tracepoints record, never kernel memory", "use pid, ppid, uid, execname"},
    Unavailable{"curtask", "Probity reads only what tracepoints record, never kernel memory", "use pid, tid, execname or the probe's args->FIELD"},
    Unavailable{"vtimestamp", "per-thread virtual time needs kernel code of ours", "use timestamp"},
    Unavailable{"elapsed", "not implemented", "use timestamp minus a value saved in BEGIN"},
    Unavailable{"cgroup", "not recorded by tracepoints in general", "use the cgroup provider's fields"},
};

}  // namespace

const BuiltinInfo* find_builtin(std::string_view name) {
  for (const Alias& alias : builtin_aliases) {
    if (alias.alias == name) name = alias.canonical;
  }
  for (const BuiltinInfo& info : builtins) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const BuiltinInfo& builtin_info(Builtin builtin) { return builtins.at(static_cast<std::size_t>(builtin)); }

std::string_view builtin_name(Builtin builtin) { return builtin_info(builtin).name; }

bool is_positional_argument(Builtin builtin) { return builtin >= Builtin::Arg0 && builtin <= Builtin::Arg9; }

std::optional<std::int64_t> find_named_constant(std::string_view name) {
  for (const NamedConstant& constant : named_constants) {
    if (constant.name == name) return constant.value;
  }
  return std::nullopt;
}

const FunctionInfo* find_function(std::string_view name) {
  for (const Alias& alias : function_aliases) {
    if (alias.alias == name) name = alias.canonical;
  }
  for (const FunctionInfo& info : functions) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const FunctionInfo& function_info(Function function) {
  for (const FunctionInfo& info : functions) {
    if (info.kind != FunctionKind::Aggregating && info.id == id(function)) return info;
  }
  return functions.front();
}

const FunctionInfo& function_info(AggregatingFunction function) {
  for (const FunctionInfo& info : functions) {
    if (info.kind == FunctionKind::Aggregating && info.id == id(function)) return info;
  }
  return functions.front();
}

const Unavailable* find_unavailable(std::string_view name) {
  for (const Unavailable& entry : unavailable) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace probity::compiler
