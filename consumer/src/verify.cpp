#include "probity/consumer/verify.hpp"

#include "probity/catalogue/harvest.hpp"

#include "comm_tracker.hpp"

#include <algorithm>
#include <filesystem>
#include <string_view>

namespace probity::consumer {

namespace {

namespace fs = std::filesystem;
using catalogue::FieldKind;
using catalogue::FieldLayout;

std::string event_name(const compiler::EventUse& event) { return event.provider + ":" + event.name; }

std::string compat_hint(const compiler::Program& program) {
  return "; the program was compiled against kernel " + program.catalogue_release +
         ": recompile it from source on this kernel, and see probity compat for what changed between releases";
}

std::string describe(const FieldLayout& layout) {
  return "'" + layout.type + "' at offset " + std::to_string(layout.offset) + ", " + std::to_string(layout.size) +
         " bytes, " + (layout.is_signed ? "signed" : "unsigned") + ", " + std::string(catalogue::to_string(layout.kind));
}

void compare_fields(const compiler::Program& program, const std::string& event, const std::vector<FieldLayout>& compiled,
                    const tep_format_field* live_list, const std::string& release) {
  const std::vector<FieldLayout> live = catalogue::field_layouts(live_list);
  for (const FieldLayout& expected : compiled) {
    const FieldLayout* found = nullptr;
    for (const FieldLayout& candidate : live) {
      if (candidate.name == expected.name) found = &candidate;
    }
    if (found == nullptr) {
      throw VerificationError("event " + event + ": field " + expected.name + " (" + describe(expected) +
                              ") does not exist on the running kernel " + release + compat_hint(program));
    }
    if (!catalogue::reads_the_same(*found, expected)) {
      throw VerificationError("event " + event + ": field " + expected.name + " was compiled as " +
                              describe(expected) + ", but the running kernel " + release + " has " +
                              describe(*found) + compat_hint(program));
    }
  }
  for (const FieldLayout& extra : live) {
    bool known = false;
    for (const FieldLayout& expected : compiled) known = known || expected.name == extra.name;
    if (!known) {
      throw VerificationError("event " + event + ": the running kernel " + release + " has a field " + extra.name +
                              " (" + describe(extra) + ") that the program's layout lacks" + compat_hint(program));
    }
  }
}

}  // namespace

void verify_events_exist(const compiler::Program& program, const fs::path& tracing, const std::string& release) {
  for (const compiler::EventUse& event : program.events) {
    std::error_code error;
    if (!fs::exists(tracing / "events" / event.provider / event.name / "format", error)) {
      throw VerificationError("event " + event_name(event) + " does not exist on the running kernel " + release +
                              compat_hint(program));
    }
  }
}

void verify_site_policy(const compiler::Program& program, const catalogue::Catalogue& local,
                        const catalogue::SitePolicy& site) {
  for (const compiler::EventUse& event : program.events) {
    const catalogue::Event* known = local.find_event(event.provider, event.name);
    if (known == nullptr) continue;  // verify_program refuses it
    stability::Attributes attributes = known->stability.value;
    if (const catalogue::Provider* provider = local.find_provider(event.provider)) {
      attributes.name = std::min(attributes.name, provider->provider_stability);
    }
    if (auto rule = site.forbids_event(*known, attributes)) {
      throw VerificationError("event " + event_name(event) + " is forbidden by " + rule->describe() +
                              "; it is never enabled, whatever the program says");
    }
    // A support event is read by Probity itself: the fields it reads are held
    // to the policy as a clause's would be.
    const SupportEventFields* support = event.support ? find_support_event(event.provider, event.name) : nullptr;
    if (support == nullptr) continue;
    for (const std::string_view name : support->fields) {
      const catalogue::Field* field = name.empty() ? nullptr : known->find_field(name);
      if (field == nullptr) continue;
      if (auto rule = site.forbids_field(*known, *field)) {
        throw VerificationError("field " + event_name(event) + "." + std::string(name) + " (read by the support event " +
                                event_name(event) + ", which follows task names for execname and pid) is forbidden by " +
                                rule->describe() + "; the program is not run, whatever it says");
      }
    }
  }
  for (const compiler::Clause& clause : program.clauses) {
    for (const compiler::ClauseProbe& probe : clause.probes) {
      if (probe.kind != compiler::ProbeKind::Tracepoint || probe.event >= program.events.size()) continue;
      const compiler::EventUse& event = program.events[probe.event];
      const catalogue::Event* known = local.find_event(event.provider, event.name);
      if (known == nullptr) continue;
      for (const std::string& slot : clause.field_slots) {
        const catalogue::Field* field = known->find_field(slot);
        if (field == nullptr) {
          for (const catalogue::Field& common : local.common_fields) {
            if (common.layout.name == slot) field = &common;
          }
        }
        if (field == nullptr) continue;
        if (auto rule = site.forbids_field(*known, *field)) {
          throw VerificationError("field " + event_name(event) + "." + slot + " is forbidden by " + rule->describe() +
                                  "; the program is not run, whatever it says");
        }
      }
    }
  }
}

void verify_program(const compiler::Program& program, const EventFormats& live, const catalogue::Catalogue& local,
                    const std::string& release, const catalogue::SitePolicy* site) {
  if (site != nullptr) verify_site_policy(program, local, *site);
  for (const compiler::EventUse& event : program.events) {
    const std::string name = event_name(event);
    if (event.support && find_support_event(event.provider, event.name) == nullptr) {
      throw VerificationError("event " + name + " is marked as a support event, but Probity follows task names only "
                              "from task:task_newtask and task:task_rename; the object was not written by probity -e");
    }
    const catalogue::Event* known = local.find_event(event.provider, event.name);
    if (known == nullptr) {
      throw VerificationError("event " + name + " is not in the local catalogue of kernel " + local.release +
                              ", so it is not enabled; only catalogued probes run (probity -l lists them)");
    }
    if (known->hazard.level == catalogue::Hazard::Forbidden) {
      throw VerificationError("event " + name + " is forbidden by the local catalogue (" + known->hazard.reason +
                              "); it is never enabled, whatever the program or its options say");
    }
    if (known->hazard.level == catalogue::Hazard::Hot || known->hazard.level == catalogue::Hazard::Sensitive) {
      const std::string kind(catalogue::to_string(known->hazard.level));
      if (!compiler::allows_hazard(program, known->hazard.level)) {
        throw VerificationError("event " + name + " is " + kind + " in the local catalogue (" + known->hazard.reason +
                                ") and the program was not compiled with -x allow=" + kind +
                                "; compile it again with that option to enable it");
      }
    }
    const EventLayout* layout = live.find(event.provider, event.name);
    if (layout == nullptr) {
      throw VerificationError("event " + name + " does not exist on the running kernel " + release + compat_hint(program));
    }
    compare_fields(program, name, event.fields, layout->event()->format.fields, release);
    compare_fields(program, name + " (common fields)", program.common_fields, layout->event()->format.common_fields,
                   release);
  }
}

}  // namespace probity::consumer
