// -c's command: the POSIX shell's word splitting without expansion, and the
// execvp-style search that finds a command that cannot run before tracing.
// Pure functions of the consumer; no root needed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "traced_command.hpp"

namespace probity::consumer {
namespace {

using Words = std::vector<std::string>;

TEST(CommandWords, BlanksSeparateWords) {
  EXPECT_EQ(split_command_words("ls -l /tmp"), (Words{"ls", "-l", "/tmp"}));
  EXPECT_EQ(split_command_words("  ls\t-l \n /tmp  "), (Words{"ls", "-l", "/tmp"}));
}

TEST(CommandWords, SingleQuotesKeepEverything) {
  EXPECT_EQ(split_command_words(R"(echo 'a  b' 'c"d' '\n' '$HOME')"), (Words{"echo", "a  b", "c\"d", "\\n", "$HOME"}));
  EXPECT_EQ(split_command_words("echo ''"), (Words{"echo", ""}));
}

TEST(CommandWords, DoubleQuotesEscapeOnlyWhatPosixSays) {
  EXPECT_EQ(split_command_words(R"(sh -c "echo hi; sleep 1")"), (Words{"sh", "-c", "echo hi; sleep 1"}));
  EXPECT_EQ(split_command_words(R"(x "a\"b" "c\\d" "e\nf" "\$g" "h\`")"),
            (Words{"x", "a\"b", "c\\d", "e\\nf", "$g", "h`"}));
  EXPECT_EQ(split_command_words("x \"\""), (Words{"x", ""}));
  EXPECT_EQ(split_command_words("x \"a\\\nb\""), (Words{"x", "ab"}));
}

TEST(CommandWords, BackslashKeepsTheNextCharacter) {
  EXPECT_EQ(split_command_words(R"(touch a\ b c\'d e\\f)"), (Words{"touch", "a b", "c'd", "e\\f"}));
  EXPECT_EQ(split_command_words("echo a\\\nb"), (Words{"echo", "ab"}));
  EXPECT_EQ(split_command_words("echo a\\"), (Words{"echo", "a\\"}));
}

TEST(CommandWords, QuotesJoinAdjacentText) {
  EXPECT_EQ(split_command_words(R"(echo a'b c'"d e"f)"), (Words{"echo", "ab cd ef"}));
}

TEST(CommandWords, NothingIsExpanded) {
  EXPECT_EQ(split_command_words("ls *.c ~ {a,b}"), (Words{"ls", "*.c", "~", "{a,b}"}));
}

TEST(CommandWords, RefusesWhatOnlyAShellUnderstands) {
  for (const char* command : {"ls | wc", "a && b", "a; b", "a > out", "a < in", "(a)", "echo $HOME", "echo `id`"}) {
    SCOPED_TRACE(command);
    try {
      split_command_words(command);
      ADD_FAILURE() << "accepted";
    } catch (const CommandError& error) {
      EXPECT_NE(std::string(error.what()).find("probity runs the command without one"), std::string::npos)
          << error.what();
    }
  }
}

TEST(CommandWords, RefusesUnclosedQuotesAndEmptyCommands) {
  EXPECT_THROW(split_command_words("sh -c 'echo"), CommandError);
  EXPECT_THROW(split_command_words("sh -c \"echo"), CommandError);
  EXPECT_THROW(split_command_words("sh -c \"echo\\\""), CommandError);
  EXPECT_THROW(split_command_words(""), CommandError);
  EXPECT_THROW(split_command_words(" \t\n"), CommandError);
  try {
    split_command_words("sh -c 'echo");
  } catch (const CommandError& error) {
    EXPECT_EQ(std::string(error.what()), "-c 'sh -c 'echo': the quote ' at character 7 is not closed");
  }
}

TEST(CommandSearch, FindsCommandsAsExecvpWould) {
  EXPECT_EQ(resolve_executable("/bin/sh", "/bin/sh"), "/bin/sh");
  const std::string found = resolve_executable("sh", "sh");
  EXPECT_TRUE(found.ends_with("/sh")) << found;
  EXPECT_THROW(resolve_executable("probity-test-no-such-command", "x"), CommandError);
  EXPECT_THROW(resolve_executable("/nonexistent/sh", "x"), CommandError);
  EXPECT_THROW(resolve_executable("/", "x"), CommandError);
  EXPECT_THROW(resolve_executable("", "x"), CommandError);
}

}  // namespace
}  // namespace probity::consumer
