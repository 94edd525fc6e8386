// sio-bench: RawConnection on plain Asio (async_write, async_read_until into a string);
// handlers hold the shared state and check `closed` first.
#include "raw_connection.hpp"

#include <algorithm>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

namespace sio::bench {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct RawConnection::Impl {
  explicit Impl(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  std::string out, in;
  bool closed = false;

  void close(TcpClose how) {
    if (closed) return;
    closed = true;
    error_code ignored;
    if (how == TcpClose::Reset) {
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
    } else {
      // Unread bytes at close() would make the kernel send a reset instead of a FIN.
      char scratch[4096];
      for (size_t n = socket.available(ignored); n > 0 && !ignored; n = socket.available(ignored))
        socket.read_some(asio::buffer(scratch, std::min(n, sizeof scratch)), ignored);
    }
    socket.close(ignored);
  }
};

RawConnection::RawConnection(asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}

RawConnection::~RawConnection() {
  impl_->close(TcpClose::Reset);
}

void RawConnection::connect(const tcp::endpoint& endpoint, Done done) {
  impl_->socket.async_connect(endpoint, [self = impl_, done = std::move(done)](error_code ec) {
    if (self->closed) return;
    if (ec) return done("connect: " + ec.message());
    self->socket.set_option(tcp::no_delay(true), ec);
    done({});
  });
}

void RawConnection::write(std::string bytes, Done done) {
  impl_->out = std::move(bytes);
  asio::async_write(impl_->socket, asio::buffer(impl_->out),
                    [self = impl_, done = std::move(done)](error_code ec, size_t) {
                      if (self->closed) return;
                      done(ec ? "write: " + ec.message() : std::string());
                    });
}

void RawConnection::readUntil(std::string delimiter, Text done) {
  asio::async_read_until(impl_->socket, asio::dynamic_buffer(impl_->in), delimiter,
                         [self = impl_, done = std::move(done)](error_code ec, size_t size) {
                           if (self->closed) return;
                           if (ec) return done("read: " + ec.message(), {});
                           std::string text = self->in.substr(0, size);
                           self->in.erase(0, size);
                           done({}, text);
                         });
}

void RawConnection::close(TcpClose how) {
  impl_->close(how);
}

std::string maskedTextFrame(std::string_view payload) {
  static constexpr unsigned char kMask[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string frame;
  frame += char(0x81);  // FIN, text
  if (payload.size() < 126) {
    frame += char(0x80 | payload.size());
  } else {  // up to 64 KiB is all this needs
    frame += char(0x80 | 126);
    frame += char((payload.size() >> 8) & 0xff);
    frame += char(payload.size() & 0xff);
  }
  frame.append(reinterpret_cast<const char*>(kMask), 4);
  for (size_t i = 0; i < payload.size(); ++i) frame += char(payload[i] ^ kMask[i % 4]);
  return frame;
}

}  // namespace sio::bench
