// Encoder → Decoder round trips: seeded random payloads (every value kind, binary at random
// depths and positions, namespaces and ack ids) are encoded, the text and attachments fed
// to one Decoder frame by frame, and the decoded packet must carry the same namespace, id
// and data, with the binary bytes back in their places.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "sio/protocol/decoder.hpp"
#include "sio/protocol/encoder.hpp"

using sio::Binary;
using sio::Value;
using sio::protocol::Decoder;
using sio::protocol::encodePacket;
using sio::protocol::Packet;
using sio::protocol::PacketType;

namespace {

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string string() {
    static const char* const pieces[] = {"a",   "Z",    "0",    " ", "\"", "\\", "/",
                                         "\n",  "\x01", "\x7f", "é", "€",  "😀",  "_placeholder",
                                         "num", ","};
    std::string s;
    int n = pick(6);
    for (int i = 0; i < n; ++i) s += pieces[pick(int(std::size(pieces)))];
    return s;
  }

  Value binary() {
    std::string bytes(size_t(pick(40)), '\0');
    for (auto& c : bytes) c = char(pick(256));
    ++binaries_;
    return Value(Binary(std::move(bytes)));
  }

  Value scalar() {
    switch (pick(7)) {
      case 0:
        return Value();
      case 1:
        return Value(pick(2) == 1);
      case 2:
        return Value(int64_t(pick(2000000)) - 1000000);
      case 3: {
        // Non-integral, so it stays a Double through JSON.
        double d = double(pick(100000) - 50000) / 64.0 + 1.0 / 128.0;
        return Value(d);
      }
      case 4:
        return Value(std::numeric_limits<int64_t>::min() + pick(3));
      default:
        return Value(string());
    }
  }

  Value any(int depth) {
    int choice = pick(depth > 0 ? 10 : 6);
    if (choice < 4) return scalar();
    if (choice < 6) return binary();
    if (choice < 8) {
      Value::Array items;
      int n = pick(5);
      for (int i = 0; i < n; ++i) items.push_back(any(depth - 1));
      return Value(std::move(items));
    }
    Value::Object members;
    int n = pick(5);
    for (int i = 0; i < n; ++i)
      members.emplace_back("k" + std::to_string(i) + string(), any(depth - 1));
    return Value(std::move(members));
  }

  size_t binaries() const { return binaries_; }

 private:
  std::mt19937 rng_;
  size_t binaries_ = 0;
};

Packet roundTrip(const Packet& packet) {
  auto encoded = encodePacket(packet);
  sio::protocol::DecoderLimits limits;
  limits.maxAttachments = 1000;  // random payloads carry more than the default 10
  Decoder decoder(limits);
  auto result = decoder.addText(*encoded.text);
  for (const auto& attachment : encoded.attachments) {
    EXPECT_TRUE(std::holds_alternative<std::monostate>(result)) << *encoded.text;
    EXPECT_TRUE(decoder.reconstructing());
    result = decoder.addBinary(attachment);
  }
  if (auto* error = std::get_if<sio::protocol::DecodeError>(&result)) {
    ADD_FAILURE() << "decode error " << error->message << " for " << *encoded.text;
    return {};
  }
  EXPECT_TRUE(std::holds_alternative<Packet>(result)) << *encoded.text;
  if (!std::holds_alternative<Packet>(result)) return {};
  return std::get<Packet>(std::move(result));
}

PacketType plainType(PacketType type) {
  if (type == PacketType::BinaryEvent) return PacketType::Event;
  if (type == PacketType::BinaryAck) return PacketType::Ack;
  return type;
}

}  // namespace

TEST(ProtocolRoundTrip, RandomPayloadsWithBinary) {
  size_t withBinary = 0;
  for (uint32_t seed = 1; seed <= 600; ++seed) {
    Generator gen(seed);
    Packet packet;
    bool isEvent = gen.pick(2) == 0;
    packet.type = isEvent ? PacketType::Event : PacketType::Ack;
    static const char* const namespaces[] = {"/", "/chat", "/a/b", "/ü"};
    packet.nsp = namespaces[gen.pick(4)];
    if (!isEvent || gen.pick(2) == 0) packet.id = uint64_t(gen.pick(1 << 30));
    Value::Array args;
    if (isEvent) args.push_back(Value("ev" + gen.string()));
    int n = gen.pick(5);
    for (int i = 0; i < n; ++i) args.push_back(gen.any(4));
    packet.data = Value(std::move(args));
    bool hasBinary = packet.data->hasBinary();
    withBinary += hasBinary;

    auto encoded = encodePacket(packet);
    PacketType wireType =
        hasBinary ? (isEvent ? PacketType::BinaryEvent : PacketType::BinaryAck) : packet.type;
    EXPECT_EQ((*encoded.text)[0], char('0' + int(wireType))) << "seed " << seed;

    Packet decoded = roundTrip(packet);
    EXPECT_EQ(plainType(decoded.type), packet.type) << "seed " << seed;
    EXPECT_EQ(decoded.nsp, packet.nsp) << "seed " << seed;
    EXPECT_EQ(decoded.id, packet.id) << "seed " << seed;
    ASSERT_TRUE(decoded.data) << "seed " << seed;
    EXPECT_EQ(*decoded.data, *packet.data) << "seed " << seed << ": " << *encoded.text;
  }
  EXPECT_GT(withBinary, 300u);  // the generator does exercise binary
}

TEST(ProtocolRoundTrip, BinaryOnlyPayloads) {
  // Binary as every argument, at the top of an ack, and a lone binary in a deep chain.
  Value chain = Value::binary("deep");
  for (int i = 0; i < 20; ++i)
    chain = (i % 2) ? Value::array({chain}) : Value::object({{"x", chain}});
  for (const Value& data :
       {Value::array({"e", Value::binary(""), Value::binary(std::string(1024, '\xab'))}),
        Value::array({"e", chain}),
        Value::array({"e", Value::binary("same"), Value::binary("same")})}) {
    Packet packet{PacketType::Event, "/", std::nullopt, data};
    EXPECT_EQ(*roundTrip(packet).data, data);
  }
  Packet ack{PacketType::Ack, "/x", 42, Value::array({Value::binary("a"), 1, Value::binary("b")})};
  Packet decoded = roundTrip(ack);
  EXPECT_EQ(decoded.id, 42u);
  EXPECT_EQ(*decoded.data, *ack.data);
}

TEST(ProtocolRoundTrip, NonBinaryPacketsOfEveryType) {
  std::vector<Packet> packets = {
      {PacketType::Connect, "/", std::nullopt, std::nullopt},
      {PacketType::Connect, "/custom", std::nullopt, Value::object({{"token", "123"}})},
      {PacketType::Disconnect, "/custom", std::nullopt, std::nullopt},
      {PacketType::Event, "/", 7,
       Value::array({"e", Value::object({{"_placeholder", true}, {"num", 0}})})},
      {PacketType::Ack, "/", 0, Value::array({})},
      {PacketType::ConnectError, "/x", std::nullopt, Value::object({{"message", "no"}})},
  };
  for (const auto& packet : packets) {
    Packet decoded = roundTrip(packet);
    EXPECT_EQ(decoded.type, packet.type);
    EXPECT_EQ(decoded.nsp, packet.nsp);
    EXPECT_EQ(decoded.id, packet.id);
    EXPECT_EQ(decoded.data, packet.data);
  }
}
