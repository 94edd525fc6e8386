// The message model every cluster adapter speaks (socket.io-adapter 2.5's ClusterAdapter,
// spec cluster-wire.md §2): an envelope {uid, nsp, type, data}, the message types, and
// the encodings of broadcast options and of packets inside messages. Transport encodings
// (stream fields, pub/sub msgpack) are the adapters' business.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sio/adapter/adapter_host.hpp"
#include "sio/protocol/packet.hpp"

namespace sio {

enum class MessageType : int {
  InitialHeartbeat = 1,
  Heartbeat = 2,
  Broadcast = 3,
  SocketsJoin = 4,
  SocketsLeave = 5,
  DisconnectSockets = 6,
  FetchSockets = 7,
  FetchSocketsResponse = 8,
  ServerSideEmit = 9,
  ServerSideEmitResponse = 10,
  BroadcastClientCount = 11,
  BroadcastAck = 12,
  AdapterClose = 13,
};

bool isResponse(MessageType type);

struct ClusterMessage {
  std::string uid;  // the sending adapter (or "emitter")
  std::string nsp;
  int type = 0;  // a MessageType; unknown values are kept (and ignored by receivers)
  std::optional<Value> data;

  MessageType kind() const { return static_cast<MessageType>(type); }
};

// 8 random bytes as 16 lower-case hex characters: adapter uids and request ids.
std::string randomHexId();

// {rooms:[…], except:[…], flags:{…}} with only the flags that are set (local never travels).
Value encodeOptions(const BroadcastOptions& opts);
// Reads encoded options leniently: missing or malformed parts mean "none".
BroadcastOptions decodeOptions(const Value* encoded);

// A packet as it travels inside BROADCAST: {type, data, [id]} — no nsp, as Node sends it.
Value encodeClusterPacket(const protocol::Packet& packet);
// The packet of a received BROADCAST for local delivery in `nsp`; nullopt when malformed.
// Its data is moved out of `encoded` (pass the received value with std::move: no copy).
std::optional<protocol::Packet> decodeClusterPacket(Value encoded, const std::string& nsp);

// A socket of a FETCH_SOCKETS_RESPONSE: {id, handshake, rooms, data}.
Value encodeSocketDetails(const SocketDetails& socket);
std::optional<SocketDetails> decodeSocketDetails(const Value& encoded);

}  // namespace sio
