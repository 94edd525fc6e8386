// The two parsers a server can be given (sio/protocol/parser.hpp): each one a stateless,
// shared instance that pairs an encoder with a decoder factory.
#include "sio/protocol/parser.hpp"

#include "sio/protocol/decoder.hpp"
#include "sio/protocol/msgpack_packet.hpp"

namespace sio::protocol {
namespace {

class DefaultParser final : public Parser {
 public:
  std::string_view name() const override { return "default"; }
  EncodedPacket encode(const Packet& packet) const override { return encodePacket(packet); }
  std::unique_ptr<PacketDecoder> decoder(const DecoderLimits& limits) const override {
    return std::make_unique<Decoder>(limits);
  }
};

class MsgpackParser final : public Parser {
 public:
  std::string_view name() const override { return "msgpack"; }
  EncodedPacket encode(const Packet& packet) const override {
    return EncodedPacket{nullptr, {Binary(encodeMsgpackPacket(packet))}};
  }
  std::unique_ptr<PacketDecoder> decoder(const DecoderLimits& limits) const override {
    return std::make_unique<MsgpackDecoder>(limits);
  }
};

}  // namespace

const std::shared_ptr<const Parser>& defaultParser() {
  static const std::shared_ptr<const Parser> parser = std::make_shared<DefaultParser>();
  return parser;
}

const std::shared_ptr<const Parser>& msgpackParser() {
  static const std::shared_ptr<const Parser> parser = std::make_shared<MsgpackParser>();
  return parser;
}

}  // namespace sio::protocol
