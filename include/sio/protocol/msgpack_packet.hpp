// The msgpack parser's packet codec, byte-exact with socket.io-msgpack-parser 3.x (whose
// encoder is notepack.io 2.2): a packet is one binary Engine.IO message holding a msgpack
// map of its fields. There are no attachments: binary values stay in place as msgpack bin,
// and EVENT/ACK keep their types whatever the payload holds (BINARY_EVENT / BINARY_ACK are
// never written, and are refused on input).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "sio/protocol/packet_decoder.hpp"

namespace sio::protocol {

// The bytes notepack.io writes for the packet object socket.io 4.8 builds: a map with the
// keys in socket.io's order — `id, type, data, nsp` for an ACK (Socket#ack), else
// `type, data, id, nsp` (Socket#emit, Socket#packet) — leaving out `data` and `id` when
// absent. BINARY_EVENT / BINARY_ACK are written as EVENT / ACK. Values take the
// notepack form (codec::MsgpackFlavor::Notepack). Throws std::length_error past 2^32.
std::string encodeMsgpackPacket(const Packet& packet);

// Decodes one msgpack packet with socket.io-msgpack-parser's checks (type 0..4 as an
// integer, nsp a string, data of the type's shape, id an integer) made as strict as the
// default decoder's: an EVENT's data is a non-empty array led by a non-reserved event name,
// an id is an integer from 0 to 2^53 - 1 and only on EVENT / ACK, nesting stops at
// limits.maxDepth, map keys are strings or numbers, and no field is an ext value (a Date,
// ArrayBuffer or [type, Buffer] to the JS decoder). `data` or `id` holding notepack's
// undefined (d4 00 xx) count as absent, as the JS checks see them; other keys
// (socket.io-client's `options`) are ignored; the last of duplicate keys wins. Every
// claimed length is checked before it is allocated.
std::variant<Packet, DecodeError> decodeMsgpackPacket(std::string_view bytes,
                                                      const DecoderLimits& limits = {});

// The per-connection decoder: each binary message is one packet; a text message is an
// error (socket.io-msgpack-parser cannot read one either).
class MsgpackDecoder : public PacketDecoder {
 public:
  explicit MsgpackDecoder(DecoderLimits limits = {}) : limits_(limits) {}

  Result addText(std::string_view text) override;
  Result addBinary(Binary bytes) override;
  void reset() override {}  // nothing is ever held between messages
  bool idle() const override { return true; }

 private:
  DecoderLimits limits_;
};

}  // namespace sio::protocol
