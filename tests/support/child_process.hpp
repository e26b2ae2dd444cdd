// Small pieces of the tests that start processes or must not hang on one.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace probity::test_support {

// In a forked child: execs `words` (the first is the program's path); exits
// 127 when that fails. Never returns.
[[noreturn]] inline void exec_words(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

// Opens `fifo` for writing (and closes it) after `limit`, unless dismissed
// first: whoever blocks reading the FIFO then gets end of file, so a test of
// "a FIFO is refused at once" fails instead of hanging.
class FifoUnblocker {
 public:
  explicit FifoUnblocker(std::filesystem::path fifo, std::chrono::milliseconds limit = std::chrono::seconds(5))
      : fifo_(std::move(fifo)), thread_([this, limit] {
          const auto deadline = std::chrono::steady_clock::now() + limit;
          while (!dismissed_ && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
          if (dismissed_) return;
          const int fd = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK);
          if (fd >= 0) ::close(fd);
        }) {}
  ~FifoUnblocker() { dismiss(); }
  FifoUnblocker(const FifoUnblocker&) = delete;
  FifoUnblocker& operator=(const FifoUnblocker&) = delete;

  void dismiss() {
    dismissed_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::filesystem::path fifo_;
  std::atomic<bool> dismissed_{false};
  std::thread thread_;
};

}  // namespace probity::test_support
