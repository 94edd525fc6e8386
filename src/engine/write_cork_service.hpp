// What the WebSocket connections of one io_context share for writing: the WriteCork that
// drains them once per turn and the SharedFrameCache that frames a broadcast once. An Asio
// service, so it lives and dies with the context (a drain still pending when the context
// shuts down writes nothing). All state of a server belongs to the one thread that runs
// its context, so neither needs a lock. Each drain trims the thread's pool of queue storage
// (FrameQueue) to what the turn used: after a broadcast to many, a quieter turn lets go of
// what it does not need.
#pragma once
#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>

#include "frame_queue.hpp"
#include "shared_frame_cache.hpp"
#include "write_cork.hpp"

namespace sio::engine {

class WriteCorkService : public boost::asio::execution_context::service {
 public:
  using key_type = WriteCorkService;
  static inline boost::asio::execution_context::id id;

  explicit WriteCorkService(boost::asio::execution_context& context)
      : boost::asio::execution_context::service(context) {}

  // Queues `writer` for the drain after the current handler (posted on `executor`).
  template <class Executor>
  void add(std::shared_ptr<CorkedWriter> writer, const Executor& executor) {
    if (cork_.add(std::move(writer))) boost::asio::post(executor, [this] { drain(); });
  }

  SharedFrameCache& frames() { return frames_; }

 private:
  void drain() {
    cork_.drain();
    // a turn's broadcasts are queued by now: their frames live on in the queues only
    frames_.clear();
    FrameQueue::trimPooledStorage();
  }

  void shutdown() override {
    cork_.clear();
    frames_.clear();
  }

  WriteCork cork_;
  SharedFrameCache frames_;
};

}  // namespace sio::engine
