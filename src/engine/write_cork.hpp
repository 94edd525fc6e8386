// Corks a turn's writes, as uWebSockets does: a connection that queues bytes does not write
// at once but enters this list (once per turn); one drain, run after the current handler,
// writes every connection in it. So all the broadcasts handled in one turn leave each
// socket in one system call. Pure (the caller schedules the drain): unit-tested without
// an event loop; write_cork_service.hpp binds one to each io_context.
#pragma once
#include <memory>
#include <vector>

namespace sio::engine {

// A connection with bytes waiting for the drain.
class CorkedWriter {
 public:
  virtual ~CorkedWriter() = default;
  virtual void writeCorked() = 0;
};

class WriteCork {
 public:
  // Adds a writer (the caller adds each one once until it is drained). True when the list
  // was empty: the caller then schedules one drain().
  bool add(std::shared_ptr<CorkedWriter> writer) {
    dirty_.push_back(std::move(writer));
    return dirty_.size() == 1;
  }

  // Writes every writer added so far. One added meanwhile (a write that made a listener
  // send more) waits for the next drain, which add() then asks for.
  void drain() {
    std::vector<std::shared_ptr<CorkedWriter>> batch;
    batch.swap(dirty_);
    for (auto& writer : batch) writer->writeCorked();
    if (dirty_.empty()) {  // keep the list's memory for the next turn
      batch.clear();
      dirty_.swap(batch);
    }
  }

  std::size_t size() const { return dirty_.size(); }
  // Forgets every writer without writing (the event loop is going away).
  void clear() { std::vector<std::shared_ptr<CorkedWriter>>().swap(dirty_); }

 private:
  std::vector<std::shared_ptr<CorkedWriter>> dirty_;
};

}  // namespace sio::engine
