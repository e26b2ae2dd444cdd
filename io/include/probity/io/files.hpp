// Files that Probity reads or writes on a user's behalf, often as root:
// only regular files, never a FIFO that blocks, a device that never ends or
// a symbolic link that points elsewhere; writes that replace a file all at
// once and reach the disk.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace probity::io {

// what() is one line naming the file: "cannot write x.pob: it is a
// character device, not a regular file". Callers wrap it into their own
// error types.
class FileError : public std::runtime_error {
 public:
  FileError(const std::string& message, std::string reason) : std::runtime_error(message), reason_(std::move(reason)) {}
  // Only why: "it is a directory", "No space left on device".
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

// "a directory", "a FIFO", "a character device", "a symbolic link", ...
std::string describe_file_type(mode_t mode);

// The whole of a regular file, read only after open (O_NONBLOCK, so a FIFO
// cannot block) and fstat have shown it is one and at most `limit` bytes.
// Follows symbolic links. Throws FileError "cannot read WHAT PATH: reason"
// for anything else: "it is a directory", "it is a FIFO, not a regular
// file", "it is larger than the limit of 1048576 bytes".
std::string read_regular_file(const std::filesystem::path& path, std::size_t limit, std::string_view what);

// Throws FileError "cannot read WHAT PATH: it is a directory" (or "it is a
// FIFO, not a regular file", or why it cannot be examined) unless `path`,
// followed through symbolic links, is a regular file. Opens nothing.
void require_regular_file(const std::filesystem::path& path, std::string_view what);

// Writes `bytes` to `path` all at once: into a new temporary file beside it,
// fsync'd, then renamed over `path` and the directory fsync'd; a reader sees
// the old file or the new one, never half of one. `path` must be absent or
// a regular file (whose permission bits the new one keeps); a symbolic
// link, directory, device, FIFO or socket is refused, and left untouched.
// Throws FileError "cannot write PATH: reason".
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Opens `path` for writing a stream of output (O_CLOEXEC): a new file, or an
// existing regular file truncated. Refuses, without truncating anything, a
// symbolic link, directory, device, FIFO or socket. Returns the descriptor,
// which the caller closes. Throws FileError "cannot write PATH: reason".
int open_regular_file_for_writing(const std::filesystem::path& path);

}  // namespace probity::io
