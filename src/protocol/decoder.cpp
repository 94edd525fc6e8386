// Socket.IO packet decoding with socket.io-parser 4.2's rules, made strict where the JS
// parser relies on loose number coercion: attachment counts and ack ids are plain digits,
// ack ids stay within 2^53-1 (JS's safe integers), payloads must have the shape their type
// requires, and placeholders must point at a received attachment.
#include "sio/protocol/decoder.hpp"

#include "sio/codec/json.hpp"

namespace sio::protocol {
namespace {

constexpr uint64_t kMaxSafeInteger = (uint64_t(1) << 53) - 1;

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool payloadFits(PacketType type, const Value& payload) {
  switch (type) {
    case PacketType::Connect:
      return payload.isObject();
    case PacketType::Disconnect:
      return false;
    case PacketType::ConnectError:
      return payload.isString() || payload.isObject();
    case PacketType::Event:
    case PacketType::BinaryEvent:
      return payload.isArray() && payload.size() > 0 && payload[0].isString() &&
             !isReservedEventName(payload[0].asString());
    case PacketType::Ack:
    case PacketType::BinaryAck:
      return payload.isArray();
  }
  return false;
}

struct Parsed {
  Packet packet;
  size_t attachments = 0;
};

std::variant<Parsed, DecodeError> parse(std::string_view text, const DecoderLimits& limits) {
  if (text.empty() || text[0] < '0' || text[0] > '6') return DecodeError{"unknown packet type"};
  Parsed parsed;
  Packet& packet = parsed.packet;
  packet.type = static_cast<PacketType>(text[0] - '0');
  size_t i = 1;  // the next character to read
  if (packet.type == PacketType::BinaryEvent || packet.type == PacketType::BinaryAck) {
    size_t start = i;
    uint64_t count = 0;
    while (i < text.size() && isDigit(text[i]) && count <= limits.maxAttachments)
      count = count * 10 + uint64_t(text[i++] - '0');
    if (i == start || i >= text.size() || text[i] != '-' || count > limits.maxAttachments)
      return DecodeError{"illegal attachments"};
    parsed.attachments = count;
    ++i;
  }
  if (i < text.size() && text[i] == '/') {
    size_t comma = text.find(',', i);
    packet.nsp =
        std::string(text.substr(i, comma == std::string_view::npos ? text.npos : comma - i));
    i = comma == std::string_view::npos ? text.size() : comma + 1;
  }
  if (i < text.size() && isDigit(text[i])) {
    if (packet.type == PacketType::Connect || packet.type == PacketType::Disconnect ||
        packet.type == PacketType::ConnectError)
      return DecodeError{"invalid payload"};
    uint64_t id = 0;
    while (i < text.size() && isDigit(text[i])) {
      id = id * 10 + uint64_t(text[i++] - '0');
      if (id > kMaxSafeInteger) return DecodeError{"invalid ack id"};
    }
    packet.id = id;
  }
  if (i < text.size()) {
    codec::JsonParseOptions options;
    options.maxDepth = limits.maxDepth;
    auto payload = codec::parseJson(text.substr(i), nullptr, options);
    if (!payload || !payloadFits(packet.type, *payload)) return DecodeError{"invalid payload"};
    packet.data = std::move(*payload);
  } else if (packet.type == PacketType::Event || packet.type == PacketType::BinaryEvent) {
    return DecodeError{"invalid payload"};
  }
  return parsed;
}

// Puts the attachments back where their placeholders are; false on a bad placeholder.
bool reconstruct(Value& value, const std::vector<Binary>& attachments) {
  if (value.isArray()) {
    for (auto& item : value.asArray())
      if (!reconstruct(item, attachments)) return false;
  } else if (value.isObject()) {
    const Value* marker = value.find("_placeholder");
    if (marker && marker->isBool() && marker->asBool()) {
      const Value* num = value.find("num");
      if (!num || !num->isInt() || num->asInt() < 0 || size_t(num->asInt()) >= attachments.size())
        return false;
      value = Value(attachments[size_t(num->asInt())]);
      return true;
    }
    for (auto& [key, member] : value.asObject())
      if (!reconstruct(member, attachments)) return false;
  }
  return true;
}

}  // namespace

Decoder::Result Decoder::addText(std::string_view text) {
  if (pending_) {
    reset();
    return DecodeError{"got plaintext data when reconstructing a packet"};
  }
  auto parsed = parse(text, limits_);
  if (auto* error = std::get_if<DecodeError>(&parsed)) return *error;
  auto& [packet, attachments] = std::get<Parsed>(parsed);
  if (packet.type != PacketType::BinaryEvent && packet.type != PacketType::BinaryAck)
    return std::move(packet);  // a structured binding: returned as is, it would be copied
  pending_ = std::move(packet);
  expected_ = attachments;
  attachments_.clear();
  heldBytes_ = 0;
  if (expected_ == 0) return finish();
  return std::monostate{};
}

Decoder::Result Decoder::addBinary(Binary bytes) {
  if (!pending_) return DecodeError{"got binary data when not reconstructing a packet"};
  heldBytes_ += bytes.size();
  if (limits_.maxAttachmentBytes && heldBytes_ > limits_.maxAttachmentBytes) {
    reset();
    return DecodeError{"attachments too large"};
  }
  attachments_.push_back(std::move(bytes));
  if (attachments_.size() < expected_) return std::monostate{};
  return finish();
}

Decoder::Result Decoder::finish() {
  Packet packet = std::move(*pending_);
  auto attachments = std::move(attachments_);
  reset();
  if (packet.data && !reconstruct(*packet.data, attachments))
    return DecodeError{"illegal attachments"};
  // The packet keeps its BINARY_EVENT / BINARY_ACK type; the server treats both alike.
  return packet;
}

void Decoder::reset() {
  pending_.reset();
  expected_ = 0;
  heldBytes_ = 0;
  std::vector<Binary>().swap(attachments_);  // the memory goes with them
}

std::variant<Packet, DecodeError> decodeText(std::string_view text, DecoderLimits limits) {
  Decoder decoder(limits);
  auto result = decoder.addText(text);
  if (auto* packet = std::get_if<Packet>(&result)) return std::move(*packet);
  if (auto* error = std::get_if<DecodeError>(&result)) return *error;
  return DecodeError{"packet awaits attachments"};
}

}  // namespace sio::protocol
