// The table of requests waiting for answers from other nodes (or clients): id -> entry,
// how many answers it expects, a timeout, and one end per request, exactly once — on the
// last expected answer, at its timeout (with whatever answers came), or when the owner
// cancels them all (an adapter closing). The timer is injected (RequestTimers), so that
// unit tests drive timeouts by hand; asioRequestTimers() is the one the adapters use.
// Public only because ClusterAdapter, a public class, holds two of these.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sio {

// A started timeout; destroying the handle cancels it (`fire` is then never called).
class RequestTimer {
 public:
  virtual ~RequestTimer() = default;
};

// Starts a timer that calls `fire` once after `timeout`, unless its handle is gone first.
using RequestTimers = std::function<std::unique_ptr<RequestTimer>(std::chrono::milliseconds timeout,
                                                                  std::function<void()> fire)>;

// RequestTimers on Asio steady timers of `executor`.
inline RequestTimers asioRequestTimers(boost::asio::any_io_executor executor) {
  class AsioTimer final : public RequestTimer {
   public:
    AsioTimer(boost::asio::any_io_executor executor, std::chrono::milliseconds timeout,
              std::function<void()> fire)
        : state_(std::make_shared<State>(State{{executor, timeout}, std::move(fire)})) {
      // The handler holds the state: a timer that expired before its handle was destroyed
      // finds `fire` cleared instead of a destroyed owner.
      state_->timer.async_wait([state = state_](const boost::system::error_code& ec) {
        if (ec || !state->fire) return;
        auto fire = std::exchange(state->fire, nullptr);
        fire();
      });
    }
    ~AsioTimer() override {
      state_->fire = nullptr;
      state_->timer.cancel();
    }

   private:
    struct State {
      boost::asio::steady_timer timer;
      std::function<void()> fire;
    };
    std::shared_ptr<State> state_;
  };
  return [executor = std::move(executor)](std::chrono::milliseconds timeout,
                                          std::function<void()> fire) {
    return std::unique_ptr<RequestTimer>(new AsioTimer(executor, timeout, std::move(fire)));
  };
}

// How a request ended.
enum class RequestOutcome {
  Answered,  // every expected answer came (or the owner said it is complete)
  TimedOut,  // the timeout came first: the value holds the answers that did come
  Cancelled  // cancelAll(): the owner is closing
};

// How many answers a request had when it ended, and how many it waited for.
struct RequestProgress {
  size_t received = 0;
  size_t expected = 0;
};

template <class T, class Id = std::string>
class PendingRequests {
 public:
  // Called once per request, after it left the table (a new request may be added from it).
  using Finish = std::function<void(T value, RequestOutcome outcome, RequestProgress progress)>;

  PendingRequests(RequestTimers timers, Finish finish)
      : timers_(std::move(timers)), finish_(std::move(finish)) {}
  PendingRequests(const PendingRequests&) = delete;
  PendingRequests& operator=(const PendingRequests&) = delete;
  // The requests still waiting are dropped: their timers cancelled, Finish not called.
  ~PendingRequests() = default;

  // Waits for `expected` answers (nullopt: as many as come, until finish(), the timeout or
  // cancelAll()) for at most `timeout`.
  void add(Id id, T value, std::optional<size_t> expected, std::chrono::milliseconds timeout) {
    Entry entry{std::move(value), expected, 0, nullptr};
    auto [it, added] = entries_.insert_or_assign(id, std::move(entry));
    it->second.timer = timers_(timeout, [this, id] { expire(id); });
  }

  bool contains(const Id& id) const { return entries_.count(id) > 0; }
  size_t size() const { return entries_.size(); }
  std::vector<Id> ids() const {
    std::vector<Id> ids;
    for (const auto& [id, entry] : entries_) ids.push_back(id);
    return ids;
  }
  // The value of a waiting request (nullptr once it ended or for an unknown id).
  T* find(const Id& id) {
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second.value;
  }

  // One answer for `id`: `merge(T&)` adds it to the value and returns whether it counts
  // toward the expected ones; the request ends (Answered) with its last expected answer.
  // False for an unknown id (or one that ended: a late answer), which is ignored.
  template <class Merge>
  bool answer(const Id& id, Merge&& merge) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return false;
    Entry& entry = it->second;
    if (merge(entry.value)) ++entry.received;
    if (entry.expected && entry.received >= *entry.expected) end(id, RequestOutcome::Answered);
    return true;
  }

  // One answer fewer to wait for (whoever owed it is gone); ends the request if that was
  // the last one.
  void expectFewer(const Id& id) {
    auto it = entries_.find(id);
    if (it == entries_.end() || !it->second.expected || *it->second.expected == 0) return;
    Entry& entry = it->second;
    if (--*entry.expected <= entry.received) end(id, RequestOutcome::Answered);
  }

  // Ends a request as answered, when the owner knows it is complete.
  void finish(const Id& id) { end(id, RequestOutcome::Answered); }
  // The timer's call: ends the request with what it has.
  void expire(const Id& id) { end(id, RequestOutcome::TimedOut); }
  // Ends every request waiting now (not those their Finish adds).
  void cancelAll() {
    for (const auto& id : ids()) end(id, RequestOutcome::Cancelled);
  }

 private:
  struct Entry {
    T value;
    std::optional<size_t> expected;
    size_t received = 0;
    std::unique_ptr<RequestTimer> timer;
  };

  // The one way out of the table, so that each request ends once. Nothing of this table is
  // touched after Finish: it may destroy the table's owner.
  void end(const Id& id, RequestOutcome outcome) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    Entry entry = std::move(it->second);
    entries_.erase(it);
    entry.timer.reset();
    RequestProgress progress{entry.received, entry.expected.value_or(entry.received)};
    auto finish = finish_;  // outlives the table, should Finish destroy it
    finish(std::move(entry.value), outcome, progress);
  }

  RequestTimers timers_;
  Finish finish_;
  std::map<Id, Entry> entries_;
};

}  // namespace sio
