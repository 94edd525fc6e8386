// FieldList, the packed name/value pairs of a kept request: pairs come back in the order
// added (repeats and empty strings included), the first of a name is found, and it is
// built from the vectors of pairs it replaces.
#include <gtest/gtest.h>

#include <vector>

#include "sio/codec/query_string.hpp"
#include "sio/engine/field_list.hpp"
#include "sio/engine/request.hpp"

using namespace sio::engine;

namespace {
std::vector<std::pair<std::string, std::string>> pairsOf(const FieldList& list) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [name, value] : list) pairs.emplace_back(name, value);
  return pairs;
}
}  // namespace

TEST(FieldList, KeepsPairsInOrderWithRepeatsAndEmptyStrings) {
  FieldList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
  list.emplace_back("host", "127.0.0.1:3000");
  list.emplace_back("cookie", "a=1");
  list.emplace_back("", "");
  list.emplace_back("cookie", std::string(300, 'x'));
  EXPECT_FALSE(list.empty());
  EXPECT_EQ(list.size(), 4u);
  std::vector<std::pair<std::string, std::string>> expected{
      {"host", "127.0.0.1:3000"}, {"cookie", "a=1"}, {"", ""}, {"cookie", std::string(300, 'x')}};
  EXPECT_EQ(pairsOf(list), expected);
}

TEST(FieldList, FindsTheFirstValueOfAName) {
  FieldList list{{"a", "1"}, {"b", ""}, {"a", "2"}};
  EXPECT_EQ(list.find("a"), std::optional<std::string_view>("1"));
  EXPECT_EQ(list.find("b"), std::optional<std::string_view>(""));
  EXPECT_EQ(list.find("c"), std::nullopt);
  EXPECT_EQ(list.find("A"), std::nullopt);  // names are compared exactly
}

TEST(FieldList, BytesAreKeptAsTheyAre) {
  std::string binary("a\0b\r\n", 5);
  FieldList list{{binary, binary}};
  EXPECT_EQ(list.find(binary), std::optional<std::string_view>(binary));
}

TEST(FieldList, IsBuiltFromVectorsOfPairsAndCopiesCompare) {
  sio::codec::QueryParams params = sio::codec::parseQuery("EIO=4&transport=websocket&x=a%20b");
  FieldList query = params;
  EXPECT_EQ(pairsOf(query), params);
  HeaderList headers{{"origin", "http://example.com"}};
  FieldList fromHeaders = headers;
  fromHeaders.push_back(std::pair<std::string, std::string>("accept", "*/*"));
  EXPECT_EQ(fromHeaders.size(), 2u);
  FieldList copy = fromHeaders;
  EXPECT_EQ(copy, fromHeaders);
  copy.clear();
  EXPECT_TRUE(copy.empty());
  EXPECT_NE(copy, fromHeaders);
}

TEST(FieldList, ARequestAnswersHeadersAndParametersFromIt) {
  Request request;
  request.query = sio::codec::parseQuery("EIO=4&sid=abc");
  request.headers.emplace_back("origin", "http://example.com");
  EXPECT_EQ(request.param("sid"), std::optional<std::string_view>("abc"));
  EXPECT_EQ(request.param("transport"), std::nullopt);
  EXPECT_EQ(request.header("origin"), std::optional<std::string_view>("http://example.com"));
  EXPECT_FALSE(request.header("cookie"));
}
