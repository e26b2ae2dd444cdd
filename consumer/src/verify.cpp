#include "probity/consumer/verify.hpp"

#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/sdt_notes.hpp"
#include "probity/catalogue/usdt_catalogue.hpp"
#include "probity/compiler/admission.hpp"

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

std::optional<catalogue::Catalogue> local_with_usdt_probes(const compiler::Program& program,
                                                           const catalogue::Catalogue& local) {
  std::vector<fs::path> binaries;
  for (const compiler::EventUse& event : program.events) {
    if (!event.usdt) continue;
    const fs::path binary = event.usdt->binary;
    if (!binary.is_absolute()) {
      throw VerificationError("USDT probe " + event_name(event) + " names the binary " + binary.string() +
                              ", which is not an absolute path; the object was not written by probity -e");
    }
    if (std::find(binaries.begin(), binaries.end(), binary) == binaries.end()) binaries.push_back(binary);
  }
  if (binaries.empty()) return std::nullopt;
  try {
    return catalogue::with_usdt_probes(local, binaries);
  } catch (const catalogue::SdtError& error) {
    throw VerificationError(std::string(error.what()) + "; the program is not run");
  }
}

void verify_usdt_probes(const compiler::Program& program, const catalogue::Catalogue& local) {
  for (const compiler::EventUse& event : program.events) {
    const catalogue::Event* known = local.find_event(event.provider, event.name);
    const bool usdt_now = known != nullptr && known->usdt.has_value();
    if (!event.usdt && !usdt_now) continue;
    if (!event.usdt || !usdt_now || *known->usdt != *event.usdt) {
      throw VerificationError("USDT probe " + event_name(event) + ": the object's uprobe (binary, offset, semaphore, "
                              "fetch arguments) is not what the notes of " +
                              (event.usdt ? event.usdt->binary : known->usdt->binary) +
                              " say now: recompile the program from source (the binary was rebuilt, or the object "
                              "edited)");
    }
  }
}

void verify_events_exist(const compiler::Program& program, const fs::path& tracing, const std::string& release) {
  for (const compiler::EventUse& event : program.events) {
    if (event.usdt) continue;  // verify_usdt_probes; its uprobe event is made for the run
    std::error_code error;
    if (!fs::exists(tracing / "events" / event.provider / event.name / "format", error)) {
      throw VerificationError("event " + event_name(event) + " does not exist on the running kernel " + release +
                              compat_hint(program));
    }
  }
}

void verify_site_policy(const compiler::Program& program, const catalogue::Catalogue& local,
                        const catalogue::SitePolicy& site) {
  // A support event is read by Probity itself: the fields it reads are held
  // to the policy as a clause's would be.
  const catalogue::Admission admission(local, &site, program.settings.admission_bar());
  for (const compiler::EventUse& event : program.events) {
    const SupportEventFields* support = event.support ? find_support_event(event.provider, event.name) : nullptr;
    const catalogue::Event* known = local.find_event(event.provider, event.name);
    if (support == nullptr || known == nullptr) continue;  // verify_program refuses them
    for (const std::string_view name : support->fields) {
      if (name.empty()) continue;
      if (auto rule = admission.field(*known, name).site_rule) {
        throw VerificationError("field " + event_name(event) + "." + std::string(name) + " (read by the support event " +
                                event_name(event) + ", which follows task names for execname and pid) is forbidden by " +
                                rule->describe() + "; the program is not run, whatever it says");
      }
    }
  }
}

void verify_program(const compiler::Program& program, const EventFormats& live, const catalogue::Catalogue& local,
                    const std::string& release, const catalogue::SitePolicy* site) {
  for (const compiler::EventUse& event : program.events) {
    if (event.support && find_support_event(event.provider, event.name) == nullptr) {
      throw VerificationError("event " + event_name(event) + " is marked as a support event, but Probity follows task "
                              "names only from task:task_newtask and task:task_rename; the object was not written by "
                              "probity -e");
    }
  }
  const std::vector<std::string> problems = compiler::admission_problems(program, local, site, "the local catalogue");
  if (!problems.empty()) throw VerificationError(problems.front());
  if (site != nullptr) verify_site_policy(program, local, *site);
  for (const compiler::EventUse& event : program.events) {
    const std::string name = event_name(event);
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
