// The Engine.IO server's working part: an HttpEndpoint that checks each request as Node's
// `verify()` does, opens sessions on handshake, and routes later requests and WebSocket
// upgrades to the session's transports. Owned by sio::engine::Server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "handshake_error.hpp"
#include "http_endpoint.hpp"
#include "limit_close_log.hpp"
#include "memory_release.hpp"
#include "session.hpp"
#include "sio/engine/options.hpp"
#include "sio/engine/server.hpp"

namespace sio::engine {

class ServerCore final : public HttpEndpoint, public std::enable_shared_from_this<ServerCore> {
 public:
  using ConnectionHandler = std::function<void(std::shared_ptr<Socket>)>;

  ServerCore(boost::asio::io_context& io, ServerOptions options);

  void onConnection(ConnectionHandler handler) { onConnection_ = std::move(handler); }
  const ServerOptions& options() const { return *options_; }
  boost::asio::io_context& ioContext() const { return io_; }
  size_t clientsCount() const { return sessions_.size(); }
  const ServerStats& stats() const { return *stats_; }
  // The sessions, found by id: a set hashed on each session's own id (no copy of it, and
  // no hash kept per entry: a node is a link and the pointer).
  struct ById {
    using is_transparent = void;
    size_t operator()(std::string_view id) const noexcept {
      return std::hash<std::string_view>()(id);
    }
    size_t operator()(const std::shared_ptr<Session>& session) const noexcept {
      return (*this)(std::string_view(session->id()));
    }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      return idOf(a) == idOf(b);
    }
    static std::string_view idOf(std::string_view id) { return id; }
    static std::string_view idOf(const std::shared_ptr<Session>& session) { return session->id(); }
  };
  using SessionTable = std::unordered_set<std::shared_ptr<Session>, ById, ById>;
  const SessionTable& sessions() const { return sessions_; }
  std::shared_ptr<Session> session(std::string_view id) const;
  void close();
  // New handshakes get HTTP 503 "Server draining" from now on; sessions are not touched.
  void refuseHandshakes() { refusing_ = true; }

  // HttpEndpoint
  bool matches(std::string_view path) const override;
  size_t bodyLimit() const override { return options_->maxHttpBufferSize; }
  void handleRequest(std::shared_ptr<HttpExchange> exchange) override;
  void handleUpgrade(std::shared_ptr<PendingUpgrade> upgrade) override;

 private:
  using Verdict = std::function<void(std::optional<Rejection>)>;
  void verify(const Request& request, bool upgrade, Verdict verdict);
  void handshakePolling(std::shared_ptr<HttpExchange> exchange);
  void handshakeWebSocket(std::shared_ptr<PendingUpgrade> upgrade);
  void upgradeSession(std::shared_ptr<PendingUpgrade> upgrade, std::shared_ptr<Session> session);
  std::shared_ptr<Session> addSession(std::string id, const Request& request,
                                      std::shared_ptr<Transport> transport);
  void rejectRequest(HttpExchange& exchange, const Rejection& rejection);
  // maxConnections: true (and the handshake answered 503) when the server is full.
  bool atCapacity() const;
  // The reason a new handshake is refused now (draining, full), or nullptr.
  const char* refusal() const;
  void refuseHandshake(HttpExchange& exchange, const char* reason);
  void refuseHandshake(PendingUpgrade& upgrade, const char* reason);
  void onSessionClosed(const std::string& id, std::string_view reason,
                       std::string_view description);
  void recordLimit(std::string_view limit);
  void decorate(const Request& request, HttpResponse& response) const;
  HeaderList cookieHeaders(const std::string& id) const;
  WebSocketSettings webSocketSettings(const Request& request) const;
  bool protocolServed(const Request& request) const;

  boost::asio::io_context& io_;
  std::shared_ptr<const ServerOptions> options_;
  std::string path_;  // with its trailing slash
  SessionTable sessions_;
  std::shared_ptr<const Session::Shared> sessionShared_;  // made with the first session
  // WebSocket handshakes between the upgrade request and the session (maxConnections
  // counts them): one token each, held by the pending accept, released with it.
  std::shared_ptr<size_t> handshakesInProgress_ = std::make_shared<size_t>(0);
  ConnectionHandler onConnection_;
  std::shared_ptr<ServerStats> stats_ = std::make_shared<ServerStats>();  // sessions count too
  bool refusing_ = false;
  // Sessions at their highest since memory was last given back: when a burst has gone
  // (half of it closed), what the allocator kept of it is returned too.
  size_t sessionsHighWater_ = 0;
  LimitCloseLog limitLog_;
  MemoryRelease memoryRelease_;
};

}  // namespace sio::engine
