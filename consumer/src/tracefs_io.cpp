#include "tracefs_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "probity/consumer/tracefs_error.hpp"
#include "probity/io/unique_fd.hpp"

namespace probity::consumer {

namespace {
std::string describe(const std::string& action, const std::filesystem::path& path, int error,
                     const std::string& kernel_message) {
  std::string text = "probity: cannot " + action + ": " + path.string() + ": " + std::strerror(error);
  if (!kernel_message.empty()) text += " (the kernel says: " + kernel_message + ")";
  return text;
}
}  // namespace

TracefsOperationError::TracefsOperationError(std::string action, std::filesystem::path path,
                                             int error, std::string kernel_message)
    : catalogue::TracefsError(describe(action, path, error, kernel_message)),
      path_(std::move(path)),
      error_(error) {}

namespace detail {
namespace {

int write_all(const std::filesystem::path& file, std::string_view text, int flags) noexcept {
  const io::UniqueFd fd(::open(file.c_str(), flags | O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  // A control file takes its command in one write(); a short write is an error.
  ssize_t written;
  do {
    written = ::write(fd.get(), text.data(), text.size());
  } while (written < 0 && errno == EINTR);
  if (written < 0) return errno;
  if (static_cast<std::size_t>(written) != text.size()) return EIO;
  return 0;
}

}  // namespace

std::string read_tracefs_file(const std::filesystem::path& file) {
  const io::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw TracefsOperationError("read", file, errno);
  std::string text;
  char chunk[4096];
  for (;;) {
    const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw TracefsOperationError("read", file, errno);
    }
    if (got == 0) break;
    text.append(chunk, static_cast<std::size_t>(got));
  }
  return text;
}

void write_tracefs_file(const std::filesystem::path& file, std::string_view text,
                        std::string_view action) {
  const int error = write_all(file, text, O_TRUNC);
  if (error != 0) throw TracefsOperationError(std::string(action), file, error);
}

int try_write_tracefs_file(const std::filesystem::path& file, std::string_view text) noexcept {
  return write_all(file, text, O_TRUNC);
}

int try_append_tracefs_file(const std::filesystem::path& file, std::string_view text) noexcept {
  return write_all(file, text, O_APPEND);
}

std::optional<unsigned long> read_number_file(const std::filesystem::path& file) noexcept {
  try {
    const std::string text = read_tracefs_file(file);
    return std::stoul(text);
  } catch (...) {
    return std::nullopt;
  }
}

std::string describe_refusal(int error) {
  if (error == ENOENT) return "absent from this kernel";
  return "refused (" + std::string(std::strerror(error)) + ")";
}

}  // namespace detail
}  // namespace probity::consumer
