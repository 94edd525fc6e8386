// What a session needs of a transport (polling or WebSocket): a name, whether it can
// write now, send a batch of packets, close. Events flow back to a TransportListener (the
// session), held weakly so a transport's pending I/O never keeps a dead session around.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "sio/engine/packet.hpp"

namespace sio::engine {

class Transport;

class TransportListener {
 public:
  virtual ~TransportListener() = default;
  virtual void onTransportPacket(Transport& transport, Packet packet) = 0;
  // A frame or payload that is not a valid Engine.IO packet.
  virtual void onTransportParseError(Transport& transport) = 0;
  virtual void onTransportError(Transport& transport, std::string_view message) = 0;
  // The transport is gone: the peer closed it, or an orderly close() finished.
  virtual void onTransportClose(Transport& transport) = 0;
  // A batch given to send() has been written.
  virtual void onTransportDrain(Transport& transport) = 0;
  // The transport became writable again (a new long-poll GET arrived).
  virtual void onTransportReady(Transport& transport) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::string_view name() const = 0;
  virtual bool writable() const = 0;
  virtual void send(std::vector<Packet> packets, bool compress) = 0;
  // One packet (a broadcast's delivery): a transport that queues packets one by one skips
  // the batch's vector.
  virtual void sendOne(Packet packet, bool compress) {
    std::vector<Packet> packets;
    packets.push_back(std::move(packet));
    send(std::move(packets), compress);
  }
  // One message whose bytes are shared with other sessions (a broadcast's delivery): a
  // transport that frames at once takes no reference to `data` of its own.
  virtual void sendShared(const SharedBytes& data, bool binary, bool compress) {
    sendOne(Packet{PacketType::Message, data, binary}, compress);
  }
  // Orderly close: flush what is queued, tell the peer, then report onTransportClose.
  virtual void close() = 0;
  // Hard teardown (a slow consumer, a stuck write): nothing more is written, the
  // connection is dropped at once and what was queued is freed. Reports nothing.
  virtual void abort() = 0;
  // Bytes given to send() (and control frames) not yet handed to the kernel.
  virtual size_t bufferedBytes() const { return 0; }
  // Polling only: after an upgrade the old transport closes without answering polls.
  virtual void discard() {}
  // Begins reading (WebSocket); called once the listener is in place.
  virtual void start() {}

  void setListener(std::weak_ptr<TransportListener> listener) { listener_ = std::move(listener); }
  void clearListener() { listener_.reset(); }

 protected:
  std::shared_ptr<TransportListener> listener() const { return listener_.lock(); }

 private:
  std::weak_ptr<TransportListener> listener_;
};

}  // namespace sio::engine
