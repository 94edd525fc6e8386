// sio-bench: Engine.IO's polling transport from the client side, on one keep-alive
// HttpClient connection: the handshake GET (the sid read from the open packet), then GETs
// and POSTs carrying the sid, each answer required to be HTTP 200. Used by the connect
// workload's polling handshake and by the churn sessions that abandon polling sessions.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "http_client.hpp"
#include "target_url.hpp"

namespace sio::bench {

class PollingClient {
 public:
  // A request failed (connection, HTTP status, bad open packet): `error` says how.
  using Fail = std::function<void(std::string_view error)>;
  using Body = std::function<void(std::string_view body)>;

  // `endpoint` and `url` must outlive the client.
  PollingClient(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                const TargetUrl& url, Fail fail);

  // Connects and sends the handshake GET; `opened` gets the open packet's body once sid()
  // is known.
  void open(Body opened);
  void get(Body next);
  void post(std::string body, Body next);
  // Ends the connection with a TCP reset; no handler is called afterwards.
  void close() { http_.close(); }

  const std::string& sid() const { return sid_; }
  // The target of a request of this session over `transport` (polling or websocket).
  std::string target(std::string_view transport = "polling") const;

 private:
  void send(bool post, std::string body, Body next);

  HttpClient http_;
  const boost::asio::ip::tcp::endpoint& endpoint_;
  const TargetUrl& url_;
  Fail fail_;
  std::string sid_;
};

}  // namespace sio::bench
