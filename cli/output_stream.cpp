#include "output_stream.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <streambuf>
#include <utility>

#include "cli_error.hpp"
#include "probity/io/files.hpp"
#include "probity/io/invoking_user.hpp"

namespace probity::cli {

// A buffer over a file descriptor that keeps the errno of the first failed
// write; after one, every write fails (the stream goes bad).
class OutputStream::Buffer : public std::streambuf {
 public:
  Buffer(int fd, bool owned) : fd_(fd), owned_(owned) { setp(space_.data(), space_.data() + space_.size()); }
  ~Buffer() override { close(); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  int error() const { return error_; }
  void close() {
    if (owned_ && fd_ >= 0) {
      if (::close(std::exchange(fd_, -1)) != 0 && error_ == 0) error_ = errno;
    }
  }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
    return c;
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    if (error_ != 0) return false;
    const char* next = pbase();
    while (next < pptr()) {
      const ssize_t written = ::write(fd_, next, static_cast<std::size_t>(pptr() - next));
      if (written < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        return false;
      }
      next += written;
    }
    setp(space_.data(), space_.data() + space_.size());
    return true;
  }

  int fd_;
  bool owned_;
  int error_ = 0;
  std::array<char, 65536> space_{};
};

OutputStream::OutputStream(int fd, bool owned, std::string name)
    : std::ostream(nullptr), buffer_(std::make_unique<Buffer>(fd, owned)), name_(std::move(name)) {
  rdbuf(buffer_.get());
}

OutputStream::~OutputStream() = default;

std::unique_ptr<OutputStream> OutputStream::standard_output() {
  return std::unique_ptr<OutputStream>(new OutputStream(STDOUT_FILENO, false, "standard output"));
}

std::unique_ptr<OutputStream> OutputStream::file(const std::filesystem::path& path) {
  try {
    const int fd = io::as_invoking_user([&] { return io::open_regular_file_for_writing(path); });
    return std::unique_ptr<OutputStream>(new OutputStream(fd, true, path.string()));
  } catch (const io::FileError& error) {
    const std::string message = error.what();
    const bool special = message.ends_with("not a regular file");
    throw CliError(message + (special ? " (to write to a device or a pipe, redirect standard output instead)" : ""));
  }
}

void OutputStream::finish() {
  flush();
  buffer_->close();
  if (const int error = buffer_->error(); error != 0) {
    throw CliError("cannot write " + name_ + ": " + std::strerror(error));
  }
  if (!good()) throw CliError("cannot write " + name_);
}

}  // namespace probity::cli
