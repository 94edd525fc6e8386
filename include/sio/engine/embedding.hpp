// Serving an Engine.IO (or Socket.IO) server from an application's own HTTP server, as
// Node's engine.handleRequest(req, res) and engine.handleUpgrade(req, socket, head): the
// application parses HTTP itself and hands over the requests whose path is the server's
// (`handles`). Everything runs on the thread of the server's io_context. Plain TCP only:
// behind TLS, terminate it in front of the application, or use HttpServerOptions::tls.
//
//   if (sio::engine::handles(io.engine(), request.path()))
//     sio::engine::handleRequest(io.engine(), std::move(request), std::move(body),
//                                [&](sio::engine::HttpResponse response) { write(response); });
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sio/engine/request.hpp"
#include "sio/engine/response.hpp"

namespace sio::engine {

class Server;

// A request handed over with handleRequest, until it is answered.
class EmbeddedRequest {
 public:
  virtual ~EmbeddedRequest() = default;
  // The client went away before the response (e.g. during a long poll): the engine stops
  // waiting to answer it, and `respond` is not called.
  virtual void abort() = 0;
};

// Whether a request path belongs to the server (its `path` option, e.g. "/socket.io/").
bool handles(const Server& server, std::string_view path);

// Answers one HTTP request of the server's (a handshake, a long-poll GET, a POST of
// packets). `respond` is called once, possibly much later (a long poll waits for data):
// the application writes the response (it adds Content-Length and connection headers).
// A body over the server's maxHttpBufferSize is answered with an error and not read.
std::shared_ptr<EmbeddedRequest> handleRequest(Server& server, Request request, std::string body,
                                               std::function<void(HttpResponse)> respond);

// Takes over the connection of a request that asked for a WebSocket upgrade. `head` holds
// any bytes the application read after the request's headers (often none). The server
// answers the handshake (or an HTTP error) on the socket and owns it from now on.
void handleUpgrade(Server& server, Request request, boost::asio::ip::tcp::socket socket,
                   std::string head = {});

}  // namespace sio::engine
