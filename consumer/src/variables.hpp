// The storage of a program's variables with DTrace's semantics: globals,
// associative arrays and @maps keyed by tuples, self-> per thread, this->
// cleared per event, $scratch per clause. Assigning zero (or "") to an
// associative or thread-local element deletes it; dynamic elements are
// limited by dynvarsize and a store beyond it is dropped and counted.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "probity/compiler/program.hpp"
#include "value.hpp"

namespace probity::consumer {

class Variables {
 public:
  Variables(const compiler::Program& program, std::size_t dynvarsize);

  Value load(std::uint32_t variable, pid_t tid, const Key& key) const;
  void store(std::uint32_t variable, pid_t tid, const Key& key, Value value);
  void erase(std::uint32_t variable, pid_t tid, const Key& key);

  void begin_event();   // clears this-> variables
  void begin_clause();  // clears $scratch variables

  // Stores refused because dynvarsize was reached, since the last call.
  std::uint64_t take_dynamic_drops();

 private:
  static std::size_t footprint(const Key& key, const Value& value);
  bool is_dynamic(std::uint32_t variable) const;
  Value zero(std::uint32_t variable) const;

  const compiler::Program& program_;
  std::size_t limit_;
  std::size_t used_ = 0;
  std::uint64_t drops_ = 0;
  // Per variable: key (the thread id first for self->) to value.
  std::vector<std::map<Key, Value>> values_;
};

}  // namespace probity::consumer
