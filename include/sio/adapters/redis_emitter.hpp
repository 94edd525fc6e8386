// Emitting to a Socket.IO cluster that uses the classic Redis adapter, from a process that
// is not a Socket.IO server (like @socket.io/redis-emitter 5.1, spec cluster-wire.md §5.1):
// broadcasts are PUBLISHed as notepack ["emitter", packet, opts] to `key#nsp#[room#]`;
// join/leave/disconnect and serverSideEmit are JSON requests on `key-request#nsp#`.
//
//   sio::adapters::RedisEmitter emitter(redis);
//   emitter.of("/chat").to("room1").emit("news", {"hello"});
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "sio/adapter/broadcast_options.hpp"
#include "sio/adapters/redis_adapter.hpp"
#include "sio/redis/client.hpp"

namespace sio::adapters {

struct RedisEmitterOptions {
  std::string key = "socket.io";
  std::optional<RedisAdapterParser> parser;  // notepack when unset
};

class RedisEmitter {
 public:
  using Done = std::function<void(std::error_code)>;

  // `nsp` gets a leading "/" when it has none.
  explicit RedisEmitter(std::shared_ptr<redis::Client> client, RedisEmitterOptions options = {},
                        std::string nsp = "/");

  RedisEmitter of(std::string nsp) const;
  RedisEmitter to(const Room& room) const;
  RedisEmitter in(const Room& room) const { return to(room); }
  RedisEmitter except(const Room& room) const;
  RedisEmitter volatile_() const;
  RedisEmitter compress(bool compress) const;

  // Throws std::invalid_argument for a reserved event name. `done` runs when Redis took it.
  void emit(const std::string& event, Args args = {}, Done done = {}) const;
  void socketsJoin(const std::vector<Room>& rooms, Done done = {}) const;
  void socketsLeave(const std::vector<Room>& rooms, Done done = {}) const;
  void disconnectSockets(bool close = false, Done done = {}) const;
  // No acknowledgement: the emitter is not a node and cannot receive responses.
  void serverSideEmit(const std::string& event, Args args = {}, Done done = {}) const;

  const std::string& nsp() const { return nsp_; }

 private:
  void publish(const std::string& channel, std::string payload, Done done) const;
  Value roomsAndExcept() const;

  std::shared_ptr<redis::Client> client_;
  RedisEmitterOptions options_;
  std::string nsp_;
  RoomSet rooms_, except_;
  Value flags_ = Value::object();  // in the order the modifiers were called, as Node
};

}  // namespace sio::adapters
