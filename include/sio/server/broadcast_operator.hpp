// The broadcast operator (Node's BroadcastOperator): an immutable selection of sockets
// (rooms, rooms excluded) with flags, built by chaining and ended by an operation. Made
// by the server, it carries the server's handler guard, through which the user's ack and
// fetchSockets callbacks run (an exception from them is contained, no socket disconnected).
//
//   io.to("room1").except("room2").timeout(5s).emit("hello", {1}, [](auto& err, sio::Args
//   responses) {}); io.in("room1").fetchSockets([](std::vector<sio::RemoteSocket> sockets, auto&
//   err) {});
#pragma once

#include <chrono>
#include <memory>

#include "sio/adapter/adapter.hpp"

namespace sio {

class RemoteSocket;
class HandlerGuard;

class BroadcastOperator {
 public:
  using FetchCallback = std::function<void(std::vector<RemoteSocket>, const std::optional<Error>&)>;

  explicit BroadcastOperator(std::shared_ptr<Adapter> adapter, RoomSet rooms = {},
                             RoomSet except = {}, BroadcastFlags flags = {},
                             std::shared_ptr<HandlerGuard> guard = nullptr);

  BroadcastOperator to(const Room& room) const;
  BroadcastOperator to(const std::vector<Room>& rooms) const;
  BroadcastOperator in(const Room& room) const { return to(room); }
  BroadcastOperator in(const std::vector<Room>& rooms) const { return to(rooms); }
  BroadcastOperator except(const Room& room) const;
  BroadcastOperator except(const std::vector<Room>& rooms) const;
  BroadcastOperator compress(bool compress) const;
  BroadcastOperator volatile_() const;
  BroadcastOperator local() const;
  BroadcastOperator timeout(std::chrono::milliseconds timeout) const;

  // Throws std::invalid_argument for a reserved event name.
  bool emit(const std::string& event, Args args = {}) const;
  // With acknowledgements: `ack(error, responses)` once every selected client answered
  // (responses holds each client's first ack argument) or the timeout passed ("operation
  // has timed out", with the responses so far). Without .timeout() the timeout is 0.
  bool emit(const std::string& event, Args args, AckCallback ack) const;
  void emitWithAck(const std::string& event, Args args, AckCallback ack) const {
    emit(event, std::move(args), std::move(ack));
  }

  void fetchSockets(FetchCallback done) const;
  void socketsJoin(const std::vector<Room>& rooms) const;
  void socketsLeave(const std::vector<Room>& rooms) const;
  void disconnectSockets(bool close = false) const;

  const BroadcastOptions& options() const { return opts_; }

 private:
  std::shared_ptr<Adapter> adapter_;
  BroadcastOptions opts_;
  std::shared_ptr<HandlerGuard> guard_;  // none: callbacks are called directly
};

// A socket as fetchSockets returns it: maybe on another node, reached through the adapter.
class RemoteSocket {
 public:
  RemoteSocket(std::shared_ptr<Adapter> adapter, SocketDetails details,
               std::shared_ptr<HandlerGuard> guard = nullptr);

  const SocketId& id() const { return details_.id; }
  const Value& handshake() const { return details_.handshake; }
  const std::vector<Room>& rooms() const { return details_.rooms; }
  const Value& data() const { return details_.data; }

  bool emit(const std::string& event, Args args = {}) const {
    return operator_.emit(event, std::move(args));
  }
  // The ack gets the client's response as its only argument.
  bool emit(const std::string& event, Args args, AckCallback ack) const {
    return operator_.emit(event, std::move(args), std::move(ack));
  }
  BroadcastOperator timeout(std::chrono::milliseconds timeout) const {
    return operator_.timeout(timeout);
  }
  void join(const std::vector<Room>& rooms) const { operator_.socketsJoin(rooms); }
  void leave(const std::vector<Room>& rooms) const { operator_.socketsLeave(rooms); }
  void disconnect(bool close = false) const { operator_.disconnectSockets(close); }

 private:
  SocketDetails details_;
  BroadcastOperator operator_;
};

}  // namespace sio
