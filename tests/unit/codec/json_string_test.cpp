// JSON string escaping matches JSON.stringify byte for byte.
#include <gtest/gtest.h>

#include "sio/codec/json_string.hpp"

using sio::codec::jsonString;

TEST(JsonString, QuotesPlainText) {
  EXPECT_EQ(jsonString("hello"), "\"hello\"");
}

TEST(JsonString, EscapesLikeJsonStringify) {
  EXPECT_EQ(jsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(jsonString("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(jsonString(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(jsonString(std::string("\0", 1)), R"("\u0000")");
}

TEST(JsonString, KeepsUtf8AndSlashes) {
  EXPECT_EQ(jsonString("é/€"), "\"é/€\"");
  EXPECT_EQ(jsonString("\x7f"), "\"\x7f\"");
}
