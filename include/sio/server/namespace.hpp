// A namespace (Node's `Namespace`): its connected sockets, connection middlewares, the
// `connection` handler, server-side event listeners (for serverSideEmit), its adapter,
// and broadcasting to its sockets. A ParentNamespace matches names by regex or predicate
// and creates child namespaces on demand, which inherit its middlewares and handlers.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "sio/adapter/adapter.hpp"
#include "sio/server/broadcast_operator.hpp"
#include "sio/server/event.hpp"

namespace sio {

class Server;
class Socket;
class Client;
class ParentNamespace;
class HandlerGuard;

using ConnectionHandler = std::function<void(const std::shared_ptr<Socket>& socket)>;
using Middleware = std::function<void(Socket& socket, Next next)>;

class Namespace : public AdapterHost, public std::enable_shared_from_this<Namespace> {
 public:
  Namespace(Server& server, std::string name);
  ~Namespace() override;

  const std::string& name() const override { return name_; }
  Server& server() { return server_; }
  // The server's handler guard, held here too: a socket's ack timer may outlive the server
  // (its socket holds the namespace).
  const std::shared_ptr<HandlerGuard>& handlerGuard() const { return guard_; }
  Adapter& adapter() { return *adapter_; }
  const std::shared_ptr<Adapter>& adapterPtr() const { return adapter_; }
  // The connected sockets, found by id: a set of them hashed on their own ids (no key of
  // its own per socket). `sockets().find(id)` takes a std::string or a string_view.
  struct SocketIdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const noexcept;
    std::size_t operator()(const std::shared_ptr<Socket>& socket) const noexcept;
  };
  struct SameSocketId {
    using is_transparent = void;
    bool operator()(const std::shared_ptr<Socket>& a, const std::shared_ptr<Socket>& b) const;
    bool operator()(std::string_view id, const std::shared_ptr<Socket>& socket) const;
    bool operator()(const std::shared_ptr<Socket>& socket, std::string_view id) const;
  };
  using SocketTable = std::unordered_set<std::shared_ptr<Socket>, SocketIdHash, SameSocketId>;
  const SocketTable& sockets() const { return sockets_; }

  void onConnection(ConnectionHandler handler) { onConnection_.push_back(std::move(handler)); }
  // A connection handler that runs before those already added (Node's
  // nsp.prependListener("connection", …)).
  void prependConnection(ConnectionHandler handler) {
    onConnection_.insert(onConnection_.begin(), std::move(handler));
  }
  void use(Middleware middleware) { middlewares_.push_back(std::move(middleware)); }
  // Server-side listeners, reached by serverSideEmit from other nodes (Node's
  // nsp.on(event)). Throws std::invalid_argument for "connect", "connection" and
  // "new_namespace", which are not server-side events (see onConnection).
  void on(const std::string& event, EventHandler handler);

  BroadcastOperator to(const Room& room) const { return op().to(room); }
  BroadcastOperator to(const std::vector<Room>& rooms) const { return op().to(rooms); }
  BroadcastOperator in(const Room& room) const { return op().to(room); }
  BroadcastOperator in(const std::vector<Room>& rooms) const { return op().to(rooms); }
  BroadcastOperator except(const Room& room) const { return op().except(room); }
  BroadcastOperator except(const std::vector<Room>& rooms) const { return op().except(rooms); }
  BroadcastOperator compress(bool compress) const { return op().compress(compress); }
  BroadcastOperator volatile_() const { return op().volatile_(); }
  BroadcastOperator local() const { return op().local(); }
  BroadcastOperator timeout(std::chrono::milliseconds timeout) const {
    return op().timeout(timeout);
  }

  virtual bool emit(const std::string& event, Args args = {}) {
    return op().emit(event, std::move(args));
  }
  virtual bool emit(const std::string& event, Args args, AckCallback ack) {
    return op().emit(event, std::move(args), std::move(ack));
  }
  void fetchSockets(BroadcastOperator::FetchCallback done) const {
    op().fetchSockets(std::move(done));
  }
  // Completion-token forms (BroadcastOperator's): fetchSockets gives
  // void(error_code, std::vector<RemoteSocket>), allSockets void(error_code,
  // std::set<SocketId>) of the whole namespace.
  template <class Token,
            std::enable_if_t<
                kAsioToken<Token, std::vector<RemoteSocket>, const std::optional<Error>&>, int> = 0>
  auto fetchSockets(Token&& token) const {
    return op().fetchSockets(std::forward<Token>(token));
  }
  template <class Token>
  auto allSockets(Token&& token) const {
    return op().allSockets(std::forward<Token>(token));
  }
  void socketsJoin(const std::vector<Room>& rooms) const { op().socketsJoin(rooms); }
  void socketsLeave(const std::vector<Room>& rooms) const { op().socketsLeave(rooms); }
  void disconnectSockets(bool close = false) const { op().disconnectSockets(close); }

  // Emits to the other servers of the cluster; `ack` (optional) gets their responses.
  // Throws std::invalid_argument for a reserved event name.
  void serverSideEmit(const std::string& event, Args args = {}, AckCallback ack = {});
  void serverSideEmitWithAck(const std::string& event, Args args, AckCallback ack) {
    serverSideEmit(event, std::move(args), std::move(ack));
  }
  // The same with a completion token, as Node's promise: void(error_code, Args) with one
  // response per other server. A server that does not answer in time is
  // Errc::RequestTimeout, with the responses that came (Node's err.responses: keep them with
  // asio::as_tuple or asio::redirect_error; use_awaitable and use_future throw
  // boost::system::system_error without them).
  template <class Token,
            std::enable_if_t<kAsioToken<Token, const std::optional<Error>&, Args>, int> = 0>
  auto serverSideEmitWithAck(const std::string& event, Args args, Token&& token) {
    checkServerSideEvent(event);
    return startAsync<Args>(
        executor(), std::forward<Token>(token),
        [self = shared_from_this(), event, args = std::move(args)](Completion<Args> done) mutable {
          self->startServerSideEmitWithAck(event, std::move(args), std::move(done));
        });
  }

  // AdapterHost
  LocalSocket* localSocket(const SocketId& id) override;
  uint64_t nextAckId() override { return nextAckId_++; }
  bool anyOutgoingListeners() const override { return outgoingListenerSockets_ > 0; }
  void emitServerSide(Args args, std::function<void(Args)> ack) override;
  bool recoveryEnabled() const override;
  std::chrono::milliseconds maxDisconnectionDuration() const override;
  boost::asio::any_io_executor executor() override;
  const protocol::Parser& parser() const override;

  // Used by the server and its clients.
  void initAdapter();
  void add(std::shared_ptr<Client> client, Value auth,
           std::function<void(std::shared_ptr<Socket>)> onConnected);
  void remove(Socket& socket);
  void closeAll(const std::string& reason);
  // A socket got its first onAnyOutgoing listener (+1) or lost its listeners (-1).
  void countOutgoingListeners(int change) { outgoingListenerSockets_ += change; }

 protected:
  BroadcastOperator op() const;
  static void checkServerSideEvent(const std::string& event);  // throws for a reserved name
  void startServerSideEmitWithAck(const std::string& event, Args args, Completion<Args> done);
  void runMiddlewares(Socket& socket, size_t index, std::function<void(std::optional<Error>)> done);
  void connectSocket(const std::shared_ptr<Socket>& socket,
                     const std::function<void(std::shared_ptr<Socket>)>& onConnected);

  Server& server_;
  std::shared_ptr<HandlerGuard> guard_;
  std::string name_;
  std::shared_ptr<Adapter> adapter_;
  SocketTable sockets_;
  std::vector<ConnectionHandler> onConnection_;
  std::vector<Middleware> middlewares_;
  std::map<std::string, std::vector<EventHandler>> serverListeners_;
  uint64_t nextAckId_ = 0;
  size_t outgoingListenerSockets_ = 0;  // sockets with onAnyOutgoing listeners
  std::weak_ptr<ParentNamespace> parent_;

  friend class ParentNamespace;
};

// Decides asynchronously whether a namespace name belongs to a dynamic parent.
using NamespaceMatcher =
    std::function<void(const std::string& name, const Value& auth, std::function<void(bool)> done)>;

class ParentNamespace final : public Namespace {
 public:
  ParentNamespace(Server& server, NamespaceMatcher matcher);

  void matches(const std::string& name, const Value& auth, std::function<void(bool)> done) const {
    matcher_(name, auth, std::move(done));
  }
  // Creates (and registers with the server) the child namespace `name`.
  std::shared_ptr<Namespace> createChild(const std::string& name);
  void removeChild(const std::string& name) { children_.erase(name); }
  const std::map<std::string, std::shared_ptr<Namespace>>& children() const { return children_; }

  // Broadcasting from the parent reaches every child.
  bool emit(const std::string& event, Args args = {}) override;
  bool emit(const std::string& event, Args args, AckCallback ack) override;

 private:
  NamespaceMatcher matcher_;
  std::map<std::string, std::shared_ptr<Namespace>> children_;
};

}  // namespace sio
