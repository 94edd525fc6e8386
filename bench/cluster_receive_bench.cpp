// The receive path of the Redis Streams adapter, without sockets: the bytes of an XREAD
// reply (entries as another node writes them, spec §1.6) go through the RESP reader, the
// entry parser, the stream-entry decoder and a ClusterAdapter's onMessage down to the local
// broadcast to one fake socket. Reports time per entry; run it under
// `valgrind --tool=callgrind` for instructions per entry (stable on a loaded machine).
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "message_codec.hpp"
#include "reply_reader.hpp"
#include "sio/adapter/cluster_adapter.hpp"
#include "sio/redis/command.hpp"
#include "stream_reader.hpp"

using namespace sio;

namespace {

class CountingSocket : public LocalSocket {
 public:
  const SocketId& id() const override { return id_; }
  void writeEncoded(const protocol::EncodedPacket& packet, const BroadcastFlags&) override {
    bytes += packet.text->size();
  }
  void notifyOutgoing(const protocol::Packet&) override {}
  void expectAck(uint64_t, std::function<void(Args)>) override {}
  void join(const std::vector<Room>&) override {}
  void leave(const Room&) override {}
  void disconnectByAdapter(bool) override {}
  SocketDetails details() const override { return SocketDetails{id_, Value(), {}, Value()}; }

  size_t bytes = 0;

 private:
  SocketId id_ = "receiver000000000000";
};

class Host : public AdapterHost {
 public:
  const std::string& name() const override { return name_; }
  LocalSocket* localSocket(const SocketId& id) override {
    return id == socket.id() ? &socket : nullptr;
  }
  uint64_t nextAckId() override { return ack_++; }
  void emitServerSide(Args, std::function<void(Args)>) override {}
  bool recoveryEnabled() const override { return false; }
  std::chrono::milliseconds maxDisconnectionDuration() const override {
    return std::chrono::milliseconds(0);
  }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }

  CountingSocket socket;

 private:
  std::string name_ = "/";
  uint64_t ack_ = 0;
  boost::asio::io_context io_;
};

// A cluster adapter that only receives: what the Streams hub hands it goes to onMessage.
class ReceivingAdapter : public ClusterAdapter {
 public:
  using ClusterAdapter::ClusterAdapter;
  using ClusterAdapter::onMessage;
  void serverCount(std::function<void(size_t)> done) override { done(2); }

 protected:
  void doPublish(ClusterMessage, PublishDone done) override { done({}, ""); }
  void doPublishResponse(const std::string&, ClusterMessage) override {}
};

// An XREAD reply of `count` entries of a BROADCAST like sio-bench's (event "b", a sequence
// number and a nanosecond time stamp), written by node "A".
std::string xreadReply(size_t count) {
  std::string out = "*1\r\n*2\r\n$6\r\nstream\r\n*" + std::to_string(count) + "\r\n";
  for (size_t i = 0; i < count; ++i) {
    Value packet = Value::object(
        {{"type", 2}, {"data", Value::array({"b", int64_t(i), int64_t(1765112345678901234)})}});
    ClusterMessage message{"a1b2c3d4e5f60718", "/", int(MessageType::Broadcast),
                           Value::object({{"packet", std::move(packet)},
                                          {"opts", encodeOptions(BroadcastOptions{})}})};
    std::string id = "1765112345678-" + std::to_string(i);
    out += "*2\r\n$" + std::to_string(id.size()) + "\r\n" + id + "\r\n";
    redis::Command fields(adapters::streams::encodeStreamEntry(message, false));
    out += fields.encode();  // an array of bulk strings, as XREAD answers
  }
  return out;
}

void ReceiveEntries(benchmark::State& state) {
  const size_t count = size_t(state.range(0));
  const std::string bytes = xreadReply(count);
  Host host;
  auto adapter = std::make_shared<ReceivingAdapter>(host);
  adapter->addAll(host.socket.id(), {host.socket.id()});
  redis::ReplyReader reader;
  for (auto _ : state) {
    reader.feed(bytes);
    auto reply = reader.next();
    if (!reply || !reply->isArray() || reply->elements.size() != 1) {
      state.SkipWithError("bad reply");
      break;
    }
    auto& stream = reply->elements[0];
    for (auto& entry : adapters::streams::parseEntries(std::move(stream.elements[1]))) {
      if (const std::string* uid = entry.field("uid"); uid && *uid == "own") continue;
      auto message = adapters::streams::decodeStreamEntry(std::move(entry.fields));
      if (message) adapter->onMessage(std::move(*message), entry.id);
    }
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(count));
  state.counters["per_entry"] =
      benchmark::Counter(double(state.iterations()) * double(count),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  benchmark::DoNotOptimize(host.socket.bytes);
}
BENCHMARK(ReceiveEntries)->Arg(1)->Arg(100);

}  // namespace
