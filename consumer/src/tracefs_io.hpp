// Reading and writing tracefs control files, with errors that name the file.
// Internal to the consumer.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace probity::consumer::detail {

// The whole content of a tracefs file (they report a size of 0, so it is read
// to the end). Throws TracefsOperationError.
std::string read_tracefs_file(const std::filesystem::path& file);

// Writes `text` to a tracefs control file in one write(), truncating it.
// Throws TracefsOperationError naming `action`.
void write_tracefs_file(const std::filesystem::path& file, std::string_view text,
                        std::string_view action);

// The same without throwing: 0 on success, else the errno. For teardown paths.
int try_write_tracefs_file(const std::filesystem::path& file, std::string_view text) noexcept;

// Appends without truncating (trigger files need O_APPEND to add or remove one
// trigger without touching others). 0 on success, else the errno.
int try_append_tracefs_file(const std::filesystem::path& file, std::string_view text) noexcept;

// An unsigned number from a file such as buffer_size_kb; nullopt if the file
// is missing or holds no number.
std::optional<unsigned long> read_number_file(const std::filesystem::path& file) noexcept;

// How a failed write of an optional setting reads in a fallback notice:
// "absent from this kernel" (ENOENT) or "refused (Operation not permitted)".
std::string describe_refusal(int error);

}  // namespace probity::consumer::detail
