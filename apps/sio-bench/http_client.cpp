// sio-bench: the HTTP client on Beast's http::async_write / async_read over a plain
// tcp::socket (TCP_NODELAY). Handlers hold the shared state and check `closed` first.
#include "http_client.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace sio::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl : std::enable_shared_from_this<Impl> {
  explicit Impl(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
  bool closed = false;

  void close() {
    if (closed) return;
    closed = true;
    beast::error_code ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
  }
};

HttpClient::HttpClient(asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}

HttpClient::~HttpClient() {
  impl_->close();
}

void HttpClient::connect(const tcp::endpoint& endpoint, ConnectHandler done) {
  impl_->socket.async_connect(endpoint,
                              [self = impl_, done = std::move(done)](beast::error_code ec) {
                                if (self->closed) return;
                                if (ec) return done("connect: " + ec.message());
                                self->socket.set_option(tcp::no_delay(true), ec);
                                done({});
                              });
}

void HttpClient::request(bool post, const std::string& host, const std::string& target,
                         std::string body, ResponseHandler done) {
  Impl& impl = *impl_;
  impl.request = {post ? http::verb::post : http::verb::get, target, 11};
  impl.request.set(http::field::host, host);
  if (post) impl.request.set(http::field::content_type, "text/plain;charset=UTF-8");
  impl.request.body() = std::move(body);
  impl.request.prepare_payload();
  http::async_write(impl.socket, impl.request,
                    [self = impl_, done = std::move(done)](beast::error_code ec, size_t) mutable {
                      if (self->closed) return;
                      if (ec) return done("write: " + ec.message(), 0, {});
                      self->response = {};
                      http::async_read(
                          self->socket, self->buffer, self->response,
                          [self, done = std::move(done)](beast::error_code ec, size_t) {
                            if (self->closed) return;
                            if (ec) return done("read: " + ec.message(), 0, {});
                            done({}, self->response.result_int(), self->response.body());
                          });
                    });
}

void HttpClient::close() {
  impl_->close();
}

}  // namespace sio::bench
