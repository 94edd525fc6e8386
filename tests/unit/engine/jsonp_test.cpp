// JSONP polling framing (engine.io's polling-jsonp): the script around a payload, with
// U+2028/U+2029 escaped, and a POSTed form's `d` field with the client's newline escapes
// undone; a form without a single `d` yields nothing.
#include <gtest/gtest.h>

#include "jsonp.hpp"
#include "wire_format.hpp"

using namespace sio::engine;

TEST(EngineJsonp, WrapsThePayloadAsAJsonStringInACallback) {
  EXPECT_EQ(wrapJsonp("7", "6:4hello"), "___eio[7](\"6:4hello\");");
  EXPECT_EQ(wrapJsonp("", "4a\"b\\"), "___eio[](\"4a\\\"b\\\\\");");
  EXPECT_EQ(wrapJsonp("0", "4a\nb\x1e"), "___eio[0](\"4a\\nb\\u001e\");");
  // valid JSON, but not valid JavaScript before ES2019: escaped
  EXPECT_EQ(wrapJsonp("1", "4\xE2\x80\xA8\xE2\x80\xA9\xE2\x80\xA7"),
            "___eio[1](\"4\\u2028\\u2029\xE2\x80\xA7\");");
}

TEST(EngineJsonp, TheCallbackIndexKeepsOnlyDigits) {
  Request request;
  request.setQuery({{"EIO", "3"}, {"j", "1<script>2"}});
  EXPECT_EQ(wireFormatOf(request).jsonpIndex, std::optional<std::string>("12"));
  request.setQuery({{"EIO", "3"}});
  EXPECT_FALSE(wireFormatOf(request).jsonpIndex);
  request.setQuery({{"j", ""}});
  EXPECT_EQ(wireFormatOf(request).jsonpIndex, std::optional<std::string>(""));
}

TEST(EngineJsonp, ReadsTheFormFieldAndUndoesNewlineEscapes) {
  EXPECT_EQ(unwrapJsonpBody("d=6%3A4hello"), std::optional<std::string>("6:4hello"));
  EXPECT_EQ(unwrapJsonpBody("x=1&d=4a+b"), std::optional<std::string>("4a b"));
  // `\n` (backslash, n) is a newline; `\\n` is a literal backslash-n
  EXPECT_EQ(unwrapJsonpBody("d=4a%5Cnb"), std::optional<std::string>("4a\nb"));
  EXPECT_EQ(unwrapJsonpBody("d=4a%5C%5Cnb"), std::optional<std::string>("4a\\nb"));
  EXPECT_EQ(unwrapJsonpBody("d=%5C%5C%5Cn"), std::optional<std::string>("\\\\n"));
  EXPECT_EQ(unwrapJsonpBody("d="), std::optional<std::string>(""));
}

TEST(EngineJsonp, IgnoresAFormWithoutASingleD) {
  EXPECT_FALSE(unwrapJsonpBody(""));
  EXPECT_FALSE(unwrapJsonpBody("x=1"));
  EXPECT_FALSE(unwrapJsonpBody("d=1&d=2"));
}
