// The WebSocket upgrade: Beast answers the handshake, then the connection goes to a
// transport. Without permessage-deflate and TLS (the default) that is the transport that
// frames by itself (websocket_framed_transport.cpp); otherwise BeastWebSocketTransport,
// where Beast reads and writes one message at a time over a CoalescingStream. Orderly close
// after the writes drain; a message over maxHttpBufferSize fails with close code 1009.
#include "websocket_transport.hpp"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <list>
#include <optional>

#include "coalescing_stream.hpp"
#include "payload_v3.hpp"
#include "transport.hpp"
#include "websocket_framed_transport.hpp"

namespace sio::engine {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

using BeastStream = websocket::stream<CoalescingStream>;

// Beast's stream with Beast's options: the handshake, and the whole connection when Beast
// frames (permessage-deflate offered, or TLS).
std::shared_ptr<BeastStream> makeBeastStream(ConnectionStream stream,
                                             const WebSocketSettings& settings, bool deflate) {
  auto ws = std::make_shared<BeastStream>(std::move(stream));
  ws->read_message_max(settings.maxMessageSize);
  ws->auto_fragment(false);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(30);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws->set_option(timeouts);
  if (deflate) {
    websocket::permessage_deflate options;
    options.server_enable = true;
    options.msg_size_threshold = settings.deflateThreshold;
    ws->set_option(options);
  }
  return ws;
}

// The WebSocket transport when Beast reads and writes one message at a time.
class BeastWebSocketTransport final : public Transport,
                                      public std::enable_shared_from_this<BeastWebSocketTransport> {
 public:
  BeastWebSocketTransport(std::shared_ptr<BeastStream> ws, const WebSocketSettings& settings)
      : ws_(std::move(ws)), wire_(settings.wire) {}

  // Hears when the CoalescingStream's socket writes end.
  void attach() {
    ws_->next_layer().setOwner(weak_from_this(), [weak = weak_from_this()](beast::error_code ec) {
      if (auto self = weak.lock()) self->onFlushed(ec);
    });
  }

  std::string_view name() const override { return "websocket"; }
  bool writable() const override {
    if (closing_ || closed_) return false;
    return !out().busy() && !writing_ && queue_.empty();
  }

  void start() override { readNext(); }

  void send(std::vector<Packet> packets, bool) override {
    if (closing_ || closed_) return;
    for (auto& packet : packets) {
      queuedBytes_ += packet.view().size() + 1;
      queue_.push_back(std::move(packet));
    }
    if (!writing_) writeNext();
  }

  size_t bufferedBytes() const override { return queuedBytes_ + out().unsentBytes(); }

  // No close frame: the peer is not reading. The socket is reset (SO_LINGER 0), so the
  // kernel drops its unsent bytes too and the descriptor is released now.
  void abort() override {
    if (closed_) return;
    clearListener();
    closing_ = true;
    beast::error_code ignored;
    socket().set_option(boost::asio::socket_base::linger(true, 0), ignored);
    out().discardPending();
    finish();
  }

  void close() override {
    if (closing_ || closed_) return;
    closing_ = true;
    continueWrites();
  }

 private:
  ConnectionSocket& socket() { return out().next_layer().socket(); }
  CoalescingStream& out() { return ws_->next_layer(); }
  const CoalescingStream& out() const { return ws_->next_layer(); }

  void readNext() {
    ws_->async_read(readBuffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->onRead(ec);
    });
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
    if (listener) receive(*listener, std::move(data), ws_->got_binary());
    if (!closing_ && !closed_) readNext();
  }

  // One message from the client, as a packet of its Engine.IO revision.
  void receive(TransportListener& listener, std::string data, bool binary) {
    std::optional<Packet> packet;
    if (wire_.protocol == 3)
      packet = binary ? v3::decodeBinaryPacket(data) : v3::decodePacket(data);
    else if (binary)
      packet = Packet{PacketType::Message, makeBytes(std::move(data)), true};
    else
      packet = decodePacket(data);
    if (packet)
      listener.onTransportPacket(*this, std::move(*packet));
    else
      listener.onTransportParseError(*this);
  }

  void onFlushed(beast::error_code ec) {
    if (closed_) return;
    if (ec) {
      if (closing_) return finish();
      if (auto listener = this->listener()) listener->onTransportError(*this, "write error");
      return finish();
    }
    if (out().busy()) return;
    continueWrites();
  }

  void reportDrained() {
    auto self = shared_from_this();
    if (auto listener = this->listener()) {
      listener->onTransportDrain(*this);
      listener->onTransportReady(*this);
    }
  }

  void writeNext() {
    writing_ = true;
    const Packet& packet = queue_.front();
    auto done = [self = shared_from_this()](beast::error_code ec, size_t) { self->onWrite(ec); };
    if (packet.binary && wire_.protocol == 3 && !wire_.supportsBinary) {
      ws_->text(true);
      v3Text_.clear();
      v3::appendTextPacket(packet, v3Text_);
      ws_->async_write(boost::asio::buffer(v3Text_), std::move(done));
    } else if (packet.binary && wire_.protocol == 3) {
      ws_->binary(true);
      typeChar_ = char(packet.type);
      std::array<boost::asio::const_buffer, 2> frame{boost::asio::buffer(&typeChar_, 1),
                                                     boost::asio::buffer(packet.view())};
      ws_->async_write(frame, std::move(done));
    } else if (packet.binary) {
      ws_->binary(true);
      ws_->async_write(boost::asio::buffer(packet.view()), std::move(done));
    } else {
      ws_->text(true);
      typeChar_ = typeChar(packet.type);
      std::array<boost::asio::const_buffer, 2> frame{boost::asio::buffer(&typeChar_, 1),
                                                     boost::asio::buffer(packet.view())};
      ws_->async_write(frame, std::move(done));
    }
  }

  void onWrite(beast::error_code ec) {
    writing_ = false;
    if (closed_) return;
    if (ec) {
      if (auto listener = this->listener()) listener->onTransportError(*this, "write error");
      return finish();
    }
    queuedBytes_ -= queue_.front().view().size() + 1;
    queue_.pop_front();
    continueWrites();
  }

  // Beast's writes complete once copied into the CoalescingStream: the next message waits
  // until the socket took the previous ones, so a peer that does not read is still felt.
  void continueWrites() {
    if (writing_ || out().busy()) return;  // onWrite / onFlushed come back here
    if (!queue_.empty()) return writeNext();
    if (!closing_) return reportDrained();
    if (closeStarted_) return;
    closeStarted_ = true;
    ws_->async_close(websocket::close_code::normal,
                     [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  void finish() {
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    queuedBytes_ = 0;
    beast::error_code ignored;
    socket().close(ignored);
    if (auto listener = this->listener()) listener->onTransportClose(*this);
  }

  std::shared_ptr<BeastStream> ws_;
  WireFormat wire_;  // v3 frames binary packets differently
  beast::flat_buffer readBuffer_;
  std::list<Packet> queue_;  // a list: an empty one allocates nothing (a deque does)
  size_t queuedBytes_ = 0;   // of queue_
  char typeChar_ = '4';      // the type prefix of the message being written
  std::string v3Text_;       // v3 without binary: the `b4<base64>` message being written
  bool writing_ = false;
  bool closeStarted_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

class BeastPendingUpgrade final : public PendingUpgrade,
                                  public std::enable_shared_from_this<BeastPendingUpgrade> {
 public:
  BeastPendingUpgrade(ConnectionStream stream, http::request<http::string_body> httpRequest,
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
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code, size_t) {
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(ConnectionSocket::shutdown_both, ignored);
                        self->stream_.socket().close(ignored);
                      });
  }

  void accept(const WebSocketSettings& settings, HeaderList headers,
              std::function<void(std::shared_ptr<Transport>)> onOpen) override {
    bool deflateOffered =
        settings.perMessageDeflate && httpRequest_[http::field::sec_websocket_extensions].find(
                                          "permessage-deflate") != beast::string_view::npos;
    // Our own framing reads the TCP socket directly; over TLS (or with compression) Beast
    // reads and writes the messages.
    bool beastFrames = deflateOffered || stream_.secure();
    auto ws = makeBeastStream(std::move(stream_), settings, settings.perMessageDeflate);
    ws->set_option(websocket::stream_base::decorator(
        [headers = std::move(headers)](websocket::response_type& response) {
          for (const auto& [name, value] : headers) response.insert(name, value);
        }));
    ws->async_accept(httpRequest_, [self = shared_from_this(), ws, settings, beastFrames,
                                    onOpen = std::move(onOpen)](beast::error_code ec) {
      if (ec) return;
      if (beastFrames) {
        auto transport = std::make_shared<BeastWebSocketTransport>(ws, settings);
        transport->attach();
        return onOpen(transport);
      }
      // Beast's part ends with the handshake: once its response is written, the socket
      // goes to the transport and Beast's state is freed (an idle connection is then
      // little more than its socket).
      ws->next_layer().whenIdle([ws, settings, onOpen] {
        auto& connection = ws->next_layer().next_layer();
        onOpen(makeFramedWebSocketTransport(std::move(connection.socket()),
                                            connection.takePreread(), settings));
      });
    });
  }

 private:
  ConnectionStream stream_;
  http::request<http::string_body> httpRequest_;
  Request request_;
};

}  // namespace

std::shared_ptr<PendingUpgrade> makePendingUpgrade(ConnectionStream stream,
                                                   http::request<http::string_body> httpRequest,
                                                   Request request) {
  return std::make_shared<BeastPendingUpgrade>(std::move(stream), std::move(httpRequest),
                                               std::move(request));
}

std::shared_ptr<PendingUpgrade> makeEmbeddedUpgrade(ConnectionSocket socket, Request request,
                                                    std::string head) {
  // Beast answers the handshake from a request of its own: rebuilt from the parsed one.
  http::request<http::string_body> httpRequest;
  httpRequest.version(11);
  httpRequest.method_string(request.method());
  httpRequest.target(request.url());
  for (const auto& [name, value] : request.headers()) httpRequest.insert(name, value);
  ConnectionStream stream(std::move(socket));
  stream.setPreread(std::move(head));
  return makePendingUpgrade(std::move(stream), std::move(httpRequest), std::move(request));
}

}  // namespace sio::engine
