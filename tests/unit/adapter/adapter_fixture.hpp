// The fake namespace (AdapterHost) whose fake local sockets record what an adapter asks of
// them, and the fixture the adapter unit tests share: an adapter created on that host,
// with every room event it reports recorded in order, and small helpers to select
// sockets and read the adapter's rooms.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sio/adapter/adapter.hpp"

namespace sio::adapter_test {

class FakeSocket : public LocalSocket {
 public:
  FakeSocket(SocketId id, Adapter*& adapter) : id_(std::move(id)), adapter_(adapter) {}

  const SocketId& id() const override { return id_; }
  void writeEncoded(const protocol::EncodedPacket& packet, const BroadcastFlags& flags) override {
    written.push_back(packet);
    writtenFlags.push_back(flags);
  }
  void notifyOutgoing(const protocol::Packet& packet) override { outgoing.push_back(packet); }
  void prefetchWrite(int stage) const override {
    prefetchedBeforeWrite.push_back(written.empty() ? stage : -stage);
  }
  void expectAck(uint64_t id, std::function<void(Args)> onAck) override {
    acks[id] = std::move(onAck);
  }
  void join(const std::vector<Room>& rooms) override {
    joins.push_back(rooms);
    if (adapter_) adapter_->addAll(id_, rooms);
  }
  void leave(const Room& room) override {
    leaves.push_back(room);
    if (adapter_) adapter_->del(id_, room);
  }
  void disconnectByAdapter(bool close) override {
    disconnects.push_back(close);
    if (adapter_) adapter_->delAll(id_);
  }
  SocketDetails details() const override {
    SocketDetails d;
    d.id = id_;
    d.handshake = Value::object({{"auth", Value::object()}});
    if (adapter_)
      if (auto rooms = adapter_->socketRooms(id_)) d.rooms = rooms->items();
    d.data = Value::object({{"name", id_}});
    return d;
  }

  std::vector<protocol::EncodedPacket> written;
  std::vector<BroadcastFlags> writtenFlags;
  std::vector<protocol::Packet> outgoing;
  mutable std::vector<int> prefetchedBeforeWrite;  // stages asked for (negative: after a write)
  std::map<uint64_t, std::function<void(Args)>> acks;
  std::vector<std::vector<Room>> joins;
  std::vector<Room> leaves;
  std::vector<bool> disconnects;

 private:
  SocketId id_;
  Adapter*& adapter_;
};

class FakeHost : public AdapterHost {
 public:
  explicit FakeHost(std::string name = "/") : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  LocalSocket* localSocket(const SocketId& id) override {
    auto it = sockets_.find(id);
    return it == sockets_.end() ? nullptr : it->second.get();
  }
  uint64_t nextAckId() override {
    ++ackIdCalls;
    return nextAck++;
  }
  void emitServerSide(Args args, std::function<void(Args)> ack) override {
    serverSideEmits.push_back(std::move(args));
    if (ack) ack({});
  }
  bool recoveryEnabled() const override { return recovery; }
  std::chrono::milliseconds maxDisconnectionDuration() const override { return maxDuration; }
  boost::asio::any_io_executor executor() override { return io.get_executor(); }
  bool anyOutgoingListeners() const override { return outgoingListeners; }

  // Adds a socket and joins it to its own room plus `rooms`, as a connecting Socket does.
  // A socket it replaces (the same id) stays alive, as a connection holds its socket: the
  // adapter may still list it.
  FakeSocket& connect(const SocketId& id, std::vector<Room> rooms = {}) {
    auto& socket = sockets_[id];
    if (socket) retired_.push_back(std::move(socket));
    socket = std::make_unique<FakeSocket>(id, adapter);
    rooms.insert(rooms.begin(), id);
    if (adapter) adapter->addAll(id, rooms);
    return *socket;
  }
  // Lists a socket without joining it to any room.
  FakeSocket& add(const SocketId& id) {
    auto& socket = sockets_[id];
    socket = std::make_unique<FakeSocket>(id, adapter);
    return *socket;
  }
  FakeSocket& socket(const SocketId& id) { return *sockets_.at(id); }
  // Stops listing a socket (it stays alive, as a socket leaving its namespace does).
  void unlist(const SocketId& id) {
    retired_.push_back(std::move(sockets_.at(id)));
    sockets_.erase(id);
  }
  // Sorted ids of the sockets that got at least one frame.
  std::vector<SocketId> recipients() const {
    std::vector<SocketId> ids;
    for (const auto& [id, socket] : sockets_)
      if (!socket->written.empty()) ids.push_back(id);
    return ids;
  }
  void clearRecords() {
    for (auto& [id, socket] : sockets_) {
      socket->written.clear();
      socket->writtenFlags.clear();
      socket->outgoing.clear();
      socket->acks.clear();
      socket->joins.clear();
      socket->leaves.clear();
      socket->disconnects.clear();
      socket->prefetchedBeforeWrite.clear();
    }
  }
  std::vector<FakeSocket*> all() {
    std::vector<FakeSocket*> list;
    for (auto& [id, socket] : sockets_) list.push_back(socket.get());
    return list;
  }

  boost::asio::io_context io;
  Adapter* adapter = nullptr;
  uint64_t nextAck = 0;
  size_t ackIdCalls = 0;
  bool recovery = false;
  bool outgoingListeners = true;  // as a namespace with onAnyOutgoing listeners
  std::chrono::milliseconds maxDuration{120000};
  std::vector<Args> serverSideEmits;

 private:
  std::string name_;
  std::map<SocketId, std::unique_ptr<FakeSocket>> sockets_;
  std::vector<std::unique_ptr<FakeSocket>> retired_;
};

using protocol::Packet;
using protocol::PacketType;
using Ids = std::vector<SocketId>;

inline Packet event(std::string name, Args more = {}) {
  Args args{Value(std::move(name))};
  for (auto& arg : more) args.push_back(std::move(arg));
  return Packet{PacketType::Event, "/", std::nullopt, Value(std::move(args))};
}

inline BroadcastOptions to(RoomSet rooms, RoomSet except = {}) {
  BroadcastOptions opts;
  opts.rooms = std::move(rooms);
  opts.except = std::move(except);
  return opts;
}

template <class AdapterType>
class AdapterTestBase : public ::testing::Test {
 protected:
  void create() {
    adapter = std::make_shared<AdapterType>(host);
    host.adapter = adapter.get();
    adapter->onCreateRoom([this](const Room& room) { events.push_back("create " + room); });
    adapter->onDeleteRoom([this](const Room& room) { events.push_back("delete " + room); });
    adapter->onJoinRoom([this](const Room& room, const SocketId& id) {
      events.push_back("join " + room + " " + id);
    });
    adapter->onLeaveRoom([this](const Room& room, const SocketId& id) {
      events.push_back("leave " + room + " " + id);
    });
    adapter->init();
  }
  void TearDown() override {
    if (adapter) adapter->close();
    host.adapter = nullptr;
  }
  // s1 {a}, s2 {a, b}, s3 {b}, s4 {} (each also in its own room).
  void populate() {
    host.connect("s1", {"a"});
    host.connect("s2", {"a", "b"});
    host.connect("s3", {"b"});
    host.connect("s4");
    events.clear();
  }
  Ids broadcastTo(const BroadcastOptions& opts) {
    host.clearRecords();
    adapter->broadcast(event("e"), opts);
    return host.recipients();
  }

  FakeHost host{"/chat"};
  std::shared_ptr<AdapterType> adapter;
  std::vector<std::string> events;
};

class AdapterTest : public AdapterTestBase<Adapter> {
 protected:
  void SetUp() override { create(); }
};

inline std::vector<Room> roomsOf(const Adapter& adapter, const SocketId& id) {
  return adapter.socketRooms(id).value_or(RoomSet{}).items();
}

// Every room with a local member, sorted.
inline std::vector<Room> roomNames(const Adapter& adapter) {
  std::vector<Room> names;
  adapter.forEachRoom([&](const Room& room) { names.push_back(room); });
  std::sort(names.begin(), names.end());
  return names;
}

inline Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace sio::adapter_test
