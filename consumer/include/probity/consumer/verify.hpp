// Verification before anything is enabled: every event of a compiled program
// must exist on the live kernel with exactly the layout it was compiled
// against, and the local catalogue and the site policy (never the program's
// own claims) must admit every event, field and filter it uses.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "probity/catalogue/model.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/compiler/program.hpp"
#include "probity/consumer/event_formats.hpp"

namespace probity::consumer {

// what() is one line naming the event (and field) and what to do.
class VerificationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `local` plus the USDT probes of the binaries `program` names, read from
// their notes now (catalogue::with_usdt_probes), for the admission of the
// program; nullopt when it names none. Throws VerificationError when a
// binary cannot be read.
std::optional<catalogue::Catalogue> local_with_usdt_probes(const compiler::Program& program,
                                                           const catalogue::Catalogue& local);
// Throws VerificationError unless every USDT probe of `program` is exactly
// (binary, sites, fetch arguments) what `local` (local_with_usdt_probes)
// says, and no other event is a USDT probe of `local`: an edited object can
// place no uprobe elsewhere nor fetch anything else.
void verify_usdt_probes(const compiler::Program& program, const catalogue::Catalogue& local);
// Throws VerificationError when an event of `program` is missing from the
// running kernel (`tracing`/events). `release` names the running kernel in
// messages.
void verify_events_exist(const compiler::Program& program, const std::filesystem::path& tracing,
                         const std::string& release);
// Throws VerificationError, before anything is enabled, when the program may
// not be admitted (compiler::admission_problems: every event, field it reads
// and kernel filter held by name to `local`, the host catalogue, and to
// `site`, the site policy in force now, with stability and hazards re-derived
// from `local` and held to the program's settings), or when an event or field
// (common fields included) differs from the live format in name, offset,
// size, signedness, type or kind.
void verify_program(const compiler::Program& program, const EventFormats& live, const catalogue::Catalogue& local,
                    const std::string& release, const catalogue::SitePolicy* site = nullptr);
// The fields the support events of `program` make Probity read, against `site`.
void verify_site_policy(const compiler::Program& program, const catalogue::Catalogue& local,
                        const catalogue::SitePolicy& site);

}  // namespace probity::consumer
