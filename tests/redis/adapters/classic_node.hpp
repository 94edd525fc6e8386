// A C++ node for the adapter tests: a fake namespace "/" (AdapterHost) with fake sockets
// (LocalSocket), its own Redis client and a classic adapter, on a test EventLoop.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "sio/adapters/redis_adapter.hpp"
#include "support/redis_processes.hpp"

namespace sio::adapter_test {

using namespace std::chrono_literals;

class FakeSocket : public LocalSocket {
 public:
  FakeSocket(SocketId id, std::shared_ptr<Adapter>& adapter)
      : id_(std::move(id)), adapter_(adapter) {}
  const SocketId& id() const override { return id_; }
  void writeEncoded(const protocol::EncodedPacket&, const BroadcastFlags&) override { ++written; }
  void notifyOutgoing(const protocol::Packet&) override {}
  void expectAck(uint64_t, std::function<void(Args)>) override {}
  void join(const std::vector<Room>& rooms) override { adapter_->addAll(id_, rooms); }
  void leave(const Room& room) override { adapter_->del(id_, room); }
  void disconnectByAdapter(bool close) override {
    disconnects.push_back(close);
    adapter_->delAll(id_);
  }
  SocketDetails details() const override { return SocketDetails{id_, Value::object(), {}, {}}; }

  std::vector<bool> disconnects;
  size_t written = 0;  // packets delivered to this socket

 private:
  SocketId id_;
  std::shared_ptr<Adapter>& adapter_;
};

// One node: a namespace "/" with its own Redis client and classic adapter.
class Node : public AdapterHost {
 public:
  Node(redis_test::EventLoop& loop, const redis_test::RedisServer& server,
       adapters::RedisAdapterOptions options)
      : loop_(loop) {
    client = redis::Client::create(loop.executor(), {.urls = {server.url()}});
    client->start();
    adapter = adapters::createRedisAdapter(client, std::move(options))(*this);
    adapter->init();
  }
  ~Node() override {
    adapter->close();
    client->close();
  }
  adapters::RedisAdapterApi& api() { return dynamic_cast<adapters::RedisAdapterApi&>(*adapter); }
  void connect(const SocketId& id, std::vector<Room> rooms = {}) {
    sockets_[id] = std::make_unique<FakeSocket>(id, adapter);
    rooms.insert(rooms.begin(), id);
    adapter->addAll(id, rooms);
  }
  FakeSocket& socket(const SocketId& id) { return *sockets_.at(id); }
  std::vector<Room> roomsOf(const SocketId& id) {
    return adapter->socketRooms(id).value_or(RoomSet{}).items();
  }

  const std::string& name() const override { return name_; }
  LocalSocket* localSocket(const SocketId& id) override {
    auto it = sockets_.find(id);
    return it == sockets_.end() ? nullptr : it->second.get();
  }
  uint64_t nextAckId() override { return nextAck_++; }
  void emitServerSide(Args, std::function<void(Args)>) override {}
  bool recoveryEnabled() const override { return false; }
  std::chrono::milliseconds maxDisconnectionDuration() const override { return 0ms; }
  boost::asio::any_io_executor executor() override { return loop_.executor(); }

  std::shared_ptr<redis::Client> client;
  std::shared_ptr<Adapter> adapter;

 private:
  redis_test::EventLoop& loop_;
  std::string name_ = "/";
  uint64_t nextAck_ = 0;
  std::map<SocketId, std::unique_ptr<FakeSocket>> sockets_;
};

}  // namespace sio::adapter_test
