// sio-bench: a minimal HTTP/1.1 client connection on Boost.Beast (behind a pointer, so
// that only http_client.cpp compiles Beast's HTTP templates) for Engine.IO's polling
// transport: one keep-alive connection, one request at a time, the body as a string.
// Safe to destroy at any time on its io_context's thread (no callback follows).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sio::bench {

class HttpClient {
 public:
  // `error` is empty on success.
  using ConnectHandler = std::function<void(std::string_view error)>;
  using ResponseHandler =
      std::function<void(std::string_view error, unsigned status, std::string_view body)>;

  explicit HttpClient(boost::asio::io_context& io);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void connect(const boost::asio::ip::tcp::endpoint& endpoint, ConnectHandler done);
  // GET when `body` is empty and `post` false; POST (text/plain) otherwise.
  void request(bool post, const std::string& host, const std::string& target, std::string body,
               ResponseHandler done);
  // Ends the connection with a TCP reset; no handler is called afterwards.
  void close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sio::bench
