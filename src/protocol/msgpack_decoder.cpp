// The msgpack parser's decoder: one binary message is one packet, a msgpack map read key by
// key (so that notepack's `undefined` can be told from null where the JS checks see the
// difference), then checked as socket.io-msgpack-parser checks a packet, with the default
// decoder's stricter rules on event names and ack ids. Nothing is held between messages.
#include <cstdint>
#include <optional>

#include "sio/codec/msgpack.hpp"
#include "sio/protocol/msgpack_packet.hpp"

namespace sio::protocol {
namespace {

constexpr int64_t kMaxSafeInteger = (int64_t(1) << 53) - 1;

uint32_t readBigEndian(std::string_view bytes, size_t count) {
  uint32_t n = 0;
  for (size_t i = 0; i < count; ++i) n = n << 8 | uint8_t(bytes[i]);
  return n;
}

// The member count of the map at the start of `in` (fixmap, map16, map32), which it skips.
std::optional<uint32_t> takeMapHeader(std::string_view& in) {
  if (in.empty()) return std::nullopt;
  const uint8_t head = uint8_t(in[0]);
  size_t width = 0;
  if ((head & 0xf0) == 0x80) {
    in.remove_prefix(1);
    return head & 0x0f;
  }
  if (head == 0xde) width = 2;
  if (head == 0xdf) width = 4;
  if (width == 0 || in.size() < 1 + width) return std::nullopt;
  uint32_t count = readBigEndian(in.substr(1), width);
  in.remove_prefix(1 + width);
  return count;
}

// notepack's `undefined`: fixext 1 of type 0 (d4 00 xx), three bytes.
bool takeUndefined(std::string_view& in) {
  if (in.size() < 3 || uint8_t(in[0]) != 0xd4 || in[1] != 0) return false;
  in.remove_prefix(3);
  return true;
}

// An ext value (fixext 1..16, ext 8/16/32). As a field, socket.io-msgpack-parser reads it as a
// Date, an ArrayBuffer or [type, Buffer], none of which a packet field may be; the codec would
// make some of them strings (ISO dates), so they are refused before that.
bool isExtension(std::string_view in) {
  const uint8_t head = in.empty() ? 0 : uint8_t(in[0]);
  return (head >= 0xc7 && head <= 0xc9) || (head >= 0xd4 && head <= 0xd8);
}

std::optional<Value> takeValue(std::string_view& in, size_t maxDepth) {
  codec::MsgpackParseOptions options;
  options.maxDepth = maxDepth;
  auto parsed = codec::parseMsgpackPrefix(in, nullptr, options);
  if (!parsed) return std::nullopt;
  in.remove_prefix(parsed->consumed);
  return std::move(parsed->value);
}

// The fields the checks look at; a field holding undefined is absent.
struct Fields {
  std::optional<Value> type, nsp, data, id;
};

std::optional<Value>* fieldNamed(Fields& fields, std::string_view key) {
  if (key == "type") return &fields.type;
  if (key == "nsp") return &fields.nsp;
  if (key == "data") return &fields.data;
  if (key == "id") return &fields.id;
  return nullptr;
}

std::optional<DecodeError> readFields(std::string_view in, const DecoderLimits& limits,
                                      Fields& fields) {
  auto count = takeMapHeader(in);
  if (!count) return DecodeError{"a packet is a msgpack map"};
  for (uint32_t i = 0; i < *count; ++i) {
    // Keys are strings, or numbers as JS turns them into strings (never a field's name);
    // containers, nil, booleans, bin and ext are refused.
    auto key = takeValue(in, 0);
    if (!key || !(key->isString() || key->isNumber())) return DecodeError{"invalid msgpack key"};
    auto* field = key->isString() ? fieldNamed(fields, key->asString()) : nullptr;
    if (field && takeUndefined(in)) {
      field->reset();
      continue;
    }
    if (field && isExtension(in)) return DecodeError{"invalid packet field"};
    auto value = takeValue(in, limits.maxDepth);
    if (!value) return DecodeError{"invalid msgpack"};
    if (field) *field = std::move(*value);
  }
  if (!in.empty()) return DecodeError{"trailing bytes"};
  return std::nullopt;
}

bool dataFits(PacketType type, const std::optional<Value>& data) {
  switch (type) {
    case PacketType::Connect:
      return !data || data->isObject();
    case PacketType::Disconnect:
      return !data;
    case PacketType::ConnectError:
      return data && (data->isString() || data->isObject());
    case PacketType::Event:
      return data && data->isArray() && data->size() > 0 && (*data)[0].isString() &&
             !isReservedEventName((*data)[0].asString());
    case PacketType::Ack:
      return data && data->isArray();
    default:
      return false;
  }
}

}  // namespace

std::variant<Packet, DecodeError> decodeMsgpackPacket(std::string_view bytes,
                                                      const DecoderLimits& limits) {
  Fields fields;
  if (auto error = readFields(bytes, limits, fields)) return *error;
  const auto& type = fields.type;
  if (!type || !type->isInt() || type->asInt() < int64_t(PacketType::Connect) ||
      type->asInt() > int64_t(PacketType::ConnectError))
    return DecodeError{"invalid packet type"};
  if (!fields.nsp || !fields.nsp->isString()) return DecodeError{"invalid namespace"};
  Packet packet;
  packet.type = PacketType(type->asInt());
  if (!dataFits(packet.type, fields.data)) return DecodeError{"invalid payload"};
  if (fields.id) {
    const Value& id = *fields.id;
    bool mayHaveId = packet.type == PacketType::Event || packet.type == PacketType::Ack;
    if (!mayHaveId || !id.isInt() || id.asInt() < 0 || id.asInt() > kMaxSafeInteger)
      return DecodeError{"invalid packet id"};
    packet.id = uint64_t(id.asInt());
  }
  packet.nsp = fields.nsp->asString();
  packet.data = std::move(fields.data);
  return packet;
}

MsgpackDecoder::Result MsgpackDecoder::addText(std::string_view) {
  return DecodeError{"a text message under the msgpack parser"};
}

MsgpackDecoder::Result MsgpackDecoder::addBinary(Binary bytes) {
  auto decoded = decodeMsgpackPacket(bytes.view(), limits_);
  if (auto* packet = std::get_if<Packet>(&decoded)) return std::move(*packet);
  return std::get<DecodeError>(std::move(decoded));
}

}  // namespace sio::protocol
