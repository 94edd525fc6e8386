// applyForwardedHeaders: which X-Forwarded-For entry is the client for a number of trusted
// proxy hops, forged and malformed entries, repeated headers, and X-Forwarded-Proto.
#include "forwarded_headers.hpp"

#include <gtest/gtest.h>

namespace sio::engine {
namespace {

Request fromProxy(HeaderList headers) {
  Request request("GET", "/", "10.0.0.1");
  request.setHeaders(headers);
  return request;
}

TEST(ForwardedHeaders, OneTrustedProxyTakesTheLastEntry) {
  auto request = fromProxy({{"x-forwarded-for", "203.0.113.9"}});
  applyForwardedHeaders(request, 1);
  EXPECT_EQ(request.remoteAddress(), "203.0.113.9");
  EXPECT_EQ(request.peerAddress(), "10.0.0.1");
}

TEST(ForwardedHeaders, AnEntryForgedByTheClientIsNotTaken) {
  // the client sent "1.2.3.4"; the proxy appended the address it saw
  auto request = fromProxy({{"x-forwarded-for", "1.2.3.4, 198.51.100.7"}});
  applyForwardedHeaders(request, 1);
  EXPECT_EQ(request.remoteAddress(), "198.51.100.7");
}

TEST(ForwardedHeaders, TwoHopsTakeTheEntryBeforeTheInnerProxy) {
  auto request = fromProxy({{"x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.2"}});
  applyForwardedHeaders(request, 2);
  EXPECT_EQ(request.remoteAddress(), "198.51.100.7");
}

TEST(ForwardedHeaders, AShorterChainThanTheHopsTakesTheFirstEntry) {
  auto request = fromProxy({{"x-forwarded-for", "198.51.100.7"}});
  applyForwardedHeaders(request, 3);
  EXPECT_EQ(request.remoteAddress(), "198.51.100.7");
}

TEST(ForwardedHeaders, RepeatedHeadersAreOneList) {
  auto request = fromProxy({{"x-forwarded-for", "1.2.3.4"}, {"x-forwarded-for", "198.51.100.7"}});
  applyForwardedHeaders(request, 1);
  EXPECT_EQ(request.remoteAddress(), "198.51.100.7");
}

TEST(ForwardedHeaders, PortsBracketsAndMappedAddressesAreNormalized) {
  auto v4 = fromProxy({{"x-forwarded-for", "198.51.100.7:5123"}});
  applyForwardedHeaders(v4, 1);
  EXPECT_EQ(v4.remoteAddress(), "198.51.100.7");
  auto v6 = fromProxy({{"x-forwarded-for", "[2001:db8::1]:443"}});
  applyForwardedHeaders(v6, 1);
  EXPECT_EQ(v6.remoteAddress(), "2001:db8::1");
  auto bare6 = fromProxy({{"x-forwarded-for", " 2001:DB8::2 "}});
  applyForwardedHeaders(bare6, 1);
  EXPECT_EQ(bare6.remoteAddress(), "2001:db8::2");
  auto mapped = fromProxy({{"x-forwarded-for", "::ffff:198.51.100.7"}});
  applyForwardedHeaders(mapped, 1);
  EXPECT_EQ(mapped.remoteAddress(), "198.51.100.7");
}

TEST(ForwardedHeaders, WhatIsNotAnAddressLeavesThePeer) {
  for (const char* bad : {"unknown", "", "evil.example", "[::1", "1.2.3.4.5", "<script>"}) {
    auto request = fromProxy({{"x-forwarded-for", bad}});
    applyForwardedHeaders(request, 1);
    EXPECT_EQ(request.remoteAddress(), "10.0.0.1") << bad;
  }
}

TEST(ForwardedHeaders, ProtoSetsSecureFromTheTrustedEntry) {
  auto https = fromProxy({{"x-forwarded-proto", "HTTPS"}});
  applyForwardedHeaders(https, 1);
  EXPECT_TRUE(https.secure());
  // a client's forged "https" before what an appending proxy wrote is not taken
  auto forged = fromProxy({{"x-forwarded-proto", "https, http"}});
  applyForwardedHeaders(forged, 1);
  EXPECT_FALSE(forged.secure());
  // two proxies of yours: the outer one terminated TLS
  auto chain = fromProxy({{"x-forwarded-proto", "https, http"}});
  applyForwardedHeaders(chain, 2);
  EXPECT_TRUE(chain.secure());
  auto plain = fromProxy({{"x-forwarded-proto", "http"}});
  plain.setSecure(true);
  applyForwardedHeaders(plain, 1);
  EXPECT_FALSE(plain.secure());
  auto junk = fromProxy({{"x-forwarded-proto", "gopher"}});
  applyForwardedHeaders(junk, 1);
  EXPECT_FALSE(junk.secure());
}

TEST(ForwardedHeaders, NoHeadersOrNoTrustChangeNothing) {
  auto none = fromProxy({});
  applyForwardedHeaders(none, 1);
  EXPECT_EQ(none.remoteAddress(), "10.0.0.1");
  auto untrusted = fromProxy({{"x-forwarded-for", "198.51.100.7"}, {"x-forwarded-proto", "https"}});
  applyForwardedHeaders(untrusted, 0);
  EXPECT_EQ(untrusted.remoteAddress(), "10.0.0.1");
  EXPECT_FALSE(untrusted.secure());
}

}  // namespace
}  // namespace sio::engine
