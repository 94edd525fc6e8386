// sio-bench: the two handshakes of the `connect` workload, as small state machines on the
// project's clients (SioClient, HttpClient, WsClient). The open packet is read with the
// project's JSON codec; the other answers are checked by their prefix.
#include "handshake.hpp"

#include "http_client.hpp"
#include "sio/codec/json.hpp"
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
      : http_(io), ws_(io, *this), endpoint_(endpoint), url_(url), done_(std::move(done)) {}

  void start() override {
    http_.connect(endpoint_, [this](std::string_view error) {
      if (!error.empty()) return finish(error);
      get([this](std::string_view body) { onOpenPacket(body); });
    });
  }

 private:
  std::string pollingTarget() const {
    std::string target = url_.path + "?EIO=4&transport=polling";
    if (!sid_.empty()) target += "&sid=" + sid_;
    return target;
  }

  // A request whose answer must be 200; `next` gets the body.
  void send(bool post, std::string body, std::function<void(std::string_view)> next) {
    http_.request(post, url_.hostHeader(), pollingTarget(), std::move(body),
                  [this, next = std::move(next)](std::string_view error, unsigned status,
                                                 std::string_view body) {
                    if (!error.empty()) return finish(error);
                    if (status != 200)
                      return finish("HTTP " + std::to_string(status) + ": " +
                                    std::string(body.substr(0, 80)));
                    next(body);
                  });
  }
  void get(std::function<void(std::string_view)> next) { send(false, {}, std::move(next)); }

  void onOpenPacket(std::string_view body) {
    auto open = body.empty() || body[0] != '0' ? std::nullopt : codec::parseJson(body.substr(1));
    const Value* sid = open ? open->find("sid") : nullptr;
    if (!sid || !sid->isString())
      return finish("bad open packet " + std::string(body.substr(0, 80)));
    sid_ = sid->asString();
    send(true, "40", [this](std::string_view body) {
      if (body != "ok") return finish("POST answered " + std::string(body.substr(0, 80)));
      get([this](std::string_view body) {
        if (body.compare(0, 3, "40{") != 0)
          return finish("expected CONNECT, got " + std::string(body.substr(0, 80)));
        http_.close();
        ws_.connect(endpoint_, url_, url_.path + "?EIO=4&transport=websocket&sid=" + sid_);
      });
    });
  }

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
    http_.close();
    ws_.close();
    done_(error);
  }

  HttpClient http_;
  WsClient ws_;
  const tcp::endpoint& endpoint_;
  const TargetUrl& url_;
  Done done_;
  std::string sid_;
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
