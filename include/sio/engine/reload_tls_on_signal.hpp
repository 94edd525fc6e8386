// Certificate rotation without a restart: on SIGHUP the listener reads its TLS files again
// (HttpServer::reloadTls). A failed reload is logged and the previous certificate stays
// in use. Does nothing for a listener without TLS.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <exception>
#include <string>

#include "sio/engine/http_server.hpp"
#include "sio/log.hpp"

namespace sio::engine {

class ReloadTlsOnSignal {
 public:
  ReloadTlsOnSignal(boost::asio::io_context& io, HttpServer& http, int signal = SIGHUP)
      : http_(http), signals_(io, signal) {
    wait();
  }

 private:
  void wait() {
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      try {
        http_.reloadTls();
      } catch (const std::exception& error) {
        log::error(std::string("https: reload failed, the previous certificate stays: ") +
                   error.what());
      }
      wait();
    });
  }

  HttpServer& http_;
  boost::asio::signal_set signals_;
};

}  // namespace sio::engine
