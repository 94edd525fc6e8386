// Namespaces: connecting a socket (session restore when asked, middlewares in order,
// then CONNECT and the `connection` handlers), server-side events, and the adapter.
// Parent namespaces create children on demand and pass on their middlewares and handlers.
// User code runs through the server's handler guard: a connection middleware that throws
// refuses the connection with its message, a `connection` handler that throws disconnects
// its socket ("server handler error"). A refusal takes the form its client's revision reads.
#include "sio/server/namespace.hpp"

#include <stdexcept>

#include "client.hpp"
#include "handler_guard.hpp"
#include "sio/adapter/errors.hpp"
#include "sio/adapter/session_aware_adapter.hpp"
#include "sio/server/server.hpp"
#include "sio/server/socket.hpp"

namespace sio {

namespace {

// A middleware's refusal as the client expects it: `{"message","data"}`; for Engine.IO v3
// clients (socket.io-client 2.x), as socket.io sends it to them, `err.data || err.message`.
Value connectErrorData(const Error& error, int protocol) {
  if (protocol == 3) return error.data && error.data->truthy() ? *error.data : Value(error.message);
  Value data = Value::object({{"message", error.message}});
  if (error.data) data.set("data", *error.data);
  return data;
}

}  // namespace

Namespace::Namespace(Server& server, std::string name)
    : server_(server), guard_(server.handlerGuard()), name_(std::move(name)) {}

Namespace::~Namespace() {
  if (adapter_) adapter_->detachHost();  // operators may hold the adapter longer
}

void Namespace::initAdapter() {
  const auto& factory = server_.options().adapter;
  if (factory)
    adapter_ = factory(*this);
  else if (recoveryEnabled())
    adapter_ = std::make_shared<SessionAwareAdapter>(*this);
  else
    adapter_ = std::make_shared<Adapter>(*this);
  adapter_->init();
}

BroadcastOperator Namespace::op() const {
  return BroadcastOperator(adapter_, {}, {}, {}, server_.handlerGuard());
}

std::size_t Namespace::SocketIdHash::operator()(std::string_view id) const noexcept {
  return std::hash<std::string_view>{}(id);
}
std::size_t Namespace::SocketIdHash::operator()(
    const std::shared_ptr<Socket>& socket) const noexcept {
  return (*this)(socket->id());
}
bool Namespace::SameSocketId::operator()(const std::shared_ptr<Socket>& a,
                                         const std::shared_ptr<Socket>& b) const {
  return a->id() == b->id();
}
bool Namespace::SameSocketId::operator()(std::string_view id,
                                         const std::shared_ptr<Socket>& socket) const {
  return id == socket->id();
}
bool Namespace::SameSocketId::operator()(const std::shared_ptr<Socket>& socket,
                                         std::string_view id) const {
  return socket->id() == id;
}

LocalSocket* Namespace::localSocket(const SocketId& id) {
  auto it = sockets_.find(std::string_view(id));
  return it == sockets_.end() ? nullptr : it->get();
}

bool Namespace::recoveryEnabled() const {
  return server_.options().connectionStateRecovery.has_value();
}

std::chrono::milliseconds Namespace::maxDisconnectionDuration() const {
  const auto& recovery = server_.options().connectionStateRecovery;
  return recovery ? recovery->maxDisconnectionDuration : std::chrono::milliseconds(0);
}

boost::asio::any_io_executor Namespace::executor() {
  return server_.context().get_executor();
}

void Namespace::on(const std::string& event, EventHandler handler) {
  if (event == "connect" || event == "connection" || event == "new_namespace")
    throw std::invalid_argument("\"" + event + "\" is not a server-side event" +
                                (event == "new_namespace" ? "" : ": use onConnection()"));
  serverListeners_[event].push_back(std::move(handler));
}

const protocol::Parser& Namespace::parser() const {
  return *server_.options().parser;
}

void Namespace::checkServerSideEvent(const std::string& event) {
  if (protocol::isReservedEventName(event))
    throw std::invalid_argument("\"" + event + "\" is a reserved event name");
}

void Namespace::startServerSideEmitWithAck(const std::string& event, Args args,
                                           Completion<Args> done) {
  serverSideEmit(event, std::move(args),
                 [done = std::move(done)](const std::optional<Error>& error, Args responses) {
                   done(toErrorCode(error), std::move(responses));
                 });
}

void Namespace::serverSideEmit(const std::string& event, Args args, AckCallback ack) {
  checkServerSideEvent(event);
  args.insert(args.begin(), Value(event));
  if (ack) {
    ack = [guard = server_.handlerGuard(), nsp = name_, ack = std::move(ack)](
              const std::optional<Error>& error, Args responses) {
      guard->call({"", nsp, "ack"}, [&] { ack(error, std::move(responses)); });
    };
  }
  adapter_->serverSideEmit(std::move(args), std::move(ack));
}

void Namespace::emitServerSide(Args args, std::function<void(Args)> ack) {
  if (args.empty() || !args[0].isString()) return;
  std::string event = args[0].asString();
  auto it = serverListeners_.find(event);
  if (it == serverListeners_.end()) return;
  Args rest(std::make_move_iterator(args.begin() + 1), std::make_move_iterator(args.end()));
  Ack reply = ack ? Ack(std::move(ack)) : Ack();
  auto listeners = it->second;
  const auto& guard = server_.handlerGuard();
  for (auto& listener : listeners) guard->call({"", name_, event}, [&] { listener(rest, reply); });
}

void Namespace::add(std::shared_ptr<Client> client, Value auth,
                    std::function<void(std::shared_ptr<Socket>)> onConnected) {
  auto self = shared_from_this();
  auto create = [self, client, auth, onConnected](std::optional<RestoredSession> session) {
    if (!client->open()) return;
    auto socket = std::make_shared<Socket>(self, client, auth, std::move(session));
    const auto& recovery = self->server_.options().connectionStateRecovery;
    if (recovery && recovery->skipMiddlewares && socket->recovered())
      return self->connectSocket(socket, onConnected);
    self->runMiddlewares(
        *socket, 0, [self, client, socket, onConnected](std::optional<Error> error) {
          if (!client->open()) return socket->cleanup();
          if (!error) return self->connectSocket(socket, onConnected);
          socket->cleanup();
          Value data = connectErrorData(*error, client->protocol());
          client->sendPacket(protocol::Packet{protocol::PacketType::ConnectError, self->name_,
                                              std::nullopt, std::move(data)});
        });
  };
  const Value* pid = auth.find("pid");
  const Value* offset = auth.find("offset");
  if (recoveryEnabled() && pid && pid->isString() && offset && offset->isString()) {
    adapter_->restoreSession(pid->asString(), offset->asString(),
                             [self, create](std::optional<RestoredSession> session) {
                               self->server_.countRestore(session.has_value());
                               create(std::move(session));
                             });
  } else {
    create(std::nullopt);
  }
}

void Namespace::connectSocket(const std::shared_ptr<Socket>& socket,
                              const std::function<void(std::shared_ptr<Socket>)>& onConnected) {
  auto self = shared_from_this();
  adapter_->prepareConnect(socket->id(), [self, socket, onConnected] {
    if (!socket->clientOpen()) return socket->cleanup();  // gone while the adapter prepared
    // a socket replacing one of the same id (a restored session) takes its place
    if (auto it = self->sockets_.find(std::string_view(socket->id())); it != self->sockets_.end())
      self->sockets_.erase(it);
    self->sockets_.insert(socket);
    socket->onConnect();
    onConnected(socket);
    auto handlers = self->onConnection_;
    const auto& guard = self->server_.handlerGuard();
    for (auto& handler : handlers) {
      if (!socket->connected()) break;
      if (guard->call({socket->id(), self->name_, "connection"}, [&] { handler(socket); }))
        return socket->disconnectForHandlerError();
    }
  });
}

void Namespace::runMiddlewares(Socket& socket, size_t index,
                               std::function<void(std::optional<Error>)> done) {
  if (index >= middlewares_.size()) return done(std::nullopt);
  auto middleware = middlewares_[index];
  auto self = shared_from_this();
  auto keep = socket.shared_from_this();
  auto called = std::make_shared<bool>(false);  // next() counts once
  Next next([self, keep, index, done, called](std::optional<Error> error) {
    if (std::exchange(*called, true)) return;
    if (error) return done(std::move(error));
    self->runMiddlewares(*keep, index + 1, done);
  });
  auto thrown = server_.handlerGuard()->call({keep->id(), name_, "middleware"},
                                             [&] { middleware(socket, next); });
  // A throw is next(Error{what()}): it refuses the connection, unless next() was already
  // called (then, like a second next(), it changes nothing; it was logged and reported).
  if (thrown) next(Error{thrown->message, std::nullopt});
}

void Namespace::remove(Socket& socket) {
  auto it = sockets_.find(std::string_view(socket.id()));
  if (it == sockets_.end() || it->get() != &socket) return;
  sockets_.erase(it);
  auto parent = parent_.lock();
  if (parent && sockets_.empty() && server_.options().cleanupEmptyChildNamespaces) {
    auto keep = shared_from_this();
    parent->removeChild(name_);
    server_.removeNamespace(name_);
    adapter_->close();
  }
}

void Namespace::closeAll(const std::string& reason) {
  auto sockets = sockets_;
  for (auto& socket : sockets) socket->onClose(reason);
  adapter_->close();
}

ParentNamespace::ParentNamespace(Server& server, NamespaceMatcher matcher)
    : Namespace(server, "/_" + std::to_string(reinterpret_cast<uintptr_t>(this))),
      matcher_(std::move(matcher)) {}

std::shared_ptr<Namespace> ParentNamespace::createChild(const std::string& name) {
  auto child = std::make_shared<Namespace>(server_, name);
  child->initAdapter();
  child->middlewares_ = middlewares_;
  child->onConnection_ = onConnection_;
  child->serverListeners_ = serverListeners_;
  child->parent_ = std::static_pointer_cast<ParentNamespace>(shared_from_this());
  children_[name] = child;
  server_.registerChild(child);
  return child;
}

bool ParentNamespace::emit(const std::string& event, Args args) {
  for (auto& [name, child] : children_) child->emit(event, args);
  return true;
}

bool ParentNamespace::emit(const std::string&, Args, AckCallback ack) {
  if (ack) ack(Error{"acknowledgements are not supported on a parent namespace", std::nullopt}, {});
  return false;
}

}  // namespace sio
