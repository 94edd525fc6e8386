// A raw Engine.IO echo server: the smallest program on the engine layer. Every message a
// client sends (text or binary) comes straight back. Usage: sio-engine-echo [port]
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <string>

#include "sio/engine/http_server.hpp"
#include "sio/engine/server.hpp"
#include "sio/version.hpp"

int main(int argc, char** argv) {
  std::string first = argc > 1 ? argv[1] : "";
  if (first == "--help" || first == "-h") {
    std::cout << "usage: sio-engine-echo [PORT]   (default 3000)\n"
                 "  --help      print this and exit\n"
                 "  --version   print the version and exit\n";
    return 0;
  }
  if (first == "--version") {
    std::cout << "sio-engine-echo " << sio::kVersion << "\n";
    return 0;
  }
  boost::asio::io_context io;
  sio::engine::ServerOptions options;
  options.pingInterval = std::chrono::seconds(25);
  sio::engine::Server engine(io, options);
  engine.onConnection([](std::shared_ptr<sio::engine::Socket> socket) {
    std::cout << "connected " << socket->id() << " from " << socket->request().remoteAddress()
              << " over " << socket->transportName() << std::endl;
    std::weak_ptr<sio::engine::Socket> weak = socket;
    socket->onMessage([weak](const sio::engine::Packet& message) {
      if (auto self = weak.lock()) self->send(message);
    });
    socket->onClose([id = socket->id()](std::string_view reason, std::string_view) {
      std::cout << "closed " << id << ": " << reason << std::endl;
    });
  });

  sio::engine::HttpServer http(io);
  http.attach(engine);
  uint16_t port =
      http.listen("0.0.0.0", argc > 1 ? static_cast<uint16_t>(std::stoi(argv[1])) : 3000);
  std::cout << "Engine.IO echo on http://localhost:" << port << "/engine.io/" << std::endl;
  io.run();
}
