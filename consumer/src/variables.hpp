// The storage of a program's variables with DTrace's semantics: globals,
// associative arrays and @maps keyed by tuples, self-> per thread, this->
// cleared per event, $scratch per clause. Assigning zero (or "") to an
// associative or thread-local element deletes it; dynamic elements are
// limited by dynvarsize and a store beyond it is dropped and counted.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "probity/compiler/program.hpp"
#include "value.hpp"

namespace probity::consumer {

class Variables {
 public:
  Variables(const compiler::Program& program, std::size_t dynvarsize);

  Value load(std::uint32_t variable, pid_t tid, const Key& key) const;
  // An integer variable without keys, without building a Value; nullopt for
  // a string or an associative array.
  std::optional<std::int64_t> load_integer(std::uint32_t variable, pid_t tid) const;
  void store(std::uint32_t variable, pid_t tid, const Key& key, Value value);
  void erase(std::uint32_t variable, pid_t tid, const Key& key);

  // Called per record and per clause: nothing to do unless such variables exist.
  void begin_event() {  // clears this-> variables
    if (!per_event_.empty()) clear(per_event_);
  }
  void begin_clause() {  // clears $scratch variables
    if (!per_clause_.empty()) clear(per_clause_);
  }

  // The this-> and $scratch variables of a firing, set aside (and cleared)
  // while another firing runs in its middle (ERROR's), then put back.
  struct Locals {
    std::vector<Value> scalars;
    std::vector<std::unordered_map<Key, Value, KeyHash>> keyed;
  };
  Locals set_aside_locals();
  void restore_locals(Locals locals);

  // Stores refused because dynvarsize was reached, since the last call.
  std::uint64_t take_dynamic_drops();

 private:
  // Where a variable lives: each kind is looked up the cheapest way it can be.
  enum class Storage : std::uint8_t {
    Scalar,        // a global, this-> or $scratch without keys: one slot
    ThreadScalar,  // self->x: by thread id
    Keyed,         // an associative array (self->x[k]: the thread id first)
  };
  static std::size_t footprint(std::size_t key_bytes, const Value& value);
  static std::size_t key_bytes(const Key& key);
  Value zero(std::uint32_t variable) const;
  void store_dynamic(std::uint32_t variable, pid_t tid, const Key& key, Value value);
  void clear(const std::vector<std::uint32_t>& variables);
  std::vector<std::uint32_t> locals() const;  // this-> then $scratch

  const compiler::Program& program_;
  std::size_t limit_;
  std::size_t used_ = 0;
  std::uint64_t drops_ = 0;
  std::vector<Storage> storage_;
  std::vector<Value> scalars_;
  // Threads whose value went back to zero keep their entry (reads as zero,
  // costs nothing against dynvarsize), so that setting and clearing self->x
  // per event does not allocate; swept when there are many.
  std::vector<std::unordered_map<pid_t, Value>> by_thread_;
  // Per self-> variable, the slot of the thread used last: an enter/exit
  // pair reads and writes one thread's slot several times in a row. Slots
  // stay put in the map (node-based) until the map is cleared or swept.
  struct ThreadMemo {
    pid_t tid = 0;
    Value* value = nullptr;
  };
  mutable std::vector<ThreadMemo> thread_memo_;
  Value* thread_value(std::uint32_t variable, pid_t tid) const;
  std::vector<std::unordered_map<Key, Value, KeyHash>> keyed_;
  std::vector<std::uint32_t> per_event_;   // this->: cleared per event
  std::vector<std::uint32_t> per_clause_;  // $scratch: cleared per clause
};

}  // namespace probity::consumer
