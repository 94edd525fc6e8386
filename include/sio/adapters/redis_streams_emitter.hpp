// Emitting to a Socket.IO cluster that uses the Redis Streams adapter, from a process that
// is not a Socket.IO server (like @socket.io/redis-streams-emitter): every operation is an
// XADD with uid "emitter", read and carried out by every node. Unlike the reference, it
// honours streamCount (it writes to the stream the namespace's nodes actually read).
//
//   sio::adapters::RedisStreamsEmitter emitter(redis);
//   emitter.of("/chat").to("room1").emit("news", {"hello"});
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "sio/adapter/broadcast_options.hpp"
#include "sio/redis/client.hpp"

namespace sio::adapters {

struct RedisStreamsEmitterOptions {
  std::string streamName = "socket.io";
  int streamCount = 1;
  int64_t maxLen = 10000;
  bool onlyPlaintext = false;
};

class RedisStreamsEmitter {
 public:
  using Done = std::function<void(std::error_code)>;

  explicit RedisStreamsEmitter(std::shared_ptr<redis::Client> client,
                               RedisStreamsEmitterOptions options = {}, std::string nsp = "/");

  RedisStreamsEmitter of(std::string nsp) const;
  RedisStreamsEmitter to(const Room& room) const;
  RedisStreamsEmitter in(const Room& room) const { return to(room); }
  RedisStreamsEmitter except(const Room& room) const;
  RedisStreamsEmitter volatile_() const;
  RedisStreamsEmitter compress(bool compress) const;

  // Throws std::invalid_argument for a reserved event name. `done` runs when Redis took it.
  void emit(const std::string& event, Args args = {}, Done done = {}) const;
  void socketsJoin(const std::vector<Room>& rooms, Done done = {}) const;
  void socketsLeave(const std::vector<Room>& rooms, Done done = {}) const;
  void disconnectSockets(bool close = false, Done done = {}) const;
  // No acknowledgement: the emitter is not a node and cannot receive responses.
  void serverSideEmit(const std::string& event, Args args = {}, Done done = {}) const;

  const std::string& nsp() const { return nsp_; }

 private:
  void publish(int type, Value data, Done done) const;

  std::shared_ptr<redis::Client> client_;
  RedisStreamsEmitterOptions options_;
  std::string nsp_;
  BroadcastOptions opts_;
};

}  // namespace sio::adapters
