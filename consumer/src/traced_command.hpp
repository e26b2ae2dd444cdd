// The command of -c: split into words as a POSIX shell splits them, checked
// before anything is traced, forked before tracing starts and exec'd once
// tracing is on (dtrace -c). Internal to the consumer.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace probity::consumer {

// -c's command cannot be run; what() is one line: "-c 'CMD': ...".
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The words of `command` by the POSIX shell's quoting rules, without any
// expansion: blanks (space, tab, newline) separate words; '...' keeps
// everything literally; "..." keeps everything but \ before $ ` " \ and
// newline; an unquoted \ keeps the next character (\ newline joins lines).
// Throws CommandError for an unterminated quote, for an unquoted shell
// operator or expansion (| & ; < > ( ) $ `), which only a shell gives a
// meaning, and for a command without words.
std::vector<std::string> split_command_words(std::string_view command);

// Where execvp would find `name`: itself when it holds a '/', else the first
// executable regular file of that name in $PATH (/bin:/usr/bin when unset).
// Throws CommandError naming `command` when there is none.
std::string resolve_executable(const std::string& name, std::string_view command);

class TracedCommand {
 public:
  // Splits and resolves the command (throwing CommandError before forking
  // when it cannot run), then forks a child that waits for release().
  explicit TracedCommand(const std::string& command);
  // finish()es the command.
  ~TracedCommand();
  TracedCommand(const TracedCommand&) = delete;
  TracedCommand& operator=(const TracedCommand&) = delete;

  pid_t pid() const { return pid_; }
  // Lets the child exec the command and waits until it has: throws
  // CommandError when the exec failed (the child has then exited).
  void release();
  // Ends the command's part in the run: a command never released exits
  // without running; one still running is killed (SIGKILL, as dtrace -c
  // kills the process it created); then it is reaped. Idempotent.
  void reap() noexcept;

 private:
  std::string command_;
  pid_t pid_ = -1;
  int go_ = -1;          // write end: one byte releases the child
  int exec_error_ = -1;  // read end: the child's errno when exec failed, EOF when it succeeded
  bool released_ = false;
  bool reaped_ = false;
};

}  // namespace probity::consumer
