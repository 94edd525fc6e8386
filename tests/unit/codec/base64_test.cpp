// Base64: the RFC 4648 test vectors, binary round trips, and strict rejection of input
// that is not canonical padded base64.
#include <gtest/gtest.h>

#include "sio/codec/base64.hpp"

using sio::codec::base64Decode;
using sio::codec::base64Encode;

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesRfc4648Vectors) {
  EXPECT_EQ(base64Decode("Zg=="), "f");
  EXPECT_EQ(base64Decode("Zm8="), "fo");
  EXPECT_EQ(base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64Decode(""), "");
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(char(i));
  for (size_t len = 0; len <= bytes.size(); len += 37) {
    auto part = bytes.substr(0, len);
    EXPECT_EQ(base64Decode(base64Encode(part)), part);
  }
  EXPECT_EQ(base64Encode(std::string("\x01\x02\x03\x04", 4)), "AQIDBA==");
}

TEST(Base64, RejectsMalformedInput) {
  EXPECT_FALSE(base64Decode("Zg="));       // length not a multiple of 4
  EXPECT_FALSE(base64Decode("Zm9v!A=="));  // character outside the alphabet
  EXPECT_FALSE(base64Decode("Z==g"));      // padding in the middle
  EXPECT_FALSE(base64Decode("Zg==Zg=="));  // padding before the end
  EXPECT_FALSE(base64Decode("===="));
  EXPECT_FALSE(base64Decode("Zm9v-_=="));  // URL-safe alphabet is not accepted
}
