// One Engine.IO connection seen from Socket.IO (Node's `Client`): decodes its messages
// into packets, connects it to namespaces (one socket each), writes encoded packets to it,
// and closes its sockets with the connection's reason when it ends. A connection that
// joins no namespace within connectTimeout is closed. An Engine.IO v3 connection
// (socket.io-client 2.x) joins `/` at once, and names a namespace's query in its CONNECT.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "first_inline_list.hpp"
#include "sio/adapter/broadcast_options.hpp"
#include "sio/engine/socket.hpp"
#include "sio/engine/timer_wheel.hpp"
#include "sio/protocol/parser.hpp"

namespace sio {

class Server;
class Namespace;
class Socket;

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(Server& server, std::shared_ptr<engine::Socket> conn);

  void start();
  engine::Socket& conn() { return *conn_; }
  // The request that opened the connection, shared (it lives as long as the connection).
  std::shared_ptr<const engine::Request> request() const { return {conn_, &conn_->request()}; }
  bool open() const { return conn_->readyState() == engine::ReadyState::Open; }
  // The client's Engine.IO revision: 3 for socket.io-client 2.x (allowEIO3), else 4.
  int protocol() const { return conn_->protocol(); }

  void write(const protocol::EncodedPacket& packet, const BroadcastFlags& flags);
  // A hint ahead of write() (see LocalSocket::prefetchWrite): 1 the connection object, 2
  // and 3 the connection's own stages.
  void prefetchWrite(int stage) const {
    if (stage == 1) return __builtin_prefetch(conn_.get());
    conn_->prefetchSend(stage - 1);
  }
  void sendPacket(const protocol::Packet& packet, const BroadcastFlags& flags = {});
  void removeSocket(const Socket& socket);
  // socket.disconnect(true): every socket leaves, then the connection closes.
  void disconnectAll();
  void close();

 private:
  void onMessage(const engine::Packet& message);
  void onDecoded(protocol::Packet packet);
  void connect(const std::string& name, Value auth);
  void doConnect(const std::shared_ptr<Namespace>& nsp, Value auth);
  void onClose(const std::string& reason, const std::string& description);
  // The connection ended (its close handler, called once): lets the client go after.
  void onConnectionClosed(std::string_view reason, std::string_view description);
  void onUpgrade(std::string_view transport);
  void onConnectDeadline();
  std::shared_ptr<Socket>* findSocket(std::string_view nsp);

  Server& server_;
  std::shared_ptr<engine::Socket> conn_;
  // Of the server's parser: made at a message, let go when it holds nothing after one.
  std::unique_ptr<protocol::PacketDecoder> decoder_;
  // One per namespace joined, in the order joined (nearly always one: held inline).
  FirstInlineList<std::shared_ptr<Socket>> sockets_;
  // The client owns itself from start() until its connection's close handler ran (the
  // handler then needs no allocated closure to hold it); the sockets hold it too.
  std::shared_ptr<Client> self_;
  // On the io_context's wheel until the first CONNECT, then freed.
  std::unique_ptr<engine::TimerWheel::Entry> connectDeadline_;
  bool closed_ = false;
};

}  // namespace sio
