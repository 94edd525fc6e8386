// sio-bench: opening the fleet's connections with a concurrency limit per worker, the room
// join, and the fleet's counters.
#include "client_fleet.hpp"

#include <algorithm>
#include <stdexcept>

namespace sio::bench {

FleetClient::FleetClient(FleetShard& shard) : client(shard.worker.io, *this), shard_(shard) {}

void FleetClient::becomeReady() {
  state_ = State::Ready;
  shard_.fleet.ready.fetch_add(1);
  shard_.connectDone();
  onReady();
}

void FleetClient::onConnected(SioClient&) {
  const std::string& room = shard_.fleet.options().room;
  if (room.empty()) return becomeReady();
  state_ = State::Joining;
  client.sendPacket("20[\"op\",{\"op\":\"join\",\"rooms\":[\"" + room + "\"]}]");
}

void FleetClient::onPacket(SioClient&, std::string_view packet) {
  if (state_ == State::Ready) return onTraffic(packet);
  if (state_ != State::Joining || packet.compare(0, 2, "30") != 0) return;  // e.g. `auth`
  if (packet.find("\"ok\":true") == std::string_view::npos) {
    onFailed(client, "op join: " + std::string(packet));
    client.close();
    return;
  }
  becomeReady();
}

void FleetClient::onFailed(SioClient&, std::string_view what) {
  shard_.fleet.noteError(what);
  if (state_ == State::Ready) {
    shard_.fleet.disconnects.fetch_add(1);
  } else if (state_ != State::Failed) {
    shard_.fleet.connectFailures.fetch_add(1);
    shard_.connectDone();
  }
  state_ = State::Failed;
}

void FleetShard::connectMore() {
  while (connecting_ < limit_ && next_ < clients.size()) {
    ++connecting_;
    clients[next_++]->client.connect(fleet.endpoint(), fleet.options().url);
  }
}

void FleetShard::connectDone() {
  --connecting_;
  connectMore();
}

Fleet::Fleet(WorkerPool& pool, FleetOptions options, const Factory& make)
    : pool_(pool), options_(std::move(options)), endpoint_(firstEndpoint(options_.url)) {
  const unsigned n = pool.size();
  for (unsigned i = 0; i < n; ++i) {
    shards_.push_back(std::make_unique<FleetShard>(*this, pool[i]));
    shards_.back()->limit_ = std::max(1u, options_.connectConcurrency / n);
  }
  for (unsigned i = 0; i < options_.connections; ++i) {
    FleetShard& shard = *shards_[i % n];
    shard.clients.push_back(make(shard));
  }
}

void Fleet::connect(Progress& progress, double timeoutSeconds) {
  const unsigned total = options_.connections;
  progress.now("opening " + std::to_string(total) + " connections to " + options_.url.text());
  pool_.postEach([this](unsigned i) { shards_[i]->connectMore(); });
  waitUntil([&] { return ready + connectFailures >= total; }, timeoutSeconds,
            [&] {
              progress([&] {
                return std::to_string(ready.load()) + "/" + std::to_string(total) + " ready";
              });
            });
  if (ready < total)
    throw std::runtime_error(std::to_string(total - ready) + " of " + std::to_string(total) +
                             " connections to " + options_.url.text() + " did not become ready" +
                             (firstError().empty() ? "" : " (first error: " + firstError() + ")"));
}

void Fleet::closeOn(unsigned worker) {
  for (auto& client : shards_[worker]->clients) client->client.close();
}

uint64_t Fleet::events() const {
  uint64_t sum = 0;
  for (const auto& shard : shards_) sum += shard->events.get();
  return sum;
}

Histogram Fleet::latency() const {
  Histogram merged;
  for (const auto& shard : shards_) merged.merge(shard->latency);
  return merged;
}

uint64_t Fleet::unexpected() const {
  uint64_t sum = 0;
  for (const auto& shard : shards_) sum += shard->unexpected;
  return sum;
}

void Fleet::noteError(std::string_view what) {
  std::lock_guard lock(errorMutex_);
  if (firstError_.empty()) firstError_ = std::string(what);
}

std::string Fleet::firstError() const {
  std::lock_guard lock(errorMutex_);
  return firstError_;
}

}  // namespace sio::bench
