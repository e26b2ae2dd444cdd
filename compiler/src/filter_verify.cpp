#include "filter_verify.hpp"

#include <traceevent/event-parse.h>

#include <algorithm>
#include <cstdlib>
#include <new>

#include "tracefs_filter_shim.h"

namespace probity::compiler {
namespace {

constexpr std::uint32_t generic_cpu_size = 4;    // int
constexpr std::uint32_t generic_comm_size = 16;  // TASK_COMM_LEN

void append_field_line(std::string& text, const std::string& declaration, std::uint32_t offset,
                       std::uint32_t size, bool is_signed) {
  text += "\tfield:" + declaration + ";\toffset:" + std::to_string(offset) + ";\tsize:" + std::to_string(size) +
          ";\tsigned:" + (is_signed ? "1" : "0") + ";\n";
}

bool has_own_field(const catalogue::Event& event, std::string_view name) {
  return event.find_field(name) != nullptr;
}

struct FreeDeleter {
  void operator()(char* text) const { std::free(text); }
};

}  // namespace

std::string synthesise_format(const std::vector<catalogue::Field>& common_fields,
                              const catalogue::Event& event) {
  std::string text = "name: " + event.name + "\nID: 1\nformat:\n";
  std::uint32_t end = 0;
  for (const catalogue::Field& field : common_fields) {
    const catalogue::FieldLayout& layout = field.layout;
    append_field_line(text, layout.declaration(), layout.offset, layout.size, layout.is_signed);
    end = std::max(end, layout.offset + layout.size);
  }
  text += "\n";
  for (const catalogue::Field& field : event.fields) {
    const catalogue::FieldLayout& layout = field.layout;
    append_field_line(text, layout.declaration(), layout.offset, layout.size, layout.is_signed);
    end = std::max(end, layout.offset + layout.size);
  }
  // The generic fields have no place in the record (the kernel evaluates them
  // from the running task and CPU); any offset past the record will do.
  if (!has_own_field(event, generic_cpu_field)) {
    append_field_line(text, "int " + std::string(generic_cpu_field), end, generic_cpu_size, true);
    end += generic_cpu_size;
  }
  if (!has_own_field(event, generic_comm_field)) {
    append_field_line(text, "char " + std::string(generic_comm_field) + "[" + std::to_string(generic_comm_size) + "]",
                      end, generic_comm_size, false);
  }
  text += "\nprint fmt: \"probity\"\n";
  return text;
}

void EventFilterVerifier::TepDeleter::operator()(tep_handle* tep) const { tep_free(tep); }

EventFilterVerifier::EventFilterVerifier(const std::vector<catalogue::Field>& common_fields,
                                         const catalogue::Event& event)
    : tep_(tep_alloc()) {
  if (!tep_) throw std::bad_alloc();
  const std::string format = synthesise_format(common_fields, event);
  const tep_errno parsed = tep_parse_format(tep_.get(), &event_, format.data(), format.size(), event.provider.c_str());
  if (parsed != TEP_ERRNO__SUCCESS || event_ == nullptr ||
      (event_->flags & TEP_EVENT_FL_FAILED) != 0) {
    char reason[256] = "its field list could not be parsed";
    if (parsed != TEP_ERRNO__SUCCESS) tep_strerror(tep_.get(), parsed, reason, sizeof reason);
    parse_error_ = "libtraceevent cannot parse the layout of " + event.provider + ":" + event.name +
                   " from the catalogue: " + reason;
    event_ = nullptr;
  }
}

EventFilterVerifier::~EventFilterVerifier() = default;
EventFilterVerifier::EventFilterVerifier(EventFilterVerifier&&) noexcept = default;
EventFilterVerifier& EventFilterVerifier::operator=(EventFilterVerifier&&) noexcept = default;

std::optional<std::string> EventFilterVerifier::check(const std::string& filter) const {
  if (event_ == nullptr) return parse_error_;
  char* raw_error = nullptr;
  const int verified = probity_tracefs_filter_verify(event_, filter.c_str(), &raw_error);
  const std::unique_ptr<char, FreeDeleter> error(raw_error);
  if (verified == 0) return std::nullopt;
  std::string message = error ? std::string(error.get()) : std::string("libtracefs rejected the filter");
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

}  // namespace probity::compiler
