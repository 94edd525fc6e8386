// The Redis Streams adapter, wire-compatible with @socket.io/redis-streams-adapter 0.3.x
// (spec cluster-wire.md §1-3): durable operations (broadcasts, join/leave/disconnect) go
// through a Redis stream read by every node; requests and responses go over pub/sub; the
// server count is the subscriber count of each namespace's public channel; connection
// state recovery keeps sessions in Redis so a client can resume on any node.
//
//   auto redis = sio::redis::Client::create(io.get_executor(), {.urls =
//   {"redis://127.0.0.1:6379"}}); redis->start(); sio::ServerOptions options; options.adapter =
//   sio::adapters::createRedisStreamsAdapter(redis); sio::Server server(io, options);
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "sio/adapter/adapter.hpp"
#include "sio/redis/client.hpp"

namespace sio::adapters {

// The wire protocol of @socket.io/redis-streams-adapter: 0.3 (requests and responses over
// pub/sub, stream entries for broadcasts) or 0.2 (everything in the stream, with heartbeats).
enum class RedisStreamsProtocol { v0_2, v0_3 };

struct RedisStreamsOptions {
  std::string streamName = "socket.io";
  int streamCount = 1;
  std::string channelPrefix = "socket.io";
  bool useShardedPubSub = false;
  int64_t maxLen = 10000;                     // XADD MAXLEN ~ N
  int readCount = 100;                        // XREAD COUNT
  std::chrono::milliseconds blockTime{5000};  // XREAD BLOCK
  std::string sessionKeyPrefix = "sio:session:";
  bool onlyPlaintext = false;  // never msgpack in the stream (binary becomes Buffer JSON)
  std::chrono::milliseconds heartbeatInterval{5000};  // protocol 0.2 only
  std::chrono::milliseconds heartbeatTimeout{10000};  // protocol 0.2 only
  RedisStreamsProtocol protocol = RedisStreamsProtocol::v0_3;
  // Better than the reference: restores read the stream in pages of this many entries.
  size_t restorePageSize = 1000;
  size_t restoreMaxPages = 100;
};

// One factory serves every namespace of a server: one reader per stream and one pub/sub
// connection are shared, as in Node. `client` must be started by the caller.
AdapterFactory createRedisStreamsAdapter(std::shared_ptr<redis::Client> client,
                                         RedisStreamsOptions options = {});

}  // namespace sio::adapters
