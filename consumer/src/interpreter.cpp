#include "interpreter.hpp"

#include <fnmatch.h>

#include <cstring>
#include <ctime>

namespace probity::consumer {

using compiler::Builtin;
using compiler::Function;
using compiler::Node;
using compiler::Op;
using compiler::Statement;
using compiler::ValueType;
using BinaryOp = compiler::BinaryOperator;
using UnaryOp = compiler::UnaryOperator;
using AssignOp = compiler::AssignOperator;

namespace {

bool is_unsigned64(const ValueType& type) { return type.is_integer() && type.size == 8 && !type.is_signed; }

std::uint64_t bits(std::int64_t value) { return static_cast<std::uint64_t>(value); }

// Compound assignment operators as the binary operator they apply.
BinaryOp binary_of(AssignOp op) {
  switch (op) {
    case AssignOp::Add: return BinaryOp::Add;
    case AssignOp::Subtract: return BinaryOp::Subtract;
    case AssignOp::Multiply: return BinaryOp::Multiply;
    case AssignOp::Divide: return BinaryOp::Divide;
    case AssignOp::Modulo: return BinaryOp::Modulo;
    case AssignOp::ShiftLeft: return BinaryOp::ShiftLeft;
    case AssignOp::ShiftRight: return BinaryOp::ShiftRight;
    case AssignOp::BitAnd: return BinaryOp::BitAnd;
    case AssignOp::BitXor: return BinaryOp::BitXor;
    case AssignOp::BitOr: return BinaryOp::BitOr;
    case AssignOp::Assign: break;
  }
  return BinaryOp::Add;
}

bool is_comparison(BinaryOp op) { return op >= BinaryOp::Less && op <= BinaryOp::NotEqual; }

// Whether a comparison holds for operands in this order (<0, 0, >0).
bool holds(BinaryOp op, int order) {
  switch (op) {
    case BinaryOp::Less: return order < 0;
    case BinaryOp::LessEqual: return order <= 0;
    case BinaryOp::Greater: return order > 0;
    case BinaryOp::GreaterEqual: return order >= 0;
    case BinaryOp::Equal: return order == 0;
    default: return order != 0;
  }
}

}  // namespace

Interpreter::Interpreter(const compiler::Program& program, RuntimeSettings settings, OutputFormat& format,
                         std::ostream& errors)
    : program_(program),
      settings_(settings),
      format_(format),
      errors_stream_(errors),
      variables_(program, settings.dynvarsize),
      aggregations_(program),
      processes_(settings.tracing),
      printed_(program.aggregations.size(), false) {
  for (const compiler::Clause& clause : program.clauses) {
    for (const compiler::ClauseProbe& probe : clause.probes) {
      if (probe.kind == compiler::ProbeKind::Error) {
        error_clauses_.push_back(&clause);
        break;
      }
    }
  }
}

void Interpreter::run(const compiler::Clause& clause, const Firing& firing) {
  clause_ = &clause;
  firing_ = &firing;
  line_ = clause.line;
  prefix_printed_ = false;
  speculating_ = 0;
  variables_.begin_clause();
  const std::size_t output_mark = output_.size();
  try {
    const std::optional<std::uint32_t>& predicate = firing.filter_is_own ? clause.residual : clause.predicate;
    if (predicate && !truth(*predicate)) return;
    if (clause.body.empty() && !settings_.quiet) emit("");
    execute(clause.body);
  } catch (const ClauseError& error) {
    // As DTrace drops the record of a clause that faulted: nothing it
    // traced is output (its variables and aggregations keep what it did).
    output_.resize(output_mark);
    if (prefix_printed_) format_.retract_probe();
    if (speculating_ > 0) {
      const auto found = speculations_.find(speculating_);
      if (found != speculations_.end()) found->second.resize(speculation_mark_);
    }
    fire_error(clause, firing, error);
    return;
  }
  if (prefix_printed_) emit(format_.probe_end());
}

namespace {

// DTrace's words for a fault (dtrace_faultstr).
std::string_view fault_words(compiler::Fault fault) {
  using compiler::Fault;
  switch (fault) {
    case Fault::BadAddress: return "invalid address";
    case Fault::BadAlign: return "invalid alignment";
    case Fault::IllegalOp: return "illegal operation";
    case Fault::DivideByZero: return "divide-by-zero";
    case Fault::NoScratch: return "out of scratch space";
    case Fault::KernelPrivilege: return "invalid kernel access";
    case Fault::UserPrivilege: return "invalid user access";
    case Fault::TupleOverflow: return "tuple stack overflow";
    case Fault::BadStack: return "bad stack";
    case Fault::BadSize: return "invalid size";
    case Fault::BadIndex: return "index out of bounds";
    case Fault::Unknown: break;
  }
  return "unknown fault";
}

// "divide-by-zero", "index out of bounds (index 6 of args, which has 6 elements)".
std::string fault_text(compiler::Fault fault, const std::string& detail) {
  return std::string(fault_words(fault)) + (detail.empty() ? "" : " (" + detail + ")");
}

// The probe as DTrace names it in error messages: "dtrace:::BEGIN",
// "profile:::tick-1s", "sched:sched_switch".
std::string probe_text(const Firing& firing) {
  switch (firing.kind) {
    case compiler::ProbeKind::Tracepoint: return std::string(firing.provider) + ":" + std::string(firing.name);
    default: return std::string(firing.provider) + ":::" + std::string(firing.name);
  }
}

}  // namespace

void Interpreter::fire_error(const compiler::Clause& clause, const Firing& firing, const ClauseError& error) {
  ++errors_;
  if (in_error_probe_) {
    errors_stream_ << "probity: 1 error in ERROR probe enabling (line " << line_ << ": "
                   << fault_text(error.fault, error.detail) << ")\n";
    return;
  }
  const RuntimeFault fault{firing.probe_id, &clause - program_.clauses.data(), -1, error.fault, error.value};
  errors_stream_ << "probity: error in clause " << fault.clause << " for probe ID " << firing.probe_id << " ("
                 << probe_text(firing) << "): " << fault_text(error.fault, error.detail) << " at line " << line_ << "\n";
  if (error_clauses_.empty()) return;

  // ERROR fires in the middle of the failed firing, in its context (CPU,
  // thread, time), with this-> and $scratch variables of its own.
  Firing error_firing;
  error_firing.cpu = firing.cpu;
  error_firing.timestamp = firing.timestamp;
  error_firing.tid = firing.tid;
  error_firing.provider = "dtrace";
  error_firing.name = "ERROR";
  error_firing.probe_id = 3;
  error_firing.kind = compiler::ProbeKind::Error;
  error_firing.fault = &fault;
  Variables::Locals interrupted = variables_.set_aside_locals();
  in_error_probe_ = true;
  for (const compiler::Clause* handler : error_clauses_) {
    run(*handler, error_firing);
    if (exit_status_) break;
  }
  in_error_probe_ = false;
  variables_.restore_locals(std::move(interrupted));
  clause_ = &clause;
  firing_ = &firing;
}

bool Interpreter::execute(const std::vector<Statement>& statements) {
  for (const Statement& statement : statements) {
    if (statement.line != 0) line_ = statement.line;
    switch (statement.kind) {
      case Statement::Kind::Evaluate: {
        const Node& node = clause_->nodes[statement.expression];
        const Value value = evaluate(statement.expression);
        // stack() as a statement records the stack, as trace() records a value.
        if (node.op == Op::Call && static_cast<Function>(node.symbol) == Function::Stack) {
          emit(format_.trace(*firing_, value, node.type));
        }
        break;
      }
      case Statement::Kind::Aggregate: {
        // One key reused for every record: no allocation per event.
        Key& key = aggregation_key_;
        key.resize(statement.keys.size());
        for (std::size_t k = 0; k < statement.keys.size(); ++k) evaluate_into(statement.keys[k], key[k]);
        const std::int64_t value = statement.arguments.empty() ? 1 : integer(statement.arguments.front());
        if (speculating_ == 0) aggregations_.aggregate(statement.aggregation, key, value);
        break;
      }
      case Statement::Kind::If:
        execute(truth(statement.expression) ? statement.then_body : statement.else_body);
        break;
    }
  }
  return true;
}

// Rendered output a clause records: into the current speculation, or the
// output after the firing's probe record ("CPU ID FUNCTION:NAME") unless quiet.
void Interpreter::emit(const std::string& text) {
  if (speculating_ != 0) {
    const auto found = speculations_.find(speculating_);
    if (found != speculations_.end()) found->second += text;
    return;
  }
  if (!settings_.quiet && !prefix_printed_ && firing_ != nullptr) {
    output_ += format_.probe(*firing_);
    prefix_printed_ = true;
  }
  output_ += text;
}

Value Interpreter::limit(std::string text) const {
  if (text.size() > settings_.strsize) text.resize(settings_.strsize);
  return Value::of(std::move(text));
}

void Interpreter::evaluate_into(std::uint32_t index, Value& into) {
  const Node& node = clause_->nodes[index];
  // The commonest aggregation keys, without building a Value: execname
  // copied straight into the key's buffer, integers evaluated in place.
  if (node.op == Op::Builtin && static_cast<Builtin>(node.symbol) == Builtin::Execname) {
    const std::string& comm = thread().comm;
    into.is_string = true;
    into.integer = 0;
    into.text.assign(comm, 0, std::min(comm.size(), settings_.strsize));
    return;
  }
  if (node.type.is_integer()) {
    into.integer = integer(index);
    into.is_string = false;
    into.text.clear();
    return;
  }
  into = evaluate(index);
}

Key Interpreter::keys(const Node& node, std::size_t count) {
  Key key;
  key.reserve(count);
  for (std::size_t i = 0; i < count; ++i) key.push_back(evaluate(node.children[i]));
  return key;
}

bool Interpreter::truth(std::uint32_t index) {
  if (clause_->nodes[index].type.is_integer()) return integer(index) != 0;
  return !evaluate(index).is_zero();
}

std::int64_t Interpreter::integer(std::uint32_t index) {
  const Node& node = clause_->nodes[index];
  switch (node.op) {
    case Op::Integer: return narrow(node.immediate, node.type);
    case Op::Builtin:
      if (const auto value = integer_builtin(static_cast<Builtin>(node.symbol))) return *value;
      break;
    case Op::Field: {
      if (firing_->record == nullptr || firing_->slots == nullptr || node.symbol >= firing_->slots->size()) break;
      const FieldSlot& slot = (*firing_->slots)[node.symbol];
      if (slot.kind == catalogue::FieldKind::String || slot.kind == catalogue::FieldKind::DynamicString) break;
      try {
        return narrow(integer_field(*firing_->record, *slot.field), slot.value);
      } catch (const RecordError& error) {
        throw ClauseError{compiler::Fault::BadAddress, error.what()};
      }
    }
    case Op::Load:
      if (node.children.empty()) {
        if (const auto value = variables_.load_integer(node.symbol, firing_->tid)) return *value;
      }
      break;
    case Op::Unary:
      switch (static_cast<UnaryOp>(node.sub)) {
        case UnaryOp::Negate: return narrow(static_cast<std::int64_t>(0 - bits(integer(node.children[0]))), node.type);
        case UnaryOp::Plus: return integer(node.children[0]);
        case UnaryOp::LogicalNot: return truth(node.children[0]) ? 0 : 1;
        case UnaryOp::BitNot: return narrow(~integer(node.children[0]), node.type);
      }
      return 0;
    case Op::Binary:
      if (const auto value = integer_binary(node)) return *value;
      break;
    case Op::Conditional: return integer(truth(node.children[0]) ? node.children[1] : node.children[2]);
    case Op::Cast: return narrow(integer(node.children[0]), node.type);
    default: break;
  }
  return evaluate(index).integer;
}

// A binary operator over integers; nullopt when a string is involved.
std::optional<std::int64_t> Interpreter::integer_binary(const Node& node) {
  const auto op = static_cast<BinaryOp>(node.sub);
  switch (op) {
    case BinaryOp::LogicalAnd: return truth(node.children[0]) && truth(node.children[1]) ? 1 : 0;
    case BinaryOp::LogicalOr: return truth(node.children[0]) || truth(node.children[1]) ? 1 : 0;
    case BinaryOp::LogicalXor: return truth(node.children[0]) != truth(node.children[1]) ? 1 : 0;
    case BinaryOp::Glob: return std::nullopt;
    default: break;
  }
  const ValueType& left_type = clause_->nodes[node.children[0]].type;
  const ValueType& right_type = clause_->nodes[node.children[1]].type;
  if (!left_type.is_integer() || !right_type.is_integer()) return std::nullopt;
  const std::int64_t left = integer(node.children[0]);
  const std::int64_t right = integer(node.children[1]);
  if (is_comparison(op)) {
    if (is_unsigned64(left_type) || is_unsigned64(right_type)) {
      return holds(op, bits(left) < bits(right) ? -1 : bits(left) > bits(right) ? 1 : 0);
    }
    return holds(op, left < right ? -1 : left > right ? 1 : 0);
  }
  return narrow(arithmetic(node.sub, left, right, is_unsigned64(node.type)), node.type);
}

Value Interpreter::evaluate(std::uint32_t index) {
  const Node& node = clause_->nodes[index];
  switch (node.op) {
    case Op::Integer: return Value::of(narrow(node.immediate, node.type));
    case Op::String: return Value::of(program_.strings[node.symbol]);
    case Op::Builtin: return builtin(static_cast<Builtin>(node.symbol));
    case Op::Field: return field(node.symbol);
    case Op::Element: return element(node.symbol, integer(node.children[0]), node.type);
    case Op::Load: {
      const Key key = keys(node, node.children.size());
      return variables_.load(node.symbol, firing_->tid, key);
    }
    case Op::Store: {
      const std::size_t key_count = node.children.size() - 1;
      const Key key = keys(node, key_count);
      Value value = evaluate(node.children.back());
      const auto op = static_cast<AssignOp>(node.sub);
      const compiler::Variable& variable = program_.variables[node.symbol];
      if (op != AssignOp::Assign) {
        const Value old = variables_.load(node.symbol, firing_->tid, key);
        value = Value::of(arithmetic(static_cast<std::uint8_t>(binary_of(op)), old.integer, value.integer,
                                     is_unsigned64(variable.type)));
      }
      if (value.is_string) {
        value = limit(std::move(value.text));
      } else {
        value.integer = narrow(value.integer, variable.type);
      }
      variables_.store(node.symbol, firing_->tid, key, value);
      return value;
    }
    case Op::IncDec: {
      const Key key = keys(node, node.children.size());
      const compiler::Variable& variable = program_.variables[node.symbol];
      const std::int64_t old = variables_.load(node.symbol, firing_->tid, key).integer;
      const std::int64_t updated =
          narrow(static_cast<std::int64_t>(bits(old) + ((node.sub & 1) != 0 ? 1U : ~std::uint64_t{0})), variable.type);
      variables_.store(node.symbol, firing_->tid, key, Value::of(updated));
      return Value::of((node.sub & 2) != 0 ? updated : old);
    }
    case Op::Unary:  // every unary operator gives an integer
    case Op::Cast: return Value::of(integer(index));
    case Op::Binary: return binary(node);
    case Op::Conditional: return evaluate(truth(node.children[0]) ? node.children[1] : node.children[2]);
    case Op::Call: return call(node);
    case Op::AggregationRef: return Value::of(0);
    case Op::MacroArg:
      throw ClauseError{compiler::Fault::IllegalOp, "macro argument $" + std::to_string(node.symbol) +
                        " has no value at run time (recompile from source with the argument)"};
  }
  return Value::of(0);
}

std::int64_t Interpreter::arithmetic(std::uint8_t op, std::int64_t left, std::int64_t right, bool is_unsigned) {
  const std::uint64_t l = bits(left);
  const std::uint64_t r = bits(right);
  switch (static_cast<BinaryOp>(op)) {
    case BinaryOp::Add: return static_cast<std::int64_t>(l + r);
    case BinaryOp::Subtract: return static_cast<std::int64_t>(l - r);
    case BinaryOp::Multiply: return static_cast<std::int64_t>(l * r);
    case BinaryOp::Divide:
    case BinaryOp::Modulo: {
      if (right == 0) throw ClauseError{compiler::Fault::DivideByZero, {}};
      const bool divide = static_cast<BinaryOp>(op) == BinaryOp::Divide;
      if (is_unsigned) return static_cast<std::int64_t>(divide ? l / r : l % r);
      if (left == INT64_MIN && right == -1) return divide ? INT64_MIN : 0;
      return divide ? left / right : left % right;
    }
    case BinaryOp::ShiftLeft: return static_cast<std::int64_t>(l << (r & 63));
    case BinaryOp::ShiftRight:
      return is_unsigned ? static_cast<std::int64_t>(l >> (r & 63)) : left >> (r & 63);
    case BinaryOp::BitAnd: return static_cast<std::int64_t>(l & r);
    case BinaryOp::BitXor: return static_cast<std::int64_t>(l ^ r);
    case BinaryOp::BitOr: return static_cast<std::int64_t>(l | r);
    default: return 0;
  }
}

Value Interpreter::binary(const Node& node) {
  if (const auto value = integer_binary(node)) return Value::of(*value);
  // A string operand: glob matching, or a comparison in strcmp's order.
  const auto op = static_cast<BinaryOp>(node.sub);
  const Value left = evaluate(node.children[0]);
  const Value right = evaluate(node.children[1]);
  if (op == BinaryOp::Glob) return Value::of(::fnmatch(right.text.c_str(), left.text.c_str(), 0) == 0 ? 1 : 0);
  if (is_comparison(op)) return Value::of(holds(op, std::strcmp(left.text.c_str(), right.text.c_str())) ? 1 : 0);
  return Value::of(narrow(arithmetic(node.sub, left.integer, right.integer, is_unsigned64(node.type)), node.type));
}

std::optional<std::int64_t> Interpreter::integer_builtin(Builtin which) {
  const Firing& firing = *firing_;
  switch (which) {
    case Builtin::Tid: return firing.tid;
    case Builtin::Pid: return thread().tgid;
    case Builtin::Ppid: return thread().ppid;
    case Builtin::Uid: return thread().uid;
    case Builtin::Gid: return thread().gid;
    case Builtin::Cpu: return firing.cpu;
    case Builtin::Timestamp: return static_cast<std::int64_t>(firing.timestamp);
    case Builtin::Walltimestamp: return static_cast<std::int64_t>(firing.timestamp) + settings_.realtime_offset;
    case Builtin::Target: return settings_.target;
    case Builtin::Id: return firing.probe_id;
    case Builtin::Arg0: return 0;
    case Builtin::Arg1: return firing.fault != nullptr ? firing.fault->probe_id : 0;
    case Builtin::Arg2: return firing.fault != nullptr ? firing.fault->clause : 0;
    case Builtin::Arg3: return firing.fault != nullptr ? firing.fault->offset : 0;
    case Builtin::Arg4: return firing.fault != nullptr ? static_cast<std::int64_t>(firing.fault->fault) : 0;
    case Builtin::Arg5: return firing.fault != nullptr ? firing.fault->value : 0;
    case Builtin::Arg6:
    case Builtin::Arg7:
    case Builtin::Arg8:
    case Builtin::Arg9: return 0;
    default: return std::nullopt;
  }
}

Value Interpreter::builtin(Builtin which) {
  if (const auto value = integer_builtin(which)) return Value::of(*value);
  const Firing& firing = *firing_;
  switch (which) {
    case Builtin::Execname: {
      const std::string& comm = thread().comm;
      return Value::of(comm.substr(0, std::min(comm.size(), settings_.strsize)));
    }
    case Builtin::Probeprov: return Value::of(std::string(firing.provider));
    case Builtin::Probename: return Value::of(std::string(firing.name));
    case Builtin::Probe:
      return Value::of(firing.record == nullptr ? std::string(firing.name)
                                                : std::string(firing.provider) + ":" + std::string(firing.name));
    default: break;
  }
  return Value::of(0);
}

Value Interpreter::field(std::uint32_t slot) {
  if (firing_->record == nullptr || firing_->slots == nullptr || slot >= firing_->slots->size()) {
    throw ClauseError{compiler::Fault::IllegalOp, "field " + (slot < clause_->field_slots.size() ? clause_->field_slots[slot] : "?") +
                      " read outside a tracepoint"};
  }
  const FieldSlot& field = (*firing_->slots)[slot];
  try {
    switch (field.kind) {
      case catalogue::FieldKind::String:
      case catalogue::FieldKind::DynamicString:
        return limit(std::string(string_field(*firing_->record, *field.field)));
      default:
        return Value::of(narrow(integer_field(*firing_->record, *field.field), field.value));
    }
  } catch (const RecordError& error) {
    throw ClauseError{compiler::Fault::BadAddress, error.what()};
  }
}

Value Interpreter::element(std::uint32_t slot, std::int64_t index, const ValueType& type) {
  if (firing_->record == nullptr || firing_->slots == nullptr || slot >= firing_->slots->size()) {
    throw ClauseError{compiler::Fault::IllegalOp, "array field read outside a tracepoint"};
  }
  const tep_format_field& field = *(*firing_->slots)[slot].field;
  const Record& record = *firing_->record;
  std::uint32_t start = static_cast<std::uint32_t>(field.offset);
  std::uint32_t length = static_cast<std::uint32_t>(field.size);
  if ((field.flags & TEP_FIELD_IS_DYNAMIC) != 0) {
    const auto word = static_cast<std::uint32_t>(unsigned_field(record, field));
    start = word & 0xffffU;
    length = word >> 16;
    if ((field.flags & TEP_FIELD_IS_RELATIVE) != 0) start += static_cast<std::uint32_t>(field.offset + field.size);
  }
  const std::uint32_t size = type.size == 0 ? 1 : type.size;
  const std::uint32_t count = length / size;
  if (index < 0 || static_cast<std::uint64_t>(index) >= count) {
    throw ClauseError{compiler::Fault::BadIndex,
                      "index " + std::to_string(index) + " of " + field.name + ", which has " + std::to_string(count) +
                          " elements",
                      index};
  }
  const std::uint32_t at = start + static_cast<std::uint32_t>(index) * size;
  if (at + size > record.size) {
    throw ClauseError{compiler::Fault::BadAddress, std::string("array field ") + field.name + " lies outside its record"};
  }
  std::uint64_t raw = 0;
  std::memcpy(&raw, record.data + at, size);  // little-endian
  ValueType element_type = type;
  element_type.kind = compiler::ValueKind::Integer;
  return Value::of(narrow(static_cast<std::int64_t>(raw), element_type));
}

const std::vector<compiler::FormatPiece>& Interpreter::format(std::uint32_t string_id) {
  auto found = formats_.find(string_id);
  if (found != formats_.end()) return found->second;
  auto parsed = compiler::parse_format(program_.strings[string_id]);
  std::vector<compiler::FormatPiece> pieces;
  if (auto* ok = std::get_if<std::vector<compiler::FormatPiece>>(&parsed)) {
    pieces = std::move(*ok);
  } else {
    throw ClauseError{compiler::Fault::IllegalOp, "bad format \"" + program_.strings[string_id] + "\": " +
                      std::get<compiler::FormatError>(parsed).message};
  }
  return formats_.emplace(string_id, std::move(pieces)).first->second;
}

Value Interpreter::call(const Node& node) {
  const auto argument = [&](std::size_t i) -> std::uint32_t { return node.children[i]; };
  const auto aggregation_of = [&](std::size_t i) { return clause_->nodes[argument(i)].symbol; };
  switch (static_cast<Function>(node.symbol)) {
    case Function::Trace: {
      const Value value = evaluate(argument(0));
      emit(format_.trace(*firing_, value, clause_->nodes[argument(0)].type));
      return Value::of(0);
    }
    case Function::Printf: {
      std::vector<Argument> arguments;
      for (std::size_t i = 1; i < node.children.size(); ++i) {
        arguments.push_back({evaluate(argument(i)), clause_->nodes[argument(i)].type});
      }
      emit(format_.printf(*firing_, printer_.format(format(clause_->nodes[argument(0)].symbol), arguments)));
      return Value::of(0);
    }
    case Function::Printa: {
      const bool has_format = clause_->nodes[argument(0)].op == Op::String;
      std::vector<std::uint32_t> printed;
      for (std::size_t i = has_format ? 1 : 0; i < node.children.size(); ++i) {
        printed.push_back(aggregation_of(i));
        printed_[printed.back()] = true;
      }
      if (has_format) {
        emit(format_.printa(aggregations_, printer_, format(clause_->nodes[argument(0)].symbol), printed,
                            settings_.order));
      } else {
        for (std::uint32_t aggregation : printed) emit(format_.aggregation(aggregations_, aggregation, settings_.order));
      }
      return Value::of(0);
    }
    case Function::Clear: aggregations_.clear(aggregation_of(0)); return Value::of(0);
    case Function::Trunc:
      aggregations_.trunc(aggregation_of(0),
                          node.children.size() > 1 ? std::optional<std::int64_t>(integer(argument(1))) : std::nullopt);
      return Value::of(0);
    case Function::Normalize: aggregations_.normalize(aggregation_of(0), integer(argument(1))); return Value::of(0);
    case Function::Exit:
      // exit() records its status, so the firing is shown ("CPU ID FUNCTION:NAME").
      emit("");
      // The first exit() ends the trace with its status; one in END replaces it.
      if (!exit_status_ || firing_->kind == compiler::ProbeKind::End) {
        exit_status_ = static_cast<int>(integer(argument(0)));
      }
      return Value::of(0);
    case Function::Stack: {
      if (firing_->stack == nullptr) return Value::of(std::string{});
      std::optional<std::size_t> depth;
      if (!node.children.empty()) depth = static_cast<std::size_t>(std::max<std::int64_t>(integer(argument(0)), 0));
      return Value::of(printer_.symbols().stack(*firing_->stack, depth));
    }
    case Function::Speculation: {
      if (speculations_.size() >= settings_.nspec) {
        ++speculation_drops_;
        return Value::of(0);
      }
      const std::int64_t id = next_speculation_++;
      speculations_.emplace(id, std::string{});
      return Value::of(id);
    }
    case Function::Speculate: {
      const std::int64_t id = integer(argument(0));
      if (const auto found = speculations_.find(id); found != speculations_.end()) {
        speculating_ = id;
        speculation_mark_ = found->second.size();
      } else {
        ++speculation_drops_;
        speculating_ = -1;  // records nothing
      }
      return Value::of(0);
    }
    case Function::Commit:
    case Function::Discard: {
      const std::int64_t id = integer(argument(0));
      const auto found = speculations_.find(id);
      if (found == speculations_.end()) return Value::of(0);
      std::string text = std::move(found->second);
      speculations_.erase(found);
      if (static_cast<Function>(node.symbol) == Function::Commit) emit(text);
      return Value::of(0);
    }
    case Function::Delete: {
      const Node& target = clause_->nodes[argument(0)];
      if (target.op == Op::Load) variables_.erase(target.symbol, firing_->tid, keys(target, target.children.size()));
      return Value::of(0);
    }
    case Function::Strlen: return Value::of(static_cast<std::int64_t>(evaluate(argument(0)).text.size()));
    case Function::Strjoin: return limit(evaluate(argument(0)).text + evaluate(argument(1)).text);
    case Function::Substr: {
      const std::string text = evaluate(argument(0)).text;
      const auto size = static_cast<std::int64_t>(text.size());
      std::int64_t start = integer(argument(1));
      std::int64_t length = node.children.size() > 2 ? integer(argument(2)) : size;
      if (start < 0) start = std::max<std::int64_t>(size + start, 0);
      if (start >= size || length <= 0) return Value::of(std::string{});
      length = std::min(length, size - start);
      return Value::of(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(length)));
    }
    case Function::Strstr: {
      const std::string haystack = evaluate(argument(0)).text;
      const std::size_t at = haystack.find(evaluate(argument(1)).text);
      return Value::of(at == std::string::npos ? std::string{} : haystack.substr(at));
    }
    case Function::Str: {
      const Value value = evaluate(argument(0));
      std::string text = value.is_string ? value.text : std::to_string(value.integer);
      if (node.children.size() > 1) {
        const std::int64_t length = integer(argument(1));
        if (length >= 0 && static_cast<std::size_t>(length) < text.size()) text.resize(static_cast<std::size_t>(length));
      }
      return limit(std::move(text));
    }
    case Function::Lltostr: return Value::of(std::to_string(integer(argument(0))));
    case Function::ValueName: return value_name(argument(0));
  }
  return Value::of(0);
}

// The name of a symbolic field's value in the running kernel's table; the
// number when the table has no name for it.
Value Interpreter::value_name(std::uint32_t index) {
  const Node& node = clause_->nodes[index];
  const std::int64_t value = integer(index);
  if (node.op == Op::Field && firing_->slots != nullptr && node.symbol < firing_->slots->size()) {
    const FieldSlot& slot = (*firing_->slots)[node.symbol];
    if (slot.names) {
      if (std::optional<std::string> name = slot.names->name_of(bits(value))) return limit(std::move(*name));
    }
  }
  return Value::of(is_unsigned64(node.type) ? std::to_string(bits(value)) : std::to_string(value));
}

std::string Interpreter::print_all_aggregations() {
  std::vector<std::uint32_t> unprinted;
  for (std::uint32_t a = 0; a < program_.aggregations.size(); ++a) {
    if (!printed_[a] && !aggregations_.empty(a)) unprinted.push_back(a);
  }
  return format_.at_exit(aggregations_, unprinted, settings_.order);
}

}  // namespace probity::consumer
