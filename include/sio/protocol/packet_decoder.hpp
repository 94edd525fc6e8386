// What every Socket.IO packet decoder is: one per connection, fed that connection's
// Engine.IO messages in order (text or binary), yielding nothing yet, a packet, or an
// error. After an error the caller closes the connection ("parse error"); the decoder then
// holds nothing. The default parser's Decoder and the msgpack parser's MsgpackDecoder are
// the two kinds (see parser.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "sio/protocol/packet.hpp"

namespace sio::protocol {

struct DecodeError {
  std::string message;
};

// What one connection's decoder may hold. Past a limit the packet is an error, its
// attachments are freed and the caller closes the connection ("parse error").
struct DecoderLimits {
  // Attachments one BINARY_EVENT / BINARY_ACK may announce (socket.io-parser's
  // maxAttachments, same default). The msgpack parser has no attachments.
  size_t maxAttachments = 10;
  // Bytes of attachments held for one packet still being reassembled. 0: no bound beyond
  // maxAttachments (each binary frame is already bounded by the transport).
  size_t maxAttachmentBytes = 0;
  size_t maxDepth = 64;  // nesting of arrays and objects in a payload (JSON or msgpack)
};

class PacketDecoder {
 public:
  // Nothing yet (waiting for attachments), a complete packet, or an error.
  using Result = std::variant<std::monostate, Packet, DecodeError>;

  virtual ~PacketDecoder() = default;
  virtual Result addText(std::string_view text) = 0;
  virtual Result addBinary(Binary bytes) = 0;
  // Drops a packet still being put together (the connection closed).
  virtual void reset() = 0;
  // True when it holds nothing between packets: its owner may then let it go and ask the
  // parser for a fresh one at the next message (an idle connection keeps no decoder). A
  // decoder that keeps state across packets leaves this false.
  virtual bool idle() const { return false; }
};

}  // namespace sio::protocol
