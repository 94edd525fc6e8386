// sio-bench workloads `fanout` and `cluster`: the fleet's connections are the receivers;
// worker 0 also owns the publisher. The main thread only sequences the phases (connect,
// warm-up, window, drain, close); counters it reads while workers run are relaxed
// atomics written by one thread each, so the hot path has no locked instruction.
#include "broadcast_workload.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <cmath>
#include <limits>

#include "bench_clock.hpp"
#include "client_fleet.hpp"
#include "packet_scan.hpp"
#include "report.hpp"

namespace sio::bench {
namespace asio = boost::asio;

namespace {

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// The window, as the range of broadcast sequence numbers measured.
struct Window {
  std::atomic<uint64_t> from{kNever};  // first seq of the window
  std::atomic<uint64_t> to{kNever};    // first seq after the window
  bool contains(uint64_t seq) const {
    return seq >= from.load(std::memory_order_relaxed) && seq < to.load(std::memory_order_relaxed);
  }
};

class Receiver final : public FleetClient {
 public:
  Receiver(FleetShard& shard, const Window& window, const std::string& event)
      : FleetClient(shard), window_(window), event_(event), prefix_("2[\"" + event + "\",") {}
  Counter measured;  // broadcasts of the window received

 private:
  void onTraffic(std::string_view packet) override {
    auto event = scanBroadcast(packet, prefix_, event_);
    if (!event) {
      if (packet[0] != '2') ++shard_.unexpected;  // other events (`auth`) are not counted
      return;
    }
    shard_.events.add();
    uint64_t now = nowNs();
    if (window_.contains(event->seq)) {
      measured.add();
      shard_.latency.record(now > event->timestampNs ? now - event->timestampNs : 0);
    }
  }
  const Window& window_;
  const std::string& event_;
  std::string prefix_;
};

class Publisher final : public SioClient::Owner {
 public:
  Publisher(Worker& worker, const BenchOptions& options, Fleet& receivers, Window& window)
      : client(worker.io, *this),
        options_(options),
        receivers_(receivers),
        window_(window),
        timer_(worker.io) {
    std::string rooms = options.room.empty() ? "" : ",\"rooms\":[\"" + options.room + "\"]";
    requestHead_ =
        "[\"op\",{\"op\":\"emit\"" + rooms + ",\"event\":\"" + options.event + "\",\"args\":[";
  }

  void connect() { client.connect(firstEndpoint(options_.publishUrl), options_.publishUrl); }

  void start() {
    running_ = true;
    paceStartNs_ = nowNs();
    paceStartSeq_ = nextSeq_;
    deliveredAtStart_ = receivers_.events();
    pump();
  }
  void markStart() { window_.from.store(nextSeq_); }
  // Stops publishing and closes the window.
  void stop() {
    running_ = false;
    timer_.cancel();
    window_.to.store(nextSeq_);
  }

  SioClient client;
  std::atomic<bool> connected{false};
  std::atomic<bool> failed{false};
  Counter opErrors;
  Counter inflight;
  uint64_t unexpected = 0;
  std::string error;

 private:
  uint64_t dueNs(uint64_t seq) const {
    return paceStartNs_ + uint64_t(double(seq - paceStartSeq_) * 1e9 / options_.rate);
  }

  // Broadcasts still owed to the receivers are below --max-lag (always true without it).
  bool lagAllows() const {
    const uint64_t maxLag = options_.maxLag;
    if (maxLag == 0) return true;
    const uint64_t n = receivers_.size();
    return (nextSeq_ - paceStartSeq_) * n < receivers_.events() - deliveredAtStart_ + maxLag * n;
  }

  void pump() {
    if (!running_) return;
    const unsigned window = std::max(1u, options_.window);
    const bool paced = options_.rate > 0;
    uint64_t now = nowNs();
    bool lagOk = true;
    while (inflight.get() < window && (!paced || dueNs(nextSeq_) <= now) && (lagOk = lagAllows()))
      sendOne();
    if (inflight.get() >= window || timerArmed_) return;  // an ack pumps again
    // Wait for the next due time, or poll the receivers' progress every 100 us.
    uint64_t wakeNs = lagOk ? dueNs(nextSeq_) : now + 100'000;
    timerArmed_ = true;
    timer_.expires_at(kEpoch + std::chrono::nanoseconds(wakeNs));
    timer_.async_wait([this](boost::system::error_code) {
      timerArmed_ = false;
      pump();
    });
  }

  void sendOne() {
    uint64_t seq = nextSeq_++;
    packet_.assign(1, '2');  // reused: no allocation per request
    appendNumber(packet_, nextAckId_++);
    packet_ += requestHead_;
    appendNumber(packet_, seq);
    packet_ += ',';
    appendNumber(packet_, nowNs());
    packet_ += "]}]";
    inflight.add();
    client.sendPacket(packet_);
  }

  static void appendNumber(std::string& out, uint64_t n) {
    char digits[24];
    out.append(digits, size_t(std::to_chars(digits, digits + sizeof digits, n).ptr - digits));
  }

  void onConnected(SioClient&) override { connected = true; }

  void onPacket(SioClient&, std::string_view packet) override {
    if (packet[0] == '2') return;  // events: `auth`, and broadcasts when it is a receiver too
    auto ack = scanOpAck(packet);
    if (!ack) {
      ++unexpected;
      return;
    }
    inflight.sub();
    if (!ack->ok) {
      opErrors.add();
      if (error.empty()) error = "op emit: " + ack->error;
    }
    if (running_) pump();
  }

  void onFailed(SioClient&, std::string_view what) override {
    running_ = false;
    failed = true;
    if (error.empty()) error = "publisher: " + std::string(what);
  }

  const BenchOptions& options_;
  Fleet& receivers_;
  Window& window_;
  asio::steady_timer timer_;
  std::string requestHead_;
  std::string packet_;
  bool running_ = false;
  bool timerArmed_ = false;
  uint64_t nextSeq_ = 0;
  uint64_t nextAckId_ = 1;
  uint64_t paceStartNs_ = 0;
  uint64_t paceStartSeq_ = 0;
  uint64_t deliveredAtStart_ = 0;
};

double round2(double x) {
  return std::round(x * 100) / 100;
}

}  // namespace

Value runBroadcast(const BenchOptions& options, Progress& progress) {
  WorkerPool pool(options.threads);
  Window window;
  FleetOptions fleetOptions{options.receiveUrl, options.connections, options.connectConcurrency,
                            options.room};
  Fleet fleet(pool, fleetOptions, [&](FleetShard& shard) {
    return std::make_unique<Receiver>(shard, window, options.event);
  });
  Publisher publisher(pool[0], options, fleet, window);
  pool.start();
  PoolShutdown guard{pool, [&](unsigned i) {
                       fleet.closeOn(i);
                       if (i == 0) publisher.client.close();
                     }};

  fleet.connect(progress);
  pool.runOn(0, [&] { publisher.connect(); });
  waitUntil([&] { return publisher.connected || publisher.failed; }, 30);
  if (!publisher.connected)
    throw std::runtime_error("the publisher did not connect to " + options.publishUrl.text());

  CpuWindow cpu(pool, options.cpuPids);
  auto delivered = [&] { return std::to_string(fleet.events()) + " deliveries"; };
  pool.runOn(0, [&] { publisher.start(); });
  sleepFor(options.warmup, [&] { progress(delivered); });
  pool.runOn(0, [&] {
    publisher.markStart();
    cpu.begin();
  });
  const uint64_t deliveredBefore = fleet.events();
  sleepFor(options.duration, [&] { progress(delivered); });
  pool.runOn(0, [&] {
    publisher.stop();
    cpu.end();
  });
  const uint64_t deliveredInWindow = fleet.events() - deliveredBefore;

  // Drain: until every receiver has every broadcast of the window, or nothing arrives
  // for two seconds, or the drain time is up.
  const uint64_t expected = window.to - window.from;
  auto allComplete = [&] {
    for (unsigned s = 0; s < fleet.shards(); ++s)
      for (auto& client : fleet.shard(s).clients)
        if (static_cast<Receiver&>(*client).measured.get() < expected) return false;
    return publisher.inflight.get() == 0;
  };
  uint64_t drainStart = nowNs(), lastProgressNs = drainStart, lastTotal = 0;
  while (!allComplete()) {
    uint64_t now = nowNs();
    uint64_t total = fleet.events();
    if (total != lastTotal) lastTotal = total, lastProgressNs = now;
    if (now - lastProgressNs > 2'000'000'000ull || now - drainStart > uint64_t(options.drain * 1e9))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double drainSeconds = double(nowNs() - drainStart) * 1e-9;
  guard.now();

  uint64_t minReceived = kNever, maxReceived = 0, complete = 0;
  for (unsigned s = 0; s < fleet.shards(); ++s)
    for (auto& client : fleet.shard(s).clients) {
      uint64_t n = static_cast<Receiver&>(*client).measured.get();
      minReceived = std::min(minReceived, n);
      maxReceived = std::max(maxReceived, n);
      if (n >= expected) ++complete;
    }
  if (minReceived == kNever) minReceived = 0;
  const double wall = cpu.wallSeconds();
  Value errors =
      Value::object({{"connect", fleet.connectFailures.load()},
                     {"disconnects", fleet.disconnects.load()},
                     {"publisher_lost", publisher.failed.load()},
                     {"unexpected_packets", fleet.unexpected() + publisher.unexpected},
                     {"op", publisher.opErrors.get()},
                     {"first", publisher.error.empty() ? fleet.firstError() : publisher.error}});
  Value result = Value::object({
      {"workload", options.workload},
      {"publish_url", options.publishUrl.text()},
      {"receive_url", options.receiveUrl.text()},
      {"room", options.room},
      {"receivers", fleet.ready.load()},
      {"rate", options.rate},
      {"window", options.window},
      {"max_lag", options.maxLag},
      {"threads", pool.size()},
      {"seconds", round2(wall)},
      {"broadcasts", expected},
      {"broadcasts_per_s", round2(double(expected) / wall)},
      {"deliveries", deliveredInWindow},
      {"deliveries_per_s", round2(double(deliveredInWindow) / wall)},
      {"min_received", minReceived},
      {"max_received", maxReceived},
      {"complete_receivers", complete},
      {"completeness",
       expected ? std::round(double(minReceived) / double(expected) * 1e4) / 1e4 : 1.0},
      {"drain_s", round2(drainSeconds)},
      {"latency_us", latencyJson(fleet.latency())},
      {"errors", std::move(errors)},
  });
  cpu.addTo(result);
  return result;
}

}  // namespace sio::bench
