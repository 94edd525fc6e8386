// sio-bench: the Engine.IO / Socket.IO client handshake and the packet dispatch. Messages
// `42…`/`43…` go straight to the owner; the rest (open, CONNECT answer, ping, close,
// CONNECT_ERROR, DISCONNECT) is handled here.
#include "sio_client.hpp"

namespace sio::bench {

void SioClient::sendPacket(std::string_view packet) {
  ws_.sendParts("4", packet);  // framed straight into the connection's output buffer
}

void SioClient::fail(std::string what) {
  ws_.close();
  connected_ = false;
  owner_.onFailed(*this, what);
}

void SioClient::onFailed(std::string_view what) {
  connected_ = false;
  owner_.onFailed(*this, what);
}

void SioClient::onMessage(std::string_view text) {
  if (text.empty()) return fail("empty Engine.IO packet");
  switch (text[0]) {
    case '4': {  // message: a Socket.IO packet
      std::string_view packet = text.substr(1);
      if (packet.empty()) return fail("empty Socket.IO packet");
      if (connected_ && (packet[0] == '2' || packet[0] == '3'))
        return owner_.onPacket(*this, packet);
      if (packet[0] == '0') {
        if (connected_) return fail("second CONNECT");
        connected_ = true;
        return owner_.onConnected(*this);
      }
      if (packet[0] == '4') return fail("CONNECT_ERROR " + std::string(packet.substr(1)));
      if (packet[0] == '1') return fail("disconnected by the server");
      if (!connected_) return fail("packet before CONNECT: " + std::string(packet.substr(0, 80)));
      return owner_.onPacket(*this, packet);
    }
    case '2': {  // ping (with its probe payload, if any): answer pong
      ws_.sendParts("3", text.substr(1));
      return;
    }
    case '0':  // open
      if (opened_) return fail("second open packet");
      opened_ = true;
      ws_.send("40");
      return;
    case '1':
      return fail("Engine.IO close");
    case '6':  // noop
      return;
    default:
      return fail("unexpected Engine.IO packet " + std::string(text.substr(0, 80)));
  }
}

}  // namespace sio::bench
