// A client that stops reading cannot make the server buffer without bound: past
// maxBufferedBytes its session closes with "transport error", and other sessions go on.
// Real server in-process, raw HTTP long-polling client on loopback.
#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <future>
#include <optional>
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
  options.maxHttpBufferSize = 16 * 1024;  // the bound is never under one packet of this size
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

namespace {

// Opens a WebSocket session (Engine.IO v4) and reads up to the end of the 101 response;
// the socket is then never read again.
tcp::socket openWebSocket(boost::asio::io_context& client, uint16_t port) {
  tcp::socket socket(client);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  boost::asio::write(socket, boost::asio::buffer(std::string(
                                 "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                                 "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                 "Sec-WebSocket-Version: 13\r\n\r\n")));
  boost::asio::streambuf buffer;
  boost::asio::read_until(socket, buffer, "\r\n\r\n");
  return socket;
}

// An engine on its own thread with one WebSocket client that never reads: the session,
// the reason it closed with, and what the client finally reads (a reset or an end).
struct StuckWebSocket {
  boost::asio::io_context io;
  sio::engine::Server engine;
  sio::engine::HttpServer http{io};
  std::shared_ptr<sio::engine::Socket> session;
  std::promise<std::string> closedReason;
  std::promise<void> opened;
  std::thread loop;
  boost::asio::io_context client;
  std::optional<tcp::socket> stuck;

  // `onOpen` runs on the loop with the new session (e.g. to send it a backlog).
  StuckWebSocket(sio::engine::ServerOptions options,
                 std::function<void(sio::engine::Socket&)> onOpen = {})
      : engine(io, options) {
    engine.onConnection([this, onOpen](std::shared_ptr<sio::engine::Socket> socket) {
      session = socket;
      socket->onClose([this](std::string_view reason, std::string_view) {
        closedReason.set_value(std::string(reason));
      });
      if (onOpen) onOpen(*socket);
      opened.set_value();
    });
    http.attach(engine);
    uint16_t port = http.listen("127.0.0.1", 0);
    loop = std::thread([this] { io.run(); });
    stuck.emplace(openWebSocket(client, port));
  }

  ~StuckWebSocket() {
    boost::asio::post(io, [this] {
      session.reset();
      engine.close();
      http.close();
      io.stop();
    });
    loop.join();
  }

  // Reads until the connection ends; returns how it ended and the bytes read before.
  std::pair<boost::system::error_code, size_t> readToTheEnd() {
    boost::system::error_code ec;
    std::array<char, 65536> sink;
    size_t total = 0;
    while (!ec) total += stuck->read_some(boost::asio::buffer(sink), ec);
    return {ec, total};
  }
};

}  // namespace

// A WebSocket client that does not read: past the bound its session closes with
// "transport error", the connection is reset (not closed gracefully behind the stuck
// write), and the stats count one slow consumer.
TEST(WriteBufferLimit, AbortsAWebSocketThatDoesNotRead) {
  sio::engine::ServerOptions options;
  options.maxBufferedBytes = 256 * 1024;
  options.maxHttpBufferSize = 16 * 1024;
  StuckWebSocket run(options);
  // The client's receive buffer stays small, so the server's writes stall early.
  run.stuck->set_option(boost::asio::socket_base::receive_buffer_size(4096));
  ASSERT_EQ(run.opened.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);

  // 64 KiB messages, one every millisecond, until the session is closed: far beyond what
  // the kernel buffers plus the 256 KiB bound can hold.
  auto reason = run.closedReason.get_future();
  for (int i = 0;
       i < 5000 && reason.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready;
       ++i) {
    boost::asio::post(run.io, [&run] {
      if (run.session) run.session->send(std::string(64 * 1024, 'x'));
    });
  }
  ASSERT_EQ(reason.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(reason.get(), "transport error");

  std::promise<std::pair<uint64_t, size_t>> stats;
  boost::asio::post(run.io, [&] {
    stats.set_value({run.engine.stats().slowConsumers, run.engine.clientsCount()});
  });
  auto [slowConsumers, count] = stats.get_future().get();
  EXPECT_EQ(slowConsumers, 1u);
  EXPECT_EQ(count, 0u);

  // Reading now drains what the kernel had, then the reset (no close frame ever comes).
  auto [ec, total] = run.readToTheEnd();
  EXPECT_EQ(ec, boost::asio::error::connection_reset) << ec.message() << " after " << total;
}

// A heartbeat timeout while a write is stuck (under the bound) ends the same way: the
// connection is reset at once instead of a graceful close that would wait on the write.
TEST(WriteBufferLimit, HeartbeatTimeoutWithAStuckWriteAborts) {
  sio::engine::ServerOptions options;
  options.pingInterval = std::chrono::milliseconds(200);
  options.pingTimeout = std::chrono::milliseconds(200);
  options.maxBufferedBytes = 0;  // no bound: only the heartbeat ends it
  // More than the kernel's buffers take: the write stays in flight.
  StuckWebSocket run(options, [](sio::engine::Socket& socket) {
    for (int i = 0; i < 256; ++i) socket.send(std::string(64 * 1024, 'x'));
  });
  ASSERT_EQ(run.opened.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto reason = run.closedReason.get_future();
  ASSERT_EQ(reason.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(reason.get(), "ping timeout");

  auto [ec, total] = run.readToTheEnd();
  EXPECT_EQ(ec, boost::asio::error::connection_reset) << ec.message() << " after " << total;
  EXPECT_LT(total, 256u * 64 * 1024);  // the rest was never sent
}
