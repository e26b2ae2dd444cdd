#include "probity/consumer/event_formats.hpp"

#include <unistd.h>

#include <array>
#include <new>
#include <utility>

#include "probity/catalogue/harvest.hpp"
#include "tracefs_io.hpp"

namespace probity::consumer {

namespace fs = std::filesystem;

EventLayout::EventLayout(std::string system, std::string name, tep_event* event)
    : system_(std::move(system)), name_(std::move(name)), event_(event) {
  for (const tep_format_field* list : {event->format.common_fields, event->format.fields}) {
    for (const tep_format_field* f = list; f != nullptr; f = f->next) fields_.emplace(f->name, f);
  }
  common_pid_ = &field("common_pid");
  id_ = event->id;
}

const tep_format_field* EventLayout::find_field(std::string_view field) const {
  const auto found = fields_.find(std::string(field));
  return found == fields_.end() ? nullptr : found->second;
}

const tep_format_field& EventLayout::field(std::string_view field) const {
  if (const tep_format_field* found = find_field(field)) return *found;
  throw catalogue::TracefsError("probity: event " + system_ + ":" + name_ + " has no field '" +
                                std::string(field) + "'");
}

EventFormats::EventFormats(const TracingSession& session)
    : EventFormats(session.instance_dir(), session.events()) {}

EventFormats::EventFormats(const fs::path& dir, const std::vector<EventSpec>& events) : tep_(tep_alloc()) {
  if (!tep_) throw std::bad_alloc();
  tep_set_long_size(tep_.get(), static_cast<int>(sizeof(long)));
  tep_set_page_size(tep_.get(), static_cast<int>(::sysconf(_SC_PAGESIZE)));

  const fs::path header_file = dir / "events" / "header_page";
  std::string header = detail::read_tracefs_file(header_file);
  if (tep_parse_header_page(tep_.get(), header.data(), header.size(), static_cast<int>(sizeof(long))) != 0) {
    throw catalogue::TracefsError("probity: libtraceevent cannot parse " + header_file.string());
  }

  bool wants_stack = false;
  for (const EventSpec& event : events) {
    load(dir, event);
    wants_stack = wants_stack || event.stack_trigger;
  }
  if (wants_stack && find("ftrace", "kernel_stack") == nullptr) load(dir, EventSpec{.system = "ftrace", .name = "kernel_stack"});

  if (!layouts_.empty()) {
    const tep_format_field& type = layouts_.front()->field("common_type");
    type_offset_ = type.offset;
    type_size_ = type.size;
  }
}

void EventFormats::load(const fs::path& dir, const EventSpec& spec) {
  const std::string& system = spec.system;
  const std::string& name = spec.name;
  const fs::path format_file = dir / "events" / spec.directory_system() / spec.directory_name() / "format";
  const std::string format = detail::read_tracefs_file(format_file);
  tep_event* event = nullptr;
  const tep_errno status = tep_parse_format(tep_.get(), &event, format.data(), format.size(), system.c_str());
  if (status != 0 || event == nullptr) {
    std::array<char, 256> reason{};
    tep_strerror(tep_.get(), status, reason.data(), reason.size());
    throw catalogue::TracefsError("probity: libtraceevent cannot parse " + format_file.string() + ": " +
                                  reason.data());
  }
  auto layout = std::make_unique<EventLayout>(system, name, event);
  const auto id = static_cast<std::size_t>(event->id);
  if (by_id_.size() <= id) by_id_.resize(id + 1, nullptr);
  by_id_[id] = layout.get();
  layouts_.push_back(std::move(layout));
}

const EventLayout* EventFormats::find(std::string_view system, std::string_view name) const {
  for (const auto& layout : layouts_) {
    if (layout->system() == system && layout->name() == name) return layout.get();
  }
  return nullptr;
}

int EventFormats::header_long_size() const {
  const int size = tep_get_header_page_size(tep_.get());
  return size > 0 ? size : static_cast<int>(sizeof(long));
}

}  // namespace probity::consumer
