// The one JSON string escaper: RFC 8259 escapes, valid UTF-8 kept as it is,
// and every other byte kept as \u00XX so that no input is lost.
#include "probity/io/json.hpp"

#include <gtest/gtest.h>

namespace probity::io {
namespace {

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_string("tab\tnl\ncr\r"), R"("tab\tnl\ncr\r")");
  EXPECT_EQ(json_string(std::string_view("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(json_string(""), R"("")");
}

TEST(JsonString, KeepsValidUtf8AndEscapesEveryOtherByte) {
  EXPECT_EQ(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json_string("\xff"), R"("\u00ff")");
  EXPECT_EQ(json_string("\xc3"), R"("\u00c3")");             // a sequence cut short
  EXPECT_EQ(json_string("\xc0\xaf"), R"("\u00c0\u00af")");   // an overlong '/'
  EXPECT_EQ(json_string("\xed\xa0\x80"), R"("\u00ed\u00a0\u0080")");  // a surrogate
}

}  // namespace
}  // namespace probity::io
