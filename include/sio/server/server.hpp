// The Socket.IO server (Node's `Server`): namespaces (static, and dynamic by regex or
// predicate), the Engine.IO server underneath, and shortcuts to the main namespace `/`.
//
//   boost::asio::io_context io;
//   sio::Server server(io);
//   server.onConnection([](const std::shared_ptr<sio::Socket>& socket) {
//     socket->on("chat", [socket](const sio::Args& args, const sio::Ack&) {
//       socket->broadcast().emit("chat", args);
//     });
//   });
//   server.listen("0.0.0.0", 3000);
//   io.run();
//
// The asynchronous calls take Asio completion tokens too (sio/adapter/completion.hpp):
//   boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
//     auto sockets = co_await server.fetchSockets(boost::asio::use_awaitable);
//   }, boost::asio::detached);
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>

#include "sio/engine/http_server.hpp"
#include "sio/engine/server.hpp"
#include "sio/server/namespace.hpp"
#include "sio/server/options.hpp"
#include "sio/server/socket.hpp"

namespace sio {

class HandlerGuard;

class Server {
 public:
  explicit Server(boost::asio::io_context& io, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The namespace `name` (created on first use; a missing leading `/` is added).
  std::shared_ptr<Namespace> of(std::string name);
  // Dynamic namespaces: any name the regex matches fully (std::regex_match), or that the
  // matcher accepts.
  std::shared_ptr<ParentNamespace> of(const std::regex& pattern);
  std::shared_ptr<ParentNamespace> of(NamespaceMatcher matcher);
  Namespace& sockets() { return *mainNamespace_; }

  // Shortcuts to the main namespace.
  void onConnection(ConnectionHandler handler) { mainNamespace_->onConnection(std::move(handler)); }
  void use(Middleware middleware) { mainNamespace_->use(std::move(middleware)); }
  BroadcastOperator to(const Room& room) const { return mainNamespace_->to(room); }
  BroadcastOperator to(const std::vector<Room>& rooms) const { return mainNamespace_->to(rooms); }
  BroadcastOperator in(const Room& room) const { return mainNamespace_->in(room); }
  BroadcastOperator except(const Room& room) const { return mainNamespace_->except(room); }
  BroadcastOperator compress(bool compress) const { return mainNamespace_->compress(compress); }
  BroadcastOperator volatile_() const { return mainNamespace_->volatile_(); }
  BroadcastOperator local() const { return mainNamespace_->local(); }
  BroadcastOperator timeout(std::chrono::milliseconds timeout) const {
    return mainNamespace_->timeout(timeout);
  }
  bool emit(const std::string& event, Args args = {}) {
    return mainNamespace_->emit(event, std::move(args));
  }
  bool emit(const std::string& event, Args args, AckCallback ack) {
    return mainNamespace_->emit(event, std::move(args), std::move(ack));
  }
  void fetchSockets(BroadcastOperator::FetchCallback done) const {
    mainNamespace_->fetchSockets(std::move(done));
  }
  // Completion-token forms (see BroadcastOperator and Namespace), e.g.
  //   auto sockets = co_await server.fetchSockets(asio::use_awaitable);
  template <class Token,
            std::enable_if_t<
                kAsioToken<Token, std::vector<RemoteSocket>, const std::optional<Error>&>, int> = 0>
  auto fetchSockets(Token&& token) const {
    return mainNamespace_->fetchSockets(std::forward<Token>(token));
  }
  template <class Token>
  auto allSockets(Token&& token) const {
    return mainNamespace_->allSockets(std::forward<Token>(token));
  }
  void socketsJoin(const std::vector<Room>& rooms) const { mainNamespace_->socketsJoin(rooms); }
  void socketsLeave(const std::vector<Room>& rooms) const { mainNamespace_->socketsLeave(rooms); }
  void disconnectSockets(bool close = false) const { mainNamespace_->disconnectSockets(close); }
  void serverSideEmit(const std::string& event, Args args = {}, AckCallback ack = {}) {
    mainNamespace_->serverSideEmit(event, std::move(args), std::move(ack));
  }
  void serverSideEmitWithAck(const std::string& event, Args args, AckCallback ack) {
    mainNamespace_->serverSideEmit(event, std::move(args), std::move(ack));
  }
  template <class Token,
            std::enable_if_t<kAsioToken<Token, const std::optional<Error>&, Args>, int> = 0>
  auto serverSideEmitWithAck(const std::string& event, Args args, Token&& token) {
    return mainNamespace_->serverSideEmitWithAck(event, std::move(args),
                                                 std::forward<Token>(token));
  }
  // Listeners of the events other servers send with serverSideEmit (Node's io.on(event)),
  // on the main namespace. Throws std::invalid_argument for "connect", "connection" and
  // "new_namespace" (see onConnection).
  void on(const std::string& event, EventHandler handler) {
    mainNamespace_->on(event, std::move(handler));
  }

  // Called with every namespace created from now on: static ones made by of(name), and the
  // children dynamic parents create (Node's io.on("new_namespace")).
  void onNewNamespace(std::function<void(const std::shared_ptr<Namespace>&)> hook) {
    newNamespaceHooks_.push_back(std::move(hook));
  }
  // Called once when the server closes (close(), or drain()), before its sockets are
  // disconnected: where something running beside it (a timer) stops.
  void onClose(std::function<void()> hook) { closeHooks_.push_back(std::move(hook)); }

  // Called with every exception contained under HandlerErrorPolicy::DisconnectSocket (see
  // sio/server/handler_error.hpp), after it was logged and before the socket is
  // disconnected. Never called under Rethrow.
  void onError(HandlerErrorHook hook);

  // Serves Socket.IO on an existing HTTP server (at options.path), or on its own port.
  void attach(engine::HttpServer& http);
  uint16_t listen(const std::string& host, uint16_t port);

  // Disconnects every socket ("server shutting down"), closes the adapters and the
  // Engine.IO server, and stops listening if listen() was used.
  void close();

  // Takes this node out of service without losing anything: new handshakes get HTTP 503
  // (and /readyz turns 503), every socket is closed as by close() — with connection state
  // recovery on, its session is persisted through the adapter first, and its client,
  // seeing its transport close, reconnects (through the load balancer, to another node)
  // and recovers there what it missed — then `done` runs once every adapter's writes
  // (broadcasts published before the drain, persisted sessions) are acknowledged by Redis,
  // or after `timeout` at the latest. Close the Redis client and the HTTP server in `done`.
  // The server must outlive the drain (until `done` has run).
  void drain(std::chrono::milliseconds timeout, std::function<void()> done);
  bool draining() const { return draining_; }

  // Connection state recovery: sessions a client asked to restore (with a pid and offset),
  // restored or not (unknown or expired pid, offset no longer in the stream).
  struct RestoreStats {
    uint64_t recovered = 0, notRecovered = 0;
  };
  const RestoreStats& restoreStats() const { return restoreStats_; }
  void countRestore(bool recovered) {
    ++(recovered ? restoreStats_.recovered : restoreStats_.notRecovered);
  }

  const ServerOptions& options() const { return options_; }
  engine::Server& engine() { return engine_; }
  bool closed() const { return closed_; }
  // Every namespace that exists now (static ones and dynamic children).
  void forEachNamespace(const std::function<void(Namespace&)>& fn) const {
    for (const auto& [name, nsp] : namespaces_) fn(*nsp);
  }
  boost::asio::io_context& context() { return io_; }

  // Used by clients and namespaces.
  std::shared_ptr<Namespace> findNamespace(const std::string& name) const;
  void checkNamespace(const std::string& name, const Value& auth,
                      std::function<void(std::shared_ptr<Namespace>)> done);
  void registerChild(const std::shared_ptr<Namespace>& child);
  void removeNamespace(const std::string& name);
  // The dispatch boundary every call into user code goes through (handler_guard.hpp).
  const std::shared_ptr<HandlerGuard>& handlerGuard() const { return guard_; }

 private:
  void onEngineConnection(std::shared_ptr<engine::Socket> conn);
  void announce(const std::shared_ptr<Namespace>& nsp);

  boost::asio::io_context& io_;
  ServerOptions options_;
  std::shared_ptr<HandlerGuard> guard_;
  engine::Server engine_;
  std::map<std::string, std::shared_ptr<Namespace>> namespaces_;
  std::vector<std::shared_ptr<ParentNamespace>> parents_;
  std::shared_ptr<Namespace> mainNamespace_;
  std::optional<engine::HttpServer> ownHttp_;
  bool closed_ = false;
  bool draining_ = false;
  RestoreStats restoreStats_;
  std::vector<std::function<void(const std::shared_ptr<Namespace>&)>> newNamespaceHooks_;
  std::vector<std::function<void()>> closeHooks_;
};

}  // namespace sio
