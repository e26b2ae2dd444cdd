#include "variables.hpp"

namespace probity::consumer {

using compiler::VariableScope;

Variables::Variables(const compiler::Program& program, std::size_t dynvarsize)
    : program_(program), limit_(dynvarsize), values_(program.variables.size()) {}

bool Variables::is_dynamic(std::uint32_t variable) const {
  const compiler::Variable& declared = program_.variables[variable];
  return declared.scope == VariableScope::Thread || !declared.key_types.empty();
}

Value Variables::zero(std::uint32_t variable) const {
  return program_.variables[variable].type.is_string() ? Value::of(std::string{}) : Value::of(0);
}

std::size_t Variables::footprint(const Key& key, const Value& value) {
  // Roughly what DTrace's dynamic variable of this key and value occupies.
  std::size_t bytes = 32 + 8 * key.size() + value.text.size();
  for (const Value& part : key) bytes += part.text.size();
  return bytes;
}

static Key full_key(const compiler::Variable& declared, pid_t tid, const Key& key) {
  if (declared.scope != VariableScope::Thread) return key;
  Key with_thread;
  with_thread.reserve(key.size() + 1);
  with_thread.push_back(Value::of(tid));
  with_thread.insert(with_thread.end(), key.begin(), key.end());
  return with_thread;
}

Value Variables::load(std::uint32_t variable, pid_t tid, const Key& key) const {
  const auto& values = values_[variable];
  const auto found = values.find(full_key(program_.variables[variable], tid, key));
  return found == values.end() ? zero(variable) : found->second;
}

void Variables::store(std::uint32_t variable, pid_t tid, const Key& key, Value value) {
  Key where = full_key(program_.variables[variable], tid, key);
  auto& values = values_[variable];
  if (!is_dynamic(variable)) {
    values[where] = std::move(value);
    return;
  }
  if (value.is_zero()) {
    erase(variable, tid, key);
    return;
  }
  const auto found = values.find(where);
  const std::size_t old_size = found == values.end() ? 0 : footprint(found->first, found->second);
  const std::size_t new_size = footprint(where, value);
  if (used_ - old_size + new_size > limit_) {
    ++drops_;
    return;
  }
  used_ = used_ - old_size + new_size;
  if (found == values.end()) {
    values.emplace(std::move(where), std::move(value));
  } else {
    found->second = std::move(value);
  }
}

void Variables::erase(std::uint32_t variable, pid_t tid, const Key& key) {
  auto& values = values_[variable];
  const auto found = values.find(full_key(program_.variables[variable], tid, key));
  if (found == values.end()) return;
  if (is_dynamic(variable)) used_ -= footprint(found->first, found->second);
  values.erase(found);
}

void Variables::begin_event() {
  for (std::size_t v = 0; v < values_.size(); ++v) {
    if (program_.variables[v].scope == VariableScope::Clause) values_[v].clear();
  }
}

void Variables::begin_clause() {
  for (std::size_t v = 0; v < values_.size(); ++v) {
    if (program_.variables[v].scope == VariableScope::Scratch) values_[v].clear();
  }
}

std::uint64_t Variables::take_dynamic_drops() { return std::exchange(drops_, 0); }

}  // namespace probity::consumer
