// What an adapter may see and do of its namespace on this node — the C++ form of the
// duck-typed `nsp` that Node's socket.io-adapter receives. The server implements it, so
// the adapter layer never depends on the server.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "sio/adapter/broadcast_options.hpp"
#include "sio/protocol/parser.hpp"

namespace sio {

// A socket as fetchSockets reports it (local or from another node).
struct SocketDetails {
  SocketId id;
  Value handshake;  // {headers, time, address, xdomain, secure, issued, url, query, auth}
  std::vector<Room> rooms;
  Value data;
};

// One socket of this node, as an adapter handles it.
class LocalSocket {
 public:
  virtual ~LocalSocket() = default;
  virtual const SocketId& id() const = 0;
  // Queues an encoded packet on the socket's connection (dropped when volatile and the
  // connection cannot write at once).
  virtual void writeEncoded(const protocol::EncodedPacket& packet, const BroadcastFlags& flags) = 0;
  // A hint, no effect on behaviour: a walk over many sockets calls it a few sockets ahead,
  // `stage` 1 to kPrefetchStages (one per object on the way to the connection's queue,
  // each with the one before already in the cache), so that writeEncoded finds the
  // objects it reads loaded instead of waiting for each in turn.
  static constexpr int kPrefetchStages = 4;
  virtual void prefetchWrite(int stage) const { (void)stage; }
  // Tells the socket's onAnyOutgoing listeners about a packet being sent.
  virtual void notifyOutgoing(const protocol::Packet& packet) = 0;
  // Registers the handler of the client's ack for a broadcast packet id.
  virtual void expectAck(uint64_t id, std::function<void(Args)> onAck) = 0;
  virtual void join(const std::vector<Room>& rooms) = 0;
  virtual void leave(const Room& room) = 0;
  // Disconnects the socket (as socket.disconnect(close) does), on behalf of a broadcast.
  virtual void disconnectByAdapter(bool close) = 0;
  virtual SocketDetails details() const = 0;
};

class AdapterHost {
 public:
  virtual ~AdapterHost() = default;
  virtual const std::string& name() const = 0;
  virtual LocalSocket* localSocket(const SocketId& id) = 0;
  // The namespace's ack id counter (shared by its sockets and broadcasts).
  virtual uint64_t nextAckId() = 0;
  // False when no socket of the namespace has an onAnyOutgoing listener: a broadcast then
  // skips notifyOutgoing for each recipient. A host that does not count says true.
  virtual bool anyOutgoingListeners() const { return true; }
  // Runs the namespace's server-side listeners (serverSideEmit from another node). `ack`
  // is empty when the sender wants none.
  virtual void emitServerSide(Args args, std::function<void(Args)> ack) = 0;
  virtual bool recoveryEnabled() const = 0;
  virtual std::chrono::milliseconds maxDisconnectionDuration() const = 0;
  virtual boost::asio::any_io_executor executor() = 0;
  // The server's parser (Node's `nsp.server.encoder`): a broadcast is encoded once with it.
  // A host that names none speaks the default parser.
  virtual const protocol::Parser& parser() const { return *protocol::defaultParser(); }
};

}  // namespace sio
