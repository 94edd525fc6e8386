// The Engine.IO server's working part: an HttpEndpoint that checks each request as Node's
// `verify()` does, opens sessions on handshake, and routes later requests and WebSocket
// upgrades to the session's transports. Owned by sio::engine::Server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "handshake_error.hpp"
#include "http_endpoint.hpp"
#include "session.hpp"
#include "sio/engine/options.hpp"

namespace sio::engine {

class ServerCore final : public HttpEndpoint, public std::enable_shared_from_this<ServerCore> {
 public:
  using ConnectionHandler = std::function<void(std::shared_ptr<Socket>)>;

  ServerCore(boost::asio::io_context& io, ServerOptions options);

  void onConnection(ConnectionHandler handler) { onConnection_ = std::move(handler); }
  const ServerOptions& options() const { return *options_; }
  size_t clientsCount() const { return sessions_.size(); }
  std::shared_ptr<Session> session(const std::string& id) const;
  void close();

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
  void decorate(const Request& request, HttpResponse& response) const;
  HeaderList cookieHeaders(const std::string& id) const;
  WebSocketSettings webSocketSettings() const;

  boost::asio::io_context& io_;
  std::shared_ptr<const ServerOptions> options_;
  std::string path_;  // with its trailing slash
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
  ConnectionHandler onConnection_;
};

}  // namespace sio::engine
