// Socket.IO client connection: Engine.IO messages in, decoded packets routed to the socket
// of their namespace (CONNECT creates it), encoded packets out as the server's parser
// frames them (default: one text message plus one binary message per attachment; msgpack:
// one binary message). A malformed packet ends the connection ("parse error"). For
// Engine.IO v3 clients, as socket.io 4.8 serves them, the connection joins `/` by itself
// and a namespace may carry a query (`/custom?token=1`): its path names the namespace and
// its parameters are the auth.
#include "client.hpp"

#include <unordered_map>

#include "sio/codec/query_string.hpp"
#include "sio/engine/close_reason.hpp"
#include "sio/engine/context_timer_wheel.hpp"
#include "sio/server/disconnect_reason.hpp"
#include "sio/server/server.hpp"

namespace sio {

namespace {

protocol::DecoderLimits decoderLimits(const ServerOptions& options) {
  protocol::DecoderLimits limits;
  limits.maxAttachments = options.maxAttachments;
  limits.maxAttachmentBytes = options.maxAttachmentBytes
                                  ? options.maxAttachmentBytes
                                  : options.maxAttachments * options.engine.maxHttpBufferSize;
  return limits;
}

// A v3 namespace `/path?query`: the path, and the query's parameters as an object of
// strings (a repeated name keeps its place and its last value, as Object.fromEntries does).
std::pair<std::string, Value> splitV3Namespace(std::string_view nsp) {
  auto [path, query] = codec::splitTarget(nsp);
  Value::Object members;
  std::unordered_map<std::string, size_t> index;  // a long query stays linear
  for (auto& [key, value] : codec::parseQuery(query)) {
    auto [at, added] = index.try_emplace(key, members.size());
    if (added)
      members.emplace_back(std::move(key), Value(std::move(value)));
    else
      members[at->second].second = Value(std::move(value));
  }
  return {std::string(path), Value(std::move(members))};
}

}  // namespace

Client::Client(Server& server, std::shared_ptr<engine::Socket> conn)
    : server_(server),
      conn_(std::move(conn)),
      connectDeadline_(std::make_unique<engine::TimerWheel::Entry>(
          &engine::TimerWheel::Entry::member<&Client::onConnectDeadline>, this)) {}

void Client::start() {
  // The client holds itself until the connection's close handler ran; the session calls
  // neither handler after it ended, so both handlers' plain pointers fit std::function's
  // own storage (no allocation per connection).
  self_ = shared_from_this();
  conn_->onMessage([this](const engine::Packet& message) { onMessage(message); });
  conn_->onClose([this](std::string_view reason, std::string_view description) {
    onConnectionClosed(reason, description);
  });
  if (conn_->transportName() != "websocket") {  // a WebSocket session never upgrades
    conn_->onUpgrade([weak = weak_from_this()](std::string_view transport) {
      if (auto self = weak.lock()) self->onUpgrade(transport);
    });
  }
  engine::ContextTimerWheel::of(server_.context())
      .schedule(*connectDeadline_,
                engine::TimerWheel::Clock::now() + server_.options().connectTimeout);
  if (protocol() == 3) connect("/", Value::object());  // v2 clients never CONNECT to `/`
}

// A broadcast's encoded bytes are shared by every recipient, v3 and v4 clients alike (the
// Socket.IO packet is the same for both); only the Engine.IO framing of each session differs.
void Client::write(const protocol::EncodedPacket& packet, const BroadcastFlags& flags) {
  if (!open()) return;
  if (flags.isVolatile && !conn_->writable()) return;
  bool compress = flags.compress.value_or(true);
  if (packet.text) conn_->sendShared(packet.text, false, compress);
  for (const auto& attachment : packet.attachments)
    conn_->sendShared(attachment.shared(), true, compress);
}

void Client::sendPacket(const protocol::Packet& packet, const BroadcastFlags& flags) {
  write(server_.options().parser->encode(packet), flags);
}

void Client::onMessage(const engine::Packet& message) {
  auto self = shared_from_this();  // a packet may end the connection, and its handlers with it
  if (!decoder_) decoder_ = server_.options().parser->decoder(decoderLimits(server_.options()));
  auto result = message.binary ? decoder_->addBinary(Binary(message.data))
                               : decoder_->addText(message.view());
  if (decoder_->idle()) decoder_.reset();
  if (auto* packet = std::get_if<protocol::Packet>(&result)) return onDecoded(std::move(*packet));
  if (std::holds_alternative<protocol::DecodeError>(result))
    conn_->closeNow(engine::close_reason::kParseError);
}

void Client::onDecoded(protocol::Packet packet) {
  std::optional<Value> v3Auth;
  if (protocol() == 3) {
    auto [name, auth] = splitV3Namespace(packet.nsp);
    packet.nsp = std::move(name);
    v3Auth = std::move(auth);
  }
  auto* it = findSocket(packet.nsp);
  if (!it && packet.type == protocol::PacketType::Connect) {
    if (v3Auth) return connect(packet.nsp, std::move(*v3Auth));
    return connect(packet.nsp, packet.data ? std::move(*packet.data) : Value::object());
  }
  if (it && packet.type != protocol::PacketType::Connect &&
      packet.type != protocol::PacketType::ConnectError) {
    auto socket = *it;
    return socket->onPacket(std::move(packet));
  }
  close();  // a packet for a namespace it never joined, or a second CONNECT
}

void Client::connect(const std::string& name, Value auth) {
  if (auto nsp = server_.findNamespace(name)) return doConnect(nsp, std::move(auth));
  server_.checkNamespace(
      name, auth, [weak = weak_from_this(), name, auth](std::shared_ptr<Namespace> nsp) {
        auto self = weak.lock();
        if (!self || !self->open()) return;
        if (nsp) return self->doConnect(nsp, auth);
        self->sendPacket(protocol::Packet{protocol::PacketType::ConnectError, name, std::nullopt,
                                          Value::object({{"message", "Invalid namespace"}})});
      });
}

void Client::doConnect(const std::shared_ptr<Namespace>& nsp, Value auth) {
  nsp->add(shared_from_this(), std::move(auth),
           [weak = weak_from_this()](std::shared_ptr<Socket> socket) {
             auto self = weak.lock();
             if (!self) return;
             if (auto* it = self->findSocket(socket->nsp().name()))
               *it = socket;
             else
               self->sockets_.push_back(socket);
             self->connectDeadline_.reset();
           });
}

void Client::removeSocket(const Socket& socket) {
  auto* it = findSocket(const_cast<Socket&>(socket).nsp().name());
  if (it && it->get() == &socket) sockets_.erase(it);
}

void Client::disconnectAll() {
  auto sockets = sockets_.takeAll();
  for (auto& socket : sockets) socket->disconnect(false);
  close();
}

void Client::close() {
  if (!open()) return;
  conn_->close();
  onClose(std::string(disconnect_reason::kForcedServerClose), {});
}

// No namespace joined within connectTimeout: the connection is closed.
void Client::onConnectDeadline() {
  auto self = weak_from_this().lock();
  if (!self || !sockets_.empty()) return;
  close();
}

std::shared_ptr<Socket>* Client::findSocket(std::string_view nsp) {
  return sockets_.findIf([nsp](const auto& socket) { return socket->nsp().name() == nsp; });
}

void Client::onUpgrade(std::string_view transport) {
  auto sockets = sockets_.snapshot();  // a handler may disconnect one
  for (auto& socket : sockets) socket->transportUpgraded(transport);
}

void Client::onClose(const std::string& reason, const std::string& description) {
  if (closed_) return;
  closed_ = true;
  // only cancelled: this may run inside the entry's own callback (onConnectDeadline)
  if (connectDeadline_) connectDeadline_->cancel();
  auto sockets = sockets_.takeAll();
  for (auto& socket : sockets) socket->onClose(reason, description);
  decoder_.reset();
}

void Client::onConnectionClosed(std::string_view reason, std::string_view description) {
  auto self = std::move(self_);  // released on return, the last use of this client
  onClose(std::string(reason), std::string(description));
}

}  // namespace sio
