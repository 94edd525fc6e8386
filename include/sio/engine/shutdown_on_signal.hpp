// Graceful shutdown on SIGINT/SIGTERM for programs built on the library: on the first
// signal `close` runs (disconnect clients, close servers), then the io_context stops after
// a grace period. Create it before announcing readiness, so that an early signal is
// handled rather than killing the process.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <functional>

namespace sio::engine {

class ShutdownOnSignal {
 public:
  ShutdownOnSignal(boost::asio::io_context& io, std::function<void()> close,
                   std::chrono::milliseconds grace = std::chrono::seconds(1))
      : io_(io), signals_(io, SIGINT, SIGTERM), timer_(io) {
    signals_.async_wait(
        [this, close = std::move(close), grace](const boost::system::error_code& ec, int) {
          if (ec) return;
          close();
          timer_.expires_after(grace);
          timer_.async_wait([this](const boost::system::error_code&) { io_.stop(); });
        });
  }

 private:
  boost::asio::io_context& io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer timer_;
};

}  // namespace sio::engine
