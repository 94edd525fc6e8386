// The msgpack parser (socket.io-msgpack-parser 3.x): every packet type to the exact bytes
// the npm encoder gives for the packet object socket.io builds (the hex strings below are
// socket.io-msgpack-parser 3.0.2's output), binary kept in place at any depth, decoding
// back, the forms real clients send (undefined auth, socket.io-client's `options` key), and
// every malformed input the decoder must refuse.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sio/codec/msgpack.hpp"
#include "sio/protocol/decoder.hpp"
#include "sio/protocol/msgpack_packet.hpp"
#include "sio/protocol/parser.hpp"

using sio::Binary;
using sio::Value;
using sio::protocol::DecodeError;
using sio::protocol::decodeMsgpackPacket;
using sio::protocol::DecoderLimits;
using sio::protocol::encodeMsgpackPacket;
using sio::protocol::MsgpackDecoder;
using sio::protocol::Packet;
using sio::protocol::PacketType;

namespace {

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string unhex(std::string_view text) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (size_t i = 0; i + 1 < text.size(); i += 2)
    out.push_back(char(nibble(text[i]) << 4 | nibble(text[i + 1])));
  return out;
}

Packet make(PacketType type, std::string nsp, std::optional<uint64_t> id,
            std::optional<Value> data) {
  return Packet{type, std::move(nsp), id, std::move(data)};
}

Packet decodeOk(std::string_view bytes) {
  auto result = decodeMsgpackPacket(bytes);
  if (auto* error = std::get_if<DecodeError>(&result)) {
    ADD_FAILURE() << "input: " << hex(bytes) << " error: " << error->message;
    return Packet{};
  }
  return std::get<Packet>(std::move(result));
}

bool refused(std::string_view bytes, DecoderLimits limits = {}) {
  return std::holds_alternative<DecodeError>(decodeMsgpackPacket(bytes, limits));
}

// The msgpack map of `members` (key, encoded value), in order.
std::string map(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out(1, char(0x80 | members.size()));
  for (const auto& [key, value] : members) {
    out += sio::codec::toMsgpack(Value(key), sio::codec::MsgpackFlavor::Notepack);
    out += value;
  }
  return out;
}

std::string mp(const Value& v) {
  return sio::codec::toMsgpack(v, sio::codec::MsgpackFlavor::Notepack);
}

const std::string kUndefined("\xd4\x00\x00", 3);

}  // namespace

TEST(MsgpackPacketEncode, ConnectWithData) {
  // {type: 0, data: {sid: "abc"}, nsp: "/"}
  EXPECT_EQ(
      hex(encodeMsgpackPacket(make(PacketType::Connect, "/", {}, Value::object({{"sid", "abc"}})))),
      "83a47479706500a46461746181a3736964a3616263a36e7370a12f");
}

TEST(MsgpackPacketEncode, DisconnectHasNoData) {
  // {type: 1, nsp: "/chat"}
  EXPECT_EQ(hex(encodeMsgpackPacket(make(PacketType::Disconnect, "/chat", {}, {}))),
            "82a47479706501a36e7370a52f63686174");
}

TEST(MsgpackPacketEncode, EventWithBinaryStaysOnePacketOfTypeEvent) {
  // {type: 2, data: ["hello", 1, <Buffer 01 02>], nsp: "/"}
  auto data = Value::array({"hello", 1, Value::binary(std::string("\x01\x02", 2))});
  EXPECT_EQ(hex(encodeMsgpackPacket(make(PacketType::Event, "/", {}, data))),
            "83a47479706502a46461746193a568656c6c6f01c4020102a36e7370a12f");
  // BINARY_EVENT does not exist in this parser: it is written as EVENT.
  EXPECT_EQ(encodeMsgpackPacket(make(PacketType::BinaryEvent, "/", {}, data)),
            encodeMsgpackPacket(make(PacketType::Event, "/", {}, data)));
}

TEST(MsgpackPacketEncode, BinaryAtDepth) {
  // {type: 2, data: ["e", {a: [<Buffer 78 79>]}], nsp: "/"}
  auto data = Value::array({"e", Value::object({{"a", Value::array({Value::binary("xy")})}})});
  EXPECT_EQ(hex(encodeMsgpackPacket(make(PacketType::Event, "/", {}, data))),
            "83a47479706502a46461746192a16581a16191c4027879a36e7370a12f");
}

TEST(MsgpackPacketEncode, EventWithAckIdAfterData) {
  // Socket#emit: {type: 2, data: ["e"], id: 7, nsp: "/"}
  EXPECT_EQ(hex(encodeMsgpackPacket(make(PacketType::Event, "/", 7, Value::array({"e"})))),
            "84a47479706502a46461746191a165a2696407a36e7370a12f");
}

TEST(MsgpackPacketEncode, AckWithIdFirst) {
  // Socket#ack: {id: 300, type: 3, data: [null, true, 1.5], nsp: "/"}
  auto data = Value::array({nullptr, true, 1.5});
  const char* want = "84a26964cd012ca47479706503a46461746193c0c3cb3ff8000000000000a36e7370a12f";
  EXPECT_EQ(hex(encodeMsgpackPacket(make(PacketType::Ack, "/", 300, data))), want);
  EXPECT_EQ(hex(encodeMsgpackPacket(make(PacketType::BinaryAck, "/", 300, data))), want);
}

TEST(MsgpackPacketEncode, ConnectError) {
  // {type: 4, data: {message: "Invalid namespace"}, nsp: "/x"}
  auto data = Value::object({{"message", "Invalid namespace"}});
  EXPECT_EQ(hex(encodeMsgpackPacket(make(PacketType::ConnectError, "/x", {}, data))),
            "83a47479706504a46461746181a76d657373616765b1496e76616c6964206e616d657370616365a36e"
            "7370a22f78");
}

TEST(MsgpackPacketEncode, NumbersAsNotepackWritesThem) {
  // {type: 2, data: ["e", -1, -33, 65536, 2 ** 40, -(2 ** 40)], nsp: "/"}
  auto data = Value::array({"e", -1, -33, 65536, int64_t(1) << 40, -(int64_t(1) << 40)});
  EXPECT_EQ(hex(encodeMsgpackPacket(make(PacketType::Event, "/", {}, data))),
            "83a47479706502a46461746196a165ffd0dfce00010000cf0000010000000000d3ffffff0000000000a3"
            "6e7370a12f");
}

TEST(MsgpackPacketEncode, ParserFramesOnePacketAsOneBinaryMessage) {
  auto data =
      Value::array({"file", Value::binary("abc"), Value::object({{"b", Value::binary("")}})});
  auto encoded = sio::protocol::msgpackParser()->encode(make(PacketType::Event, "/", 1, data));
  EXPECT_EQ(encoded.text, nullptr);
  ASSERT_EQ(encoded.attachments.size(), 1u);
  EXPECT_EQ(encoded.attachments[0].view(),
            encodeMsgpackPacket(make(PacketType::Event, "/", 1, data)));
  EXPECT_EQ(sio::protocol::msgpackParser()->name(), "msgpack");
  EXPECT_EQ(sio::protocol::defaultParser()->name(), "default");
}

TEST(MsgpackPacketDecode, EveryTypeRoundTrips) {
  const std::vector<Packet> packets = {
      make(PacketType::Connect, "/", {}, {}),
      make(PacketType::Connect, "/admin", {}, Value::object({{"token", "t"}, {"n", 1}})),
      make(PacketType::Disconnect, "/chat", {}, {}),
      make(PacketType::Event, "/", {}, Value::array({"message", 1, "two", nullptr})),
      make(PacketType::Event, "/x", 9007199254740991ull, Value::array({"e"})),
      make(PacketType::Ack, "/", 0, Value::array({})),
      make(PacketType::Ack, "/", 12, Value::array({Value::object({{"ok", true}})})),
      make(PacketType::ConnectError, "/", {}, Value("refused")),
      make(PacketType::ConnectError, "/", {}, Value::object({{"message", "m"}, {"data", 1}})),
  };
  for (const auto& packet : packets) {
    Packet back = decodeOk(encodeMsgpackPacket(packet));
    EXPECT_EQ(back.type, packet.type);
    EXPECT_EQ(back.nsp, packet.nsp);
    EXPECT_EQ(back.id, packet.id);
    EXPECT_EQ(back.data, packet.data);
  }
}

TEST(MsgpackPacketDecode, BinaryAtDepthComesBackInPlace) {
  auto data = Value::array(
      {"upload", Value::binary(std::string("\x00\xff", 2)),
       Value::object({{"list", Value::array({0, Value::binary(""),
                                             Value::object({{"deep", Value::binary("z")}})})}}),
       Value::array({Value::array({Value::array({Value::binary("7")})})})});
  Packet back = decodeOk(encodeMsgpackPacket(make(PacketType::Event, "/", 3, data)));
  EXPECT_EQ(back.type, PacketType::Event);  // never BINARY_EVENT
  ASSERT_TRUE(back.data);
  EXPECT_EQ(*back.data, data);
  EXPECT_TRUE(back.data->hasBinary());
}

TEST(MsgpackPacketDecode, ClientConnectWithUndefinedAuth) {
  // socket.io-client without auth: {type: 0, data: undefined, nsp: "/"}
  Packet packet = decodeOk(unhex("83a47479706500a464617461d40000a36e7370a12f"));
  EXPECT_EQ(packet.type, PacketType::Connect);
  EXPECT_EQ(packet.nsp, "/");
  EXPECT_FALSE(packet.data);
  // undefined is absent whatever its data byte; an undefined id too
  packet = decodeOk(map({{"type", mp(2)},
                         {"data", mp(Value::array({"e"}))},
                         {"id", std::string("\xd4\x00\x7f", 3)},
                         {"nsp", mp("/")}}));
  EXPECT_FALSE(packet.id);
}

TEST(MsgpackPacketDecode, ClientEventWithOptionsKey) {
  // socket.io-client's emit: {type, data, options: {compress: true}, id, nsp}
  Packet packet = decodeOk(map({{"type", mp(2)},
                                {"data", mp(Value::array({"hi", 1}))},
                                {"options", mp(Value::object({{"compress", true}}))},
                                {"id", mp(4)},
                                {"nsp", mp("/custom")}}));
  EXPECT_EQ(packet.type, PacketType::Event);
  EXPECT_EQ(packet.nsp, "/custom");
  EXPECT_EQ(packet.id, 4u);
  EXPECT_EQ(packet.data, Value::array({"hi", 1}));
}

TEST(MsgpackPacketDecode, KeysInAnyOrderTheLastDuplicateWins) {
  Packet packet = decodeOk(map({{"nsp", mp("/a")},
                                {"data", mp(Value::array({"x"}))},
                                {"type", mp(3)},
                                {"nsp", mp("/b")},
                                {"id", mp(1)},
                                {"id", mp(2)}}));
  EXPECT_EQ(packet.type, PacketType::Ack);
  EXPECT_EQ(packet.nsp, "/b");
  EXPECT_EQ(packet.id, 2u);
  // a later undefined takes the data away again
  EXPECT_TRUE(refused(map({{"type", mp(2)},
                           {"data", mp(Value::array({"e"}))},
                           {"data", kUndefined},
                           {"nsp", mp("/")}})));
}

TEST(MsgpackPacketDecode, IntegralFloatsAndOtherIntFormsAreNumbers) {
  // JS sees one Number: 2.0 as a float64 is a valid type, uint16 0 a valid id.
  Packet packet = decodeOk(map({{"type", std::string("\xcb\x40\x00\x00\x00\x00\x00\x00\x00", 9)},
                                {"data", mp(Value::array({"e"}))},
                                {"id", std::string("\xcd\x00\x00", 3)},
                                {"nsp", mp("/")}}));
  EXPECT_EQ(packet.type, PacketType::Event);
  EXPECT_EQ(packet.id, 0u);
}

TEST(MsgpackPacketDecode, RefusesBadTypes) {
  auto withType = [](const std::string& type) {
    return map({{"type", type}, {"data", mp(Value::array({"e"}))}, {"nsp", mp("/")}});
  };
  EXPECT_TRUE(refused(withType(mp(5))));  // BINARY_EVENT: not in this parser
  EXPECT_TRUE(refused(withType(mp(6))));
  EXPECT_TRUE(refused(withType(mp(7))));
  EXPECT_TRUE(refused(withType(mp(-1))));
  EXPECT_TRUE(refused(withType(mp(2.5))));
  EXPECT_TRUE(refused(withType(mp("2"))));
  EXPECT_TRUE(refused(withType(mp(nullptr))));
  EXPECT_TRUE(refused(withType(kUndefined)));
  EXPECT_TRUE(refused(map({{"data", mp(Value::array({"e"}))}, {"nsp", mp("/")}})));
}

TEST(MsgpackPacketDecode, RefusesBadNamespaces) {
  EXPECT_TRUE(refused(map({{"type", mp(1)}})));
  EXPECT_TRUE(refused(map({{"type", mp(1)}, {"nsp", mp(1)}})));
  EXPECT_TRUE(refused(map({{"type", mp(1)}, {"nsp", mp(nullptr)}})));
  EXPECT_TRUE(refused(map({{"type", mp(1)}, {"nsp", kUndefined}})));
  EXPECT_TRUE(refused(map({{"type", mp(1)}, {"nsp", mp(Value::binary("/"))}})));
  // a notepack 2 Date (d7 00) and a timestamp (d6 ff) are no strings, whatever the codec
  // would make of them elsewhere
  EXPECT_TRUE(
      refused(map({{"type", mp(1)}, {"nsp", std::string("\xd7\x00\0\0\0\0\0\0\0\0", 10)}})));
  EXPECT_TRUE(refused(map({{"type", mp(1)}, {"nsp", std::string("\xd6\xff\0\0\0\0", 6)}})));
}

TEST(MsgpackPacketDecode, RefusesDataOfTheWrongShape) {
  auto packet = [](int type, const std::string& data) {
    return map({{"type", mp(type)}, {"data", data}, {"nsp", mp("/")}});
  };
  EXPECT_TRUE(refused(packet(0, mp("auth"))));  // CONNECT: an object or nothing
  EXPECT_TRUE(refused(packet(0, mp(nullptr))));
  EXPECT_TRUE(refused(packet(0, mp(Value::array({})))));
  EXPECT_TRUE(refused(packet(1, mp(Value::object()))));  // DISCONNECT: nothing
  EXPECT_TRUE(refused(packet(1, mp(nullptr))));
  EXPECT_TRUE(refused(packet(2, mp(Value::object()))));  // EVENT: [name, ...args]
  EXPECT_TRUE(refused(packet(2, mp(Value::array({})))));
  EXPECT_TRUE(refused(packet(2, mp(Value::array({1, "x"})))));
  EXPECT_TRUE(refused(packet(2, mp(nullptr))));
  EXPECT_TRUE(refused(map({{"type", mp(2)}, {"nsp", mp("/")}})));
  EXPECT_TRUE(refused(packet(3, mp("x"))));  // ACK: an array
  EXPECT_TRUE(refused(map({{"type", mp(3)}, {"id", mp(1)}, {"nsp", mp("/")}})));
  EXPECT_TRUE(refused(packet(4, mp(1))));  // CONNECT_ERROR: a string or an object
  EXPECT_TRUE(refused(packet(4, std::string("\xd6\xff\0\0\0\0", 6))));  // not a string
  EXPECT_TRUE(refused(packet(3, std::string("\xd5\x05\0\0", 4))));      // ext: [5, <Buffer>]
  EXPECT_TRUE(refused(map({{"type", mp(4)}, {"nsp", mp("/")}})));
}

TEST(MsgpackPacketDecode, RefusesReservedEventNames) {
  for (const char* name :
       {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"})
    EXPECT_TRUE(
        refused(map({{"type", mp(2)}, {"data", mp(Value::array({name}))}, {"nsp", mp("/")}})))
        << name;
}

TEST(MsgpackPacketDecode, RefusesBadAckIds) {
  auto withId = [](int type, const std::string& id) {
    std::string data = type == 0 ? mp(Value::object()) : mp(Value::array({"e"}));
    return map({{"type", mp(type)}, {"data", data}, {"id", id}, {"nsp", mp("/")}});
  };
  EXPECT_FALSE(refused(withId(2, mp(int64_t(9007199254740991)))));
  EXPECT_TRUE(refused(withId(2, mp(int64_t(9007199254740992)))));  // past 2^53 - 1
  EXPECT_TRUE(refused(withId(2, mp(-1))));
  EXPECT_TRUE(refused(withId(2, mp(1.5))));
  EXPECT_TRUE(refused(withId(2, mp("1"))));
  EXPECT_TRUE(refused(withId(2, mp(nullptr))));
  EXPECT_TRUE(refused(withId(0, mp(1))));  // only EVENT and ACK carry an id
}

TEST(MsgpackPacketDecode, RefusesMalformedMsgpack) {
  const std::string good =
      encodeMsgpackPacket(make(PacketType::Event, "/", 1, Value::array({"e"})));
  ASSERT_FALSE(refused(good));
  for (size_t n = 0; n < good.size(); ++n) EXPECT_TRUE(refused(good.substr(0, n))) << n;
  EXPECT_TRUE(refused(good + '\x00'));                                    // trailing bytes
  EXPECT_TRUE(refused(mp(Value::array({2, Value::array({"e"}), "/"}))));  // not a map
  EXPECT_TRUE(refused(mp(nullptr)));
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused(std::string("\xc1", 1)));  // never used
  // a map announcing more members than it has, and more bytes than there are
  EXPECT_TRUE(refused(std::string("\xdf\xff\xff\xff\xff", 5)));
  EXPECT_TRUE(refused(map({{"type", mp(2)}, {"data", std::string("\xdd\xff\xff\xff\xff", 5)}})));
  // keys are strings, or numbers (which JS turns into names no field has)
  const std::string disconnect = mp("type") + mp(1) + mp("nsp") + mp("/");
  EXPECT_FALSE(refused("\x83" + disconnect + "\x01\x01"));
  EXPECT_TRUE(refused("\x83" + disconnect + "\xc0\x01"));  // nil
  EXPECT_TRUE(refused("\x83" + disconnect + "\xc3\x01"));  // true
  EXPECT_TRUE(refused("\x83" + disconnect + mp(Value::binary("x")) + "\x01"));
  EXPECT_TRUE(refused("\x83" + disconnect + mp(Value::array({"x"})) + "\x01"));
  // notepack's undefined is three bytes
  EXPECT_TRUE(refused(map({{"type", mp(0)}, {"nsp", mp("/")}}) + std::string("\xd4\x00", 2)));
}

TEST(MsgpackPacketDecode, NestingIsBoundedAsInTheDefaultParser) {
  auto nested = [](size_t depth) {
    Value v = Value::array({});
    for (size_t i = 1; i < depth; ++i) v = Value::array({v});
    return map({{"type", mp(3)}, {"id", mp(1)}, {"data", mp(v)}, {"nsp", mp("/")}});
  };
  DecoderLimits limits;
  limits.maxDepth = 8;
  EXPECT_FALSE(refused(nested(8), limits));
  EXPECT_TRUE(refused(nested(9), limits));
  // the default parser draws the line at the same depth
  auto text = [](size_t depth) { return "31" + std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(std::holds_alternative<Packet>(sio::protocol::decodeText(text(8), limits)));
  EXPECT_TRUE(std::holds_alternative<DecodeError>(sio::protocol::decodeText(text(9), limits)));
  // the value of an ignored key too
  std::string deep = std::string(20, char(0x91)) + mp(1);
  EXPECT_TRUE(refused(map({{"type", mp(1)}, {"nsp", mp("/")}, {"x", deep}}), limits));
}

TEST(MsgpackDecoder, BinaryMessagesArePacketsTextIsRefused) {
  MsgpackDecoder decoder;
  auto packet = make(PacketType::Event, "/", {}, Value::array({"e", Value::binary("b")}));
  auto result = decoder.addBinary(Binary(encodeMsgpackPacket(packet)));
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  EXPECT_EQ(std::get<Packet>(result).data, packet.data);
  // what the default parser would send, as text
  EXPECT_TRUE(std::holds_alternative<DecodeError>(decoder.addText(R"(2["e"])")));
  EXPECT_TRUE(std::holds_alternative<DecodeError>(decoder.addText("")));
  EXPECT_TRUE(
      std::holds_alternative<DecodeError>(decoder.addBinary(Binary(std::string("\x92", 1)))));
  // the decoder holds nothing: the next packet decodes
  EXPECT_TRUE(decoder.idle());
  EXPECT_TRUE(
      std::holds_alternative<Packet>(decoder.addBinary(Binary(encodeMsgpackPacket(packet)))));
}

TEST(MsgpackDecoder, FromTheParser) {
  auto decoder = sio::protocol::msgpackParser()->decoder(DecoderLimits{});
  auto result = decoder->addBinary(Binary(unhex("82a47479706501a36e7370a52f63686174")));
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  EXPECT_EQ(std::get<Packet>(result).type, PacketType::Disconnect);
  EXPECT_EQ(std::get<Packet>(result).nsp, "/chat");
}
