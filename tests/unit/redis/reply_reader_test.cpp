// RESP2 replies are parsed incrementally into typed Reply trees; malformed input puts the
// reader in an error state instead of crashing.
#include <gtest/gtest.h>

#include "reply_reader.hpp"

using sio::redis::Reply;
using sio::redis::ReplyReader;

TEST(ReplyReader, EveryType) {
  ReplyReader reader;
  reader.feed("+OK\r\n-ERR bad\r\n:42\r\n$3\r\nabc\r\n$-1\r\n*-1\r\n*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(*reader.next(), Reply::status("OK"));
  EXPECT_EQ(*reader.next(), Reply::error("ERR bad"));
  EXPECT_EQ(*reader.next(), Reply::number(42));
  EXPECT_EQ(*reader.next(), Reply::string("abc"));
  EXPECT_EQ(*reader.next(), Reply::nil());
  EXPECT_EQ(*reader.next(), Reply::nil());
  EXPECT_EQ(*reader.next(), Reply::array({Reply::string("a"), Reply::number(1)}));
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.error().empty());
}

TEST(ReplyReader, NestedArraysAndBinary) {
  ReplyReader reader;
  std::string bytes("x\0\r\ny", 5);
  reader.feed("*2\r\n*2\r\n$5\r\n" + bytes + "\r\n*0\r\n:7\r\n");
  auto reply = reader.next();
  ASSERT_TRUE(reply);
  EXPECT_EQ(*reply, Reply::array({Reply::array({Reply::string(bytes), Reply::array({})}),
                                  Reply::number(7)}));
}

TEST(ReplyReader, ByteByByte) {
  std::string wire = "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n";
  ReplyReader reader;
  for (size_t i = 0; i + 1 < wire.size(); ++i) {
    reader.feed(wire.substr(i, 1));
    EXPECT_FALSE(reader.next());
  }
  reader.feed(wire.substr(wire.size() - 1));
  auto reply = reader.next();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->elements[2].str, "hello");
}

TEST(ReplyReader, ManyElementsClaimedButFewSent) {
  ReplyReader reader;
  reader.feed("*2147483647\r\n:1\r\n");
  EXPECT_FALSE(reader.next());  // waits for more; nothing was allocated for 2^31 elements
  EXPECT_TRUE(reader.error().empty());
}

TEST(ReplyReader, ProtocolErrors) {
  for (const char* bad : {"?what\r\n", ":abc\r\n", "$-5\r\n", "*-7\r\n"}) {
    ReplyReader reader;
    reader.feed(bad);
    reader.next();
    EXPECT_FALSE(reader.error().empty()) << bad;
    EXPECT_FALSE(reader.next());
    reader.reset();
    reader.feed("+OK\r\n");
    EXPECT_TRUE(reader.next()) << "usable again after reset";
  }
}
