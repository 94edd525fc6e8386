// How the sharded adapter's messages look on Redis (spec cluster-wire.md §4.6): the whole
// cluster message {type, data, uid, nsp} as JSON text, or as notepack msgpack when its type
// may carry binary and it does; on receipt a first byte `{` means JSON. And which channel a
// message goes to, by subscription mode (the 20-UTF-16-unit "looks like a socket id" rule
// of 8.3.0 included).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sio/adapter/cluster_message.hpp"
#include "sio/adapters/redis_sharded.hpp"

namespace sio::adapters::pubsub {

std::string encodeShardedMessage(const ClusterMessage& message);
std::optional<ClusterMessage> decodeShardedMessage(std::string_view payload,
                                                   std::string* problem = nullptr);

// The length of a UTF-8 string as JavaScript counts it (UTF-16 code units).
size_t utf16Length(std::string_view utf8);

// The channels of one namespace: `prefix#nsp#`, `prefix#nsp#uid#`, `prefix#nsp#room#`.
struct ShardedChannels {
  ShardedChannels(const std::string& prefix, const std::string& nsp)
      : main(prefix + "#" + nsp + "#") {}
  std::string main;
  std::string of(const std::string& uidOrRoom) const { return main + uidOrRoom + "#"; }
  // Where `message` is published: a plain broadcast to exactly one room goes to the room's
  // channel in the dynamic modes (in `dynamic`, unless the room looks like a socket id).
  std::string forMessage(const ClusterMessage& message, SubscriptionMode mode) const;
};

}  // namespace sio::adapters::pubsub
