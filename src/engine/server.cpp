// The Engine.IO server: request checks in Node's order (transport, origin, sid and its
// protocol revision, handshake method, allowRequest, protocol version: v3 only with
// allowEIO3), session creation for polling and WebSocket handshakes, routing of polls and
// upgrades to existing sessions.
#include "sio/engine/server.hpp"

#include <algorithm>

#include "cors.hpp"
#include "polling_transport.hpp"
#include "server_core.hpp"
#include "sio/codec/json_string.hpp"
#include "sio/engine/close_reason.hpp"
#include "sio/engine/session_id.hpp"
#include "wire_format.hpp"

namespace sio::engine {
namespace {

std::string normalizedPath(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path + "/";
}

// Node's checkInvalidHeaderChar: only tab, visible ASCII and bytes >= 0x80.
bool hasInvalidHeaderChar(std::string_view value) {
  return std::any_of(value.begin(), value.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return !(u == '\t' || (u >= 0x20 && u != 0x7f));
  });
}

std::string serializeCookie(const CookieOptions& cookie, const std::string& value) {
  std::string out = cookie.name + "=" + value;
  if (cookie.maxAge) out += "; Max-Age=" + std::to_string(*cookie.maxAge);
  if (!cookie.domain.empty()) out += "; Domain=" + cookie.domain;
  if (!cookie.path.empty()) out += "; Path=" + cookie.path;
  if (cookie.httpOnly) out += "; HttpOnly";
  if (cookie.secure) out += "; Secure";
  if (!cookie.sameSite.empty()) out += "; SameSite=" + cookie.sameSite;
  return out;
}

constexpr const char* kTooManyConnections = "Too many connections";
constexpr size_t kBurstSessions = 1000;  // fewer sessions than this are no burst
constexpr const char* kServerDraining = "Server draining";

std::string_view messageOf(const Rejection& rejection) {
  return rejection.message.empty() ? defaultMessage(rejection.error)
                                   : std::string_view(rejection.message);
}

}  // namespace

ServerCore::ServerCore(boost::asio::io_context& io, ServerOptions options)
    : io_(io),
      options_(std::make_shared<const ServerOptions>(std::move(options))),
      path_(normalizedPath(options_->path)),
      limitLog_(io),
      memoryRelease_(io) {}

std::shared_ptr<Session> ServerCore::session(std::string_view id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : *it;
}

void ServerCore::close() {
  refusing_ = true;
  auto sessions = sessions_;
  for (const auto& session : sessions) session->closeNow(close_reason::kForcedClose);
}

bool ServerCore::matches(std::string_view path) const {
  return path.substr(0, path_.size()) == path_ ||
         path == std::string_view(path_).substr(0, path_.size() - 1);
}

void ServerCore::decorate(const Request& request, HttpResponse& response) const {
  if (options_->cors) addCorsHeaders(*options_->cors, request, response);
}

HeaderList ServerCore::cookieHeaders(const std::string& id) const {
  if (!options_->cookie) return {};
  return {{"Set-Cookie", serializeCookie(*options_->cookie, id)}};
}

WebSocketSettings ServerCore::webSocketSettings(const Request& request) const {
  WebSocketSettings settings;
  settings.wire = wireFormatOf(request);
  settings.maxMessageSize = options_->maxHttpBufferSize;
  if (options_->perMessageDeflate) {
    settings.perMessageDeflate = true;
    settings.deflateThreshold = options_->perMessageDeflate->threshold;
  }
  return settings;
}

void ServerCore::rejectRequest(HttpExchange& exchange, const Rejection& rejection) {
  HttpResponse response;
  response.status = rejection.error == HandshakeError::Forbidden ? 403 : 400;
  response.set("Content-Type", "application/json");
  response.body = "{\"code\":" + std::to_string(static_cast<int>(rejection.error)) +
                  ",\"message\":" + codec::jsonString(messageOf(rejection)) + "}";
  decorate(exchange.request(), response);
  exchange.respond(std::move(response));
}

void ServerCore::verify(const Request& request, bool upgrade, Verdict verdict) {
  auto transport = request.param("transport");
  const auto& allowed = options_->transports;
  if (!transport || std::find(allowed.begin(), allowed.end(), *transport) == allowed.end())
    return verdict(Rejection{HandshakeError::UnknownTransport, {}});
  if (auto origin = request.header("origin"); origin && hasInvalidHeaderChar(*origin))
    return verdict(Rejection{HandshakeError::BadRequest, {}});
  if (auto sid = request.param("sid")) {
    auto existing = session(*sid);
    if (!existing) return verdict(Rejection{HandshakeError::UnknownSid, {}});
    if (!upgrade && existing->transportName() != *transport)
      return verdict(Rejection{HandshakeError::BadRequest, {}});
    if (existing->protocol() != protocolOf(request))
      return verdict(Rejection{HandshakeError::BadRequest, {}});
    return verdict(std::nullopt);
  }
  if (request.method() != "GET") return verdict(Rejection{HandshakeError::BadHandshakeMethod, {}});
  if (*transport == "websocket" && !upgrade)
    return verdict(Rejection{HandshakeError::BadRequest, {}});
  if (!options_->allowRequest) return verdict(std::nullopt);
  options_->allowRequest(request, [verdict](std::string message, bool success) {
    if (success)
      verdict(std::nullopt);
    else
      verdict(Rejection{HandshakeError::Forbidden, std::move(message)});
  });
}

void ServerCore::handleRequest(std::shared_ptr<HttpExchange> exchange) {
  const Request& request = exchange->request();
  if (options_->cors && request.method() == "OPTIONS") {
    exchange->respond(preflightResponse(*options_->cors, request));
    return;
  }
  if (exchange->bodyTooLarge()) {
    if (auto sid = request.param("sid"))
      if (auto existing = session(*sid)) {
        ++stats_->payloadsTooLarge;
        recordLimit("payload too large");
        existing->closeNow(close_reason::kTransportError);
      }
    HttpResponse response{413, {}, {}};
    decorate(request, response);
    exchange->respond(std::move(response));
    return;
  }
  verify(request, false, [self = shared_from_this(), exchange](std::optional<Rejection> rejection) {
    if (rejection) return self->rejectRequest(*exchange, *rejection);
    auto sid = exchange->request().param("sid");
    if (!sid) return self->handshakePolling(exchange);
    auto existing = self->session(*sid);
    if (auto* polling =
            dynamic_cast<PollingTransport*>(existing ? &existing->transport() : nullptr))
      polling->onRequest(exchange);
    else
      self->rejectRequest(*exchange, Rejection{HandshakeError::BadRequest, {}});
  });
}

std::shared_ptr<Session> ServerCore::addSession(std::string id, const Request& request,
                                                std::shared_ptr<Transport> transport) {
  if (!sessionShared_) {
    sessionShared_ = std::make_shared<const Session::Shared>(
        io_, options_, stats_,
        [weak = weak_from_this()](const std::string& closedId, std::string_view reason,
                                  std::string_view description) {
          if (auto self = weak.lock()) self->onSessionClosed(closedId, reason, description);
        });
  }
  auto created =
      std::make_shared<Session>(std::move(id), request, sessionShared_, std::move(transport));
  sessions_.insert(created);
  sessionsHighWater_ = std::max(sessionsHighWater_, sessions_.size());
  ++stats_->sessionsOpened;
  created->open();
  return created;
}

void ServerCore::onSessionClosed(const std::string& id, std::string_view reason,
                                 std::string_view description) {
  if (auto it = sessions_.find(std::string_view(id)); it != sessions_.end()) sessions_.erase(it);
  if (sessionsHighWater_ >= kBurstSessions && sessions_.size() <= sessionsHighWater_ / 2) {
    memoryRelease_.soon();  // a burst of sessions is gone: so is what it kept
    sessionsHighWater_ = sessions_.size();
  }
  auto it = stats_->sessionsClosed.find(reason);
  if (it == stats_->sessionsClosed.end()) it = stats_->sessionsClosed.emplace(reason, 0).first;
  ++it->second;
  if (description == Session::kSlowConsumer) {
    ++stats_->slowConsumers;
    recordLimit(Session::kSlowConsumer);
    memoryRelease_.soon();  // what the stuck clients held goes back to the system
  } else if (reason == close_reason::kParseError) {
    recordLimit(close_reason::kParseError);
  }
}

void ServerCore::recordLimit(std::string_view limit) {
  limitLog_.record(limit);
}

// v4 always; v3 (any EIO but "4", as engine.io decides) with allowEIO3.
bool ServerCore::protocolServed(const Request& request) const {
  return protocolOf(request) == 4 || options_->allowEIO3;
}

bool ServerCore::atCapacity() const {
  return options_->maxConnections &&
         sessions_.size() + *handshakesInProgress_ >= options_->maxConnections;
}

const char* ServerCore::refusal() const {
  if (refusing_) return kServerDraining;
  if (atCapacity()) return kTooManyConnections;
  return nullptr;
}

void ServerCore::refuseHandshake(HttpExchange& exchange, const char* reason) {
  if (reason == kTooManyConnections) {
    ++stats_->handshakesRefused;
    recordLimit("maxConnections reached");
  }
  HttpResponse response{503,
                        {{"Content-Type", "application/json"}},
                        "{\"message\":" + codec::jsonString(reason) + "}"};
  decorate(exchange.request(), response);
  exchange.respond(std::move(response));
}

void ServerCore::refuseHandshake(PendingUpgrade& upgrade, const char* reason) {
  if (reason == kTooManyConnections) {
    ++stats_->handshakesRefused;
    recordLimit("maxConnections reached");
  }
  upgrade.reject(503, reason);
}

void ServerCore::handshakePolling(std::shared_ptr<HttpExchange> exchange) {
  const Request& request = exchange->request();
  if (!protocolServed(request))
    return rejectRequest(*exchange, Rejection{HandshakeError::UnsupportedProtocolVersion, {}});
  if (const char* reason = refusal()) return refuseHandshake(*exchange, reason);
  auto id = generateSessionId();
  auto transport = std::make_shared<PollingTransport>(
      io_, options_,
      [weak = weak_from_this()](const Request& req, HttpResponse& response) {
        if (auto self = weak.lock()) self->decorate(req, response);
      },
      wireFormatOf(request));
  auto created = addSession(id, request, transport);
  transport->onRequest(exchange, cookieHeaders(id));
  if (onConnection_ && created->readyState() == ReadyState::Open) onConnection_(created);
}

void ServerCore::handleUpgrade(std::shared_ptr<PendingUpgrade> upgrade) {
  verify(upgrade->request(), true,
         [self = shared_from_this(), upgrade](std::optional<Rejection> rejection) {
           if (rejection) return upgrade->reject(400, std::string(messageOf(*rejection)));
           const Request& request = upgrade->request();
           if (*request.param("transport") != "websocket")
             return upgrade->reject(400, std::string(defaultMessage(HandshakeError::BadRequest)));
           auto sid = request.param("sid");
           if (!sid) return self->handshakeWebSocket(upgrade);
           self->upgradeSession(upgrade, self->session(*sid));
         });
}

void ServerCore::handshakeWebSocket(std::shared_ptr<PendingUpgrade> upgrade) {
  const Request& request = upgrade->request();
  if (!protocolServed(request))
    return upgrade->reject(400,
                           std::string(defaultMessage(HandshakeError::UnsupportedProtocolVersion)));
  if (const char* reason = refusal()) return refuseHandshake(*upgrade, reason);
  auto id = generateSessionId();
  // Counted until the accept ends, whether it opens a session or fails.
  ++*handshakesInProgress_;
  std::shared_ptr<void> slot(nullptr, [count = handshakesInProgress_](void*) { --*count; });
  upgrade->accept(
      webSocketSettings(request), cookieHeaders(id),
      [weak = weak_from_this(), id, upgrade, slot](std::shared_ptr<Transport> transport) {
        auto self = weak.lock();
        if (!self) return transport->close();
        auto created = self->addSession(id, upgrade->request(), transport);
        transport->start();
        if (self->onConnection_ && created->readyState() == ReadyState::Open)
          self->onConnection_(created);
      });
}

// A WebSocket for an existing session becomes its upgrade probe, unless the session is
// already upgrading or upgraded: then the new WebSocket is closed, as Node does.
void ServerCore::upgradeSession(std::shared_ptr<PendingUpgrade> upgrade,
                                std::shared_ptr<Session> existing) {
  bool refuse = !existing || existing->upgrading() || existing->upgraded() ||
                existing->transportName() != "polling" || !options_->allowUpgrades;
  upgrade->accept(
      webSocketSettings(upgrade->request()), {},
      [weak = std::weak_ptr<Session>(existing), refuse](std::shared_ptr<Transport> transport) {
        auto target = weak.lock();
        if (refuse || !target || target->upgrading() || target->readyState() != ReadyState::Open)
          return transport->close();
        target->maybeUpgrade(std::move(transport));
      });
}

// The public facade.
Server::Server(boost::asio::io_context& io, ServerOptions options)
    : core_(std::make_shared<ServerCore>(io, std::move(options))) {}
Server::~Server() = default;
void Server::onConnection(ConnectionHandler handler) {
  core_->onConnection(std::move(handler));
}
const ServerOptions& Server::options() const {
  return core_->options();
}
size_t Server::clientsCount() const {
  return core_->clientsCount();
}
const ServerStats& Server::stats() const {
  return core_->stats();
}
std::map<std::string, size_t> Server::sessionsByTransport() const {
  std::map<std::string, size_t> counts;
  for (const auto& session : core_->sessions()) ++counts[std::string(session->transportName())];
  return counts;
}
std::shared_ptr<Socket> Server::client(const std::string& id) const {
  return core_->session(id);
}
void Server::close() {
  core_->close();
}
void Server::refuseHandshakes() {
  core_->refuseHandshakes();
}

}  // namespace sio::engine
