// sio-bench workload `echo`: clients of a fleet in a closed emit/ack loop. The ack
// `3<id>[<send-time-ns>]` is scanned (no JSON decoder on the hot path); its id must be the
// one in flight and its argument the time it was sent.
#include "echo_workload.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "bench_clock.hpp"
#include "client_fleet.hpp"
#include "report.hpp"

namespace sio::bench {

namespace {

class EchoClient final : public FleetClient {
 public:
  EchoClient(FleetShard& shard, const std::atomic<bool>& running)
      : FleetClient(shard), running_(running) {}
  // On the client's worker: starts the loop (once ready).
  void start() {
    if (ready() && !inFlight_) sendNext();
  }

 private:
  // `2<id>["message-with-ack",<now>]`, formatted on the stack (no allocation per emit).
  void sendNext() {
    inFlight_ = true;
    static constexpr std::string_view kEvent = "[\"message-with-ack\",";
    char packet[96];
    char* p = packet;
    *p++ = '2';
    p = std::to_chars(p, packet + sizeof packet, ++ackId_).ptr;
    p = std::copy(kEvent.begin(), kEvent.end(), p);
    p = std::to_chars(p, packet + sizeof packet, nowNs()).ptr;
    *p++ = ']';
    client.sendPacket(std::string_view(packet, size_t(p - packet)));
  }

  void onTraffic(std::string_view packet) override {
    if (packet[0] != '3') return;  // events such as `auth`
    const char* p = packet.data() + 1;
    const char* end = packet.data() + packet.size();
    uint64_t id = 0, sentNs = 0;
    auto first = std::from_chars(p, end, id);
    bool ok = first.ec == std::errc() && id == ackId_ && first.ptr < end && *first.ptr == '[';
    if (ok) {
      auto second = std::from_chars(first.ptr + 1, end, sentNs);
      ok = second.ec == std::errc() && second.ptr < end && *second.ptr == ']';
    }
    if (!ok) {
      ++shard_.unexpected;
      shard_.fleet.noteError("unexpected ack " + std::string(packet.substr(0, 80)));
      return;
    }
    const uint64_t now = nowNs();
    shard_.events.add();
    if (shard_.fleet.measuring.load(std::memory_order_relaxed))
      shard_.latency.record(now > sentNs ? now - sentNs : 0);
    inFlight_ = false;
    if (running_.load(std::memory_order_relaxed)) sendNext();
  }

  const std::atomic<bool>& running_;
  uint64_t ackId_ = 0;
  bool inFlight_ = false;
};

}  // namespace

Value runEcho(const BenchOptions& options, Progress& progress) {
  WorkerPool pool(options.threads);
  std::atomic<bool> running{false};
  FleetOptions fleetOptions{options.url, options.connections, options.connectConcurrency, ""};
  Fleet fleet(pool, fleetOptions,
              [&](FleetShard& shard) { return std::make_unique<EchoClient>(shard, running); });
  pool.start();
  PoolShutdown guard{pool, [&](unsigned i) { fleet.closeOn(i); }};

  fleet.connect(progress);
  running = true;
  pool.postEach([&](unsigned i) {
    for (auto& client : fleet.shard(i).clients) static_cast<EchoClient&>(*client).start();
  });
  auto acks = [&] { return std::to_string(fleet.events()) + " acks"; };
  sleepFor(options.warmup, [&] { progress(acks); });
  CpuWindow cpu(pool, options.cpuPids);
  cpu.begin();
  fleet.measuring = true;
  const uint64_t before = fleet.events();
  sleepFor(options.duration, [&] { progress(acks); });
  const uint64_t inWindow = fleet.events() - before;
  fleet.measuring = false;
  cpu.end();
  running = false;
  guard.now();

  const double wall = cpu.wallSeconds();
  Value result = Value::object({
      {"workload", "echo"},
      {"url", options.url.text()},
      {"connections", fleet.ready.load()},
      {"threads", pool.size()},
      {"seconds", std::round(wall * 100) / 100},
      {"acks", inWindow},
      {"acks_per_s", std::round(double(inWindow) / wall * 10) / 10},
      {"latency_us", latencyJson(fleet.latency())},
      {"errors", Value::object({{"connect", fleet.connectFailures.load()},
                                {"disconnects", fleet.disconnects.load()},
                                {"unexpected_packets", fleet.unexpected()},
                                {"first", fleet.firstError()}})},
  });
  cpu.addTo(result);
  return result;
}

}  // namespace sio::bench
