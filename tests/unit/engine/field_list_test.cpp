// FieldList, the packed name/value pairs of a kept request: pairs come back in the order
// added (repeats and empty strings included, lengths of any size), the first of a name is
// found, and it is built from the vectors of pairs it replaces. engine::Request, packed in
// one FieldList: each part reads back whatever order it was set in, the client's address
// is kept once when it is the peer's, and a default request is empty.
#include <gtest/gtest.h>

#include <vector>

#include "sio/codec/query_string.hpp"
#include "sio/engine/field_list.hpp"
#include "sio/engine/request.hpp"

using namespace sio::engine;

namespace {
std::vector<std::pair<std::string, std::string>> pairsOf(FieldView list) {
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

TEST(FieldList, ReadsBackLengthsAcrossEveryVarintSize) {
  FieldList list;
  std::vector<std::size_t> lengths{0, 1, 127, 128, 300, 16383, 16384, 70000, 2'097'152};
  std::size_t bytes = 0;
  for (std::size_t length : lengths) {
    std::string name(length, 'n'), value(lengths.back() - length, 'v');
    bytes += FieldList::pairBytes(name, value);
    list.emplace_back(name, value);
    EXPECT_EQ(list.bytes().size(), bytes);  // pairBytes is what a pair takes
  }
  std::size_t index = 0;
  for (const auto& [name, value] : list) {
    EXPECT_EQ(name, std::string(lengths[index], 'n'));
    EXPECT_EQ(value, std::string(lengths.back() - lengths[index], 'v'));
    ++index;
  }
  EXPECT_EQ(index, lengths.size());
  // short names and values take one byte per length
  EXPECT_EQ(FieldList::pairBytes("x-name", "example.com"), 2u + 6 + 11);
}

TEST(FieldList, CommonHeaderNamesReadBackAndTakeOneByte) {
  EXPECT_EQ(FieldList::pairBytes("host", "example.com"), 2u + 11);
  EXPECT_EQ(FieldList::pairBytes("sec-websocket-version", "13"), 2u + 2);
  EXPECT_EQ(FieldList::pairBytes("Host", "example.com"), 2u + 4 + 11);  // names are exact
  FieldList list{{"host", "a"}, {"Host", "b"}, {"x-custom", "c"}, {"cookie", ""}, {"te", "x"}};
  list.insert(0, "origin", "http://example.com");
  std::vector<std::pair<std::string, std::string>> expected{{"origin", "http://example.com"},
                                                            {"host", "a"},
                                                            {"Host", "b"},
                                                            {"x-custom", "c"},
                                                            {"cookie", ""},
                                                            {"te", "x"}};
  EXPECT_EQ(pairsOf(list), expected);
  EXPECT_EQ(list.find("cookie"), std::optional<std::string_view>(""));
  EXPECT_EQ(list.pairEnd(0), FieldList::pairBytes("origin", "http://example.com"));
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
  request.setQuery(sio::codec::parseQuery("EIO=4&sid=abc"));
  request.addHeader("origin", "http://example.com");
  EXPECT_EQ(request.param("sid"), std::optional<std::string_view>("abc"));
  EXPECT_EQ(request.param("transport"), std::nullopt);
  EXPECT_EQ(request.header("origin"), std::optional<std::string_view>("http://example.com"));
  EXPECT_FALSE(request.header("cookie"));
}

TEST(FieldList, ARequestKeepsItsTextInOneBufferWhateverOrderItIsSetIn) {
  static_assert(sizeof(Request) <= 48);
  Request empty;
  EXPECT_EQ(empty.method(), "");
  EXPECT_EQ(empty.url(), "");
  EXPECT_EQ(empty.path(), "");
  EXPECT_TRUE(empty.query().empty());
  EXPECT_TRUE(empty.headers().empty());
  EXPECT_EQ(empty.remoteAddress(), "");
  EXPECT_FALSE(empty.secure());

  Request request("GET", "/engine.io/?EIO=4&transport=polling", "10.0.0.1", true);
  EXPECT_EQ(request.path(), "/engine.io/");
  EXPECT_EQ(request.remoteAddress(), "10.0.0.1");
  EXPECT_EQ(request.peerAddress(), "10.0.0.1");
  EXPECT_TRUE(request.secure());
  request.addHeader("host", "example.com");
  request.addParam("EIO", "4");  // after a header: still a parameter
  request.addHeader("origin", "http://example.com");
  request.addParam("transport", "polling");
  request.setRemoteAddress("203.0.113.9");
  request.setMethod("POST");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(pairsOf(request.query()), (Pairs{{"EIO", "4"}, {"transport", "polling"}}));
  EXPECT_EQ(pairsOf(request.headers()),
            (Pairs{{"host", "example.com"}, {"origin", "http://example.com"}}));
  EXPECT_EQ(request.method(), "POST");
  EXPECT_EQ(request.url(), "/engine.io/?EIO=4&transport=polling");
  EXPECT_EQ(request.remoteAddress(), "203.0.113.9");
  EXPECT_EQ(request.peerAddress(), "10.0.0.1");
  request.setPeerAddress(request.remoteAddress());  // a view into the request itself
  EXPECT_EQ(request.peerAddress(), "203.0.113.9");
  EXPECT_EQ(request.remoteAddress(), "203.0.113.9");
  request.setUrl("/x");
  EXPECT_EQ(request.path(), "/x");
  request.setQuery({{"sid", "abc"}});
  EXPECT_EQ(request.param("sid"), std::optional<std::string_view>("abc"));
  EXPECT_EQ(request.query(), FieldList({{"sid", "abc"}}));
  request.setHeaders({});
  EXPECT_TRUE(request.headers().empty());
  EXPECT_EQ(request.param("sid"), std::optional<std::string_view>("abc"));

  Request headersFirst;
  headersFirst.addHeader("origin", "o");
  headersFirst.setPeerAddress("10.0.0.2");
  EXPECT_EQ(headersFirst.header("origin"), std::optional<std::string_view>("o"));
  EXPECT_EQ(headersFirst.peerAddress(), "10.0.0.2");
  EXPECT_TRUE(headersFirst.query().empty());
}

TEST(FieldList, ARequestKeepsTheClientsAddressOnceWhenItIsThePeers) {
  Request direct("GET", "/", "10.0.0.1");
  Request proxied("GET", "/", "10.0.0.1");
  proxied.setRemoteAddress("203.0.113.9");
  EXPECT_EQ(proxied.remoteAddress(), "203.0.113.9");
  EXPECT_EQ(proxied.peerAddress(), "10.0.0.1");
  EXPECT_NE(proxied, direct);
  proxied.setRemoteAddress("10.0.0.1");  // the same again: stored once, equal to the direct one
  EXPECT_EQ(proxied.remoteAddress(), "10.0.0.1");
  EXPECT_EQ(proxied.peerAddress(), "10.0.0.1");
  EXPECT_EQ(proxied, direct);
  proxied.setPeerAddress("10.0.0.2");  // the client's address stays
  EXPECT_EQ(proxied.remoteAddress(), "10.0.0.1");
  EXPECT_EQ(proxied.peerAddress(), "10.0.0.2");
  Request empty;
  empty.setPeerAddress("10.0.0.3");  // a default request's client address is empty
  EXPECT_EQ(empty.remoteAddress(), "");
  EXPECT_EQ(empty.peerAddress(), "10.0.0.3");
}

TEST(FieldList, AQueryStringReadsAsParseQueryReadsIt) {
  for (std::string_view text :
       {"", "&", "a", "a=", "=b", "a=1&&b=2&", "&x=1", "a=1=2&a=3", "EIO=4&transport=websocket"}) {
    ASSERT_TRUE(FieldView::isPlainQuery(text));
    FieldView view = FieldView::ofQuery(text);
    auto parsed = sio::codec::parseQuery(text);
    EXPECT_EQ(pairsOf(view), parsed) << text;
    EXPECT_EQ(view.size(), parsed.size()) << text;
    EXPECT_EQ(view.empty(), parsed.empty()) << text;
    EXPECT_EQ(view, FieldList(parsed)) << text;  // equal to the same pairs packed
    EXPECT_EQ(FieldList(view), FieldList(parsed)) << text;
  }
  EXPECT_EQ(FieldView::ofQuery("a=1&b=2").find("b"), std::optional<std::string_view>("2"));
  EXPECT_NE(FieldView::ofQuery("a=1&b=2"), FieldList({{"a", "1"}}));
  EXPECT_FALSE(FieldView::isPlainQuery("a=x%20y"));
  EXPECT_FALSE(FieldView::isPlainQuery("a=x+y"));
}

TEST(FieldList, ARequestReadsItsQueryFromTheUrlWhenNoParameterNeedsDecoding) {
  Request stored("GET", "/engine.io/?EIO=4&transport=websocket", "10.0.0.1");
  stored.setQuery(sio::codec::parseQuery("EIO=4&transport=websocket"));
  Request fromUrl("GET", "/engine.io/?EIO=4&transport=websocket", "10.0.0.1");
  fromUrl.setQueryFromUrl();
  fromUrl.addHeader("host", "example.com");
  stored.addHeader("host", "example.com");
  EXPECT_EQ(fromUrl, stored);
  EXPECT_EQ(fromUrl.param("transport"), std::optional<std::string_view>("websocket"));
  EXPECT_EQ(fromUrl.header("host"), std::optional<std::string_view>("example.com"));
  fromUrl.setMethod("POST");  // the url stays, and so do its parameters
  fromUrl.setRemoteAddress("203.0.113.9");
  EXPECT_EQ(fromUrl.param("EIO"), std::optional<std::string_view>("4"));
  fromUrl.setUrl("/other?x=1");  // the parameters are set apart from the url
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(pairsOf(fromUrl.query()), (Pairs{{"EIO", "4"}, {"transport", "websocket"}}));
  EXPECT_EQ(fromUrl.url(), "/other?x=1");
  EXPECT_EQ(fromUrl.method(), "POST");
  EXPECT_EQ(fromUrl.header("host"), std::optional<std::string_view>("example.com"));

  Request added("GET", "/?a=1");
  added.setQueryFromUrl();
  added.addParam(added.url(), added.method());  // views into the request itself
  EXPECT_EQ(pairsOf(added.query()), (Pairs{{"a", "1"}, {"/?a=1", "GET"}}));
  Request renamed("GET", "/?a=1");
  renamed.setQueryFromUrl();
  renamed.setUrl(renamed.url().substr(0, 2));  // a view into the request itself
  EXPECT_EQ(renamed.url(), "/?");
  EXPECT_EQ(pairsOf(renamed.query()), (Pairs{{"a", "1"}}));

  Request decoded("GET", "/?name=a%20b+c&k");
  decoded.setQueryFromUrl();
  EXPECT_EQ(pairsOf(decoded.query()), (Pairs{{"name", "a b c"}, {"k", ""}}));
  Request none("GET", "/");
  none.setQueryFromUrl();
  EXPECT_TRUE(none.query().empty());
}
