// The WebSocket transport. Beast answers the upgrade. Then, without permessage-deflate (the
// default), the transport frames by itself: it waits until the socket is readable, reads
// into a per-thread scratch buffer (an idle connection holds no read buffer), decodes every
// complete frame it got (ClientFrameReader) and handles them in one turn, and appends its
// frames to the CoalescingStream, so a session's queued packets leave in one system call.
// With permessage-deflate offered, Beast reads and writes one message at a time.
// Text packets are `<type><data>` text frames, binary ones binary frames (v3: led by the
// type byte, or `b4<base64>` text for a client without binary). Orderly close after the
// writes drain; a message over maxHttpBufferSize fails with close code 1009.
#include "websocket_transport.hpp"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <list>
#include <optional>

#include "coalescing_stream.hpp"
#include "payload_v3.hpp"
#include "transport.hpp"
#include "websocket_frames.hpp"

namespace sio::engine {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace {

class WebSocketTransport final : public Transport,
                                 public std::enable_shared_from_this<WebSocketTransport> {
 public:
  WebSocketTransport(ConnectionStream stream, const WebSocketSettings& settings)
      : ws_(std::make_unique<BeastStream>(std::move(stream))),
        reader_(settings.maxMessageSize),
        wire_(settings.wire) {
    ws_->read_message_max(settings.maxMessageSize);
    ws_->auto_fragment(false);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_->set_option(timeouts);
    if (settings.perMessageDeflate) {
      websocket::permessage_deflate deflate;
      deflate.server_enable = true;
      deflate.msg_size_threshold = settings.deflateThreshold;
      ws_->set_option(deflate);
    }
  }

  template <class Handler>
  void accept(const http::request<http::string_body>& request, HeaderList headers, bool beastFrames,
              Handler handler) {
    framesHere_ = !beastFrames;
    ws_->next_layer().setOwner(weak_from_this(), [weak = weak_from_this()](beast::error_code ec) {
      if (auto self = weak.lock()) self->onFlushed(ec);
    });
    ws_->set_option(websocket::stream_base::decorator(
        [headers = std::move(headers)](websocket::response_type& response) {
          for (const auto& [name, value] : headers) response.insert(name, value);
        }));
    ws_->async_accept(request, [self = shared_from_this(), handler](beast::error_code ec) {
      if (ec || !self->framesHere_) return handler(ec);
      // Beast's part ends with the handshake: keep the connection, free Beast's state
      // (an idle connection is then little more than its socket).
      self->ws_->next_layer().whenIdle([self, handler] {
        self->own_.emplace(std::move(self->ws_->next_layer()));
        self->ws_.reset();
        handler(beast::error_code{});
      });
    });
  }

  std::string_view name() const override { return "websocket"; }
  bool writable() const override {
    if (closing_ || closed_) return false;
    return !out().busy() && !writing_ && queue_.empty();
  }

  void start() override {
    if (!framesHere_) return readNext();
    startReading();
  }

  void send(std::vector<Packet> packets, bool) override {
    if (closing_ || closed_) return;
    if (framesHere_) {
      if (closeSent_) return;
      auto& frames = out().pendingBuffer();
      for (const auto& packet : packets) {
        if (packet.binary && wire_.protocol == 3) {
          appendV3BinaryFrame(packet, frames);
        } else if (packet.binary) {
          appendServerFrame(WebSocketOpcode::Binary, {}, packet.view(), frames);
        } else {
          char type = typeChar(packet.type);
          appendServerFrame(WebSocketOpcode::Text, std::string_view(&type, 1), packet.view(),
                            frames);
        }
      }
      return out().flush();
    }
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
    finish();  // the read buffer goes with the transport (a caller may still be reading it)
  }

  void close() override {
    if (closing_ || closed_) return;
    closing_ = true;
    if (framesHere_) {
      sendClose(websocket_close::kNormal);
    } else {
      continueBeastWrites();
    }
  }

 private:
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

  // v3: a binary frame led by the packet's type byte, or `b4<base64>` text for a client
  // that asked for base64 (b64=1).
  void appendV3BinaryFrame(const Packet& packet, std::string& frames) const {
    if (wire_.supportsBinary) {
      char type = char(packet.type);
      appendServerFrame(WebSocketOpcode::Binary, std::string_view(&type, 1), packet.view(), frames);
    } else {
      std::string text;
      v3::appendTextPacket(packet, text);
      appendServerFrame(WebSocketOpcode::Text, {}, text, frames);
    }
  }

  // ---- own framing (no permessage-deflate) ----

  tcp::socket& socket() { return out().next_layer().socket(); }
  CoalescingStream& out() { return own_ ? *own_ : ws_->next_layer(); }
  const CoalescingStream& out() const { return own_ ? *own_ : ws_->next_layer(); }

  void startReading() {
    if (reading_) return;
    reading_ = true;
    beast::error_code ignored;
    socket().non_blocking(true, ignored);
    if (auto head = out().next_layer().takePreread(); !head.empty()) {
      // Handled on the next turn, as a read would be: whoever started the transport is
      // done setting up its handlers by then.
      return boost::asio::post(socket().get_executor(),
                               [self = shared_from_this(), head = std::move(head)] {
                                 if (self->closed_ || self->peerClosed_) return;
                                 self->consume(head);
                                 if (!self->closed_ && !self->peerClosed_) self->waitReadable();
                               });
    }
    waitReadable();
  }

  void waitReadable() {
    socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      self->onReadable(ec);
    });
  }

  void onReadable(beast::error_code ec) {
    if (closed_) return;
    // One scratch buffer per thread: what a read leaves unparsed (a partial frame) is kept.
    static thread_local std::array<char, 65536> scratch;
    std::size_t size = 0;
    if (!ec) {
      size = socket().read_some(boost::asio::buffer(scratch), ec);
      if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
        return waitReadable();
      }
    }
    if (ec) return onReadFailed();
    if (peerClosed_) return;  // the end is near: what follows a close frame is not read
    consume(std::string_view(scratch.data(), size));
    if (closed_) return;
    waitReadable();
  }

  // Handles the frames in what was read (after what a previous read left unparsed).
  void consume(std::string_view input) {
    if (!partial_.empty()) {
      partial_.append(input);
      input = partial_;
    }
    handleFrames(input);
    if (closed_) return;
    if (input.empty()) {
      std::string().swap(partial_);
    } else if (input.data() != partial_.data() || input.size() != partial_.size()) {
      partial_ = std::string(input);
    }
  }

  // The connection ended without a close frame (or reading failed): as Node, a close.
  void onReadFailed() { finish(); }

  void handleFrames(std::string_view& input) {
    auto self = shared_from_this();
    while (!closed_ && !peerClosed_) {
      auto event = reader_.next(input);
      if (!event) return;
      using Kind = ClientFrameReader::Event::Kind;
      switch (event->kind) {
        case Kind::Text:
        case Kind::Binary:
          if (!closing_) deliver(std::move(*event));
          break;
        case Kind::Ping:
          // A peer that pings without reading gets no more pongs than fit a small bound
          // (RFC 6455 5.5.3 lets a pong answer only the latest ping).
          if (!closeSent_ && out().pendingBytes() < kMaxPendingPongBytes) {
            appendServerFrame(WebSocketOpcode::Pong, {}, event->payload, out().pendingBuffer());
            out().flush();
          }
          break;
        case Kind::Pong:
          break;
        case Kind::Close:
          peerClosed_ = true;
          sendClose(event->code == websocket_close::kNoStatus ? websocket_close::kNormal
                                                              : event->code);
          break;
        case Kind::Fail: {
          bool wasClosing = closing_;
          peerClosed_ = true;  // nothing more is read from it
          sendClose(event->code);
          if (auto listener = this->listener(); listener && !wasClosing) {
            listener->onTransportError(*this, event->payload);
          }
          break;
        }
      }
    }
  }

  void deliver(ClientFrameReader::Event event) {
    auto listener = this->listener();
    if (!listener) return;
    receive(*listener, std::move(event.payload),
            event.kind == ClientFrameReader::Event::Kind::Binary);
  }

  // Sends a close frame once; the connection ends when it is written and the peer's close
  // frame came (at once if it already did), or after a grace period in any case.
  void sendClose(std::uint16_t code) {
    closing_ = true;
    if (!closeSent_) {
      closeSent_ = true;
      appendCloseFrame(code, out().pendingBuffer());
      out().flush();
      closeTimer_ = std::make_unique<boost::asio::steady_timer>(socket().get_executor());
      closeTimer_->expires_after(kCloseGrace);
      closeTimer_->async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->finish();
      });
      startReading();  // the peer's close frame ends it (a refused transport never read)
    }
    if (peerClosed_) {
      out().whenIdle([self = shared_from_this()] { self->finish(); });
    }
  }

  static constexpr auto kCloseGrace = std::chrono::seconds(5);
  static constexpr std::size_t kMaxPendingPongBytes = 64 * 1024;

  void onFlushed(beast::error_code ec) {
    if (closed_) return;
    if (ec) {
      if (closing_) return finish();
      if (auto listener = this->listener()) listener->onTransportError(*this, "write error");
      return finish();
    }
    if (out().busy()) return;
    if (!framesHere_) return continueBeastWrites();
    if (!closing_) reportDrained();
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
    continueBeastWrites();
  }

  // Beast's writes complete once copied into the CoalescingStream: the next message waits
  // until the socket took the previous ones, so a peer that does not read is still felt.
  void continueBeastWrites() {
    if (writing_ || out().busy()) return;  // onWrite / onFlushed come back here
    if (!queue_.empty()) return writeNext();
    if (!closing_) return reportDrained();
    if (closeStarted_) return;
    closeStarted_ = true;
    closeHandshake();
  }

  void closeHandshake() {
    ws_->async_close(websocket::close_code::normal,
                     [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  void finish() {
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    queuedBytes_ = 0;
    if (closeTimer_) closeTimer_->cancel();
    beast::error_code ignored;
    socket().close(ignored);
    if (auto listener = this->listener()) listener->onTransportClose(*this);
  }

  using BeastStream = websocket::stream<CoalescingStream>;
  // Beast's stream: the handshake, then everything when permessage-deflate may be on.
  std::unique_ptr<BeastStream> ws_;
  // own framing after the handshake: the connection taken over from Beast
  std::optional<CoalescingStream> own_;
  // own framing
  ClientFrameReader reader_;
  WireFormat wire_;      // v3 frames binary packets differently
  std::string partial_;  // bytes of a frame not yet complete
  std::unique_ptr<boost::asio::steady_timer> closeTimer_;  // only while closing
  bool reading_ = false;
  bool closeSent_ = false;
  bool peerClosed_ = false;
  // Beast's reading and writing (permessage-deflate)
  beast::flat_buffer readBuffer_;
  std::list<Packet> queue_;  // a list: an empty one allocates nothing (a deque does)
  size_t queuedBytes_ = 0;   // of queue_
  char typeChar_ = '4';      // the type prefix of the message being written
  std::string v3Text_;       // v3 without binary: the `b4<base64>` message being written
  bool framesHere_ = true;   // false when permessage-deflate may be on: Beast frames
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
    http::async_write(
        stream_, *response, [self = shared_from_this(), response](beast::error_code, size_t) {
          beast::error_code ignored;
          self->stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
          self->stream_.socket().close(ignored);
        });
  }

  void accept(const WebSocketSettings& settings, HeaderList headers,
              std::function<void(std::shared_ptr<Transport>)> onOpen) override {
    bool secure = stream_.secure();
    auto transport = std::make_shared<WebSocketTransport>(std::move(stream_), settings);
    bool deflateOffered =
        settings.perMessageDeflate && httpRequest_[http::field::sec_websocket_extensions].find(
                                          "permessage-deflate") != beast::string_view::npos;
    // Our own framing reads the TCP socket directly; over TLS (or with compression) Beast
    // reads and writes the messages.
    bool beastFrames = deflateOffered || secure;
    transport->accept(
        httpRequest_, std::move(headers), beastFrames,
        [self = shared_from_this(), transport, onOpen = std::move(onOpen)](beast::error_code ec) {
          if (!ec) onOpen(transport);
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

std::shared_ptr<PendingUpgrade> makeEmbeddedUpgrade(tcp::socket socket, Request request,
                                                    std::string head) {
  // Beast answers the handshake from a request of its own: rebuilt from the parsed one.
  http::request<http::string_body> httpRequest;
  httpRequest.version(11);
  httpRequest.method_string(request.method);
  httpRequest.target(request.url);
  for (const auto& [name, value] : request.headers) httpRequest.insert(name, value);
  ConnectionStream stream(std::move(socket));
  stream.setPreread(std::move(head));
  return makePendingUpgrade(std::move(stream), std::move(httpRequest), std::move(request));
}

}  // namespace sio::engine
