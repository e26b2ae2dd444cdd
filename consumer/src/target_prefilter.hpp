// Whether a program keeps only the records of its target process ($target):
// then the session lets only that process's tasks record events.
#pragma once

#include "probity/compiler/program.hpp"

namespace probity::consumer {

// True when every clause on a tracepoint or USDT probe has a predicate one of
// whose top-level && terms is `pid == $target` (either way round). Such a
// program acts on no record of another process, so the kernel may drop those
// before they reach the ring buffer; the predicate is still evaluated.
bool keeps_only_target_records(const compiler::Program& program);

}  // namespace probity::consumer
