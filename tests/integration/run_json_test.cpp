// Runs with -f json: one JSON object a line, checked with a strict parser of
// the tests' own. Needs root.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "probity/compiler/object.hpp"
#include "support/catalogue_copy.hpp"
#include "support/child_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

#include "integration/run_test_support.hpp"

namespace probity {
namespace {

using namespace run_testing;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ------------------------------------------------------------------ -f json

// A JSON value as parsed by JsonParser: numbers keep their text, so that
// large integers can be compared exactly.
struct Json {
  struct Number {
    std::string text;
  };
  using Array = std::vector<Json>;
  using Object = std::map<std::string, Json>;
  std::variant<std::nullptr_t, bool, Number, std::string, Array, Object> value;

  bool is_object() const { return std::holds_alternative<Object>(value); }
  const Json& operator[](const std::string& name) const {
    static const Json missing;
    const auto* object = std::get_if<Object>(&value);
    if (object == nullptr) return missing;
    const auto found = object->find(name);
    return found == object->end() ? missing : found->second;
  }
  const Array& array() const {
    static const Array none;
    const auto* items = std::get_if<Array>(&value);
    return items != nullptr ? *items : none;
  }
  std::string string() const {
    const auto* text = std::get_if<std::string>(&value);
    return text != nullptr ? *text : "<not a string>";
  }
  std::string number() const {
    const auto* number = std::get_if<Number>(&value);
    return number != nullptr ? number->text : "<not a number>";
  }
};

// RFC 8259's grammar, strictly: parse() is nullopt for anything else
// (trailing text included). \uXXXX escapes above 0x7f are kept as "\uXXXX".
class JsonParser {
 public:
  static std::optional<Json> parse(const std::string& text) {
    JsonParser parser(text);
    std::optional<Json> value = parser.value();
    parser.spaces();
    if (!value || parser.at_ != text.size()) return std::nullopt;
    return value;
  }

 private:
  explicit JsonParser(const std::string& text) : text_(text) {}

  void spaces() {
    while (at_ < text_.size() && std::strchr(" \t\r\n", text_[at_]) != nullptr) ++at_;
  }
  bool take(char c) {
    spaces();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool word(const std::string& literal) {
    if (text_.compare(at_, literal.size(), literal) != 0) return false;
    at_ += literal.size();
    return true;
  }

  std::optional<Json> value() {
    spaces();
    if (at_ >= text_.size()) return std::nullopt;
    const char c = text_[at_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') {
      std::optional<std::string> text = string();
      if (!text) return std::nullopt;
      return Json{*text};
    }
    if (word("true")) return Json{true};
    if (word("false")) return Json{false};
    if (word("null")) return Json{nullptr};
    return number();
  }

  std::optional<Json> object() {
    ++at_;
    Json::Object members;
    if (take('}')) return Json{members};
    do {
      spaces();
      std::optional<std::string> name = string();
      if (!name || !take(':')) return std::nullopt;
      std::optional<Json> member = value();
      if (!member) return std::nullopt;
      members[*name] = *member;
    } while (take(','));
    if (!take('}')) return std::nullopt;
    return Json{members};
  }

  std::optional<Json> array() {
    ++at_;
    Json::Array items;
    if (take(']')) return Json{items};
    do {
      std::optional<Json> item = value();
      if (!item) return std::nullopt;
      items.push_back(*item);
    } while (take(','));
    if (!take(']')) return std::nullopt;
    return Json{items};
  }

  std::optional<std::string> string() {
    if (at_ >= text_.size() || text_[at_] != '"') return std::nullopt;
    ++at_;
    std::string text;
    while (at_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[at_++]);
      if (c == '"') return text;
      if (c < 0x20) return std::nullopt;
      if (c != '\\') {
        text += static_cast<char>(c);
        continue;
      }
      if (at_ >= text_.size()) return std::nullopt;
      const char escape = text_[at_++];
      switch (escape) {
        case '"': text += '"'; break;
        case '\\': text += '\\'; break;
        case '/': text += '/'; break;
        case 'b': text += '\b'; break;
        case 'f': text += '\f'; break;
        case 'n': text += '\n'; break;
        case 'r': text += '\r'; break;
        case 't': text += '\t'; break;
        case 'u': {
          if (at_ + 4 > text_.size()) return std::nullopt;
          const std::string hex = text_.substr(at_, 4);
          if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return std::nullopt;
          at_ += 4;
          const unsigned long code = std::stoul(hex, nullptr, 16);
          if (code < 0x80) {
            text += static_cast<char>(code);
          } else {
            text += "\\u" + hex;
          }
          break;
        }
        default: return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::optional<Json> number() {
    const std::size_t start = at_;
    if (at_ < text_.size() && text_[at_] == '-') ++at_;
    const auto digits = [&] {
      const std::size_t first = at_;
      while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) ++at_;
      return at_ - first;
    };
    const std::size_t integer_start = at_;
    const std::size_t integer_digits = digits();
    if (integer_digits == 0 || (integer_digits > 1 && text_[integer_start] == '0')) return std::nullopt;
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      if (digits() == 0) return std::nullopt;
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (digits() == 0) return std::nullopt;
    }
    return Json{Json::Number{text_.substr(start, at_ - start)}};
  }

  const std::string& text_;
  std::size_t at_ = 0;
};

TEST(Run, JsonValidatorRejectsWhatIsNotJson) {
  for (const std::string bad : {"{", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":\"x\ny\"}", "{} x", "[1 2]"}) {
    EXPECT_FALSE(JsonParser::parse(bad)) << bad;
  }
  ASSERT_TRUE(JsonParser::parse("{\"a\":[1,-2.5e3,\"\\u0041\\n\",true,null,{}]}"));
}

// Every line of a -f json run's stdout as a JSON object (failing the test for
// any line that is not one).
std::vector<Json> json_lines(const std::string& out) {
  std::vector<Json> objects;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const std::optional<Json> parsed = JsonParser::parse(line);
    EXPECT_TRUE(parsed && parsed->is_object()) << "not a JSON object: " << line;
    if (parsed) objects.push_back(*parsed);
  }
  EXPECT_TRUE(out.empty() || out.back() == '\n') << "the last line is not terminated";
  return objects;
}

std::vector<Json> of_type(const std::vector<Json>& objects, const std::string& type) {
  std::vector<Json> chosen;
  for (const Json& object : objects) {
    if (object["type"].string() == type) chosen.push_back(object);
  }
  return chosen;
}

TEST(Run, JsonCountsTheGetppidCallsInOneAggregationObject) {
  REQUIRE_TRACEFS();
  constexpr int calls = 23;
  Child child([] {
    for (int i = 0; i < calls; ++i) ::syscall(SYS_getppid);
  });
  Probity probity({"-q", "-f", "json", "-p", std::to_string(child.pid()), "-n",
                   "BEGIN { printf(\"ready\\n\"); } syscalls:sys_enter_getppid /pid == $target/ { @calls = count(); }"});
  const std::optional<Json> ready = JsonParser::parse(probity.read_line());
  ASSERT_TRUE(ready);
  EXPECT_EQ((*ready)["text"].string(), "ready\n");
  child.go();
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> objects = json_lines(probity.out());
  const std::vector<Json> aggregations = of_type(objects, "aggregation");
  ASSERT_EQ(aggregations.size(), 1U) << probity.out();
  const Json& calls_object = aggregations.front();
  EXPECT_EQ(calls_object["name"].string(), "@calls");
  EXPECT_EQ(calls_object["function"].string(), "count");
  ASSERT_EQ(calls_object["entries"].array().size(), 1U) << probity.out();
  const Json& entry = calls_object["entries"].array().front();
  EXPECT_TRUE(entry["keys"].array().empty());
  EXPECT_EQ(entry["value"].number(), std::to_string(calls));
  for (const Json& object : objects) {
    const std::string type = object["type"].string();
    EXPECT_TRUE(type == "printf" || type == "aggregation" || type == "drops") << type;
  }
}

TEST(Run, JsonPrintfTextRoundTripsQuotesNewlinesAndBackslashes) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-f", "json", "-n",
                   "BEGIN { printf(\"say \\\"%s\\\"\\n\\tpath\\\\x\\n\", \"hi\"); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> objects = json_lines(probity.out());
  ASSERT_EQ(objects.size(), 1U) << probity.out();
  EXPECT_EQ(objects[0]["type"].string(), "printf");
  EXPECT_EQ(objects[0]["probe"].string(), "BEGIN");
  EXPECT_EQ(objects[0]["text"].string(), "say \"hi\"\n\tpath\\x\n");
  EXPECT_NE(probity.out().find(R"("text":"say \"hi\"\n\tpath\\x\n")"), std::string::npos) << probity.out();
  EXPECT_EQ(objects[0]["cpu"].number().find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(objects[0]["timestamp"].number().find_first_not_of("0123456789"), std::string::npos);
}

TEST(Run, JsonEscapesControlCharactersAndBytesThatAreNotUtf8) {
  REQUIRE_TRACEFS();
  // 200 and 255 alone are not UTF-8; "\xc3\xa9" (e acute) is, and passes through.
  Probity probity({"-q", "-f", "json", "-n",
                   "BEGIN { printf(\"%c%c|%c%c\xc3\xa9\", 200, 65, 255, 1); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> objects = json_lines(probity.out());
  ASSERT_EQ(objects.size(), 1U) << probity.out();
  EXPECT_EQ(objects[0]["text"].string(), "\\u00c8A|\\u00ff\x01\xc3\xa9");
}

TEST(Run, JsonRunWritesOnlyObjectsForProbesTracesPrintfsAndPrinta) {
  REQUIRE_TRACEFS();
  Probity probity({"-f", "json", "-n",
                   "BEGIN { trace(42); trace(\"s\\\"q\"); trace((uint64_t)-1); printf(\"p\\n\"); "
                   "@a[\"k\", 3] = sum(5); @a[\"k\", 3] = sum(6); printa(\"%s %d %@d\\n\", @a); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> objects = json_lines(probity.out());
  const std::vector<Json> probes = of_type(objects, "probe");
  ASSERT_EQ(probes.size(), 1U) << probity.out();
  EXPECT_EQ(probes[0]["probe"].string(), "BEGIN");
  const std::vector<Json> traces = of_type(objects, "trace");
  ASSERT_EQ(traces.size(), 3U) << probity.out();
  EXPECT_EQ(traces[0]["value"].number(), "42");
  EXPECT_EQ(traces[1]["value"].string(), "s\"q");
  EXPECT_EQ(traces[2]["value"].number(), "18446744073709551615");
  ASSERT_EQ(of_type(objects, "printf").size(), 1U);
  EXPECT_EQ(of_type(objects, "printf")[0]["text"].string(), "p\n");
  const std::vector<Json> aggregations = of_type(objects, "aggregation");
  ASSERT_EQ(aggregations.size(), 1U) << "printa printed @a: not again at exit\n" << probity.out();
  EXPECT_EQ(aggregations[0]["name"].string(), "@a");
  EXPECT_EQ(aggregations[0]["function"].string(), "sum");
  ASSERT_EQ(aggregations[0]["entries"].array().size(), 1U);
  const Json& entry = aggregations[0]["entries"].array()[0];
  ASSERT_EQ(entry["keys"].array().size(), 2U);
  EXPECT_EQ(entry["keys"].array()[0].string(), "k");
  EXPECT_EQ(entry["keys"].array()[1].number(), "3");
  EXPECT_EQ(entry["value"].number(), "11");
  EXPECT_EQ(objects.size(), probes.size() + traces.size() + 2) << probity.out();
}

TEST(Run, JsonQuantizeGivesTheBucketsDTraceWouldPrint) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-f", "json", "-n",
                   "BEGIN { @q = quantize(1); @q = quantize(1000); @q = quantize(700); "
                   "@l = lquantize(5, 0, 10, 2); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> aggregations = of_type(json_lines(probity.out()), "aggregation");
  ASSERT_EQ(aggregations.size(), 2U) << probity.out();
  EXPECT_EQ(aggregations[0]["function"].string(), "quantize");
  ASSERT_EQ(aggregations[0]["entries"].array().size(), 1U);
  const Json& quantized = aggregations[0]["entries"].array()[0];
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(quantized["value"].value)) << "buckets replace the value";
  // 1 is in [1, 2), 1000 and 700 in [512, 1024); one empty row either side.
  std::vector<std::pair<std::string, std::string>> expected{{"0", "0"}, {"1", "1"}};
  for (long long value = 2; value <= 256; value *= 2) expected.emplace_back(std::to_string(value), "0");
  expected.insert(expected.end(), {{"512", "2"}, {"1024", "0"}});
  std::vector<std::pair<std::string, std::string>> buckets;
  for (const Json& bucket : quantized["buckets"].array()) {
    buckets.emplace_back(bucket["value"].number(), bucket["count"].number());
  }
  EXPECT_EQ(buckets, expected) << probity.out();

  EXPECT_EQ(aggregations[1]["function"].string(), "lquantize");
  buckets.clear();
  for (const Json& bucket : aggregations[1]["entries"].array().at(0)["buckets"].array()) {
    buckets.emplace_back(bucket["value"].number(), bucket["count"].number());
  }
  EXPECT_EQ(buckets, (std::vector<std::pair<std::string, std::string>>{{"2", "0"}, {"4", "1"}, {"6", "0"}}));
}

TEST(Run, OutputFormatOtherThanTextOrJsonIsAUsageError) {
  Probity probity({"-f", "xml", "-n", "BEGIN { exit(0); }"});
  EXPECT_NE(probity.wait(), 0);
  EXPECT_EQ(probity.out(), "");
  EXPECT_NE(probity.err().find("text or json"), std::string::npos) << probity.err();
}

TEST(Run, TargetWithoutCOrPIsRefusedBeforeTracing) {
  Probity probity({"-n", "syscalls:sys_enter_getppid /pid == $target/ { @ = count(); }"});
  EXPECT_EQ(probity.wait(), 2);
  EXPECT_EQ(probity.out(), "");
  EXPECT_NE(probity.err().find("the program reads $target: give the process with -c CMD or -p PID"), std::string::npos)
      << probity.err();
}

}  // namespace
}  // namespace probity
