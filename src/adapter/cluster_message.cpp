// Encodings of the cluster message model: broadcast options, packets, socket details.
// Decoding is lenient in what it ignores and strict in what it needs, because anything
// read from Redis may have been written by someone else.
#include "sio/adapter/cluster_message.hpp"

#include <sys/random.h>

#include <cstdio>

namespace sio {
namespace {

Value roomList(const RoomSet& rooms) {
  Value::Array items;
  items.reserve(rooms.size());
  for (const auto& room : rooms) items.emplace_back(room);
  return Value(std::move(items));
}

RoomSet roomsFrom(const Value* value) {
  RoomSet rooms;
  if (!value || !value->isArray()) return rooms;
  for (const auto& item : value->asArray()) {
    if (item.isString())
      rooms.insert(item.asString());
    else if (item.isInt())
      rooms.insert(std::to_string(item.asInt()));  // numeric rooms (JS)
  }
  return rooms;
}

bool truthy(const Value* value) {
  return value && value->isBool() && value->asBool();
}

}  // namespace

bool isResponse(MessageType type) {
  return type == MessageType::FetchSocketsResponse || type == MessageType::ServerSideEmitResponse ||
         type == MessageType::BroadcastClientCount || type == MessageType::BroadcastAck;
}

std::string randomHexId() {
  unsigned char bytes[8];
  size_t filled = 0;
  while (filled < sizeof(bytes)) {
    ssize_t n = getrandom(bytes + filled, sizeof(bytes) - filled, 0);
    if (n > 0) filled += size_t(n);
  }
  char text[17];
  for (int i = 0; i < 8; ++i) std::snprintf(text + 2 * i, 3, "%02x", bytes[i]);
  return std::string(text, 16);
}

Value encodeOptions(const BroadcastOptions& opts) {
  Value flags = Value::object();
  if (opts.flags.isVolatile) flags.set("volatile", true);
  if (opts.flags.compress) flags.set("compress", *opts.flags.compress);
  if (opts.flags.timeout) flags.set("timeout", static_cast<int64_t>(opts.flags.timeout->count()));
  if (opts.flags.expectSingleResponse) flags.set("expectSingleResponse", true);
  Value::Object members;  // moved in: an initializer list would copy every member
  members.reserve(3);
  members.emplace_back("rooms", roomList(opts.rooms));
  members.emplace_back("except", roomList(opts.except));
  members.emplace_back("flags", std::move(flags));
  return Value(std::move(members));
}

BroadcastOptions decodeOptions(const Value* encoded) {
  BroadcastOptions opts;
  if (!encoded || !encoded->isObject()) return opts;
  opts.rooms = roomsFrom(encoded->find("rooms"));
  opts.except = roomsFrom(encoded->find("except"));
  const Value* flags = encoded->find("flags");
  if (flags && flags->isObject()) {
    opts.flags.isVolatile = truthy(flags->find("volatile"));
    if (const Value* compress = flags->find("compress"); compress && compress->isBool())
      opts.flags.compress = compress->asBool();
    if (const Value* timeout = flags->find("timeout"); timeout && timeout->isNumber())
      opts.flags.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout->asDouble()));
    opts.flags.expectSingleResponse = truthy(flags->find("expectSingleResponse"));
  }
  return opts;
}

Value encodeClusterPacket(const protocol::Packet& packet) {
  Value::Object members;  // built in place: an initializer list would copy the data twice
  members.reserve(packet.id ? 3 : 2);
  members.emplace_back("type", static_cast<int64_t>(packet.type));
  members.emplace_back("data", packet.data ? *packet.data : Value());
  if (packet.id) members.emplace_back("id", static_cast<int64_t>(*packet.id));
  return Value(std::move(members));
}

std::optional<protocol::Packet> decodeClusterPacket(Value encoded, const std::string& nsp) {
  if (!encoded.isObject()) return std::nullopt;
  const Value* type = encoded.find("type");
  Value* data = encoded.find("data");
  if (!type || !type->isInt() || !data || !data->isArray() || data->size() == 0 ||
      !data->asArray()[0].isString())
    return std::nullopt;
  int64_t kind = type->asInt();
  // Binary travels inline (msgpack), so a BINARY_EVENT is an EVENT at this level.
  if (kind != int64_t(protocol::PacketType::Event) &&
      kind != int64_t(protocol::PacketType::BinaryEvent))
    return std::nullopt;
  protocol::Packet packet{protocol::PacketType::Event, nsp, std::nullopt, std::move(*data)};
  if (const Value* id = encoded.find("id"); id && id->isInt() && id->asInt() >= 0)
    packet.id = uint64_t(id->asInt());
  return packet;
}

Value encodeSocketDetails(const SocketDetails& socket) {
  Value::Array rooms(socket.rooms.begin(), socket.rooms.end());
  return Value::object({{"id", socket.id},
                        {"handshake", socket.handshake},
                        {"rooms", Value(std::move(rooms))},
                        {"data", socket.data}});
}

std::optional<SocketDetails> decodeSocketDetails(const Value& encoded) {
  if (!encoded.isObject()) return std::nullopt;
  const Value* id = encoded.find("id");
  if (!id || !id->isString()) return std::nullopt;
  SocketDetails socket;
  socket.id = id->asString();
  if (const Value* handshake = encoded.find("handshake")) socket.handshake = *handshake;
  socket.rooms = roomsFrom(encoded.find("rooms")).items();
  if (const Value* data = encoded.find("data")) socket.data = *data;
  return socket;
}

}  // namespace sio
