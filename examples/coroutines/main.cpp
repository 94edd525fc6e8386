// A Socket.IO server written with C++20 coroutines: each asynchronous call is awaited with
// an Asio completion token (asio::use_awaitable), as a Node.js server awaits its promises.
// With a cluster adapter the same calls reach every node. Usage: sio-coroutines [PORT]
//   `survey` (question, ack): asks every other client (5 s), acks {complete, answers}
//   `who` (room, ack): acks the ids of the sockets in `room` (fetchSockets)
//   `ask-back` (ack): asks this client its name (2 s), acks it or the error
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iostream>
#include <string>

#include "sio/engine/shutdown_on_signal.hpp"
#include "sio/server/server.hpp"
#include "sio/version.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

asio::awaitable<void> survey(std::shared_ptr<sio::Socket> socket, sio::Args question,
                             sio::Ack ack) {
  // as_tuple keeps the answers that came before a timeout (Node's err.responses)
  auto [error, answers] = co_await socket->broadcast().timeout(5s).emitWithAck(
      "survey", std::move(question), asio::as_tuple(asio::use_awaitable));
  sio::Value reply = sio::Value::object();
  reply.set("complete", !error);
  reply.set("answers", sio::Value(std::move(answers)));
  ack({std::move(reply)});
}

asio::awaitable<void> who(sio::Server& server, std::string room, sio::Ack ack) {
  auto sockets = co_await server.in(room).fetchSockets(asio::use_awaitable);
  sio::Value ids = sio::Value::array();
  for (const auto& socket : sockets) ids.push(socket.id());
  ack({std::move(ids)});
}

asio::awaitable<void> askBack(std::shared_ptr<sio::Socket> socket, sio::Ack ack) {
  try {
    // use_awaitable throws boost::system::system_error: here "operation has timed out"
    sio::Args reply = co_await socket->timeout(2s).emitWithAck("name?", {}, asio::use_awaitable);
    ack({reply.empty() ? sio::Value() : reply[0]});
  } catch (const boost::system::system_error& error) {
    ack({sio::Value::object({{"error", error.code().message()}})});
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string first = argc > 1 ? argv[1] : "";
  if (first == "--help" || first == "-h") {
    std::cout << "usage: sio-coroutines [PORT]   (default 3000)\n"
                 "  --help      print this and exit\n"
                 "  --version   print the version and exit\n";
    return 0;
  }
  if (first == "--version") {
    std::cout << "sio-coroutines " << sio::kVersion << "\n";
    return 0;
  }
  asio::io_context io(1);
  sio::Server server(io);
  server.onConnection([&server](const std::shared_ptr<sio::Socket>& socket) {
    std::weak_ptr<sio::Socket> weak = socket;
    socket->on("survey", [&server, weak](const sio::Args& args, const sio::Ack& ack) {
      if (auto self = weak.lock(); self && ack)
        asio::co_spawn(server.context(), survey(self, args, ack), asio::detached);
    });
    socket->on("who", [&server](const sio::Args& args, const sio::Ack& ack) {
      if (ack && !args.empty() && args[0].isString())
        asio::co_spawn(server.context(), who(server, args[0].asString(), ack), asio::detached);
    });
    socket->on("ask-back", [&server, weak](const sio::Args&, const sio::Ack& ack) {
      if (auto self = weak.lock(); self && ack)
        asio::co_spawn(server.context(), askBack(self, ack), asio::detached);
    });
    socket->on("join", [weak](const sio::Args& args, const sio::Ack& ack) {
      if (auto self = weak.lock(); self && !args.empty() && args[0].isString())
        self->join(args[0].asString());
      if (ack) ack();
    });
  });
  sio::engine::ShutdownOnSignal shutdown(io, [&] { server.close(); });
  uint16_t port = server.listen("127.0.0.1", argc > 1 ? uint16_t(std::stoi(argv[1])) : 3000);
  std::cout << "listening on " << port << std::endl;
  io.run();
}
