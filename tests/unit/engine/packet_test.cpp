// Engine.IO packets and polling payloads: every packet type, binary as `b<base64>`,
// payloads joined by 0x1e, and malformed input rejected.
#include <gtest/gtest.h>

#include "sio/engine/packet.hpp"

using namespace sio::engine;

TEST(EnginePacket, DecodesEveryTextType) {
  const char* types = "0123456";
  for (int i = 0; i < 7; ++i) {
    auto packet = decodePacket(std::string(1, types[i]) + "data");
    ASSERT_TRUE(packet);
    EXPECT_EQ(static_cast<int>(packet->type), i);
    EXPECT_EQ(packet->view(), "data");
    EXPECT_FALSE(packet->binary);
  }
  auto probe = decodePacket("2probe");
  EXPECT_EQ(probe->type, PacketType::Ping);
  EXPECT_EQ(probe->view(), "probe");
}

TEST(EnginePacket, DecodesBinaryFromBase64) {
  auto packet = decodePacket("bAQIDBA==");
  ASSERT_TRUE(packet);
  EXPECT_TRUE(packet->binary);
  EXPECT_EQ(packet->type, PacketType::Message);
  EXPECT_EQ(packet->view(), std::string("\x01\x02\x03\x04", 4));
}

TEST(EnginePacket, RejectsMalformedPackets) {
  EXPECT_FALSE(decodePacket(""));
  EXPECT_FALSE(decodePacket("abc"));
  EXPECT_FALSE(decodePacket("7"));
  EXPECT_FALSE(decodePacket("9hello"));
  EXPECT_FALSE(decodePacket("b!!!!"));
  EXPECT_FALSE(decodePacket("bAQI"));  // wrong padding length
}

TEST(EnginePayload, DecodesJoinedPackets) {
  auto packets = decodePayload(
      "4test1\x1e"
      "4test2\x1e"
      "bAQIDBA==");
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 3u);
  EXPECT_EQ((*packets)[0].view(), "test1");
  EXPECT_EQ((*packets)[1].view(), "test2");
  EXPECT_TRUE((*packets)[2].binary);
}

TEST(EnginePayload, RejectsAnyBadPacket) {
  EXPECT_FALSE(decodePayload("abc"));
  EXPECT_FALSE(decodePayload("4ok\x1e"));  // empty trailing packet
  EXPECT_FALSE(
      decodePayload("4ok\x1e"
                    "x"));
  EXPECT_FALSE(decodePayload(""));
}

TEST(EnginePayload, EncodesLikeNode) {
  std::vector<Packet> packets{
      makePacket(PacketType::Message, "hello"),
      Packet{PacketType::Message, makeBytes(std::string("\x01\x02\x03\x04", 4)), true},
      makePacket(PacketType::Ping), makePacket(PacketType::Noop)};
  EXPECT_EQ(encodePayload(packets),
            "4hello\x1e"
            "bAQIDBA==\x1e"
            "2\x1e"
            "6");
  EXPECT_EQ(encodePayload({}), "");
}

TEST(EnginePayload, RoundTripsArbitraryText) {
  std::string text = "unicode é € and \"quotes\" and 0x1f \x1f";
  auto encoded = encodePayload({makePacket(PacketType::Message, text)});
  auto decoded = decodePayload(encoded);
  ASSERT_TRUE(decoded);
  EXPECT_EQ((*decoded)[0].view(), text);
}
