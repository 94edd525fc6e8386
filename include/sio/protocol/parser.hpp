// The packet codec a server and its clients share (socket.io's `parser` option): how a
// packet becomes the Engine.IO messages of every recipient (encoded once per broadcast),
// and a fresh decoder per connection. Two exist: the default parser (socket.io-parser: a
// text message plus binary attachments) and the msgpack parser (socket.io-msgpack-parser
// 3.x: one binary message per packet). A client must use the server's parser.
#pragma once

#include <memory>
#include <string_view>

#include "sio/protocol/encoder.hpp"
#include "sio/protocol/packet_decoder.hpp"

namespace sio::protocol {

class Parser {
 public:
  virtual ~Parser() = default;
  virtual std::string_view name() const = 0;  // "default" or "msgpack"
  virtual EncodedPacket encode(const Packet& packet) const = 0;
  virtual std::unique_ptr<PacketDecoder> decoder(const DecoderLimits& limits) const = 0;
};

// socket.io-parser 4.2 (encodePacket and Decoder): what a server uses unless told otherwise.
const std::shared_ptr<const Parser>& defaultParser();
// socket.io-msgpack-parser 3.x (encodeMsgpackPacket and MsgpackDecoder).
const std::shared_ptr<const Parser>& msgpackParser();

}  // namespace sio::protocol
