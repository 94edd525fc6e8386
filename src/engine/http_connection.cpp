// HTTP/1.1 connection on Boost.Beast. Requests are read header first (to route them and
// apply the endpoint's body limit), then body; responses go out in request order, one at a
// time. Our own deadline timer drops connections that idle or stall (headers, body,
// keep-alive) but never one whose response we still owe. Oversized bodies get their
// response, then a lingering close so the client can read it.
#include "http_connection.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cctype>
#include <optional>

#include "connection_stream.hpp"
#include "forwarded_headers.hpp"
#include "websocket_transport.hpp"

namespace sio::engine {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

class BeastConnection;

// A request the connection owes a response to.
class Exchange final : public HttpExchange {
 public:
  Exchange(std::weak_ptr<BeastConnection> connection, Request request, std::string body,
           bool tooLarge, bool keepAlive, unsigned version)
      : connection_(std::move(connection)),
        request_(std::move(request)),
        body_(std::move(body)),
        tooLarge_(tooLarge),
        keepAlive_(keepAlive && !tooLarge),
        version_(version) {}

  const Request& request() const override { return request_; }
  const std::string& body() const override { return body_; }
  bool bodyTooLarge() const override { return tooLarge_; }
  bool responded() const override { return responded_; }
  void onAbort(std::function<void()> handler) override { onAbort_ = std::move(handler); }
  void respond(HttpResponse response) override;

  void abort() {
    if (responded_) return;
    responded_ = true;
    if (auto handler = std::move(onAbort_)) handler();
  }
  bool keepAlive() const { return keepAlive_; }
  unsigned version() const { return version_; }

 private:
  std::weak_ptr<BeastConnection> connection_;
  Request request_;
  std::string body_;
  bool tooLarge_;
  bool keepAlive_;
  unsigned version_;
  bool responded_ = false;
  std::function<void()> onAbort_;
};

// `text` in lower case, written into `out` (a buffer reused from call to call).
const std::string& lowerCaseInto(std::string_view text, std::string& out) {
  out.assign(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string lowerCase(std::string_view text) {
  std::string out;
  lowerCaseInto(text, out);
  return out;
}

// RFC 9112 §6.3: a request whose Transfer-Encoding does not end in `chunked` has no
// length the server can trust; it must get 400 and the connection must close (otherwise
// what follows could be read as a smuggled request).
bool hasUnframedBody(const http::request<http::string_body>& message) {
  auto [first, end] = message.equal_range(http::field::transfer_encoding);
  if (first == end) return false;
  std::string_view codings;
  for (auto field = first; field != end; ++field) codings = field->value();  // the last one
  while (!codings.empty() && (codings.back() == ' ' || codings.back() == '\t'))
    codings.remove_suffix(1);
  auto comma = codings.rfind(',');
  std::string_view last = comma == std::string_view::npos ? codings : codings.substr(comma + 1);
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  return lowerCase(last) != "chunked";
}

Request toRequest(const http::request<http::string_body>& message, const std::string& peer,
                  bool secure, const HttpServerOptions& options) {
  std::string_view target = message.target();
  Request request(message.method_string(), target, peer, secure);
  request.setQueryFromUrl();
  std::size_t bytes = 0;  // the headers' pairs: one allocation for them all
  for (const auto& field : message)
    bytes += FieldList::pairBytes(field.name_string(), field.value());
  request.reserve(bytes);
  std::string name;  // one buffer for every header's lower-case name
  for (const auto& field : message)
    request.addHeader(lowerCaseInto(field.name_string(), name), field.value());
  if (options.trustProxy) applyForwardedHeaders(request, options.trustedProxyHops);
  return request;
}

class BeastConnection final : public HttpConnection,
                              public std::enable_shared_from_this<BeastConnection> {
 public:
  BeastConnection(ConnectionStream stream, std::shared_ptr<HttpRoutes> routes)
      : stream_(std::move(stream)), routes_(std::move(routes)), deadline_(stream_.get_executor()) {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remoteAddress_ = endpoint.address().to_string();
  }

  void start() override {
    armDeadline(routes_->options.headersTimeout);
    if (!stream_.secure()) return readHeader();
    stream_.async_handshake([self = shared_from_this()](beast::error_code ec) {
      if (self->closed_) return;
      if (ec) return self->shutdown();  // not TLS, an untrusted certificate, a scanner
      self->readHeader();
    });
  }

  void close() override { shutdown(); }

  void send(Exchange& exchange, HttpResponse response) {
    if (closed_ || current_.get() != &exchange) return;
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), exchange.version());
    for (auto& [name, value] : response.headers) message->insert(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(exchange.keepAlive());
    message->prepare_payload();
    armDeadline(routes_->options.responseTimeout);  // a client that does not read
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message](beast::error_code ec, size_t) {
                        self->onWritten(ec, message->keep_alive());
                      });
  }

 private:
  void readHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(routes_->options.maxHeaderSize));
    parser_->body_limit(routes_->maxBodyLimit());
    reading_ = true;
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    reading_ = false;
    if (closed_) return;
    if (ec == http::error::body_limit) return onTooLarge();
    if (ec) return onReadError(ec);
    auto& message = parser_->get();
    if (hasUnframedBody(message)) return onReadError(http::error::bad_transfer_encoding);
    auto [path, query] = codec::splitTarget(message.target());
    endpoint_ = routes_->find(path);
    if (beast::websocket::is_upgrade(message)) return onUpgrade();
    if (endpoint_) {
      auto length = parser_->content_length();
      if (length && *length > endpoint_->bodyLimit()) return onTooLarge();
    }
    armDeadline(routes_->options.requestTimeout);
    reading_ = true;
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onBody(ec); });
  }

  void onBody(beast::error_code ec) {
    reading_ = false;
    if (closed_) return;
    disarmDeadline();
    if (ec == http::error::body_limit) return onTooLarge();
    if (ec) return onReadError(ec);
    auto message = parser_->release();
    bool tooLarge = endpoint_ && message.body().size() > endpoint_->bodyLimit();
    auto exchange = std::make_shared<Exchange>(weak_from_this(), makeRequest(message),
                                               tooLarge ? std::string{} : std::move(message.body()),
                                               tooLarge, message.keep_alive(), message.version());
    enqueue(std::move(exchange), std::exchange(endpoint_, nullptr));
  }

  // The request (with the route it was read for) is answered now if nothing is owed,
  // else after the response before it. Reading goes on only while nothing waits in line.
  // The pending read also keeps this connection alive while the response is owed, and
  // tells when the client goes away (even after `Connection: close`).
  void enqueue(std::shared_ptr<Exchange> exchange, std::shared_ptr<HttpEndpoint> endpoint) {
    if (current_) {
      queued_ = std::move(exchange);
      queuedEndpoint_ = std::move(endpoint);
      return;
    }
    current_ = exchange;
    disarmDeadline();
    readHeader();
    dispatch(exchange, std::move(endpoint));
  }

  void dispatch(const std::shared_ptr<Exchange>& exchange, std::shared_ptr<HttpEndpoint> endpoint) {
    if (endpoint) return endpoint->handleRequest(exchange);
    const auto* handler = routes_->handlerFor(exchange->request().path());
    if (!handler && routes_->fallback) handler = &routes_->fallback;
    if (handler) {
      std::weak_ptr<Exchange> weak = exchange;
      return (*handler)(exchange->request(), exchange->body(), [weak](HttpResponse response) {
        if (auto target = weak.lock()) target->respond(std::move(response));
      });
    }
    exchange->respond(HttpResponse{404, {{"Content-Type", "text/plain"}}, "Not Found"});
  }

  void onWritten(beast::error_code ec, bool keepAlive) {
    current_.reset();
    disarmDeadline();
    if (ec) return shutdown();
    if (!keepAlive) return lingeringClose();
    if (queued_) {
      auto next = std::move(queued_);
      auto endpoint = std::move(queuedEndpoint_);
      if (!reading_) readHeader();
      current_ = next;
      return dispatch(next, std::move(endpoint));
    }
    armDeadline(routes_->options.keepAliveTimeout);
  }

  void onTooLarge() {
    auto message = parser_->release();
    auto exchange = std::make_shared<Exchange>(weak_from_this(), makeRequest(message),
                                               std::string{}, true, false, message.version());
    if (current_) return shutdown();
    current_ = exchange;
    disarmDeadline();
    dispatch(exchange, std::exchange(endpoint_, nullptr));
  }

  void onUpgrade() {
    if (current_ || !endpoint_) return shutdown();
    auto message = parser_->release();
    Request request = makeRequest(message);
    disarmDeadline();
    closed_ = true;  // the connection now belongs to the WebSocket
    auto endpoint = std::exchange(endpoint_, nullptr);
    endpoint->handleUpgrade(
        makePendingUpgrade(std::move(stream_), std::move(message), std::move(request)));
  }

  void onReadError(beast::error_code ec) {
    bool parseError = ec.category() == http::make_error_code(http::error::bad_method).category() &&
                      ec != http::error::end_of_stream && ec != http::error::partial_message;
    if (parseError && !current_) {
      unsigned status = ec == http::error::header_limit ? 431 : 400;
      current_ =
          std::make_shared<Exchange>(weak_from_this(), Request{}, std::string{}, false, false, 11);
      return send(*current_, HttpResponse{status, {{"Content-Type", "text/plain"}}, {}});
    }
    shutdown();
  }

  // Half-close, then drain what the client still sends (briefly) so it reads our response.
  void lingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(ConnectionSocket::shutdown_send, ignored);
    armDeadline(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.socket().async_read_some(boost::asio::buffer(scratch_),
                                     [self = shared_from_this()](beast::error_code ec, size_t) {
                                       if (ec || self->closed_) return self->shutdown();
                                       self->drain();
                                     });
  }

  void shutdown() {
    if (closed_) return;
    closed_ = true;
    deadline_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(ConnectionSocket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    if (auto pending = std::move(current_)) pending->abort();
    queued_.reset();
  }

  void armDeadline(std::chrono::milliseconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->shutdown();
    });
  }
  void disarmDeadline() { deadline_.cancel(); }

  Request makeRequest(const http::request<http::string_body>& message) const {
    return toRequest(message, remoteAddress_, stream_.secure(), routes_->options);
  }

  ConnectionStream stream_;
  std::shared_ptr<HttpRoutes> routes_;
  ConnectionTimer deadline_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpEndpoint> endpoint_;  // the route of the request being read
  std::shared_ptr<Exchange> current_;       // the request whose response is owed
  std::shared_ptr<Exchange> queued_;        // a pipelined request behind it
  std::shared_ptr<HttpEndpoint> queuedEndpoint_;
  std::string remoteAddress_;
  std::array<char, 4096> scratch_{};
  bool reading_ = false;
  bool closed_ = false;
};

void Exchange::respond(HttpResponse response) {
  if (responded_) return;
  responded_ = true;
  onAbort_ = nullptr;
  if (auto connection = connection_.lock()) connection->send(*this, std::move(response));
}

}  // namespace

std::shared_ptr<HttpConnection> makeHttpConnection(
    ConnectionSocket socket, std::shared_ptr<boost::asio::ssl::context> tlsContext,
    std::shared_ptr<HttpRoutes> routes) {
  auto stream = tlsContext ? ConnectionStream(std::move(socket), std::move(tlsContext))
                           : ConnectionStream(std::move(socket));
  return std::make_shared<BeastConnection>(std::move(stream), std::move(routes));
}

}  // namespace sio::engine
