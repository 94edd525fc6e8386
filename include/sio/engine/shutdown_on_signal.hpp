// Graceful shutdown on SIGINT/SIGTERM for programs built on the library. ShutdownOnSignal:
// on the first signal `close` runs (disconnect clients, close servers), then the io_context
// stops after a grace period. DrainOnSignal: the first signal starts a drain, which stops
// the io_context when it calls back (or at `limit`); a second signal stops it at once.
// Create either before announcing readiness, so that an early signal is handled rather
// than killing the process.
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

class DrainOnSignal {
 public:
  // `drain(finished)`: take the node out of service, then call `finished`.
  using Drain = std::function<void(std::function<void()> finished)>;

  DrainOnSignal(boost::asio::io_context& io, Drain drain,
                std::chrono::milliseconds limit = std::chrono::seconds(30))
      : io_(io), signals_(io, SIGINT, SIGTERM), timer_(io) {
    signals_.async_wait(
        [this, drain = std::move(drain), limit](const boost::system::error_code& ec, int) {
          if (ec) return;
          signals_.async_wait([this](const boost::system::error_code& again, int) {
            if (!again) io_.stop();  // a second signal: now
          });
          timer_.expires_after(limit);
          timer_.async_wait([this](const boost::system::error_code& late) {
            if (!late) io_.stop();
          });
          drain([this] {
            // A moment for the closes just started (sockets, Redis) to go out.
            timer_.expires_after(std::chrono::milliseconds(200));
            timer_.async_wait([this](const boost::system::error_code&) { io_.stop(); });
          });
        });
  }

 private:
  boost::asio::io_context& io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer timer_;
};

}  // namespace sio::engine
