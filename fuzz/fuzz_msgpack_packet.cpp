// Fuzz target: the msgpack parser's decoder fed a sequence of Engine.IO messages. The input
// is split into frames (1 byte: bit 0 = binary, then a 2-byte little-endian length) fed to
// one MsgpackDecoder. A text frame must be an error; any packet it yields must hold only what
// the checks allow, and must encode and decode again to the same packet (numbers as a JS
// Number keeps them; an integral double beyond 2^53 is the one value notepack rewrites).
// Any difference aborts.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sio/protocol/msgpack_packet.hpp"

namespace {

using sio::Value;
using sio::protocol::DecoderLimits;
using sio::protocol::MsgpackDecoder;
using sio::protocol::Packet;
using sio::protocol::PacketType;

// Equal as the packet's receiver sees it, `sent` having been decoded, encoded and decoded.
bool sameAfterRoundTrip(const Value& first, const Value& sent) {
  if (first.isDouble()) {
    double d = first.asDouble();
    if (std::isnan(d)) return sent.isDouble() && std::isnan(sent.asDouble());
    if (std::isfinite(d) && d == std::trunc(d)) return sent.isNumber();  // written modulo 2^64
    return sent.isDouble() && sent.asDouble() == d;
  }
  if (first.type() != sent.type()) return false;
  if (first.isArray() || first.isObject()) {
    if (first.size() != sent.size()) return false;
    for (size_t i = 0; i < first.size(); ++i) {
      if (first.isArray() && !sameAfterRoundTrip(first[i], sent[i])) return false;
      if (first.isObject() &&
          (first.asObject()[i].first != sent.asObject()[i].first ||
           !sameAfterRoundTrip(first.asObject()[i].second, sent.asObject()[i].second)))
        return false;
    }
    return true;
  }
  return first == sent;
}

void check(const Packet& packet) {
  if (packet.type == PacketType::BinaryEvent || packet.type == PacketType::BinaryAck)
    std::abort();  // this parser has no binary types
  if (packet.id && packet.type != PacketType::Event && packet.type != PacketType::Ack) std::abort();
  if (packet.type == PacketType::Event &&
      (!packet.data || !packet.data->isArray() || packet.data->size() == 0 ||
       !(*packet.data)[0].isString()))
    std::abort();
  // Decoding what we encode: the ext arrays the codec builds may add one level of nesting,
  // so the second decoder allows a little more.
  DecoderLimits roomy;
  roomy.maxDepth = 1000;
  auto again =
      sio::protocol::decodeMsgpackPacket(sio::protocol::encodeMsgpackPacket(packet), roomy);
  auto* back = std::get_if<Packet>(&again);
  if (!back || back->type != packet.type || back->nsp != packet.nsp || back->id != packet.id ||
      back->data.has_value() != packet.data.has_value())
    std::abort();
  if (packet.data && !sameAfterRoundTrip(*packet.data, *back->data)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MsgpackDecoder decoder;
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
    if (!binary && !std::holds_alternative<sio::protocol::DecodeError>(result)) std::abort();
    if (std::holds_alternative<std::monostate>(result)) std::abort();  // never waits
    if (auto* packet = std::get_if<Packet>(&result)) check(*packet);
  }
  return 0;
}
