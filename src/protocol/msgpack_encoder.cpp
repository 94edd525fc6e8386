// The msgpack parser's encoder: a packet becomes one msgpack map, written field by field in
// the order socket.io 4.8 gives the keys of the packet objects it builds, with each value in
// notepack.io's form. Binary stays in place (msgpack bin), so a packet is one message.
#include <cstdint>
#include <limits>

#include "sio/codec/msgpack.hpp"
#include "sio/protocol/msgpack_packet.hpp"

namespace sio::protocol {
namespace {

// The type number socket.io-msgpack-parser knows: it has no binary variants.
int64_t wireType(PacketType type) {
  switch (type) {
    case PacketType::BinaryEvent:
      return int64_t(PacketType::Event);
    case PacketType::BinaryAck:
      return int64_t(PacketType::Ack);
    default:
      return int64_t(type);
  }
}

// A fixstr key (every key here is shorter than 32 bytes).
void appendKey(std::string_view key, std::string& out) {
  out.push_back(char(0xa0 | key.size()));
  out.append(key);
}

void appendId(uint64_t id, std::string& out) {
  // An ack id is a JS Number: beyond int64 it can only be the double it rounds to.
  Value number =
      id <= uint64_t(std::numeric_limits<int64_t>::max()) ? Value(int64_t(id)) : Value(double(id));
  appendKey("id", out);
  codec::appendMsgpack(number, out, codec::MsgpackFlavor::Notepack);
}

}  // namespace

std::string encodeMsgpackPacket(const Packet& packet) {
  const int64_t type = wireType(packet.type);
  const bool idFirst = type == int64_t(PacketType::Ack);  // { id, type, data } in Socket#ack
  std::string out;
  out.push_back(char(0x80 | (2 + (packet.data ? 1 : 0) + (packet.id ? 1 : 0))));  // fixmap
  if (idFirst && packet.id) appendId(*packet.id, out);
  appendKey("type", out);
  out.push_back(char(type));  // positive fixint
  if (packet.data) {
    appendKey("data", out);
    codec::appendMsgpack(*packet.data, out, codec::MsgpackFlavor::Notepack);
  }
  if (!idFirst && packet.id) appendId(*packet.id, out);
  appendKey("nsp", out);
  codec::appendMsgpack(Value(packet.nsp), out, codec::MsgpackFlavor::Notepack);
  return out;
}

}  // namespace sio::protocol
