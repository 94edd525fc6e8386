// The sharded Redis adapter's wire forms against the captures of @socket.io/redis-adapter
// 8.3 (cluster-wire.md §4.6, mon-sharded-dynamic.txt): JSON unless binary, notepack msgpack
// then; the channel each mode picks (socket ids of 20 UTF-16 units stay on the main channel
// in `dynamic`); hostile payloads refused.
#include <gtest/gtest.h>

#include "sharded_codec.hpp"
#include "sio/codec/json.hpp"

using namespace sio;
using namespace sio::adapters;
using namespace sio::adapters::pubsub;

namespace {

Value json(std::string_view text) {
  return *codec::parseJson(text);
}

ClusterMessage broadcast(std::string_view data) {
  return ClusterMessage{"dbb3759a628592d2", "/", int(MessageType::Broadcast), json(data)};
}

}  // namespace

TEST(ShardedCodec, JsonAsTheCaptureShows) {
  auto message = broadcast(
      R"({"packet":{"type":2,"data":["hello","world"]},"opts":{"rooms":[],"except":[],"flags":{}}})");
  EXPECT_EQ(
      encodeShardedMessage(message),
      R"({"type":3,"data":{"packet":{"type":2,"data":["hello","world"]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"dbb3759a628592d2","nsp":"/"})");
  auto decoded = decodeShardedMessage(encodeShardedMessage(message));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->uid, message.uid);
  EXPECT_EQ(decoded->nsp, "/");
  EXPECT_EQ(decoded->type, 3);
  EXPECT_EQ(*decoded->data, *message.data);
}

TEST(ShardedCodec, NotepackWhenBinaryAsTheCaptureShows) {
  ClusterMessage message{
      "dbb3759a628592d2", "/", int(MessageType::Broadcast),
      Value::object(
          {{"packet", Value::object({{"type", 2},
                                     {"data", Value::array({"bin", Value::binary("\x01\x02\x03"),
                                                            "1970-01-01T00:00:00.000Z"})}})},
           {"opts", json(R"({"rooms":[],"except":[],"flags":{}})")}})};
  std::string bytes = encodeShardedMessage(message);
  // 84 a4 type 03 a4 data 82 a6 packet 82 a4 type 02 a4 data 93 a3 bin c4 03 010203 …
  static const char kStart[] =
      "\x84\xa4type\x03\xa4"
      "data\x82\xa6packet\x82\xa4type\x02\xa4"
      "data\x93\xa3"
      "bin\xc4\x03\x01\x02\x03";
  std::string expectedStart(kStart, sizeof kStart - 1);
  EXPECT_EQ(bytes.substr(0, expectedStart.size()), expectedStart);
  EXPECT_NE(bytes.find("\xa3uid\xb0"
                       "dbb3759a628592d2\xa3nsp\xa1/"),
            std::string::npos);
  auto decoded = decodeShardedMessage(bytes);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->data->hasBinary());
  // a fetchSockets request never carries binary: JSON even with bytes inside
  ClusterMessage join{"u", "/", int(MessageType::SocketsJoin),
                      Value::object({{"x", Value::binary("a")}})};
  EXPECT_EQ(encodeShardedMessage(join).front(), '{');
}

TEST(ShardedCodec, DecodesTheCapturedMsgpackBroadcast) {
  static const char kCapture[] =
      "\x84\xa4type\x03\xa4"
      "data\x82\xa6packet\x82\xa4type\x02\xa4"
      "data\x93\xa3"
      "bin\xc4\x03\x01\x02\x03"
      "\xd6\xff\x00\x00\x00\x00\xa4opts\x83\xa5rooms\x90\xa6"
      "except\x90\xa5"
      "flags\x80\xa3uid\xb0"
      "dbb3759a628592d2\xa3nsp\xa1/";
  std::string capture(kCapture, sizeof kCapture - 1);
  auto decoded = decodeShardedMessage(capture);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->nsp, "/");
  EXPECT_EQ(codec::toJson((*decoded->data->find("packet")->find("data"))[2]),
            R"("1970-01-01T00:00:00.000Z")");
}

TEST(ShardedCodec, RefusesMalformedPayloads) {
  for (std::string_view payload :
       {std::string_view(""), std::string_view("\xc1", 1), std::string_view("{nope"),
        std::string_view("[1,2]"), std::string_view(R"({"type":"3","uid":"u","nsp":"/"})"),
        std::string_view(R"({"type":3,"uid":"u"})")}) {  // no nsp: redis-adapter 8.2
    std::string problem;
    EXPECT_FALSE(decodeShardedMessage(payload, &problem)) << payload;
    EXPECT_FALSE(problem.empty());
  }
}

TEST(ShardedChannels, PerModeAsNode) {
  ShardedChannels channels("socket.io", "/");
  auto toRoom = broadcast(R"({"packet":{},"opts":{"rooms":["room1"],"except":[],"flags":{}}})");
  auto toSid = broadcast(
      R"({"packet":{},"opts":{"rooms":["zZ8DDlM4DlfRRAraAAAA"],"except":[],"flags":{}}})");
  auto toTwo = broadcast(R"({"packet":{},"opts":{"rooms":["a","b"],"except":[],"flags":{}}})");
  auto withAck = broadcast(R"({"packet":{},"requestId":"r","opts":{"rooms":["room1"]}})");
  EXPECT_EQ(channels.forMessage(toRoom, SubscriptionMode::Dynamic), "socket.io#/#room1#");
  EXPECT_EQ(channels.forMessage(toSid, SubscriptionMode::Dynamic), "socket.io#/#");
  EXPECT_EQ(channels.forMessage(toSid, SubscriptionMode::DynamicPrivate),
            "socket.io#/#zZ8DDlM4DlfRRAraAAAA#");
  EXPECT_EQ(channels.forMessage(toRoom, SubscriptionMode::Static), "socket.io#/#");
  EXPECT_EQ(channels.forMessage(toTwo, SubscriptionMode::DynamicPrivate), "socket.io#/#");
  EXPECT_EQ(channels.forMessage(withAck, SubscriptionMode::DynamicPrivate), "socket.io#/#");
  ClusterMessage join{"u", "/", int(MessageType::SocketsJoin), json(R"({"opts":{"rooms":["r"]}})")};
  EXPECT_EQ(channels.forMessage(join, SubscriptionMode::DynamicPrivate), "socket.io#/#");
  EXPECT_EQ(channels.of("dbb3759a628592d2"), "socket.io#/#dbb3759a628592d2#");
}

TEST(ShardedChannels, TwentyUtf16UnitsLookLikeASocketId) {
  EXPECT_EQ(utf16Length("zZ8DDlM4DlfRRAraAAAA"), 20u);
  EXPECT_EQ(utf16Length("é"), 1u);
  EXPECT_EQ(utf16Length("🎉"), 2u);  // a surrogate pair
  EXPECT_EQ(utf16Length("部屋"), 2u);
  ShardedChannels channels("p", "/");
  // 18 ASCII + one emoji = 20 UTF-16 units: treated as a socket id in `dynamic`, as Node does
  auto message = broadcast(R"({"packet":{},"opts":{"rooms":["abcdefghijklmnopqr🎉"]}})");
  EXPECT_EQ(channels.forMessage(message, SubscriptionMode::Dynamic), "p#/#");
}
