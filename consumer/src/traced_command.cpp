#include "traced_command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include "probity/consumer/stop_signals.hpp"
#include "probity/io/invoking_user.hpp"

namespace probity::consumer {
namespace {

std::string quoted(std::string_view command) { return "-c '" + std::string(command) + "'"; }

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Characters only a shell gives a meaning to, when not quoted.
bool is_shell_syntax(char c) { return std::string_view("|&;<>()$`").find(c) != std::string_view::npos; }

bool is_executable_file(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Why `path` cannot be exec'd, for a path given with a '/'.
std::optional<std::string> cannot_execute(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return std::string(std::strerror(errno));
  if (S_ISDIR(status.st_mode)) return std::string("is a directory");
  if (!S_ISREG(status.st_mode)) return std::string("is not a regular file");
  if (::access(path.c_str(), X_OK) != 0) return std::string(std::strerror(errno));
  return std::nullopt;
}

}  // namespace

std::vector<std::string> split_command_words(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has started (it may be empty: '')
  const auto fail = [&](const std::string& why) -> CommandError { return CommandError(quoted(command) + ": " + why); };
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
    } else if (c == '\\') {
      in_word = true;
      if (i + 1 == command.size()) {
        word += c;  // a trailing backslash stays itself
      } else if (command[++i] != '\n') {
        word += command[i];
      }
    } else if (c == '\'') {
      in_word = true;
      const std::size_t end = command.find('\'', i + 1);
      if (end == std::string_view::npos) throw fail("the quote ' at character " + std::to_string(i + 1) + " is not closed");
      word.append(command.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      in_word = true;
      const std::size_t open = i;
      for (++i;; ++i) {
        if (i == command.size()) throw fail("the quote \" at character " + std::to_string(open + 1) + " is not closed");
        if (command[i] == '"') break;
        if (command[i] == '\\' && i + 1 < command.size() &&
            std::string_view("$`\"\\\n").find(command[i + 1]) != std::string_view::npos) {
          ++i;
          if (command[i] != '\n') word += command[i];
        } else {
          word += command[i];
        }
      }
    } else if (is_shell_syntax(c)) {
      throw fail(std::string("'") + c + "' means something only to a shell, and probity runs the command without one: "
                 "quote it, or run a shell (-c 'sh -c \"...\"')");
    } else {
      in_word = true;
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) throw fail("there is no command to run");
  return words;
}

std::string resolve_executable(const std::string& name, std::string_view command) {
  if (name.empty()) throw CommandError(quoted(command) + ": the command name is empty");
  if (name.find('/') != std::string::npos) {
    if (const auto why = cannot_execute(name)) throw CommandError(quoted(command) + ": " + name + ": " + *why);
    return name;
  }
  const char* path_variable = std::getenv("PATH");
  const std::string_view search = path_variable != nullptr ? path_variable : "/bin:/usr/bin";
  for (std::size_t start = 0;;) {
    const std::size_t colon = search.find(':', start);
    const std::string_view dir = search.substr(start, colon == std::string_view::npos ? colon : colon - start);
    const std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  throw CommandError(quoted(command) + ": " + name + ": command not found in PATH");
}

TracedCommand::TracedCommand(const std::string& command) : command_(command) {
  std::vector<std::string> words = split_command_words(command);
  const std::string executable = resolve_executable(words.front(), command);
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  // Run through sudo, probity is root for tracefs' sake; the command is the
  // user's, or sudo probity -c sh would be a root shell.
  const std::optional<io::InvokingUser> user = io::invoking_user();

  int go[2];
  int exec_error[2];
  if (::pipe2(go, O_CLOEXEC) != 0) throw std::runtime_error(std::string("probity: pipe: ") + std::strerror(errno));
  if (::pipe2(exec_error, O_CLOEXEC) != 0) {
    const int error = errno;
    ::close(go[0]);
    ::close(go[1]);
    throw std::runtime_error(std::string("probity: pipe: ") + std::strerror(error));
  }
  pid_ = ::fork();
  if (pid_ < 0) {
    const int error = errno;
    for (const int fd : {go[0], go[1], exec_error[0], exec_error[1]}) ::close(fd);
    throw std::runtime_error(std::string("probity: fork: ") + std::strerror(error));
  }
  if (pid_ == 0) {
    // Only async-signal-safe calls from here on: the parent may have threads.
    StopSignals::reset_in_forked_child();
    ::close(go[1]);
    ::close(exec_error[0]);
    char byte = 0;
    if (::read(go[0], &byte, 1) != 1) ::_exit(127);  // the run ended before tracing started
    const bool as_user = !user || (::setgroups(user->groups.size(), user->groups.data()) == 0 &&
                                   ::setgid(user->gid) == 0 && ::setuid(user->uid) == 0);
    // execvp, not execv: a script without #! still runs under /bin/sh.
    if (as_user) ::execvp(executable.c_str(), argv.data());
    const int error = errno;
    [[maybe_unused]] const ssize_t written = ::write(exec_error[1], &error, sizeof error);
    ::_exit(127);
  }
  ::close(go[0]);
  ::close(exec_error[1]);
  go_ = go[1];
  exec_error_ = exec_error[0];
}

TracedCommand::~TracedCommand() {
  reap();
  if (exec_error_ >= 0) ::close(exec_error_);
}

void TracedCommand::release() {
  if (released_ || reaped_) return;
  released_ = true;
  [[maybe_unused]] const ssize_t written = ::write(go_, "g", 1);
  ::close(std::exchange(go_, -1));
  int error = 0;
  ssize_t got = 0;
  do {
    got = ::read(exec_error_, &error, sizeof error);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof error)) {
    reap();
    throw CommandError(quoted(command_) + ": cannot run it: " + std::strerror(error));
  }
}

void TracedCommand::reap() noexcept {
  if (pid_ <= 0 || reaped_) return;
  if (go_ >= 0) ::close(std::exchange(go_, -1));  // a command never released exits on EOF
  if (released_) ::kill(pid_, SIGKILL);           // a zombie ignores it; its pid is not reused before waitpid
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

}  // namespace probity::consumer
