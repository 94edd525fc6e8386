// Socket.IO inside an application's own Boost.Beast HTTP server (Node's io.attach on an
// existing http.Server): the application reads every request itself, answers its own
// routes, and hands those under /socket.io/ to the Socket.IO server, polling requests with
// sio::engine::handleRequest and WebSocket upgrades with sio::engine::handleUpgrade.
//
//   sio-embed-beast [--port N]     (prints "listening on <port>")
// Socket.IO: `echo` (...args, ack) acks the same args; GET /hello is the application's own.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "sio/engine/embedding.hpp"
#include "sio/engine/shutdown_on_signal.hpp"
#include "sio/server/server.hpp"
#include "sio/version.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The parsed request in the engine's terms.
sio::engine::Request toEngineRequest(const http::request<http::string_body>& message,
                                     const tcp::socket& socket) {
  beast::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  sio::engine::Request request(message.method_string(), message.target(),
                               ec ? std::string() : peer.address().to_string());
  request.setQueryFromUrl();  // the parameters of the url, stored only if some need decoding
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.addHeader(name, field.value());
  }
  return request;
}

// One keep-alive connection of the application's server: one request at a time.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, sio::Server& io) : socket_(std::move(socket)), io_(io) {}

  void read() {
    request_ = {};
    http::async_read(socket_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->route();
                     });
  }

 private:
  void route() {
    auto& engine = io_.engine();
    auto request = toEngineRequest(request_, socket_);
    if (!sio::engine::handles(engine, request.path())) return answerOwn();
    if (beast::websocket::is_upgrade(request_)) {
      // Whatever the parser read past the headers goes along with the socket.
      std::string head = beast::buffers_to_string(buffer_.data());
      sio::engine::handleUpgrade(engine, std::move(request), std::move(socket_), std::move(head));
      return;
    }
    std::weak_ptr<Connection> weak = weak_from_this();
    pending_ =
        sio::engine::handleRequest(engine, std::move(request), std::move(request_.body()),
                                   [self = shared_from_this()](sio::engine::HttpResponse response) {
                                     self->write(std::move(response));
                                   });
  }

  void answerOwn() {
    sio::engine::HttpResponse response;
    if (request_.target() == "/hello") {
      response.set("Content-Type", "text/plain").body = "hello from the application\n";
    } else {
      response.status = 404;
    }
    write(std::move(response));
  }

  void write(sio::engine::HttpResponse response) {
    pending_.reset();
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), request_.version());
    for (auto& [name, value] : response.headers) message->insert(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(request_.keep_alive());
    message->prepare_payload();
    http::async_write(socket_, *message,
                      [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                        if (!ec && message->keep_alive()) self->read();
                      });
  }

  tcp::socket socket_;
  sio::Server& io_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::shared_ptr<sio::engine::EmbeddedRequest> pending_;
};

void accept(tcp::acceptor& acceptor, sio::Server& io) {
  acceptor.async_accept([&acceptor, &io](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) std::make_shared<Connection>(std::move(socket), io)->read();
    accept(acceptor, io);
  });
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 3000;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help") {
      std::cout << "usage: sio-embed-beast [options]\n"
                   "options:\n"
                   "  --port N     port to listen on; 0 picks a free one (3000)\n"
                   "  --help       print this and exit\n"
                   "  --version    print the version and exit\n";
      return 0;
    }
    if (flag == "--version") {
      std::cout << "sio-embed-beast " << sio::kVersion << "\n";
      return 0;
    }
    if (flag == "--port" && i + 1 < argc) {
      port = static_cast<unsigned short>(std::stoi(argv[++i]));
    } else {
      std::cerr << "sio-embed-beast: unknown flag " << flag << "\n";
      return 2;
    }
  }
  asio::io_context context(1);
  sio::Server io(context);
  io.onConnection([](const std::shared_ptr<sio::Socket>& socket) {
    socket->on("echo", [](const sio::Args& args, const sio::Ack& ack) {
      if (ack) ack(args);
    });
  });
  tcp::acceptor acceptor(context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  accept(acceptor, io);
  sio::engine::ShutdownOnSignal shutdown(context, [&] {
    acceptor.close();
    io.close();
  });
  std::cout << "listening on " << acceptor.local_endpoint().port() << std::endl;
  context.run();
  return 0;
}
