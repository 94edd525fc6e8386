// sio-bench: the churn kinds that start over HTTP, as small state machines on
// PollingClient and RawConnection: `handshake` (half a request line and headers, then a
// FIN; or a complete polling handshake never followed up), `upgrade-cut` (a polling
// handshake, then a WebSocket upgrade for its sid cut after the request, after the 101 or
// after a masked `2probe`) and `polling-timeout` (connected to `/`, then no more polls).
#include <boost/asio/io_context.hpp>

#include "churn_session.hpp"
#include "polling_client.hpp"
#include "raw_connection.hpp"

namespace sio::bench {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Common to the kinds here: one `done`, and every connection ends with the session.
class HttpChurnSession : public ChurnSession {
 protected:
  HttpChurnSession(asio::io_context& io, const tcp::endpoint& endpoint, const TargetUrl& url,
                   Done done)
      : polling_(io, endpoint, url, [this](std::string_view error) { finish(error); }),
        raw_(io),
        endpoint_(endpoint),
        url_(url),
        done_(std::move(done)) {}

  void finish(std::string_view error) {
    if (finished_) return;
    finished_ = true;
    polling_.close();
    raw_.close(TcpClose::Reset);
    done_(error);
  }
  // Ends the raw connection with a FIN (a client that just goes away), then the session.
  void walkAway() {
    raw_.close(TcpClose::Fin);
    finish({});
  }
  // `next` runs when the raw step succeeded; a failure ends the session.
  RawConnection::Done orFail(std::function<void()> next) {
    return [this, next = std::move(next)](std::string_view error) {
      if (!error.empty()) return finish(error);
      next();
    };
  }

  PollingClient polling_;
  RawConnection raw_;
  const tcp::endpoint& endpoint_;
  const TargetUrl& url_;

 private:
  Done done_;
  bool finished_ = false;
};

class HandshakeSession final : public HttpChurnSession {
 public:
  HandshakeSession(uint64_t index, asio::io_context& io, const tcp::endpoint& endpoint,
                   const TargetUrl& url, Done done)
      : HttpChurnSession(io, endpoint, url, std::move(done)), half_(index % 2 == 0) {}

  void start() override {
    if (!half_) {
      // A whole handshake: the server opens an Engine.IO session that nobody polls again.
      polling_.open([this](std::string_view) { finish({}); });
      return;
    }
    raw_.connect(endpoint_, orFail([this] {
                   raw_.write("GET " + polling_.target() + " HTTP/1.1\r\nHost: " +
                                  url_.hostHeader() + "\r\n",  // no blank line: never complete
                              orFail([this] { walkAway(); }));
                 }));
  }

 private:
  bool half_;
};

class UpgradeCutSession final : public HttpChurnSession {
 public:
  enum class Cut { AfterRequest, After101, AfterProbe };

  UpgradeCutSession(uint64_t index, asio::io_context& io, const tcp::endpoint& endpoint,
                    const TargetUrl& url, Done done)
      : HttpChurnSession(io, endpoint, url, std::move(done)), cut_(Cut(index % 3)) {}

  void start() override {
    polling_.open([this](std::string_view) {
      polling_.close();
      raw_.connect(endpoint_, orFail([this] { upgrade(); }));
    });
  }

 private:
  void upgrade() {
    std::string request = "GET " + polling_.target("websocket") +
                          " HTTP/1.1\r\nHost: " + url_.hostHeader() +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
    raw_.write(std::move(request), orFail([this] {
                 if (cut_ == Cut::AfterRequest) return walkAway();
                 raw_.readUntil("\r\n\r\n", [this](std::string_view error, std::string_view head) {
                   if (!error.empty()) return finish(error);
                   if (head.compare(0, 12, "HTTP/1.1 101") != 0)
                     return finish("upgrade answered " + std::string(head.substr(0, 80)));
                   if (cut_ == Cut::After101) return walkAway();
                   raw_.write(maskedTextFrame("2probe"), orFail([this] { walkAway(); }));
                 });
               }));
  }

  Cut cut_;
};

class PollingTimeoutSession final : public HttpChurnSession {
 public:
  PollingTimeoutSession(asio::io_context& io, const tcp::endpoint& endpoint, const TargetUrl& url,
                        Done done)
      : HttpChurnSession(io, endpoint, url, std::move(done)) {}

  void start() override {
    polling_.open([this](std::string_view) {
      polling_.post("40", [this](std::string_view body) {
        if (body != "ok") return finish("POST answered " + std::string(body.substr(0, 80)));
        polling_.get([this](std::string_view body) {
          if (body.compare(0, 3, "40{") != 0)
            return finish("expected CONNECT, got " + std::string(body.substr(0, 80)));
          finish({});  // and never poll again: the server's ping times out
        });
      });
    });
  }
};

}  // namespace

std::unique_ptr<ChurnSession> makeHandshakeSession(uint64_t index, asio::io_context& io,
                                                   const tcp::endpoint& endpoint,
                                                   const TargetUrl& url, ChurnSession::Done done) {
  return std::make_unique<HandshakeSession>(index, io, endpoint, url, std::move(done));
}

std::unique_ptr<ChurnSession> makeUpgradeCutSession(uint64_t index, asio::io_context& io,
                                                    const tcp::endpoint& endpoint,
                                                    const TargetUrl& url, ChurnSession::Done done) {
  return std::make_unique<UpgradeCutSession>(index, io, endpoint, url, std::move(done));
}

std::unique_ptr<ChurnSession> makePollingTimeoutSession(asio::io_context& io,
                                                        const tcp::endpoint& endpoint,
                                                        const TargetUrl& url,
                                                        ChurnSession::Done done) {
  return std::make_unique<PollingTimeoutSession>(io, endpoint, url, std::move(done));
}

}  // namespace sio::bench
