// Socket.IO packet decoder: the checklist §5 frames back to packets (namespace, ack id,
// payload), binary reassembly from the frames that follow a BINARY_EVENT/BINARY_ACK, and
// every malformed input the strict decoder must reject with a DecodeError — after which
// the same decoder must still accept a fresh, valid packet.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sio/protocol/decoder.hpp"

using sio::Binary;
using sio::Value;
using sio::protocol::DecodeError;
using sio::protocol::Decoder;
using sio::protocol::DecoderLimits;
using sio::protocol::decodeText;
using sio::protocol::Packet;
using sio::protocol::PacketType;

namespace {

Packet decodeOk(std::string_view text) {
  auto result = decodeText(text);
  if (auto* error = std::get_if<DecodeError>(&result)) {
    ADD_FAILURE() << "input: " << text << " error: " << error->message;
    return Packet{};
  }
  return std::get<Packet>(std::move(result));
}

bool isEventType(PacketType type) {
  return type == PacketType::Event || type == PacketType::BinaryEvent;
}
bool isAckType(PacketType type) {
  return type == PacketType::Ack || type == PacketType::BinaryAck;
}

std::string ph(int num) {
  return R"({"_placeholder":true,"num":)" + std::to_string(num) + "}";
}

bool isError(const Decoder::Result& result) {
  return std::holds_alternative<DecodeError>(result);
}
bool isPending(const Decoder::Result& result) {
  return std::holds_alternative<std::monostate>(result);
}

// Feeds frames (text first, then binaries) to `decoder`; returns the last result.
Decoder::Result feed(Decoder& decoder, std::string_view text,
                     const std::vector<std::string>& bins) {
  auto result = decoder.addText(text);
  for (const auto& bin : bins) {
    if (!isPending(result)) return result;
    result = decoder.addBinary(Binary(bin));
  }
  return result;
}

void expectFreshPacketAccepted(Decoder& decoder) {
  EXPECT_FALSE(decoder.reconstructing());
  auto result = decoder.addText(R"(2["ok",1])");
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  auto& packet = std::get<Packet>(result);
  EXPECT_EQ(packet.type, PacketType::Event);
  EXPECT_EQ(*packet.data, Value::array({"ok", 1}));
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Valid packets

TEST(ProtocolDecoder, ChecklistEvent) {
  auto packet = decodeOk(R"(2["message",1,"2",{"3":[true]}])");
  EXPECT_EQ(packet.type, PacketType::Event);
  EXPECT_EQ(packet.nsp, "/");
  EXPECT_FALSE(packet.id);
  ASSERT_TRUE(packet.data);
  EXPECT_EQ(*packet.data,
            Value::array({"message", 1, "2", Value::object({{"3", Value::array({true})}})}));
}

TEST(ProtocolDecoder, ChecklistEventWithAck) {
  auto packet = decodeOk(R"(2456["message-with-ack",1,"2",{"3":[false]}])");
  EXPECT_EQ(packet.type, PacketType::Event);
  EXPECT_EQ(packet.id, 456u);
  EXPECT_EQ(*packet.data, Value::array({"message-with-ack", 1, "2",
                                        Value::object({{"3", Value::array({false})}})}));
}

TEST(ProtocolDecoder, ChecklistAck) {
  auto packet = decodeOk(R"(3456[1,"2",{"3":[false]}])");
  EXPECT_EQ(packet.type, PacketType::Ack);
  EXPECT_EQ(packet.nsp, "/");
  EXPECT_EQ(packet.id, 456u);
  EXPECT_EQ(*packet.data, Value::array({1, "2", Value::object({{"3", Value::array({false})}})}));
}

TEST(ProtocolDecoder, ConnectMainNamespace) {
  auto packet = decodeOk("0");
  EXPECT_EQ(packet.type, PacketType::Connect);
  EXPECT_EQ(packet.nsp, "/");
  EXPECT_FALSE(packet.id);
  EXPECT_FALSE(packet.data);
}

TEST(ProtocolDecoder, ConnectWithAuth) {
  auto packet = decodeOk(R"(0{"token":"123"})");
  EXPECT_EQ(packet.type, PacketType::Connect);
  EXPECT_EQ(packet.nsp, "/");
  EXPECT_EQ(*packet.data, Value::object({{"token", "123"}}));
}

TEST(ProtocolDecoder, ConnectNamespaceWithoutTrailingComma) {
  auto packet = decodeOk("0/custom");
  EXPECT_EQ(packet.type, PacketType::Connect);
  EXPECT_EQ(packet.nsp, "/custom");
  EXPECT_FALSE(packet.data);
}

TEST(ProtocolDecoder, ConnectNamespaceWithComma) {
  auto packet = decodeOk("0/custom,");
  EXPECT_EQ(packet.nsp, "/custom");
  EXPECT_FALSE(packet.data);
  packet = decodeOk(R"(0/custom,{"token":"t"})");
  EXPECT_EQ(packet.nsp, "/custom");
  EXPECT_EQ(*packet.data, Value::object({{"token", "t"}}));
}

TEST(ProtocolDecoder, Disconnect) {
  auto packet = decodeOk("1");
  EXPECT_EQ(packet.type, PacketType::Disconnect);
  EXPECT_EQ(packet.nsp, "/");
  EXPECT_FALSE(packet.data);
  packet = decodeOk("1/custom,");
  EXPECT_EQ(packet.type, PacketType::Disconnect);
  EXPECT_EQ(packet.nsp, "/custom");
}

TEST(ProtocolDecoder, EventInNamespaceWithAckId) {
  auto packet = decodeOk(R"(2/chat,12["say","hi"])");
  EXPECT_EQ(packet.type, PacketType::Event);
  EXPECT_EQ(packet.nsp, "/chat");
  EXPECT_EQ(packet.id, 12u);
  EXPECT_EQ(*packet.data, Value::array({"say", "hi"}));
}

TEST(ProtocolDecoder, ConnectError) {
  auto packet = decodeOk(R"(4/random,{"message":"Invalid namespace"})");
  EXPECT_EQ(packet.type, PacketType::ConnectError);
  EXPECT_EQ(packet.nsp, "/random");
  EXPECT_EQ(*packet.data, Value::object({{"message", "Invalid namespace"}}));
  packet = decodeOk(R"(4"plain message")");
  EXPECT_EQ(*packet.data, Value("plain message"));
}

TEST(ProtocolDecoder, AckIdBoundary) {
  auto packet = decodeOk(R"(29007199254740991["e"])");
  EXPECT_EQ(packet.id, 9007199254740991ULL);
  packet = decodeOk(R"(30[])");
  EXPECT_EQ(packet.id, 0u);
}

TEST(ProtocolDecoder, PlaceholderLookalikeInPlainEventIsKept) {
  auto packet = decodeOk(R"(2["e",{"_placeholder":true,"num":0}])");
  EXPECT_EQ(packet.type, PacketType::Event);
  EXPECT_EQ(*packet.data, Value::array({"e", Value::object({{"_placeholder", true}, {"num", 0}})}));
}

TEST(ProtocolDecoder, DepthAtLimitIsAccepted) {
  DecoderLimits limits;
  limits.maxDepth = 4;
  // 4 levels: the args array, then 3 nested arrays.
  auto result = decodeText(R"(2["e",[[[1]]]])", limits);
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  // Default limit (64).
  std::string text = "2[\"e\"," + std::string(63, '[') + "1" + std::string(63, ']') + "]";
  EXPECT_TRUE(std::holds_alternative<Packet>(decodeText(text)));
}

// ---------------------------------------------------------------------------------------
// Binary reassembly

TEST(ProtocolDecoder, BinaryEventTwoAttachments) {
  Decoder decoder;
  EXPECT_TRUE(decoder.idle());
  auto result = decoder.addText("52-[\"message\"," + ph(0) + "," + ph(1) + "]");
  EXPECT_TRUE(isPending(result));
  EXPECT_TRUE(decoder.reconstructing());
  EXPECT_FALSE(decoder.idle());  // its owner must keep it
  result = decoder.addBinary(Binary(std::string("\x01\x02", 2)));
  EXPECT_TRUE(isPending(result));
  EXPECT_TRUE(decoder.reconstructing());
  Binary second(std::string("\x00\xff\x10", 3));
  result = decoder.addBinary(second);
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  EXPECT_FALSE(decoder.reconstructing());
  EXPECT_TRUE(decoder.idle());
  auto& packet = std::get<Packet>(result);
  EXPECT_TRUE(isEventType(packet.type));
  EXPECT_EQ(packet.nsp, "/");
  EXPECT_FALSE(packet.id);
  EXPECT_EQ(*packet.data, Value::array({"message", Value(Binary(std::string("\x01\x02", 2))),
                                        Value(Binary(std::string("\x00\xff\x10", 3)))}));
  // The bytes are the frame's, not a copy.
  EXPECT_EQ((*packet.data)[2].asBinary().shared().get(), second.shared().get());
}

TEST(ProtocolDecoder, BinaryEventWithAckInNamespace) {
  Decoder decoder;
  auto result =
      feed(decoder, "52-/chat,789[\"message-with-ack\"," + ph(0) + "," + ph(1) + "]", {"a", "b"});
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  auto& packet = std::get<Packet>(result);
  EXPECT_TRUE(isEventType(packet.type));
  EXPECT_EQ(packet.nsp, "/chat");
  EXPECT_EQ(packet.id, 789u);
  EXPECT_EQ(*packet.data,
            Value::array({"message-with-ack", Value::binary("a"), Value::binary("b")}));
}

TEST(ProtocolDecoder, BinaryAck) {
  Decoder decoder;
  auto result = feed(decoder, "62-789[" + ph(0) + "," + ph(1) + "]", {"x", "y"});
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  auto& packet = std::get<Packet>(result);
  EXPECT_TRUE(isAckType(packet.type));
  EXPECT_EQ(packet.id, 789u);
  EXPECT_EQ(*packet.data, Value::array({Value::binary("x"), Value::binary("y")}));
}

TEST(ProtocolDecoder, PlaceholdersPointByNumNotByPosition) {
  Decoder decoder;
  auto result = feed(decoder, "52-[\"e\",{\"k\":[" + ph(1) + "]}," + ph(0) + "]", {"zero", "one"});
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  EXPECT_EQ(*std::get<Packet>(result).data,
            Value::array({"e", Value::object({{"k", Value::array({Value::binary("one")})}}),
                          Value::binary("zero")}));
}

TEST(ProtocolDecoder, NestedPlaceholders) {
  Decoder decoder;
  auto result =
      feed(decoder, "53-[\"e\",{\"a\":[{\"b\":" + ph(0) + ",\"c\":" + ph(1) + "}]}," + ph(2) + "]",
           {"0", "1", "2"});
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  Value expected = Value::array(
      {"e",
       Value::object({{"a", Value::array({Value::object(
                                {{"b", Value::binary("0")}, {"c", Value::binary("1")}})})}}),
       Value::binary("2")});
  EXPECT_EQ(*std::get<Packet>(result).data, expected);
}

TEST(ProtocolDecoder, BinaryWithZeroAttachmentsIsImmediate) {
  Decoder decoder;
  auto result = decoder.addText(R"(50-["e",1])");
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  EXPECT_FALSE(decoder.reconstructing());
  EXPECT_EQ(*std::get<Packet>(result).data, Value::array({"e", 1}));
  expectFreshPacketAccepted(decoder);
}

TEST(ProtocolDecoder, DecodeTextRefusesPacketAwaitingAttachments) {
  auto result = decodeText("51-[\"e\"," + ph(0) + "]");
  EXPECT_TRUE(std::holds_alternative<DecodeError>(result));
}

TEST(ProtocolDecoder, ResetDropsPendingPacket) {
  Decoder decoder;
  EXPECT_TRUE(isPending(decoder.addText("51-[\"e\"," + ph(0) + "]")));
  decoder.reset();
  EXPECT_FALSE(decoder.reconstructing());
  expectFreshPacketAccepted(decoder);
}

TEST(ProtocolDecoder, ConsecutiveBinaryPackets) {
  Decoder decoder;
  for (int round = 0; round < 3; ++round) {
    auto bin = std::string(size_t(round + 1), char('a' + round));
    auto result = feed(decoder, "51-[\"e\"," + ph(0) + "]", {bin});
    ASSERT_TRUE(std::holds_alternative<Packet>(result));
    EXPECT_EQ(*std::get<Packet>(result).data, Value::array({"e", Value::binary(bin)}));
  }
}

// ---------------------------------------------------------------------------------------
// Malformed packets

struct Malformed {
  const char* why;
  std::string text;
  std::vector<std::string> binaries;
};

class ProtocolDecoderMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(ProtocolDecoderMalformed, IsDecodeErrorAndDecoderRecovers) {
  const auto& param = GetParam();
  Decoder decoder;
  auto result = feed(decoder, param.text, param.binaries);
  ASSERT_TRUE(isError(result)) << param.why << ": " << param.text;
  EXPECT_FALSE(std::get<DecodeError>(result).message.empty());
  expectFreshPacketAccepted(decoder);
  // decodeText agrees on text-only cases.
  if (param.binaries.empty()) {
    EXPECT_TRUE(std::holds_alternative<DecodeError>(decodeText(param.text))) << param.text;
  }
}

std::string deepArray(int levels) {
  return "2[\"e\"," + std::string(size_t(levels - 1), '[') + "1" +
         std::string(size_t(levels - 1), ']') + "]";
}

INSTANTIATE_TEST_SUITE_P(
    Checklist, ProtocolDecoderMalformed,
    ::testing::Values(
        Malformed{"empty", "", {}}, Malformed{"unknown type (4abc)", "abc", {}},
        Malformed{"connect error with non-JSON", "4abc", {}}, Malformed{"type 7", R"(7["e"])", {}},
        Malformed{"type 9", "9", {}}, Malformed{"event payload object", "2{}", {}},
        Malformed{"event payload string", R"(2"e")", {}},
        Malformed{"event without payload", "2", {}},
        Malformed{"event in nsp without payload", "2/chat,", {}},
        Malformed{"invalid ack id", R"(2abc["e"])", {}},
        Malformed{"connect payload number", "0/custom,5x", {}},
        Malformed{"connect payload string", R"(0"x")", {}},
        Malformed{"connect payload array", R"(0["x"])", {}},
        Malformed{"connect payload null", "0null", {}},
        Malformed{"connect payload string in nsp", R"(0/custom,"x")", {}},
        Malformed{"first arg number", "2[1]", {}}, Malformed{"empty args", "2[]", {}},
        Malformed{"first arg null", "2[null]", {}},
        Malformed{"first arg object", R"(2[{"a":1}])", {}},
        Malformed{"first arg array", R"(2[["e"]])", {}},
        Malformed{"reserved connect", R"(2["connect"])", {}},
        Malformed{"reserved connect_error", R"(2["connect_error",1])", {}},
        Malformed{"reserved disconnect", R"(2["disconnect"])", {}},
        Malformed{"reserved disconnecting", R"(2/chat,["disconnecting"])", {}},
        Malformed{"reserved newListener", R"(23["newListener"])", {}},
        Malformed{"reserved removeListener", R"(2["removeListener"])", {}},
        Malformed{"reserved name in binary event", "51-[\"connect\"," + ph(0) + "]", {}},
        Malformed{"disconnect with object", "1{}", {}},
        Malformed{"disconnect with array", R"(1["x"])", {}},
        Malformed{"disconnect in nsp with payload", R"(1/chat,{"a":1})", {}},
        Malformed{"ack payload object", "31{}", {}},
        Malformed{"ack payload string", R"(31"x")", {}},
        Malformed{"connect error payload array", R"(4["x"])", {}},
        Malformed{"binary event payload object", "51-{}", {}},
        Malformed{"binary ack payload object", "61-1{}", {}},
        Malformed{"attachments count with letters", "5x-[\"e\"," + ph(0) + "]", {}},
        Malformed{"attachments count with trailing letter", "51x-[\"e\"," + ph(0) + "]", {}},
        Malformed{"missing dash", "51[\"e\"," + ph(0) + "]", {}},
        Malformed{"empty count", "5-[\"e\"," + ph(0) + "]", {}},
        Malformed{"negative count", "5-1-[\"e\"]", {}}, Malformed{"only type and count", "51", {}},
        Malformed{"binary ack missing dash", "61[" + ph(0) + "]", {}},
        Malformed{"too many attachments", "51001-[\"e\"]", {}},
        Malformed{"absurd attachment count", "599999999999999999999999-[\"e\"]", {}},
        Malformed{"ack id 2^53", R"(29007199254740992["e"])", {}},
        Malformed{"ack id huge", R"(2123456789012345678901234567890["e"])", {}},
        Malformed{"ack packet id 2^53", "39007199254740992[]", {}},
        Malformed{"nesting too deep", deepArray(65), {}}, Malformed{"invalid JSON", R"(2["e")", {}},
        Malformed{"invalid JSON token", "2[e]", {}}, Malformed{"single quotes", "2['e']", {}},
        Malformed{"trailing garbage", R"(2["e"]x)", {}},
        Malformed{"two JSON texts", R"(2["e"]["f"])", {}},
        Malformed{"trailing comma", R"(2["e",])", {}},
        Malformed{"placeholder num out of range", "51-[\"e\"," + ph(1) + "]", {"b"}},
        Malformed{"placeholder num negative", "51-[\"e\"," + ph(-1) + "]", {"b"}},
        Malformed{"placeholder num fraction", R"(51-["e",{"_placeholder":true,"num":0.5}])", {"b"}},
        Malformed{"placeholder num string", R"(51-["e",{"_placeholder":true,"num":"0"}])", {"b"}},
        Malformed{"placeholder num null", R"(51-["e",{"_placeholder":true,"num":null}])", {"b"}},
        Malformed{"placeholder without num", R"(51-["e",{"_placeholder":true}])", {"b"}},
        Malformed{"placeholder but no attachment announced", "50-[\"e\"," + ph(0) + "]", {}},
        Malformed{"nested bad placeholder",
                  "52-[\"e\",{\"a\":[" + ph(0) + "," + ph(2) + "]}]",
                  {"x", "y"}},
        Malformed{"binary ack placeholder out of range", "61-5[" + ph(3) + "]", {"b"}}));

TEST(ProtocolDecoder, ConnectPayloadNumberIsError) {
  // `05` and `0/custom,5`: a number after a CONNECT header. Either an ack id on a CONNECT
  // or a non-object payload — both malformed.
  for (std::string_view text : {"05", "0/custom,5", "15", "45"}) {
    auto result = decodeText(text);
    EXPECT_TRUE(std::holds_alternative<DecodeError>(result)) << text;
  }
}

TEST(ProtocolDecoder, TooManyAttachmentsWithCustomLimit) {
  DecoderLimits limits;
  limits.maxAttachments = 2;
  Decoder decoder(limits);
  EXPECT_TRUE(isError(decoder.addText("53-[\"e\"," + ph(0) + "," + ph(1) + "," + ph(2) + "]")));
  auto result = feed(decoder, "52-[\"e\"," + ph(0) + "," + ph(1) + "]", {"a", "b"});
  EXPECT_TRUE(std::holds_alternative<Packet>(result));
}

// socket.io-parser 4.2.6's default (CVE-2026-33151): 10 attachments, not one more.
TEST(ProtocolDecoder, DefaultAttachmentLimitIsTen) {
  auto placeholders = [](int count) {
    std::string list;
    for (int i = 0; i < count; ++i) list += "," + ph(i);
    return list;
  };
  Decoder decoder;
  EXPECT_TRUE(isError(decoder.addText("511-[\"e\"" + placeholders(11) + "]")));
  EXPECT_FALSE(decoder.reconstructing());
  EXPECT_TRUE(isError(decoder.addText("5200-[\"e\"" + placeholders(200) + "]")));
  std::vector<std::string> ten(10, "x");
  auto result = feed(decoder, "510-[\"e\"" + placeholders(10) + "]", ten);
  EXPECT_TRUE(std::holds_alternative<Packet>(result));
}

TEST(ProtocolDecoder, AttachmentBytesOfOnePacketAreBounded) {
  DecoderLimits limits;
  limits.maxAttachmentBytes = 10;
  Decoder decoder(limits);
  EXPECT_TRUE(isPending(decoder.addText("53-[\"e\"," + ph(0) + "," + ph(1) + "," + ph(2) + "]")));
  EXPECT_TRUE(isPending(decoder.addBinary(Binary(std::string(6, 'a')))));
  // 6 + 5 > 10: the packet fails and what it held is dropped.
  EXPECT_TRUE(isError(decoder.addBinary(Binary(std::string(5, 'b')))));
  EXPECT_FALSE(decoder.reconstructing());
  expectFreshPacketAccepted(decoder);
  // Exactly at the bound is accepted.
  auto result = feed(decoder, "52-[\"e\"," + ph(0) + "," + ph(1) + "]", {"12345", "67890"});
  EXPECT_TRUE(std::holds_alternative<Packet>(result));
}

TEST(ProtocolDecoder, NestingLimitIsConfigurable) {
  DecoderLimits limits;
  limits.maxDepth = 3;
  EXPECT_TRUE(std::holds_alternative<DecodeError>(decodeText(R"(2["e",[[[1]]]])", limits)));
  EXPECT_TRUE(std::holds_alternative<Packet>(decodeText(R"(2["e",[[1]]])", limits)));
}

TEST(ProtocolDecoder, BinaryFrameWhenNotReconstructing) {
  Decoder decoder;
  EXPECT_TRUE(isError(decoder.addBinary(Binary(std::string("x")))));
  expectFreshPacketAccepted(decoder);
}

TEST(ProtocolDecoder, MoreAttachmentsThanAnnounced) {
  Decoder decoder;
  auto result = feed(decoder, "51-[\"e\"," + ph(0) + "]", {"one"});
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  EXPECT_TRUE(isError(decoder.addBinary(Binary(std::string("extra")))));
  expectFreshPacketAccepted(decoder);
}

TEST(ProtocolDecoder, TextFrameWhileReconstructing) {
  Decoder decoder;
  EXPECT_TRUE(isPending(decoder.addText("52-[\"e\"," + ph(0) + "," + ph(1) + "]")));
  EXPECT_TRUE(isPending(decoder.addBinary(Binary(std::string("a")))));
  EXPECT_TRUE(isError(decoder.addText(R"(2["e"])")));
  EXPECT_FALSE(decoder.reconstructing());
  // The pending packet was dropped: a binary frame now is an error as well.
  EXPECT_TRUE(isError(decoder.addBinary(Binary(std::string("b")))));
  expectFreshPacketAccepted(decoder);
}

TEST(ProtocolDecoder, ErrorDuringReconstructionThenBinaryPacket) {
  Decoder decoder;
  EXPECT_TRUE(isError(feed(decoder, "51-[\"e\"," + ph(4) + "]", {"a"})));
  auto result = feed(decoder, "51-[\"e\"," + ph(0) + "]", {"b"});
  ASSERT_TRUE(std::holds_alternative<Packet>(result));
  EXPECT_EQ(*std::get<Packet>(result).data, Value::array({"e", Value::binary("b")}));
}
