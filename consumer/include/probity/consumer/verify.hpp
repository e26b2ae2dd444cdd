// Verification before anything is enabled: every event of a compiled program
// must exist on the live kernel with exactly the layout it was compiled
// against, and the local catalogue (never the program's own claim) must know
// it and not forbid it.
#pragma once

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

// Throws VerificationError when an event of `program` is missing from the
// running kernel (`tracing`/events) or from `local`, is forbidden by `local`,
// or when a field (common fields included) differs from the live format in
// name, offset, size, signedness, type or kind. `release` names the running
// kernel in messages.
void verify_events_exist(const compiler::Program& program, const std::filesystem::path& tracing,
                         const std::string& release);
// With `site`, every event and every field the program reads is also held to
// the site policy in force now, whatever the program was compiled with.
void verify_program(const compiler::Program& program, const EventFormats& live, const catalogue::Catalogue& local,
                    const std::string& release, const catalogue::SitePolicy* site = nullptr);
void verify_site_policy(const compiler::Program& program, const catalogue::Catalogue& local,
                        const catalogue::SitePolicy& site);

}  // namespace probity::consumer
