// The classic Redis pub/sub adapter, wire-compatible with @socket.io/redis-adapter 8.3
// (`createAdapter`, spec cluster-wire.md §4): broadcasts are PUBLISHed as msgpack
// [uid, packet, opts] to `key#nsp#` (or `key#nsp#room#` for one room) and received through
// `PSUBSCRIBE key#nsp#*`; requests and responses travel on `key-request#nsp#` and
// `key-response#nsp#[uid#]`; the server count is PUBSUB NUMSUB of the request channel.
// Pub/sub keeps nothing for a disconnected subscriber: every resubscription gap is counted
// and reported to the application (onSubscriptionGap).
//
//   auto redis = sio::redis::Client::create(io.get_executor(), {.urls =
//   {"redis://127.0.0.1:6379"}}); redis->start(); sio::ServerOptions options; options.adapter =
//   sio::adapters::createRedisAdapter(redis, {.requestsTimeout = 3s});
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "sio/adapter/adapter.hpp"
#include "sio/redis/client.hpp"

namespace sio::adapters {

// How broadcasts (and the msgpack requests/responses) are encoded: notepack.io by default,
// or any {encode, decode} pair as Node's `parser` option (decode returns nullopt on bad
// input; it must never throw).
struct RedisAdapterParser {
  std::function<std::string(const Value&)> encode;
  std::function<std::optional<Value>(std::string_view)> decode;
};
RedisAdapterParser notepackParser();

// What the application hears when the subscriber came back after losing its link: the
// messages published meanwhile are lost (pub/sub keeps nothing).
struct SubscriptionGap {
  uint64_t count = 0;  // gaps since the adapter started, this one included
};

struct RedisAdapterOptions {
  std::string key = "socket.io";
  std::chrono::milliseconds requestsTimeout{5000};
  bool publishOnSpecificResponseChannel = false;
  std::optional<RedisAdapterParser> parser;  // notepack when unset
  // Better than the reference (opt-in): subscribe to `key#nsp#` and to the channel of each
  // room that has local members instead of PSUBSCRIBE `key#nsp#*`, so that Redis sends
  // this node only what concerns it. Publishing is unchanged: Node peers keep working. A
  // connecting socket gets its CONNECT once its own room's channel is subscribed (at most
  // requestsTimeout later, at once when the link to Redis is down). Rooms joined later are
  // subscribed as they are joined, without a wait.
  bool subscribeToLocalRoomsOnly = false;
  // Better than the reference: while a namespace has no local socket, this node does not
  // listen to its broadcasts (requests still reach it); the first socket to connect again
  // gets its CONNECT once the subscription is back (at most requestsTimeout later; at
  // once when the link to Redis is down, a gap the application hears of anyway).
  bool unsubscribeWhenEmpty = true;
  std::function<void(const SubscriptionGap&)> onSubscriptionGap;
};

// What the classic adapter offers beyond the Adapter interface (Node's RedisAdapter
// methods and properties), with callbacks. Its requests (allRooms, sockets, remoteJoin,
// remoteLeave, remoteDisconnect) are also on every Adapter with completion tokens, no cast
// needed (`co_await nsp->adapter().allRooms(asio::use_awaitable)`); the properties are
// reached with dynamic_cast from a namespace's adapter().
class RedisAdapterApi {
 public:
  using RoomsCallback = std::function<void(std::set<Room>, std::optional<Error>)>;
  using SocketIdsCallback = std::function<void(std::set<SocketId>, std::optional<Error>)>;
  using DoneCallback = std::function<void(std::optional<Error>)>;
  virtual ~RedisAdapterApi() = default;
  // Every room of every node of this namespace (ALL_ROOMS request).
  virtual void allRooms(RoomsCallback done) = 0;
  // The legacy requests of socket.io-redis 6, still answered by @socket.io/redis-adapter
  // 8.3. The ids of the sockets in any of `rooms` (all sockets when empty) on every node,
  // this one included (SOCKETS request; fails after requestsTimeout unless every node
  // counted by NUMSUB answered).
  virtual void sockets(std::set<Room> rooms, SocketIdsCallback done) = 0;
  // Makes the socket `id`, of whichever node, join / leave `room`, or disconnects it: at
  // once when it is local, otherwise when the node that has it answers the legacy
  // REMOTE_JOIN / REMOTE_LEAVE / REMOTE_DISCONNECT request, or with "timeout reached while
  // waiting for remoteJoin response" (remoteLeave, remoteDisconnect) after requestsTimeout.
  virtual void remoteJoin(SocketId id, Room room, DoneCallback done) = 0;
  virtual void remoteLeave(SocketId id, Room room, DoneCallback done) = 0;
  virtual void remoteDisconnect(SocketId id, bool close, DoneCallback done) = 0;
  virtual const std::string& adapterUid() const = 0;
  virtual const std::string& prefix() const = 0;  // the `key` option
  virtual std::chrono::milliseconds requestsTimeout() const = 0;
  virtual uint64_t subscriptionGaps() const = 0;
  virtual uint64_t malformedMessages() const = 0;
};

// One factory serves every namespace of a server; all share one pub/sub connection.
// `client` must be started by the caller.
AdapterFactory createRedisAdapter(std::shared_ptr<redis::Client> client,
                                  RedisAdapterOptions options = {});

}  // namespace sio::adapters
