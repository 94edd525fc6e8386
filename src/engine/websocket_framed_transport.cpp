// The WebSocket transport that frames by itself. Reading: it waits until the socket is
// readable, reads into a per-thread scratch buffer (an idle connection holds no read
// buffer), decodes every complete frame (ClientFrameReader) and handles them in one turn.
// Writing: frames are queued (a broadcast's frame by reference, SharedFrameCache) and the
// connection enters its io_context's WriteCork; after the current handler one drain writes
// each queued connection with one non-blocking sendmsg of all its frames, and waits for
// the socket to become writable only when the kernel takes no more. Text packets are
// `<type><data>` text frames, binary ones binary frames (v3: led by the type byte, or
// `b4<base64>` text for a client without binary). WebSocketCloseState decides the close.
#include "websocket_framed_transport.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <cerrno>
#include <cstdint>
#include <optional>

#include "exact_size_allocator.hpp"
#include "frame_queue.hpp"
#include "payload_v3.hpp"
#include "websocket_close_state.hpp"
#include "websocket_frames.hpp"
#include "write_cork_service.hpp"

namespace sio::engine {
namespace {
using error_code = boost::system::error_code;

class FramedWebSocketTransport final
    : public Transport,
      public CorkedWriter,
      public std::enable_shared_from_this<FramedWebSocketTransport> {
 public:
  FramedWebSocketTransport(ConnectionSocket socket, std::string preread,
                           const WebSocketSettings& settings)
      : socket_(std::move(socket)),
        reader_(settings.maxMessageSize),
        writes_(boost::asio::use_service<WriteCorkService>(
            boost::asio::query(socket_.get_executor(), boost::asio::execution::context))),
        wire_{static_cast<std::uint8_t>(settings.wire.protocol), settings.wire.supportsBinary} {
    if (!preread.empty()) partial_ = std::make_unique<std::string>(std::move(preread));
  }

  std::string_view name() const override { return "websocket"; }
  // Not while the kernel refuses more: a session then keeps its packets (and a volatile
  // one is dropped), as while Node's transport waits for its write callback.
  bool writable() const override { return close_.open() && !awaitingWritable_; }

  void start() override { startReading(); }

  void send(std::vector<Packet> packets, bool) override {
    if (!close_.open()) return;
    for (const auto& packet : packets) queuePacket(packet);
    scheduleWrite();
  }

  void sendOne(Packet packet, bool) override {
    if (!close_.open()) return;
    queuePacket(packet);
    scheduleWrite();
  }

  void sendShared(const SharedBytes& data, bool binary, bool) override {
    if (!close_.open()) return;
    queuePacket(PacketType::Message, data, binary);
    scheduleWrite();
  }

  size_t bufferedBytes() const override { return queue_.size(); }

  // No close frame: the peer is not reading. The socket is reset (SO_LINGER 0), so the
  // kernel drops its unsent bytes too and the descriptor is released now.
  void abort() override {
    if (close_.closed()) return;
    clearListener();
    close_.abort();
    error_code ignored;
    socket_.set_option(boost::asio::socket_base::linger(true, 0), ignored);
    finish();  // the read buffer goes with the transport (a caller may still be reading it)
  }

  void close() override {
    if (!close_.open()) return;
    apply(close_.closeByUs(websocket_close::kNormal));
  }

  void writeCorked() override {
    corked_ = false;
    writeNow();
  }

 private:
  // ---- writing ----

  void queuePacket(const Packet& packet) { queuePacket(packet.type, packet.data, packet.binary); }

  void queuePacket(PacketType type, const SharedBytes& data, bool binary) {
    if (binary && wire_.protocol == 3 && !wire_.supportsBinary) {
      return queue_.appendOwned([&](std::string& out) {
        std::string text;
        v3::appendTextPacket(Packet{type, data, binary}, text);
        appendServerFrame(WebSocketOpcode::Text, {}, text, out);
      });
    }
    FrameForm form;
    if (binary && wire_.protocol == 3) {
      form = FrameForm{WebSocketOpcode::Binary, true, char(type)};
    } else if (binary) {
      form = FrameForm{WebSocketOpcode::Binary, false, 0};
    } else {
      form = FrameForm{WebSocketOpcode::Text, true, typeChar(type)};
    }
    if (auto frame = writes_.frames().frameFor(data, form)) {
      queue_.appendShared(std::move(frame));
    } else {
      std::string_view payload = data ? std::string_view(*data) : std::string_view();
      queue_.appendOwned([&](std::string& out) {
        appendServerFrame(form.opcode, form.prefixView(), payload, out);
      });
    }
  }

  // The bytes leave at the end of the turn (or when the socket is writable again).
  void scheduleWrite() {
    if (corked_ || awaitingWritable_ || close_.closed() || queue_.empty()) return;
    corked_ = true;
    writes_.add(shared_from_this(), socket_.get_executor());
  }

  void writeNow() {
    if (close_.closed() || awaitingWritable_) return;
    std::array<iovec, kMaxSegmentsPerWrite> segments;
    while (!queue_.empty()) {
      msghdr message{};
      message.msg_iov = segments.data();
      message.msg_iovlen = queue_.gather(segments.data(), segments.size());
      ssize_t written = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (written < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return awaitWritable();
        return onWriteFailed();
      }
      queue_.consume(static_cast<std::size_t>(written));
    }
    onWritten();
  }

  void awaitWritable() {
    awaitingWritable_ = true;
    wasRefused_ = true;
    socket_.async_wait(ConnectionSocket::wait_write, [self = shared_from_this()](error_code ec) {
      self->awaitingWritable_ = false;
      if (self->close_.closed()) return;
      if (ec) return self->onWriteFailed();
      self->writeNow();
    });
  }

  void onWriteFailed() {
    if (close_.closed()) return;
    if (close_.open()) {
      if (auto listener = this->listener()) listener->onTransportError(*this, "write error");
    }
    finish();
  }

  // Everything queued is with the kernel. Only a session that was told "not writable"
  // (while the kernel refused bytes) may hold packets back, so only then is it told.
  void onWritten() {
    if (finishWhenWritten_) return finish();
    if (!close_.open() || !wasRefused_) return;
    wasRefused_ = false;
    if (auto listener = this->listener()) {
      listener->onTransportDrain(*this);
      listener->onTransportReady(*this);
    }
  }

  // ---- reading ----

  void startReading() {
    if (reading_) return;
    reading_ = true;
    if (partial_) {
      // Bytes read past the handshake: handled on the next turn, as a read would be
      // (whoever started the transport is done setting up its handlers by then).
      return boost::asio::post(socket_.get_executor(), [self = shared_from_this()] {
        if (self->close_.closed() || self->close_.peerClosed()) return;
        self->consume({});
        if (!self->close_.closed() && !self->close_.peerClosed()) self->waitReadable();
      });
    }
    waitReadable();
  }

  // The wait is what an idle connection keeps pending: its operation is allocated at its own
  // size, not from Asio's recycled blocks (exact_size_allocator.hpp). The handler names its
  // allocator itself rather than through bind_allocator: a binder forwards the associated
  // executor, so Asio would keep a second any_io_executor (the handler's) in the operation.
  struct ReadableHandler {
    using allocator_type = ExactSizeAllocator<void>;
    allocator_type get_allocator() const noexcept { return {}; }
    void operator()(error_code ec) const { self->onReadable(ec); }
    std::shared_ptr<FramedWebSocketTransport> self;
  };

  void waitReadable() {
    socket_.async_wait(ConnectionSocket::wait_read, ReadableHandler{shared_from_this()});
  }

  void onReadable(error_code ec) {
    if (close_.closed()) return;
    // One scratch buffer per thread: what a read leaves unparsed (a partial frame) is kept.
    static thread_local std::array<char, 65536> scratch;
    ssize_t size = 0;
    if (!ec) {
      do {
        size = ::recv(socket_.native_handle(), scratch.data(), scratch.size(), MSG_DONTWAIT);
      } while (size < 0 && errno == EINTR);
      if (size < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return waitReadable();
    }
    // The connection ended without a close frame (or reading failed): as Node, a close.
    if (ec || size <= 0) return finish();
    if (close_.peerClosed()) return;  // the end is near: what follows a close frame is not read
    consume(std::string_view(scratch.data(), static_cast<std::size_t>(size)));
    if (close_.closed()) return;
    waitReadable();
  }

  // Handles the frames in what was read (after what a previous read left unparsed).
  void consume(std::string_view input) {
    if (partial_) {
      partial_->append(input);
      input = *partial_;
    }
    handleFrames(input);
    if (close_.closed()) return;
    if (input.empty()) {
      partial_.reset();
    } else if (!partial_) {
      partial_ = std::make_unique<std::string>(input);
    } else if (input.data() != partial_->data() || input.size() != partial_->size()) {
      *partial_ = std::string(input);
    }
  }

  void handleFrames(std::string_view& input) {
    auto self = shared_from_this();
    while (!close_.closed() && !close_.peerClosed()) {
      auto event = reader_.next(input);
      if (!event) return;
      using Kind = ClientFrameReader::Event::Kind;
      switch (event->kind) {
        case Kind::Text:
        case Kind::Binary:
          if (close_.open()) deliver(std::move(*event));
          break;
        case Kind::Ping:
          // A peer that pings without reading gets no more pongs than fit a small bound
          // (RFC 6455 5.5.3 lets a pong answer only the latest ping).
          if (!close_.closeSent() && queue_.size() < kMaxQueuedForPong) {
            queue_.appendOwned([&](std::string& out) {
              appendServerFrame(WebSocketOpcode::Pong, {}, event->payload, out);
            });
            scheduleWrite();
          }
          break;
        case Kind::Pong:
          break;
        case Kind::Close:
          apply(close_.peerClose(
              event->code == websocket_close::kNoStatus ? websocket_close::kNormal : event->code));
          break;
        case Kind::Fail: {
          bool wasOpen = close_.open();
          apply(close_.peerClose(event->code));  // nothing more is read from it
          if (auto listener = this->listener(); listener && wasOpen)
            listener->onTransportError(*this, event->payload);
          break;
        }
      }
    }
  }

  void deliver(ClientFrameReader::Event event) {
    auto listener = this->listener();
    if (!listener) return;
    std::optional<Packet> packet;
    bool binary = event.kind == ClientFrameReader::Event::Kind::Binary;
    if (wire_.protocol == 3)
      packet = binary ? v3::decodeBinaryPacket(event.payload) : v3::decodePacket(event.payload);
    else if (binary)
      packet = Packet{PacketType::Message, makeBytes(std::move(event.payload)), true};
    else
      packet = decodePacket(event.payload);
    if (packet)
      listener->onTransportPacket(*this, std::move(*packet));
    else
      listener->onTransportParseError(*this);
  }

  // ---- closing ----

  // Carries out the close state's answer: our close frame once (the connection ends after
  // a grace period in any case), and the end once everything queued is written.
  void apply(WebSocketCloseState::Step step) {
    if (step.sendCloseFrame) {
      queue_.appendOwned([&](std::string& out) { appendCloseFrame(step.code, out); });
      closeTimer_ = std::make_unique<ConnectionTimer>(socket_.get_executor());
      closeTimer_->expires_after(kCloseGrace);
      closeTimer_->async_wait([self = shared_from_this()](error_code ec) {
        if (!ec) self->finish();
      });
      startReading();  // the peer's close frame ends it (a refused transport never read)
    }
    if (step.finishWhenWritten) {
      finishWhenWritten_ = true;
      if (queue_.empty() && !awaitingWritable_) {
        return boost::asio::post(socket_.get_executor(),
                                 [self = shared_from_this()] { self->finish(); });
      }
    }
    scheduleWrite();
  }

  void finish() {
    if (!close_.finish()) return;
    queue_.clear();
    if (closeTimer_) closeTimer_->cancel();
    error_code ignored;
    socket_.close(ignored);
    if (auto listener = this->listener()) listener->onTransportClose(*this);
  }

  static constexpr auto kCloseGrace = std::chrono::seconds(5);
  static constexpr std::size_t kMaxQueuedForPong = 64 * 1024;
  static constexpr std::size_t kMaxSegmentsPerWrite = 256;

  // What framing needs of the client's WireFormat (a WebSocket is never JSONP).
  struct Wire {
    std::uint8_t protocol;  // v3 frames binary packets differently
    bool supportsBinary;
  };

  ConnectionSocket socket_;
  ClientFrameReader reader_;
  WriteCorkService& writes_;
  FrameQueue queue_;
  // Bytes of a frame not yet complete (at first: the bytes read past the handshake); held
  // only while there are some (an idle connection has none).
  std::unique_ptr<std::string> partial_;
  std::unique_ptr<ConnectionTimer> closeTimer_;  // only while closing
  // The small state last, packed together (no padding between flags).
  WebSocketCloseState close_;
  Wire wire_;
  bool reading_ = false;
  bool corked_ = false;            // in the WriteCork, waiting for this turn's drain
  bool awaitingWritable_ = false;  // the kernel took no more: waiting for room
  bool wasRefused_ = false;        // since the last drain report
  bool finishWhenWritten_ = false;
};

}  // namespace

std::shared_ptr<Transport> makeFramedWebSocketTransport(ConnectionSocket socket,
                                                        std::string preread,
                                                        const WebSocketSettings& settings) {
  return std::make_shared<FramedWebSocketTransport>(std::move(socket), std::move(preread),
                                                    settings);
}

}  // namespace sio::engine
