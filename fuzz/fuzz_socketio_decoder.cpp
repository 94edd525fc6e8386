// Fuzz target: the Socket.IO packet decoder fed a sequence of Engine.IO messages. The input
// is split into frames (1 byte: bit 0 = binary, then a 2-byte little-endian length) fed to
// one Decoder (default attachment count limit, a small attachment byte bound). Any packet
// it yields must encode and decode again to an equal packet (equal as JavaScript sees it),
// and encoding that again must give the same frames. Any difference aborts.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sio/protocol/decoder.hpp"
#include "sio/protocol/encoder.hpp"

namespace {

using sio::Value;
using sio::protocol::Decoder;
using sio::protocol::DecoderLimits;
using sio::protocol::Packet;
using sio::protocol::PacketType;

bool jsEqual(const Value& a, const Value& b) {
  using T = Value::Type;
  if (a.isDouble() && !std::isfinite(a.asDouble())) return b.isNull();
  if (a.isNumber() && b.isNumber()) {
    if (a.isInt() && b.isInt()) return a.asInt() == b.asInt();
    return a.isDouble() && a.asDouble() == b.asDouble();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case T::Array:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!jsEqual(a[i], b[i])) return false;
      return true;
    case T::Object:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        const auto& ma = a.asObject()[i];
        const auto& mb = b.asObject()[i];
        if (ma.first != mb.first || !jsEqual(ma.second, mb.second)) return false;
      }
      return true;
    default:
      return a == b;  // Binary compares bytes
  }
}

PacketType plain(PacketType type) {
  if (type == PacketType::BinaryEvent) return PacketType::Event;
  if (type == PacketType::BinaryAck) return PacketType::Ack;
  return type;
}

size_t countBinary(const Value& v) {
  if (v.isBinary()) return 1;
  size_t n = 0;
  if (v.isArray())
    for (const auto& item : v.asArray()) n += countBinary(item);
  if (v.isObject())
    for (const auto& [key, member] : v.asObject()) n += countBinary(member);
  return n;
}

// Encodes `packet` and decodes the frames with a fresh decoder; aborts unless a packet
// comes out after the last frame.
Packet reencode(const Packet& packet, sio::protocol::EncodedPacket& encoded) {
  encoded = sio::protocol::encodePacket(packet);
  if (!encoded.text) std::abort();
  DecoderLimits limits;
  // One attachment may stand behind many placeholders; its copies each become one.
  limits.maxAttachments = std::max(limits.maxAttachments, encoded.attachments.size());
  Decoder decoder(limits);
  auto result = decoder.addText(*encoded.text);
  for (const auto& attachment : encoded.attachments) {
    if (!std::holds_alternative<std::monostate>(result)) std::abort();
    result = decoder.addBinary(attachment);
  }
  if (!std::holds_alternative<Packet>(result)) std::abort();
  return std::get<Packet>(std::move(result));
}

void check(const Packet& packet) {
  if (packet.data && countBinary(*packet.data) > 0 && plain(packet.type) != PacketType::Event &&
      plain(packet.type) != PacketType::Ack)
    std::abort();  // only event/ack payloads may carry binary
  sio::protocol::EncodedPacket first, second;
  Packet again = reencode(packet, first);
  if (plain(again.type) != plain(packet.type) || again.nsp != packet.nsp || again.id != packet.id ||
      again.data.has_value() != packet.data.has_value())
    std::abort();
  if (packet.data && !jsEqual(*packet.data, *again.data)) std::abort();
  // Encoding is canonical: the decoded copy encodes to the same frames.
  reencode(again, second);
  if (*first.text != *second.text || first.attachments.size() != second.attachments.size())
    std::abort();
  for (size_t i = 0; i < first.attachments.size(); ++i)
    if (first.attachments[i].view() != second.attachments[i].view()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  DecoderLimits limits;
  limits.maxAttachmentBytes = 4096;  // small enough for inputs to cross it
  Decoder decoder(limits);
  while (size > 0) {
    bool binary = data[0] & 1;
    ++data, --size;
    size_t length = size;
    if (size >= 2) {
      length = size_t(data[0]) | size_t(data[1]) << 8;
      data += 2, size -= 2;
      if (length > size) length = size;
    }
    std::string frame(reinterpret_cast<const char*>(data), length);
    data += length, size -= length;
    auto result =
        binary ? decoder.addBinary(sio::Binary(std::move(frame))) : decoder.addText(frame);
    if (auto* packet = std::get_if<Packet>(&result)) {
      if (decoder.reconstructing()) std::abort();
      check(*packet);
    } else if (std::holds_alternative<sio::protocol::DecodeError>(result)) {
      // After an error the decoder starts afresh.
      if (decoder.reconstructing()) std::abort();
    } else if (!decoder.reconstructing()) {
      std::abort();  // "waiting for attachments" while not waiting
    }
  }
  return 0;
}
