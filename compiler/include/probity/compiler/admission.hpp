// Admission of a compiled program: may it be enabled on a kernel that the
// host catalogue describes, under the site policy in force? A compiled object
// is a request, never an authority: every event, field and kernel filter it
// names is held, by name, to the host catalogue (present, not forbidden, its
// hazard allowed by the program's settings, its stability re-derived and held
// to the program's amin) and to the site policy; nothing the object says
// about stability, hazards or what it was checked against is believed.
//
// The rule itself is catalogue::Admission, which the compiler's passes also
// ask; this applies it to everything a compiled program names and words the
// refusals. The consumer admits a program before enabling anything, and
// probity compat judges an object with the same function, so the two cannot
// disagree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/model.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/compiler/program.hpp"

namespace probity::compiler {

// Why `program` may not be enabled, one line each ("event sched:sched_switch
// is forbidden by the local catalogue (...); ..."), empty when it may.
// `catalogue_name` names `host` in the messages: "the local catalogue",
// "this release's catalogue". The support events' own fields (which the
// consumer reads, not the program) are the consumer's to check. Events are
// checked here against the host catalogue's descriptions; their layouts
// against the live kernel or a release are the caller's to compare.
std::vector<std::string> admission_problems(const Program& program, const catalogue::Catalogue& host,
                                            const catalogue::SitePolicy* site, std::string_view catalogue_name);

// Re-derives from `host` each event's stability and hazard and every
// clause's and the program's stability report (what -v prints for an
// object): an event the host catalogue lacks is Private/Private/Unknown.
void restate_stability(Program& program, const catalogue::Catalogue& host);

}  // namespace probity::compiler
