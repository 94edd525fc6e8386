// sio-bench: the WebSocket client on plain Asio (no Beast on the hot path): the upgrade
// request written and its 101 answer read by hand, then frames parsed in place from one
// receive buffer (every frame that a read brought is handled in that wake-up, no copy, no
// allocation per message) and sends framed straight into one output buffer that goes out
// in one write per connection per turn (a flush posted once per turn; what is sent while
// a write is in flight goes in the next one). No permessage-deflate, TCP_NODELAY, no
// WebSocket pings of its own (Engine.IO has its own); UTF-8 is not validated (a load
// generator). Handlers hold the shared state, so they never outlive it. A stuck client's
// last read counts what is buffered, then reads the raw socket to see whether the server
// closed it.
#include "ws_client.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sio/codec/base64.hpp"
#include "ws_frame.hpp"

namespace sio::bench {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr size_t kReadChunk = 64 * 1024;  // bytes asked of the kernel per read at least
constexpr size_t kMaxHeaders = 16 * 1024;

// Per-thread generator of masks and handshake keys (not cryptographic: a load generator).
uint32_t nextRandom() {
  thread_local std::minstd_rand generator{std::random_device{}()};
  return uint32_t(generator()) ^ (uint32_t(generator()) << 16);
}

}  // namespace

struct WsClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, Listener& listener) : socket(io), listener(listener) {}

  void fail(error_code ec, const char* stage) { fail(std::string(stage) + ": " + ec.message()); }

  void fail(std::string what) {
    if (closed) return;
    closed = true;
    open = false;
    error_code ignored;
    socket.close(ignored);
    if (closeDone) return std::exchange(closeDone, nullptr)(what);
    if (rawChunk) std::exchange(rawChunk, nullptr)(0, what);  // e.g. a pending write failed
    listener.onFailed(what);
  }

  // --- upgrade -------------------------------------------------------------------------

  void upgrade() {
    std::string key(16, '\0');
    for (size_t i = 0; i < key.size(); i += 4) {
      const uint32_t r = nextRandom();
      std::memcpy(key.data() + i, &r, 4);
    }
    // in the write buffer: frames sent before the upgrade completed wait in `out`
    wbuf = "GET " + target + " HTTP/1.1\r\nHost: " + host +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " +
           codec::base64Encode(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    writing = true;
    asio::async_write(socket, asio::buffer(wbuf),
                      [self = shared_from_this()](error_code ec, size_t) {
                        self->writing = false;
                        self->wbuf.clear();
                        if (self->closed) return;
                        if (ec) return self->fail(ec, "upgrade");
                        self->readResponse();
                      });
  }

  void readResponse() {
    reserveRead();
    socket.async_read_some(
        asio::buffer(in.data() + inEnd, in.size() - inEnd),
        [self = shared_from_this()](error_code ec, size_t n) {
          if (self->closed) return;
          if (ec) return self->fail(ec, "upgrade");
          self->inEnd += n;
          std::string_view got(self->in.data(), self->inEnd);
          const size_t end = got.find("\r\n\r\n");
          if (end == std::string_view::npos) {
            if (got.size() > kMaxHeaders) return self->fail("upgrade: response headers too long");
            return self->readResponse();
          }
          // "HTTP/1.1 101 …": anything else is a refusal
          if (got.size() < 12 || got.compare(0, 5, "HTTP/") != 0 || got.substr(9, 3) != "101") {
            const size_t line = got.find("\r\n");
            return self->fail("upgrade: " + std::string(got.substr(0, line)));
          }
          self->inStart = end + 4;
          self->opened();
        });
  }

  void opened() {
    open = true;
    listener.onOpen();
    if (closed) return;
    if (!out.empty()) flush();
    consumeFrames();  // what came with the 101
    if (!closed && !paused && !rawChunk) read();
  }

  // --- reading -------------------------------------------------------------------------

  // Room for at least kReadChunk (or the frame being waited for) after inEnd.
  void reserveRead() {
    if (inStart == inEnd) inStart = inEnd = 0;
    const size_t want =
        std::max(kReadChunk, wantFrame > inEnd - inStart ? wantFrame - (inEnd - inStart) : 0);
    if (in.size() - inEnd >= want) return;
    if (inStart > 0) {  // compact
      std::memmove(in.data(), in.data() + inStart, inEnd - inStart);
      inEnd -= inStart;
      inStart = 0;
    }
    if (in.size() - inEnd < want) in.resize(inEnd + want);
  }

  void read() {
    reserveRead();
    reading = true;
    socket.async_read_some(asio::buffer(in.data() + inEnd, in.size() - inEnd),
                           [self = shared_from_this()](error_code ec, size_t n) {
                             self->reading = false;
                             if (self->closed) return;
                             if (ec) return self->fail(ec, "read");
                             self->inEnd += n;
                             if (self->rawChunk) return self->readRaw();
                             self->consumeFrames();
                             if (!self->closed && !self->paused && !self->rawChunk)
                               self->read();
                             else if (!self->closed && self->rawChunk)
                               self->readRaw();
                           });
  }

  // Handles every complete frame in the buffer (until paused or closed).
  void consumeFrames() {
    while (!closed && !paused && !rawChunk) {
      WsFrame frame;
      size_t needed = 0;
      const char* error = nullptr;
      auto parsed = parseFrame(in.data() + inStart, inEnd - inStart, frame, needed, error);
      if (parsed == WsParse::NeedMore) {
        wantFrame = needed;
        return;
      }
      if (parsed == WsParse::Error) return fail(std::string("read: ") + error);
      wantFrame = 0;
      inStart += frame.size;
      handleFrame(frame);
    }
  }

  void handleFrame(const WsFrame& frame) {
    switch (frame.opcode) {
      case WsOpcode::Ping:
        if (!closeDone && !closeSent) queueFrame(WsOpcode::Pong, {}, frame.payload);
        return;
      case WsOpcode::Pong:
        return;
      case WsOpcode::Close:
        if (closeDone) {  // the answer to ours: the handshake is complete
          closed = true;
          error_code ignored;
          socket.close(ignored);
          return std::exchange(closeDone, nullptr)({});
        }
        return fail("read: The WebSocket stream was gracefully closed");
      default:
        break;
    }
    if (closeDone) return;  // closing: data is discarded
    if (frame.opcode == WsOpcode::Continuation) {
      if (!inMessage) return fail("read: continuation without a message");
      fragments.append(frame.payload);
      if (!frame.fin) return;
      inMessage = false;
      if (open) listener.onMessage(fragments);
      fragments.clear();
      return;
    }
    if (inMessage) return fail("read: a new message inside a fragmented one");
    if (!frame.fin) {
      inMessage = true;
      fragments.assign(frame.payload);
      return;
    }
    if (open) listener.onMessage(frame.payload);
  }

  // Below the frames: what is buffered counts as read, then raw reads.
  void readRaw() {
    if (inEnd > inStart) {
      const size_t buffered = inEnd - inStart;
      inStart = inEnd = 0;
      rawChunk(buffered, {});
      if (closed) return;
    }
    reserveRead();
    reading = true;
    socket.async_read_some(asio::buffer(in.data(), in.size()), [self = shared_from_this()](
                                                                   error_code ec, size_t size) {
      self->reading = false;
      if (self->closed) return;
      if (ec) {
        auto chunk = std::move(self->rawChunk);
        self->close(TcpClose::Reset);
        return chunk(0, ec == asio::error::eof ? "end of file" : ec.message());
      }
      self->rawChunk(size, {});
      if (!self->closed) self->readRaw();
    });
  }

  // --- writing -------------------------------------------------------------------------

  void queueFrame(WsOpcode opcode, std::string_view head, std::string_view body) {
    appendMaskedFrame(out, opcode, head, body, nextRandom());
    ++outMessages;
    if (!open && !closeDone) return;  // before the upgrade: sent once open
    if (!writing && !flushPosted) {   // once per turn: everything this turn sends, one write
      flushPosted = true;
      asio::post(socket.get_executor(), [self = shared_from_this()] {
        self->flushPosted = false;
        if (!self->closed && !self->writing && !self->out.empty()) self->flush();
      });
    }
  }

  void flush() {
    writing = true;
    std::swap(out, wbuf);
    wbufMessages = std::exchange(outMessages, 0);
    asio::async_write(socket, asio::buffer(wbuf),
                      [self = shared_from_this()](error_code ec, size_t) {
                        self->writing = false;
                        self->wbuf.clear();
                        self->wbufMessages = 0;
                        if (self->closed) return;
                        if (ec) return self->fail(ec, "write");
                        if (!self->out.empty())
                          self->flush();
                        else if (self->closeDone && !self->closeSent)
                          self->startCloseHandshake();
                        else if (self->closeWhenWritten)
                          self->close(TcpClose::Reset);
                      });
  }

  // Once the queue is written: close frame out; the server's close frame (handleFrame)
  // completes it.
  void startCloseHandshake() {
    closeSent = true;
    const char code[2] = {char(0x03), char(0xE8)};  // 1000, normal closure
    appendMaskedFrame(out, WsOpcode::Close, {}, std::string_view(code, 2), nextRandom());
    ++outMessages;
    flush();
    if (!reading && !paused) {
      consumeFrames();
      if (!closed) read();
    }
  }

  void close(TcpClose how) {
    if (closed) return;
    closed = true;
    open = false;
    closeDone = nullptr;  // a close handshake in progress is abandoned
    error_code ignored;
    if (how == TcpClose::Reset) {
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
    } else {
      // Unread bytes at close() would make the kernel send a reset instead of a FIN.
      char scratch[16 * 1024];
      for (size_t n = socket.available(ignored); n > 0 && !ignored; n = socket.available(ignored))
        socket.read_some(asio::buffer(scratch, std::min(n, sizeof scratch)), ignored);
    }
    socket.close(ignored);
  }

  tcp::socket socket;
  Listener& listener;
  std::vector<char> in;  // received bytes: [inStart, inEnd) not handled yet
  size_t inStart = 0, inEnd = 0, wantFrame = 0;
  std::string fragments;  // a fragmented message so far
  std::string out, wbuf;  // frames queued; frames being written
  size_t outMessages = 0, wbufMessages = 0;
  std::string host, target;
  std::function<void(size_t, std::string_view)> rawChunk;
  std::function<void(std::string_view)> closeDone;  // set while closing with a handshake
  int receiveBuffer = 0;
  bool open = false, closed = false, writing = false, flushPosted = false, closeWhenWritten = false,
       closeSent = false, paused = false, reading = false, inMessage = false;
};

WsClient::WsClient(asio::io_context& io, Listener& listener)
    : impl_(std::make_shared<Impl>(io, listener)) {}

WsClient::~WsClient() {
  impl_->close(TcpClose::Reset);
}

void WsClient::connect(const tcp::endpoint& endpoint, const TargetUrl& url, std::string target) {
  Impl& impl = *impl_;
  impl.host = url.hostHeader();
  impl.target = target.empty() ? url.websocketTarget() : std::move(target);
  if (impl.receiveBuffer > 0) {
    error_code ec;
    impl.socket.open(endpoint.protocol(), ec);
    if (!ec) impl.socket.set_option(asio::socket_base::receive_buffer_size(impl.receiveBuffer), ec);
  }
  impl.socket.async_connect(endpoint, [self = impl_](error_code ec) {
    if (self->closed) return;
    if (ec) return self->fail(ec, "connect");
    self->socket.set_option(tcp::no_delay(true), ec);
    self->upgrade();
  });
}

void WsClient::send(std::string_view text) {
  sendParts({}, text);
}

void WsClient::sendParts(std::string_view head, std::string_view body) {
  Impl& impl = *impl_;
  if (impl.closed || impl.closeDone) return;
  impl.queueFrame(WsOpcode::Text, head, body);
}

void WsClient::close(TcpClose how) {
  impl_->close(how);
}

void WsClient::closeAfterWrites() {
  Impl& impl = *impl_;
  if (impl.out.empty() && !impl.writing)
    impl.close(TcpClose::Reset);
  else
    impl.closeWhenWritten = true;
}

void WsClient::closeHandshake(std::function<void(std::string_view error)> done) {
  Impl& impl = *impl_;
  if (impl.closed || !impl.open || impl.closeDone)
    return done(impl.closed ? "already closed" : "not open");
  impl.open = false;  // no listener call follows
  impl.closeDone = std::move(done);
  if (!impl.writing && impl.out.empty())
    impl.startCloseHandshake();  // else once written
  else if (!impl.writing && !impl.flushPosted)
    impl.flush();
}

void WsClient::setReceiveBuffer(int bytes) {
  impl_->receiveBuffer = bytes;
}

void WsClient::stopReading() {
  impl_->paused = true;
}

size_t WsClient::queuedWrites() const {
  return impl_->outMessages + impl_->wbufMessages;
}

void WsClient::readRawUntilEnd(std::function<void(size_t bytes, std::string_view ended)> chunk) {
  Impl& impl = *impl_;
  if (impl.closed) return chunk(0, "already closed");
  impl.paused = true;
  impl.rawChunk = std::move(chunk);
  if (!impl.reading) impl.readRaw();  // else the pending read switches over when it completes
}

bool WsClient::isOpen() const {
  return impl_->open;
}

std::vector<tcp::endpoint> resolveHost(const TargetUrl& url) {
  asio::io_context io;
  tcp::resolver resolver(io);
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : resolver.resolve(url.host, std::to_string(url.port)))
    endpoints.push_back(entry.endpoint());
  return endpoints;
}

tcp::endpoint firstEndpoint(const TargetUrl& url) {
  auto endpoints = resolveHost(url);
  if (endpoints.empty()) throw std::runtime_error("cannot resolve " + url.host);
  return endpoints.front();
}

}  // namespace sio::bench
