// Local broadcast cost through the real in-memory Adapter: N fake sockets whose
// writeEncoded only copies the shared frames into a queue (what an Engine.IO session
// does), broadcasting to everyone, to one room of N/10, and to everyone except that room.
// Reports time per broadcast and, as `per_recipient`, time per socket reached.
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sio/adapter/adapter.hpp"

using namespace sio;

namespace {

class QueueSocket : public LocalSocket {
 public:
  explicit QueueSocket(SocketId id) : id_(std::move(id)) {}
  const SocketId& id() const override { return id_; }
  void writeEncoded(const protocol::EncodedPacket& packet, const BroadcastFlags&) override {
    if (queue_.size() >= 64) queue_.clear();  // stands in for the transport flushing
    queue_.push_back(packet.text);
    for (const auto& attachment : packet.attachments) queue_.push_back(attachment.shared());
  }
  void notifyOutgoing(const protocol::Packet&) override {}
  void expectAck(uint64_t, std::function<void(Args)>) override {}
  void join(const std::vector<Room>&) override {}
  void leave(const Room&) override {}
  void disconnectByAdapter(bool) override {}
  SocketDetails details() const override { return SocketDetails{id_, Value(), {}, Value()}; }

 private:
  SocketId id_;
  std::vector<std::shared_ptr<const std::string>> queue_;
};

class Host : public AdapterHost {
 public:
  const std::string& name() const override { return name_; }
  LocalSocket* localSocket(const SocketId& id) override {
    auto it = sockets.find(id);
    return it == sockets.end() ? nullptr : it->second.get();
  }
  uint64_t nextAckId() override { return ack_++; }
  void emitServerSide(Args, std::function<void(Args)>) override {}
  bool recoveryEnabled() const override { return false; }
  std::chrono::milliseconds maxDisconnectionDuration() const override {
    return std::chrono::milliseconds(0);
  }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }

  std::unordered_map<SocketId, std::unique_ptr<QueueSocket>> sockets;

 private:
  std::string name_ = "/";
  uint64_t ack_ = 0;
  boost::asio::io_context io_;
};

enum class Target { All, Room, Except };

// Socket ids look like Engine.IO's (20 characters); every tenth socket is in room "r".
void run(benchmark::State& state, Target target) {
  size_t n = size_t(state.range(0));
  Host host;
  auto adapter = std::make_shared<Adapter>(host);
  for (size_t i = 0; i < n; ++i) {
    std::string id = "sock" + std::to_string(1000000000000000 + i);
    host.sockets.emplace(id, std::make_unique<QueueSocket>(id));
    std::vector<Room> rooms{id};
    if (i % 10 == 0) rooms.push_back("r");
    adapter->addAll(id, rooms);
  }
  BroadcastOptions opts;
  size_t recipients = n;
  if (target == Target::Room) {
    opts.rooms.insert("r");
    recipients = adapter->roomSize("r");
  } else if (target == Target::Except) {
    opts.except.insert("r");
    recipients = n - adapter->roomSize("r");
  }
  protocol::Packet packet{
      protocol::PacketType::Event, "/", std::nullopt,
      Value::array(
          {"chat message", Value::object({{"user", "alice"}, {"text", "hello everyone"}})})};
  for (auto _ : state) adapter->broadcast(packet, opts);
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(recipients));
  state.counters["recipients"] = double(recipients);
  state.counters["per_recipient"] =
      benchmark::Counter(double(state.iterations()) * double(recipients),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BroadcastAll(benchmark::State& state) {
  run(state, Target::All);
}
void BroadcastRoom(benchmark::State& state) {
  run(state, Target::Room);
}
void BroadcastExcept(benchmark::State& state) {
  run(state, Target::Except);
}

BENCHMARK(BroadcastAll)->Arg(10)->Arg(1000)->Arg(10000);
BENCHMARK(BroadcastRoom)->Arg(10)->Arg(1000)->Arg(10000);
BENCHMARK(BroadcastExcept)->Arg(10)->Arg(1000)->Arg(10000);

}  // namespace
