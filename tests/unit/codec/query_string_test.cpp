// Query strings are read as Node's querystring reads them.
#include <gtest/gtest.h>

#include "sio/codec/query_string.hpp"

using namespace sio::codec;

TEST(QueryString, SplitsTargetIntoPathAndQuery) {
  auto [path, query] = splitTarget("/engine.io/?EIO=4&transport=polling");
  EXPECT_EQ(path, "/engine.io/");
  EXPECT_EQ(query, "EIO=4&transport=polling");
  auto [bare, none] = splitTarget("/x");
  EXPECT_EQ(bare, "/x");
  EXPECT_EQ(none, "");
}

TEST(QueryString, ParsesParametersInOrder) {
  auto params = parseQuery("EIO=4&transport=polling&t=abc&flag&=v&&x=1&x=2");
  ASSERT_EQ(params.size(), 7u);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"EIO", "4"}));
  EXPECT_EQ(params[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(params[4], (std::pair<std::string, std::string>{"", "v"}));
  EXPECT_EQ(*findParam(params, "x"), "1");
  EXPECT_EQ(findParam(params, "missing"), nullptr);
}

TEST(QueryString, DecodesPercentAndPlus) {
  EXPECT_EQ(decodeQueryComponent("a%20b+c%2Bd"), "a b c+d");
  EXPECT_EQ(decodeQueryComponent("%E2%82%AC"), "€");
}

TEST(QueryString, KeepsMalformedEscapesLiterally) {
  EXPECT_EQ(decodeQueryComponent("100%"), "100%");
  EXPECT_EQ(decodeQueryComponent("%zz%4"), "%zz%4");
  EXPECT_EQ(decodeQueryComponent("%%41"), "%A");
}
