#include "variables.hpp"

namespace probity::consumer {

using compiler::VariableScope;

Variables::Variables(const compiler::Program& program, std::size_t dynvarsize)
    : program_(program),
      limit_(dynvarsize),
      storage_(program.variables.size()),
      scalars_(program.variables.size()),
      by_thread_(program.variables.size()),
      thread_memo_(program.variables.size()),
      keyed_(program.variables.size()) {
  for (std::uint32_t v = 0; v < program.variables.size(); ++v) {
    const compiler::Variable& declared = program.variables[v];
    if (!declared.key_types.empty()) {
      storage_[v] = Storage::Keyed;
    } else if (declared.scope == VariableScope::Thread) {
      storage_[v] = Storage::ThreadScalar;
    } else {
      storage_[v] = Storage::Scalar;
      scalars_[v] = zero(v);
    }
    if (declared.scope == VariableScope::Clause) per_event_.push_back(v);
    if (declared.scope == VariableScope::Scratch) per_clause_.push_back(v);
  }
}

Value Variables::zero(std::uint32_t variable) const {
  return program_.variables[variable].type.is_string() ? Value::of(std::string{}) : Value::of(0);
}

std::size_t Variables::key_bytes(const Key& key) {
  std::size_t bytes = 8 * key.size();
  for (const Value& part : key) bytes += part.text.size();
  return bytes;
}

std::size_t Variables::footprint(std::size_t key_bytes, const Value& value) {
  // Roughly what DTrace's dynamic variable of this key and value occupies.
  return 32 + key_bytes + value.text.size();
}

static Key full_key(const compiler::Variable& declared, pid_t tid, const Key& key) {
  if (declared.scope != VariableScope::Thread) return key;
  Key with_thread;
  with_thread.reserve(key.size() + 1);
  with_thread.push_back(Value::of(tid));
  with_thread.insert(with_thread.end(), key.begin(), key.end());
  return with_thread;
}

Value* Variables::thread_value(std::uint32_t variable, pid_t tid) const {
  ThreadMemo& memo = thread_memo_[variable];
  if (memo.value != nullptr && memo.tid == tid) return memo.value;
  const auto& values = by_thread_[variable];
  const auto found = values.find(tid);
  if (found == values.end()) return nullptr;
  // Only the non-const members write through the slot.
  memo = {tid, const_cast<Value*>(&found->second)};
  return memo.value;
}

Value Variables::load(std::uint32_t variable, pid_t tid, const Key& key) const {
  switch (storage_[variable]) {
    case Storage::Scalar: return scalars_[variable];
    case Storage::ThreadScalar: {
      const Value* value = thread_value(variable, tid);
      return value == nullptr ? zero(variable) : *value;
    }
    case Storage::Keyed: break;
  }
  const auto& values = keyed_[variable];
  const auto found = values.find(full_key(program_.variables[variable], tid, key));
  return found == values.end() ? zero(variable) : found->second;
}

std::optional<std::int64_t> Variables::load_integer(std::uint32_t variable, pid_t tid) const {
  if (!program_.variables[variable].type.is_integer()) return std::nullopt;
  switch (storage_[variable]) {
    case Storage::Scalar: return scalars_[variable].integer;
    case Storage::ThreadScalar: {
      const Value* value = thread_value(variable, tid);
      return value == nullptr ? 0 : value->integer;
    }
    case Storage::Keyed: break;
  }
  return std::nullopt;
}

void Variables::store(std::uint32_t variable, pid_t tid, const Key& key, Value value) {
  if (storage_[variable] == Storage::Scalar) {
    scalars_[variable] = std::move(value);
    return;
  }
  // Dynamic variables: assigning zero deletes.
  if (value.is_zero()) {
    erase(variable, tid, key);
    return;
  }
  store_dynamic(variable, tid, key, std::move(value));
}

void Variables::store_dynamic(std::uint32_t variable, pid_t tid, const Key& key, Value value) {
  if (storage_[variable] == Storage::ThreadScalar) {
    Value* slot = thread_value(variable, tid);
    const bool held = slot != nullptr && !slot->is_zero();
    const std::size_t old_size = held ? footprint(8, *slot) : 0;
    const std::size_t new_size = footprint(8, value);
    if (used_ - old_size + new_size > limit_) {
      ++drops_;
      return;
    }
    used_ = used_ - old_size + new_size;
    if (slot == nullptr) {
      thread_memo_[variable] = {tid, &by_thread_[variable].emplace(tid, std::move(value)).first->second};
    } else {
      *slot = std::move(value);
    }
    return;
  }
  Key where = full_key(program_.variables[variable], tid, key);
  auto& values = keyed_[variable];
  const auto found = values.find(where);
  const std::size_t bytes = key_bytes(where);
  const std::size_t old_size = found == values.end() ? 0 : footprint(bytes, found->second);
  const std::size_t new_size = footprint(bytes, value);
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
  switch (storage_[variable]) {
    case Storage::Scalar: scalars_[variable] = zero(variable); return;
    case Storage::ThreadScalar: {
      Value* slot = thread_value(variable, tid);
      if (slot == nullptr || slot->is_zero()) return;
      used_ -= footprint(8, *slot);
      *slot = zero(variable);
      auto& values = by_thread_[variable];
      if (values.size() > 65536) {
        thread_memo_[variable] = {};
        std::erase_if(values, [](const auto& entry) { return entry.second.is_zero(); });
      }
      return;
    }
    case Storage::Keyed: break;
  }
  auto& values = keyed_[variable];
  const auto found = values.find(full_key(program_.variables[variable], tid, key));
  if (found == values.end()) return;
  used_ -= footprint(key_bytes(found->first), found->second);
  values.erase(found);
}

std::vector<std::uint32_t> Variables::locals() const {
  std::vector<std::uint32_t> all = per_event_;
  all.insert(all.end(), per_clause_.begin(), per_clause_.end());
  return all;
}

// Keyed locals keep their share of dynvarsize while set aside: they come back.
Variables::Locals Variables::set_aside_locals() {
  Locals locals;
  for (const std::uint32_t v : this->locals()) {
    if (storage_[v] == Storage::Keyed) {
      locals.keyed.push_back(std::exchange(keyed_[v], {}));
    } else {
      locals.scalars.push_back(std::exchange(scalars_[v], zero(v)));
    }
  }
  return locals;
}

void Variables::restore_locals(Locals locals) {
  clear(per_event_);
  clear(per_clause_);
  std::size_t scalar = 0;
  std::size_t keyed = 0;
  for (const std::uint32_t v : this->locals()) {
    if (storage_[v] == Storage::Keyed) {
      keyed_[v] = std::move(locals.keyed[keyed++]);
    } else {
      scalars_[v] = std::move(locals.scalars[scalar++]);
    }
  }
}

void Variables::clear(const std::vector<std::uint32_t>& variables) {
  for (const std::uint32_t v : variables) {
    switch (storage_[v]) {
      case Storage::Scalar: scalars_[v] = zero(v); break;
      case Storage::ThreadScalar:
        for (const auto& [tid, value] : by_thread_[v]) {
          if (!value.is_zero()) used_ -= footprint(8, value);
        }
        by_thread_[v].clear();
        thread_memo_[v] = {};
        break;
      case Storage::Keyed:
        for (const auto& [key, value] : keyed_[v]) used_ -= footprint(key_bytes(key), value);
        keyed_[v].clear();
        break;
    }
  }
}

std::uint64_t Variables::take_dynamic_drops() { return std::exchange(drops_, 0); }

}  // namespace probity::consumer
