// Socket.IO socket: the event dispatch (any-listeners, packet middlewares, then the
// event's listeners), acks in both directions (with timeouts), rooms through the
// adapter, and the disconnect sequence with Node's reasons. With connection state
// recovery, emits go through the adapter so they are stored with an offset. User code
// (listeners, middlewares, ack callbacks, disconnect handlers) runs through guarded().
#include "sio/server/socket.hpp"

#include <stdexcept>

#include "client.hpp"
#include "handler_guard.hpp"
#include "handshake_builder.hpp"
#include "sio/adapter/errors.hpp"
#include "sio/engine/session_id.hpp"
#include "sio/server/disconnect_reason.hpp"
#include "sio/server/namespace.hpp"
#include "sio/server/server.hpp"
#include "socket_extras.hpp"

namespace sio {

Socket::Socket(std::shared_ptr<Namespace> nsp, std::shared_ptr<Client> client, Value auth,
               std::optional<RestoredSession> previous)
    : nsp_(std::move(nsp)), client_(std::move(client)) {
  if (previous) {
    auto& restored = *(extras().previous = std::make_unique<RestoredSession>(std::move(*previous)));
    id_ = restored.sid;
    extras_->pid = restored.pid;
    data_ = restored.data;
    recovered_ = true;
  } else if (client_->protocol() == 3) {
    // as socket.io names the sockets of v3 clients: the Engine.IO id, prefixed off `/`
    const std::string& connId = client_->conn().id();
    id_ = nsp_->name() == "/" ? connId : nsp_->name() + "#" + connId;
    if (nsp_->recoveryEnabled()) extras().pid = engine::generateSessionId();
  } else {
    id_ = engine::generateSessionId();
    if (nsp_->recoveryEnabled()) extras().pid = engine::generateSessionId();
  }
  handshake_ = buildHandshake(client_->request(), std::move(auth));
}

Socket::~Socket() {
  offAnyOutgoing();
}

SocketExtras& Socket::extras() {
  if (!extras_) extras_ = std::make_unique<SocketExtras>();
  return *extras_;
}

const std::string& Socket::pid() const {
  static const std::string none;
  return extras_ ? extras_->pid : none;
}

template <class Fn>
bool Socket::guarded(std::string_view event, Fn&& fn) {
  if (!nsp_->handlerGuard()->call(HandlerSite{id_, nsp_->name(), event}, std::forward<Fn>(fn)))
    return true;
  disconnectForHandlerError();
  return false;
}

engine::Socket& Socket::conn() {
  return client_->conn();
}

RoomSet Socket::rooms() const {
  return nsp_->adapter().socketRooms(id_).value_or(RoomSet{});
}

void Socket::on(const std::string& event, EventHandler handler) {
  listeners_.add(event, std::move(handler), false);
}
void Socket::once(const std::string& event, EventHandler handler) {
  listeners_.add(event, std::move(handler), true);
}
void Socket::off(const std::string& event) {
  listeners_.remove(event);
}
void Socket::onAny(AnyHandler handler) {
  extras().anyListeners.push_back(std::move(handler));
}
void Socket::prependAny(AnyHandler handler) {
  auto& listeners = extras().anyListeners;
  listeners.insert(listeners.begin(), std::move(handler));
}
void Socket::offAny() {
  if (extras_) extras_->anyListeners.clear();
}
// The namespace counts the sockets with outgoing listeners (a broadcast skips
// notifyOutgoing when none has any).
void Socket::onAnyOutgoing(AnyHandler handler) {
  auto& listeners = extras().anyOutgoingListeners;
  if (listeners.empty()) nsp_->countOutgoingListeners(+1);
  listeners.push_back(std::move(handler));
}
void Socket::offAnyOutgoing() {
  if (!extras_ || extras_->anyOutgoingListeners.empty()) return;
  nsp_->countOutgoingListeners(-1);
  extras_->anyOutgoingListeners.clear();
}
void Socket::use(PacketMiddleware middleware) {
  extras().middlewares.push_back(std::move(middleware));
}
void Socket::onDisconnecting(DisconnectHandler handler) {
  extras().onDisconnecting.push_back(std::move(handler));
}
void Socket::onDisconnect(DisconnectHandler handler) {
  extras().onDisconnect.push_back(std::move(handler));
}
void Socket::onError(ErrorHandler handler) {
  extras().onError.push_back(std::move(handler));
}
void Socket::onTransportUpgrade(std::function<void(std::string_view transport)> handler) {
  extras().onTransportUpgrade.push_back(std::move(handler));
}

Socket& Socket::timeout(std::chrono::milliseconds timeout) {
  extras().nextTimeout = timeout;
  return *this;
}
Socket& Socket::compress(bool compress) {
  nextCompress_ = compress;
  nextCompressSet_ = true;
  return *this;
}
Socket& Socket::volatile_() {
  nextVolatile_ = true;
  return *this;
}
BroadcastFlags Socket::takeFlags() {
  BroadcastFlags flags;
  if (extras_) flags.timeout = extras_->nextTimeout;
  if (nextCompressSet_) flags.compress = bool(nextCompress_);
  flags.isVolatile = nextVolatile_;
  setFlags({});
  return flags;
}
void Socket::setFlags(const BroadcastFlags& flags) {
  if (flags.timeout || extras_) extras().nextTimeout = flags.timeout;
  nextCompress_ = flags.compress.value_or(false);
  nextCompressSet_ = flags.compress.has_value();
  nextVolatile_ = flags.isVolatile;
}

bool Socket::emit(const std::string& event, Args args) {
  return emit(event, std::move(args), nullptr);
}

bool Socket::emit(const std::string& event, Args args, AckCallback ack) {
  protocol::Packet packet{protocol::PacketType::Event, nsp_->name(), std::nullopt,
                          protocol::eventData(event, std::move(args))};
  BroadcastFlags flags = takeFlags();
  if (ack) {
    uint64_t id = nsp_->nextAckId();
    packet.id = id;
    auto& extras = this->extras();
    if (!flags.timeout) {
      extras.acks[id] = [ack](Args response) { ack(std::nullopt, std::move(response)); };
    } else {
      auto timer = std::make_shared<boost::asio::steady_timer>(nsp_->executor(), *flags.timeout);
      extras.ackTimers[id] = timer;
      timer->async_wait([self = shared_from_this(), id, ack](const boost::system::error_code& ec) {
        if (ec) return;
        self->extras_->acks.erase(id);
        self->extras_->ackTimers.erase(id);
        self->guarded("ack", [&] { ack(Error{"operation has timed out", std::nullopt}, {}); });
      });
      extras.acks[id] = [ack, timer](Args response) {
        timer->cancel();
        ack(std::nullopt, std::move(response));
      };
    }
  }
  if (nsp_->recoveryEnabled()) {
    // Through the adapter, so that the packet is stored (with an offset) for recovery.
    BroadcastOptions opts{RoomSet{id_}, {}, flags};
    nsp_->adapter().broadcast(std::move(packet), opts);
  } else {
    notifyOutgoing(packet);
    sendPacket(std::move(packet), flags);
  }
  return true;
}

void Socket::checkEvent(const std::string& event) {
  if (protocol::isReservedEventName(event))
    throw std::invalid_argument("\"" + event + "\" is a reserved event name");
}

boost::asio::any_io_executor Socket::executor() const {
  return nsp_->executor();
}

void Socket::startEmitWithAck(const std::string& event, Args args, BroadcastFlags flags,
                              Completion<Args> done) {
  // emit() takes the flags this emit was called with; flags set since wait for the next.
  BroadcastFlags pending = takeFlags();
  setFlags(flags);
  emit(event, std::move(args),
       [done = std::move(done)](const std::optional<Error>& error, Args response) {
         done(toErrorCode(error), std::move(response));
       });
  setFlags(pending);
}

BroadcastOperator Socket::to(const Room& room) {
  return broadcast().to(room);
}
BroadcastOperator Socket::to(const std::vector<Room>& rooms) {
  return broadcast().to(rooms);
}
BroadcastOperator Socket::except(const Room& room) {
  return broadcast().except(room);
}
BroadcastOperator Socket::broadcast() {
  return BroadcastOperator(nsp_->adapter().shared_from_this(), {}, RoomSet{id_}, takeFlags(),
                           nsp_->handlerGuard());
}

void Socket::join(const std::vector<Room>& rooms) {
  nsp_->adapter().addAll(id_, rooms);
}
void Socket::leave(const Room& room) {
  nsp_->adapter().del(id_, room);
}
void Socket::leaveAll() {
  nsp_->adapter().delAll(id_);
}

Socket& Socket::disconnect(bool close) {
  if (!connected_ || closing_) return *this;
  if (close)
    client_->disconnectAll();
  else
    leaveWith(std::string(disconnect_reason::kServerNamespaceDisconnect));
  return *this;
}

void Socket::disconnectForHandlerError() {
  leaveWith(kHandlerErrorReason);
}

void Socket::leaveWith(const std::string& reason) {
  if (!connected_ || closing_) return;
  sendPacket(
      protocol::Packet{protocol::PacketType::Disconnect, nsp_->name(), std::nullopt, std::nullopt},
      {});
  onClose(reason);
}

void Socket::sendPacket(protocol::Packet packet, const BroadcastFlags& flags) {
  packet.nsp = nsp_->name();
  client_->sendPacket(packet, flags);
}

void Socket::writeEncoded(const protocol::EncodedPacket& packet, const BroadcastFlags& flags) {
  client_->write(packet, flags);
}

// 1: the client; then the client's stages.
void Socket::prefetchWrite(int stage) const {
  if (stage == 1) return __builtin_prefetch(client_.get());
  client_->prefetchWrite(stage - 1);
}

void Socket::notifyOutgoing(const protocol::Packet& packet) {
  if (!extras_ || extras_->anyOutgoingListeners.empty() || !packet.data ||
      !packet.data->isArray() || packet.data->size() == 0)
    return;
  const auto& data = packet.data->asArray();
  std::string event = data[0].isString() ? data[0].asString() : std::string();
  Args args(data.begin() + 1, data.end());
  auto self = shared_from_this();  // a listener may disconnect this socket
  auto listeners = extras_->anyOutgoingListeners;
  for (auto& listener : listeners)
    if (!guarded(event, [&] { listener(event, args); })) return;
}

void Socket::expectAck(uint64_t id, std::function<void(Args)> onAck) {
  extras().acks[id] = std::move(onAck);
}

SocketDetails Socket::details() const {
  return SocketDetails{id_, handshake_.toValue(), rooms().items(), data_};
}

void Socket::onConnect() {
  connected_ = true;
  std::vector<Value> missed;
  if (extras_ && extras_->previous) {
    join(extras_->previous->rooms);
    missed = std::move(extras_->previous->missedPackets);
    extras_->previous.reset();
  }
  join(id_);
  std::optional<Value> reply;  // v3 clients get a CONNECT without payload
  if (client_->protocol() != 3) {
    reply = Value::object({{"sid", id_}});
    if (!pid().empty()) reply->set("pid", pid());
  }
  sendPacket(
      protocol::Packet{protocol::PacketType::Connect, nsp_->name(), std::nullopt, std::move(reply)},
      {});
  for (auto& packet : missed)
    sendPacket(protocol::Packet{protocol::PacketType::Event, nsp_->name(), std::nullopt,
                                std::move(packet)},
               {});
}

void Socket::onPacket(protocol::Packet packet) {
  if (!connected_) return;
  switch (packet.type) {
    case protocol::PacketType::Event:
    case protocol::PacketType::BinaryEvent:
      return onEvent(packet);
    case protocol::PacketType::Ack:
    case protocol::PacketType::BinaryAck:
      return onAckPacket(packet);
    case protocol::PacketType::Disconnect:
      return onClose(std::string(disconnect_reason::kClientNamespaceDisconnect));
    default:
      return;
  }
}

void Socket::onEvent(protocol::Packet& packet) {
  Args args = std::move(packet.data->asArray());
  Ack ack;
  if (packet.id) {
    uint64_t id = *packet.id;
    ack = Ack([weak = weak_from_this(), id](Args response) {
      auto self = weak.lock();
      if (!self) return;
      self->sendPacket(protocol::Packet{protocol::PacketType::Ack, self->nsp_->name(), id,
                                        Value(std::move(response))},
                       {});
    });
  }
  if (extras_ && !extras_->anyListeners.empty()) {
    const std::string& event = args[0].asString();
    Args rest(args.begin() + 1, args.end());
    auto listeners = extras_->anyListeners;
    for (auto& listener : listeners)
      if (!guarded(event, [&] { listener(event, rest); })) return;
  }
  dispatch(std::move(args), std::move(ack));
}

void Socket::dispatch(Args args, Ack ack) {
  auto self = shared_from_this();
  auto shared = std::make_shared<Args>(std::move(args));
  runMiddlewares(*shared, 0, [self, shared, ack](std::optional<Error> error) {
    if (error) return self->emitError(*error);
    if (!self->connected_) return;
    Args& packet = *shared;
    std::string event = packet[0].asString();
    auto listeners = self->listeners_.take(event);
    if (listeners.empty()) return;
    Args rest(std::make_move_iterator(packet.begin() + 1), std::make_move_iterator(packet.end()));
    for (auto& listener : listeners)
      if (!self->guarded(event, [&] { listener(rest, ack); })) return;
  });
}

void Socket::runMiddlewares(Args& args, size_t index,
                            std::function<void(std::optional<Error>)> done) {
  if (!extras_ || index >= extras_->middlewares.size()) return done(std::nullopt);
  auto middleware = extras_->middlewares[index];
  std::string event = args[0].asString();  // the middleware may change args
  guarded(event, [&] {
    middleware(args,
               Next([self = shared_from_this(), &args, index, done](std::optional<Error> error) {
                 if (error) return done(std::move(error));
                 self->runMiddlewares(args, index + 1, done);
               }));
  });
}

void Socket::onAckPacket(protocol::Packet& packet) {
  if (!packet.id || !extras_) return;
  auto it = extras_->acks.find(*packet.id);
  if (it == extras_->acks.end()) return;
  auto handler = std::move(it->second);
  extras_->acks.erase(it);
  extras_->ackTimers.erase(*packet.id);
  Args args = packet.data && packet.data->isArray() ? std::move(packet.data->asArray()) : Args{};
  guarded("ack", [&] { handler(std::move(args)); });
}

void Socket::emitError(const Error& error) {
  if (!extras_) return;
  auto handlers = extras_->onError;
  for (auto& handler : handlers)
    if (!guarded("error", [&] { handler(error); })) return;
}

void Socket::onDecodeError(const Error& error) {
  emitError(error);
}

void Socket::transportUpgraded(std::string_view transport) {
  if (!connected_ || closing_) return;
  if (!extras_) return;
  auto self = shared_from_this();
  auto handlers = extras_->onTransportUpgrade;
  for (auto& handler : handlers)
    if (!guarded("upgrade", [&] { handler(transport); })) return;
}

void Socket::onClose(const std::string& reason, const std::string& description) {
  if (!connected_ || closing_) return;
  closing_ = true;  // from here a handler's throw is contained without a second disconnect
  auto self = shared_from_this();
  if (extras_) {
    auto disconnecting = extras_->onDisconnecting;
    for (auto& handler : disconnecting)
      guarded("disconnecting", [&] { handler(reason, description); });
  }
  if (nsp_->recoveryEnabled() && disconnect_reason::isRecoverable(reason)) {
    nsp_->adapter().persistSession(SessionToPersist{id_, pid(), rooms().items(), data_});
  }
  cleanup();
  client_->removeSocket(*this);
  connected_ = false;
  if (extras_) {
    auto disconnect = extras_->onDisconnect;
    for (auto& handler : disconnect) guarded("disconnect", [&] { handler(reason, description); });
  }
  // Handlers often hold this socket: drop them so that nothing keeps it alive.
  listeners_.clear();
  offAnyOutgoing();  // first: the namespace counts the sockets that have outgoing listeners
  if (extras_) extras_->dropHandlers();
}

bool Socket::clientOpen() const {
  return client_->open();
}

void Socket::cleanup() {
  leaveAll();
  nsp_->remove(*this);
}

}  // namespace sio
