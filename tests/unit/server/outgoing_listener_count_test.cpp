// A namespace knows whether any of its sockets has onAnyOutgoing listeners (a broadcast
// then skips each recipient's notifyOutgoing when none has): a socket counts once however
// many listeners it adds, and stops counting when they are removed, when it disconnects
// and when it is destroyed. Sockets over a fake Engine.IO connection, no I/O.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>

#include "client.hpp"
#include "sio/server/namespace.hpp"
#include "sio/server/server.hpp"
#include "sio/server/socket.hpp"

namespace {

using namespace sio;

// An open connection that accepts and forgets everything.
class SilentConnection : public engine::Socket {
 public:
  const std::string& id() const override { return id_; }
  const engine::Request& request() const override { return request_; }
  std::string_view transportName() const override { return "websocket"; }
  engine::ReadyState readyState() const override { return engine::ReadyState::Open; }
  bool upgraded() const override { return false; }
  bool writable() const override { return true; }
  void onMessage(MessageHandler) override {}
  void onClose(CloseHandler) override {}
  void onUpgrade(UpgradeHandler) override {}
  void send(engine::Packet, bool) override {}
  void close() override {}
  void closeNow(std::string_view) override {}

 private:
  std::string id_ = "connection";
  engine::Request request_;
};

std::shared_ptr<Socket> makeSocket(Server& server, const std::shared_ptr<Namespace>& nsp) {
  auto client = std::make_shared<Client>(server, std::make_shared<SilentConnection>());
  return std::make_shared<Socket>(nsp, client, Value::object(), std::nullopt);
}

TEST(OutgoingListenerCount, FollowsTheSocketsThatHaveListeners) {
  boost::asio::io_context io;
  Server server(io);
  auto nsp = server.of("/");
  EXPECT_FALSE(nsp->anyOutgoingListeners());
  auto first = makeSocket(server, nsp);
  auto second = makeSocket(server, nsp);
  first->onAnyOutgoing([](const std::string&, const Args&) {});
  first->onAnyOutgoing([](const std::string&, const Args&) {});
  second->onAnyOutgoing([](const std::string&, const Args&) {});
  EXPECT_TRUE(nsp->anyOutgoingListeners());
  first->offAnyOutgoing();
  first->offAnyOutgoing();  // nothing left to remove: counted once
  EXPECT_TRUE(nsp->anyOutgoingListeners());
  second.reset();  // destroyed with its listener
  EXPECT_FALSE(nsp->anyOutgoingListeners());
  first->onAnyOutgoing([](const std::string&, const Args&) {});
  EXPECT_TRUE(nsp->anyOutgoingListeners());
  first.reset();
  EXPECT_FALSE(nsp->anyOutgoingListeners());
  server.close();
}

}  // namespace
