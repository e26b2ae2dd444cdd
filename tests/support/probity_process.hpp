// Runs the probity binary as a user would, capturing its output and exit
// status, for the tests of the command line.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace probity::test_support {

struct Outcome {
  std::string out;
  std::string err;
  int status = -1;  // exit status; -1 when the process did not exit normally
};

namespace detail {

inline std::string slurp(int fd) {
  std::string text;
  ::lseek(fd, 0, SEEK_SET);
  char buffer[65536];
  ssize_t got = 0;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(got));
  return text;
}

// An unlinked temporary file: only its descriptor lives.
class AnonymousFile {
 public:
  AnonymousFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "probity-test-XXXXXX").string();
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0) throw std::runtime_error("mkstemp failed");
    ::unlink(pattern.c_str());
  }
  ~AnonymousFile() { ::close(fd_); }
  AnonymousFile(const AnonymousFile&) = delete;
  AnonymousFile& operator=(const AnonymousFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace detail

// Runs `binary` with `arguments` (as `uid` when given), $PROBITY_INDEX unset;
// `in_child`, when given, runs in the child just before exec (a private
// namespace, an environment), and exits it with 125 to say it failed.
inline Outcome run_process(const std::string& binary, const std::vector<std::string>& arguments,
                           std::optional<uid_t> uid = std::nullopt,
                           const std::function<bool()>& in_child = nullptr) {
  detail::AnonymousFile out;
  detail::AnonymousFile err;
  std::vector<std::string> argv_storage{binary};
  argv_storage.insert(argv_storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : argv_storage) argv.push_back(argument.data());
  argv.push_back(nullptr);

  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    ::dup2(out.fd(), STDOUT_FILENO);
    ::dup2(err.fd(), STDERR_FILENO);
    ::unsetenv("PROBITY_INDEX");
    if (in_child && !in_child()) ::_exit(125);
    if (uid && (::setgid(*uid) != 0 || ::setuid(*uid) != 0)) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int wait_status = 0;
  while (::waitpid(child, &wait_status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  Outcome result;
  result.out = detail::slurp(out.fd());
  result.err = detail::slurp(err.fd());
  if (WIFEXITED(wait_status)) result.status = WEXITSTATUS(wait_status);
  return result;
}

}  // namespace probity::test_support
