// Whether a program needs its records merged by timestamp across CPUs.
// A program whose tracepoint clauses only aggregate (commutative updates
// keyed by what the record itself says) gives the same result in any order,
// so each CPU's records can be run as read, without the merge and without
// holding back the newest records for the ordering slack. Support events
// (task names for execname and pid) must be seen in order with the rest.
#pragma once

#include "probity/compiler/program.hpp"

namespace probity::consumer {

bool needs_ordered_delivery(const compiler::Program& program);

}  // namespace probity::consumer
