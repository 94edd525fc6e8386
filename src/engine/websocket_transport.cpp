// WebSocket transport on Boost.Beast: one read always pending, one write at a time from a
// queue of packets (text packets as `<type><data>` text frames, binary ones as binary
// frames, the shared bytes written without a copy), orderly close after the queue drains.
// Messages over maxHttpBufferSize fail the connection with close code 1009.
#include "websocket_transport.hpp"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "transport.hpp"

namespace sio::engine {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

class WebSocketTransport final : public Transport,
                                 public std::enable_shared_from_this<WebSocketTransport> {
 public:
  WebSocketTransport(beast::tcp_stream stream, const WebSocketSettings& settings)
      : ws_(std::move(stream)) {
    ws_.read_message_max(settings.maxMessageSize);
    ws_.auto_fragment(false);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    if (settings.perMessageDeflate) {
      websocket::permessage_deflate deflate;
      deflate.server_enable = true;
      deflate.msg_size_threshold = settings.deflateThreshold;
      ws_.set_option(deflate);
    }
  }

  template <class Handler>
  void accept(const http::request<http::string_body>& request, HeaderList headers,
              Handler handler) {
    ws_.set_option(websocket::stream_base::decorator(
        [headers = std::move(headers)](websocket::response_type& response) {
          for (const auto& [name, value] : headers) response.insert(name, value);
        }));
    ws_.async_accept(request, std::move(handler));
  }

  std::string_view name() const override { return "websocket"; }
  bool writable() const override { return !closing_ && !closed_ && !writing_ && queue_.empty(); }

  void start() override { readNext(); }

  void send(std::vector<Packet> packets, bool) override {
    if (closing_ || closed_) return;
    for (auto& packet : packets) queue_.push_back(std::move(packet));
    if (!writing_) writeNext();
  }

  void close() override {
    if (closing_ || closed_) return;
    closing_ = true;
    if (!writing_) closeHandshake();
  }

 private:
  void readNext() {
    ws_.async_read(readBuffer_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (closed_) return;
    if (ec) {
      if (closing_ || ec == websocket::error::closed) return finish();
      auto listener = this->listener();
      if (listener) listener->onTransportError(*this, ec.message());
      return finish();
    }
    auto listener = this->listener();
    std::string data = beast::buffers_to_string(readBuffer_.data());
    readBuffer_.consume(readBuffer_.size());
    if (listener) {
      if (ws_.got_binary()) {
        listener->onTransportPacket(*this,
                                    Packet{PacketType::Message, makeBytes(std::move(data)), true});
      } else if (auto packet = decodePacket(data)) {
        listener->onTransportPacket(*this, std::move(*packet));
      } else {
        listener->onTransportParseError(*this);
      }
    }
    if (!closing_ && !closed_) readNext();
  }

  void writeNext() {
    writing_ = true;
    const Packet& packet = queue_.front();
    auto done = [self = shared_from_this()](beast::error_code ec, size_t) { self->onWrite(ec); };
    if (packet.binary) {
      ws_.binary(true);
      ws_.async_write(boost::asio::buffer(packet.view()), std::move(done));
    } else {
      ws_.text(true);
      typeChar_ = typeChar(packet.type);
      std::array<boost::asio::const_buffer, 2> frame{boost::asio::buffer(&typeChar_, 1),
                                                     boost::asio::buffer(packet.view())};
      ws_.async_write(frame, std::move(done));
    }
  }

  void onWrite(beast::error_code ec) {
    writing_ = false;
    if (closed_) return;
    if (ec) {
      if (auto listener = this->listener()) listener->onTransportError(*this, "write error");
      return finish();
    }
    queue_.pop_front();
    if (!queue_.empty()) return writeNext();
    if (closing_) return closeHandshake();
    auto self = shared_from_this();
    if (auto listener = this->listener()) {
      listener->onTransportDrain(*this);
      listener->onTransportReady(*this);
    }
  }

  void closeHandshake() {
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  void finish() {
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    if (auto listener = this->listener()) listener->onTransportClose(*this);
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer readBuffer_;
  std::deque<Packet> queue_;
  char typeChar_ = '4';
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

class BeastPendingUpgrade final : public PendingUpgrade,
                                  public std::enable_shared_from_this<BeastPendingUpgrade> {
 public:
  BeastPendingUpgrade(beast::tcp_stream stream, http::request<http::string_body> httpRequest,
                      Request request)
      : stream_(std::move(stream)),
        httpRequest_(std::move(httpRequest)),
        request_(std::move(request)) {}

  const Request& request() const override { return request_; }

  void reject(unsigned status, std::string body) override {
    auto response =
        std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
    response->set(http::field::connection, "close");
    response->set(http::field::content_type, "text/html");
    response->body() = std::move(body);
    response->prepare_payload();
    http::async_write(
        stream_, *response, [self = shared_from_this(), response](beast::error_code, size_t) {
          beast::error_code ignored;
          self->stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
          self->stream_.socket().close(ignored);
        });
  }

  void accept(const WebSocketSettings& settings, HeaderList headers,
              std::function<void(std::shared_ptr<Transport>)> onOpen) override {
    auto transport = std::make_shared<WebSocketTransport>(std::move(stream_), settings);
    transport->accept(
        httpRequest_, std::move(headers),
        [self = shared_from_this(), transport, onOpen = std::move(onOpen)](beast::error_code ec) {
          if (!ec) onOpen(transport);
        });
  }

 private:
  beast::tcp_stream stream_;
  http::request<http::string_body> httpRequest_;
  Request request_;
};

}  // namespace

std::shared_ptr<PendingUpgrade> makePendingUpgrade(beast::tcp_stream stream,
                                                   http::request<http::string_body> httpRequest,
                                                   Request request) {
  return std::make_shared<BeastPendingUpgrade>(std::move(stream), std::move(httpRequest),
                                               std::move(request));
}

}  // namespace sio::engine
