// sio-bench workload `churn`: session slots spread over the workers, each running one
// session at a time and the next when it ended (a finished session is destroyed from a
// posted function, never inside its own callback; one that hangs is dropped after 10 s
// and counted as an error). Between kinds the run waits for the server to settle, so each
// kind's figures show what it left behind.
#include "churn_workload.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <mutex>

#include "bench_clock.hpp"
#include "churn_session.hpp"
#include "server_watch.hpp"
#include "worker_pool.hpp"
#include "ws_client.hpp"

namespace sio::bench {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kSessionTimeout = std::chrono::seconds(10);

// One kind's run, shared by the slots of every worker.
struct KindRun {
  KindRun(ChurnKind kind, uint64_t sessions, const tcp::endpoint& endpoint, const TargetUrl& url)
      : kind(kind), sessions(sessions), endpoint(endpoint), url(url) {}
  ChurnKind kind;
  uint64_t sessions;
  const tcp::endpoint& endpoint;
  const TargetUrl& url;
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> finished{0};
  std::atomic<uint64_t> failed{0};
  std::mutex errorMutex;
  std::string firstError;
};

class Slot {
 public:
  Slot(asio::io_context& io, KindRun& run) : io_(io), run_(run), timer_(io) {}

  void next() {
    current_.reset();
    if (stopped_) return;
    const uint64_t index = run_.next.fetch_add(1);
    if (index >= run_.sessions) return;
    const uint64_t generation = ++generation_;
    current_ = makeChurnSession(
        run_.kind, index, io_, run_.endpoint, run_.url,
        [this, generation](std::string_view error) { finished(generation, error); });
    timer_.expires_after(kSessionTimeout);
    timer_.async_wait([this, generation](boost::system::error_code ec) {
      if (!ec) finished(generation, "timed out");
    });
    current_->start();
  }
  // On the worker's thread; a next() already posted may still run (it does nothing), so the
  // slot goes only in a later function on that thread.
  void stop() {
    stopped_ = true;
    ++generation_;
    timer_.cancel();
    current_.reset();
  }

 private:
  void finished(uint64_t generation, std::string_view error) {
    if (generation != generation_) return;
    ++generation_;
    timer_.cancel();
    if (!error.empty()) {
      run_.failed.fetch_add(1);
      std::lock_guard lock(run_.errorMutex);
      if (run_.firstError.empty()) run_.firstError = std::string(error);
    }
    run_.finished.fetch_add(1);
    asio::post(io_, [this] { next(); });
  }

  asio::io_context& io_;
  KindRun& run_;
  asio::steady_timer timer_;
  std::unique_ptr<ChurnSession> current_;
  uint64_t generation_ = 0;
  bool stopped_ = false;
};

double round2(double x) {
  return std::round(x * 100) / 100;
}

}  // namespace

Value runChurn(const BenchOptions& options, Progress& progress) {
  const tcp::endpoint endpoint = firstEndpoint(options.url);
  std::vector<ChurnKind> kinds = allChurnKinds();
  if (!options.kind.empty()) kinds = {*churnKindNamed(options.kind)};
  ServerWatch watch(options.serverPid);
  WorkerPool pool(options.threads);
  pool.start();
  PoolShutdown guard{pool, {}};
  const unsigned slotsPerWorker = std::max(1u, options.connectConcurrency / pool.size());

  const uint64_t startNs = nowNs();
  Value kindResults = Value::array();
  for (ChurnKind kind : kinds) {
    const std::string name(churnKindName(kind));
    KindRun run(kind, options.sessions, endpoint, options.url);
    std::vector<std::vector<std::unique_ptr<Slot>>> slots(pool.size());
    for (unsigned w = 0; w < pool.size(); ++w)
      for (unsigned i = 0; i < slotsPerWorker; ++i)
        slots[w].push_back(std::make_unique<Slot>(pool[w].io, run));
    progress.now(std::to_string(options.sessions) + " " + name + " sessions, " +
                 std::to_string(slotsPerWorker * pool.size()) + " at once, with " +
                 options.url.text());
    const uint64_t kindStartNs = nowNs();
    pool.postEach([&](unsigned w) {
      for (auto& slot : slots[w]) slot->next();
    });
    waitUntil([&] { return run.finished.load() >= options.sessions; }, 1e9,
              [&] {
                progress([&] {
                  return name + ": " + std::to_string(run.finished.load()) + "/" +
                         std::to_string(options.sessions) + " sessions, " +
                         std::to_string(run.failed.load()) + " failed; server " +
                         std::to_string(watch.now().fds) + " fds";
                });
              });
    const double kindSeconds = double(nowNs() - kindStartNs) * 1e-9;
    for (unsigned w = 0; w < pool.size(); ++w) {
      pool.runOn(w, [&] {
        for (auto& slot : slots[w]) slot->stop();
        return 0;
      });
      pool.runOn(w, [&] {  // after whatever the slots had posted
        slots[w].clear();
        return 0;
      });
    }

    progress.now(name + ": done in " + std::to_string(int(kindSeconds)) +
                 " s; waiting for the server's descriptors to come back to " +
                 std::to_string(watch.before().fds));
    const bool settled = watch.waitForDescriptors(watch.before().fds, options.settleMax);
    const ServerSample after = watch.now();
    std::lock_guard lock(run.errorMutex);
    kindResults.push(Value::object({
        {"kind", name},
        {"sessions", run.finished.load()},
        {"errors", run.failed.load()},
        {"first_error", run.firstError},
        {"seconds", round2(kindSeconds)},
        {"sessions_per_s", round2(double(run.finished.load()) / kindSeconds)},
        {"fds_after", after.fds},
        {"rss_after_kib", after.rssKib},
        {"settled", settled},
    }));
  }
  guard.now();

  const ServerSample after = watch.now();
  const ServerSample& before = watch.before();
  return Value::object({
      {"workload", "churn"},
      {"url", options.url.text()},
      {"server_pid", options.serverPid},
      {"sessions", options.sessions},
      {"connect_concurrency", slotsPerWorker * pool.size()},
      {"threads", pool.size()},
      {"kinds", std::move(kindResults)},
      {"rss_kib",
       Value::object(
           {{"before", before.rssKib}, {"peak", watch.peakRssKib()}, {"after", after.rssKib}})},
      {"fds",
       Value::object({{"before", before.fds}, {"peak", watch.peakFds()}, {"after", after.fds}})},
      {"settled", after.fds <= before.fds},
      {"seconds", round2(double(nowNs() - startNs) * 1e-9)},
  });
}

}  // namespace sio::bench
