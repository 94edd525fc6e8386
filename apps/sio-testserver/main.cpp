// sio-testserver: the fixture every black-box test drives (contract:
// shared/spec/test-server.md). It serves what the library offers so far: with
// --engine-echo a raw Engine.IO endpoint at /engine.io/ that echoes every message.
// Flags of layers not built yet are refused with "not yet supported" (exit 2).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <iostream>
#include <optional>

#include "sio/engine/http_server.hpp"
#include "sio/engine/server.hpp"
#include "testserver_flags.hpp"

namespace {

using namespace sio;

int fail(const std::string& message) {
  std::cerr << "sio-testserver: " << message << "\n" << testserver::usage();
  return 2;
}

engine::ServerOptions engineOptions(const testserver::Flags& flags) {
  engine::ServerOptions options;
  options.path = "/engine.io";
  options.pingInterval = std::chrono::milliseconds(flags.pingInterval);
  options.pingTimeout = std::chrono::milliseconds(flags.pingTimeout);
  options.maxHttpBufferSize = static_cast<size_t>(flags.maxPayload);
  return options;
}

void echoEverything(engine::Server& server) {
  server.onConnection([](std::shared_ptr<engine::Socket> socket) {
    std::weak_ptr<engine::Socket> weak = socket;
    socket->onMessage([weak](const engine::Packet& message) {
      if (auto self = weak.lock()) self->send(message);
    });
  });
}

}  // namespace

int main(int argc, char** argv) {
  testserver::Flags flags;
  try {
    flags = testserver::parseFlags(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const testserver::UsageError& error) {
    return fail(error.what());
  }
  if (flags.adapter != "memory") return fail("--adapter " + flags.adapter + ": not yet supported");
  if (flags.recovery) return fail("--recovery: not yet supported");

  boost::asio::io_context io(1);
  engine::HttpServer http(io);
  std::optional<engine::Server> echo;
  if (flags.engineEcho) {
    echo.emplace(io, engineOptions(flags));
    echoEverything(*echo);
    http.attach(*echo);
  }

  uint16_t port = 0;
  try {
    port = http.listen(flags.host, flags.port);
  } catch (const std::exception& error) {
    std::cerr << "sio-testserver: " << error.what() << "\n";
    return 1;
  }
  if (!flags.engineEcho)
    std::cerr
        << "sio-testserver: the Socket.IO layer is not built yet; serving nothing but HTTP 404\n";
  std::cout << "listening on " << port << std::endl;

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer grace(io);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    if (echo) echo->close();
    http.close();
    grace.expires_after(std::chrono::seconds(1));
    grace.async_wait([&](const boost::system::error_code&) { io.stop(); });
  });
  io.run();
  return 0;
}
