// USDT probes as catalogue events. A program that names a USDT probe is
// compiled, and its object verified by the consumer, against the host
// catalogue plus one provider per USDT provider of the binaries it names,
// read from their notes at that moment: probe expansion, the policy pass and
// the consumer's admission then hold a USDT probe to the one Admission rule
// (admission.hpp) as they hold a tracepoint, and the site policy forbids one
// by its provider's name like a kernel provider.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"

namespace probity::catalogue {

// The events of `binary`'s USDT probes, one per (provider, probe): the
// note's names, undocumented (Private/Private/Unknown, as no USDT catalogue
// documents providers yet), with Event::usdt set, and the fields of the
// uprobe event Probity makes of it: __probe_ip at offset 8, then arg0..argN
// packed in order with the note's sizes and signs, as tracefs lays out a
// uprobe's format. A probe whose sites disagree on their arguments' types,
// or with an argument a uprobe cannot fetch, is left out and `left_out`
// (when given) says why. Throws SdtError when the file cannot be read.
std::vector<Event> usdt_events(const std::filesystem::path& binary, std::vector<std::string>* left_out = nullptr);

// `host` with the USDT events of each of `binaries` (canonical paths) added,
// a provider per USDT provider. Throws SdtError when a binary cannot be
// read, when a USDT provider has the name of one of the kernel's, or when
// two binaries define the same probe.
Catalogue with_usdt_probes(const Catalogue& host, const std::vector<std::filesystem::path>& binaries);

}  // namespace probity::catalogue
