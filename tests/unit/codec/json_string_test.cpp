// JSON string escaping matches JSON.stringify byte for byte.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

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

TEST(JsonString, EscapesAtEveryOffsetOfAChunk) {
  for (size_t length = 0; length < 24; ++length) {
    std::string plain(length, 'p');
    for (const auto& [raw, escaped] :
         std::vector<std::pair<std::string, std::string>>{{"\"", "\\\""},
                                                          {"\\", "\\\\"},
                                                          {"\n", "\\n"},
                                                          {"\x1f", "\\u001f"},
                                                          {"\xed\xa0\x80", "\\ud800"}}) {
      std::string out;
      sio::codec::appendJsonString(plain + raw + plain, out);
      EXPECT_EQ(out, "\"" + plain + escaped + plain + "\"") << length;
    }
    std::string out;
    sio::codec::appendJsonString(plain + "\x7f\xc3\xa9", out);  // no escape: DEL, é
    EXPECT_EQ(out, "\"" + plain + "\x7f\xc3\xa9\"");
  }
}
