// One Engine.IO session as the application sees it (Node's engine.io `Socket`): its id,
// the request that opened it, messages in and out, and its close with Node's reasons
// (see close_reason.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sio/engine/packet.hpp"
#include "sio/engine/request.hpp"

namespace sio::engine {

enum class ReadyState : std::uint8_t { Opening, Open, Closing, Closed };

class Socket {
 public:
  using MessageHandler = std::function<void(const Packet& message)>;
  using CloseHandler = std::function<void(std::string_view reason, std::string_view description)>;
  using UpgradeHandler = std::function<void(std::string_view transportName)>;

  virtual ~Socket() = default;

  virtual const std::string& id() const = 0;
  virtual const Request& request() const = 0;
  virtual std::string_view transportName() const = 0;  // "polling" or "websocket"
  // The Engine.IO protocol revision of the client: 4, or 3 (allowEIO3).
  virtual int protocol() const { return 4; }
  virtual ReadyState readyState() const = 0;
  virtual bool upgraded() const = 0;
  // True when a write would go out at once (no backlog): used to drop volatile packets.
  virtual bool writable() const = 0;

  // One message handler and one close handler (set, replacing the previous one); upgrade
  // handlers add up (each is called with the new transport's name, "websocket").
  virtual void onMessage(MessageHandler handler) = 0;
  virtual void onClose(CloseHandler handler) = 0;
  virtual void onUpgrade(UpgradeHandler handler) = 0;

  // Queues a message packet. The bytes may be shared with other sessions (broadcast).
  virtual void send(Packet message, bool compress = true) = 0;
  // A message whose bytes are shared with other sessions (a broadcast's delivery): as
  // send(), but the session takes a reference to `data` only if the message has to wait.
  virtual void sendShared(const SharedBytes& data, bool binary, bool compress) {
    send(Packet{PacketType::Message, data, binary}, compress);
  }
  // A hint, no effect on behaviour: starts loading what sendShared() reads, `stage` 1 (this
  // session's own state) then 2 (its transport), a few deliveries ahead in a broadcast.
  virtual void prefetchSend(int stage) const { (void)stage; }
  void send(std::string_view text) { send(makePacket(PacketType::Message, text)); }
  void sendBinary(std::string_view bytes) {
    send(Packet{PacketType::Message, makeBytes(std::string(bytes)), true});
  }

  // Flushes what is buffered, then closes the session ("forced close").
  virtual void close() = 0;
  // Closes at once without flushing, reporting `reason` (e.g. a server shutting down).
  virtual void closeNow(std::string_view reason) = 0;
};

}  // namespace sio::engine
