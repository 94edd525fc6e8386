// The read loop of one stream (spec §1.8), on its own connection so that the blocking XREAD
// never stalls other commands. It starts from the stream's last entry id at start-up (not
// `$` between calls, which loses entries), always resumes from the last id it handed on,
// and after an outage checks whether trimming removed entries it had not read (a gap,
// logged and counted). A bad entry is counted and skipped; it never wedges the loop. The
// decisions are StreamCursor's; this class carries them out on its connection and timers.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sio/redis/client.hpp"
#include "stream_cursor.hpp"
#include "stream_entry.hpp"
#include "stream_id.hpp"

namespace sio::adapters::streams {

// Parses the entry list of an XRANGE reply (or of one stream in an XREAD reply), moving
// the ids and field strings out of the reply instead of copying them.
std::vector<StreamEntry> parseEntries(redis::Reply&& list);

class StreamReader : public std::enable_shared_from_this<StreamReader> {
 public:
  using EntryHandler = std::function<void(StreamEntry&&)>;  // the handler may take it

  struct Stats {
    uint64_t entries = 0, errors = 0, trimGaps = 0;
    uint64_t lagMs = 0;  // age of the last entry read by the latest read; 0 when caught up
    // Entries in the stream after the last one read, counted every 5 s (at most 1,000).
    uint64_t entriesBehind = 0;
  };

  StreamReader(std::shared_ptr<redis::Client> connection, boost::asio::any_io_executor executor,
               std::string stream, int readCount, std::chrono::milliseconds blockTime,
               EntryHandler onEntry);

  void start();
  void stop();
  // Counts the entries behind (Stats::entriesBehind) every few seconds with `client`, a
  // connection other than the reader's own, whose XREAD blocks.
  void measureLagWith(std::shared_ptr<redis::Client> client) { lagClient_ = std::move(client); }
  // Runs `ready` once the loop has its starting id and polls (at once when it already does).
  void whenReady(std::function<void()> ready);
  const std::string& stream() const { return stream_; }
  Stats stats() const;

 private:
  void run(StreamCursor::Actions actions);
  void findStart();
  void readNext();
  void measureLagSoon();
  void onRead(std::error_code ec, redis::Reply&& reply);
  void checkTrim();
  void retryLater();

  std::shared_ptr<redis::Client> connection_;
  boost::asio::steady_timer retryTimer_;
  std::string stream_;
  int readCount_;
  std::chrono::milliseconds blockTime_;
  EntryHandler onEntry_;
  StreamCursor cursor_;
  bool ready_ = false;
  std::vector<std::function<void()>> readyWaiters_;
  uint64_t entriesBehind_ = 0;
  std::shared_ptr<redis::Client> lagClient_;
  boost::asio::steady_timer lagTimer_;
};

}  // namespace sio::adapters::streams
