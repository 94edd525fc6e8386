// Engine.IO v3 codec (allowEIO3): text and binary packets, the string payload with its
// UTF-16 lengths, the binary payload of XHR2 clients, byte for byte as engine.io's
// parser-v3 writes them, and malformed payloads (bad, huge or missing lengths, non-digits,
// truncated elements) rejected without reading past the input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "payload_v3.hpp"

using namespace sio::engine;

namespace {

Packet text(std::string_view data, PacketType type = PacketType::Message) {
  return makePacket(type, data);
}

Packet binary(std::string bytes) {
  return Packet{PacketType::Message, makeBytes(std::move(bytes)), true};
}

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(char(v));
  return out;
}

struct Read {
  std::vector<Packet> packets;
  bool failed = false;
};

Read readAll(std::string_view payload, bool binaryForm) {
  v3::PayloadReader reader(payload, binaryForm);
  Read read;
  while (auto packet = reader.next()) read.packets.push_back(std::move(*packet));
  read.failed = reader.failed();
  // once done, it stays done
  EXPECT_FALSE(reader.next());
  return read;
}

}  // namespace

TEST(EngineV3Packet, DecodesTextAndBase64Packets) {
  auto ping = v3::decodePacket("2");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->type, PacketType::Ping);
  EXPECT_EQ(ping->view(), "");
  auto probe = v3::decodePacket("2probe");
  EXPECT_EQ(probe->view(), "probe");
  auto message = v3::decodePacket("4hello");
  EXPECT_EQ(message->type, PacketType::Message);
  EXPECT_FALSE(message->binary);
  // v3 writes the type after `b` (v4 does not)
  auto bin = v3::decodePacket("b4AQID");
  ASSERT_TRUE(bin);
  EXPECT_TRUE(bin->binary);
  EXPECT_EQ(bin->type, PacketType::Message);
  EXPECT_EQ(bin->view(), bytes({1, 2, 3}));
  auto empty = v3::decodePacket("b4");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->binary);
  EXPECT_EQ(empty->view(), "");
}

TEST(EngineV3Packet, RejectsMalformedTextPackets) {
  EXPECT_FALSE(v3::decodePacket(""));
  EXPECT_FALSE(v3::decodePacket("7"));
  EXPECT_FALSE(v3::decodePacket("x4"));
  EXPECT_FALSE(v3::decodePacket("b"));
  EXPECT_FALSE(v3::decodePacket("b9AQID"));
  EXPECT_FALSE(v3::decodePacket("bAQID"));   // the v4 form: no type after `b`
  EXPECT_FALSE(v3::decodePacket("b4AQI"));   // bad base64 length
  EXPECT_FALSE(v3::decodePacket("b4!!!!"));  // not base64
}

TEST(EngineV3Packet, BinaryFramesCarryTheTypeByteFirst) {
  auto message = v3::decodeBinaryPacket(bytes({4, 1, 2, 3}));
  ASSERT_TRUE(message);
  EXPECT_TRUE(message->binary);
  EXPECT_EQ(message->view(), bytes({1, 2, 3}));
  auto emptyMessage = v3::decodeBinaryPacket(bytes({4}));
  ASSERT_TRUE(emptyMessage);
  EXPECT_EQ(emptyMessage->view(), "");
  auto ping = v3::decodeBinaryPacket(bytes({2}));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->type, PacketType::Ping);
  EXPECT_FALSE(ping->binary);
  EXPECT_FALSE(v3::decodeBinaryPacket(""));
  EXPECT_FALSE(v3::decodeBinaryPacket(bytes({7, 1})));
  EXPECT_FALSE(v3::decodeBinaryPacket(bytes({255})));
}

TEST(EngineV3Packet, TextFormOfBinaryIsBTypeBase64) {
  std::string out;
  v3::appendTextPacket(binary(bytes({1, 2, 3})), out);
  EXPECT_EQ(out, "b4AQID");
  out.clear();
  v3::appendTextPacket(text("hi"), out);
  EXPECT_EQ(out, "4hi");
}

TEST(EngineV3Payload, Utf16LengthCountsSurrogatePairsTwice) {
  EXPECT_EQ(v3::utf16Length(""), 0u);
  EXPECT_EQ(v3::utf16Length("abc"), 3u);
  EXPECT_EQ(v3::utf16Length("\xC3\xA9"), 1u);          // é
  EXPECT_EQ(v3::utf16Length("\xE2\x82\xAC"), 1u);      // €
  EXPECT_EQ(v3::utf16Length("\xF0\x9F\x98\x80"), 2u);  // 😀
  EXPECT_EQ(v3::utf16Length("\xFF\xC3"), 2u);          // invalid bytes: one each
  EXPECT_EQ(v3::utf16Length("\xF0\x9F\x98"), 3u);      // truncated sequence
}

// The expected strings and bytes come from engine.io 6.6's parser-v3 (encodePayload).
TEST(EngineV3Payload, EncodesStringPayloadsAsEngineIoDoes) {
  EXPECT_EQ(v3::encodeStringPayload({text("hello"), makePacket(PacketType::Ping)}), "6:4hello1:2");
  EXPECT_EQ(v3::encodeStringPayload({text("\xC3\xA9\xF0\x9F\x98\x80")}),
            "4:4\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(v3::encodeStringPayload({text("hi"), binary(bytes({1, 2, 3, 4}))}),
            "3:4hi10:b4AQIDBA==");
  EXPECT_EQ(v3::encodeStringPayload({}), "0:");
}

TEST(EngineV3Payload, EncodesBinaryPayloadsAsEngineIoDoes) {
  EXPECT_TRUE(v3::hasBinary({text("hi"), binary("x")}));
  EXPECT_FALSE(v3::hasBinary({text("hi"), makePacket(PacketType::Pong)}));
  EXPECT_EQ(v3::encodeBinaryPayload({text("hi"), binary(bytes({1, 2, 3, 4}))}),
            bytes({0, 3, 255, '4', 'h', 'i', 1, 5, 255, 4, 1, 2, 3, 4}));
  // a text length counts UTF-8 bytes here; a length of two digits takes two bytes
  EXPECT_EQ(
      v3::encodeBinaryPayload({text("\xC3\xA9"), binary(std::string(12, '\x07'))}),
      bytes({0, 3, 255, '4', 0xC3, 0xA9, 1, 1, 3, 255, 4, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}));
}

TEST(EngineV3Payload, DecodesStringPayloads) {
  auto read = readAll("6:4hello1:2", false);
  EXPECT_FALSE(read.failed);
  ASSERT_EQ(read.packets.size(), 2u);
  EXPECT_EQ(read.packets[0].view(), "hello");
  EXPECT_EQ(read.packets[1].type, PacketType::Ping);

  read = readAll(
      "4:4\xC3\xA9\xF0\x9F\x98\x80"
      "1:3",
      false);
  EXPECT_FALSE(read.failed);
  ASSERT_EQ(read.packets.size(), 2u);
  EXPECT_EQ(read.packets[0].view(), "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(read.packets[1].type, PacketType::Pong);

  read = readAll("3:4hi10:b4AQIDBA==", false);
  EXPECT_FALSE(read.failed);
  ASSERT_EQ(read.packets.size(), 2u);
  EXPECT_TRUE(read.packets[1].binary);
  EXPECT_EQ(read.packets[1].view(), bytes({1, 2, 3, 4}));

  // an empty element is skipped, leading zeros are digits
  read = readAll("0:02:4a", false);
  EXPECT_FALSE(read.failed);
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_EQ(read.packets[0].view(), "a");
}

TEST(EngineV3Payload, RejectsMalformedStringPayloads) {
  for (std::string_view bad : {
           "",                        // engine.io: an empty payload is a parse error
           ":4a",                     // no length
           "2",                       // no colon
           "x:4a",                    // not a digit
           "-1:4",                    // sign
           " 2:4a",                   // space
           "1e1:4aaaaaaaaa",          // exponent
           "5:4ab",                   // longer than the data
           "99999999999999999999:4",  // huge, would overflow
           "18446744073709551617:4",  // 2^64 + 1
           "2:4a1",                   // a length without its colon at the end
           "2:4a3",                   // a length with nothing after it
           "1:7",                     // unknown type
           "3:b4A",                   // base64 cut short
       }) {
    auto read = readAll(bad, false);
    EXPECT_TRUE(read.failed) << "payload: " << bad;
  }
  // a length that ends inside a surrogate pair
  EXPECT_TRUE(readAll("3:4\xC3\xA9\xF0\x9F\x98\x80", false).failed);
  // packets before a malformed element are delivered
  auto read = readAll("2:4a2:4b1:9", false);
  EXPECT_TRUE(read.failed);
  ASSERT_EQ(read.packets.size(), 2u);
  EXPECT_EQ(read.packets[1].view(), "b");
}

TEST(EngineV3Payload, DecodesBinaryPayloads) {
  auto read = readAll(bytes({0, 3, 255, '4', 'h', 'i', 1, 5, 255, 4, 1, 2, 3, 4}), true);
  EXPECT_FALSE(read.failed);
  ASSERT_EQ(read.packets.size(), 2u);
  EXPECT_EQ(read.packets[0].view(), "hi");
  EXPECT_FALSE(read.packets[0].binary);
  EXPECT_TRUE(read.packets[1].binary);
  EXPECT_EQ(read.packets[1].view(), bytes({1, 2, 3, 4}));
  // two-digit lengths
  std::string twelve = bytes({1, 1, 3, 255, 4}) + std::string(12, 'z');
  read = readAll(twelve, true);
  ASSERT_EQ(read.packets.size(), 1u);
  EXPECT_EQ(read.packets[0].view(), std::string(12, 'z'));
  // an empty binary body carries nothing
  read = readAll("", true);
  EXPECT_FALSE(read.failed);
  EXPECT_TRUE(read.packets.empty());
  // round trip of what the encoder writes
  std::vector<Packet> batch{text("a\xC3\xA9"), binary(std::string(300, '\x01')),
                            makePacket(PacketType::Ping, "probe"), binary("")};
  read = readAll(v3::encodeBinaryPayload(batch), true);
  EXPECT_FALSE(read.failed);
  ASSERT_EQ(read.packets.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(read.packets[i].type, batch[i].type);
    EXPECT_EQ(read.packets[i].binary, batch[i].binary);
    EXPECT_EQ(read.packets[i].view(), batch[i].view());
  }
}

TEST(EngineV3Payload, RejectsMalformedBinaryPayloads) {
  std::vector<std::string> bad = {
      bytes({2, 1, 255, '4'}),       // kind neither 0 nor 1
      bytes({0, 255, '4'}),          // no digits
      bytes({0, 1}),                 // no separator
      bytes({0, 1, 2}),              // digits, then the end
      bytes({0, 10, 255, '4'}),      // a digit byte above 9
      bytes({0, 5, 255, '4', 'a'}),  // longer than the data
      bytes({1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 255, 4}),  // huge
      bytes({0, 1, 255, '9'}),  // unknown text type
      bytes({1, 1, 255, 9}),    // unknown binary type
      bytes({1, 0, 255}),       // empty binary element
      bytes({0, 0, 255}),       // empty text element
  };
  for (const auto& payload : bad) {
    auto read = readAll(payload, true);
    EXPECT_TRUE(read.failed) << "payload of " << payload.size() << " bytes";
  }
  // packets before a malformed element are delivered
  auto read = readAll(bytes({0, 2, 255, '4', 'a', 7}), true);
  EXPECT_TRUE(read.failed);
  ASSERT_EQ(read.packets.size(), 1u);
}

TEST(EngineV3Payload, StringRoundTripKeepsEveryPacket) {
  std::vector<Packet> batch{text("plain"),
                            text("\xF0\x9F\x98\x80 x \xC3\xA9"),
                            text(""),
                            binary(bytes({0, 255, 10})),
                            makePacket(PacketType::Noop),
                            text(std::string(1000, 'q'))};
  auto read = readAll(v3::encodeStringPayload(batch), false);
  EXPECT_FALSE(read.failed);
  ASSERT_EQ(read.packets.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(read.packets[i].type, batch[i].type);
    EXPECT_EQ(read.packets[i].binary, batch[i].binary);
    EXPECT_EQ(read.packets[i].view(), batch[i].view());
  }
}
