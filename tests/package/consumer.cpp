// Builds against socketio-cpp's public headers and library only (installed, or added with
// add_subdirectory), serves one listening socket and prints the version it was built with.
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "sio/engine/http_server.hpp"
#include "sio/engine/server.hpp"
#include "sio/version.hpp"

static_assert(SIO_VERSION ==
              SIO_VERSION_MAJOR * 10000 + SIO_VERSION_MINOR * 100 + SIO_VERSION_PATCH);

int main() {
  boost::asio::io_context io;
  sio::engine::Server engine(io);
  sio::engine::HttpServer http(io);
  http.attach(engine);
  std::cout << "socketio-cpp " << sio::kVersion << ", bound port " << http.listen("127.0.0.1", 0)
            << "\n";
  return engine.clientsCount() == 0 ? 0 : 1;
}
