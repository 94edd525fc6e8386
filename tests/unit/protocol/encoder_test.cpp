// Socket.IO packet encoder: the text form of every packet type, namespace and ack id
// placement, the exact frames of protocol checklist §5, and binary lifting (placeholders
// numbered depth-first, BINARY_EVENT/BINARY_ACK with an attachment count, attachments in
// order and shared rather than copied).
#include <gtest/gtest.h>

#include <string>

#include "sio/protocol/encoder.hpp"

using sio::Binary;
using sio::Value;
using sio::protocol::encodePacket;
using sio::protocol::encodeText;
using sio::protocol::Packet;
using sio::protocol::PacketType;

namespace {

Packet make(PacketType type, std::string nsp, std::optional<uint64_t> id,
            std::optional<Value> data) {
  Packet packet;
  packet.type = type;
  packet.nsp = std::move(nsp);
  packet.id = id;
  packet.data = std::move(data);
  return packet;
}

std::string text(const Packet& packet) {
  auto encoded = encodePacket(packet);
  EXPECT_TRUE(encoded.text);
  EXPECT_TRUE(encoded.attachments.empty());
  return encoded.text ? *encoded.text : std::string();
}

Value ph(int num) {
  return Value::object({{"_placeholder", true}, {"num", num}});
}

}  // namespace

TEST(ProtocolEncoder, EveryTypeInMainNamespace) {
  EXPECT_EQ(text(make(PacketType::Connect, "/", {}, {})), "0");
  EXPECT_EQ(text(make(PacketType::Connect, "/", {}, Value::object({{"sid", "abc"}}))),
            R"(0{"sid":"abc"})");
  EXPECT_EQ(text(make(PacketType::Disconnect, "/", {}, {})), "1");
  EXPECT_EQ(text(make(PacketType::Event, "/", {}, Value::array({"hi"}))), R"(2["hi"])");
  EXPECT_EQ(text(make(PacketType::Ack, "/", 7, Value::array({}))), "37[]");
  EXPECT_EQ(text(make(PacketType::ConnectError, "/", {},
                      Value::object({{"message", "Invalid namespace"}}))),
            R"(4{"message":"Invalid namespace"})");
  EXPECT_EQ(text(make(PacketType::ConnectError, "/", {}, Value("nope"))), R"(4"nope")");
  // Binary types as such (no binary inside): the count is written, here 0.
  EXPECT_EQ(text(make(PacketType::BinaryEvent, "/", {}, Value::array({"x"}))), R"(50-["x"])");
  EXPECT_EQ(text(make(PacketType::BinaryAck, "/", 3, Value::array({}))), "60-3[]");
}

TEST(ProtocolEncoder, EmptyNamespaceIsMain) {
  EXPECT_EQ(text(make(PacketType::Event, "", {}, Value::array({"a"}))), R"(2["a"])");
}

TEST(ProtocolEncoder, OtherNamespaceIsFollowedByComma) {
  EXPECT_EQ(text(make(PacketType::Connect, "/custom", {}, {})), "0/custom,");
  EXPECT_EQ(text(make(PacketType::Connect, "/custom", {}, Value::object({{"sid", "s1"}}))),
            R"(0/custom,{"sid":"s1"})");
  EXPECT_EQ(text(make(PacketType::Disconnect, "/custom", {}, {})), "1/custom,");
  EXPECT_EQ(text(make(PacketType::Event, "/custom", 12, Value::array({"e", 1}))),
            R"(2/custom,12["e",1])");
  EXPECT_EQ(text(make(PacketType::Ack, "/a/b", 0, Value::array({nullptr}))), "3/a/b,0[null]");
  EXPECT_EQ(text(make(PacketType::ConnectError, "/random", {},
                      Value::object({{"message", "Invalid namespace"}}))),
            R"(4/random,{"message":"Invalid namespace"})");
}

TEST(ProtocolEncoder, AckIds) {
  EXPECT_EQ(text(make(PacketType::Event, "/", 0, Value::array({"e"}))), R"(20["e"])");
  EXPECT_EQ(text(make(PacketType::Event, "/", 456, Value::array({"e"}))), R"(2456["e"])");
  EXPECT_EQ(text(make(PacketType::Event, "/", 9007199254740991ULL, Value::array({"e"}))),
            R"(29007199254740991["e"])");
  EXPECT_EQ(text(make(PacketType::Ack, "/", 1, {})), "31");
}

TEST(ProtocolEncoder, ConnectReplyWithSidAndPid) {
  auto reply = Value::object({{"sid", "AAAAAAAAAAAAAAAAAAAA"}, {"pid", "BBBB"}});
  EXPECT_EQ(text(make(PacketType::Connect, "/", {}, reply)),
            R"(0{"sid":"AAAAAAAAAAAAAAAAAAAA","pid":"BBBB"})");
}

TEST(ProtocolEncoder, ChecklistEventExample) {
  auto data = Value::array({"message-back", 1, "2", Value::object({{"3", Value::array({true})}})});
  EXPECT_EQ(text(make(PacketType::Event, "/", {}, data)),
            R"(2["message-back",1,"2",{"3":[true]}])");
}

TEST(ProtocolEncoder, ChecklistAckExample) {
  auto data = Value::array({1, "2", Value::object({{"3", Value::array({false})}})});
  EXPECT_EQ(text(make(PacketType::Ack, "/", 456, data)), R"(3456[1,"2",{"3":[false]}])");
}

TEST(ProtocolEncoder, BinaryEventTwoAttachments) {
  Binary a(std::string("\x01\x02\x03", 3));
  Binary b(std::string("\xff\x00", 2));
  auto encoded = encodePacket(make(PacketType::Event, "/", {}, Value::array({"message", a, b})));
  ASSERT_TRUE(encoded.text);
  EXPECT_EQ(*encoded.text,
            R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  ASSERT_EQ(encoded.attachments.size(), 2u);
  EXPECT_EQ(encoded.attachments[0].view(), a.view());
  EXPECT_EQ(encoded.attachments[1].view(), b.view());
  // The bytes are shared, not copied.
  EXPECT_EQ(encoded.attachments[0].shared().get(), a.shared().get());
  EXPECT_EQ(encoded.attachments[1].shared().get(), b.shared().get());
}

TEST(ProtocolEncoder, BinaryEventInNamespace) {
  auto encoded =
      encodePacket(make(PacketType::Event, "/chat", 5, Value::array({"up", Value::binary("x")})));
  EXPECT_EQ(*encoded.text, R"(51-/chat,5["up",{"_placeholder":true,"num":0}])");
  ASSERT_EQ(encoded.attachments.size(), 1u);
}

TEST(ProtocolEncoder, BinaryAck) {
  auto encoded = encodePacket(
      make(PacketType::Ack, "/", 789, Value::array({Value::binary("p"), Value::binary("q")})));
  EXPECT_EQ(*encoded.text,
            R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  ASSERT_EQ(encoded.attachments.size(), 2u);
  EXPECT_EQ(encoded.attachments[0].view(), "p");
  EXPECT_EQ(encoded.attachments[1].view(), "q");
}

TEST(ProtocolEncoder, AlreadyBinaryTypesCountAttachments) {
  auto encoded =
      encodePacket(make(PacketType::BinaryEvent, "/", {}, Value::array({"e", Value::binary("")})));
  EXPECT_EQ(*encoded.text, R"(51-["e",{"_placeholder":true,"num":0}])");
  encoded = encodePacket(make(PacketType::BinaryAck, "/", 2, Value::array({Value::binary("z")})));
  EXPECT_EQ(*encoded.text, R"(61-2[{"_placeholder":true,"num":0}])");
}

TEST(ProtocolEncoder, NestedBinaryNumberedDepthFirst) {
  // object in array in object, with binaries before, inside and after.
  Value inner =
      Value::object({{"deep", Value::binary("1")}, {"n", 3}, {"also", Value::binary("2")}});
  Value data = Value::array({"ev", Value::binary("0"),
                             Value::object({{"list", Value::array({inner, Value::binary("3")})},
                                            {"tail", Value::binary("4")}}),
                             Value::binary("5")});
  auto encoded = encodePacket(make(PacketType::Event, "/", {}, data));
  EXPECT_EQ(
      *encoded.text,
      R"(56-["ev",{"_placeholder":true,"num":0},{"list":[{"deep":{"_placeholder":true,"num":1},)"
      R"("n":3,"also":{"_placeholder":true,"num":2}},{"_placeholder":true,"num":3}],)"
      R"("tail":{"_placeholder":true,"num":4}},{"_placeholder":true,"num":5}])");
  ASSERT_EQ(encoded.attachments.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(encoded.attachments[i].view(), std::to_string(i));
}

TEST(ProtocolEncoder, SameBinaryTwiceIsTwoAttachments) {
  Binary b(std::string("same"));
  auto encoded = encodePacket(make(PacketType::Event, "/", {}, Value::array({"e", b, b})));
  EXPECT_EQ(*encoded.text,
            R"(52-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  EXPECT_EQ(encoded.attachments.size(), 2u);
}

TEST(ProtocolEncoder, EventWithoutBinaryStaysEvent) {
  auto encoded = encodePacket(make(PacketType::Event, "/", {},
                                   Value::array({"e", Value::object({{"a", Value::array({1})}})})));
  EXPECT_EQ(*encoded.text, R"(2["e",{"a":[1]}])");
  EXPECT_TRUE(encoded.attachments.empty());
}

TEST(ProtocolEncoder, PlaceholderLookalikeWithoutBinaryIsWrittenAsIs) {
  auto encoded = encodePacket(make(PacketType::Event, "/", {}, Value::array({"e", ph(0), ph(7)})));
  EXPECT_EQ(*encoded.text, R"(2["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":7}])");
  EXPECT_TRUE(encoded.attachments.empty());
  // A plain object payload too (e.g. CONNECT auth).
  encoded = encodePacket(make(PacketType::Connect, "/", {}, ph(1)));
  EXPECT_EQ(*encoded.text, R"(0{"_placeholder":true,"num":1})");
}

TEST(ProtocolEncoder, PlaceholderLookalikeNextToBinaryIsKept) {
  // Only real binary values are lifted; the look-alike keeps its own `num`.
  auto encoded = encodePacket(
      make(PacketType::Event, "/", {}, Value::array({"e", ph(5), Value::binary("b")})));
  EXPECT_EQ(*encoded.text,
            R"(51-["e",{"_placeholder":true,"num":5},{"_placeholder":true,"num":0}])");
  EXPECT_EQ(encoded.attachments.size(), 1u);
}

TEST(ProtocolEncoder, EncodeTextWritesGivenCount) {
  EXPECT_EQ(
      encodeText(make(PacketType::BinaryEvent, "/x", 4, Value::array({"e", ph(0), ph(1)})), 2),
      R"(52-/x,4["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  EXPECT_EQ(encodeText(make(PacketType::Event, "/", {}, Value::array({"e"})), 3), R"(2["e"])");
}

TEST(ProtocolEncoder, JsonIsCompactAndKeepsKeyOrder) {
  auto data = Value::array({"e", Value::object({{"z", 1}, {"a", 2.5}, {"m", Value::array({})}}),
                            "quote\"and\\slash", nullptr});
  EXPECT_EQ(text(make(PacketType::Event, "/", {}, data)),
            R"(2["e",{"z":1,"a":2.5,"m":[]},"quote\"and\\slash",null])");
}

TEST(ProtocolEncoder, TextIsSharedPointer) {
  auto encoded = encodePacket(make(PacketType::Event, "/", {}, Value::array({"e"})));
  ASSERT_TRUE(encoded.text);
  auto copy = encoded;
  EXPECT_EQ(copy.text.get(), encoded.text.get());
}
