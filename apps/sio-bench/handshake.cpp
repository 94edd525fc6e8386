// sio-bench: the two handshakes of the `connect` workload, as small state machines on the
// project's clients (SioClient, PollingClient, WsClient); the answers are checked by their
// prefix.
#include "handshake.hpp"

#include "polling_client.hpp"
#include "sio_client.hpp"
#include "ws_client.hpp"

namespace sio::bench {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

class WebSocketHandshake final : public Handshake, private SioClient::Owner {
 public:
  WebSocketHandshake(asio::io_context& io, const tcp::endpoint& endpoint, const TargetUrl& url,
                     Done done)
      : client_(io, *this), endpoint_(endpoint), url_(url), done_(std::move(done)) {}
  void start() override { client_.connect(endpoint_, url_); }

 private:
  void onConnected(SioClient&) override {
    client_.close();
    done_({});
  }
  void onPacket(SioClient&, std::string_view) override {}
  void onFailed(SioClient&, std::string_view what) override { done_(what); }

  SioClient client_;
  const tcp::endpoint& endpoint_;
  const TargetUrl& url_;
  Done done_;
};

class PollingHandshake final : public Handshake, private WsClient::Listener {
 public:
  PollingHandshake(asio::io_context& io, const tcp::endpoint& endpoint, const TargetUrl& url,
                   Done done)
      : polling_(io, endpoint, url, [this](std::string_view error) { finish(error); }),
        ws_(io, *this),
        endpoint_(endpoint),
        url_(url),
        done_(std::move(done)) {}

  void start() override {
    polling_.open([this](std::string_view) {
      polling_.post("40", [this](std::string_view body) {
        if (body != "ok") return finish("POST answered " + std::string(body.substr(0, 80)));
        polling_.get([this](std::string_view body) {
          if (body.compare(0, 3, "40{") != 0)
            return finish("expected CONNECT, got " + std::string(body.substr(0, 80)));
          polling_.close();
          ws_.connect(endpoint_, url_, polling_.target("websocket"));
        });
      });
    });
  }

 private:
  void onOpen() override { ws_.send("2probe"); }
  void onMessage(std::string_view text) override {
    if (text == "3probe") {
      ws_.send("5");
      ws_.send("421[\"message-with-ack\",1]");
    } else if (text == "431[1]") {
      finish({});
    } else if (text.compare(0, 2, "42") != 0 && text != "6") {  // `auth`, noop
      finish("unexpected after upgrade: " + std::string(text.substr(0, 80)));
    }
  }
  void onFailed(std::string_view what) override { finish(what); }

  void finish(std::string_view error) {
    if (finished_) return;
    finished_ = true;
    polling_.close();
    ws_.close();
    done_(error);
  }

  PollingClient polling_;
  WsClient ws_;
  const tcp::endpoint& endpoint_;
  const TargetUrl& url_;
  Done done_;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<Handshake> makeWebSocketHandshake(asio::io_context& io,
                                                  const tcp::endpoint& endpoint,
                                                  const TargetUrl& url, Handshake::Done done) {
  return std::make_unique<WebSocketHandshake>(io, endpoint, url, std::move(done));
}

std::unique_ptr<Handshake> makePollingHandshake(asio::io_context& io, const tcp::endpoint& endpoint,
                                                const TargetUrl& url, Handshake::Done done) {
  return std::make_unique<PollingHandshake>(io, endpoint, url, std::move(done));
}

}  // namespace sio::bench
