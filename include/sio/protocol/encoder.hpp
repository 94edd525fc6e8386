// The default parser's packet encoder: `<type>[<attachments>-][<nsp>,][<id>][<JSON>]`, with
// every binary value replaced by a `{"_placeholder":true,"num":N}` object and sent after the
// text as its own frame. EVENT/ACK packets holding binary become BINARY_EVENT/BINARY_ACK.
// EncodedPacket, the frames of one packet, is what every parser produces (parser.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sio/protocol/packet.hpp"

namespace sio::protocol {

// The Engine.IO messages of one packet, in order: a text message, then binary ones. The
// default parser writes the text and one binary message per attachment; the msgpack parser
// writes no text (null) and the whole packet as one binary message.
struct EncodedPacket {
  std::shared_ptr<const std::string> text;  // null: no text message
  std::vector<Binary> attachments;          // the binary messages that follow
};

EncodedPacket encodePacket(const Packet& packet);

// The text form alone (no attachments are produced: binary data must have been replaced).
std::string encodeText(const Packet& packet, size_t attachments = 0);

}  // namespace sio::protocol
