#include "probity/io/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "probity/io/unique_fd.hpp"

namespace probity::io {
namespace {

namespace fs = std::filesystem;

std::string not_regular(mode_t mode) {
  return S_ISDIR(mode) ? "it is a directory" : "it is " + describe_file_type(mode) + ", not a regular file";
}

// The type of what `path` names itself (not what a link points to), when it
// exists.
std::optional<mode_t> own_type(const fs::path& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return std::nullopt;
  return status.st_mode;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace

std::string describe_file_type(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

namespace {

FileError read_error(const fs::path& path, std::string_view what, const std::string& why) {
  return FileError("cannot read " + std::string(what) + (what.empty() ? "" : " ") + path.string() + ": " + why, why);
}

}  // namespace

void require_regular_file(const fs::path& path, std::string_view what) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) throw read_error(path, what, std::strerror(errno));
  if (!S_ISREG(status.st_mode)) throw read_error(path, what, not_regular(status.st_mode));
}

std::string read_regular_file(const fs::path& path, std::size_t limit, std::string_view what) {
  const auto fail = [&](const std::string& why) { return read_error(path, what, why); };
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) throw fail(std::strerror(errno));
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) throw fail(std::strerror(errno));
  if (!S_ISREG(status.st_mode)) throw fail(not_regular(status.st_mode));
  const std::string too_large = "it is larger than the limit of " + std::to_string(limit) + " bytes";
  if (static_cast<std::uintmax_t>(status.st_size) > limit) throw fail(too_large);
  // Files of /proc and /sys say 0 bytes and have more: read to the end, up to the limit.
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw fail(std::strerror(errno));
    }
    if (got == 0) break;
    if (text.size() + static_cast<std::size_t>(got) > limit) throw fail(too_large);
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return text;
}

void write_file_atomically(const fs::path& path, std::string_view bytes) {
  const auto fail = [&](const std::string& why) { return FileError("cannot write " + path.string() + ": " + why, why); };
  const std::optional<mode_t> existing = own_type(path);
  if (existing && !S_ISREG(*existing)) throw fail(not_regular(*existing));

  static std::atomic<unsigned> counter{0};
  fs::path temporary;
  int created = -1;
  for (int attempt = 0; created < 0; ++attempt) {
    temporary = path;
    temporary += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    // O_EXCL with a fresh name rather than mkstemp, so that a new file gets
    // the ordinary 0666 & ~umask permissions.
    created = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (created < 0 && (errno != EEXIST || attempt == 100)) throw fail(std::strerror(errno));
  }
  UniqueFd fd(created);
  bool committed = false;
  struct RemoveUnlessCommitted {
    const fs::path& file;
    const bool& committed;
    ~RemoveUnlessCommitted() {
      if (!committed) ::unlink(file.c_str());
    }
  } cleanup{temporary, committed};

  if (existing && ::fchmod(fd.get(), *existing & 07777) != 0) throw fail(std::strerror(errno));
  if (!write_all(fd.get(), bytes)) throw fail(std::strerror(errno));
  if (::fsync(fd.get()) != 0) throw fail(std::strerror(errno));
  if (const int error = fd.close(); error != 0) throw fail(std::strerror(error));
  // Checked again just before: a link or device put there meanwhile is refused, not replaced.
  if (const std::optional<mode_t> now = own_type(path); now && !S_ISREG(*now)) throw fail(not_regular(*now));
  if (::rename(temporary.c_str(), path.c_str()) != 0) throw fail(std::strerror(errno));
  committed = true;
  // The rename reaches the disk with its directory.
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  UniqueFd directory(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() >= 0 && ::fsync(directory.get()) != 0 && errno != EINVAL) throw fail(std::strerror(errno));
}

int open_regular_file_for_writing(const fs::path& path) {
  const auto fail = [&](const std::string& why) { return FileError("cannot write " + path.string() + ": " + why, why); };
  // Refused before opening: opening a device or a FIFO can itself have effects.
  if (const std::optional<mode_t> existing = own_type(path); existing && !S_ISREG(*existing)) {
    throw fail(not_regular(*existing));
  }
  // O_NOFOLLOW and O_NONBLOCK: whatever replaced the file meanwhile is neither
  // followed nor waited for, and fstat below refuses it.
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666));
  if (fd.get() < 0) {
    const int error = errno;
    if (const std::optional<mode_t> now = own_type(path); now && !S_ISREG(*now)) throw fail(not_regular(*now));
    throw fail(std::strerror(error));
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) throw fail(std::strerror(errno));
  if (!S_ISREG(status.st_mode)) throw fail(not_regular(status.st_mode));
  if (::ftruncate(fd.get(), 0) != 0) throw fail(std::strerror(errno));
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) throw fail(std::strerror(errno));
  return fd.release();
}

}  // namespace probity::io
