// engine::handleRequest / handleUpgrade: requests that an application's own HTTP server
// parsed enter the engine as the HTTP listener's do, as HttpExchanges and PendingUpgrades.
#include "sio/engine/embedding.hpp"

#include <unistd.h>

#include "embedded_upgrade.hpp"
#include "server_core.hpp"
#include "sio/engine/server.hpp"

namespace sio::engine {
namespace {

class EmbeddedExchange final : public HttpExchange, public EmbeddedRequest {
 public:
  EmbeddedExchange(Request request, std::string body, bool tooLarge,
                   std::function<void(HttpResponse)> respond)
      : request_(std::move(request)),
        body_(std::move(body)),
        tooLarge_(tooLarge),
        respond_(std::move(respond)) {}

  const Request& request() const override { return request_; }
  const std::string& body() const override { return body_; }
  bool bodyTooLarge() const override { return tooLarge_; }
  bool responded() const override { return responded_; }
  void onAbort(std::function<void()> handler) override { onAbort_ = std::move(handler); }
  void respond(HttpResponse response) override {
    if (responded_) return;
    responded_ = true;
    onAbort_ = nullptr;
    if (auto respond = std::move(respond_)) respond(std::move(response));
  }

  void abort() override {
    if (responded_) return;
    responded_ = true;
    respond_ = nullptr;
    if (auto handler = std::move(onAbort_)) handler();
  }

 private:
  Request request_;
  std::string body_;
  bool tooLarge_;
  bool responded_ = false;
  std::function<void(HttpResponse)> respond_;
  std::function<void()> onAbort_;
};

// The application's socket as the engine's connections are typed (ConnectionSocket), on the
// server's io_context: the descriptor changes hands and is registered with the reactor anew.
// A socket that cannot be taken over stays closed (the upgrade then fails as on a dead one).
ConnectionSocket adopt(boost::asio::ip::tcp::socket socket, boost::asio::io_context& io) {
  ConnectionSocket adopted(io);
  if (!socket.is_open()) return adopted;
  boost::system::error_code ec;
  auto protocol = socket.local_endpoint(ec).protocol();
  if (ec) return adopted;
  auto descriptor = socket.release(ec);
  if (ec) return adopted;
  adopted.assign(protocol, descriptor, ec);
  if (ec) ::close(descriptor);
  return adopted;
}

}  // namespace

bool handles(const Server& server, std::string_view path) {
  return server.core()->matches(path);
}

std::shared_ptr<EmbeddedRequest> handleRequest(Server& server, Request request, std::string body,
                                               std::function<void(HttpResponse)> respond) {
  auto core = server.core();
  bool tooLarge = body.size() > core->bodyLimit();
  if (tooLarge) body.clear();
  if (request.peerAddress().empty()) request.setPeerAddress(request.remoteAddress());
  auto exchange = std::make_shared<EmbeddedExchange>(std::move(request), std::move(body), tooLarge,
                                                     std::move(respond));
  core->handleRequest(exchange);
  return exchange;
}

void handleUpgrade(Server& server, Request request, boost::asio::ip::tcp::socket socket,
                   std::string head) {
  if (request.peerAddress().empty()) request.setPeerAddress(request.remoteAddress());
  auto core = server.core();
  core->handleUpgrade(makeEmbeddedUpgrade(adopt(std::move(socket), core->ioContext()),
                                          std::move(request), std::move(head)));
}

}  // namespace sio::engine
