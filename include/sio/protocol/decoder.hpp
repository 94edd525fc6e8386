// The Socket.IO packet decoder, fed one Engine.IO message at a time: a text frame is a
// packet, unless it announces binary attachments, which are then collected from the next
// binary frames and put back in place of their placeholders. Validation is strict, as in
// socket.io-parser 4.2: anything malformed is an error and the caller closes the
// connection ("parse error").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sio/protocol/packet.hpp"

namespace sio::protocol {

struct DecodeError {
  std::string message;
};

// What one connection's decoder may hold. Past a limit the packet is an error, its
// attachments are freed and the caller closes the connection ("parse error").
struct DecoderLimits {
  // Attachments one BINARY_EVENT / BINARY_ACK may announce (socket.io-parser's
  // maxAttachments, same default).
  size_t maxAttachments = 10;
  // Bytes of attachments held for one packet still being reassembled. 0: no bound beyond
  // maxAttachments (each binary frame is already bounded by the transport).
  size_t maxAttachmentBytes = 0;
  size_t maxDepth = 64;  // JSON nesting of a payload
};

class Decoder {
 public:
  // Nothing yet (waiting for attachments), a complete packet, or an error.
  using Result = std::variant<std::monostate, Packet, DecodeError>;

  explicit Decoder(DecoderLimits limits = {}) : limits_(limits) {}

  Result addText(std::string_view text);
  Result addBinary(Binary bytes);
  bool reconstructing() const { return pending_.has_value(); }
  void reset();

 private:
  Result finish();

  DecoderLimits limits_;
  std::optional<Packet> pending_;  // a binary packet waiting for its attachments
  size_t expected_ = 0;
  size_t heldBytes_ = 0;  // attachment bytes held for pending_
  std::vector<Binary> attachments_;
};

// Decodes one text packet that has no attachments (for tests and simple tools).
std::variant<Packet, DecodeError> decodeText(std::string_view text, DecoderLimits limits = {});

}  // namespace sio::protocol
