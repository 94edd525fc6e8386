// A client that stops reading cannot make the server buffer without bound: past
// maxBufferedBytes its session closes with "transport error", and other sessions go on.
// Real server in-process, raw HTTP long-polling client on loopback.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "sio/engine/http_server.hpp"
#include "sio/engine/server.hpp"

using boost::asio::ip::tcp;

namespace {

// Opens a polling session and returns its sid (the connection is then left alone).
std::string openSession(boost::asio::io_context& client, uint16_t port) {
  tcp::socket socket(client);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  boost::asio::write(
      socket, boost::asio::buffer(std::string("GET /engine.io/?EIO=4&transport=polling "
                                              "HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  boost::asio::streambuf buffer;
  boost::asio::read_until(socket, buffer, "}");
  std::string text(boost::asio::buffers_begin(buffer.data()),
                   boost::asio::buffers_end(buffer.data()));
  auto at = text.find("\"sid\":\"");
  return at == std::string::npos ? std::string() : text.substr(at + 7, 20);
}

}  // namespace

TEST(WriteBufferLimit, ClosesASessionThatDoesNotRead) {
  boost::asio::io_context io;
  sio::engine::ServerOptions options;
  options.maxBufferedBytes = 64 * 1024;
  sio::engine::Server engine(io, options);
  std::map<std::string, std::shared_ptr<sio::engine::Socket>> sessions;
  std::promise<std::string> closedReason;
  engine.onConnection([&](std::shared_ptr<sio::engine::Socket> socket) {
    sessions[socket->id()] = socket;
    socket->onClose(
        [&closedReason, first = sessions.size() == 1](std::string_view reason, std::string_view) {
          if (first) closedReason.set_value(std::string(reason));
        });
  });
  sio::engine::HttpServer http(io);
  http.attach(engine);
  uint16_t port = http.listen("127.0.0.1", 0);
  std::thread loop([&] { io.run(); });

  boost::asio::io_context client;
  std::string slow = openSession(client, port);
  std::string other = openSession(client, port);
  ASSERT_EQ(slow.size(), 20u);
  ASSERT_EQ(other.size(), 20u);

  // 100 messages of 1 KiB to a client that never polls: over the 64 KiB bound.
  boost::asio::post(io, [&] {
    for (int i = 0; i < 100; ++i) sessions[slow]->send(std::string(1024, 'x'));
  });
  auto reason = closedReason.get_future();
  ASSERT_EQ(reason.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(reason.get(), "transport error");

  std::promise<std::pair<size_t, sio::engine::ReadyState>> state;
  boost::asio::post(io, [&] {
    state.set_value({engine.clientsCount(), sessions[other]->readyState()});
  });
  auto [count, otherState] = state.get_future().get();
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(otherState, sio::engine::ReadyState::Open);

  boost::asio::post(io, [&] {
    sessions.clear();
    engine.close();
    http.close();
    io.stop();
  });
  loop.join();
}
