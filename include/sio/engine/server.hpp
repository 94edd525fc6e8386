// The Engine.IO v4 server (Node's engine.io `Server`): handshakes, the session table, the
// polling and WebSocket transports and upgrades. Attach it to an HttpServer at its path;
// several servers (Engine.IO, Socket.IO) can share one HttpServer.
//
//   sio::engine::Server engine(io, {.pingInterval = 25s});
//   engine.onConnection([](std::shared_ptr<sio::engine::Socket> s) { ... });
//   sio::HttpServer http(io);  http.attach(engine);  http.listen("127.0.0.1", 3000);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "sio/engine/options.hpp"
#include "sio/engine/socket.hpp"

namespace boost::asio {
class io_context;
}

namespace sio::engine {

class ServerCore;

// What the server has done since it started (counters only grow).
struct ServerStats {
  uint64_t sessionsOpened = 0;
  // Sessions ended, by Node's close reason ("transport close", "ping timeout", …).
  std::map<std::string, uint64_t, std::less<>> sessionsClosed;
  // Of those: closed for a limit.
  uint64_t slowConsumers = 0;      // maxBufferedBytes reached ("transport error")
  uint64_t payloadsTooLarge = 0;   // a POST body over maxHttpBufferSize
  uint64_t handshakesRefused = 0;  // maxConnections reached (HTTP 503)
  uint64_t upgrades = 0;           // polling sessions moved to WebSocket
  // Engine.IO message packets (Socket.IO's frames) and their payload bytes.
  uint64_t messagesReceived = 0, messagesSent = 0, bytesReceived = 0, bytesSent = 0;
};

class Server {
 public:
  using ConnectionHandler = std::function<void(std::shared_ptr<Socket>)>;

  explicit Server(boost::asio::io_context& io, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void onConnection(ConnectionHandler handler);
  const ServerOptions& options() const;
  size_t clientsCount() const;
  const ServerStats& stats() const;
  // Sessions open now, by transport name ("polling", "websocket").
  std::map<std::string, size_t> sessionsByTransport() const;
  std::shared_ptr<Socket> client(const std::string& id) const;

  // Closes every session ("server shutting down"); new handshakes are refused after it.
  void close();
  // New handshakes are answered HTTP 503 "Server draining"; open sessions go on.
  void refuseHandshakes();

  // For HttpServer::attach.
  std::shared_ptr<ServerCore> core() const { return core_; }

 private:
  std::shared_ptr<ServerCore> core_;
};

}  // namespace sio::engine
