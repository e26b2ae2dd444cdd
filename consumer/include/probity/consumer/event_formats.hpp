// The layouts of the events a session enabled, parsed by libtraceevent from
// the instance's format files, with field handles looked up once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <traceevent/event-parse.h>

#include "probity/consumer/session.hpp"

namespace probity::consumer {

// One event's layout. Field handles (common_* fields included) are found once
// here; keep the pointer rather than looking a field up per record.
class EventLayout {
 public:
  EventLayout(std::string system, std::string name, tep_event* event);

  const std::string& system() const { return system_; }
  const std::string& name() const { return name_; }
  int id() const { return id_; }
  tep_event* event() const { return event_; }

  // nullptr when the event has no such field.
  const tep_format_field* find_field(std::string_view field) const;
  // Throws catalogue::TracefsError naming the event when the field is missing.
  const tep_format_field& field(std::string_view field) const;
  // Every record's thread id: read once per record, so not looked up by name.
  const tep_format_field& common_pid() const { return *common_pid_; }

 private:
  std::string system_;
  std::string name_;
  tep_event* event_;
  const tep_format_field* common_pid_ = nullptr;
  int id_ = 0;  // event_->id, read per record: kept beside the rest
  std::unordered_map<std::string, const tep_format_field*> fields_;
};

struct TepDeleter {
  void operator()(tep_handle* tep) const { tep_free(tep); }
};

class EventFormats {
 public:
  // Reads <dir>/events/header_page and <dir>/events/<system>/<name>/format for
  // each event (dir is a tracefs mount or an instance), plus
  // ftrace/kernel_stack when an event asks for a stack trigger. Throws
  // TracefsOperationError when a file cannot be read, and
  // catalogue::TracefsError naming the format file libtraceevent rejects.
  EventFormats(const std::filesystem::path& dir, const std::vector<EventSpec>& events);
  explicit EventFormats(const TracingSession& session);

  // The layout of an event id from a record; nullptr when not loaded.
  const EventLayout* find(int id) const {
    return id >= 0 && static_cast<std::size_t>(id) < by_id_.size() ? by_id_[static_cast<std::size_t>(id)]
                                                                    : nullptr;
  }
  const EventLayout* find(std::string_view system, std::string_view name) const;
  const std::vector<std::unique_ptr<EventLayout>>& layouts() const { return layouts_; }

  tep_handle* tep() const { return tep_.get(); }
  // Size of the commit word in a ring-buffer page header (4 or 8).
  int header_long_size() const;
  // Where the event id (common_type) lies in every record.
  int type_offset() const { return type_offset_; }
  int type_size() const { return type_size_; }

 private:
  // Reads the spec's format file; the layout is known by its system and name.
  void load(const std::filesystem::path& dir, const EventSpec& spec);

  std::unique_ptr<tep_handle, TepDeleter> tep_;
  std::vector<std::unique_ptr<EventLayout>> layouts_;
  std::vector<const EventLayout*> by_id_;
  int type_offset_ = 0;
  int type_size_ = 2;
};

}  // namespace probity::consumer
