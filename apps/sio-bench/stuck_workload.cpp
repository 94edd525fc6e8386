// sio-bench workload `stuck`: three fleets on the same workers (stuck senders, stuck room
// members, healthy room members) and one publisher. Stuck clients stop reading from inside
// the listener call that made them ready, so no read is pending afterwards; at the end
// their raw sockets are read again to see which ones the server had closed (end of file or
// reset) and which ones it still held open. The main thread only sequences the phases.
#include "stuck_workload.hpp"

#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "bench_clock.hpp"
#include "client_fleet.hpp"
#include "packet_scan.hpp"
#include "server_watch.hpp"

namespace sio::bench {
namespace asio = boost::asio;

namespace {

constexpr int kStuckReceiveBuffer = 64 * 1024;  // pushes back on the server early
constexpr auto kSendInterval = std::chrono::milliseconds(10);
constexpr size_t kBroadcastSize = 10'000;
const std::string kRoom = "stuck";

// A client that stops reading once connected (and in the room, for the members). Its
// final raw read tells whether the server closed it.
class StuckClient : public FleetClient {
 public:
  explicit StuckClient(FleetShard& shard) : FleetClient(shard) {
    client.transport().setReceiveBuffer(kStuckReceiveBuffer);
  }
  // On the worker: reads what is left and waits for the end (or for the run to give up).
  void readToEnd() {
    client.transport().readRawUntilEnd([this](size_t bytes, std::string_view ended) {
      if (!ended.empty()) {
        endedNs.value.store(nowNs());
        return;
      }
      bytesRead.add(bytes);
      lastDataNs.value.store(nowNs());
    });
  }
  Counter bytesRead, lastDataNs, endedNs;  // endedNs: 0 while open

 protected:
  void onReady() override { client.transport().stopReading(); }
  void onTraffic(std::string_view) override {}
};

// Sends `message` events of --message-size bytes every 10 ms, skipping a tick while the
// previous one is still being written (the server stopped reading it).
class StuckSender final : public StuckClient {
 public:
  StuckSender(FleetShard& shard, const std::string& packet, const std::atomic<bool>& sending)
      : StuckClient(shard), packet_(packet), sending_(sending), timer_(shard.worker.io) {}
  void startSending() { tick(); }
  void stopSending() { timer_.cancel(); }
  Counter sent, skipped;

 private:
  void tick() {
    if (!sending_.load(std::memory_order_relaxed)) return;
    if (ready() && client.transport().isOpen()) {
      if (client.transport().queuedWrites() == 0) {
        client.sendPacket(packet_);
        sent.add();
      } else {
        skipped.add();
      }
    }
    timer_.expires_after(kSendInterval);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) tick();
    });
  }
  const std::string& packet_;
  const std::atomic<bool>& sending_;
  asio::steady_timer timer_;
};

// A healthy member of the room: checks that broadcasts `b` come as 0, 1, 2, …
class HealthyClient final : public FleetClient {
 public:
  using FleetClient::FleetClient;
  Counter received, missing, outOfOrder, nextSeq;

 private:
  void onTraffic(std::string_view packet) override {
    static constexpr std::string_view kPrefix = "2[\"b\",";
    if (packet.compare(0, kPrefix.size(), kPrefix) != 0) {
      if (packet[0] != '2') ++shard_.unexpected;  // other events (`auth`) are not counted
      return;
    }
    uint64_t seq = 0;
    auto [end, ec] =
        std::from_chars(packet.data() + kPrefix.size(), packet.data() + packet.size(), seq);
    if (ec != std::errc()) {
      ++shard_.unexpected;
      return;
    }
    received.add();
    shard_.events.add();
    const uint64_t next = nextSeq.get();
    if (seq < next) {
      outOfOrder.add();  // late or repeated
      return;
    }
    missing.add(seq - next);  // a gap (what arrives later counts as out of order too)
    nextSeq.add(seq + 1 - next);
  }
};

// Asks for `rate` broadcasts per second to the room (`op emit`, args [seq, 10 kB string]).
class RoomPublisher final : public SioClient::Owner {
 public:
  RoomPublisher(Worker& worker, double rate)
      : client(worker.io, *this), rate_(rate), timer_(worker.io) {
    requestHead_ =
        "[\"op\",{\"op\":\"emit\",\"rooms\":[\"" + kRoom + "\"],\"event\":\"b\",\"args\":[";
    requestTail_ = ",\"" + std::string(kBroadcastSize, 'b') + "\"]}]";
  }
  void start() {
    running_ = true;
    startNs_ = nowNs();
    pump();
  }
  void stop() {
    running_ = false;
    timer_.cancel();
  }

  SioClient client;
  std::atomic<bool> connected{false}, failed{false};
  Counter sent, acked, opErrors;
  uint64_t unexpected = 0;
  std::string error;

 private:
  void pump() {
    if (!running_) return;
    const uint64_t now = nowNs();
    while (startNs_ + uint64_t(double(sent.get()) * 1e9 / rate_) <= now) {
      std::string packet(1, '2');
      packet += std::to_string(sent.get() + 1);
      packet += requestHead_;
      packet += std::to_string(sent.get());
      packet += requestTail_;
      client.sendPacket(packet);
      sent.add();
    }
    timer_.expires_at(
        kEpoch + std::chrono::nanoseconds(startNs_ + uint64_t(double(sent.get()) * 1e9 / rate_)));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) pump();
    });
  }
  void onConnected(SioClient&) override { connected = true; }
  void onPacket(SioClient&, std::string_view packet) override {
    if (packet[0] == '2') return;  // `auth`
    auto ack = scanOpAck(packet);
    if (!ack) {
      ++unexpected;
      return;
    }
    acked.add();
    if (!ack->ok) {
      opErrors.add();
      if (error.empty()) error = "op emit: " + ack->error;
    }
  }
  void onFailed(SioClient&, std::string_view what) override {
    running_ = false;
    failed = true;
    if (error.empty()) error = "publisher: " + std::string(what);
  }

  double rate_;
  asio::steady_timer timer_;
  std::string requestHead_, requestTail_;
  bool running_ = false;
  uint64_t startNs_ = 0;
};

template <class Client, class Fn>
void forEachClient(Fleet& fleet, Fn fn) {
  for (unsigned s = 0; s < fleet.shards(); ++s)
    for (auto& client : fleet.shard(s).clients) fn(static_cast<Client&>(*client));
}

template <class Client, class Fn>
uint64_t sum(Fleet& fleet, Fn field) {
  uint64_t total = 0;
  forEachClient<Client>(fleet, [&](Client& c) { total += field(c); });
  return total;
}

double round2(double x) {
  return std::round(x * 100) / 100;
}

}  // namespace

Value runStuck(const BenchOptions& options, Progress& progress) {
  const uint64_t startNs = nowNs();
  ServerWatch watch(options.serverPid);
  WorkerPool pool(options.threads);
  const unsigned senders = options.connections / 2, members = options.connections - senders;
  const std::string messagePacket =
      "2[\"message\",\"" + std::string(options.messageSize, 'm') + "\"]";
  std::atomic<bool> sending{false};

  Fleet healthy(pool, {options.url, options.healthy, options.connectConcurrency, kRoom},
                [](FleetShard& shard) { return std::make_unique<HealthyClient>(shard); });
  Fleet stuckMembers(pool, {options.url, members, options.connectConcurrency, kRoom},
                     [](FleetShard& shard) { return std::make_unique<StuckClient>(shard); });
  Fleet stuckSenders(pool, {options.url, senders, options.connectConcurrency, ""},
                     [&](FleetShard& shard) {
                       return std::make_unique<StuckSender>(shard, messagePacket, sending);
                     });
  RoomPublisher publisher(pool[0], options.rate);
  pool.start();
  PoolShutdown guard{pool, [&](unsigned i) {
                       for (Fleet* fleet : {&healthy, &stuckMembers, &stuckSenders})
                         fleet->closeOn(i);
                       for (auto& client : stuckSenders.shard(i).clients)
                         static_cast<StuckSender&>(*client).stopSending();
                       if (i == 0) {
                         publisher.stop();
                         publisher.client.close();
                       }
                     }};

  healthy.connect(progress);
  if (members) stuckMembers.connect(progress);
  if (senders) stuckSenders.connect(progress);
  pool.runOn(0, [&] {
    publisher.client.connect(healthy.endpoint(), options.url);
    return 0;
  });
  waitUntil([&] { return publisher.connected || publisher.failed; }, 30);
  if (!publisher.connected)
    throw std::runtime_error("the publisher did not connect to " + options.url.text());

  // The run: stuck senders flood, the publisher broadcasts to the room.
  std::ostringstream plan;
  plan << senders << " stuck senders, " << members << " stuck room members, " << options.healthy
       << " healthy members, " << options.rate << " broadcasts/s for " << options.duration << " s";
  progress.now(plan.str());
  sending = true;
  pool.postEach([&](unsigned w) {
    for (auto& client : stuckSenders.shard(w).clients)
      static_cast<StuckSender&>(*client).startSending();
    if (w == 0) publisher.start();
  });
  auto line = [&] {
    auto fds = watch.now();
    return std::to_string(publisher.sent.get()) + " broadcasts, " +
           std::to_string(healthy.events()) + " delivered to healthy clients; server " +
           std::to_string(fds.rssKib / 1024) + " MiB, " + std::to_string(fds.fds) + " fds";
  };
  sleepFor(options.duration, [&] { progress(line); });
  sending = false;
  pool.runOn(0, [&] {
    publisher.stop();
    return 0;
  });

  // Healthy clients get what was sent (until complete, no progress for 2 s, or --drain).
  const uint64_t expected = publisher.sent.get();
  auto healthyComplete = [&] {
    bool complete = true;
    forEachClient<HealthyClient>(
        healthy, [&](HealthyClient& c) { complete = complete && c.nextSeq.get() >= expected; });
    return complete;
  };
  uint64_t drainStart = nowNs(), lastProgressNs = drainStart, lastTotal = healthy.events();
  while (!healthyComplete()) {
    const uint64_t now = nowNs(), total = healthy.events();
    if (total != lastTotal) lastTotal = total, lastProgressNs = now;
    if (now - lastProgressNs > 2'000'000'000ull || now - drainStart > uint64_t(options.drain * 1e9))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  sleepFor(options.settle, [&] { progress(line); });
  const ServerSample after = watch.now();

  // Which stuck clients did the server close? Read them again, until each ended or went
  // quiet for a second (the server still holds it), or --drain seconds passed.
  const uint64_t closedDuringRun = stuckMembers.disconnects + stuckSenders.disconnects;
  progress.now("reading the stuck clients' sockets again");
  const uint64_t readStartNs = nowNs();
  pool.postEach([&](unsigned w) {
    for (Fleet* fleet : {&stuckMembers, &stuckSenders})
      for (auto& client : fleet->shard(w).clients) static_cast<StuckClient&>(*client).readToEnd();
  });
  auto settledClients = [&] {
    bool all = true;
    const uint64_t now = nowNs();
    for (Fleet* fleet : {&stuckMembers, &stuckSenders})
      forEachClient<StuckClient>(*fleet, [&](StuckClient& c) {
        const uint64_t last = std::max(c.lastDataNs.get(), readStartNs);
        all = all && (c.endedNs.get() != 0 || now - last > 1'000'000'000ull);
      });
    return all;
  };
  waitUntil(settledClients, std::max(1.0, options.drain));
  uint64_t closedByServer = 0, bytesReadAtEnd = 0;
  for (Fleet* fleet : {&stuckMembers, &stuckSenders})
    forEachClient<StuckClient>(*fleet, [&](StuckClient& c) {
      closedByServer += c.endedNs.get() != 0;
      bytesReadAtEnd += c.bytesRead.get();
    });
  guard.now();

  uint64_t minReceived = UINT64_MAX, missing = 0, outOfOrder = 0, complete = 0;
  forEachClient<HealthyClient>(healthy, [&](HealthyClient& c) {
    minReceived = std::min(minReceived, c.received.get());
    const uint64_t clientMissing =
        c.missing.get() + (expected > c.nextSeq.get() ? expected - c.nextSeq.get() : 0);
    missing += clientMissing;
    outOfOrder += c.outOfOrder.get();
    complete += clientMissing == 0 && c.outOfOrder.get() == 0;
  });
  if (minReceived == UINT64_MAX) minReceived = 0;
  const ServerSample& before = watch.before();
  const uint64_t messagesSent =
      sum<StuckSender>(stuckSenders, [](StuckSender& s) { return s.sent.get(); });
  return Value::object({
      {"workload", "stuck"},
      {"url", options.url.text()},
      {"server_pid", options.serverPid},
      {"connections", options.connections},
      {"stuck_senders", senders},
      {"stuck_members", members},
      {"healthy", options.healthy},
      {"message_size", options.messageSize},
      {"rate", options.rate},
      {"duration_s", options.duration},
      {"messages_sent", messagesSent},
      {"message_bytes_sent", messagesSent * options.messageSize},
      {"broadcasts", Value::object({{"sent", expected},
                                    {"acked", publisher.acked.get()},
                                    {"op_errors", publisher.opErrors.get()},
                                    {"size", kBroadcastSize}})},
      {"delivery", Value::object({{"expected", expected},
                                  {"received_min", minReceived},
                                  {"missing", missing},
                                  {"out_of_order", outOfOrder},
                                  {"complete_clients", complete},
                                  {"in_order", complete == options.healthy}})},
      {"stuck", Value::object({{"connections", options.connections},
                               {"closed_by_server", closedByServer},
                               {"still_open", options.connections - closedByServer},
                               {"write_failed_during_run", closedDuringRun},
                               {"bytes_read_at_end", bytesReadAtEnd}})},
      {"rss_kib",
       Value::object(
           {{"before", before.rssKib}, {"peak", watch.peakRssKib()}, {"after", after.rssKib}})},
      {"fds",
       Value::object({{"before", before.fds}, {"peak", watch.peakFds()}, {"after", after.fds}})},
      {"errors", Value::object({{"connect", healthy.connectFailures + stuckMembers.connectFailures +
                                                stuckSenders.connectFailures},
                                {"healthy_disconnects", healthy.disconnects.load()},
                                {"publisher_lost", publisher.failed.load()},
                                {"unexpected_packets", healthy.unexpected() + publisher.unexpected},
                                {"op", publisher.opErrors.get()},
                                {"first", publisher.error.empty() ? healthy.firstError()
                                                                  : publisher.error}})},
      {"seconds", round2(double(nowNs() - startNs) * 1e-9)},
  });
}

}  // namespace sio::bench
