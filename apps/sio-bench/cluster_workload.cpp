// sio-bench workload `cluster`: workers (an io_context and a thread each) own the
// receivers; worker 0 also owns the publisher. The main thread only sequences the phases
// (connect, warm-up, window, drain, close); counters it reads while workers run are
// relaxed atomics written by one thread each, so the hot path has no locked instruction.
#include "cluster_workload.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench_clock.hpp"
#include "cpu_time.hpp"
#include "packet_scan.hpp"
#include "sio_client.hpp"

namespace sio::bench {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// A counter written by one thread and read by others.
struct Counter {
  std::atomic<uint64_t> value{0};
  void add(uint64_t n = 1) {
    value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t get() const { return value.load(std::memory_order_relaxed); }
};

struct Shared {
  std::atomic<uint64_t> measureFrom{kNever};  // first seq of the window
  std::atomic<uint64_t> measureTo{kNever};    // first seq after the window
  std::atomic<unsigned> connected{0};
  std::atomic<unsigned> connectFailures{0};
  std::atomic<uint64_t> disconnects{0};
  std::mutex errorMutex;
  std::string firstError;

  void noteError(std::string_view what) {
    std::lock_guard lock(errorMutex);
    if (firstError.empty()) firstError = std::string(what);
  }
};

class Worker;

class Receiver final : public SioClient::Owner {
 public:
  Receiver(Worker& worker);
  SioClient client;
  Counter measured;  // broadcasts of the window received
  bool everConnected = false;

 private:
  void onConnected(SioClient&) override;
  void onPacket(SioClient&, std::string_view packet) override;
  void onFailed(SioClient&, std::string_view what) override;
  Worker& worker_;
};

class Worker {
 public:
  Worker(Shared& shared, const ClusterOptions& options, tcp::endpoint endpoint,
         unsigned connectLimit)
      : shared(shared),
        options(options),
        endpoint(endpoint),
        prefix("2[\"" + options.event + "\","),
        connectLimit_(std::max(1u, connectLimit)) {}

  void connectMore() {
    while (connecting_ < connectLimit_ && next_ < receivers.size()) {
      ++connecting_;
      receivers[next_++]->client.connect(endpoint, options.receiveUrl);
    }
  }
  void connectDone() {
    --connecting_;
    connectMore();
  }
  void start() {
    thread = std::thread([this] { io.run(); });
  }

  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread;
  Shared& shared;
  const ClusterOptions& options;
  tcp::endpoint endpoint;
  std::string prefix;
  std::vector<std::unique_ptr<Receiver>> receivers;
  Histogram latency;
  Counter deliveries;  // any broadcast, any time
  uint64_t unexpected = 0;

 private:
  unsigned connectLimit_;
  unsigned connecting_ = 0;
  size_t next_ = 0;
};

Receiver::Receiver(Worker& worker) : client(worker.io, *this), worker_(worker) {}

void Receiver::onConnected(SioClient&) {
  everConnected = true;
  worker_.shared.connected.fetch_add(1);
  worker_.connectDone();
}

void Receiver::onPacket(SioClient&, std::string_view packet) {
  auto event = scanBroadcast(packet, worker_.prefix, worker_.options.event);
  if (!event) {
    if (packet[0] != '2') ++worker_.unexpected;  // other events (`auth`) are not counted
    return;
  }
  worker_.deliveries.add();
  uint64_t now = nowNs();
  if (event->seq >= worker_.shared.measureFrom.load(std::memory_order_relaxed) &&
      event->seq < worker_.shared.measureTo.load(std::memory_order_relaxed)) {
    measured.add();
    worker_.latency.record(now > event->timestampNs ? now - event->timestampNs : 0);
  }
}

void Receiver::onFailed(SioClient&, std::string_view what) {
  worker_.shared.noteError("receiver: " + std::string(what));
  if (everConnected) {
    worker_.shared.disconnects.fetch_add(1);
  } else {
    worker_.shared.connectFailures.fetch_add(1);
    worker_.connectDone();
  }
}

class Publisher final : public SioClient::Owner {
 public:
  Publisher(Worker& worker, const std::vector<std::unique_ptr<Worker>>& workers,
            tcp::endpoint endpoint)
      : client(worker.io, *this),
        worker_(worker),
        workers_(&workers),
        timer_(worker.io),
        endpoint_(endpoint) {}

  void connect() { client.connect(endpoint_, worker_.options.publishUrl); }

  void start() {
    running_ = true;
    paceStartNs_ = nowNs();
    paceStartSeq_ = nextSeq_;
    for (const auto& worker : *workers_) deliveredAtStart_ += worker->deliveries.get();
    pump();
  }
  void markStart() { worker_.shared.measureFrom.store(nextSeq_); }
  // Stops publishing; returns the first seq after the window.
  uint64_t stop() {
    running_ = false;
    timer_.cancel();
    worker_.shared.measureTo.store(nextSeq_);
    return nextSeq_;
  }

  SioClient client;
  std::atomic<bool> connected{false};
  std::atomic<bool> failed{false};
  Counter opErrors;
  Counter inflight;

 private:
  uint64_t dueNs(uint64_t seq) const {
    return paceStartNs_ + uint64_t(double(seq - paceStartSeq_) * 1e9 / worker_.options.rate);
  }

  // Broadcasts still owed to the receivers are below --max-lag (always true without it).
  bool lagAllows() const {
    const uint64_t maxLag = worker_.options.maxLag;
    if (maxLag == 0) return true;
    uint64_t delivered = 0;
    for (const auto& worker : *workers_) delivered += worker->deliveries.get();
    const uint64_t receivers = worker_.options.receivers;
    return (nextSeq_ - paceStartSeq_) * receivers <
           delivered - deliveredAtStart_ + maxLag * receivers;
  }

  void pump() {
    if (!running_) return;
    const unsigned window = std::max(1u, worker_.options.window);
    const bool paced = worker_.options.rate > 0;
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
    char text[160];
    int size = std::snprintf(
        text, sizeof text, "2%llu[\"op\",{\"op\":\"emit\",\"event\":\"%s\",\"args\":[%llu,%llu]}]",
        (unsigned long long)nextAckId_++, worker_.options.event.c_str(), (unsigned long long)seq,
        (unsigned long long)nowNs());
    inflight.add();
    client.sendPacket(std::string_view(text, size_t(size)));
  }

  void onConnected(SioClient&) override { connected = true; }

  void onPacket(SioClient&, std::string_view packet) override {
    if (packet[0] == '2') return;  // the publisher is on the main namespace too: broadcasts
    auto ack = scanOpAck(packet);
    if (!ack) {
      ++worker_.unexpected;
      return;
    }
    inflight.value.store(inflight.get() - 1, std::memory_order_relaxed);
    if (!ack->ok) {
      opErrors.add();
      worker_.shared.noteError("op emit: " + ack->error);
    }
    if (running_) pump();
  }

  void onFailed(SioClient&, std::string_view what) override {
    running_ = false;
    failed = true;
    worker_.shared.noteError("publisher: " + std::string(what));
  }

  Worker& worker_;
  const std::vector<std::unique_ptr<Worker>>* workers_;
  asio::steady_timer timer_;
  tcp::endpoint endpoint_;
  bool running_ = false;
  bool timerArmed_ = false;
  uint64_t nextSeq_ = 0;
  uint64_t nextAckId_ = 0;
  uint64_t paceStartNs_ = 0;
  uint64_t paceStartSeq_ = 0;
  uint64_t deliveredAtStart_ = 0;
};

// Runs `fn` on the worker's thread and waits for it.
template <class Fn>
auto runOn(Worker& worker, Fn fn) {
  std::packaged_task<decltype(fn())()> task(std::move(fn));
  auto result = task.get_future();
  asio::post(worker.io, [&task] { task(); });
  return result.get();
}

template <class Pred>
bool waitUntil(Pred pred, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

tcp::endpoint firstEndpoint(const TargetUrl& url) {
  auto endpoints = resolveHost(url);
  if (endpoints.empty()) throw std::runtime_error("cannot resolve " + url.host);
  return endpoints.front();
}

struct Snapshot {
  uint64_t wallNs = 0;
  uint64_t deliveries = 0;
  double processCpu = 0;
  std::vector<double> threadCpu;
};

}  // namespace

ClusterResult runCluster(const ClusterOptions& options) {
  const tcp::endpoint receiveEndpoint = firstEndpoint(options.receiveUrl);
  const tcp::endpoint publishEndpoint = firstEndpoint(options.publishUrl);
  const unsigned threads = std::max(1u, options.threads);

  Shared shared;
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < threads; ++i)
    workers.push_back(std::make_unique<Worker>(shared, options, receiveEndpoint,
                                               options.connectConcurrency / threads));
  for (unsigned i = 0; i < options.receivers; ++i) {
    Worker& worker = *workers[i % threads];
    worker.receivers.push_back(std::make_unique<Receiver>(worker));
  }
  Publisher publisher(*workers[0], workers, publishEndpoint);

  for (auto& worker : workers) worker->start();
  auto finish = [&] {
    for (auto& worker : workers) {
      asio::post(worker->io, [&worker = *worker] {
        for (auto& receiver : worker.receivers) receiver->client.close();
      });
    }
    asio::post(workers[0]->io, [&publisher] { publisher.client.close(); });
    for (auto& worker : workers) worker->guard.reset();
    for (auto& worker : workers) {
      Worker* w = worker.get();
      if (!waitUntil([w] { return w->io.stopped(); }, 5)) w->io.stop();
      w->thread.join();
    }
  };
  auto fail = [&](std::string message) {
    finish();
    if (!shared.firstError.empty()) message += " (first error: " + shared.firstError + ")";
    throw std::runtime_error(message);
  };

  // Connect the receivers, then the publisher.
  for (auto& worker : workers) asio::post(worker->io, [w = worker.get()] { w->connectMore(); });
  waitUntil([&] { return shared.connected + shared.connectFailures >= options.receivers; }, 120);
  if (shared.connected < options.receivers)
    fail(std::to_string(options.receivers - shared.connected) + " of " +
         std::to_string(options.receivers) + " receivers did not connect to " +
         options.receiveUrl.text());
  asio::post(workers[0]->io, [&publisher] { publisher.connect(); });
  waitUntil([&] { return publisher.connected || publisher.failed; }, 30);
  if (!publisher.connected) fail("the publisher did not connect to " + options.publishUrl.text());

  auto snapshot = [&] {
    Snapshot s;
    s.wallNs = nowNs();
    for (auto& worker : workers) {
      s.deliveries += worker->deliveries.get();
      s.threadCpu.push_back(threadCpuSeconds(worker->thread.native_handle()));
    }
    s.processCpu = processCpuSeconds();
    return s;
  };

  ClusterResult result;
  result.receiversConnected = shared.connected;
  runOn(*workers[0], [&] { publisher.start(); });
  std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup));
  Snapshot begin = runOn(*workers[0], [&] {
    publisher.markStart();
    return snapshot();
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(options.duration));
  uint64_t from = shared.measureFrom;
  uint64_t to = 0;
  Snapshot end = runOn(*workers[0], [&] {
    to = publisher.stop();
    return snapshot();
  });

  // Drain: until every receiver has every broadcast of the window, or nothing arrives
  // for two seconds, or the drain time is up.
  const uint64_t expected = to - from;
  auto allComplete = [&] {
    for (auto& worker : workers)
      for (auto& receiver : worker->receivers)
        if (receiver->measured.get() < expected) return false;
    return publisher.inflight.get() == 0;
  };
  uint64_t drainStart = nowNs(), lastProgressNs = drainStart, lastTotal = 0;
  while (!allComplete()) {
    uint64_t now = nowNs();
    uint64_t total = 0;
    for (auto& worker : workers) total += worker->deliveries.get();
    if (total != lastTotal) lastTotal = total, lastProgressNs = now;
    if (now - lastProgressNs > 2'000'000'000ull || now - drainStart > uint64_t(options.drain * 1e9))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.drainSeconds = double(nowNs() - drainStart) * 1e-9;
  finish();

  const double wall = double(end.wallNs - begin.wallNs) * 1e-9;
  result.windowSeconds = wall;
  result.broadcasts = expected;
  result.broadcastsPerSecond = double(expected) / wall;
  result.opErrors = publisher.opErrors.get();
  result.deliveriesInWindow = end.deliveries - begin.deliveries;
  result.deliveriesPerSecond = double(result.deliveriesInWindow) / wall;
  result.minReceived = kNever;
  for (auto& worker : workers) {
    result.latency.merge(worker->latency);
    result.unexpectedPackets += worker->unexpected;
    for (auto& receiver : worker->receivers) {
      uint64_t n = receiver->measured.get();
      result.minReceived = std::min(result.minReceived, n);
      result.maxReceived = std::max(result.maxReceived, n);
      if (n >= expected) ++result.completeReceivers;
    }
  }
  if (result.minReceived == kNever) result.minReceived = 0;
  result.connectFailures = shared.connectFailures;
  result.disconnects = shared.disconnects;
  result.publisherLost = publisher.failed;
  result.firstError = shared.firstError;
  result.cpuSeconds = end.processCpu - begin.processCpu;
  for (size_t i = 0; i < end.threadCpu.size(); ++i)
    result.busiestThreadCpuRatio =
        std::max(result.busiestThreadCpuRatio, (end.threadCpu[i] - begin.threadCpu[i]) / wall);
  result.saturated =
      result.busiestThreadCpuRatio >= 0.9 || result.cpuSeconds >= 0.9 * wall * threads;
  return result;
}

}  // namespace sio::bench
