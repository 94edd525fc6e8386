// The Socket.IO packet encoder: `<type>[<attachments>-][<nsp>,][<id>][<JSON>]`, with every
// binary value replaced by a `{"_placeholder":true,"num":N}` object and sent after the
// text as its own frame. EVENT/ACK packets holding binary become BINARY_EVENT/BINARY_ACK.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sio/protocol/packet.hpp"

namespace sio::protocol {

struct EncodedPacket {
  std::shared_ptr<const std::string> text;
  std::vector<Binary> attachments;
};

EncodedPacket encodePacket(const Packet& packet);

// The text form alone (no attachments are produced: binary data must have been replaced).
std::string encodeText(const Packet& packet, size_t attachments = 0);

}  // namespace sio::protocol
