// Engine.IO v3 packet and payload codec (engine.io-parser 2.x, which engine.io 6.6 still
// speaks to clients with EIO=3 when allowEIO3 is on). Text packets are `<type><data>` as in
// v4; a binary packet in text form is `b<type><base64>`; over WebSocket a binary packet is a
// binary frame whose first byte is its type. Polling payloads come in two forms:
//   string: `<length>:<packet>` repeated, the length counted in UTF-16 code units (as JS
//           strings are), binary packets as `b4<base64>`;
//   binary: per packet, a 0 (text) or 1 (binary) byte, the decimal digits of its length
//           as bytes 0-9, a 255 byte, then the packet (text as UTF-8, binary as its type
//           byte and data). Used for XHR2 clients when the batch holds a binary packet.
// Pure functions and a reader over a whole payload: no I/O, every length checked against
// the bytes actually there before anything is copied.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/engine/packet.hpp"

namespace sio::engine::v3 {

// Decodes one text packet: `<type digit><data>` or `b<type digit><base64>`.
std::optional<Packet> decodePacket(std::string_view text);

// Decodes a binary WebSocket frame (or a binary element of a binary payload): a type byte
// (0-6) and the data. A message (4) becomes a binary message.
std::optional<Packet> decodeBinaryPacket(std::string_view bytes);

// Appends a packet's text form: `<type><data>`, or `b<type><base64>` when it is binary.
void appendTextPacket(const Packet& packet, std::string& out);

// Encodes a batch as a string payload (binary packets in base64).
std::string encodeStringPayload(const std::vector<Packet>& packets);

// Encodes a batch as a binary payload (for clients that take binary, XHR2).
std::string encodeBinaryPayload(const std::vector<Packet>& packets);

// True when any packet of the batch is binary: a client that takes binary then gets the
// binary payload form, as engine.io does.
bool hasBinary(const std::vector<Packet>& packets);

// The length of UTF-8 text in UTF-16 code units (a 4-byte sequence counts 2). A byte that
// does not start a valid sequence counts 1.
size_t utf16Length(std::string_view utf8);

// Reads the packets of one POSTed payload in order. next() gives the next packet, or
// nullopt at the end or at the first malformed element (then failed() is true): packets
// before a malformed one are delivered, as engine.io's parser does.
class PayloadReader {
 public:
  // `binary`: the binary form (the POST's Content-Type was application/octet-stream).
  PayloadReader(std::string_view payload, bool binary);

  std::optional<Packet> next();
  bool failed() const { return failed_; }

 private:
  std::optional<Packet> nextString();
  std::optional<Packet> nextBinary();
  std::optional<Packet> fail();

  std::string_view rest_;
  bool binary_;
  bool failed_ = false;
};

}  // namespace sio::engine::v3
