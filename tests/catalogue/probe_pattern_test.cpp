#include "probity/catalogue/probe_pattern.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace probity::catalogue {
namespace {

ProbePattern parse_ok(std::string_view text) {
  std::string error;
  const std::optional<ProbePattern> pattern = ProbePattern::parse(text, &error);
  EXPECT_TRUE(pattern.has_value()) << "\"" << text << "\" was rejected: " << error;
  return pattern.value_or(ProbePattern{});
}

std::string parse_error(std::string_view text) {
  std::string error;
  const std::optional<ProbePattern> pattern = ProbePattern::parse(text, &error);
  EXPECT_FALSE(pattern.has_value()) << "\"" << text << "\" was accepted";
  EXPECT_FALSE(error.empty()) << "no message for \"" << text << "\"";
  return error;
}

TEST(ProbePatternParse, ProviderColonEvent) {
  const ProbePattern pattern = parse_ok("sched:sched_switch");
  EXPECT_EQ(pattern.provider, "sched");
  EXPECT_EQ(pattern.event, "sched_switch");
}

TEST(ProbePatternParse, DTraceFourPartFormWithEmptyModuleAndFunction) {
  const ProbePattern pattern = parse_ok("sched:::sched_switch");
  EXPECT_EQ(pattern.provider, "sched");
  EXPECT_EQ(pattern.event, "sched_switch");
}

TEST(ProbePatternParse, DTraceFourPartFormAcceptsStarModuleAndFunction) {
  const ProbePattern pattern = parse_ok("sched:*:*:sched_switch");
  EXPECT_EQ(pattern.provider, "sched");
  EXPECT_EQ(pattern.event, "sched_switch");
}

TEST(ProbePatternParse, DTraceEmptyProviderOrNameMatchesEverything) {
  const ProbePattern every_sched = parse_ok("sched:::");
  EXPECT_EQ(every_sched.provider, "sched");
  EXPECT_EQ(every_sched.event, "*");
  const ProbePattern any_provider = parse_ok(":::sched_switch");
  EXPECT_EQ(any_provider.provider, "*");
  EXPECT_EQ(any_provider.event, "sched_switch");
}

TEST(ProbePatternParse, BpftraceTracepointForm) {
  const ProbePattern pattern = parse_ok("tracepoint:sched:sched_switch");
  EXPECT_EQ(pattern.provider, "sched");
  EXPECT_EQ(pattern.event, "sched_switch");
  const ProbePattern abbreviated = parse_ok("t:sched:sched_switch");
  EXPECT_EQ(abbreviated.provider, "sched");
  EXPECT_EQ(abbreviated.event, "sched_switch");
}

TEST(ProbePatternParse, BareEventNameMeansAnyProvider) {
  const ProbePattern pattern = parse_ok("sched_switch");
  EXPECT_EQ(pattern.provider, "*");
  EXPECT_EQ(pattern.event, "sched_switch");
  EXPECT_TRUE(pattern.matches("sched", "sched_switch"));
  EXPECT_TRUE(pattern.matches("other", "sched_switch"));
  EXPECT_FALSE(pattern.matches("sched", "sched_wakeup"));
}

TEST(ProbePatternParse, BareStarMatchesEveryProbe) {
  const ProbePattern pattern = parse_ok("*");
  EXPECT_TRUE(pattern.matches("sched", "sched_switch"));
  EXPECT_TRUE(pattern.matches("irq", "irq_handler_entry"));
}

TEST(ProbePatternParse, GlobsInEitherPart) {
  const ProbePattern pattern = parse_ok("s?hed:sched_[sw]*");
  EXPECT_EQ(pattern.provider, "s?hed");
  EXPECT_EQ(pattern.event, "sched_[sw]*");
  EXPECT_TRUE(pattern.matches("sched", "sched_switch"));
  EXPECT_TRUE(pattern.matches("sched", "sched_wakeup"));
  EXPECT_FALSE(pattern.matches("sched", "sched_process_exit"));
  EXPECT_FALSE(pattern.matches("schhed", "sched_switch"));
}

TEST(ProbePatternParse, NegatedBracketAndLiteralClosingBracket) {
  const ProbePattern negated = parse_ok("sched:sched_[!s]*");
  EXPECT_TRUE(negated.matches("sched", "sched_wakeup"));
  EXPECT_FALSE(negated.matches("sched", "sched_switch"));
  // "[]a]" is a bracket expression holding ']' and 'a', not an unclosed one.
  const ProbePattern literal = parse_ok("x:[]a]");
  EXPECT_TRUE(literal.matches("x", "a"));
  EXPECT_TRUE(literal.matches("x", "]"));
}

TEST(ProbePatternParse, QuestionMarkMatchesExactlyOneCharacter) {
  const ProbePattern pattern = parse_ok("irq:irq_handler_e?try");
  EXPECT_TRUE(pattern.matches("irq", "irq_handler_entry"));
  EXPECT_FALSE(pattern.matches("irq", "irq_handler_exit"));
  EXPECT_FALSE(pattern.matches("irq", "irq_handler_enntry"));
}

TEST(ProbePatternParse, MatchingIsWholeName) {
  const ProbePattern pattern = parse_ok("sched:sched_switch");
  EXPECT_FALSE(pattern.matches("sched", "sched_switch_extra"));
  EXPECT_FALSE(pattern.matches("xsched", "sched_switch"));
}

TEST(ProbePatternErrors, Empty) { EXPECT_NE(parse_error("").find("empty"), std::string::npos); }

TEST(ProbePatternErrors, NonEmptyModuleOrFunctionInDTraceForm) {
  const std::string module_error = parse_error("sched:vmlinux::sched_switch");
  EXPECT_NE(module_error.find("module"), std::string::npos) << module_error;
  EXPECT_NE(module_error.find("sched:::sched_switch"), std::string::npos) << module_error;
  const std::string function_error = parse_error("sched::__schedule:sched_switch");
  EXPECT_NE(function_error.find("function"), std::string::npos) << function_error;
}

TEST(ProbePatternErrors, ThreePartsWithoutTracepointPrefix) {
  const std::string error = parse_error("sched:foo:bar");
  EXPECT_NE(error.find("sched:foo:bar"), std::string::npos) << error;
  EXPECT_NE(error.find("tracepoint:"), std::string::npos) << error;
}

TEST(ProbePatternErrors, TooManyParts) {
  const std::string error = parse_error("a:b:c:d:e");
  EXPECT_NE(error.find("5 parts"), std::string::npos) << error;
}

TEST(ProbePatternErrors, EmptyPartsInTwoAndThreePartForms) {
  EXPECT_NE(parse_error("sched:").find("empty event"), std::string::npos);
  EXPECT_NE(parse_error(":sched_switch").find("empty provider"), std::string::npos);
  EXPECT_NE(parse_error("tracepoint::sched_switch").find("empty provider"), std::string::npos);
  EXPECT_NE(parse_error("tracepoint:sched:").find("empty event"), std::string::npos);
}

TEST(ProbePatternErrors, OtherProbeTypesAreRefused) {
  for (const char* text : {"kprobe:do_sys_open", "kretprobe:vfs_read", "uprobe:/bin/bash:readline",
                           "fentry:vfs_read", "fbt::vfs_read:entry", "usdt:/bin/x:p:q",
                           "profile:hz:99", "interval:s:1", "rawtracepoint:sched_switch"}) {
    const std::string error = parse_error(text);
    EXPECT_NE(error.find("only tracepoints are supported"), std::string::npos) << error;
    EXPECT_NE(error.find(text), std::string::npos) << error;
  }
}

TEST(ProbePatternErrors, UnclosedBracket) {
  const std::string error = parse_error("sched:sched_[sw");
  EXPECT_NE(error.find("unclosed '['"), std::string::npos) << error;
  EXPECT_NE(parse_error("sch[ed:x").find("provider"), std::string::npos);
}

TEST(ProbePatternErrors, RangesThatEndBeforeTheyStart) {
  EXPECT_NE(parse_error("sched:sched_[z-a]").find("the range 'z-a' ends before it starts"), std::string::npos)
      << parse_error("sched:sched_[z-a]");
}

// What fnmatch would take literally or match nothing with, located.
TEST(GlobProblem, FindsUnclosedBracketsReversedRangesAndTrailingBackslashes) {
  for (const char* good : {"*", "sched_*", "[abc]", "[a-z]x", "[!a-c]", "[^a]", "[]a]", "[!]a]", "[a-]", "a\\[b",
                           "sched:sched_sw[a-z]*", "x[[]"}) {
    EXPECT_FALSE(glob_problem(good)) << good << ": " << glob_problem(good)->message;
  }
  const auto unclosed = glob_problem("sched:[sched_switch");
  ASSERT_TRUE(unclosed);
  EXPECT_EQ(unclosed->offset, 6U);
  EXPECT_EQ(unclosed->message, "unclosed '['");
  const auto open_range = glob_problem("sched:sched_sw[a-");
  ASSERT_TRUE(open_range);
  EXPECT_EQ(open_range->offset, 14U);
  EXPECT_EQ(open_range->message, "unclosed '['");
  EXPECT_TRUE(glob_problem("[]"));
  EXPECT_TRUE(glob_problem("[!]"));
  const auto reversed = glob_problem("a[z-a]");
  ASSERT_TRUE(reversed);
  EXPECT_EQ(reversed->offset, 2U);
  const auto backslash = glob_problem("abc\\");
  ASSERT_TRUE(backslash);
  EXPECT_EQ(backslash->offset, 3U);
}

TEST(ProbePatternErrors, WhiteSpaceCommasAndPathCharacters) {
  EXPECT_NE(parse_error("sched: sched_switch").find("white space"), std::string::npos);
  EXPECT_NE(parse_error("sched:a,sched:b").find("one probe description"), std::string::npos);
  EXPECT_NE(parse_error("sched/x:y").find("'/'"), std::string::npos);
}

TEST(ProbePatternErrors, NullErrorPointerIsAllowed) {
  EXPECT_FALSE(ProbePattern::parse("sched:foo:bar").has_value());
}

// A catalogue built by hand: two providers, given out of order on purpose.
Catalogue small_catalogue() {
  Catalogue catalogue;
  catalogue.release = "6.18.0-test";
  const auto add_provider = [&](std::string name, std::vector<std::string> events) {
    Provider provider;
    provider.name = name;
    for (std::string& event_name : events) {
      Event event;
      event.provider = name;
      event.name = std::move(event_name);
      provider.events.push_back(std::move(event));
    }
    catalogue.providers.push_back(std::move(provider));
  };
  add_provider("irq", {"irq_handler_entry", "irq_handler_exit", "softirq_entry"});
  add_provider("sched", {"sched_process_exit", "sched_switch", "sched_wakeup"});
  return catalogue;
}

std::vector<std::string> names(const std::vector<const Event*>& events) {
  std::vector<std::string> result;
  for (const Event* event : events) result.push_back(event->provider + ":" + event->name);
  return result;
}

TEST(ProbePatternMatch, EverySpellingSelectsTheSameEvents) {
  const Catalogue catalogue = small_catalogue();
  const std::vector<std::string> expected{"sched:sched_switch", "sched:sched_wakeup"};
  for (const char* text : {"sched:sched_[sw]*", "sched:::sched_[sw]*", "tracepoint:sched:sched_[sw]*",
                           "sched_[sw]*", "*:sched_[sw]*"}) {
    EXPECT_EQ(names(match(catalogue, parse_ok(text))), expected) << text;
  }
}

TEST(ProbePatternMatch, StarListsEveryEventInProviderThenEventOrder) {
  const Catalogue catalogue = small_catalogue();
  const std::vector<std::string> expected{"irq:irq_handler_entry", "irq:irq_handler_exit",
                                          "irq:softirq_entry",     "sched:sched_process_exit",
                                          "sched:sched_switch",    "sched:sched_wakeup"};
  EXPECT_EQ(names(match(catalogue, parse_ok("*"))), expected);
  EXPECT_EQ(names(match(catalogue, parse_ok(":::"))), expected);
}

TEST(ProbePatternMatch, NothingMatches) {
  const Catalogue catalogue = small_catalogue();
  EXPECT_TRUE(match(catalogue, parse_ok("sched:no_such_event")).empty());
  EXPECT_TRUE(match(catalogue, parse_ok("nosuchprovider:*")).empty());
}

TEST(ProbePatternMatch, ReturnsPointersIntoTheCatalogue) {
  const Catalogue catalogue = small_catalogue();
  const std::vector<const Event*> matched = match(catalogue, parse_ok("irq:softirq_entry"));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0], &catalogue.providers[0].events[2]);
}

}  // namespace
}  // namespace probity::catalogue
