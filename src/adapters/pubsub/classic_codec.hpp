// How the classic Redis adapter's messages look on Redis (spec cluster-wire.md §4.1-4.3),
// translated to and from the cluster message model the ClusterAdapter base works with:
// broadcasts as parser-encoded [uid, packet, opts]; requests as JSON, except BROADCAST
// (type 7) in msgpack; responses as JSON, except BROADCAST_ACK (type 9) in msgpack. A
// payload whose first byte is `{` is JSON, anything else goes to the parser. Decoders
// never trust their input: what does not make sense is nullopt, with the reason.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sio/adapter/cluster_message.hpp"
#include "sio/adapters/redis_adapter.hpp"

namespace sio::adapters::pubsub {

// The classic adapter's own request types (RequestType in redis-adapter).
enum class ClassicType : int {
  Sockets = 0,
  AllRooms = 1,
  RemoteJoin = 2,
  RemoteLeave = 3,
  RemoteDisconnect = 4,
  RemoteFetch = 5,
  ServerSideEmit = 6,
  Broadcast = 7,
  BroadcastClientCount = 8,
  BroadcastAck = 9,
};

// The channels of one namespace: `key#nsp#`, `key#nsp#room#`, `key-request#nsp#`,
// `key-response#nsp#` and `key-response#nsp#uid#`.
struct ClassicChannels {
  ClassicChannels(const std::string& key, const std::string& nsp);
  std::string broadcast;  // also the prefix of every room channel
  std::string request;
  std::string response;
  std::string pattern() const { return broadcast + "*"; }
  std::string room(const Room& room) const { return broadcast + room + "#"; }
  std::string responseFor(const std::string& uid) const { return response + uid + "#"; }
  // The room a broadcast channel names ("" for `key#nsp#`); nullopt when the channel is
  // not a broadcast channel of this namespace.
  std::optional<std::string> roomOf(std::string_view channel) const;
};

// A BROADCAST (type 3, no requestId) of this node as Node's RedisAdapter publishes it.
std::string encodeBroadcast(const ClusterMessage& message, const RedisAdapterParser& parser);
// [uid, packet, opts] → a type-3 cluster message; nsp is packet.nsp ("/" when missing).
std::optional<ClusterMessage> decodeBroadcast(std::string_view payload,
                                              const RedisAdapterParser& parser,
                                              std::string* problem = nullptr);

// A request of this node (types 3 with requestId, 4, 5, 6, 7, 9 of the cluster model).
// nullopt for the types the classic protocol does not carry.
std::optional<std::string> encodeRequest(const ClusterMessage& message,
                                         const RedisAdapterParser& parser);
// A response of this node (types 8, 10, 11, 12 of the cluster model).
std::optional<std::string> encodeResponse(const ClusterMessage& response,
                                          const RedisAdapterParser& parser);

// A request or response payload as an object: JSON when it starts with `{`, else the parser.
std::optional<Value> decodeObject(std::string_view payload, const RedisAdapterParser& parser,
                                  std::string* problem = nullptr);

// A decoded request in the cluster model, for the types that have one there: 2, 3 and 4
// in their `opts` form, 5, 6 and 7. The sender's uid is "" when absent (the emitter).
// nullopt for the legacy forms, SOCKETS, ALL_ROOMS, unknown types and malformed requests.
std::optional<ClusterMessage> requestToMessage(const Value& request, const std::string& nsp);
// A decoded response in the cluster model, told apart by its shape: `type` 6, 8 or 9, or a
// `sockets` array of objects (REMOTE_FETCH). nullopt for anything else.
std::optional<ClusterMessage> responseToMessage(const Value& response, const std::string& nsp);

// Encoded options {rooms, except[, flags]} with numeric rooms turned into their JS text
// (to(123) from Node arrives as the number 123) and anything else that is not a room dropped.
Value normalizeOptions(const Value* opts, bool keepFlags);

}  // namespace sio::adapters::pubsub
