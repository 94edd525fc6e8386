// The sharded Redis pub/sub adapter, wire-compatible with @socket.io/redis-adapter 8.3's
// `createShardedAdapter` (Redis >= 7, spec cluster-wire.md §4.6): the cluster message model
// over SSUBSCRIBE/SPUBLISH on `prefix#nsp#` (everyone), `prefix#nsp#uid#` (responses to
// this node) and, in the dynamic modes, `prefix#nsp#room#` while the room has local
// members; messages are JSON, or notepack msgpack when they carry binary; the server count
// is PUBSUB SHARDNUMSUB summed over the masters.
//
//   options.adapter = sio::adapters::createRedisShardedAdapter(redis, {.subscriptionMode =
//       sio::adapters::SubscriptionMode::DynamicPrivate});
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "sio/adapter/adapter.hpp"
#include "sio/adapters/redis_adapter.hpp"
#include "sio/redis/client.hpp"

namespace sio::adapters {

enum class SubscriptionMode {
  Static,          // only the namespace's two channels
  Dynamic,         // plus one channel per public room (not a socket id) with local members
  DynamicPrivate,  // plus one channel per room with local members, socket ids included
};

struct RedisShardedOptions {
  std::string channelPrefix = "socket.io";
  SubscriptionMode subscriptionMode = SubscriptionMode::Dynamic;
  std::function<void(const SubscriptionGap&)> onSubscriptionGap;
};

// One factory serves every namespace of a server; all share one (cluster-aware) pub/sub
// connection. `client` must be started by the caller.
AdapterFactory createRedisShardedAdapter(std::shared_ptr<redis::Client> client,
                                         RedisShardedOptions options = {});

}  // namespace sio::adapters
