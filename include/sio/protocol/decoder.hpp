// The default parser's packet decoder, fed one Engine.IO message at a time: a text frame is a
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

#include "sio/protocol/packet_decoder.hpp"

namespace sio::protocol {

class Decoder : public PacketDecoder {
 public:
  explicit Decoder(DecoderLimits limits = {}) : limits_(limits) {}

  Result addText(std::string_view text) override;
  Result addBinary(Binary bytes) override;
  bool reconstructing() const { return pending_.has_value(); }
  void reset() override;
  bool idle() const override { return !pending_; }

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
