// Where a run's output goes (-o FILE or standard output), as a std::ostream
// that remembers why a write failed, so that a full disk, a closed or
// broken pipe or a file that refuses writes is an error naming the output,
// never a silent loss.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

namespace probity::cli {

class OutputStream : public std::ostream {
 public:
  // Standard output (file descriptor 1), not closed at the end.
  static std::unique_ptr<OutputStream> standard_output();
  // -o FILE: a new file, or an existing regular file truncated; anything else
  // (a device, FIFO, directory, symbolic link) is refused with a CliError
  // before anything is traced.
  static std::unique_ptr<OutputStream> file(const std::filesystem::path& path);

  ~OutputStream() override;
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  // "standard output" or the file's path.
  const std::string& name() const { return name_; }
  // Flushes, closes a file, and throws CliError "cannot write NAME: reason"
  // when any write (or the close) failed.
  void finish();

 private:
  class Buffer;
  OutputStream(int fd, bool owned, std::string name);
  std::unique_ptr<Buffer> buffer_;
  std::string name_;
};

}  // namespace probity::cli
