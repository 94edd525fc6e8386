// sio-bench: the churn kinds over WebSocket. `vanish`: a Socket.IO session on `/` whose
// TCP connection ends right after the CONNECT answer, without a close frame (a FIN or a
// reset, alternately). `rooms`: a well-behaved session on `/` and `/custom` that joins and
// leaves rooms through the fixture's `op` event, leaves `/custom`, and closes cleanly.
#include <boost/asio/io_context.hpp>

#include "churn_session.hpp"
#include "packet_scan.hpp"
#include "sio_client.hpp"
#include "ws_client.hpp"

namespace sio::bench {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

class VanishSession final : public ChurnSession, private SioClient::Owner {
 public:
  VanishSession(uint64_t index, asio::io_context& io, const tcp::endpoint& endpoint,
                const TargetUrl& url, Done done)
      : client_(io, *this),
        endpoint_(endpoint),
        url_(url),
        how_(index % 2 == 0 ? TcpClose::Fin : TcpClose::Reset),
        done_(std::move(done)) {}
  void start() override { client_.connect(endpoint_, url_); }

 private:
  void onConnected(SioClient&) override {
    client_.close(how_);
    done_({});
  }
  void onPacket(SioClient&, std::string_view) override {}
  void onFailed(SioClient&, std::string_view what) override { done_(what); }

  SioClient client_;
  const tcp::endpoint& endpoint_;
  const TargetUrl& url_;
  TcpClose how_;
  Done done_;
};

// Engine.IO and Socket.IO by hand (SioClient knows only `/`): open, CONNECT to both
// namespaces, then the `op` requests, acked by id (main: 1 join r1+r2, 3 leave r1;
// /custom: 2 join r1+r2), then `41/custom,` and the closing handshake.
class RoomsSession final : public ChurnSession, private WsClient::Listener {
 public:
  RoomsSession(asio::io_context& io, const tcp::endpoint& endpoint, const TargetUrl& url, Done done)
      : ws_(io, *this), endpoint_(endpoint), url_(url), done_(std::move(done)) {}
  void start() override { ws_.connect(endpoint_, url_); }

 private:
  static constexpr std::string_view kCustom = "/custom,";

  void onOpen() override {}

  void onMessage(std::string_view text) override {
    if (text.empty()) return finish("empty Engine.IO packet");
    switch (text[0]) {
      case '0':
        ws_.send("40");
        ws_.send("40" + std::string(kCustom));
        return;
      case '2': {
        std::string pong(text);
        pong[0] = '3';
        return ws_.send(std::move(pong));
      }
      case '4':
        return onSocketIo(text.substr(1));
      case '6':
        return;
      default:
        return finish("unexpected Engine.IO packet " + std::string(text.substr(0, 80)));
    }
  }

  void onSocketIo(std::string_view packet) {
    const bool custom = packet.size() > 1 && packet.substr(1, kCustom.size()) == kCustom;
    const char type = packet.empty() ? ' ' : packet[0];
    std::string_view rest = packet.substr(custom ? 1 + kCustom.size() : 1);
    if (type == '0') {
      (custom ? customConnected_ : mainConnected_) = true;
      if (mainConnected_ && customConnected_) {
        ws_.send("421[\"op\",{\"op\":\"join\",\"rooms\":[\"r1\",\"r2\"]}]");
        ws_.send("42" + std::string(kCustom) +
                 "2[\"op\",{\"op\":\"join\",\"rooms\":[\"r1\",\"r2\"]}]");
      }
      return;
    }
    if (type == '2') return;  // events: `auth`
    if (type != '3') return finish("unexpected packet " + std::string(packet.substr(0, 80)));
    std::string ackPacket(1, '3');
    ackPacket += rest;
    auto ack = scanOpAck(ackPacket);
    if (!ack || !ack->ok) return finish("op: " + (ack ? ack->error : std::string(packet)));
    if (!custom && ack->id == 1) {
      ws_.send("423[\"op\",{\"op\":\"leave\",\"rooms\":[\"r1\"]}]");
    } else if (!custom && ack->id == 3) {
      mainLeft_ = true;
    } else if (custom && ack->id == 2) {
      customJoined_ = true;
    } else {
      return finish("unexpected ack " + std::string(packet.substr(0, 80)));
    }
    if (mainLeft_ && customJoined_) {
      ws_.send("41" + std::string(kCustom));
      ws_.closeHandshake([this](std::string_view error) { finish(error); });
    }
  }

  void onFailed(std::string_view what) override { finish(what); }

  void finish(std::string_view error) {
    if (finished_) return;
    finished_ = true;
    ws_.close();
    done_(error);
  }

  WsClient ws_;
  const tcp::endpoint& endpoint_;
  const TargetUrl& url_;
  Done done_;
  bool mainConnected_ = false, customConnected_ = false, mainLeft_ = false, customJoined_ = false;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<ChurnSession> makeVanishSession(uint64_t index, asio::io_context& io,
                                                const tcp::endpoint& endpoint, const TargetUrl& url,
                                                ChurnSession::Done done) {
  return std::make_unique<VanishSession>(index, io, endpoint, url, std::move(done));
}

std::unique_ptr<ChurnSession> makeRoomsSession(asio::io_context& io, const tcp::endpoint& endpoint,
                                               const TargetUrl& url, ChurnSession::Done done) {
  return std::make_unique<RoomsSession>(io, endpoint, url, std::move(done));
}

}  // namespace sio::bench
