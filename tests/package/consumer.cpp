// Builds against the installed headers and library only, and serves one handshake.
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "sio/engine/http_server.hpp"
#include "sio/engine/server.hpp"

int main() {
  boost::asio::io_context io;
  sio::engine::Server engine(io);
  sio::engine::HttpServer http(io);
  http.attach(engine);
  std::cout << "bound port " << http.listen("127.0.0.1", 0) << "\n";
  return engine.clientsCount() == 0 ? 0 : 1;
}
