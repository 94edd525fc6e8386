// A Socket.IO socket: one client connected to one namespace (Node's `Socket`). Incoming
// events reach handlers registered with on/once/onAny; emit sends to this client (with an
// optional ack and timeout); join/leave manage its rooms; to/except start a broadcast
// from it; disconnect ends it. Events `disconnecting` and `disconnect` carry Node's exact
// reasons. Every call into user code goes through the server's handler guard: under the
// default policy an exception from it disconnects this socket ("server handler error").
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "sio/adapter/adapter_host.hpp"
#include "sio/engine/socket.hpp"
#include "sio/server/broadcast_operator.hpp"
#include "sio/server/event.hpp"
#include "sio/server/event_listeners.hpp"
#include "sio/server/handshake.hpp"

namespace sio {

class Namespace;
class Client;
class HandlerGuard;
struct SocketExtras;

class Socket final : public LocalSocket, public std::enable_shared_from_this<Socket> {
 public:
  using PacketMiddleware = std::function<void(Args& packet, Next next)>;

  Socket(std::shared_ptr<Namespace> nsp, std::shared_ptr<Client> client, Value auth,
         std::optional<RestoredSession> previous);
  ~Socket() override;

  const SocketId& id() const override { return id_; }
  const std::string& pid() const;  // empty without connection state recovery
  const Handshake& handshake() const { return handshake_; }
  Value& data() { return data_; }
  const Value& data() const { return data_; }
  RoomSet rooms() const;
  bool connected() const { return connected_; }
  bool recovered() const { return recovered_; }
  Namespace& nsp() { return *nsp_; }
  // The Engine.IO connection underneath.
  engine::Socket& conn();

  // Incoming events.
  void on(const std::string& event, EventHandler handler);
  void once(const std::string& event, EventHandler handler);
  void off(const std::string& event);
  void onAny(AnyHandler handler);
  void prependAny(AnyHandler handler);
  void offAny();
  void onAnyOutgoing(AnyHandler handler);
  void offAnyOutgoing();
  void use(PacketMiddleware middleware);
  void onDisconnecting(DisconnectHandler handler);
  void onDisconnect(DisconnectHandler handler);
  void onError(ErrorHandler handler);
  // Its connection moved to another transport ("websocket"), as Node's
  // socket.conn.on("upgrade"). Dropped with the other handlers when the socket disconnects.
  void onTransportUpgrade(std::function<void(std::string_view transport)> handler);

  // Outgoing. Flags set by timeout/compress/volatile_ apply to the next emit only.
  // Throws std::invalid_argument for a reserved event name.
  bool emit(const std::string& event, Args args = {});
  bool emit(const std::string& event, Args args, AckCallback ack);
  void emitWithAck(const std::string& event, Args args, AckCallback ack) {
    emit(event, std::move(args), std::move(ack));
  }
  // The same with a completion token, as Node's promise: void(error_code, Args) with the
  // client's ack arguments (Node resolves with the first one). With timeout(), no answer
  // in time is Errc::AckTimeout ("operation has timed out"); without, an ack that never
  // comes never completes (the pending handler is destroyed with the socket).
  //   Args reply = co_await socket->timeout(5s).emitWithAck("question", {1},
  //                                                          asio::use_awaitable);
  template <class Token,
            std::enable_if_t<kAsioToken<Token, const std::optional<Error>&, Args>, int> = 0>
  auto emitWithAck(const std::string& event, Args args, Token&& token) {
    checkEvent(event);
    // The flags (timeout, …) are this emit's, even when a deferring token starts it later.
    return startAsync<Args>(executor(), std::forward<Token>(token),
                            [self = shared_from_this(), event, args = std::move(args),
                             flags = takeFlags()](Completion<Args> done) mutable {
                              self->startEmitWithAck(event, std::move(args), flags,
                                                     std::move(done));
                            });
  }
  // Sends the `message` event (Node's socket.send).
  bool send(Args args) { return emit("message", std::move(args)); }
  Socket& timeout(std::chrono::milliseconds timeout);
  Socket& compress(bool compress);
  Socket& volatile_();

  // Broadcasts from this socket: to others in those rooms (this socket excluded).
  BroadcastOperator to(const Room& room);
  BroadcastOperator to(const std::vector<Room>& rooms);
  BroadcastOperator in(const Room& room) { return to(room); }
  BroadcastOperator except(const Room& room);
  BroadcastOperator broadcast();  // everyone in the namespace but this socket

  void join(const Room& room) { join(std::vector<Room>{room}); }
  void join(const std::vector<Room>& rooms) override;
  void leave(const Room& room) override;
  void leaveAll();

  // Leaves the namespace ("server namespace disconnect"); with close, ends the whole
  // connection ("forced server close" for the other namespaces).
  Socket& disconnect(bool close = false);

  // LocalSocket (used by adapters)
  void writeEncoded(const protocol::EncodedPacket& packet, const BroadcastFlags& flags) override;
  void prefetchWrite(int stage) const override;
  void notifyOutgoing(const protocol::Packet& packet) override;
  void expectAck(uint64_t id, std::function<void(Args)> onAck) override;
  void disconnectByAdapter(bool close) override { disconnect(close); }
  SocketDetails details() const override;

  // Driven by the Client.
  // Joins its rooms, sends the CONNECT reply, then (when recovered) the missed packets.
  void onConnect();
  void onPacket(protocol::Packet packet);
  void onClose(const std::string& reason, const std::string& description = {});
  void onDecodeError(const Error& error);
  void transportUpgraded(std::string_view transport);
  void cleanup();
  bool clientOpen() const;  // its Engine.IO connection is still open
  // User code of this socket threw and the exception was contained: leaves the namespace
  // as disconnect() does, with the reason "server handler error". Nothing when closing.
  void disconnectForHandlerError();

 private:
  void onEvent(protocol::Packet& packet);
  void onAckPacket(protocol::Packet& packet);
  void dispatch(Args args, Ack ack);
  void runMiddlewares(Args& args, size_t index, std::function<void(std::optional<Error>)> done);
  void sendPacket(protocol::Packet packet, const BroadcastFlags& flags);
  BroadcastFlags takeFlags();
  void setFlags(const BroadcastFlags& flags);        // those of the next emit
  static void checkEvent(const std::string& event);  // throws for a reserved name
  boost::asio::any_io_executor executor() const;
  void startEmitWithAck(const std::string& event, Args args, BroadcastFlags flags,
                        Completion<Args> done);
  void emitError(const Error& error);
  // Sends DISCONNECT and closes with `reason` (a server-side namespace disconnect).
  void leaveWith(const std::string& reason);
  // Runs user code for `event` through the handler guard; when it threw (and the error
  // was contained), disconnects this socket and returns false.
  template <class Fn>
  bool guarded(std::string_view event, Fn&& fn);
  // The rarely used parts, allocated on first use.
  SocketExtras& extras();

  std::shared_ptr<Namespace> nsp_;
  std::shared_ptr<Client> client_;
  SocketId id_;
  Handshake handshake_;
  Value data_ = Value::object();
  // The flags of the next emit (compress, volatile_; its timeout is among the extras),
  // packed with the state bits.
  bool nextVolatile_ : 1 = false;
  bool nextCompressSet_ : 1 = false;
  bool nextCompress_ : 1 = false;
  bool connected_ : 1 = false;
  bool closing_ : 1 = false;  // onClose has begun (its disconnect handlers may be running)
  bool recovered_ : 1 = false;
  EventListeners listeners_;
  std::unique_ptr<SocketExtras> extras_;  // null until one of its parts is used
};

}  // namespace sio
