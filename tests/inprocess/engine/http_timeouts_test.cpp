// The HTTP layer drops idle and stalled connections after its timeouts, but never one
// whose response it still owes (a pending long poll). Runs a real server in-process on a
// loopback port and talks raw TCP to it.
#include <gtest/gtest.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "sio/engine/http_server.hpp"
#include "sio/engine/server.hpp"

using namespace std::chrono_literals;
using boost::asio::ip::tcp;

namespace {

class HttpTimeouts : public ::testing::Test {
 protected:
  void SetUp() override {
    sio::engine::HttpServerOptions http;
    http.headersTimeout = 200ms;
    http.keepAliveTimeout = 200ms;
    http.requestTimeout = 200ms;
    sio::engine::ServerOptions engineOptions;
    engineOptions.pingInterval = 1500ms;
    engine_.emplace(io_, engineOptions);
    server_.emplace(io_, http);
    server_->attach(*engine_);
    port_ = server_->listen("127.0.0.1", 0);
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] {
      server_->close();
      engine_->close();
      io_.stop();
    });
    thread_.join();
  }

  tcp::socket connect() {
    tcp::socket socket(client_);
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    return socket;
  }

  // Waits up to `limit` for the peer to close; true if it did.
  static bool closedByPeerWithin(tcp::socket& socket, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd fd{socket.native_handle(), POLLIN, 0};
      int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(
                         deadline - std::chrono::steady_clock::now())
                         .count());
      if (::poll(&fd, 1, std::max(left, 0)) <= 0) return false;
      boost::system::error_code ec;
      socket.read_some(boost::asio::buffer(buffer), ec);
      if (ec) return true;  // EOF or reset
    }
    return false;
  }

  static std::string readResponse(tcp::socket& socket) {
    boost::asio::streambuf buffer;
    boost::asio::read_until(socket, buffer, "\r\n\r\n");
    return std::string(boost::asio::buffers_begin(buffer.data()),
                       boost::asio::buffers_end(buffer.data()));
  }

  boost::asio::io_context io_;
  boost::asio::io_context client_;
  std::optional<sio::engine::Server> engine_;
  std::optional<sio::engine::HttpServer> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace

TEST_F(HttpTimeouts, DropsConnectionThatNeverSendsARequest) {
  auto socket = connect();
  EXPECT_TRUE(closedByPeerWithin(socket, 5s));
}

TEST_F(HttpTimeouts, DropsConnectionThatStallsInTheHeaders) {
  auto socket = connect();
  boost::asio::write(socket, boost::asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n")));
  EXPECT_TRUE(closedByPeerWithin(socket, 5s));
}

TEST_F(HttpTimeouts, DropsIdleKeepAliveConnectionAfterAResponse) {
  auto socket = connect();
  boost::asio::write(socket,
                     boost::asio::buffer(std::string("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")));
  EXPECT_NE(readResponse(socket).find("404"), std::string::npos);
  EXPECT_TRUE(closedByPeerWithin(socket, 5s));
}

TEST_F(HttpTimeouts, KeepsAPendingLongPollOpen) {
  auto socket = connect();
  boost::asio::write(socket,
                     boost::asio::buffer(std::string(
                         "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n")));
  boost::asio::streambuf buffer;
  boost::asio::read_until(socket, buffer, "}");
  std::string handshake(boost::asio::buffers_begin(buffer.data()),
                        boost::asio::buffers_end(buffer.data()));
  auto at = handshake.find("\"sid\":\"");
  ASSERT_NE(at, std::string::npos);
  std::string sid = handshake.substr(at + 7, 20);
  buffer.consume(buffer.size());
  boost::asio::write(socket, boost::asio::buffer("GET /engine.io/?EIO=4&transport=polling&sid=" +
                                                 sid + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  // Three times the idle timeouts pass while the poll waits for the ping (at 1500 ms).
  EXPECT_FALSE(closedByPeerWithin(socket, 600ms));
  auto response = readResponse(socket);
  EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
}
