// Checks tracefs event filters with libtracefs against the event layout a
// program is compiled against. That layout comes from the catalogue, not from
// the running kernel's tracefs: the target may be another kernel release.
//
// libtracefs verifies a filter against a libtraceevent event, so the
// catalogue layout is written out as the text of a tracefs format file and
// parsed by libtraceevent into a tep_handle owned here. Besides the event's
// own and common fields, the kernel's filter parser knows generic fields that
// no format file lists: CPU (the CPU recording the event, an int) and COMM
// (current->comm, a 16-byte string). The synthesised format declares both
// with those types, after the last real field, so libtracefs checks them
// like any field (CPU: integer operators only; COMM: string operators
// only); an event whose own fields already use one of these names keeps its
// own declaration, exactly as the kernel resolves the name.
//
// libtracefs checks the syntax, that every field exists, and that each
// operator suits its field (== != ~ for strings; no ~ and no & for them);
// it does not check that a value's kind matches the field (it takes
// COMM == 1): the pushdown pass only writes values of the field's kind.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/model.hpp"

struct tep_handle;
struct tep_event;

namespace probity::compiler {

// The names of the kernel's generic filter fields that the synthesised
// format declares.
inline constexpr std::string_view generic_cpu_field = "CPU";
inline constexpr std::string_view generic_comm_field = "COMM";

// The format file text of `event` as the catalogue describes it.
std::string synthesise_format(const std::vector<catalogue::Field>& common_fields,
                              const catalogue::Event& event);

// One event's catalogue layout, parsed once, against which filters are checked.
class EventFilterVerifier {
 public:
  EventFilterVerifier(const std::vector<catalogue::Field>& common_fields, const catalogue::Event& event);
  ~EventFilterVerifier();
  EventFilterVerifier(EventFilterVerifier&&) noexcept;
  EventFilterVerifier& operator=(EventFilterVerifier&&) noexcept;

  // nullopt when libtracefs accepts `filter` for the event; otherwise why not,
  // in libtracefs' words (or libtraceevent's, when the layout itself could not
  // be parsed): the filter, a caret line and the reason.
  std::optional<std::string> check(const std::string& filter) const;

 private:
  struct TepDeleter {
    void operator()(tep_handle* tep) const;
  };
  std::unique_ptr<tep_handle, TepDeleter> tep_;
  tep_event* event_ = nullptr;    // owned by tep_
  std::string parse_error_;       // set when the synthesised format did not parse
};

}  // namespace probity::compiler
