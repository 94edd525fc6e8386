// The broadcast operator (Node's BroadcastOperator): an immutable selection of sockets
// (rooms, rooms excluded) with flags, built by chaining and ended by an operation. Made
// by the server, it carries the server's handler guard, through which the user's ack and
// fetchSockets callbacks run (an exception from them is contained, no socket disconnected).
// The asynchronous operations also take Asio completion tokens (use_awaitable, use_future,
// a callback `(boost::system::error_code, result)`): see emitWithAck, fetchSockets,
// allSockets.
//
//   io.to("room1").except("room2").timeout(5s).emit("hello", {1}, [](auto& err, sio::Args
//   responses) {}); io.in("room1").fetchSockets([](std::vector<sio::RemoteSocket> sockets, auto&
//   err) {});
//   auto responses = co_await io.timeout(5s).emitWithAck("hello", {1}, asio::use_awaitable);
#pragma once

#include <chrono>
#include <memory>
#include <set>

#include "sio/adapter/adapter.hpp"
#include "sio/adapter/completion.hpp"

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
  // The same with a completion token, as Node's promise: void(error_code, Args responses).
  // At the timeout the code is Errc::AckTimeout ("operation has timed out") and the
  // responses are those that came (Node's err.responses): use_awaitable and use_future
  // throw boost::system::system_error and drop them; asio::as_tuple(asio::use_awaitable)
  // or asio::redirect_error keep them.
  //   auto [ec, responses] = co_await io.timeout(2s).emitWithAck("survey", {},
  //                                                 asio::as_tuple(asio::use_awaitable));
  template <class Token,
            std::enable_if_t<kAsioToken<Token, const std::optional<Error>&, Args>, int> = 0>
  auto emitWithAck(const std::string& event, Args args, Token&& token) const {
    checkEvent(event);
    return startAsync<Args>(
        executor(), std::forward<Token>(token),
        [op = *this, event, args = std::move(args)](Completion<Args> done) mutable {
          op.startEmitWithAck(event, std::move(args), std::move(done));
        });
  }

  void fetchSockets(FetchCallback done) const;
  // The same with a completion token: void(error_code, std::vector<RemoteSocket>). A node
  // that does not answer in time fails it with Errc::RequestTimeout, without sockets (as
  // Node's promise rejects).
  template <class Token,
            std::enable_if_t<
                kAsioToken<Token, std::vector<RemoteSocket>, const std::optional<Error>&>, int> = 0>
  auto fetchSockets(Token&& token) const {
    return startAsync<std::vector<RemoteSocket>>(
        executor(), std::forward<Token>(token),
        [op = *this](Completion<std::vector<RemoteSocket>> done) {
          op.startFetchSockets(std::move(done));
        });
  }
  // The ids of the selected rooms' sockets (Node's deprecated allSockets(); `except` is not
  // applied, as in Node): void(error_code, std::set<SocketId>). Cluster-wide with every
  // cluster adapter (the classic one asks with a SOCKETS request, the others with
  // FETCH_SOCKETS; Node's adapters 8.3 and 0.3 answer with their own node's sockets only);
  // with local() this node's only.
  template <class Token>
  auto allSockets(Token&& token) const {
    return startAsync<std::set<SocketId>>(
        executor(), std::forward<Token>(token),
        [op = *this](Completion<std::set<SocketId>> done) { op.startAllSockets(std::move(done)); });
  }
  void socketsJoin(const std::vector<Room>& rooms) const;
  void socketsLeave(const std::vector<Room>& rooms) const;
  void disconnectSockets(bool close = false) const;

  const BroadcastOptions& options() const { return opts_; }

 private:
  static void checkEvent(const std::string& event);  // throws for a reserved name
  boost::asio::any_io_executor executor() const;
  // The cores of the token forms.
  void startEmitWithAck(const std::string& event, Args args, Completion<Args> done) const;
  void startFetchSockets(Completion<std::vector<RemoteSocket>> done) const;
  void startAllSockets(Completion<std::set<SocketId>> done) const;

  // The namespace is gone: emits do nothing, requests fail with "the adapter was closed".
  bool namespaceGone() const { return adapter_->hostGone(); }

  std::shared_ptr<Adapter> adapter_;
  BroadcastOptions opts_;
  std::shared_ptr<HandlerGuard> guard_;    // none: callbacks are called directly
  boost::asio::any_io_executor executor_;  // the namespace's, kept for after it is gone
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
